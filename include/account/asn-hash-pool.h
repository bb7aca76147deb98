#ifndef ASN_HASH_POOL_H
#define ASN_HASH_POOL_H

#include "asn-password.h"

/* Hashes many passwords on several threads: a bulk import is bound by the
   cost of Argon2id, and every core should carry that cost.  The producer
   may publish passwords as it generates them, so generation overlaps
   hashing. */
typedef void asn_hash_progress(size_t done, size_t total, void *context);

struct asn_hash_pool;

/* passwords[] and hashes[] have count entries; passwords are read only
   once published.  threads = 0: one per core. */
struct asn_hash_pool *asn_hash_pool_start(const struct asn_settings *set,
					  const char *const *passwords,
					  char (*hashes)[ASN_PASSWORD_HASH_MAX],
					  size_t count, unsigned int threads);
/* passwords[0 .. available) are ready to be hashed. */
void asn_hash_pool_publish(struct asn_hash_pool *pool, size_t available);
/* Waits for all published passwords (the producer must have published
   count of them, or fewer if it gave up); progress (may be NULL) is called
   from this thread about ten times a second.  Frees the pool. */
int asn_hash_pool_finish(struct asn_hash_pool **pool, asn_hash_progress *progress,
			 void *context, struct asn_error *err);

/* Threads to use for threads = 0: the cores this process may run on. */
unsigned int asn_hash_default_threads(void);

#endif
