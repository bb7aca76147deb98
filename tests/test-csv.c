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
	utf8 = asn_utf8_repair("Sit\xC3\xAD \xC3");
	tap_is_str(utf8, "Sit\xC3\xAD ?", "repair: a character cut at the end becomes ?");
	free(utf8);
	utf8 = asn_utf8_repair("a\xFF\xFE" "b\xE2\x82\xAC\xED\xA0\x80");
	tap_is_str(utf8, "a??b\xE2\x82\xAC???", "repair: stray bytes and a surrogate, each byte ?");
	free(utf8);
	utf8 = asn_utf8_repair("Siti \xE2\x82\xAC");
	tap_is_str(utf8, "Siti \xE2\x82\xAC", "repair: valid text unchanged");
	free(utf8);
	utf8 = asn_cp1252_to_utf8("Jos\xE9 \x80", 6, &size);
	tap_is_str(utf8, "Jos\xC3\xA9 \xE2\x82\xAC", "cp1252: e-acute and euro converted");
	free(utf8);
}


/* What names must not hide, and how a list's encoding is surveyed. */
static void test_hidden_and_mixed(void)
{
	static const struct {
		const char *text;
		unsigned int cp;	/* 0: clean */
	} hidden[] = {
		{ "Siti Rahma", 0 }, { "Jos\xC3\xA9 M\xC3\xBCller", 0 }, { "\xE2\x82\xAC 5", 0 },
		{ "A\tB", 0x09 }, { "A\x7F", 0x7F }, { "A\xC2\x9B", 0x9B },
		{ "\xE2\x80\xAE" "amhaR", 0x202E }, { "a\xE2\x80\xAA", 0x202A }, { "a\xE2\x81\xA9", 0x2069 },
		{ "a\xE2\x80\x8E", 0x200E }, { "a\xD8\x9C", 0x061C }, { "a\xE2\x80\x8B", 0x200B },
		{ "a\xE2\x80\x8D", 0x200D }, { "a\xE2\x81\xA0", 0x2060 }, { "a\xEF\xBB\xBF", 0xFEFF },
		{ "a\xC2\xAD", 0x00AD }, { "a\xE2\x80\xA9", 0x2029 }, { "a\xF3\xA0\x80\x81", 0xE0001 },
		{ "a\xE2\x80\x8C", 0x200C }, { "a\xE2\x80\x8A", 0 },
	};
	struct asn_encoding_survey survey;
	const char *mixed;
	size_t size;
	char *out;

	for (size_t i = 0; i < ASN_N_ELEMENTS(hidden); i++) {
		unsigned int cp = 0;
		const char *kind = asn_text_hidden_char(hidden[i].text, &cp);

		if (hidden[i].cp == 0)
			tap_ok(kind == NULL, "hidden: text %zu is clean", i + 1);
		else
			tap_ok(kind != NULL && cp == hidden[i].cp, "hidden: U+%04X found (U+%04X, %s)",
			       hidden[i].cp, cp, kind != NULL ? kind : "none");
	}

	mixed = "a\r\nb\xC3\xA9\rc\xE9\n\nd\xE9\r\ne\xC3\xA9";
	asn_encoding_survey(mixed, strlen(mixed), &survey);
	tap_ok(survey.first_not_utf8 == 3 && survey.first_utf8 == 2,
	       "survey: first not UTF-8 on line 3, UTF-8 on line 2 (%u, %u)",
	       survey.first_not_utf8, survey.first_utf8);
	out = asn_mixed_to_utf8(mixed, strlen(mixed), &size);
	tap_is_str(out, "a\r\nb\xC3\xA9\rc\xC3\xA9\n\nd\xC3\xA9\r\ne\xC3\xA9",
		   "mixed: each line in its encoding, line breaks kept");
	tap_ok(size == strlen(out), "mixed: size");
	free(out);
	asn_encoding_survey("abc\n", 4, &survey);
	tap_ok(survey.first_not_utf8 == 0 && survey.first_utf8 == 0, "survey: ASCII");
	asn_encoding_survey("Jos\xE9\nRen\xE9", 9, &survey);
	tap_ok(survey.first_not_utf8 == 1 && survey.first_utf8 == 0, "survey: Windows-1252 only");
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

	/* Excel splitting a comma CSV on ';' (Indonesian settings) makes a
	   cell of what follows each ';', quoted or not. */
	asn_csv_write_field(&out, "Rina;=cmd|' /C calc'!A0;x", ',');
	asn_str_append_c(&out, ',');
	asn_csv_write_field(&out, "a; @SUM(1)\tb\t-x", ',');
	asn_str_append_c(&out, ',');
	asn_csv_write_field(&out, "Jl. Mawar; +62 812", ',');
	tap_is_str(asn_str_c(&out), "Rina;'=cmd|' /C calc'!A0;x,a;' @SUM(1)\tb\t'-x,Jl. Mawar; +62 812",
		   "writer: a formula after ';' or a tab inside a field is defused too");
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
	test_hidden_and_mixed();
	test_writer();
	return tap_done();
}
