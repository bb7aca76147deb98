#ifndef ASN_HASH_POOL_H
#define ASN_HASH_POOL_H

#include "asn-password.h"

/* Hashes many passwords on several threads: a bulk import is bound by the
   cost of Argon2id, and every core should carry that cost.
   progress (may be NULL) is called from the calling thread about ten
   times a second with the number done so far. */
typedef void asn_hash_progress(size_t done, size_t total, void *context);

int asn_hash_many(const struct asn_settings *set, const char *const *passwords,
		  char (*hashes)[ASN_PASSWORD_HASH_MAX], size_t count,
		  unsigned int threads, asn_hash_progress *progress, void *context,
		  struct asn_error *err);

/* Threads to use for threads = 0: the cores this process may run on. */
unsigned int asn_hash_default_threads(void);

#endif
