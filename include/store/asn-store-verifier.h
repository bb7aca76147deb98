#ifndef ASN_STORE_VERIFIER_H
#define ASN_STORE_VERIFIER_H

#include "asn-store.h"

/* Verifiers ("verifikator instansi") in the account store: who they are
   and the OPDs they serve.  The rule of what a verifier may see is not
   here but in asn-verifier.h; this is only their rows. */

struct asn_verifier {
	int64_t id;
	char *email;		/* an account's address, or any for an admin */
	char *name;
	char *phone;		/* +62 form or "", for the notices */
	bool all_opd;		/* an admin: every OPD */
	time_t created_at;
	struct asn_strv opds;	/* sorted; empty when all_opd */
};

void asn_verifier_free(struct asn_verifier *verifier);

/* Adds the verifier with its OPDs (sets verifier->id).  An address that
   is a verifier already fails with ASN_STORE_ERR_CONFLICT. */
int asn_store_verifier_add(struct asn_store *store, struct asn_verifier *verifier,
			   struct asn_error *err);
/* Returns 1 removed (with its OPDs), 0 when there was none, -1 error. */
int asn_store_verifier_remove(struct asn_store *store, const char *email,
			      struct asn_error *err);
/* Returns 1 found, 0 not a verifier, -1 error. */
int asn_store_verifier_find(struct asn_store *store, const char *email,
			    struct asn_verifier *verifier_r, struct asn_error *err);
/* Returns 1 when the OPD was added (removed), 0 when it already was
   (was not) one of the verifier's, -1 error. */
int asn_store_verifier_opd_add(struct asn_store *store, int64_t verifier_id,
			       const char *opd, struct asn_error *err);
int asn_store_verifier_opd_remove(struct asn_store *store, int64_t verifier_id,
				  const char *opd, struct asn_error *err);

typedef int asn_verifier_callback(const struct asn_verifier *verifier, void *context);
/* Every verifier ordered by address; a callback < 0 stops with -1. */
int asn_store_verifier_iterate(struct asn_store *store, asn_verifier_callback *callback,
			       void *context, struct asn_error *err);

/* The OPDs that have accounts, sorted (the empty OPD left out). */
int asn_store_opds(struct asn_store *store, struct asn_strv *opds_r, struct asn_error *err);
/* Returns 1 when some account has exactly this OPD, else 0 with, in
   *similar_r (caller frees), an OPD that differs only by case or
   surrounding spaces when there is one (NULL otherwise). */
int asn_store_opd_exists(struct asn_store *store, const char *opd, char **similar_r,
			 struct asn_error *err);

/* Through what a person was looked at. */
enum asn_lookup_via {
	ASN_LOOKUP_ASNCTL,
	ASN_LOOKUP_PORTAL,
	ASN_LOOKUP_API,
};
const char *asn_lookup_via_name(enum asn_lookup_via via);

/* One row of person_lookups: the verifier, what they asked for (an
   address or a NIP), the account shown (0: nothing was shown). */
int asn_store_person_lookup_add(struct asn_store *store, const char *verifier,
				const char *query, int64_t account_id,
				enum asn_lookup_via via, struct asn_error *err);

/* Portal API tokens: rows of their hashes (the token itself is never
   stored; asn-verifier-token.h makes and checks them). */
struct asn_api_token {
	int64_t id;
	char *name;
	time_t created_at, last_used_at;	/* last_used_at 0: never */
};
void asn_api_token_free(struct asn_api_token *token);
int asn_store_api_token_add(struct asn_store *store, int64_t verifier_id, const char *name,
			    const char *hash, int64_t *id_r, struct asn_error *err);
/* Returns 1 with the verifier's address (caller frees) and notes the use,
   0 when no token has this hash, -1 on error. */
int asn_store_api_token_use(struct asn_store *store, const char *hash, char **email_r,
			    struct asn_error *err);
/* The verifier's tokens, oldest first, appended to *tokens_r. */
int asn_store_api_token_list(struct asn_store *store, int64_t verifier_id,
			     struct asn_api_token **tokens_r, size_t *count_r,
			     struct asn_error *err);
/* Returns 1 removed (with its name in *name_r, caller frees), 0 when the
   verifier has no token ID, -1 on error. */
int asn_store_api_token_remove(struct asn_store *store, int64_t verifier_id, int64_t id,
			       char **name_r, struct asn_error *err);

#endif
