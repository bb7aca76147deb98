/* A fixed pool of hashing threads over one array: no queue needed, each
   thread takes the next index. */
#include "asn-hash-pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct hash_job {
	const struct asn_settings *set;
	const char *const *passwords;
	char (*hashes)[ASN_PASSWORD_HASH_MAX];
	size_t count;
	atomic_size_t next;
	atomic_size_t done;
	atomic_bool failed;
	pthread_mutex_t lock;
	struct asn_error error;
};

static void *hash_worker(void *arg)
{
	struct hash_job *job = arg;
	struct asn_error err;

	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);

		if (i >= job->count || atomic_load(&job->failed))
			break;
		if (asn_password_hash(job->set, job->passwords[i], job->hashes[i], &err) < 0) {
			pthread_mutex_lock(&job->lock);
			if (!atomic_load(&job->failed))
				job->error = err;
			atomic_store(&job->failed, true);
			pthread_mutex_unlock(&job->lock);
			break;
		}
		atomic_fetch_add(&job->done, 1);
	}
	return NULL;
}

unsigned int asn_hash_default_threads(void)
{
	cpu_set_t cpus;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0)
		return (unsigned int)CPU_COUNT(&cpus);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned int)n : 1;
}

int asn_hash_many(const struct asn_settings *set, const char *const *passwords,
		  char (*hashes)[ASN_PASSWORD_HASH_MAX], size_t count,
		  unsigned int threads, asn_hash_progress *progress, void *context,
		  struct asn_error *err)
{
	struct hash_job job;
	pthread_t *tids;
	unsigned int started = 0;

	if (count == 0)
		return 0;
	if (threads == 0)
		threads = asn_hash_default_threads();
	if (threads > count)
		threads = (unsigned int)count;

	memset(&job, 0, sizeof(job));
	job.set = set;
	job.passwords = passwords;
	job.hashes = hashes;
	job.count = count;
	atomic_init(&job.next, 0);
	atomic_init(&job.done, 0);
	atomic_init(&job.failed, false);
	pthread_mutex_init(&job.lock, NULL);

	tids = asn_xcalloc(threads, sizeof(*tids));
	for (unsigned int i = 0; i < threads; i++) {
		if (pthread_create(&tids[i], NULL, hash_worker, &job) != 0)
			break;
		started++;
	}
	if (started == 0) {
		/* No threads to be had: do the work here. */
		hash_worker(&job);
	} else if (progress != NULL) {
		const struct timespec tick = { 0, 100 * 1000 * 1000 };

		while (atomic_load(&job.done) < count && !atomic_load(&job.failed)) {
			progress(atomic_load(&job.done), count, context);
			nanosleep(&tick, NULL);
		}
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	pthread_mutex_destroy(&job.lock);
	if (progress != NULL && !atomic_load(&job.failed))
		progress(count, count, context);
	if (atomic_load(&job.failed)) {
		*err = job.error;
		return -1;
	}
	return 0;
}
