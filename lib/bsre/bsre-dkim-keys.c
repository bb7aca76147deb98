/* asn_bsre_dkim_keys: DKIM key records from a file, for sites whose mail
   servers cannot ask DNS.  One record a line:
	selector._domainkey.domain  v=DKIM1; k=rsa; p=MIIB...
	selector._domainkey.domain  IN TXT "v=DKIM1; k=rsa; " "p=MIIB..."
   ('#' comments and blank lines allowed; quoted strings are joined as
   DNS joins a TXT record's strings).  Everything is checked when the
   file is read, so that a typo is an error at start naming FILE:LINE,
   not a mail found untrusted later. */
#include "asn-bsre-dkim.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEYS_FILE_MAX (1024 * 1024)
#define RECORD_MAX 4096

struct asn_bsre_dkim_keys {
	struct asn_strv names;		/* lowercase, no trailing dot */
	struct asn_strv records;	/* the same index: the TXT text */
};

static bool label_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* selector._domainkey.domain: DNS labels (1-63 bytes of letters, digits,
   '-' and '_'), 253 bytes at most, a selector before "_domainkey" and a
   domain after it. */
static const char *check_name(const char *name)
{
	size_t len = strlen(name), label = 0;
	const char *dk;

	if (len == 0 || len > 253)
		return "the name must be 1-253 bytes";
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return "the name has an empty label";
			label = 0;
		} else if (!label_char(*p)) {
			return "the name may hold only letters, digits, '-', '_' and '.'";
		} else if (++label > 63) {
			return "a label of the name is longer than 63 bytes";
		}
	}
	if (label == 0)
		return "the name has an empty label";
	dk = strstr(name, "._domainkey.");
	if (dk == NULL || dk == name)
		return "the name is not selector._domainkey.domain";
	return NULL;
}

/* A DKIM key record's tag-list (RFC 6376 3.6.1): tag=value pairs
   separated by ';', each tag once, p= present, v= first and DKIM1 when
   given, k= rsa or ed25519 when given. */
static const char *check_record(const char *record)
{
	char *copy = asn_xstrdup(record), *part, *save = NULL;
	struct asn_strv tags = { 0 };
	const char *problem = NULL;
	bool first = true;

	for (const char *p = record; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			problem = "the record holds a control character";
			goto out;
		}
		if ((unsigned char)*p >= 0x7f) {
			problem = "the record holds a byte that is not ASCII";
			goto out;
		}
	}
	for (part = strtok_r(copy, ";", &save); part != NULL; part = strtok_r(NULL, ";", &save)) {
		char *eq, *tag = part, *value, *end;

		while (*tag == ' ' || *tag == '\t')
			tag++;
		if (*tag == '\0')
			continue;		/* a trailing ';' */
		eq = strchr(tag, '=');
		if (eq == NULL) {
			problem = "the record has a part without '=' (expected tag=value; ...)";
			goto out;
		}
		value = eq + 1;
		for (end = eq; end > tag && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		while (*value == ' ' || *value == '\t')
			value++;
		for (end = value + strlen(value); end > value && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (!isalpha((unsigned char)tag[0])) {
			problem = "the record has a tag that does not start with a letter";
			goto out;
		}
		for (const char *p = tag; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '_') {
				problem = "the record has a tag that is not letters, digits and '_'";
				goto out;
			}
		}
		if (asn_strv_contains(&tags, tag)) {
			problem = "the record has a tag twice";
			goto out;
		}
		asn_strv_add(&tags, tag);
		if (strcmp(tag, "v") == 0 && (!first || strcmp(value, "DKIM1") != 0)) {
			problem = "v= must come first and be DKIM1";
			goto out;
		}
		if (strcmp(tag, "k") == 0 && strcmp(value, "rsa") != 0 &&
		    strcmp(value, "ed25519") != 0) {
			problem = "k= must be rsa or ed25519";
			goto out;
		}
		if (strcmp(tag, "p") == 0) {
			for (const char *p = value; *p != '\0'; p++) {
				if (!isalnum((unsigned char)*p) && strchr("+/= \t", *p) == NULL) {
					problem = "p= is not base64";
					goto out;
				}
			}
		}
		first = false;
	}
	if (!asn_strv_contains(&tags, "p"))
		problem = "the record has no p= (the public key; empty p= means revoked)";
out:
	asn_strv_free(&tags);
	free(copy);
	return problem;
}

/* The record text after the name: bare text to the end of the line, or
   one or more "quoted strings" (\" and \\ escaped) joined. */
static const char *read_record(const char *p, char *out, size_t size)
{
	size_t len = 0;

	if (*p != '"') {
		len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len >= size)
			return "the record is too long";
		memcpy(out, p, len);
		out[len] = '\0';
		return NULL;
	}
	while (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return "a quoted string is not closed";
			if (*p == '\\') {
				p++;
				if (*p == '\0')
					return "a quoted string is not closed";
			}
			if (len + 1 >= size)
				return "the record is too long";
			out[len++] = *p;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p != '\0')
		return "text after the quoted strings";
	out[len] = '\0';
	return NULL;
}

/* p after white space, and after word (any case) when it comes next */
static char *skip_word(char *p, const char *word)
{
	size_t len = strlen(word);

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, word, len) == 0 && (p[len] == ' ' || p[len] == '\t')) {
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return p;
}

static const char *parse_line(char *line, struct asn_bsre_dkim_keys *keys)
{
	char *name = line, *p, *record;
	const char *problem;
	size_t len;

	while (*name == ' ' || *name == '\t')
		name++;
	if (*name == '\0' || *name == '#')
		return NULL;
	for (p = name; *p != '\0' && *p != ' ' && *p != '\t'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (*p == '\0')
		return "expected: selector._domainkey.domain TXT-RECORD";
	*p++ = '\0';
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
	if ((problem = check_name(name)) != NULL)
		return problem;
	p = skip_word(skip_word(p, "IN"), "TXT");	/* as in a zone file */
	if (*p == '\0')
		return "expected: selector._domainkey.domain TXT-RECORD";
	record = asn_xmalloc(RECORD_MAX);
	problem = read_record(p, record, RECORD_MAX);
	if (problem == NULL)
		problem = check_record(record);
	if (problem == NULL && asn_strv_contains(&keys->names, name))
		problem = "this name is given twice";
	if (problem == NULL) {
		asn_strv_add(&keys->names, name);
		asn_strv_add_take(&keys->records, record);
		return NULL;
	}
	free(record);
	return problem;
}

int asn_bsre_dkim_keys_parse(const char *name, const char *data, size_t size,
			     struct asn_bsre_dkim_keys **keys_r, struct asn_error *err)
{
	struct asn_bsre_dkim_keys *keys = asn_xcalloc(1, sizeof(*keys));
	unsigned int line_no = 0;
	size_t pos = 0;

	while (pos < size) {
		const char *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - (data + pos)) : size - pos;
		const char *problem = NULL;
		char *line;

		line_no++;
		if (len > 0 && data[pos + len - 1] == '\r')
			len--;
		line = asn_xstrndup(data + pos, len);
		if (strlen(line) != len)
			problem = "the line holds a NUL byte";
		else
			problem = parse_line(line, keys);
		free(line);
		if (problem != NULL) {
			asn_error_set(err, "%s:%u: %s", name, line_no, problem);
			asn_bsre_dkim_keys_free(&keys);
			return -1;
		}
		pos = nl != NULL ? (size_t)(nl - data) + 1 : size;
	}
	*keys_r = keys;
	return 0;
}

int asn_bsre_dkim_keys_read(const char *path, struct asn_bsre_dkim_keys **keys_r,
			    struct asn_error *err)
{
	char *data;
	size_t size;
	int ret;

	if (asn_read_file(path, KEYS_FILE_MAX, &data, &size, err) < 0) {
		asn_error_prefix(err, "asn_bsre_dkim_keys: ");
		return -1;
	}
	ret = asn_bsre_dkim_keys_parse(path, data, size, keys_r, err);
	free(data);
	return ret;
}

const char *asn_bsre_dkim_keys_find(const struct asn_bsre_dkim_keys *keys, const char *name)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (size_t i = 0; i < keys->names.count; i++) {
		if (strlen(keys->names.items[i]) == len &&
		    strncasecmp(keys->names.items[i], name, len) == 0)
			return keys->records.items[i];
	}
	return NULL;
}

size_t asn_bsre_dkim_keys_count(const struct asn_bsre_dkim_keys *keys)
{
	return keys->names.count;
}

void asn_bsre_dkim_keys_free(struct asn_bsre_dkim_keys **keys)
{
	if (*keys == NULL)
		return;
	asn_strv_free(&(*keys)->names);
	asn_strv_free(&(*keys)->records);
	free(*keys);
	*keys = NULL;
}
