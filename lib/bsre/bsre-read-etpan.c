/* BSrE mail analysis over raw RFC 5322 messages (libetpan). */
#include "asn-bsre-mail.h"
#include "bsre-private.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *decode_phrase(const char *raw)
{
	size_t idx = 0;
	char *decoded = NULL;

	if (mailmime_encoded_phrase_parse("utf-8", raw, strlen(raw), &idx, "utf-8",
					  &decoded) == MAILIMF_NO_ERROR && decoded != NULL)
		return decoded;
	return strdup(raw);
}

static time_t date_to_time(const struct mailimf_date_time *dt)
{
	struct tm tm;
	time_t t;
	int zone = dt->dt_zone, zone_secs;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	if (dt->dt_year < 1970 || dt->dt_month < 1 || dt->dt_month > 12)
		return 0;
	t = timegm(&tm);
	zone_secs = (abs(zone) / 100) * 3600 + (abs(zone) % 100) * 60;
	return zone >= 0 ? t - zone_secs : t + zone_secs;
}

struct header_scan {
	const char *subject_raw;
	struct mailimf_mailbox_list *from;
	struct mailimf_address_list *to;
	bool has_to;
	const char *message_id;
	struct mailimf_date_time *date;
	struct asn_strv authres;
	char delivered_to[256];
	const char *received;		/* the first (newest) Received value */
};

static void scan_fields(struct mailimf_fields *fields, struct header_scan *scan)
{
	for (clistiter *it = clist_begin(fields->fld_list); it != NULL; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);

		switch (f->fld_type) {
		case MAILIMF_FIELD_SUBJECT:
			if (scan->subject_raw == NULL)
				scan->subject_raw = f->fld_data.fld_subject->sbj_value;
			break;
		case MAILIMF_FIELD_FROM:
			if (scan->from == NULL)
				scan->from = f->fld_data.fld_from->frm_mb_list;
			break;
		case MAILIMF_FIELD_TO:
			if (!scan->has_to) {
				scan->has_to = true;
				scan->to = f->fld_data.fld_to->to_addr_list;
			}
			break;
		case MAILIMF_FIELD_MESSAGE_ID:
			if (scan->message_id == NULL)
				scan->message_id = f->fld_data.fld_message_id->mid_value;
			break;
		case MAILIMF_FIELD_ORIG_DATE:
			if (scan->date == NULL)
				scan->date = f->fld_data.fld_orig_date->dt_date_time;
			break;
		case MAILIMF_FIELD_OPTIONAL_FIELD: {
			const struct mailimf_optional_field *o = f->fld_data.fld_optional_field;

			if (strcasecmp(o->fld_name, "Authentication-Results") == 0)
				asn_strv_add(&scan->authres, o->fld_value);
			else if (scan->received == NULL &&
				 strcasecmp(o->fld_name, "Received") == 0)
				scan->received = o->fld_value;
			else if (scan->delivered_to[0] == '\0' &&
				 (strcasecmp(o->fld_name, "Delivered-To") == 0 ||
				  strcasecmp(o->fld_name, "X-Original-To") == 0)) {
				asn_bsre_copy_clean(scan->delivered_to, sizeof(scan->delivered_to), o->fld_value);
				for (char *p = scan->delivered_to; *p != '\0'; p++)
					*p = (char)tolower((unsigned char)*p);
			}
			break;
		}
		default:
			break;
		}
	}
}

/* Dovecot's message parser stops descending after 100 nested parts and
   counts at most 10,000 parts (message_parser_settings' defaults,
   MESSAGE_PARSER_DEFAULT_MAX_NESTED_MIME_PARTS and _MAX_TOTAL_MIME_PARTS):
   a real mail nests a few levels, and libetpan's own parser costs the
   part's size at every level, so 20,000 levels took 39 s.  We walk the
   parts ourselves with the same bounds; what lies deeper is not read. */
#define MIME_NESTING_MAX ASN_BSRE_MIME_NESTING_MAX
#define MIME_PARTS_MAX ASN_BSRE_MIME_PARTS_MAX

struct text_part {
	const char *data;
	size_t size;
	int encoding;			/* MAILMIME_MECHANISM_* */
	char *charset;
};

struct walk {
	struct text_part plain, html;
	struct asn_bsre_body_stats *stats;
};

static bool content_is_text(const struct mailmime_content *ct, const char *subtype)
{
	return ct != NULL && ct->ct_type != NULL &&
		ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
		ct->ct_type->tp_data.tp_discrete_type->dt_type == MAILMIME_DISCRETE_TYPE_TEXT &&
		ct->ct_subtype != NULL && strcasecmp(ct->ct_subtype, subtype) == 0;
}

static bool content_is_message(const struct mailmime_content *ct)
{
	return ct != NULL && ct->ct_type != NULL &&
		ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
		ct->ct_type->tp_data.tp_composite_type->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE &&
		ct->ct_subtype != NULL && strcasecmp(ct->ct_subtype, "rfc822") == 0;
}

static bool content_is_multipart(const struct mailmime_content *ct)
{
	return ct != NULL && ct->ct_type != NULL &&
		ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
		ct->ct_type->tp_data.tp_composite_type->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART;
}

/* After "--boundary": the end of the line, white space, or the "--" of
   the close delimiter; "--b1" is no delimiter of "--b10". */
static bool delimiter_ends(const char *p, const char *end)
{
	return p == end || *p == '\r' || *p == '\n' || *p == ' ' || *p == '\t' ||
		(p + 1 < end && p[0] == '-' && p[1] == '-');
}

/* The delimiter line "--boundary" at a line start in [p, end), or NULL. */
static const char *find_delimiter(const char *p, const char *end, const char *start,
				  const char *boundary, size_t blen)
{
	for (; p + 2 + blen <= end; p++) {
		p = memchr(p, '-', (size_t)(end - p));
		if (p == NULL || p + 2 + blen > end)
			return NULL;
		if ((p == start || p[-1] == '\n') && p[1] == '-' &&
		    memcmp(p + 2, boundary, blen) == 0 && delimiter_ends(p + 2 + blen, end))
			return p;
	}
	return NULL;
}

static void walk_part(const char *data, size_t size, unsigned int depth, struct walk *w);

static void walk_multipart(const char *body, size_t size, const char *boundary,
			   unsigned int depth, struct walk *w)
{
	const char *end = body + size, *p;
	size_t blen = strlen(boundary);

	if (blen == 0)
		return;
	p = find_delimiter(body, end, body, boundary, blen);
	while (p != NULL && w->plain.data == NULL && !w->stats->limited) {
		const char *part = p + 2 + blen, *next, *part_end;

		if (part + 2 <= end && part[0] == '-' && part[1] == '-')
			return;			/* the close delimiter */
		part = memchr(part, '\n', (size_t)(end - part));
		if (part == NULL)
			return;
		part++;
		next = find_delimiter(part, end, body, boundary, blen);
		part_end = next != NULL ? next : end;
		/* the line break before a delimiter belongs to it */
		if (part_end > part && part_end[-1] == '\n')
			part_end--;
		if (part_end > part && part_end[-1] == '\r')
			part_end--;
		walk_part(part, (size_t)(part_end - part), depth + 1, w);
		p = next;
	}
}

static void keep_text(struct text_part *t, const char *body, size_t size,
		      struct mailmime_content *ct, int encoding)
{
	const char *charset = ct != NULL ? mailmime_content_charset_get(ct) : NULL;

	t->data = body;
	t->size = size;
	t->encoding = encoding;
	t->charset = charset != NULL ? asn_xstrdup(charset) : NULL;
}

/* One part (or the message itself): its header, then its body. */
static void walk_part(const char *data, size_t size, unsigned int depth, struct walk *w)
{
	struct mailimf_fields *hdr = NULL;
	struct mailmime_fields *mf = NULL;
	struct mailmime_content *ct = NULL;
	int encoding = MAILMIME_MECHANISM_7BIT;
	size_t idx = 0;

	if (depth > MIME_NESTING_MAX || ++w->stats->parts > MIME_PARTS_MAX) {
		w->stats->limited = true;
		return;
	}
	if (depth > w->stats->depth)
		w->stats->depth = depth;
	/* A part's header is read for its Content-* fields only, which
	   mailmime_fields_parse() takes from the unstructured fields, as
	   libetpan's own MIME parser reads them.  mailimf_fields_parse()
	   would also parse Return-Path, To, ... structurally, for nothing,
	   and libetpan 1.9.4 loses the address of a Return-Path whose '<'
	   is not closed (tests/lsan.supp). */
	if (mailimf_optional_fields_parse(data, size, &idx, &hdr) != MAILIMF_NO_ERROR)
		idx = 0;
	if (idx < size && data[idx] == '\r')
		idx++;
	if (idx < size && data[idx] == '\n')
		idx++;
	if (hdr != NULL && mailmime_fields_parse(hdr, &mf) == MAILIMF_NO_ERROR) {
		for (clistiter *it = clist_begin(mf->fld_list); it != NULL; it = clist_next(it)) {
			struct mailmime_field *f = clist_content(it);

			if (f->fld_type == MAILMIME_FIELD_TYPE && ct == NULL)
				ct = f->fld_data.fld_content;
			else if (f->fld_type == MAILMIME_FIELD_TRANSFER_ENCODING)
				encoding = f->fld_data.fld_encoding->enc_type;
		}
	}
	if (content_is_multipart(ct)) {
		const char *boundary = mailmime_content_param_get(ct, "boundary");

		if (boundary != NULL)
			walk_multipart(data + idx, size - idx, boundary, depth, w);
	} else if (content_is_message(ct)) {
		walk_part(data + idx, size - idx, depth + 1, w);
	} else if (ct == NULL || content_is_text(ct, "plain")) {
		/* no Content-Type: text/plain (RFC 2045) */
		keep_text(&w->plain, data + idx, size - idx, ct, encoding);
	} else if (w->html.data == NULL && content_is_text(ct, "html")) {
		keep_text(&w->html, data + idx, size - idx, ct, encoding);
	}
	if (mf != NULL)
		mailmime_fields_free(mf);
	if (hdr != NULL)
		mailimf_fields_free(hdr);
}

static char *part_text(const struct text_part *part, size_t body_max)
{
	char *decoded = NULL, *converted = NULL, *text;
	size_t idx = 0, len = 0, src_len = part->size;

	if (part->data == NULL)
		return NULL;
	if (src_len > body_max * 2)
		src_len = body_max * 2;
	if (mailmime_part_parse(part->data, src_len, &idx, part->encoding,
				&decoded, &len) != MAILIMF_NO_ERROR)
		return NULL;
	if (len > body_max)
		len = body_max;
	if (part->charset != NULL && strcasecmp(part->charset, "utf-8") != 0 &&
	    strcasecmp(part->charset, "us-ascii") != 0 &&
	    charconv("utf-8", part->charset, decoded, len, &converted) == MAIL_CHARCONV_NO_ERROR &&
	    converted != NULL)
		text = asn_xstrdup(converted);
	else
		text = asn_xstrndup(decoded, len);
	/* charconv() returns malloc()ed memory (charconv_buffer_free() is for
	   charconv_buffer()'s), possibly even when it fails. */
	free(converted);
	mailmime_decoded_part_free(decoded);
	return text;
}

char *asn_bsre_body_text(const char *data, size_t size, size_t body_max,
			 struct asn_bsre_body_stats *stats_r)
{
	struct asn_bsre_body_stats stats = { 0 };
	struct walk w = { .stats = &stats };
	char *text = NULL;

	walk_part(data, size, 0, &w);
	text = part_text(&w.plain, body_max);
	if (text == NULL && w.html.data != NULL) {
		char *raw = part_text(&w.html, body_max);

		if (raw != NULL) {
			text = asn_html_to_text(raw, strlen(raw));
			asn_secure_zero(raw, strlen(raw));
			free(raw);
		}
	}
	free(w.plain.charset);
	free(w.html.charset);
	if (stats_r != NULL)
		*stats_r = stats;
	return text;
}

/* When our server received it: the date after the last ';' of the newest
   Received line (RFC 5321 4.4). */
static time_t received_time(const char *received)
{
	const char *semi = received == NULL ? NULL : strrchr(received, ';');
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;
	time_t t = 0;

	if (semi == NULL)
		return 0;
	semi++;
	if (mailimf_date_time_parse(semi, strlen(semi), &idx, &dt) == MAILIMF_NO_ERROR) {
		t = date_to_time(dt);
		mailimf_date_time_free(dt);
	}
	return t;
}

/* The addr-specs of the To header, groups included. */
static void to_addresses(const struct mailimf_address_list *list, struct asn_strv *out)
{
	if (list == NULL)
		return;
	for (clistiter *it = clist_begin(list->ad_list); it != NULL; it = clist_next(it)) {
		const struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			asn_strv_add(out, a->ad_data.ad_mailbox->mb_addr_spec);
		} else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
			   a->ad_data.ad_group->grp_mb_list != NULL) {
			clist *mbs = a->ad_data.ad_group->grp_mb_list->mb_list;

			for (clistiter *m = clist_begin(mbs); m != NULL; m = clist_next(m))
				asn_strv_add(out, ((struct mailimf_mailbox *)
						   clist_content(m))->mb_addr_spec);
		}
	}
}

int asn_bsre_analyze(const char *data, size_t size, const struct asn_bsre_trust *trust,
		     const char *owner, size_t body_max, struct asn_bsre_mail *out,
		     struct asn_bsre_envelope *envelope_r, struct asn_error *err)
{
	struct mailimf_fields *fields = NULL;
	struct asn_bsre_headers headers;
	struct header_scan scan;
	struct asn_strv to = { 0 };
	struct asn_bsre_envelope env;
	size_t idx = 0;
	char *subject, *facts = NULL;

	memset(out, 0, sizeof(*out));
	memset(&scan, 0, sizeof(scan));
	memset(&env, 0, sizeof(env));
	if (envelope_r != NULL)
		memset(envelope_r, 0, sizeof(*envelope_r));
	if (mailimf_fields_parse(data, size, &idx, &fields) != MAILIMF_NO_ERROR) {
		asn_error_set(err, "the message headers cannot be parsed");
		return -1;
	}
	scan_fields(fields, &scan);
	subject = decode_phrase(scan.subject_raw != NULL ? scan.subject_raw : "");
	memset(&headers, 0, sizeof(headers));
	headers.subject = subject;
	if (asn_bsre_subject_tag(subject) != ASN_BSRE_TAG_NONE) {
		/* Only a candidate's other headers are looked at. */
		if (scan.from != NULL && clist_begin(scan.from->mb_list) != NULL) {
			const struct mailimf_mailbox *mb =
				clist_content(clist_begin(scan.from->mb_list));

			headers.from = mb->mb_addr_spec;
		}
		headers.message_id = scan.message_id;
		headers.date = scan.date != NULL ? date_to_time(scan.date) : 0;
		headers.authres = (const char *const *)scan.authres.items;
		headers.authres_count = scan.authres.count;
		to_addresses(scan.to, &to);
		headers.to = (const char *const *)to.items;
		headers.to_count = to.count;
		snprintf(env.delivered_to, sizeof(env.delivered_to), "%s", scan.delivered_to);
		env.received_at = received_time(scan.received);
		headers.envelope_to = env.delivered_to[0] != '\0' ? env.delivered_to : NULL;
		headers.owner = owner != NULL ? owner : headers.envelope_to;
		if (trust->dkim_check != NULL && asn_bsre_wants_dkim(trust, subject))
			headers.dkim = trust->dkim_check(trust->dkim_context, data, size,
							 &headers.dkim_reason, &facts);
	}
	asn_bsre_mail_from_headers(&headers, trust, out);
	if (out->unverified) {
		out->dkim_facts = facts;
		facts = NULL;
	}
	free(facts);
	if (envelope_r != NULL && out->event != ASN_BSRE_NONE)
		*envelope_r = env;
	free(subject);
	asn_strv_free(&to);
	asn_strv_free(&scan.authres);
	mailimf_fields_free(fields);

	if (asn_bsre_mail_wants_body(out)) {
		char *text = asn_bsre_body_text(data, size, body_max,
						envelope_r != NULL ? &envelope_r->body : NULL);

		if (text != NULL) {
			asn_bsre_mail_add_text(out, text);
			asn_secure_zero(text, strlen(text));
			free(text);
		}
	}
	return 0;
}
