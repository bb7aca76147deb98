/* Generation and hashing; Dovecot itself (doveadm pw -t) checks our hashes. */
#include "tap.h"
#include "asn-password.h"

#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifndef DOVEADM
#  define DOVEADM "doveadm"
#endif

/* Runs doveadm pw -t HASH -p PASSWORD; returns its exit status. */
static int doveadm_verify(const char *hash, const char *password)
{
	char *argv[] = { (char *)DOVEADM, (char *)"pw", (char *)"-t", (char *)hash,
			 (char *)"-p", (char *)password, NULL };
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1, 0);
	posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", 1, 0);
	if (posix_spawn(&pid, DOVEADM, &actions, NULL, argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&actions);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_random(void)
{
	static const char alphabet[] = ASN_GEN_UPPER ASN_GEN_LOWER ASN_GEN_DIGIT ASN_GEN_SPECIAL;
	bool alphabet_ok = true, classes_ok = true, first_ok = true, distinct = true;
	char prev[32] = "";
	unsigned int counts[128] = { 0 };
	struct asn_error err;

	for (int i = 0; i < 2000; i++) {
		char pw[32];

		if (asn_password_random(pw, 14, &err) < 0) {
			tap_ok(false, "random: %s", err.msg);
			return;
		}
		if (strlen(pw) != 14)
			alphabet_ok = false;
		for (const char *p = pw; *p != '\0'; p++) {
			if (strchr(alphabet, *p) == NULL)
				alphabet_ok = false;
			counts[(unsigned char)*p]++;
		}
		if (strpbrk(pw, ASN_GEN_UPPER) == NULL || strpbrk(pw, ASN_GEN_LOWER) == NULL ||
		    strpbrk(pw, ASN_GEN_DIGIT) == NULL || strpbrk(pw, ASN_GEN_SPECIAL) == NULL)
			classes_ok = false;
		if (strchr(ASN_GEN_UPPER ASN_GEN_LOWER, pw[0]) == NULL)
			first_ok = false;
		if (strcmp(pw, prev) == 0)
			distinct = false;
		memcpy(prev, pw, sizeof(prev));
	}
	tap_ok(alphabet_ok, "random: 14 characters, only from the unambiguous alphabet");
	tap_ok(counts['0'] == 0 && counts['O'] == 0 && counts['o'] == 0 && counts['1'] == 0 &&
	       counts['l'] == 0 && counts['I'] == 0, "random: no 0 O o 1 l I");
	tap_ok(classes_ok, "random: every password has all four classes");
	tap_ok(first_ok, "random: never starts with a digit or special (spreadsheet formulas)");
	tap_ok(distinct, "random: consecutive passwords differ");
	/* Every alphabet character appears: 2000 x 13 draws over 62 symbols. */
	{
		bool all_seen = true;

		for (const char *p = alphabet; *p != '\0'; p++) {
			if (counts[(unsigned char)*p] == 0)
				all_seen = false;
		}
		tap_ok(all_seen, "random: every alphabet character is used");
	}
	tap_ok(asn_password_random(prev, 3, &err) < 0, "random: length below 4 refused");
}

static void test_scheme(struct asn_settings *set, const char *scheme, const char *prefix)
{
	char hash[ASN_PASSWORD_HASH_MAX], hash2[ASN_PASSWORD_HASH_MAX];
	struct asn_error err = { .msg = "" };
	const char *pw = "Kt4#mPq9!zRw2x";

	tap_ok(asn_password_hash(set, pw, hash, &err) == 0, "%s: hash (%s)", scheme, err.msg);
	tap_ok(strncmp(hash, prefix, strlen(prefix)) == 0, "%s: format %s...", scheme, prefix);
	tap_ok(asn_password_hash(set, pw, hash2, &err) == 0 && strcmp(hash, hash2) != 0,
	       "%s: salted (two hashes differ)", scheme);
	tap_ok(asn_password_verify(hash, pw, &err) == 1, "%s: our verify accepts", scheme);
	tap_ok(asn_password_verify(hash, "Kt4#mPq9!zRw2y", &err) == 0,
	       "%s: our verify refuses a wrong password", scheme);
	tap_ok(doveadm_verify(hash, pw) == 0, "%s: doveadm pw -t verifies our hash", scheme);
	tap_ok(doveadm_verify(hash, "Kt4#mPq9!zRw2y") != 0,
	       "%s: doveadm pw -t refuses a wrong password", scheme);
}

int main(void)
{
	struct asn_settings set;
	struct asn_error err = { .msg = "" };

	tap_ok(asn_password_lib_init(&err) == 0, "libsodium init");
	test_random();

	asn_settings_init(&set);
	test_scheme(&set, "ARGON2ID default cost", "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$");
	asn_settings_set(&set, "asn_argon2_memlimit", "32M", &err);
	asn_settings_set(&set, "asn_argon2_opslimit", "2", &err);
	test_scheme(&set, "ARGON2ID configured cost", "{ARGON2ID}$argon2id$v=19$m=32768,t=2,p=1$");
	asn_settings_set(&set, "asn_password_scheme", "SHA512-CRYPT", &err);
	test_scheme(&set, "SHA512-CRYPT", "{SHA512-CRYPT}$6$");
	asn_settings_set(&set, "asn_sha512_crypt_rounds", "10000", &err);
	test_scheme(&set, "SHA512-CRYPT rounds", "{SHA512-CRYPT}$6$rounds=10000$");
	asn_settings_free(&set);

	/* Default passwords: a cheaper scheme of their own, bounded by their
	   entropy. */
	asn_settings_init(&set);
	tap_ok(asn_password_generated_bits(14) > 82.0 && asn_password_generated_bits(14) < 82.5,
	       "14 generated characters carry 82.3 bits (%.2f)", asn_password_generated_bits(14));
	tap_ok(asn_password_generated_bits(13) < 80.0, "13 carry under 80 (%.2f)",
	       asn_password_generated_bits(13));
	asn_settings_set(&set, "asn_default_password_scheme", "SHA512-CRYPT", &err);
	{
		char hash[ASN_PASSWORD_HASH_MAX];

		tap_ok(asn_password_hash_default(&set, "Kt4#mPq9!zRw2x", hash, &err) == 0 &&
		       strncmp(hash, "{SHA512-CRYPT}$6$", 17) == 0,
		       "a default password hashed with asn_default_password_scheme");
		tap_ok(doveadm_verify(hash, "Kt4#mPq9!zRw2x") == 0, "doveadm pw -t verifies it");
		tap_ok(asn_password_hash(&set, "Kt4#mPq9!zRw2x", hash, &err) == 0 &&
		       strncmp(hash, "{ARGON2ID}", 10) == 0,
		       "a chosen password keeps asn_password_scheme");
		asn_settings_set(&set, "asn_default_password_length", "13", &err);
		tap_ok(asn_password_hash_default(&set, "Kt4#mPq9!zRw2", hash, &err) < 0 &&
		       strstr(err.msg, "asn_default_password_length 13") != NULL,
		       "a cheaper scheme with 13 characters is refused, naming the settings (%s)",
		       err.msg);
		asn_settings_set(&set, "asn_default_password_scheme", "", &err);
		tap_ok(asn_password_hash_default(&set, "Kt4#mPq9!zRw2", hash, &err) == 0 &&
		       strncmp(hash, "{ARGON2ID}", 10) == 0,
		       "empty: default passwords get asn_password_scheme, at any length");
	}
	asn_settings_free(&set);

	/* Hashes made by Dovecot verify with ours (other direction). */
	tap_ok(asn_password_verify("{SHA512-CRYPT}$6$iVD1OQcbGl98Y2ca$w6qJRwfDsIcs4GJuXvbIIflGB4i3j"
				   "/Fo3dj5oHHhhNXA7ZlBSptDkYu0fk4JflVqNCNEVreN260H9Lhj.LHRC1",
				   "x", &err) == 1, "doveadm's SHA512-CRYPT verifies");
	tap_ok(asn_password_verify("{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$PbE6NG7CZO6jQZU1XuXq7A$"
				   "S/yE+EiZpuLcC9seCygrArqkaIxYC2N4d+pPLfe9WG0", "Test123!abc", &err) == 1,
	       "doveadm's ARGON2ID verifies");
	tap_ok(asn_password_verify("{PLAIN}x", "x", &err) < 0, "PLAIN is not accepted");
	tap_ok(asn_password_verify("nobrace", "x", &err) < 0, "hash without scheme refused");
	tap_ok(asn_password_verify("{ARGON2ID}garbage", "x", &err) == 0 ||
	       asn_password_verify("{ARGON2ID}garbage", "x", &err) < 0,
	       "malformed Argon2 never verifies");
	return tap_done();
}
