/* The verifier's cases: recorded, closed and listed as a verifier (the
   scope rule and the audit), and the hold they put on notices. */
#include "asn-case.h"

#include <stdlib.h>
#include <string.h>

/* The audit names the case and its words, never the note: free text
   about a person stays in the case, read through the scope rule. */
static int audit_case(struct asn_store *store, const struct asn_verifier *verifier,
		      const char *action, const struct asn_account *account,
		      const struct asn_case *c, struct asn_error *err)
{
	char detail[256];

	snprintf(detail, sizeof(detail), "case %lld: %s%s%s", (long long)c->id, c->kind,
		 c->action[0] != '\0' ? ", " : "", c->action);
	return asn_store_audit(store, verifier->email, action, account, detail, err);
}

int asn_case_add(struct asn_store *store, const struct asn_verifier *verifier,
		 const char *user, enum asn_lookup_via via, const struct asn_case_input *in,
		 time_t now, int64_t *id_r, struct asn_error *err)
{
	struct asn_account account;
	struct asn_case c;
	int found;

	*id_r = 0;
	if (asn_case_input_check(in, err) < 0)
		return -1;
	if (asn_store_begin(store, err) < 0)
		return -1;
	found = asn_verifier_find_user(store, verifier, user, via, &account, err);
	if (found <= 0) {
		/* not found: the lookup row is kept, as for any lookup */
		if (found < 0 || asn_store_commit(store, err) < 0) {
			asn_store_rollback(store);
			return -1;
		}
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.account_id = account.id;
	c.kind = (char *)in->kind;
	c.action = (char *)(in->action != NULL ? in->action : "");
	c.note = (char *)(in->note != NULL ? in->note : "");
	c.at = now;
	c.by = verifier->email;
	if (asn_store_case_add(store, &c, err) < 0 ||
	    audit_case(store, verifier, "case-add", &account, &c, err) < 0 ||
	    asn_store_commit(store, err) < 0) {
		asn_store_rollback(store);
		asn_account_free(&account);
		return -1;
	}
	asn_account_free(&account);
	*id_r = c.id;
	return 1;
}

int asn_case_close(struct asn_store *store, const struct asn_verifier *verifier, int64_t id,
		   time_t now, bool *already_r, struct asn_error *err)
{
	struct asn_case c;
	struct asn_account account;
	char *opd, *email;
	bool committed = false;
	int ret;

	*already_r = false;
	if (asn_store_begin(store, err) < 0)
		return -1;
	ret = asn_store_case_find(store, id, &c, &opd, &email, err);
	if (ret <= 0) {
		asn_store_rollback(store);
		return ret;
	}
	if (!asn_verifier_sees_opd(verifier, opd)) {
		/* not theirs: what an absent id answers */
		ret = 0;
	} else if ((ret = asn_store_case_close(store, id, verifier->email, now, err)) == 0) {
		*already_r = true;
		ret = 1;
	} else if (ret > 0) {
		memset(&account, 0, sizeof(account));
		account.id = c.account_id;
		account.email = email;
		if (audit_case(store, verifier, "case-close", &account, &c, err) < 0 ||
		    asn_store_commit(store, err) < 0)
			ret = -1;
		else
			committed = true;
	}
	if (!committed)
		asn_store_rollback(store);
	asn_case_free(&c);
	free(opd);
	free(email);
	return ret;
}

int asn_case_list(struct asn_store *store, const struct asn_verifier *verifier,
		  const char *user, enum asn_lookup_via via, struct asn_cases *cases_r,
		  struct asn_account *account_r, struct asn_error *err)
{
	struct asn_account account;
	int found;

	memset(cases_r, 0, sizeof(*cases_r));
	found = asn_verifier_find_user(store, verifier, user, via, &account, err);
	if (found <= 0)
		return found;
	if (asn_store_case_list(store, account.id, cases_r, err) < 0) {
		asn_account_free(&account);
		return -1;
	}
	if (account_r != NULL)
		*account_r = account;
	else
		asn_account_free(&account);
	return 1;
}

bool asn_case_held(time_t activity, time_t now, unsigned int hold_secs, time_t *until_r)
{
	time_t until;

	*until_r = 0;
	if (activity == 0 || hold_secs == 0)
		return false;
	until = activity + (time_t)hold_secs;
	if (now >= until)
		return false;
	*until_r = until;
	return true;
}

int asn_case_holds_notices(struct asn_store *store, int64_t account_id, time_t now,
			   unsigned int hold_secs, time_t *until_r, struct asn_error *err)
{
	time_t activity;
	int ret;

	*until_r = 0;
	ret = asn_store_case_activity(store, account_id, &activity, err);
	if (ret <= 0)
		return ret;
	return asn_case_held(activity, now, hold_secs, until_r) ? 1 : 0;
}
