/* BSrE mail analysis over raw RFC 5322 messages (libetpan). */
#include "asn-bsre-mail.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void copy_clean(char *out, size_t size, const char *in)
{
	char *clean = asn_str_clean(in);

	snprintf(out, size, "%s", clean);
	free(clean);
}

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
				copy_clean(scan->delivered_to, sizeof(scan->delivered_to), o->fld_value);
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

static bool content_is(const struct mailmime_content *ct, const char *subtype)
{
	return ct != NULL && ct->ct_type != NULL &&
		ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
		ct->ct_type->tp_data.tp_discrete_type->dt_type == MAILMIME_DISCRETE_TYPE_TEXT &&
		ct->ct_subtype != NULL && strcasecmp(ct->ct_subtype, subtype) == 0;
}

/* The first text/plain part, else the first text/html one. */
static void find_text_parts(struct mailmime *mime, struct mailmime **plain,
			    struct mailmime **html, unsigned int depth)
{
	if (mime == NULL || depth > 20)
		return;
	switch (mime->mm_type) {
	case MAILMIME_SINGLE:
		if (*plain == NULL && content_is(mime->mm_content_type, "plain"))
			*plain = mime;
		else if (*html == NULL && content_is(mime->mm_content_type, "html"))
			*html = mime;
		break;
	case MAILMIME_MULTIPLE:
		for (clistiter *it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list);
		     it != NULL; it = clist_next(it))
			find_text_parts(clist_content(it), plain, html, depth + 1);
		break;
	case MAILMIME_MESSAGE:
		find_text_parts(mime->mm_data.mm_message.mm_msg_mime, plain, html, depth + 1);
		break;
	default:
		break;
	}
}

static char *part_text(struct mailmime *part, size_t body_max)
{
	const struct mailmime_data *body = part->mm_data.mm_single;
	char *decoded = NULL, *converted = NULL, *charset, *text;
	size_t idx = 0, len = 0, src_len;

	if (body == NULL || body->dt_type != MAILMIME_DATA_TEXT)
		return NULL;
	src_len = body->dt_data.dt_text.dt_length;
	if (src_len > body_max * 2)
		src_len = body_max * 2;
	if (mailmime_part_parse(body->dt_data.dt_text.dt_data, src_len, &idx, body->dt_encoding,
				&decoded, &len) != MAILIMF_NO_ERROR)
		return NULL;
	if (len > body_max)
		len = body_max;
	charset = mailmime_content_charset_get(part->mm_content_type);
	if (charset != NULL && strcasecmp(charset, "utf-8") != 0 &&
	    strcasecmp(charset, "us-ascii") != 0 &&
	    charconv("utf-8", charset, decoded, len, &converted) == MAIL_CHARCONV_NO_ERROR &&
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

static char *body_text(const char *data, size_t size, size_t body_max)
{
	struct mailmime *mime = NULL, *plain = NULL, *html = NULL;
	char *text = NULL;
	size_t idx = 0;

	if (mailmime_parse(data, size, &idx, &mime) != MAILIMF_NO_ERROR)
		return NULL;
	find_text_parts(mime, &plain, &html, 0);
	if (plain != NULL)
		text = part_text(plain, body_max);
	if (text == NULL && html != NULL) {
		char *raw = part_text(html, body_max);

		if (raw != NULL) {
			text = asn_html_to_text(raw, strlen(raw));
			free(raw);
		}
	}
	mailmime_free(mime);
	return text;
}

int asn_bsre_analyze(const char *data, size_t size, const struct asn_bsre_trust *trust,
		     size_t body_max, struct asn_bsre_mail *out,
		     struct asn_bsre_envelope *envelope_r, struct asn_error *err)
{
	struct mailimf_fields *fields = NULL;
	struct asn_bsre_headers headers;
	struct header_scan scan;
	size_t idx = 0;
	char *subject, *from = NULL;

	memset(out, 0, sizeof(*out));
	memset(&scan, 0, sizeof(scan));
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
	if (asn_bsre_is_candidate(subject)) {
		/* Only a candidate's other headers are looked at. */
		if (scan.from != NULL && clist_begin(scan.from->mb_list) != NULL) {
			const struct mailimf_mailbox *mb =
				clist_content(clist_begin(scan.from->mb_list));

			from = mb->mb_addr_spec;
		}
		headers.from = from;
		headers.message_id = scan.message_id;
		headers.date = scan.date != NULL ? date_to_time(scan.date) : 0;
		headers.authres = (const char *const *)scan.authres.items;
		headers.authres_count = scan.authres.count;
	}
	asn_bsre_mail_from_headers(&headers, trust, out);
	if (envelope_r != NULL && out->event != ASN_BSRE_NONE) {
		snprintf(envelope_r->delivered_to, sizeof(envelope_r->delivered_to), "%s",
			 scan.delivered_to);
		envelope_r->received_at = received_time(scan.received);
	}
	free(subject);
	asn_strv_free(&scan.authres);
	mailimf_fields_free(fields);

	if (asn_bsre_mail_wants_body(out)) {
		char *text = body_text(data, size, body_max);

		if (text != NULL) {
			asn_bsre_mail_add_text(out, text);
			asn_secure_zero(text, strlen(text));
			free(text);
		}
	}
	return 0;
}
