#ifndef ASN_POLICY_H
#define ASN_POLICY_H

#include "asn-password.h"

/* The one password policy.  Every change path (asnctl passwd,
   asn-passwdd, import's generator) calls asn_policy_check; there is no
   other. */

enum asn_policy_code {
	ASN_POLICY_OK = 0,
	ASN_POLICY_TOO_SHORT,
	ASN_POLICY_TOO_LONG,
	ASN_POLICY_CLASSES,
	ASN_POLICY_CONTAINS_NAME,
	ASN_POLICY_CONTAINS_NIP,
	ASN_POLICY_CONTAINS_EMAIL,
	ASN_POLICY_DICTIONARY,
	ASN_POLICY_SIMPLE,		/* repeats, sequences, palindromes */
	ASN_POLICY_SAME_AS_DEFAULT,	/* the default password being replaced */
	ASN_POLICY_SAME_AS_CURRENT,
	ASN_POLICY_REUSED,		/* one of the last N */
	ASN_POLICY_INVALID_CHARS,	/* control characters */
	ASN_POLICY_NOT_UTF8,		/* cannot be typed again reliably */
};

struct asn_policy_context {
	const char *email;	/* local part and domain labels are refused */
	const char *name;	/* name parts are refused */
	const char *nip;	/* digit runs, birth date forms refused */
	/* Hashes of the current password (first) and earlier ones, newest
	   first, NULL-terminated; may be NULL. */
	const char *const *previous_hashes;
	/* The current password is a default one (must_change). */
	bool current_is_default;
};

struct asn_policy {
	const struct asn_settings *set;
	void *pwq;		/* pwquality_settings_t */
	void *pwq_generated;	/* the same without cracklib's dictionary */
	struct asn_strv blocklist;	/* lowercase ASCII words */
};

int asn_policy_init(struct asn_policy *policy, const struct asn_settings *set,
		    struct asn_error *err);
void asn_policy_deinit(struct asn_policy *policy);

/* Returns ASN_POLICY_OK or the first reason the password is refused;
   -1 on an internal error (err set), e.g. a missing dictionary.  Safe to
   call on one policy from several threads: the libpwquality/cracklib
   step, which is not thread-safe, is serialised inside. */
int asn_policy_check(struct asn_policy *policy, const char *password,
		     const struct asn_policy_context *ctx, struct asn_error *err);

/* A random default password that passes the policy for this context.
   Checked by asn_policy_check's rules except cracklib's dictionary, which
   a random draw does not need (see policy.c). */
int asn_policy_generate(struct asn_policy *policy, const struct asn_policy_context *ctx,
			char out[ASN_PASSWORD_MAX + 1], struct asn_error *err);

/* Stable identifier ("too_short") and the explanation for the user in
   Bahasa Indonesia ("id") or for admins in English ("en"). */
const char *asn_policy_code_name(enum asn_policy_code code);
const char *asn_policy_message(enum asn_policy_code code, const char *lang,
			       const struct asn_settings *set, char *buf, size_t size);

#endif
