#ifndef ASN_PASSWORD_H
#define ASN_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include "asn-settings.h"

/* Dovecot password strings: "{SCHEME}hash", exactly as Dovecot's passdb
   verifies them. */
#define ASN_PASSWORD_HASH_MAX 256
#define ASN_PASSWORD_MAX 128

/* The alphabets of generated passwords: no 0/O/o, 1/l/I, and no characters
   that spreadsheets, CSV or phones make hard (quotes, ; , = + - space). */
#define ASN_GEN_UPPER "ABCDEFGHJKLMNPQRSTUVWXYZ"
#define ASN_GEN_LOWER "abcdefghijkmnpqrstuvwxyz"
#define ASN_GEN_DIGIT "23456789"
#define ASN_GEN_SPECIAL "!#%*?@"

/* Must be called once before hashing (initialises libsodium). */
int asn_password_lib_init(struct asn_error *err);

/* Fills out with `length` random characters from OpenSSL's CSPRNG: the
   first is a letter, and all four classes are present.  Policy checks
   (context words, dictionary) are the caller's, see asn_policy_generate. */
int asn_password_random(char *out, size_t length, struct asn_error *err);

/* Hashes with the configured scheme and cost. Thread-safe. */
int asn_password_hash(const struct asn_settings *set, const char *password,
		      char out[ASN_PASSWORD_HASH_MAX], struct asn_error *err);

/* Verifies a password against a "{SCHEME}..." string: ARGON2ID, ARGON2I,
   SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, CRYPT, MD5-CRYPT.
   Returns 1 match, 0 mismatch, -1 unsupported or malformed hash. */
int asn_password_verify(const char *stored, const char *password,
			struct asn_error *err);

/* Spends the time of a verify against a hash of the configured scheme,
   for a name that is no account: the answer's timing then does not tell
   which addresses exist.  Thread-safe. */
void asn_password_spend_verify_time(const struct asn_settings *set, const char *password);

#endif
