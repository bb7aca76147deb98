#ifndef ASN_ROSTER_H
#define ASN_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "asn-nip.h"
#include "asn-phone.h"
#include "asn-email.h"

/* An agency's (OPD) list of civil servants, validated row by row. */

enum asn_roster_column {
	ASN_COL_NAME,
	ASN_COL_NIP,
	ASN_COL_POSITION,
	ASN_COL_PHONE,
	ASN_COL_EMAIL,
	ASN_COL_OPD,
	ASN_COL_COUNT
};

struct asn_person {
	unsigned int line;
	char *name;
	char nip[ASN_NIP_LEN + 1];
	char *position;
	char phone[ASN_PHONE_MAX];
	char *email;		/* NULL: derive from the name */
	char *opd;
};

struct asn_roster_problem {
	unsigned int line;
	char *message;		/* "NIP: ..." (column as in the file: reason) */
};

struct asn_roster {
	struct asn_person *people;
	size_t count;
	struct asn_roster_problem *problems;
	size_t problem_count;
	char delimiter;
	bool converted_from_cp1252;
	/* First line read as Windows-1252 (converted or mixed), else 0. */
	unsigned int cp1252_first_line;
	/* Header text of each column found, NULL when absent. */
	char *header[ASN_COL_COUNT];
};

/* Parses the list.  Returns -1 (err says where, "line N: ...") when the
   file as a whole is unusable: CSV syntax, no header, a required column
   missing.  Bad rows do not fail: they are collected in problems[] and
   left out of people[]. */
int asn_roster_parse(const char *data, size_t size, const char *default_opd,
		     time_t now, struct asn_roster *roster_r, struct asn_error *err);
/* The same with the encoding chosen: ASN_ENCODING_AUTO (what
   asn_roster_parse does) reads UTF-8, or Windows-1252 when no line is
   UTF-8, and refuses a file that mixes the two, naming the first line that
   is not UTF-8 and the first that is; UTF8 refuses anything else;
   WINDOWS_1252 converts every line; MIXED keeps the UTF-8 lines and reads
   the others as Windows-1252. */
enum asn_encoding {
	ASN_ENCODING_AUTO,
	ASN_ENCODING_UTF8,
	ASN_ENCODING_WINDOWS_1252,
	ASN_ENCODING_MIXED,
};
int asn_roster_parse_encoded(const char *data, size_t size, enum asn_encoding encoding,
			     const char *default_opd, time_t now,
			     struct asn_roster *roster_r, struct asn_error *err);
void asn_roster_free(struct asn_roster *roster);

/* Records a problem of the row on `line` (0: not from a file), as the
   parser does; callers that refuse rows later (existing addresses) use it
   too. */
void asn_roster_add_problem(struct asn_roster *roster, unsigned int line, const char *fmt, ...)
	ASN_ATTR_FORMAT(3, 4);

/* Which column a header names, loosely ("No. HP", "Nomor Kontak",
   "Phone" are all ASN_COL_PHONE); -1 for columns we do not use. */
int asn_roster_header_column(const char *header);

#endif
