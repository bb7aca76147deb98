/* Who may log in to a service with their mailbox password. */
#include "asn-login.h"
#include "asn-password.h"

#include <stdio.h>
#include <string.h>

int asn_account_limit_key(struct asn_store *store, const char *user, char *key, size_t size,
			  struct asn_error *err)
{
	struct asn_account account;
	int ret = asn_store_account_find(store, user, &account, err);

	if (ret < 0)
		return -1;
	if (ret == 0) {
		snprintf(key, size, "n:%s", user);
		return 0;
	}
	snprintf(key, size, "id:%lld", (long long)account.id);
	asn_account_free(&account);
	return 0;
}

enum asn_login_result
asn_account_login(struct asn_store *store, const struct asn_settings *set, const char *user,
		  const char *password, struct asn_account *account_r, struct asn_error *err)
{
	struct asn_account account;
	int ret;

	memset(account_r, 0, sizeof(*account_r));
	ret = asn_store_account_find(store, user, &account, err);
	if (ret < 0)
		return ASN_LOGIN_ERROR;
	if (ret == 0) {
		asn_password_spend_verify_time(set, password);
		return ASN_LOGIN_DENIED;
	}
	ret = asn_password_verify_service(set, account.password, password, err);
	if (ret <= 0) {
		asn_account_free(&account);
		return ret < 0 ? ASN_LOGIN_ERROR : ASN_LOGIN_DENIED;
	}
	if (account.disabled) {
		asn_account_free(&account);
		return ASN_LOGIN_DISABLED;
	}
	if (account.must_change) {
		asn_account_free(&account);
		return ASN_LOGIN_DEFAULT_PASSWORD;
	}
	*account_r = account;
	return ASN_LOGIN_OK;
}
