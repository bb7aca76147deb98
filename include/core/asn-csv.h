#ifndef ASN_CSV_H
#define ASN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include "asn-util.h"

/* RFC 4180 reader over a buffer in memory.  Handles a UTF-8 BOM, CRLF or
   LF (or a lone CR from old Mac exports), quoted fields with embedded
   delimiters, quotes ("") and newlines.  The delimiter (',' ';' or tab)
   is detected from the first record: Excel in the Indonesian locale
   writes ';'. */
struct asn_csv_reader;

struct asn_csv_record {
	/* Physical line where the record starts (1-based), the number a
	   spreadsheet or an editor shows. */
	unsigned int line;
	size_t field_count;
	char **fields;
};

struct asn_csv_reader *asn_csv_reader_new(const char *data, size_t size);
void asn_csv_reader_free(struct asn_csv_reader **reader);
char asn_csv_reader_delimiter(const struct asn_csv_reader *reader);

/* Returns 1 with a record, 0 at end of input, -1 on a syntax error (the
   message names the line).  Records consisting of only empty fields
   (blank lines, ";;;;" rows spreadsheets leave at the end) are skipped. */
int asn_csv_next(struct asn_csv_reader *reader, struct asn_csv_record *rec,
		 struct asn_error *err);
void asn_csv_record_clear(struct asn_csv_record *rec);

/* Writes one field, quoted when needed.  Spreadsheet formula injection
   (a field starting with = @, or + - before anything but a number) is neutralised with a leading
   apostrophe; generated passwords never start with those characters, so
   they are written as they are. */
void asn_csv_write_field(struct asn_str *out, const char *field, char delim);

/* Text encoding helpers. */
bool asn_utf8_valid(const char *data, size_t size);
/* A copy of s in which each byte that does not start a valid UTF-8
   sequence is '?' (a header cut in the middle of a character, 8-bit
   bytes of another charset): what a UTF-8 database accepts.  Caller frees. */
char *asn_utf8_repair(const char *s);
/* Windows-1252 (what Excel writes as "CSV" on Windows) to UTF-8. */
char *asn_cp1252_to_utf8(const char *data, size_t size, size_t *size_r);

/* Lists mixing encodings: the first physical line (numbered as the reader
   numbers them) that is not UTF-8, and the first that is UTF-8 with
   non-ASCII characters; 0 when there is none. */
struct asn_encoding_survey {
	unsigned int first_not_utf8;
	unsigned int first_utf8;
};
void asn_encoding_survey(const char *data, size_t size, struct asn_encoding_survey *survey_r);
/* Each line on its own: kept when it is UTF-8, else read as Windows-1252. */
char *asn_mixed_to_utf8(const char *data, size_t size, size_t *size_r);

/* Characters a name must not hide: C0/C1 controls, bidirectional
   controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C),
   zero-width and other invisible characters (U+200B..U+200D, U+2060,
   U+FEFF, U+00AD soft hyphen, ...), line separators.  Returns what the
   first one is ("a bidirectional control, ...") with its code point, or
   NULL.  The text must be valid UTF-8. */
const char *asn_text_hidden_char(const char *utf8, unsigned int *cp_r);

#endif
