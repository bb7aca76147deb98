/* Fuzz entry points: each parser must return, never crash, leak or read
   out of bounds, whatever the bytes. */
#include "fuzz-targets.h"
#include "asn-bsre.h"
#include "asn-web-fields.h"
#include "asn-bsre-dkim.h"
#include "asn-bsre-mail.h"
#include "asn-bsre-spool.h"
#include "asn-case.h"
#include "asn-csv.h"
#include "asn-doveconf.h"
#include "asn-email.h"
#include "asn-nip.h"
#include "asn-phone.h"
#include "asn-roster.h"
#include "asn-settings.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TODAY ((time_t)1795305600)

static char *as_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Drops the bytes >= 0x80: what conversion must leave exactly as it was
   (separators, quotes, line breaks, the ASCII of every name). */
static size_t ascii_only(const char *s, size_t size, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < size; i++) {
		if ((unsigned char)s[i] < 0x80)
			out[n++] = s[i];
	}
	return n;
}

/* A list mixing UTF-8 and Windows-1252 lines (asnctl import --encoding
   mixed): the result is UTF-8 in every line, a list that was UTF-8 comes
   back byte for byte, and no ASCII byte moves or changes. */
static void fuzz_mixed_encoding(const uint8_t *data, size_t size)
{
	struct asn_encoding_survey survey, again;
	size_t out_size, n_in, n_out;
	char *out, *in_ascii, *out_ascii;
	bool valid = asn_utf8_valid((const char *)data, size);

	asn_encoding_survey((const char *)data, size, &survey);
	if ((survey.first_not_utf8 == 0) != valid)
		abort();
	out = asn_mixed_to_utf8((const char *)data, size, &out_size);
	if (out == NULL || out[out_size] != '\0' || !asn_utf8_valid(out, out_size))
		abort();
	if (valid && (out_size != size || memcmp(out, data, size) != 0))
		abort();
	asn_encoding_survey(out, out_size, &again);
	if (again.first_not_utf8 != 0 ||
	    (survey.first_not_utf8 != 0 && again.first_utf8 == 0))
		abort();
	in_ascii = malloc(size + 1);
	out_ascii = malloc(out_size + 1);
	if (in_ascii == NULL || out_ascii == NULL)
		abort();
	n_in = ascii_only((const char *)data, size, in_ascii);
	n_out = ascii_only(out, out_size, out_ascii);
	if (n_in != n_out || memcmp(in_ascii, out_ascii, n_in) != 0)
		abort();
	free(in_ascii);
	free(out_ascii);
	free(out);
}

static void fuzz_csv(const uint8_t *data, size_t size)
{
	struct asn_csv_reader *reader = asn_csv_reader_new((const char *)data, size);
	struct asn_csv_record rec;
	struct asn_error err;
	unsigned int last_line = 0;

	while (asn_csv_next(reader, &rec, &err) > 0) {
		/* Lines only move forward. */
		if (rec.line < last_line)
			abort();
		last_line = rec.line;
		asn_csv_record_clear(&rec);
	}
	asn_csv_reader_free(&reader);
	if (asn_utf8_valid((const char *)data, size)) {
		/* Valid UTF-8 is what conversion must produce too. */
	} else {
		size_t out_size;
		char *out = asn_cp1252_to_utf8((const char *)data, size, &out_size);

		if (memchr(data, 0, size) == NULL && !asn_utf8_valid(out, out_size))
			abort();
		free(out);
	}
	fuzz_mixed_encoding(data, size);
}

static void fuzz_nip(const uint8_t *data, size_t size)
{
	char *s = as_string(data, size);
	char phone[ASN_PHONE_MAX], email[ASN_EMAIL_MAX + 1], local[ASN_EMAIL_LOCAL_MAX + 1];
	struct asn_nip nip;
	struct asn_error err;

	if (asn_nip_parse(s, TODAY, &nip, &err) == 0 && strlen(nip.digits) != ASN_NIP_LEN)
		abort();
	if (asn_phone_normalize(s, phone, &err) == 0 && phone[0] != '\0' &&
	    strncmp(phone, "+62", 3) != 0)
		abort();
	if (asn_email_normalize(s, email, &err) == 0 && strchr(email, '@') == NULL)
		abort();
	if (asn_email_local_from_name(s, local, &err) == 0 &&
	    (local[0] == '\0' || strlen(local) > ASN_EMAIL_LOCAL_MAX))
		abort();
	free(asn_ascii_fold(s));
	free(s);
}

static void fuzz_roster(const uint8_t *data, size_t size)
{
	/* AUTO is what asn_roster_parse does; MIXED converts line by line. */
	static const enum asn_encoding encodings[] = {
		ASN_ENCODING_AUTO, ASN_ENCODING_MIXED,
	};
	struct asn_roster roster;
	struct asn_error err;

	for (size_t e = 0; e < ASN_N_ELEMENTS(encodings); e++) {
		if (asn_roster_parse_encoded((const char *)data, size, encodings[e], "OPD",
					     TODAY, &roster, &err) < 0)
			continue;
		for (size_t i = 0; i < roster.count; i++) {
			if (strlen(roster.people[i].nip) != ASN_NIP_LEN ||
			    !asn_utf8_valid(roster.people[i].name,
					    strlen(roster.people[i].name)))
				abort();
		}
		asn_roster_free(&roster);
	}
}

static void fuzz_settings(const uint8_t *data, size_t size)
{
	struct asn_settings set;
	struct asn_error err;

	asn_settings_init(&set);
	(void)asn_settings_parse(&set, "fuzz", (const char *)data, size, &err);
	(void)asn_settings_check(&set, &err);
	asn_settings_free(&set);
}

/* doveconf's answer, read as either Dovecot line prints it: accepted
   settings have passed the plugins' checks (asn_db an absolute path or a
   PostgreSQL connection), a refusal
   says why. */
static void fuzz_doveconf(const uint8_t *data, size_t size)
{
	static const char *const sections[] = {
		ASN_DOVECONF_SECTION_23, ASN_DOVECONF_SECTION_24
	};

	for (size_t i = 0; i < ASN_N_ELEMENTS(sections); i++) {
		struct asn_settings set;
		struct asn_error err;

		err.msg[0] = '\0';
		if (asn_doveconf_parse(&set, "doveconf", sections[i], (const char *)data, size,
				       &err) == 0) {
			if (set.db == NULL ||
			    (set.db[0] != '/' && !asn_settings_db_is_pgsql(set.db)))
				abort();
		} else if (err.msg[0] == '\0' || set.db != NULL) {
			abort();
		}
		asn_settings_free(&set);
	}
}

/* The BSrE parsers: subject, From, Authentication-Results, certificate
   text and dates, all fed the same bytes. */
static void fuzz_bsre(const uint8_t *data, size_t size)
{
	static const char *const trusted[] = { "bssn.go.id", NULL };
	struct asn_bsre_certificate cert;
	char *s = as_string(data, size), domain[256], date[11];
	enum asn_bsre_event event;
	enum asn_bsre_tag tag;

	event = asn_bsre_classify_subject(NULL, s);
	tag = asn_bsre_subject_tag(s);
	if ((event == ASN_BSRE_NONE) != (tag == ASN_BSRE_TAG_NONE) ||
	    (event == ASN_BSRE_SUSPICIOUS) != (tag == ASN_BSRE_TAG_LOOKALIKE))
		abort();
	/* the cheap test never lets a tag through unseen */
	if (tag != ASN_BSRE_TAG_NONE && !asn_bsre_subject_may_be_tagged(s, strlen(s)))
		abort();
	if (asn_bsre_from_domain(s, domain, sizeof(domain)) && domain[0] == '\0')
		abort();
	(void)asn_bsre_authres_dkim_pass((const char *const *)&s, 1, "mx.example.go.id", trusted);
	if (asn_bsre_extract_certificate(s, &cert) &&
	    strlen(cert.valid_until) != 0 && strlen(cert.valid_until) != 4 &&
	    strlen(cert.valid_until) != 10)
		abort();
	if (asn_bsre_parse_date(s, date) > strlen(s))
		abort();
	free(s);
}

/* Authentication-Results: each line one header value, topmost first. */
static void fuzz_authres(const uint8_t *data, size_t size)
{
	static const char *const trusted[] = { "bssn.go.id", NULL };
	char *s = as_string(data, size), *line, *save = NULL;
	struct asn_strv values = { 0 };

	for (line = strtok_r(s, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct asn_authres ar;
		struct asn_error err;

		asn_strv_add(&values, line);
		if (asn_authres_parse(line, &ar, &err) < 0) {
			if (strstr(err.msg, "at offset ") == NULL)
				abort();
			continue;
		}
		if (ar.authserv_id == NULL)
			abort();
		for (size_t i = 0; i < ar.result_count; i++) {
			const struct asn_authres_result *r = &ar.results[i];

			if (r->method[0] == '\0' || r->result[0] == '\0')
				abort();
			for (size_t j = 0; j < r->prop_count; j++) {
				if (r->props[j].ptype[0] == '\0' || r->props[j].property[0] == '\0' ||
				    r->props[j].value == NULL)
					abort();
			}
		}
		asn_authres_free(&ar);
	}
	(void)asn_bsre_authres_dkim_pass((const char *const *)values.items, values.count,
					 "mx.example.go.id", trusted);
	asn_strv_free(&values);
	free(s);
}

/* asn_bsre_dkim_keys files: accepted with every record findable, or
   refused naming FILE:LINE. */
static void fuzz_dkim_keys(const uint8_t *data, size_t size)
{
	struct asn_bsre_dkim_keys *keys = NULL;
	struct asn_error err;

	if (asn_bsre_dkim_keys_parse("K", (const char *)data, size, &keys, &err) < 0) {
		if (keys != NULL || strncmp(err.msg, "K:", 2) != 0)
			abort();
		return;
	}
	if (keys == NULL)
		abort();
	(void)asn_bsre_dkim_keys_find(keys, "s._domainkey.bssn.go.id");
	asn_bsre_dkim_keys_free(&keys);
}

/* A whole raw message through the DKIM verdict (keys from an empty file:
   no DNS), which must always be one of the three with a reason. */
static void fuzz_dkim_mail(const uint8_t *data, size_t size)
{
	static const char *const senders[] = { "bssn.go.id", NULL };
	static struct asn_bsre_dkim *ctx;
	struct asn_bsre_dkim_result result;
	struct asn_error err;
	char *facts = NULL;

	if (ctx == NULL) {
		struct asn_bsre_dkim_options options = {
			.senders = senders, .timeout_secs = 1, .keys_path = "/dev/null",
		};

		if (asn_bsre_dkim_init(&options, &ctx, &err) < 0)
			abort();
	}
	(void)asn_bsre_dkim_verify(ctx, data, size, &result, &facts, &err);
	if (result.reason == NULL || result.verdict == ASN_BSRE_DKIM_NOT_CHECKED ||
	    result.verdict == ASN_BSRE_DKIM_TRUSTED ||
	    (facts != NULL && result.verdict != ASN_BSRE_DKIM_UNVERIFIED))
		abort();
	if (facts != NULL) {
		/* the later check from the facts alone: no key either */
		(void)asn_bsre_dkim_verify_facts(ctx, facts, &result, &err);
		if (result.verdict == ASN_BSRE_DKIM_TRUSTED)
			abort();
		free(facts);
	}
}

/* A whole message through the MIME analysis. */
static void fuzz_mail(const uint8_t *data, size_t size)
{
	static const char *const senders[] = { "bssn.go.id", NULL };
	static const struct asn_bsre_trust trust = { NULL, senders, "mx.jatimprov.go.id",
								   ASN_BSRE_TRUST_AUTHRES, NULL, NULL };
	struct asn_bsre_envelope env;
	struct asn_bsre_mail m;
	struct asn_error err;

	enum asn_bsre_raw_verdict raw =
		asn_bsre_header_may_be_tagged((const char *)data, size, true);

	if (raw == ASN_BSRE_RAW_MORE)
		abort();	/* the whole mail is there: never "read more" */
	if (asn_bsre_analyze((const char *)data, size, &trust, NULL, 65536, &m, &env, &err) == 0) {
		if (m.event == ASN_BSRE_NONE && m.trusted)
			abort();
		/* the delivery plugin's first look at the raw bytes never
		   misses what the full reader finds */
		if (raw == ASN_BSRE_RAW_NO && m.event != ASN_BSRE_NONE)
			abort();
	}
	free(asn_html_to_text((const char *)data, size));
}

/* A spool line: parsed, and a parsed line formats back to itself. */
static void fuzz_spool(const uint8_t *data, size_t size)
{
	struct asn_bsre_spooled ev, again;
	struct asn_error err;
	char *s = as_string(data, size);

	if (asn_bsre_spool_parse_line(s, &ev, &err) == 0) {
		char *line = asn_bsre_spool_format_line(&ev);

		line[strlen(line) - 1] = '\0';
		if (asn_bsre_spool_parse_line(line, &again, &err) != 0 ||
		    strcmp(again.email, ev.email) != 0 ||
		    strcmp(again.mail.subject, ev.mail.subject) != 0 ||
		    strcmp(again.mail.message_key, ev.mail.message_key) != 0)
			abort();
		free(line);
	}
	free(s);
}

/* asn_bsre_subjects: whatever an admin writes. */
static void fuzz_subjects(const uint8_t *data, size_t size)
{
	struct asn_bsre_pattern *patterns;
	struct asn_error err;
	char *s = as_string(data, size);

	if (asn_bsre_patterns_parse(s, &patterns, &err) == 0) {
		if (patterns[0].substring == NULL)
			abort();
		(void)asn_bsre_classify_subject(patterns, "[BSrE] Aktivasi Akun");
		free(patterns);
	}
	free(s);
}

static void check_fields(const struct asn_web_fields *fields)
{
	if (fields->count > ASN_WEB_FIELDS_MAX)
		abort();
	for (unsigned int i = 0; i < fields->count; i++) {
		const struct asn_web_field *f = &fields->items[i];

		if (f->len > ASN_WEB_VALUE_MAX || strlen(f->value) > f->len ||
		    !asn_web_text_ok(f->name, sizeof(f->name) - 1))
			abort();
		/* a good body: every field found by its name, the first of it */
		if (fields->error[0] == '\0' && asn_web_fields_get(fields, f->name) != f->value)
			abort();
	}
}

/* A portal request body, as JSON, and the same bytes as form fields
   arriving in pieces ("name=value&...", each value cut in two). */
static void fuzz_web_fields(const uint8_t *data, size_t size)
{
	struct asn_web_fields fields;
	char *s = as_string(data, size), *save = NULL;

	memset(&fields, 0, sizeof(fields));
	asn_web_fields_from_json(&fields, (const char *)data, size);
	check_fields(&fields);
	if (fields.error[0] == '\0') {
		for (unsigned int i = 0; i < fields.count; i++) {
			if (strlen(fields.items[i].value) != fields.items[i].len)
				abort();	/* a NUL inside a JSON string got through */
		}
	}

	memset(&fields, 0, sizeof(fields));
	for (char *pair = strtok_r(s, "&", &save); pair != NULL; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		size_t half;

		if (eq == NULL)
			continue;
		*eq = '\0';
		if (asn_web_fields_add(&fields, pair) == NULL)
			break;
		half = strlen(eq + 1) / 2;
		if (!asn_web_fields_append(&fields, eq + 1, half) ||
		    !asn_web_fields_append(&fields, eq + 1 + half, strlen(eq + 1 + half)))
			break;
	}
	check_fields(&fields);
	free(s);
}

/* A verifier's case as the portal's form sends it: the bytes as the note,
   and as the kind and action.  Whatever is accepted is short plain UTF-8
   without a link. */
static void fuzz_case_note(const uint8_t *data, size_t size)
{
	char *s = as_string(data, size);
	struct asn_case_input in = { "link_expired", "other", s };
	struct asn_error err;

	if (asn_case_input_check(&in, &err) == 0) {
		if (strlen(s) > ASN_CASE_NOTE_MAX || !asn_utf8_valid(s, strlen(s)) ||
		    asn_str_is_empty(s))
			abort();
		for (const char *p = s; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f ||
			    strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0)
				abort();
		}
	}
	in.kind = s;
	in.action = s;
	in.note = "catatan";
	if (asn_case_input_check(&in, &err) == 0 &&
	    (!asn_case_kind_valid(s) || !asn_case_action_valid(s)))
		abort();
	(void)asn_case_kind_label(s);
	(void)asn_case_action_label(s);
	free(s);
}

const struct asn_fuzz_target asn_fuzz_targets[] = {
	{ "web-fields", fuzz_web_fields },
	{ "spool", fuzz_spool },
	{ "subjects", fuzz_subjects },
	{ "bsre", fuzz_bsre },
	{ "authres", fuzz_authres },
	{ "dkim-keys", fuzz_dkim_keys },
	{ "dkim-mail", fuzz_dkim_mail },
	{ "mail", fuzz_mail },
	{ "csv", fuzz_csv },
	{ "nip", fuzz_nip },
	{ "roster", fuzz_roster },
	{ "settings", fuzz_settings },
	{ "doveconf", fuzz_doveconf },
	{ "case-note", fuzz_case_note },
	{ NULL, NULL }
};

const struct asn_fuzz_target *asn_fuzz_target_find(const char *name)
{
	for (const struct asn_fuzz_target *t = asn_fuzz_targets; t->name != NULL; t++) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}
