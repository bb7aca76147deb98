/* Just enough JSON output for the CLI's --json modes. */
#include "asn-json.h"

#include <string.h>

static size_t utf8_sequence_length(const unsigned char *p)
{
	size_t n;

	if (*p < 0x80)
		return 1;
	if ((*p & 0xE0) == 0xC0 && *p >= 0xC2)
		n = 2;
	else if ((*p & 0xF0) == 0xE0)
		n = 3;
	else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	}
	return n;
}

void asn_json_string(struct asn_str *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	asn_str_append_c(out, '"');
	while (*p != '\0') {
		size_t n;

		switch (*p) {
		case '"': asn_str_append(out, "\\\""); p++; continue;
		case '\\': asn_str_append(out, "\\\\"); p++; continue;
		case '\n': asn_str_append(out, "\\n"); p++; continue;
		case '\r': asn_str_append(out, "\\r"); p++; continue;
		case '\t': asn_str_append(out, "\\t"); p++; continue;
		default: break;
		}
		if (*p < 0x20) {
			asn_str_printfa(out, "\\u%04x", *p);
			p++;
			continue;
		}
		n = utf8_sequence_length(p);
		if (n == 0) {
			asn_str_append(out, "\\ufffd");
			p++;
			continue;
		}
		asn_str_append_n(out, (const char *)p, n);
		p += n;
	}
	asn_str_append_c(out, '"');
}
