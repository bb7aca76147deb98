#ifndef ASN_VERIFIER_TOKEN_H
#define ASN_VERIFIER_TOKEN_H

#include "asn-store-verifier.h"

/* A verifier's API tokens for the portal (the province's dashboards): a
   token acts as its verifier, with their scope at the time of each use,
   for reading the API only.  "asnpt_" and 64 hex digits (32 random
   bytes); only its SHA-256 is stored, so the token is shown once. */

#define ASN_API_TOKEN_PREFIX "asnpt_"
#define ASN_API_TOKEN_LEN (sizeof(ASN_API_TOKEN_PREFIX) - 1 + 64)
#define ASN_API_TOKEN_NAME_MAX 64
/* A verifier holds at most this many. */
#define ASN_API_TOKENS_MAX 10

/* Makes a token named NAME (1-64 bytes of text, for the verifier to tell
   them apart) for VERIFIER, audited as theirs.  Returns 0 with the token
   in token_r, -1 with err (a bad name, too many tokens, a store error). */
int asn_verifier_token_create(struct asn_store *store, const struct asn_verifier *verifier,
			      const char *name, char token_r[ASN_API_TOKEN_LEN + 1],
			      struct asn_error *err);
/* The verifier a token acts as: 1 with their address (caller frees),
   0 when it is no live token (malformed, revoked, its verifier removed),
   -1 on error.  The token's last use is noted. */
int asn_verifier_token_resolve(struct asn_store *store, const char *token, char **email_r,
			       struct asn_error *err);
/* Revokes the verifier's token ID, audited as theirs: 1 revoked, 0 none
   such of theirs, -1 error. */
int asn_verifier_token_revoke(struct asn_store *store, const struct asn_verifier *verifier,
			      int64_t id, struct asn_error *err);

#endif
