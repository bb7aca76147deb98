/* A delivered mail's BSrE facts through Dovecot's lib-mail.  The decisions
   (classification, trust, certificate facts) are the core's, shared with
   asnctl scan. */
#include "lib.h"
#include "istream.h"
#include "str.h"
#include "array.h"
#include "mail-storage.h"
#include "message-address.h"
#include "message-decoder.h"
#include "message-parser.h"
#include "safe-memset.h"
#include "asn-bsre-plugin.h"

#include <stdlib.h>

/* A BSrE mail is a few KB; a candidate larger than this is not verified
   (and so not trusted where DKIM decides). */
#define DKIM_MAIL_MAX (16 * 1024 * 1024)

static const char *first_address(struct mail *mail)
{
	const struct message_address *addr;
	const char *value;

	if (mail_get_first_header(mail, "From", &value) <= 0)
		return NULL;
	addr = message_address_parse(pool_datastack_create(),
				     (const unsigned char *)value, strlen(value), 1, 0);
	if (addr == NULL || addr->mailbox == NULL || addr->mailbox[0] == '\0' ||
	    addr->domain == NULL || addr->domain[0] == '\0')
		return NULL;
	return t_strconcat(addr->mailbox, "@", addr->domain, NULL);
}

static void append_bounded(string_t *dest, const struct message_block *block, size_t max)
{
	size_t room = dest->used >= max ? 0 : max - dest->used;

	str_append_data(dest, block->data, I_MIN(block->size, room));
}

/* The first text/plain part, else the first text/html part reduced to
   text, decoded to UTF-8; at most body_max bytes of text, and the parse
   stops well before a large attachment is read through. */
static void add_body_text(struct mail *mail, size_t body_max, struct asn_bsre_mail *out)
{
	const struct message_parser_settings parser_set = { .flags = 0 };
	struct message_parser_ctx *parser;
	struct message_decoder_context *decoder;
	struct message_block raw, block;
	struct message_part *parts, *plain_part = NULL, *html_part = NULL;
	struct istream *mail_input, *input;
	string_t *plain = t_str_new(1024), *html = t_str_new(1024);
	uoff_t raw_max = body_max * 4 + 65536;
	int ret;

	if (mail_get_stream(mail, NULL, NULL, &mail_input) < 0)
		return;
	/* our own stream over the mail's, which the mail owns */
	input = i_stream_create_limit(mail_input, UOFF_T_MAX);
	parser = message_parser_init(pool_datastack_create(), input, &parser_set);
	decoder = message_decoder_init(NULL, 0);
	while ((ret = message_parser_parse_next_block(parser, &raw)) > 0) {
		const char *content_type;

		if (input->v_offset > raw_max || plain->used >= body_max)
			break;
		if (!message_decoder_decode_next_block(decoder, &raw, &block) ||
		    block.hdr != NULL || block.size == 0)
			continue;
		content_type = message_decoder_current_content_type(decoder);
		if (content_type == NULL)
			content_type = "text/plain";	/* RFC 2045's default */
		if (strcasecmp(content_type, "text/plain") == 0 &&
		    (plain_part == NULL || plain_part == block.part)) {
			plain_part = block.part;
			append_bounded(plain, &block, body_max);
		} else if (strcasecmp(content_type, "text/html") == 0 &&
			   (html_part == NULL || html_part == block.part)) {
			html_part = block.part;
			append_bounded(html, &block, body_max);
		}
	}
	message_decoder_deinit(&decoder);
	message_parser_deinit(&parser, &parts);
	i_stream_unref(&input);
	i_stream_seek(mail_input, 0);

	if (plain_part != NULL) {
		asn_bsre_mail_add_text(out, str_c(plain));
	} else if (html_part != NULL) {
		char *text = asn_html_to_text(str_c(html), str_len(html));

		asn_bsre_mail_add_text(out, text);
		safe_memset(text, 0, strlen(text));
		free(text);
	}
	/* the body may hold links and tokens: leave none behind */
	safe_memset(str_c_modifiable(plain), 0, str_len(plain));
	safe_memset(str_c_modifiable(html), 0, str_len(html));
}

/* The addr-specs of the To header: all of its addresses, groups' members
   included. */
static const char *const *to_addresses(struct mail *mail, size_t *count_r)
{
	ARRAY_TYPE(const_string) addrs;
	const struct message_address *addr;
	const char *value;

	*count_r = 0;
	if (mail_get_first_header(mail, "To", &value) <= 0)
		return NULL;
	t_array_init(&addrs, 4);
	addr = message_address_parse(pool_datastack_create(), (const unsigned char *)value,
				     strlen(value), UINT_MAX, 0);
	for (; addr != NULL; addr = addr->next) {
		if (addr->mailbox == NULL || addr->mailbox[0] == '\0' ||
		    addr->domain == NULL || addr->domain[0] == '\0')
			continue;	/* a group's start or end */
		value = t_strconcat(addr->mailbox, "@", addr->domain, NULL);
		array_push_back(&addrs, &value);
	}
	*count_r = array_count(&addrs);
	return *count_r == 0 ? NULL : array_front(&addrs);
}

/* The whole raw mail into buf; false when it cannot be read or is larger
   than DKIM_MAIL_MAX. */
static bool read_raw(struct mail *mail, buffer_t *buf)
{
	struct istream *mail_input, *input;
	const unsigned char *data;
	size_t size;
	bool ok = TRUE;

	if (mail_get_stream(mail, NULL, NULL, &mail_input) < 0)
		return FALSE;
	/* our own stream over the mail's, which the mail owns */
	input = i_stream_create_limit(mail_input, UOFF_T_MAX);
	while (i_stream_read_more(input, &data, &size) > 0) {
		if (buf->used + size > DKIM_MAIL_MAX) {
			ok = FALSE;
			break;
		}
		buffer_append(buf, data, size);
		i_stream_skip(input, size);
	}
	if (input->stream_errno != 0)
		ok = FALSE;
	i_stream_unref(&input);
	i_stream_seek(mail_input, 0);
	return ok;
}

/* The DKIM verdict of a candidate, with its facts when unverified. */
static void verify_dkim(struct mail *mail, struct asn_bsre_dkim *dkim,
			struct asn_bsre_headers *headers, char **facts_r,
			struct asn_bsre_dkim_result *result)
{
	buffer_t *raw = buffer_create_dynamic(default_pool, 16384);
	struct asn_error err;

	if (!read_raw(mail, raw)) {
		i_zero(result);
		result->verdict = ASN_BSRE_DKIM_NOT_CHECKED;
		result->reason = "not_checked";
		i_strocpy(result->message, "the mail could not be read whole for its DKIM check "
			  "(or is larger than 16 MB)", sizeof(result->message));
	} else {
		/* -1: the check itself failed; result says unverified */
		(void)asn_bsre_dkim_verify(dkim, raw->data, raw->used, result, facts_r, &err);
	}
	headers->dkim = result->verdict;
	headers->dkim_reason = result->reason;
	/* the body may hold links and tokens: leave none behind */
	safe_memset(buffer_get_modifiable_data(raw, NULL), 0, raw->used);
	buffer_free(&raw);
}

int asn_bsre_read_mail(struct mail *mail, const struct asn_bsre_trust *trust,
		       struct asn_bsre_dkim *dkim, const char *owner, const char *envelope_to,
		       size_t body_max, struct asn_bsre_mail *out,
		       struct asn_bsre_dkim_result *dkim_r)
{
	struct asn_bsre_dkim_result dkim_result;
	char *facts = NULL;
	struct asn_bsre_headers headers;
	const char *subject, *const *authres = NULL, *message_id = NULL;
	time_t date = 0;
	int tz;

	i_zero(&headers);
	i_zero(&dkim_result);
	if (dkim_r != NULL)
		i_zero(dkim_r);
	if (mail_get_first_header_utf8(mail, "Subject", &subject) < 0)
		return -1;
	headers.subject = subject == NULL ? "" : subject;
	if (asn_bsre_subject_tag(headers.subject) == ASN_BSRE_TAG_NONE) {
		i_zero(out);
		return 0;
	}
	headers.from = first_address(mail);
	/* every Authentication-Results field, topmost first: the core
	   decides which one counts */
	if (mail_get_first_header(mail, "Message-ID", &message_id) < 0 ||
	    mail_get_headers(mail, "Authentication-Results", &authres) < 0)
		return -1;
	if (mail_get_date(mail, &date, &tz) < 0)
		date = 0;
	headers.message_id = message_id;
	headers.date = date;
	headers.authres = authres;
	headers.authres_count = authres == NULL ? 0 : str_array_length(authres);
	headers.to = to_addresses(mail, &headers.to_count);
	headers.envelope_to = envelope_to;
	headers.owner = owner;
	if (dkim != NULL && asn_bsre_wants_dkim(trust, headers.subject))
		verify_dkim(mail, dkim, &headers, &facts, &dkim_result);
	asn_bsre_mail_from_headers(&headers, trust, out);
	if (out->unverified) {
		out->dkim_facts = facts;
		facts = NULL;
	}
	free(facts);
	if (dkim_r != NULL)
		*dkim_r = dkim_result;

	if (asn_bsre_mail_wants_body(out))
		add_body_text(mail, body_max, out);
	return 0;
}
