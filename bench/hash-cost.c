/* Measures what one Dovecot login verification of a hash costs: the same
   libsodium / crypt call Dovecot's passdb makes, in-process, so process
   start-up is not counted.  With THREADS > 1 every thread verifies at
   once, as the cores do during an import, so memory bandwidth shared by
   the cores is counted too.
   usage: hash-cost HASH PASSWORD [ROUNDS [THREADS]]
   prints the seconds one verification takes on one core under that load */
#include "asn-password.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct job {
	const char *hash, *password;
	int rounds;
	int failed;
};

static void *verify_loop(void *arg)
{
	struct job *job = arg;
	struct asn_error err;

	for (int i = 0; i < job->rounds; i++) {
		if (asn_password_verify(job->hash, job->password, &err) != 1)
			job->failed = 1;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct asn_error err;
	struct timespec t0, t1;
	int rounds = argc > 3 ? atoi(argv[3]) : 20;
	int threads = argc > 4 ? atoi(argv[4]) : 1;
	pthread_t tids[256];
	struct job job;

	if (argc < 3 || rounds < 1 || threads < 1 || threads > 256) {
		fprintf(stderr, "usage: hash-cost HASH PASSWORD [ROUNDS [THREADS]]\n");
		return 64;
	}
	if (asn_password_lib_init(&err) < 0)
		return 70;
	job.hash = argv[1];
	job.password = argv[2];
	job.rounds = rounds;
	job.failed = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads; i++)
		pthread_create(&tids[i], NULL, verify_loop, &job);
	for (int i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (job.failed) {
		fprintf(stderr, "hash-cost: the password does not verify\n");
		return 65;
	}
	printf("%.6f\n", ((double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9) / rounds);
	return 0;
}
