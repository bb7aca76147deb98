/* Escaping and dates for HTML pages. */
#include "asn-html.h"

void asn_html_text(struct asn_str *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': asn_str_append(out, "&amp;"); break;
		case '<': asn_str_append(out, "&lt;"); break;
		case '>': asn_str_append(out, "&gt;"); break;
		case '"': asn_str_append(out, "&quot;"); break;
		case '\'': asn_str_append(out, "&#39;"); break;
		default: asn_str_append_c(out, *s); break;
		}
	}
}

void asn_url_encode(struct asn_str *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			asn_str_append_c(out, (char)c);
		} else {
			asn_str_append_c(out, '%');
			asn_str_append_c(out, hex[c >> 4]);
			asn_str_append_c(out, hex[c & 15]);
		}
	}
}

void asn_html_date(struct asn_str *out, time_t t)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"
	};
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL) {
		asn_str_append(out, "-");
		return;
	}
	asn_str_printfa(out, "%d %s %d %02d.%02d", tm.tm_mday, months[tm.tm_mon],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}
