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

/* Default passwords (generated, asn_default_password_length characters of
   the alphabets above, the first a letter, all four classes present) are
   random, not chosen: their strength is their entropy, not the hash's
   cost.  asn_default_password_scheme may then name a cheaper scheme for
   them alone (user-chosen passwords keep asn_password_scheme), on the
   condition that they carry at least ASN_DEFAULT_PASSWORD_MIN_BITS.
   Returns the bits of a generated password of LENGTH characters (the
   four-class condition subtracted). */
#define ASN_DEFAULT_PASSWORD_MIN_BITS 80.0
double asn_password_generated_bits(unsigned int length);
/* Refuses a cheaper default scheme with too short default passwords:
   -1 with a message naming both settings. */
int asn_password_default_scheme_check(const struct asn_settings *set, struct asn_error *err);
/* asn_password_verify for a service (asn-passwdd, asn-portal) that answers
   the same for an unknown user and a wrong password: a hash cheaper than
   asn_password_scheme's (a default password under a cheaper
   asn_default_password_scheme) is followed by the time of a full verify,
   so that the time taken does not tell which accounts still have their
   default password. */
int asn_password_verify_service(const struct asn_settings *set, const char *stored,
				const char *password, struct asn_error *err);
/* Hashes a generated default password with asn_default_password_scheme
   (asn_password_scheme when empty). */
int asn_password_hash_default(const struct asn_settings *set, const char *password,
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
