/* CSV reader: every quirk spreadsheets produce. */
#include "tap.h"
#include "asn-csv.h"

#include <stdlib.h>

struct expect {
	unsigned int line;
	const char *fields;	/* fields joined with '|' */
};

static const struct {
	const char *name;
	const char *input;
	char delim;
	struct expect records[5];
	const char *error;	/* substring; NULL = no error */
} cases[] = {
	{ "comma LF", "a,b,c\n1,2,3\n", ',',
	  { { 1, "a|b|c" }, { 2, "1|2|3" } }, NULL },
	{ "semicolon CRLF BOM", "\xEF\xBB\xBFNama;NIP\r\nSiti;123\r\n", ';',
	  { { 1, "Nama|NIP" }, { 2, "Siti|123" } }, NULL },
	{ "tab", "Nama\tNIP\nBudi\t1\n", '\t',
	  { { 1, "Nama|NIP" }, { 2, "Budi|1" } }, NULL },
	{ "no final newline", "a;b\n1;2", ';',
	  { { 1, "a|b" }, { 2, "1|2" } }, NULL },
	{ "CR only", "a,b\r1,2\r", ',',
	  { { 1, "a|b" }, { 2, "1|2" } }, NULL },
	{ "quoted delimiter", "Nama;Jabatan\n\"Rahma, S.Kom\";\"Kepala; Seksi\"\n", ';',
	  { { 1, "Nama|Jabatan" }, { 2, "Rahma, S.Kom|Kepala; Seksi" } }, NULL },
	{ "doubled quotes", "a\n\"say \"\"hi\"\"\"\n", ',',
	  { { 1, "a" }, { 2, "say \"hi\"" } }, NULL },
	{ "newline in quotes keeps line numbers", "a;b\n\"x\r\ny\";z\nq;r\n", ';',
	  { { 1, "a|b" }, { 2, "x\ny|z" }, { 4, "q|r" } }, NULL },
	{ "blank lines and empty rows skipped", "a;b\n\n;;\n1;2\n;\n", ';',
	  { { 1, "a|b" }, { 4, "1|2" } }, NULL },
	{ "empty fields kept", "a;b;c\n;x;\n", ';',
	  { { 1, "a|b|c" }, { 2, "|x|" } }, NULL },
	{ "delimiter inside quoted header ignored for detection",
	  "\"a;b\",c,d\n1,2,3\n", ',',
	  { { 1, "a;b|c|d" }, { 2, "1|2|3" } }, NULL },
	{ "unterminated quote", "a;b\n1;\"open\n2;3\n", ';',
	  { { 1, "a|b" } }, "line 2: quoted field is not closed" },
	{ "text after closing quote", "a,b\n\"x\"y,1\n", ',',
	  { { 1, "a|b" } }, "line 2: text after the closing quote" },
	{ "stray quote", "a,b\nx\"y,1\n", ',',
	  { { 1, "a|b" } }, "line 2: stray '\"'" },
};

static char *join(const struct asn_csv_record *rec)
{
	struct asn_str out = { 0 };

	for (size_t i = 0; i < rec->field_count; i++) {
		if (i > 0)
			asn_str_append_c(&out, '|');
		asn_str_append(&out, rec->fields[i]);
	}
	asn_str_c(&out);
	return out.data;
}

static void test_encodings(void)
{
	size_t size;
	char *utf8;

	tap_ok(asn_utf8_valid("Sit\xC3\xAD", 5), "utf8: valid 2-byte");
	tap_ok(asn_utf8_valid("\xE2\x82\xAC", 3), "utf8: valid 3-byte");
	tap_ok(!asn_utf8_valid("Sit\xED", 4), "utf8: lone lead byte invalid");
	tap_ok(!asn_utf8_valid("\xC0\xAF", 2), "utf8: overlong invalid");
	tap_ok(!asn_utf8_valid("\xED\xA0\x80", 3), "utf8: surrogate invalid");
	tap_ok(!asn_utf8_valid("\xE2\x82", 2), "utf8: truncated invalid");
	utf8 = asn_cp1252_to_utf8("Jos\xE9 \x80", 6, &size);
	tap_is_str(utf8, "Jos\xC3\xA9 \xE2\x82\xAC", "cp1252: e-acute and euro converted");
	free(utf8);
}

static void test_writer(void)
{
	struct asn_str out = { 0 };

	asn_csv_write_field(&out, "plain", ';');
	asn_str_append_c(&out, ';');
	asn_csv_write_field(&out, "a;b", ';');
	asn_str_append_c(&out, ';');
	asn_csv_write_field(&out, "say \"hi\"", ';');
	asn_str_append_c(&out, ';');
	asn_csv_write_field(&out, "=HYPERLINK(\"x\")", ';');
	asn_str_append_c(&out, ';');
	asn_csv_write_field(&out, "+6281234567890", ';');
	asn_str_append_c(&out, ';');
	asn_csv_write_field(&out, "-2+3+cmd|' /C calc'!A0", ';');
	tap_is_str(asn_str_c(&out), "plain;\"a;b\";\"say \"\"hi\"\"\";\"'=HYPERLINK(\"\"x\"\")\";+6281234567890;'-2+3+cmd|' /C calc'!A0",
		   "writer: quoting and formula neutralising");
	asn_str_free(&out);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct asn_csv_reader *reader =
			asn_csv_reader_new(cases[i].input, strlen(cases[i].input));
		struct asn_csv_record rec;
		struct asn_error err = { .msg = "" };
		size_t n = 0;
		int ret;

		tap_ok(asn_csv_reader_delimiter(reader) == cases[i].delim,
		       "%s: delimiter detected", cases[i].name);
		while ((ret = asn_csv_next(reader, &rec, &err)) > 0) {
			char *joined = join(&rec);

			if (n < 5 && cases[i].records[n].fields != NULL) {
				tap_is_str(joined, cases[i].records[n].fields, "%s: record %zu",
					   cases[i].name, n + 1);
				tap_ok(rec.line == cases[i].records[n].line,
				       "%s: record %zu on line %u (got %u)", cases[i].name, n + 1,
				       cases[i].records[n].line, rec.line);
			} else {
				tap_ok(false, "%s: unexpected record '%s'", cases[i].name, joined);
			}
			free(joined);
			asn_csv_record_clear(&rec);
			n++;
		}
		tap_ok(n < 5 && cases[i].records[n].fields == NULL,
		       "%s: %zu records, no more", cases[i].name, n);
		if (cases[i].error != NULL) {
			tap_ok(ret < 0, "%s: fails", cases[i].name);
			tap_contains(err.msg, cases[i].error, "%s: error message", cases[i].name);
		} else {
			tap_ok(ret == 0, "%s: ends cleanly", cases[i].name);
		}
		asn_csv_reader_free(&reader);
	}
	test_encodings();
	test_writer();
	return tap_done();
}
