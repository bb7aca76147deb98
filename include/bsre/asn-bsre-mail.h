#ifndef ASN_BSRE_MAIL_H
#define ASN_BSRE_MAIL_H

#include <time.h>
#include "asn-bsre.h"

/* One raw mail, as asnctl scan sees it: MIME parsing with libetpan, then
   the same decisions as the Dovecot plugin (asn_bsre_mail_from_headers(),
   asn_bsre_mail_add_text()), which parses with Dovecot's lib-mail. */

/* Where a stored BSrE mail was delivered, for asnctl scan. */
struct asn_bsre_envelope {
	char delivered_to[256];		/* Delivered-To or X-Original-To, lowercase */
	time_t received_at;		/* newest Received line's date, 0 if none */
};

/* Decides on the Subject first: for ordinary mail nothing else is parsed.
   body_max bounds the text decoded from a candidate's body.  Returns 0
   (out->event says what it is), -1 only when the headers cannot be parsed
   at all.  envelope_r may be NULL; it is filled for candidates. */
int asn_bsre_analyze(const char *data, size_t size, const struct asn_bsre_trust *trust,
		     size_t body_max, struct asn_bsre_mail *out,
		     struct asn_bsre_envelope *envelope_r, struct asn_error *err);


#endif
