/* The verifier's scope: who a verifier may see. */
#include "asn-verifier.h"

#include <string.h>

bool asn_verifier_sees_opd(const struct asn_verifier *verifier, const char *opd)
{
	if (verifier->all_opd)
		return true;
	if (opd == NULL || opd[0] == '\0')
		return false;
	/* Exact: the accounts' OPD strings are what the store filters on. */
	return asn_strv_contains(&verifier->opds, opd);
}

int asn_verifier_find_user(struct asn_store *store, const struct asn_verifier *verifier,
			   const char *user, enum asn_lookup_via via,
			   struct asn_account *account_r, struct asn_error *err)
{
	int found;

	/* The same query whatever the scope; the rule is applied to its
	   answer, so an out-of-scope person costs what an absent one does. */
	found = asn_store_account_find(store, user, account_r, err);
	if (found < 0)
		return -1;
	if (found > 0 && !asn_verifier_sees_opd(verifier, account_r->opd)) {
		asn_account_free(account_r);
		found = 0;
	}
	if (asn_store_person_lookup_add(store, verifier->email, user,
					found > 0 ? account_r->id : 0, via, err) < 0) {
		if (found > 0)
			asn_account_free(account_r);
		return -1;
	}
	return found;
}

int asn_verifier_scope_opds(struct asn_store *store, const struct asn_verifier *verifier,
			    struct asn_strv *opds_r, bool *all_r, struct asn_error *err)
{
	*all_r = verifier->all_opd;
	if (verifier->all_opd)
		return asn_store_opds(store, opds_r, err);
	for (size_t i = 0; i < verifier->opds.count; i++)
		asn_strv_add(opds_r, verifier->opds.items[i]);
	return 0;
}

static bool opd_visible(const char *opd, const void *context)
{
	return asn_verifier_sees_opd(context, opd);
}

int asn_verifier_progress_report(struct asn_store *store, const struct asn_settings *set,
				 const struct asn_verifier *verifier,
				 const struct asn_bsre_progress_filter *filter, time_t now,
				 struct asn_bsre_progress_report *report_r, struct asn_error *err)
{
	struct asn_bsre_progress_filter scoped = *filter;

	if (filter->opd != NULL && !asn_verifier_sees_opd(verifier, filter->opd)) {
		/* Another OPD asked by name: nothing, without reading it (its
		   size must not show in the time taken). */
		memset(report_r, 0, sizeof(*report_r));
		report_r->total.opd = asn_xstrdup("");
		return 0;
	}
	scoped.opd_visible = opd_visible;
	scoped.opd_visible_context = verifier;
	return asn_bsre_progress_report_build(store, set, &scoped, now, report_r, err);
}

int asn_verifier_status_load(struct asn_store *store, const struct asn_settings *set,
			     const struct asn_verifier *verifier, const char *user,
			     enum asn_lookup_via via, time_t now,
			     struct asn_bsre_status *status_r, struct asn_error *err)
{
	struct asn_account account;
	int ret;

	memset(status_r, 0, sizeof(*status_r));
	ret = asn_verifier_find_user(store, verifier, user, via, &account, err);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		/* A mailbox with BSrE mail but no account here has no OPD:
		   admins only see it (asn_verifier_sees_opd). */
		if (!verifier->all_opd || strchr(user, '@') == NULL)
			return 0;
		ret = asn_bsre_status_load(store, set, user, now, status_r, err);
		if (ret > 0 && status_r->event_count == 0) {
			asn_bsre_status_free(status_r);
			ret = 0;
		}
		return ret;
	}
	/* By the account's address: a NIP was looked up above. */
	ret = asn_bsre_status_load(store, set, account.email, now, status_r, err);
	asn_account_free(&account);
	return ret;
}
