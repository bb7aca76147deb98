#ifndef ASN_LOGIN_H
#define ASN_LOGIN_H

#include "asn-store.h"

/* Logging in to a dovecot-asn service (the verifiers' portal) with a
   mailbox's own address and password: the one rule of who may. */

enum asn_login_result {
	ASN_LOGIN_OK,
	ASN_LOGIN_DENIED,	/* unknown user or wrong password: one answer */
	ASN_LOGIN_DISABLED,
	ASN_LOGIN_DEFAULT_PASSWORD,	/* still the default: change it first */
	ASN_LOGIN_ERROR,	/* store or internal error (err) */
};

/* USER: an address or a NIP.  An unknown user costs the time of a verify.
   The states past DENIED are told only to whoever knows the password.  A
   default password cannot log in, expired or not: it was handed out on
   paper, and the portal shows other people's data.  With OK the account
   is in *account_r (caller frees). */
enum asn_login_result
asn_account_login(struct asn_store *store, const struct asn_settings *set, const char *user,
		  const char *password, struct asn_account *account_r, struct asn_error *err);

/* The key failures of USER count under in the services' limits (asn-web.h):
   its account, whichever of its names (address, NIP, any case) was typed,
   "id:ID", or for a name that is no account the name itself, "n:NAME".
   Returns 0, or -1 on a store error. */
int asn_account_limit_key(struct asn_store *store, const char *user, char *key, size_t size,
			  struct asn_error *err);

#endif
