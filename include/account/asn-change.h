#ifndef ASN_CHANGE_H
#define ASN_CHANGE_H

#include "asn-policy.h"
#include "asn-store.h"

/* A password change by someone who knows the current password: the one
   implementation behind every change path (asnctl passwd, asn-passwdd). */

enum asn_change_result {
	ASN_CHANGE_OK,
	ASN_CHANGE_DENIED,	/* unknown user or wrong current password: one answer */
	ASN_CHANGE_DISABLED,
	ASN_CHANGE_EXPIRED,	/* the default password expired: only a reset helps */
	ASN_CHANGE_REFUSED,	/* the policy refused the new password (*code_r) */
	ASN_CHANGE_ERROR,	/* store or internal error (err) */
};

struct asn_change_request {
	const char *user;	/* email or NIP */
	const char *current;
	const char *new_password;
	const char *actor;	/* for the audit: "root", "asn-passwdd" */
	const char *via;	/* audit detail: "asnctl", "webmail 10.0.0.5" */
};

struct asn_change_outcome {
	enum asn_policy_code code;	/* with ASN_CHANGE_REFUSED */
	char email[256];		/* the account's address, when known */
	enum asn_store_status store_status;	/* with ASN_CHANGE_ERROR */
};

/* The account still has its default password (must_change) and that
   password's time (asn_initial_password_ttl) is up at `now`: it no longer
   logs in or changes, only a reset helps.  The one home of this rule. */
bool asn_account_default_expired(const struct asn_account *account, time_t now);

/* policy may be shared between threads (asn_policy_check serialises
   what is not thread-safe); hashing runs in parallel. */
enum asn_change_result
asn_password_change(struct asn_store *store, const struct asn_settings *set,
		    struct asn_policy *policy, const struct asn_change_request *req,
		    struct asn_change_outcome *outcome_r, struct asn_error *err);

#endif
