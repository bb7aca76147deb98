/* Changing a password knowing the current one.  Slow steps (verifying and
   hashing, ~0.1 s each with Argon2id) run outside the write transaction;
   the transaction re-checks that the stored hash is still the one verified,
   so two concurrent changes cannot both win. */
#include "asn-change.h"

#include <string.h>

bool asn_account_default_expired(const struct asn_account *account, time_t now)
{
	return account->must_change && account->initial_password_expires_at != 0 &&
		account->initial_password_expires_at <= now;
}

static enum asn_change_result store_error(struct asn_change_outcome *outcome,
					  const struct asn_error *err)
{
	outcome->store_status = asn_store_error_status(err);
	return ASN_CHANGE_ERROR;
}

enum asn_change_result
asn_password_change(struct asn_store *store, const struct asn_settings *set,
		    struct asn_policy *policy, const struct asn_change_request *req,
		    struct asn_change_outcome *outcome, struct asn_error *err)
{
	struct asn_account account, again;
	struct asn_strv previous = { 0 };
	char hash[ASN_PASSWORD_HASH_MAX];
	enum asn_change_result result;
	int ret;

	memset(outcome, 0, sizeof(*outcome));
	ret = asn_store_account_find(store, req->user, &account, err);
	if (ret < 0)
		return store_error(outcome, err);
	if (ret == 0) {
		asn_password_spend_verify_time(set, req->current);
		return ASN_CHANGE_DENIED;
	}
	snprintf(outcome->email, sizeof(outcome->email), "%s", account.email);

	ret = asn_password_verify_service(set, account.password, req->current, err);
	if (ret <= 0) {
		asn_account_free(&account);
		if (ret < 0) {
			outcome->store_status = ASN_STORE_OK;
			return ASN_CHANGE_ERROR;
		}
		return ASN_CHANGE_DENIED;
	}
	/* Only someone who knows the password learns these states. */
	if (account.disabled) {
		asn_account_free(&account);
		return ASN_CHANGE_DISABLED;
	}
	if (asn_account_default_expired(&account, asn_now())) {
		asn_account_free(&account);
		return ASN_CHANGE_EXPIRED;
	}

	asn_strv_add(&previous, account.password);
	if (set->password_history > 0 &&
	    asn_store_password_history(store, account.id, set->password_history,
				       &previous, err) < 0) {
		result = store_error(outcome, err);
		goto out;
	}
	{
		struct asn_policy_context pctx = {
			.email = account.email, .name = account.name, .nip = account.nip,
			.previous_hashes = (const char *const *)previous.items,
			.current_is_default = account.must_change,
		};

		ret = asn_policy_check(policy, req->new_password, &pctx, err);
	}
	if (ret < 0) {
		result = ASN_CHANGE_ERROR;
		goto out;
	}
	if (ret != ASN_POLICY_OK) {
		outcome->code = (enum asn_policy_code)ret;
		result = ASN_CHANGE_REFUSED;
		goto out;
	}
	if (asn_password_hash(set, req->new_password, hash, err) < 0) {
		result = ASN_CHANGE_ERROR;
		goto out;
	}

	if (asn_store_begin(store, err) < 0) {
		result = store_error(outcome, err);
		goto out;
	}
	ret = asn_store_account_find(store, account.email, &again, err);
	if (ret <= 0 || strcmp(again.password, account.password) != 0) {
		if (ret > 0)
			asn_account_free(&again);
		asn_store_rollback(store);
		if (ret < 0) {
			result = store_error(outcome, err);
		} else {
			/* Changed or reset meanwhile: the current password given
			   is no longer current. */
			result = ASN_CHANGE_DENIED;
		}
		goto out;
	}
	asn_account_free(&again);
	{
		/* The path is worth knowing when reading the audit. */
		char detail[300];

		snprintf(detail, sizeof(detail), "%s%s%s",
			 account.must_change ? "default password replaced" : "password changed",
			 req->via != NULL && req->via[0] != '\0' ? " via " : "",
			 req->via != NULL ? req->via : "");
		if (asn_store_account_set_password(store, &account, hash, false, 0,
						   set->password_history, err) < 0 ||
		    asn_store_audit(store, req->actor, "passwd", &account, detail, err) < 0) {
			asn_store_rollback(store);
			result = store_error(outcome, err);
			goto out;
		}
	}
	if (asn_store_commit(store, err) < 0) {
		result = store_error(outcome, err);
		goto out;
	}
	result = ASN_CHANGE_OK;
out:
	asn_secure_zero(hash, sizeof(hash));
	asn_strv_free(&previous);
	asn_account_free(&account);
	return result;
}
