/* Authentication-Results (RFC 8601 section 2.2) and the authres trust rule.
   A recursive-descent reader over the grammar's pieces: CFWS (nested
   comments), value (token or quoted-string), resinfo, propspec. */
#include "asn-bsre-authres.h"
#include "asn-bsre.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct parser {
	const char *start, *p;
	char *out;			/* next free byte of the string storage */
	struct asn_error *err;
	const char *error;		/* what was expected, NULL while fine */
};

static bool fail(struct parser *ps, const char *expected)
{
	if (ps->error == NULL)
		ps->error = expected;
	return false;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token characters; UTF-8 bytes too (RFC 8616). */
static bool is_token_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static bool is_keyword_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_';
}

/* [CFWS]: folding white space and comments, which nest and may hold
   quoted-pairs ("\)"). */
static bool skip_cfws(struct parser *ps)
{
	for (;;) {
		unsigned int depth = 0;

		while (is_wsp(*ps->p))
			ps->p++;
		if (*ps->p != '(')
			return true;
		do {
			char c = *ps->p;

			if (c == '\0')
				return fail(ps, "')' closing a comment");
			if (c == '\\' && ps->p[1] != '\0')
				ps->p++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			ps->p++;
		} while (depth > 0);
	}
}

static const char *begin_string(struct parser *ps)
{
	return ps->out;
}

static const char *end_string(struct parser *ps, const char *s)
{
	*ps->out++ = '\0';
	return s;
}

/* A quoted-string's content, unescaped, appended to the current string. */
static bool quoted_string(struct parser *ps)
{
	ps->p++;			/* the opening quote */
	for (;;) {
		char c = *ps->p;

		if (c == '\0')
			return fail(ps, "'\"' closing a quoted string");
		ps->p++;
		if (c == '"')
			return true;
		if (c == '\\') {
			if (*ps->p == '\0')
				return fail(ps, "'\"' closing a quoted string");
			c = *ps->p++;
		}
		*ps->out++ = c;
	}
}

static const char *keyword(struct parser *ps, const char *what)
{
	const char *s = begin_string(ps);

	if (!is_keyword_char(*ps->p)) {
		fail(ps, what);
		return NULL;
	}
	while (is_keyword_char(*ps->p))
		*ps->out++ = *ps->p++;
	return end_string(ps, s);
}

/* value = token / quoted-string */
static const char *value(struct parser *ps, const char *what)
{
	const char *s = begin_string(ps);

	if (*ps->p == '"') {
		if (!quoted_string(ps))
			return NULL;
	} else if (is_token_char((unsigned char)*ps->p)) {
		while (is_token_char((unsigned char)*ps->p))
			*ps->out++ = *ps->p++;
	} else {
		fail(ps, what);
		return NULL;
	}
	return end_string(ps, s);
}

/* pvalue = value / [[local-part] "@"] domain-name: runs of atom text,
   quoted strings ("x;y"@example) and '@', up to CFWS, ';' or the end. */
static const char *pvalue(struct parser *ps)
{
	const char *s = begin_string(ps);
	bool any = false;

	while (*ps->p != '\0' && !is_wsp(*ps->p) && *ps->p != '(' && *ps->p != ';') {
		if (*ps->p == '"') {
			if (!quoted_string(ps))
				return NULL;
		} else if (*ps->p == ')') {
			fail(ps, "a property value");
			return NULL;
		} else {
			*ps->out++ = *ps->p++;
		}
		any = true;
	}
	if (!any) {
		fail(ps, "a property value");
		return NULL;
	}
	return end_string(ps, s);
}

struct lists {
	struct asn_authres_result *results;
	size_t result_count, result_size;
	struct asn_authres_property *props;
	size_t prop_count, prop_size;
	size_t *first_prop;		/* per result: index of its first property */
};

static bool expect(struct parser *ps, char c, const char *what)
{
	if (!skip_cfws(ps))
		return false;
	if (*ps->p != c)
		return fail(ps, what);
	ps->p++;
	return skip_cfws(ps);
}

/* resinfo after its ';': methodspec [reasonspec] *propspec */
static bool resinfo(struct parser *ps, struct lists *l)
{
	struct asn_authres_result r = { 0 };

	if ((r.method = keyword(ps, "a method name")) == NULL || !skip_cfws(ps))
		return false;
	if (*ps->p == '/') {
		/* method-version: checked, then dropped */
		ps->p++;
		if (!skip_cfws(ps) || keyword(ps, "a method version") == NULL)
			return false;
	}
	if (!expect(ps, '=', "'=' after the method") ||
	    (r.result = keyword(ps, "a result")) == NULL)
		return false;
	if (l->result_count == l->result_size) {
		l->result_size = l->result_size * 2 + 4;
		l->results = asn_xrealloc(l->results, l->result_size * sizeof(*l->results));
		l->first_prop = asn_xrealloc(l->first_prop, l->result_size * sizeof(size_t));
	}
	l->first_prop[l->result_count] = l->prop_count;
	for (;;) {
		struct asn_authres_property prop = { 0 };
		const char *name;

		if (!skip_cfws(ps))
			return false;
		if (*ps->p == ';' || *ps->p == '\0')
			break;
		if ((name = keyword(ps, "a property or reason")) == NULL || !skip_cfws(ps))
			return false;
		if (*ps->p == '=' && strcasecmp(name, "reason") == 0 && r.reason == NULL &&
		    l->prop_count == l->first_prop[l->result_count]) {
			ps->p++;
			if (!skip_cfws(ps) || (r.reason = value(ps, "a reason")) == NULL)
				return false;
			continue;
		}
		if (*ps->p != '.')
			return fail(ps, "'.' in ptype.property");
		ps->p++;
		prop.ptype = name;
		if (!skip_cfws(ps) || (prop.property = keyword(ps, "a property name")) == NULL ||
		    !expect(ps, '=', "'=' after the property") || (prop.value = pvalue(ps)) == NULL)
			return false;
		if (l->prop_count == l->prop_size) {
			l->prop_size = l->prop_size * 2 + 8;
			l->props = asn_xrealloc(l->props, l->prop_size * sizeof(*l->props));
		}
		l->props[l->prop_count++] = prop;
	}
	r.prop_count = l->prop_count - l->first_prop[l->result_count];
	l->results[l->result_count++] = r;
	return true;
}

static bool payload(struct parser *ps, struct asn_authres *ar, struct lists *l)
{
	if (!skip_cfws(ps) || (ar->authserv_id = value(ps, "an authserv-id")) == NULL ||
	    !skip_cfws(ps))
		return false;
	if (*ps->p >= '0' && *ps->p <= '9') {
		const char *s = begin_string(ps);

		while (*ps->p >= '0' && *ps->p <= '9')
			*ps->out++ = *ps->p++;
		ar->version = end_string(ps, s);
		if (!skip_cfws(ps))
			return false;
	}
	if (*ps->p == '\0')
		return true;		/* no result at all: nothing to trust */
	if (*ps->p != ';')
		return fail(ps, "';' after the authserv-id");
	ps->p++;
	if (!skip_cfws(ps))
		return false;
	/* no-result: "id; none" */
	if (strncasecmp(ps->p, "none", 4) == 0 && !is_keyword_char(ps->p[4])) {
		const char *save = ps->p;

		ps->p += 4;
		if (!skip_cfws(ps))
			return false;
		if (*ps->p == '\0')
			return true;
		ps->p = save;		/* a method called "none" */
	}
	for (;;) {
		if (*ps->p == '\0')
			return true;	/* a trailing ';' is tolerated */
		if (!resinfo(ps, l))
			return false;
		if (*ps->p == '\0')
			return true;
		ps->p++;		/* ';' */
		if (!skip_cfws(ps))
			return false;
	}
}

void asn_authres_free(struct asn_authres *ar)
{
	free(ar->buf_);
	free(ar->results_);
	free(ar->props_);
	memset(ar, 0, sizeof(*ar));
}

int asn_authres_parse(const char *text, struct asn_authres *ar, struct asn_error *err)
{
	size_t len = strlen(text);
	struct parser ps = { .start = text, .p = text, .err = err };
	struct lists l = { 0 };

	memset(ar, 0, sizeof(*ar));
	/* Each string is at most the input it came from, plus its NUL, and
	   there are fewer strings than input bytes. */
	ar->buf_ = asn_xmalloc(len * 2 + 2);
	ps.out = ar->buf_;
	if (!payload(&ps, ar, &l)) {
		asn_error_set(err, "Authentication-Results: at offset %zu: expected %s",
			      (size_t)(ps.p - ps.start), ps.error != NULL ? ps.error : "more");
		free(l.results);
		free(l.props);
		free(l.first_prop);
		asn_authres_free(ar);
		return -1;
	}
	for (size_t i = 0; i < l.result_count; i++)
		l.results[i].props = l.props + l.first_prop[i];
	free(l.first_prop);
	ar->results = ar->results_ = l.results;
	ar->result_count = l.result_count;
	ar->props_ = l.props;
	return 0;
}

static bool result_is_trusted_dkim_pass(const struct asn_authres_result *r,
					const char *const *trusted)
{
	if (strcasecmp(r->method, "dkim") != 0 || strcasecmp(r->result, "pass") != 0)
		return false;
	for (size_t i = 0; i < r->prop_count; i++) {
		const struct asn_authres_property *prop = &r->props[i];

		if (strcasecmp(prop->ptype, "header") == 0 && strcasecmp(prop->property, "d") == 0 &&
		    asn_bsre_domain_trusted(prop->value, trusted))
			return true;
	}
	return false;
}

bool asn_bsre_authres_dkim_pass(const char *const *values, size_t count,
				const char *authserv_id, const char *const *trusted)
{
	if (authserv_id == NULL || authserv_id[0] == '\0')
		return false;
	for (size_t i = 0; i < count; i++) {
		struct asn_authres ar;
		struct asn_error err;
		bool ours, pass = false;

		if (asn_authres_parse(values[i], &ar, &err) < 0) {
			/* Cannot tell whose it is: only a field that does
			   not even mention our id may be passed over. */
			if (strcasestr(values[i], authserv_id) != NULL)
				return false;
			continue;
		}
		ours = strcasecmp(ar.authserv_id, authserv_id) == 0;
		for (size_t j = 0; ours && j < ar.result_count && !pass; j++)
			pass = result_is_trusted_dkim_pass(&ar.results[j], trusted);
		asn_authres_free(&ar);
		if (ours)
			return pass;	/* the topmost of ours decides alone */
	}
	return false;
}
