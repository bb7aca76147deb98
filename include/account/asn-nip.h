#ifndef ASN_NIP_H
#define ASN_NIP_H

#include <stdbool.h>
#include "asn-util.h"

#define ASN_NIP_LEN 18

/* NIP (Nomor Induk Pegawai), 18 digits:
   YYYYMMDD  birth date
   YYYYMM    TMT CPNS (start of civil service)
   G         gender, 1 = male, 2 = female
   NNN       serial number, 001-999 */
struct asn_nip {
	char digits[ASN_NIP_LEN + 1];
	int birth_year, birth_month, birth_day;
	int tmt_year, tmt_month;
	int gender;
	int serial;
};

/* Parses a NIP as people write it: spaces and dashes between the groups
   ("19850312 201001 1 003") and a leading apostrophe (Excel's "text"
   marker) are accepted.  `today` bounds the dates (birth and TMT cannot
   be in the future).  Returns 0 or -1 with a message naming which part is
   wrong. */
int asn_nip_parse(const char *input, time_t today, struct asn_nip *nip_r,
		  struct asn_error *err);

#endif
