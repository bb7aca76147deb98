/* HTML reduced to text for the certificate facts of HTML-only BSrE mails:
   used by the delivery plugin and asnctl scan alike. */
#include "asn-bsre.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *asn_html_to_text(const char *html, size_t size)
{
	static const char *const block_tags[] = {
		"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", NULL
	};
	static const struct {
		const char *entity;
		const char *text;
	} entities[] = {
		{ "&nbsp;", " " }, { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" }, { "&apos;", "'" },
	};
	struct asn_str out = { 0 };
	size_t i = 0;

	while (i < size) {
		if (html[i] == '<') {
			const char *end = memchr(html + i, '>', size - i);
			size_t name_start = i + 1, name_len = 0;
			bool closing = false;

			if (end == NULL)
				break;
			if (name_start < size && html[name_start] == '/') {
				closing = true;
				name_start++;
			}
			while (name_start + name_len < (size_t)(end - html) &&
			       isalnum((unsigned char)html[name_start + name_len]))
				name_len++;
			if (!closing && name_len > 0 &&
			    ((name_len == 6 && strncasecmp(html + name_start, "script", 6) == 0) ||
			     (name_len == 5 && strncasecmp(html + name_start, "style", 5) == 0))) {
				/* skip to the closing tag */
				const char *close = NULL;

				/* "</" and the name must fit before the end: the
				   input need not be NUL-terminated */
				for (const char *p = end; p + 2 + name_len <= html + size; p++) {
					if (p[0] == '<' && p[1] == '/' &&
					    strncasecmp(p + 2, html + name_start, name_len) == 0) {
						close = p;
						break;
					}
				}
				if (close == NULL)
					break;
				end = memchr(close, '>', (size_t)(html + size - close));
				if (end == NULL)
					break;
			} else if ((name_len == 2 && (strncasecmp(html + name_start, "td", 2) == 0 ||
						       strncasecmp(html + name_start, "th", 2) == 0))) {
				/* cells of one row stay on one line: "Common Name" ": X" */
				asn_str_append_c(&out, ' ');
			} else {
				for (size_t b = 0; block_tags[b] != NULL; b++) {
					if (strlen(block_tags[b]) == name_len &&
					    strncasecmp(html + name_start, block_tags[b], name_len) == 0) {
						asn_str_append_c(&out, '\n');
						break;
					}
				}
			}
			i = (size_t)(end - html) + 1;
			continue;
		}
		if (html[i] == '&') {
			bool matched = false;

			for (size_t e = 0; e < ASN_N_ELEMENTS(entities); e++) {
				size_t elen = strlen(entities[e].entity);

				if (i + elen <= size && strncasecmp(html + i, entities[e].entity, elen) == 0) {
					asn_str_append(&out, entities[e].text);
					i += elen;
					matched = true;
					break;
				}
			}
			if (matched)
				continue;
		}
		asn_str_append_c(&out, html[i] == '\r' ? ' ' : html[i]);
		i++;
	}
	asn_str_c(&out);
	return out.data;
}
