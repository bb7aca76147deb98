#ifndef ASN_BSRE_MAIL_H
#define ASN_BSRE_MAIL_H

#include <stdbool.h>
#include <time.h>
#include "asn-bsre.h"

/* One raw mail, as asnctl scan sees it: MIME parsing with libetpan, then
   the same decisions as the Dovecot plugin (asn_bsre_mail_from_headers(),
   asn_bsre_mail_add_text()), which parses with Dovecot's lib-mail. */

/* What the walk over a mail's MIME parts saw.  Nesting and the number of
   parts are bounded as Dovecot's message parser bounds them (100 levels,
   10,000 parts): what lies beyond is not read. */
#define ASN_BSRE_MIME_NESTING_MAX 100
#define ASN_BSRE_MIME_PARTS_MAX 10000
struct asn_bsre_body_stats {
	unsigned int parts;		/* parts visited */
	unsigned int depth;		/* deepest nesting visited */
	bool limited;			/* a bound was reached */
};

/* The decoded text of the first text/plain part, else of the first
   text/html part reduced to text, at most body_max bytes; NULL when
   there is none.  stats_r may be NULL.  Caller frees. */
char *asn_bsre_body_text(const char *data, size_t size, size_t body_max,
			 struct asn_bsre_body_stats *stats_r);

/* Where a stored BSrE mail was delivered, for asnctl scan. */
struct asn_bsre_envelope {
	char delivered_to[256];		/* Delivered-To or X-Original-To, lowercase */
	time_t received_at;		/* newest Received line's date, 0 if none */
	struct asn_bsre_body_stats body;	/* when the body was read */
};

/* Decides on the Subject first: for ordinary mail nothing else is parsed.
   body_max bounds the text decoded from a candidate's body.  Returns 0
   (out->event says what it is), -1 only when the headers cannot be parsed
   at all.  envelope_r may be NULL; it is filled for candidates.  owner:
   the mailbox's user, whom a trusted mail must be addressed to (else it
   is replayed); NULL takes the Delivered-To header as the owner.  With
   trust->dkim_check set, a candidate's signature is checked on data, and
   an unverified mail owns its DKIM facts: asn_bsre_mail_clear(out). */
int asn_bsre_analyze(const char *data, size_t size, const struct asn_bsre_trust *trust,
		     const char *owner, size_t body_max, struct asn_bsre_mail *out,
		     struct asn_bsre_envelope *envelope_r, struct asn_error *err);


#endif
