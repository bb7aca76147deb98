#ifndef ASN_EMAIL_H
#define ASN_EMAIL_H

#include <stdbool.h>
#include "asn-util.h"

#define ASN_EMAIL_LOCAL_MAX 64
#define ASN_EMAIL_MAX 254

/* Derives a mailbox local part from a person's name as agencies write it:
   "Dr. Ir. H. Ahmad Fauzi Rahman, S.T., M.Eng." -> "ahmad.rahman".
   - everything after the first comma is degrees and is dropped;
   - honorifics and titles before the name (Dr., Drs., Dra., Ir., H., Hj.,
     Prof., dr., drg., KH.) and dotted degree tokens anywhere (S.T.,
     S.Kom., A.Md.Kep) are dropped;
   - accents are transliterated, other characters dropped, lowercase ASCII;
   - a leading single-letter initial ("M. Rizki Pratama") and the Balinese
     markers I / Ni ("Ni Made Ayu") are skipped when more name follows;
   - result: first.last, or just the name for a single-word name.
   Returns 0, or -1 when nothing usable is left (the name is all titles). */
int asn_email_local_from_name(const char *name, char out[ASN_EMAIL_LOCAL_MAX + 1],
			      struct asn_error *err);

/* Lower-cases and checks an address given in a list: one '@', a local
   part of [a-z0-9._+-] without leading, trailing or double dots, a domain
   of at least two labels.  Returns 0 or -1. */
int asn_email_normalize(const char *input, char out[ASN_EMAIL_MAX + 1],
			struct asn_error *err);

bool asn_domain_valid(const char *domain);

/* ASCII transliteration of a UTF-8 string, lowercase. Unknown characters
   are dropped. Caller frees. */
char *asn_ascii_fold(const char *utf8);

/* The addresses of one import, derived in list order: first.last, then
   first.last2, first.last3, ... skipping addresses reserved in this import
   and those the store says are taken.  Deterministic for the same list and
   database, and linear: each name continues from the last suffix its base
   reached (a suffix once taken stays taken), so 5,000 "Siti Rahma" cost
   5,000 lookups, not 12.5 million. */
struct asn_address_book;

/* Returns 1 when the address belongs to an account already, 0 when it is
   free, -1 on error. */
typedef int asn_address_taken_fn(const char *address, void *context, struct asn_error *err);

struct asn_address_book *asn_address_book_new(asn_address_taken_fn *taken, void *context);
void asn_address_book_free(struct asn_address_book **book);
/* Marks an address as used by this import (one given in the list). */
void asn_address_book_reserve(struct asn_address_book *book, const char *address);
bool asn_address_book_reserved(struct asn_address_book *book, const char *address);
/* Derives the next free address for local@domain and reserves it.
   Returns 0, or -1 (store error, or no free suffix below 100000). */
int asn_address_book_derive(struct asn_address_book *book, const char *local,
			    const char *domain, char out[ASN_EMAIL_MAX + 1],
			    struct asn_error *err);

#endif
