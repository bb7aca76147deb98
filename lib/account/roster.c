/* OPD lists: header mapping and per-row validation. */
#include "asn-roster.h"
#include "asn-csv.h"
#include "asn-str-map.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 200
#define TEXT_MAX_LEN 300

static const struct {
	const char *alias;	/* lowercase ASCII letters and digits only */
	enum asn_roster_column column;
} header_aliases[] = {
	{ "nama", ASN_COL_NAME }, { "name", ASN_COL_NAME }, { "namalengkap", ASN_COL_NAME },
	{ "namapegawai", ASN_COL_NAME }, { "namaasn", ASN_COL_NAME }, { "fullname", ASN_COL_NAME },
	{ "namagelar", ASN_COL_NAME }, { "namadangelar", ASN_COL_NAME },
	{ "nip", ASN_COL_NIP }, { "nipbaru", ASN_COL_NIP }, { "nip18", ASN_COL_NIP },
	{ "nippegawai", ASN_COL_NIP }, { "nomorindukpegawai", ASN_COL_NIP },
	{ "jabatan", ASN_COL_POSITION }, { "position", ASN_COL_POSITION },
	{ "namajabatan", ASN_COL_POSITION }, { "title", ASN_COL_POSITION },
	{ "jobtitle", ASN_COL_POSITION },
	{ "nomorkontak", ASN_COL_PHONE }, { "nokontak", ASN_COL_PHONE },
	{ "nohp", ASN_COL_PHONE }, { "nomorhp", ASN_COL_PHONE }, { "hp", ASN_COL_PHONE },
	{ "phone", ASN_COL_PHONE }, { "phonenumber", ASN_COL_PHONE }, { "mobile", ASN_COL_PHONE },
	{ "telepon", ASN_COL_PHONE }, { "telp", ASN_COL_PHONE }, { "notelp", ASN_COL_PHONE },
	{ "notelepon", ASN_COL_PHONE }, { "nomortelepon", ASN_COL_PHONE },
	{ "nowa", ASN_COL_PHONE }, { "nomorwa", ASN_COL_PHONE }, { "whatsapp", ASN_COL_PHONE },
	{ "nohpwa", ASN_COL_PHONE }, { "kontak", ASN_COL_PHONE },
	{ "email", ASN_COL_EMAIL }, { "surel", ASN_COL_EMAIL }, { "alamatemail", ASN_COL_EMAIL },
	{ "emailaddress", ASN_COL_EMAIL }, { "alamatsurel", ASN_COL_EMAIL },
	{ "emaildinas", ASN_COL_EMAIL },
	{ "opd", ASN_COL_OPD }, { "unitkerja", ASN_COL_OPD }, { "instansi", ASN_COL_OPD },
	{ "perangkatdaerah", ASN_COL_OPD }, { "agency", ASN_COL_OPD },
	{ "skpd", ASN_COL_OPD }, { "satuankerja", ASN_COL_OPD }, { "satker", ASN_COL_OPD },
};

int asn_roster_header_column(const char *header)
{
	char *folded = asn_ascii_fold(header);
	size_t len = 0;

	for (const char *p = folded; *p != '\0'; p++) {
		if (isalnum((unsigned char)*p))
			folded[len++] = *p;
	}
	folded[len] = '\0';
	for (size_t i = 0; i < ASN_N_ELEMENTS(header_aliases); i++) {
		if (strcmp(folded, header_aliases[i].alias) == 0) {
			free(folded);
			return (int)header_aliases[i].column;
		}
	}
	free(folded);
	return -1;
}

void asn_roster_add_problem(struct asn_roster *roster, unsigned int line, const char *fmt, ...)
{
	struct asn_roster_problem *problem;
	va_list args;
	char buf[1024];

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	roster->problems = asn_xrealloc(roster->problems,
					(roster->problem_count + 1) * sizeof(*roster->problems));
	problem = &roster->problems[roster->problem_count++];
	problem->line = line;
	problem->message = asn_xstrdup(buf);
}

/* Checks a text field (name, position, OPD) for length and for
   characters that would hide or disguise what it says, in the database
   and on the credential sheet.  Returns false with a problem recorded. */
static bool text_field_ok(struct asn_roster *roster, unsigned int line, const char *header,
			  const char *text, size_t max_len)
{
	const char *kind;
	unsigned int cp;

	if (strlen(text) > max_len) {
		asn_roster_add_problem(roster, line, "%s: too long (more than %zu bytes)",
				       header, max_len);
		return false;
	}
	kind = asn_text_hidden_char(text, &cp);
	if (kind != NULL) {
		asn_roster_add_problem(roster, line, "%s: contains U+%04X, %s; remove it",
				       header, cp, kind);
		return false;
	}
	return true;
}

/* Repeats inside the file name the line of their first occurrence:
   constant time per row, so that a list of any size stays linear. */
struct seen {
	struct asn_str_map *nips;	/* every NIP parsed, valid row or not */
	struct asn_str_map *emails;	/* addresses of valid people */
};

static void parse_row(struct asn_roster *roster, const struct asn_csv_record *rec,
		      const int colmap[ASN_COL_COUNT], const char *default_opd, time_t now,
		      struct seen *seen)
{
	struct asn_person person;
	struct asn_nip nip;
	struct asn_error err;
	const char *fields[ASN_COL_COUNT];
	char *clean[ASN_COL_COUNT];
	char email[ASN_EMAIL_MAX + 1];
	unsigned int earlier;
	bool ok = true;

	for (int c = 0; c < ASN_COL_COUNT; c++) {
		fields[c] = colmap[c] >= 0 && (size_t)colmap[c] < rec->field_count ?
			rec->fields[colmap[c]] : "";
		clean[c] = asn_str_clean(fields[c]);
	}
	memset(&person, 0, sizeof(person));
	person.line = rec->line;

#define HDR(c) roster->header[c]
	if (clean[ASN_COL_NAME][0] == '\0') {
		asn_roster_add_problem(roster, rec->line, "%s: empty", HDR(ASN_COL_NAME));
		ok = false;
	} else if (!text_field_ok(roster, rec->line, HDR(ASN_COL_NAME), clean[ASN_COL_NAME],
				  NAME_MAX_LEN)) {
		ok = false;
	}

	if (asn_nip_parse(fields[ASN_COL_NIP], now, &nip, &err) < 0) {
		asn_roster_add_problem(roster, rec->line, "%s: %s", HDR(ASN_COL_NIP), err.msg);
		ok = false;
	} else {
		/* Repeats inside the file name the first line, whether or not
		   that first row was itself valid otherwise. */
		if (asn_str_map_get(seen->nips, nip.digits, &earlier)) {
			asn_roster_add_problem(roster, rec->line, "%s: %s is repeated, first on line %u",
				    HDR(ASN_COL_NIP), nip.digits, earlier);
			ok = false;
		} else {
			asn_str_map_set(seen->nips, nip.digits, rec->line);
		}
		memcpy(person.nip, nip.digits, sizeof(person.nip));
	}

	if (colmap[ASN_COL_PHONE] >= 0 &&
	    asn_phone_normalize(fields[ASN_COL_PHONE], person.phone, &err) < 0) {
		asn_roster_add_problem(roster, rec->line, "%s: %s", HDR(ASN_COL_PHONE), err.msg);
		ok = false;
	}

	if (colmap[ASN_COL_EMAIL] >= 0 && clean[ASN_COL_EMAIL][0] != '\0') {
		if (asn_email_normalize(clean[ASN_COL_EMAIL], email, &err) < 0) {
			asn_roster_add_problem(roster, rec->line, "%s: %s", HDR(ASN_COL_EMAIL), err.msg);
			ok = false;
		} else if (asn_str_map_get(seen->emails, email, &earlier)) {
			asn_roster_add_problem(roster, rec->line, "%s: %s is repeated, first on line %u",
				    HDR(ASN_COL_EMAIL), email, earlier);
			ok = false;
		} else {
			person.email = asn_xstrdup(email);
		}
	}

	if (clean[ASN_COL_OPD][0] != '\0') {
		if (text_field_ok(roster, rec->line, HDR(ASN_COL_OPD), clean[ASN_COL_OPD],
				  TEXT_MAX_LEN))
			person.opd = asn_xstrdup(clean[ASN_COL_OPD]);
		else
			ok = false;
	} else if (default_opd != NULL && default_opd[0] != '\0')
		person.opd = asn_xstrdup(default_opd);
	else {
		asn_roster_add_problem(roster, rec->line, "OPD: empty (add an OPD column or give --opd)");
		ok = false;
	}
	if (!text_field_ok(roster, rec->line, HDR(ASN_COL_POSITION), clean[ASN_COL_POSITION],
			   TEXT_MAX_LEN))
		ok = false;
#undef HDR

	if (ok) {
		/* An address is taken by the first valid row that gives it. */
		if (person.email != NULL)
			asn_str_map_set(seen->emails, person.email, person.line);
		person.name = clean[ASN_COL_NAME];
		person.position = clean[ASN_COL_POSITION];
		clean[ASN_COL_NAME] = NULL;
		clean[ASN_COL_POSITION] = NULL;
		roster->people = asn_xrealloc(roster->people,
					      (roster->count + 1) * sizeof(*roster->people));
		roster->people[roster->count++] = person;
	} else {
		free(person.email);
		free(person.opd);
	}
	for (int c = 0; c < ASN_COL_COUNT; c++)
		free(clean[c]);
}

/* Returns the text to parse (data itself, or a converted copy in
   *converted_r), or NULL with err set. */
static const char *decode_list(const char *data, size_t *size, enum asn_encoding encoding,
			       struct asn_roster *roster, char **converted_r,
			       struct asn_error *err)
{
	struct asn_encoding_survey survey;

	*converted_r = NULL;
	if (encoding == ASN_ENCODING_WINDOWS_1252) {
		/* A BOM says UTF-8, but the admin knows better: drop it
		   rather than convert it into "\xC3\xAF\xC2\xBB\xC2\xBF". */
		if (*size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
			data += 3;
			*size -= 3;
		}
		*converted_r = asn_cp1252_to_utf8(data, *size, size);
		return *converted_r;
	}
	asn_encoding_survey(data, *size, &survey);
	if (survey.first_not_utf8 == 0)
		return data;
	switch (encoding) {
	case ASN_ENCODING_UTF8:
		asn_error_set(err, "line %u: not valid UTF-8 (as --encoding utf-8 requires)",
			      survey.first_not_utf8);
		return NULL;
	case ASN_ENCODING_MIXED:
		*converted_r = asn_mixed_to_utf8(data, *size, size);
		roster->cp1252_first_line = survey.first_not_utf8;
		return *converted_r;
	case ASN_ENCODING_AUTO:
	case ASN_ENCODING_WINDOWS_1252:
		break;
	}
	if (survey.first_utf8 != 0) {
		/* Converting it all would turn the UTF-8 names into mojibake. */
		asn_error_set(err, "line %u: not UTF-8, but line %u is: the file mixes UTF-8 "
			      "and another encoding (Windows-1252?); save it again as UTF-8, or "
			      "choose with --encoding utf-8|windows-1252|mixed",
			      survey.first_not_utf8, survey.first_utf8);
		return NULL;
	}
	*converted_r = asn_cp1252_to_utf8(data, *size, size);
	roster->converted_from_cp1252 = true;
	roster->cp1252_first_line = survey.first_not_utf8;
	return *converted_r;
}

int asn_roster_parse(const char *data, size_t size, const char *default_opd,
		     time_t now, struct asn_roster *roster_r, struct asn_error *err)
{
	return asn_roster_parse_encoded(data, size, ASN_ENCODING_AUTO, default_opd, now,
					roster_r, err);
}

int asn_roster_parse_encoded(const char *data, size_t size, enum asn_encoding encoding,
			     const char *default_opd, time_t now,
			     struct asn_roster *roster_r, struct asn_error *err)
{
	struct asn_roster *roster = roster_r;
	struct asn_csv_reader *reader;
	struct asn_csv_record rec;
	struct seen seen;
	char *converted = NULL;
	int colmap[ASN_COL_COUNT];
	unsigned int cp;
	int ret;

	memset(roster, 0, sizeof(*roster));
	if (memchr(data, '\0', size) != NULL) {
		asn_error_set(err, "line 1: the file contains NUL bytes: "
			      "is it an Excel workbook (.xlsx) rather than CSV?");
		return -1;
	}
	data = decode_list(data, &size, encoding, roster, &converted, err);
	if (data == NULL)
		return -1;
	reader = asn_csv_reader_new(data, size);
	roster->delimiter = asn_csv_reader_delimiter(reader);

	ret = asn_csv_next(reader, &rec, err);
	if (ret <= 0) {
		if (ret == 0)
			asn_error_set(err, "line 1: the file is empty");
		asn_csv_reader_free(&reader);
		free(converted);
		return -1;
	}
	for (int c = 0; c < ASN_COL_COUNT; c++)
		colmap[c] = -1;
	for (size_t i = 0; i < rec.field_count; i++) {
		int column = asn_roster_header_column(rec.fields[i]);

		if (column < 0)
			continue;
		if (colmap[column] >= 0) {
			asn_error_set(err, "line %u: columns '%s' and '%s' both mean the same field",
				      rec.line, roster->header[column], rec.fields[i]);
			asn_csv_record_clear(&rec);
			asn_csv_reader_free(&reader);
			asn_roster_free(roster);
			free(converted);
			return -1;
		}
		colmap[column] = (int)i;
		roster->header[column] = asn_str_clean(rec.fields[i]);
		if (asn_text_hidden_char(roster->header[column], &cp) != NULL) {
			/* Headers are quoted in every row's problem. */
			asn_error_set(err, "line %u: header %zu contains U+%04X; remove it",
				      rec.line, i + 1, cp);
			asn_csv_record_clear(&rec);
			asn_csv_reader_free(&reader);
			asn_roster_free(roster);
			free(converted);
			return -1;
		}
	}
	if (colmap[ASN_COL_NAME] < 0 || colmap[ASN_COL_NIP] < 0) {
		asn_error_set(err, "line %u: the header has no %s column (expected e.g. "
			      "Nama;NIP;Jabatan;Nomor Kontak)", rec.line,
			      colmap[ASN_COL_NAME] < 0 ? "Nama/Name" : "NIP");
		asn_csv_record_clear(&rec);
		asn_csv_reader_free(&reader);
		asn_roster_free(roster);
		free(converted);
		return -1;
	}
	for (int c = 0; c < ASN_COL_COUNT; c++) {
		if (roster->header[c] == NULL)
			roster->header[c] = asn_xstrdup(c == ASN_COL_OPD ? "OPD" :
							c == ASN_COL_POSITION ? "Jabatan" :
							c == ASN_COL_PHONE ? "Nomor Kontak" : "Email");
	}
	asn_csv_record_clear(&rec);

	seen.nips = asn_str_map_new();
	seen.emails = asn_str_map_new();
	while ((ret = asn_csv_next(reader, &rec, err)) > 0) {
		parse_row(roster, &rec, colmap, default_opd, now, &seen);
		asn_csv_record_clear(&rec);
	}
	asn_str_map_free(&seen.nips);
	asn_str_map_free(&seen.emails);
	asn_csv_reader_free(&reader);
	free(converted);
	if (ret < 0) {
		asn_roster_free(roster);
		return -1;
	}
	return 0;
}

void asn_roster_free(struct asn_roster *roster)
{
	for (size_t i = 0; i < roster->count; i++) {
		free(roster->people[i].name);
		free(roster->people[i].position);
		free(roster->people[i].email);
		free(roster->people[i].opd);
	}
	free(roster->people);
	for (size_t i = 0; i < roster->problem_count; i++)
		free(roster->problems[i].message);
	free(roster->problems);
	for (int c = 0; c < ASN_COL_COUNT; c++)
		free(roster->header[c]);
	memset(roster, 0, sizeof(*roster));
}
