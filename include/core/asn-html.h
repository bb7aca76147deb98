#ifndef ASN_HTML_H
#define ASN_HTML_H

#include <time.h>
#include "asn-util.h"

/* Writing HTML for people (asnctl progress --html, asn-portal). */

/* S escaped for text and for a quoted attribute value. */
void asn_html_text(struct asn_str *out, const char *s);
/* S as one URL path segment or query value (RFC 3986 unreserved kept,
   everything else %XX). */
void asn_url_encode(struct asn_str *out, const char *s);
/* "26 Nov 2026 16.05" in the local time zone; "-" for 0. */
void asn_html_date(struct asn_str *out, time_t t);

#endif
