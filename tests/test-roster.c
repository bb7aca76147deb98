/* Agency lists: header mapping, row problems with their lines. */
#include "tap.h"
#include "asn-roster.h"

#define TODAY ((time_t)1795305600)

static const struct {
	const char *header;
	int column;
} header_cases[] = {
	{ "Nama", ASN_COL_NAME }, { "NAMA LENGKAP", ASN_COL_NAME }, { "Name", ASN_COL_NAME },
	{ "NIP", ASN_COL_NIP }, { "NIP Baru", ASN_COL_NIP },
	{ "Jabatan", ASN_COL_POSITION }, { "Position", ASN_COL_POSITION },
	{ "Nomor Kontak", ASN_COL_PHONE }, { "No. HP", ASN_COL_PHONE }, { "No HP", ASN_COL_PHONE },
	{ "Phone", ASN_COL_PHONE }, { "No. HP/WA", ASN_COL_PHONE },
	{ "E-mail", ASN_COL_EMAIL }, { "Email", ASN_COL_EMAIL },
	{ "OPD", ASN_COL_OPD }, { "Unit Kerja", ASN_COL_OPD },
	{ "No", -1 }, { "Golongan", -1 },
};

static unsigned int problem_line(const struct asn_roster *r, const char *needle)
{
	for (size_t i = 0; i < r->problem_count; i++) {
		if (strstr(r->problems[i].message, needle) != NULL)
			return r->problems[i].line;
	}
	return 0;
}

int main(void)
{
	struct asn_roster roster;
	struct asn_error err = { .msg = "" };
	const char *list;

	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++)
		tap_ok(asn_roster_header_column(header_cases[i].header) == header_cases[i].column,
		       "header '%s'", header_cases[i].header);

	list = "\xEF\xBB\xBFNo;Nama;NIP;Jabatan;No. HP;Unit Kerja\r\n"
		"1;Siti Rahma;199001012015032001;Analis;0812-1111-2222;Diskominfo\r\n"
		"2;Budi;199001012015031002;Staf;;\r\n"
		"3;;199001012015031003;Staf;;Dinkes\r\n"
		"4;Rina;199001012015032001;Staf;;Dinkes\r\n"
		"5;Joko;19900101201503100;Staf;;Dinkes\r\n"
		"6;Ani;199001012015032004;Staf;0812-ABC;Dinkes\r\n";
	tap_ok(asn_roster_parse(list, strlen(list), NULL, TODAY, &roster, &err) == 0,
	       "list parsed (%s)", err.msg);
	tap_ok(roster.delimiter == ';', "semicolon list");
	tap_ok(roster.count == 1, "one valid person (%zu)", roster.count);
	tap_is_str(roster.count > 0 ? roster.people[0].phone : "", "+6281211112222",
		   "phone normalised");
	tap_ok(roster.count > 0 && roster.people[0].line == 2, "person keeps its line");
	tap_ok(problem_line(&roster, "OPD: empty") == 3, "missing OPD on line 3");
	tap_ok(problem_line(&roster, "Nama: empty") == 4, "empty name on line 4");
	tap_ok(problem_line(&roster, "repeated, first on line 2") == 5,
	       "repeated NIP on line 5 names line 2");
	tap_ok(problem_line(&roster, "NIP: NIP '19900101201503100' has 17 digits") == 6,
	       "short NIP on line 6, named by its column");
	tap_ok(problem_line(&roster, "No. HP: phone number") == 7, "bad phone on line 7");
	tap_ok(roster.problem_count == 5, "five problems (%zu)", roster.problem_count);
	asn_roster_free(&roster);

	list = "Nama,NIP\nBudi,199001012015031002\n";
	tap_ok(asn_roster_parse(list, strlen(list), "Dinas Kominfo", TODAY, &roster, &err) == 0 &&
	       roster.count == 1 && strcmp(roster.people[0].opd, "Dinas Kominfo") == 0,
	       "--opd fills a missing OPD column");
	asn_roster_free(&roster);

	list = "Nama;Jabatan\nBudi;Staf\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "no NIP column refused");
	tap_contains(err.msg, "line 1: the header has no NIP column", "names the header line");

	list = "Nama;Name;NIP\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "two name columns refused");
	tap_contains(err.msg, "'Nama' and 'Name'", "names both columns");

	list = "PK\x03\x04\x00\x00";
	tap_ok(asn_roster_parse(list, 6, "X", TODAY, &roster, &err) < 0, "xlsx refused");
	tap_contains(err.msg, ".xlsx", "says it looks like a workbook");

	list = "Nama;NIP\nJos\xE9;199001012015031002\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) == 0 &&
	       roster.converted_from_cp1252 && roster.count == 1 &&
	       strcmp(roster.people[0].name, "Jos\xC3\xA9") == 0, "Windows-1252 list converted");
	asn_roster_free(&roster);

	list = "Nama;NIP;Email\nA Satu;199001012015031002;a@x.go.id\n"
		"B Dua;199001012015031003;A@X.go.id\nC;199001012015031004;bad\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) == 0,
	       "email list parsed");
	tap_ok(problem_line(&roster, "Email: a@x.go.id is repeated, first on line 2") == 3,
	       "repeated email (case-insensitive) names the first line");
	tap_ok(problem_line(&roster, "Email: email 'bad'") == 4, "bad email refused");
	asn_roster_free(&roster);

	list = "Nama;NIP\n\"Budi\nSantoso\";1990010120150310\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) == 0 &&
	       problem_line(&roster, "NIP") == 2, "multi-line record reports its first line");
	asn_roster_free(&roster);

	/* Hidden characters: bidi controls and zero-width characters in any
	   text field are refused with the line and the column. */
	{
		static const struct {
			const char *row;	/* Nama;NIP;Jabatan;Unit Kerja */
			const char *problem;
		} hidden[] = {
			{ "Siti \xE2\x80\xAERahma;199001012015032001;Staf;Dinkes", "Nama: contains U+202E" },
			{ "Siti\xE2\x80\x8B Rahma;199001012015032002;Staf;Dinkes", "Nama: contains U+200B" },
			{ "Siti \xE2\x81\xA6Rahma;199001012015032003;Staf;Dinkes", "Nama: contains U+2066" },
			{ "Siti\xE2\x80\x8FRahma;199001012015032004;Staf;Dinkes", "Nama: contains U+200F" },
			{ "Siti\xD8\x9CRahma;199001012015032005;Staf;Dinkes", "Nama: contains U+061C" },
			{ "Si\xC2\xADti Rahma;199001012015032006;Staf;Dinkes", "Nama: contains U+00AD" },
			{ "Siti\xEF\xBB\xBF Rahma;199001012015032007;Staf;Dinkes", "Nama: contains U+FEFF" },
			{ "Siti\xE2\x81\xA0Rahma;199001012015032008;Staf;Dinkes", "Nama: contains U+2060" },
			{ "Siti\x01Rahma;199001012015032009;Staf;Dinkes", "Nama: contains U+0001, a control" },
			{ "Siti\xC2\x85Rahma;199001012015032010;Staf;Dinkes", "Nama: contains U+0085, a control" },
			{ "Siti Rahma;199001012015032011;Ka\xE2\x80\xAAsi;Dinkes", "Jabatan: contains U+202A" },
			{ "Siti Rahma;199001012015032012;Staf;Din\xE2\x80\x8Dkes", "Unit Kerja: contains U+200D" },
			{ "Siti Rahma;199001012015032013;Staf;Din\xE2\x80\xA8kes", "Unit Kerja: contains U+2028" },
		};
		struct asn_str text = { 0 };

		asn_str_append(&text, "Nama;NIP;Jabatan;Unit Kerja\n");
		for (size_t i = 0; i < ASN_N_ELEMENTS(hidden); i++)
			asn_str_printfa(&text, "%s\n", hidden[i].row);
		asn_str_append(&text, "Siti Rahma;199001012015032099;Staf;Dinkes\n");
		tap_ok(asn_roster_parse(text.data, text.len, "X", TODAY, &roster, &err) == 0,
		       "list with hidden characters parsed (%s)", err.msg);
		for (size_t i = 0; i < ASN_N_ELEMENTS(hidden); i++)
			tap_ok(problem_line(&roster, hidden[i].problem) == i + 2,
			       "line %zu refused: %s", i + 2, hidden[i].problem);
		tap_ok(roster.count == 1 && roster.people[0].line == ASN_N_ELEMENTS(hidden) + 2,
		       "only the clean row is kept (%zu)", roster.count);
		asn_roster_free(&roster);
		asn_str_free(&text);
	}
	list = "Nama;NIP\nSiti \xE2\x80\x8E;199001012015032001\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) == 0 &&
	       problem_line(&roster, "Nama: contains U+200E, a bidirectional control") == 2,
	       "a hidden character at the end of a name is refused too");
	asn_roster_free(&roster);
	list = "Nama;NIP;Jabatan\xE2\x80\xAE\nSiti;199001012015032001;Staf\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "a header with a bidi control refused");
	tap_contains(err.msg, "line 1: header 3 contains U+202E", "names the header line and column");

	/* Encodings: a file mixing UTF-8 and Windows-1252 is refused. */
	list = "Nama;NIP\nJos\xC3\xA9 Ramos;199001012015031002\n"
		"Budi;199001012015031003\nRen\xE9;199001012015031004\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "mixed UTF-8 and Windows-1252 refused");
	tap_contains(err.msg, "line 4: not UTF-8, but line 2 is", "names both lines");
	tap_ok(asn_roster_parse_encoded(list, strlen(list), ASN_ENCODING_MIXED, "X", TODAY,
					&roster, &err) == 0 && roster.count == 3 &&
	       strcmp(roster.people[0].name, "Jos\xC3\xA9 Ramos") == 0 &&
	       strcmp(roster.people[2].name, "Ren\xC3\xA9") == 0 && roster.cp1252_first_line == 4,
	       "--encoding mixed reads each line in its own encoding");
	asn_roster_free(&roster);
	tap_ok(asn_roster_parse_encoded(list, strlen(list), ASN_ENCODING_WINDOWS_1252, "X", TODAY,
					&roster, &err) == 0 && roster.count == 3 &&
	       strcmp(roster.people[0].name, "Jos\xC3\x83\xC2\xA9 Ramos") == 0,
	       "--encoding windows-1252 converts every line, as told");
	asn_roster_free(&roster);
	tap_ok(asn_roster_parse_encoded(list, strlen(list), ASN_ENCODING_UTF8, "X", TODAY,
					&roster, &err) < 0, "--encoding utf-8 refuses the other lines");
	tap_contains(err.msg, "line 4: not valid UTF-8", "names the first bad line");
	list = "\xEF\xBB\xBFNama;NIP\r\nRen\xE9;199001012015031004\r\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "a BOM (UTF-8) with Windows-1252 lines is mixed");
	tap_contains(err.msg, "line 2: not UTF-8, but line 1 is", "names the BOM line");
	tap_ok(asn_roster_parse_encoded(list, strlen(list), ASN_ENCODING_WINDOWS_1252, "X", TODAY,
					&roster, &err) == 0 && roster.count == 1 &&
	       strcmp(roster.people[0].name, "Ren\xC3\xA9") == 0,
	       "--encoding windows-1252 drops the BOM");
	asn_roster_free(&roster);
	list = "Nama;NIP\r\r\nJos\xE9;199001012015031002\rRen\xC3\xA9;199001012015031003\n";
	tap_ok(asn_roster_parse(list, strlen(list), "X", TODAY, &roster, &err) < 0,
	       "mixed file with CR and CRLF lines refused");
	tap_contains(err.msg, "line 3: not UTF-8, but line 4 is", "lines counted as the reader does");
	tap_ok(asn_roster_parse_encoded(list, strlen(list), ASN_ENCODING_MIXED, "X", TODAY,
					&roster, &err) == 0 && roster.count == 2 &&
	       roster.people[0].line == 3 && roster.people[1].line == 4,
	       "--encoding mixed keeps the line breaks and numbers");
	asn_roster_free(&roster);

	/* Repeats found through the hash tables name the first line, however
	   far back. */
	{
		struct asn_str text = { 0 };

		asn_str_append(&text, "Nama;NIP;Email\n");
		for (unsigned int i = 0; i < 3000; i++)
			asn_str_printfa(&text, "Siti Rahma;%u01012015031%03u;s%u@x.go.id\n",
					1960 + i / 999, 1 + i % 999, i);
		asn_str_append(&text, "Siti Rahma;196001012015031008;new@x.go.id\n");
		asn_str_append(&text, "Siti Rahma;199001012015031999;s2999@x.go.id\n");
		tap_ok(asn_roster_parse(text.data, text.len, "X", TODAY, &roster, &err) == 0 &&
		       roster.count == 3000, "3000 identical names, distinct NIPs (%zu)", roster.count);
		tap_ok(problem_line(&roster, "196001012015031008 is repeated, first on line 9") == 3002,
		       "repeated NIP names its first line");
		tap_ok(problem_line(&roster, "s2999@x.go.id is repeated, first on line 3001") == 3003,
		       "repeated address names its first line");
		asn_roster_free(&roster);
		asn_str_free(&text);
	}
	return tap_done();
}
