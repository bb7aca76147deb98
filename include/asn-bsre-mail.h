#ifndef ASN_BSRE_MAIL_H
#define ASN_BSRE_MAIL_H

#include <time.h>
#include "asn-bsre.h"

/* One mail, as asnctl scan sees it (MIME parsing with libetpan; the
   Dovecot plugin uses Dovecot's lib-mail and the same asn-bsre.h
   functions).  The result carries no link, token, password or body text:
   only what may be stored. */

struct asn_bsre_trust {
	const char *const *senders;	/* trusted sender domains */
	const char *authserv_id;	/* NULL/"": From domain alone decides */
};

struct asn_bsre_mail {
	enum asn_bsre_event event;	/* ASN_BSRE_NONE: not a BSrE mail */
	bool trusted;
	bool has_certificate;
	char subject[512];		/* decoded, whitespace collapsed */
	char sender[256];		/* From addr-spec */
	char sender_domain[256];
	char message_key[200];		/* Message-ID, or "sha256:HEX" of the headers */
	char delivered_to[256];		/* Delivered-To or X-Original-To, lowercase */
	time_t date;			/* Date header, 0 when missing or bad */
	struct asn_bsre_certificate certificate;
};

/* Decides on the Subject first: for ordinary mail nothing else is parsed.
   body_max bounds the text decoded from a candidate's body.  Returns 0
   (out->event says what it is), -1 only when the headers cannot be parsed
   at all. */
int asn_bsre_analyze(const char *data, size_t size, const struct asn_bsre_trust *trust,
		     size_t body_max, struct asn_bsre_mail *out, struct asn_error *err);

/* HTML reduced to text: tags dropped (block tags become newlines), script
   and style content dropped, common entities decoded.  Caller frees. */
char *asn_html_to_text(const char *html, size_t size);

#endif
