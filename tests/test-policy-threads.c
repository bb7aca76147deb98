/* One policy shared by threads, as asn-passwdd shares it: every check
   gives the answer it gives alone.  libpwquality and cracklib are not
   thread-safe; asn_policy_check serialises them (policy.c). */
#include "tap.h"
#include "asn-policy.h"

#include <pthread.h>

#define THREADS 8
#define ROUNDS 150

/* Passwords that pass our own checks, so that each one reaches
   libpwquality and cracklib. */
static const char *const passwords[] = {
	"Kt4#mPq9!zRw2x", "Aaaaaaaa#9753b", "Kq#9mnopqrVw2", "Elephant#93Kqz",
	"Xz!7Wombat#Tq2", "Vw2#Kq9zLp7Xm",
};

static struct asn_policy policy;
static int expected[ASN_N_ELEMENTS(passwords)];

struct worker {
	pthread_t tid;
	unsigned int seed;
	unsigned int mismatches, errors;
};

static void *work(void *context)
{
	struct worker *w = context;
	const struct asn_policy_context ctx = { .email = "siti.rahma@jatimprov.go.id" };
	struct asn_error err;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		size_t i = (w->seed + r) % ASN_N_ELEMENTS(passwords);
		int ret = asn_policy_check(&policy, passwords[i], &ctx, &err);

		if (ret < 0)
			w->errors++;
		else if (ret != expected[i])
			w->mismatches++;
	}
	return NULL;
}

int main(void)
{
	const struct asn_policy_context ctx = { .email = "siti.rahma@jatimprov.go.id" };
	struct worker workers[THREADS];
	struct asn_settings set;
	struct asn_error err = { .msg = "" };
	unsigned int mismatches = 0, errors = 0;

	asn_settings_init(&set);
	if (!tap_ok(asn_policy_init(&policy, &set, &err) == 0, "policy init: %s", err.msg))
		return tap_done();
	for (size_t i = 0; i < ASN_N_ELEMENTS(passwords); i++)
		expected[i] = asn_policy_check(&policy, passwords[i], &ctx, &err);
	tap_ok(expected[0] == ASN_POLICY_OK && expected[1] == ASN_POLICY_SIMPLE,
	       "alone: a good and a simple password are told apart");
	for (unsigned int t = 0; t < THREADS; t++) {
		workers[t] = (struct worker){ .seed = t };
		pthread_create(&workers[t].tid, NULL, work, &workers[t]);
	}
	for (unsigned int t = 0; t < THREADS; t++) {
		pthread_join(workers[t].tid, NULL);
		mismatches += workers[t].mismatches;
		errors += workers[t].errors;
	}
	tap_ok(mismatches == 0 && errors == 0,
	       "%u threads x %u checks on one policy: every answer as alone "
	       "(%u differ, %u errors)", THREADS, ROUNDS, mismatches, errors);
	asn_policy_deinit(&policy);
	asn_settings_free(&set);
	return tap_done();
}
