/* A fixed pool of hashing threads over one array: each thread takes the
   next published index. */
#include "asn-hash-pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct asn_hash_pool {
	const struct asn_settings *set;
	const char *const *passwords;
	char (*hashes)[ASN_PASSWORD_HASH_MAX];
	size_t count;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next, available, done;
	bool closed, failed;
	struct asn_error error;

	pthread_t *tids;
	unsigned int started;
};

static void *hash_worker(void *arg)
{
	struct asn_hash_pool *pool = arg;
	struct asn_error err;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		size_t i;

		while (pool->next >= pool->available && !pool->closed && !pool->failed)
			pthread_cond_wait(&pool->cond, &pool->lock);
		if (pool->failed || pool->next >= pool->available)
			break;
		i = pool->next++;
		pthread_mutex_unlock(&pool->lock);

		if (asn_password_hash_default(pool->set, pool->passwords[i], pool->hashes[i], &err) < 0) {
			pthread_mutex_lock(&pool->lock);
			if (!pool->failed)
				pool->error = err;
			pool->failed = true;
			pthread_cond_broadcast(&pool->cond);
			break;
		}
		pthread_mutex_lock(&pool->lock);
		pool->done++;
		pthread_cond_broadcast(&pool->cond);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

unsigned int asn_hash_default_threads(void)
{
	cpu_set_t cpus;
	long n;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0)
		return (unsigned int)CPU_COUNT(&cpus);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned int)n : 1;
}

struct asn_hash_pool *asn_hash_pool_start(const struct asn_settings *set,
					  const char *const *passwords,
					  char (*hashes)[ASN_PASSWORD_HASH_MAX],
					  size_t count, unsigned int threads)
{
	struct asn_hash_pool *pool = asn_xcalloc(1, sizeof(*pool));

	pool->set = set;
	pool->passwords = passwords;
	pool->hashes = hashes;
	pool->count = count;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	if (threads == 0)
		threads = asn_hash_default_threads();
	if (threads > count)
		threads = count == 0 ? 1 : (unsigned int)count;
	pool->tids = asn_xcalloc(threads, sizeof(*pool->tids));
	for (unsigned int i = 0; i < threads; i++) {
		if (pthread_create(&pool->tids[i], NULL, hash_worker, pool) != 0)
			break;
		pool->started++;
	}
	return pool;
}

void asn_hash_pool_publish(struct asn_hash_pool *pool, size_t available)
{
	pthread_mutex_lock(&pool->lock);
	if (available > pool->count)
		available = pool->count;
	if (available > pool->available) {
		pool->available = available;
		pthread_cond_broadcast(&pool->cond);
	}
	pthread_mutex_unlock(&pool->lock);
}

int asn_hash_pool_finish(struct asn_hash_pool **_pool, asn_hash_progress *progress,
			 void *context, struct asn_error *err)
{
	struct asn_hash_pool *pool = *_pool;
	size_t total;
	bool failed;

	*_pool = NULL;
	pthread_mutex_lock(&pool->lock);
	pool->closed = true;
	total = pool->available;
	pthread_cond_broadcast(&pool->cond);
	if (pool->started == 0) {
		/* No threads to be had: do the work here. */
		pthread_mutex_unlock(&pool->lock);
		hash_worker(pool);
		pthread_mutex_lock(&pool->lock);
	}
	while (pool->done < total && !pool->failed) {
		struct timespec until;

		if (progress != NULL) {
			size_t done = pool->done;

			pthread_mutex_unlock(&pool->lock);
			progress(done, total, context);
			pthread_mutex_lock(&pool->lock);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pool->cond, &pool->lock, &until);
	}
	failed = pool->failed;
	pthread_mutex_unlock(&pool->lock);
	for (unsigned int i = 0; i < pool->started; i++)
		pthread_join(pool->tids[i], NULL);
	if (progress != NULL && !failed)
		progress(total, total, context);
	if (failed)
		*err = pool->error;
	free(pool->tids);
	pthread_cond_destroy(&pool->cond);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
	return failed ? -1 : 0;
}
