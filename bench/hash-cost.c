/* Measures what one Dovecot login verification of a hash costs: the same
   libsodium / crypt call Dovecot's passdb makes, in-process, so process
   start-up is not counted.
   usage: hash-cost HASH PASSWORD [ROUNDS]   prints seconds per verify */
#include "asn-password.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct asn_error err;
	struct timespec t0, t1;
	int rounds = argc > 3 ? atoi(argv[3]) : 20;

	if (argc < 3 || rounds < 1) {
		fprintf(stderr, "usage: hash-cost HASH PASSWORD [ROUNDS]\n");
		return 64;
	}
	if (asn_password_lib_init(&err) < 0)
		return 70;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < rounds; i++) {
		if (asn_password_verify(argv[1], argv[2], &err) != 1) {
			fprintf(stderr, "hash-cost: the password does not verify\n");
			return 65;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f\n", ((double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9) / rounds);
	return 0;
}
