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
	return tap_done();
}
