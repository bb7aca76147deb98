/* Default password generation and Dovecot-compatible hashing. */
#include "asn-password.h"

#include <crypt.h>
#include <math.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

int asn_password_lib_init(struct asn_error *err)
{
	if (sodium_init() < 0) {
		asn_error_set(err, "libsodium initialisation failed");
		return -1;
	}
	return 0;
}

/* Random bytes drawn from OpenSSL a block at a time: one RAND_bytes call
   per byte cost more than the rest of a password's generation. */
struct random_bytes {
	unsigned char buf[64];
	size_t pos;
};

static int next_random_byte(struct random_bytes *rb, unsigned char *byte_r,
			    struct asn_error *err)
{
	if (rb->pos >= sizeof(rb->buf)) {
		if (RAND_bytes(rb->buf, sizeof(rb->buf)) != 1) {
			asn_error_set(err, "OpenSSL RAND_bytes failed: %s",
				      ERR_error_string(ERR_get_error(), NULL));
			return -1;
		}
		rb->pos = 0;
	}
	*byte_r = rb->buf[rb->pos++];
	return 0;
}

/* Uniform index below n by rejection sampling of random bytes. */
static int random_index(struct random_bytes *rb, size_t n, size_t *index_r,
			struct asn_error *err)
{
	unsigned int limit = 256 - (256 % (unsigned int)n);
	unsigned char byte;

	do {
		if (next_random_byte(rb, &byte, err) < 0)
			return -1;
	} while (byte >= limit);
	*index_r = byte % n;
	return 0;
}

static int random_password(struct random_bytes *rb, char *out, size_t length,
			   struct asn_error *err)
{
	static const char *const classes[] = {
		ASN_GEN_UPPER, ASN_GEN_LOWER, ASN_GEN_DIGIT, ASN_GEN_SPECIAL
	};
	static const char all[] = ASN_GEN_UPPER ASN_GEN_LOWER ASN_GEN_DIGIT ASN_GEN_SPECIAL;
	static const char letters[] = ASN_GEN_UPPER ASN_GEN_LOWER;
	size_t idx;

	for (;;) {
		bool seen[4] = { false, false, false, false };

		for (size_t i = 0; i < length; i++) {
			const char *alphabet = i == 0 ? letters : all;

			if (random_index(rb, strlen(alphabet), &idx, err) < 0)
				return -1;
			out[i] = alphabet[idx];
			for (size_t c = 0; c < 4; c++) {
				if (strchr(classes[c], out[i]) != NULL)
					seen[c] = true;
			}
		}
		out[length] = '\0';
		/* Rejecting and redrawing keeps the distribution uniform over
		   all passwords that have every class. */
		if (seen[0] && seen[1] && seen[2] && seen[3])
			return 0;
	}
}

int asn_password_random(char *out, size_t length, struct asn_error *err)
{
	struct random_bytes rb = { .pos = sizeof(rb.buf) };
	int ret;

	if (length < 4 || length > ASN_PASSWORD_MAX) {
		asn_error_set(err, "password length %zu out of range", length);
		return -1;
	}
	ret = random_password(&rb, out, length, err);
	/* The bytes left decide nothing more, those used decided the password. */
	asn_secure_zero(&rb, sizeof(rb));
	return ret;
}

static void random_salt_crypt(char *out, size_t len, struct asn_error *err, int *ret_r)
{
	static const char b64[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char raw[32];

	*ret_r = 0;
	if (len > sizeof(raw) || RAND_bytes(raw, (int)len) != 1) {
		asn_error_set(err, "OpenSSL RAND_bytes failed");
		*ret_r = -1;
		return;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = b64[raw[i] & 63];
	out[len] = '\0';
}

static int hash_with(const struct asn_settings *set, enum asn_password_scheme scheme,
		     const char *password, char out[ASN_PASSWORD_HASH_MAX], struct asn_error *err)
{
	switch (scheme) {
	case ASN_SCHEME_ARGON2ID: {
		char result[crypto_pwhash_STRBYTES];

		if (crypto_pwhash_str_alg(result, password, strlen(password),
					  set->argon2_opslimit, (size_t)set->argon2_memlimit,
					  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			asn_error_set(err, "Argon2id hashing failed (out of memory? "
				      "asn_argon2_memlimit = %llu bytes)", set->argon2_memlimit);
			return -1;
		}
		snprintf(out, ASN_PASSWORD_HASH_MAX, "{ARGON2ID}%s", result);
		asn_secure_zero(result, sizeof(result));
		return 0;
	}
	case ASN_SCHEME_SHA512_CRYPT: {
		struct crypt_data data;
		char salt[17], setting[64];
		const char *result;
		int ret;

		random_salt_crypt(salt, 16, err, &ret);
		if (ret < 0)
			return -1;
		/* Dovecot and glibc omit "rounds=" at the default 5000; do the
		   same so our hashes look like doveadm pw's. */
		if (set->sha512_crypt_rounds == 5000)
			snprintf(setting, sizeof(setting), "$6$%s$", salt);
		else
			snprintf(setting, sizeof(setting), "$6$rounds=%u$%s$",
				 set->sha512_crypt_rounds, salt);
		memset(&data, 0, sizeof(data));
		result = crypt_r(password, setting, &data);
		if (result == NULL || result[0] != '$') {
			asn_error_set(err, "SHA512-CRYPT hashing failed: %s", strerror(errno));
			return -1;
		}
		snprintf(out, ASN_PASSWORD_HASH_MAX, "{SHA512-CRYPT}%s", result);
		asn_secure_zero(&data, sizeof(data));
		return 0;
	}
	}
	asn_error_set(err, "unknown password scheme");
	return -1;
}

int asn_password_verify(const char *stored, const char *password,
			struct asn_error *err)
{
	static const char *const crypt_schemes[] = {
		"SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "MD5-CRYPT", "CRYPT", NULL
	};
	const char *end, *hash;
	size_t scheme_len;

	if (stored[0] != '{' || (end = strchr(stored, '}')) == NULL) {
		asn_error_set(err, "stored password has no {SCHEME} prefix");
		return -1;
	}
	scheme_len = (size_t)(end - stored - 1);
	hash = end + 1;
	if ((scheme_len == 8 && strncasecmp(stored + 1, "ARGON2ID", 8) == 0) ||
	    (scheme_len == 7 && strncasecmp(stored + 1, "ARGON2I", 7) == 0)) {
		if (strlen(hash) >= crypto_pwhash_STRBYTES) {
			asn_error_set(err, "malformed Argon2 hash");
			return -1;
		}
		return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 1 : 0;
	}
	for (size_t i = 0; crypt_schemes[i] != NULL; i++) {
		if (strlen(crypt_schemes[i]) == scheme_len &&
		    strncasecmp(stored + 1, crypt_schemes[i], scheme_len) == 0) {
			struct crypt_data data;
			const char *result;
			size_t len = strlen(hash);
			int ret;

			memset(&data, 0, sizeof(data));
			result = crypt_r(password, hash, &data);
			if (result == NULL || result[0] == '*') {
				asn_error_set(err, "malformed %s hash", crypt_schemes[i]);
				return -1;
			}
			ret = strlen(result) == len &&
				sodium_memcmp(result, hash, len) == 0 ? 1 : 0;
			asn_secure_zero(&data, sizeof(data));
			return ret;
		}
	}
	asn_error_set(err, "password scheme {%.*s} is not supported", (int)scheme_len, stored + 1);
	return -1;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[ASN_PASSWORD_HASH_MAX];
static const struct asn_settings *dummy_set;

static void make_dummy_hash(void)
{
	struct asn_error err;
	char random[20];

	if (asn_password_random(random, 16, &err) < 0 ||
	    asn_password_hash(dummy_set, random, dummy_hash, &err) < 0)
		dummy_hash[0] = '\0';
	asn_secure_zero(random, sizeof(random));
}

void asn_password_spend_verify_time(const struct asn_settings *set, const char *password)
{
	struct asn_error err;

	dummy_set = set;
	pthread_once(&dummy_once, make_dummy_hash);
	if (dummy_hash[0] != '\0')
		(void)asn_password_verify(dummy_hash, password, &err);
}

int asn_password_hash(const struct asn_settings *set, const char *password,
		      char out[ASN_PASSWORD_HASH_MAX], struct asn_error *err)
{
	return hash_with(set, set->password_scheme, password, out, err);
}

static enum asn_password_scheme default_scheme(const struct asn_settings *set)
{
	if (strcasecmp(set->default_password_scheme, "SHA512-CRYPT") == 0)
		return ASN_SCHEME_SHA512_CRYPT;
	if (strcasecmp(set->default_password_scheme, "ARGON2ID") == 0)
		return ASN_SCHEME_ARGON2ID;
	return set->password_scheme;
}

double asn_password_generated_bits(unsigned int length)
{
	const double upper = sizeof(ASN_GEN_UPPER) - 1, lower = sizeof(ASN_GEN_LOWER) - 1;
	const double digit = sizeof(ASN_GEN_DIGIT) - 1, special = sizeof(ASN_GEN_SPECIAL) - 1;
	const double all = upper + lower + digit + special;
	double missing = 0;

	if (length < 4)
		return 0;
	/* The share of strings (first a letter) that lack some class, by
	   inclusion-exclusion over the classes left out; its complement is
	   what the generator keeps. */
	for (unsigned int mask = 1; mask < 16; mask++) {
		double first = ((mask & 1) ? 0 : upper) + ((mask & 2) ? 0 : lower);
		double rest = all - ((mask & 1) ? upper : 0) - ((mask & 2) ? lower : 0) -
			((mask & 4) ? digit : 0) - ((mask & 8) ? special : 0);
		double share = (first / (upper + lower)) * pow(rest / all, length - 1);

		missing += (__builtin_popcount(mask) % 2 == 1 ? share : -share);
	}
	return log2(upper + lower) + (length - 1) * log2(all) + log2(1.0 - missing);
}

int asn_password_default_scheme_check(const struct asn_settings *set, struct asn_error *err)
{
	double bits = asn_password_generated_bits(set->default_password_length);

	if (default_scheme(set) == set->password_scheme)
		return 0;
	if (bits < ASN_DEFAULT_PASSWORD_MIN_BITS) {
		asn_error_set(err, "asn_default_password_scheme %s (not asn_password_scheme) needs "
			      "default passwords of at least %.0f bits; asn_default_password_length "
			      "%u gives %.1f", set->default_password_scheme,
			      ASN_DEFAULT_PASSWORD_MIN_BITS, set->default_password_length, bits);
		return -1;
	}
	return 0;
}

int asn_password_hash_default(const struct asn_settings *set, const char *password,
			      char out[ASN_PASSWORD_HASH_MAX], struct asn_error *err)
{
	if (asn_password_default_scheme_check(set, err) < 0)
		return -1;
	return hash_with(set, default_scheme(set), password, out, err);
}

int asn_password_verify_service(const struct asn_settings *set, const char *stored,
				const char *password, struct asn_error *err)
{
	const char *prefix = set->password_scheme == ASN_SCHEME_SHA512_CRYPT ?
		"{SHA512-CRYPT}" : "{ARGON2ID}";
	int ret = asn_password_verify(stored, password, err);

	if (strncmp(stored, prefix, strlen(prefix)) != 0)
		asn_password_spend_verify_time(set, password);
	return ret;
}
