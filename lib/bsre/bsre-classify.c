/* BSrE mail classification, trust and certificate facts. */
#include "asn-bsre.h"
#include "bsre-private.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const event_names[] = {
	[ASN_BSRE_NONE] = "none",
	[ASN_BSRE_ACCOUNT_ACTIVATION] = "account_activation",
	[ASN_BSRE_ACCOUNT_INFO] = "account_info",
	[ASN_BSRE_SET_PASSPHRASE] = "set_passphrase",
	[ASN_BSRE_CERTIFICATE_ISSUED] = "certificate_issued",
	[ASN_BSRE_ISSUANCE_SUCCEEDED] = "issuance_succeeded",
	[ASN_BSRE_RENEWAL] = "renewal",
	[ASN_BSRE_PASSWORD_RESET] = "password_reset",
	[ASN_BSRE_OTHER] = "other",
	[ASN_BSRE_SUSPICIOUS] = "suspicious_bsre_mail",
};

const char *asn_bsre_event_name(enum asn_bsre_event event)
{
	if ((size_t)event >= ASN_N_ELEMENTS(event_names))
		return "?";
	return event_names[event];
}

int asn_bsre_event_parse(const char *name, enum asn_bsre_event *event_r)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(event_names); i++) {
		if (strcmp(event_names[i], name) == 0) {
			*event_r = (enum asn_bsre_event)i;
			return 0;
		}
	}
	return -1;
}

static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++) {
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	}
	return false;
}

enum asn_bsre_event asn_bsre_classify_subject(const struct asn_bsre_pattern *patterns,
					      const char *subject)
{
	enum asn_bsre_event event = ASN_BSRE_OTHER;
	struct asn_bsre_pattern *builtin = NULL;
	const char *rest = subject;

	switch (asn_bsre_subject_tag(subject)) {
	case ASN_BSRE_TAG_NONE:
		return ASN_BSRE_NONE;
	case ASN_BSRE_TAG_LOOKALIKE:
		return ASN_BSRE_SUSPICIOUS;
	case ASN_BSRE_TAG_GENUINE:
		break;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	rest += strlen(ASN_BSRE_TAG_TEXT);
	if (patterns == NULL) {
		/* The setting's default is the one spelling of the built-in
		   table; it always parses (test-bsre checks). */
		struct asn_error err;

		if (asn_bsre_patterns_parse(asn_bsre_default_patterns_spec, &builtin, &err) < 0)
			return ASN_BSRE_OTHER;
		patterns = builtin;
	}
	for (size_t i = 0; patterns[i].substring != NULL; i++) {
		if (contains_nocase(rest, patterns[i].substring)) {
			event = patterns[i].event;
			break;
		}
	}
	free(builtin);
	return event;
}

bool asn_bsre_domain_trusted(const char *domain, const char *const *trusted)
{
	size_t len = strlen(domain);

	if (len > 0 && domain[len - 1] == '.')
		len--;
	for (size_t i = 0; trusted != NULL && trusted[i] != NULL; i++) {
		size_t tlen = strlen(trusted[i]);

		if (tlen == 0 || tlen > len)
			continue;
		if (strncasecmp(domain + len - tlen, trusted[i], tlen) != 0)
			continue;
		/* equal, or a subdomain at a dot boundary */
		if (len == tlen || domain[len - tlen - 1] == '.')
			return true;
	}
	return false;
}

static bool domain_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.';
}

bool asn_bsre_from_domain(const char *from, char *out, size_t size)
{
	const char *lt = strchr(from, '<'), *at, *start, *end;
	size_t len;

	/* Within <...> when there is one: a display name may itself hold an
	   '@' ("info@bssn.go.id" <x@evil.example>). */
	if (lt != NULL && strchr(lt, '>') != NULL)
		at = memchr(lt, '@', (size_t)(strchr(lt, '>') - lt));
	else
		at = strchr(from, '@');
	if (at == NULL)
		return false;
	start = at + 1;
	end = start;
	while (domain_char(*end))
		end++;
	len = (size_t)(end - start);
	while (len > 0 && start[len - 1] == '.')
		len--;
	if (len == 0 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)start[i]);
	out[len] = '\0';
	return true;
}

static const struct {
	const char *name;
	int month;
} month_names[] = {
	{ "januari", 1 }, { "january", 1 }, { "jan", 1 },
	{ "februari", 2 }, { "pebruari", 2 }, { "february", 2 }, { "feb", 2 },
	{ "maret", 3 }, { "march", 3 }, { "mar", 3 },
	{ "april", 4 }, { "apr", 4 },
	{ "mei", 5 }, { "may", 5 },
	{ "juni", 6 }, { "june", 6 }, { "jun", 6 },
	{ "juli", 7 }, { "july", 7 }, { "jul", 7 },
	{ "agustus", 8 }, { "august", 8 }, { "agu", 8 }, { "agt", 8 }, { "aug", 8 },
	{ "september", 9 }, { "sept", 9 }, { "sep", 9 },
	{ "oktober", 10 }, { "october", 10 }, { "okt", 10 }, { "oct", 10 },
	{ "november", 11 }, { "nopember", 11 }, { "nov", 11 },
	{ "desember", 12 }, { "december", 12 }, { "des", 12 }, { "dec", 12 },
};

static size_t digits(const char *p, size_t max, int *value_r)
{
	size_t n = 0;
	int value = 0;

	while (n < max && isdigit((unsigned char)p[n]))
		value = value * 10 + (p[n++] - '0');
	if (isdigit((unsigned char)p[n]))
		return 0;	/* longer than max */
	*value_r = value;
	return n;
}

static bool valid_ymd(int y, int m, int d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

/* valid_ymd() bounded the values; the modulo tells the compiler so. */
static void format_ymd(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned int)y % 10000U,
		 (unsigned int)m % 100U, (unsigned int)d % 100U);
}

size_t asn_bsre_parse_date(const char *text, char out[11])
{
	const char *p = text;
	int y, m, d;
	size_t n, n2, n3;

	while (*p == ' ' || *p == '\t')
		p++;
	/* YYYY-MM-DD */
	if ((n = digits(p, 4, &y)) == 4 && (p[4] == '-' || p[4] == '/') &&
	    (n2 = digits(p + 5, 2, &m)) > 0 && p[5 + n2] == p[4] &&
	    (n3 = digits(p + 6 + n2, 2, &d)) > 0 && valid_ymd(y, m, d)) {
		format_ymd(out, y, m, d);
		return (size_t)(p - text) + 6 + n2 + n3;
	}
	/* DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY */
	if ((n = digits(p, 2, &d)) > 0 && (p[n] == '-' || p[n] == '/' || p[n] == '.') &&
	    (n2 = digits(p + n + 1, 2, &m)) > 0 && p[n + 1 + n2] == p[n] &&
	    digits(p + n + 2 + n2, 4, &y) == 4 && valid_ymd(y, m, d)) {
		format_ymd(out, y, m, d);
		return (size_t)(p - text) + n + 2 + n2 + 4;
	}
	/* D Month YYYY */
	if ((n = digits(p, 2, &d)) > 0 && (p[n] == ' ' || p[n] == '-')) {
		const char *q = p + n + 1, *word = q;
		size_t wlen;

		while (isalpha((unsigned char)*q))
			q++;
		wlen = (size_t)(q - word);
		if (*q == '.')
			q++;
		for (size_t i = 0; i < ASN_N_ELEMENTS(month_names) && wlen > 0; i++) {
			if (strlen(month_names[i].name) == wlen &&
			    strncasecmp(word, month_names[i].name, wlen) == 0) {
				m = month_names[i].month;
				if ((*q == ' ' || *q == '-') && digits(q + 1, 4, &y) == 4 &&
				    valid_ymd(y, m, d)) {
					format_ymd(out, y, m, d);
					return (size_t)(q + 5 - text);
				}
				break;
			}
		}
	}
	/* a year alone */
	if (digits(p, 4, &y) == 4 && y >= 1900 && y <= 2199) {
		snprintf(out, 11, "%04u", (unsigned int)y % 10000U);
		return (size_t)(p - text) + 4;
	}
	return 0;
}

/* "  Common Name : Siti Rahma " -> key "common name", value "Siti Rahma" */
static void copy_value(const char *start, const char *end, char *out, size_t size)
{
	size_t len;

	while (start < end && (isspace((unsigned char)*start) || *start == ':'))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	len = (size_t)(end - start);
	if (len >= size)
		len = size - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char)start[i] < 0x20 ? ' ' : start[i];
	out[len] = '\0';
}

static bool key_is(const char *line, size_t key_len, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++) {
		if (strlen(names[i]) == key_len && strncasecmp(line, names[i], key_len) == 0)
			return true;
	}
	return false;
}

bool asn_bsre_extract_certificate(const char *text, struct asn_bsre_certificate *cert)
{
	static const char *const cn_keys[] = { "common name", "cn", "nama", NULL };
	static const char *const org_keys[] = { "organization", "organisation", "organisasi",
						"o", "instansi", NULL };
	static const char *const serial_keys[] = { "serial number", "serial", "nomor seri",
						   "no seri", "sn", NULL };
	static const char *const validity_phrases[] = {
		"berlaku sampai dengan", "berlaku sampai", "berlaku hingga", "valid until",
		"valid to", "masa berlaku", "berlaku s.d.", "berlaku s/d", NULL
	};
	const char *line = text;
	bool found = false;

	memset(cert, 0, sizeof(*cert));
	while (*line != '\0') {
		const char *eol = strchr(line, '\n'), *colon, *key = line;
		size_t key_len;

		if (eol == NULL)
			eol = line + strlen(line);
		while (key < eol && isspace((unsigned char)*key))
			key++;
		colon = memchr(key, ':', (size_t)(eol - key));
		if (colon != NULL) {
			key_len = (size_t)(colon - key);
			while (key_len > 0 && isspace((unsigned char)key[key_len - 1]))
				key_len--;
			if (cert->common_name[0] == '\0' && key_is(key, key_len, cn_keys)) {
				copy_value(colon + 1, eol, cert->common_name, sizeof(cert->common_name));
				found = found || cert->common_name[0] != '\0';
			} else if (cert->organization[0] == '\0' && key_is(key, key_len, org_keys)) {
				copy_value(colon + 1, eol, cert->organization, sizeof(cert->organization));
				found = found || cert->organization[0] != '\0';
			} else if (cert->serial[0] == '\0' && key_is(key, key_len, serial_keys)) {
				copy_value(colon + 1, eol, cert->serial, sizeof(cert->serial));
				found = found || cert->serial[0] != '\0';
			}
		}
		line = *eol == '\0' ? eol : eol + 1;
	}
	for (size_t i = 0; validity_phrases[i] != NULL && cert->valid_until[0] == '\0'; i++) {
		size_t plen = strlen(validity_phrases[i]);
		const char *p = text;

		while (*p != '\0' && cert->valid_until[0] == '\0') {
			const char *q;

			if (strncasecmp(p, validity_phrases[i], plen) != 0) {
				p++;
				continue;
			}
			q = p + plen;
			while (*q == ' ' || *q == ':' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (strncasecmp(q, "tanggal", 7) == 0)
				q += 7;
			if (asn_bsre_parse_date(q, cert->valid_until) > 0)
				found = true;
			/* q never passes the terminator; go on after the phrase */
			p += plen;
		}
	}
	return found;
}
