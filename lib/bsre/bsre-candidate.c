/* The BSrE candidate rule: is a mail's Subject tagged "[BSrE]", or made
   to look so?  Its own file and library (libasn-bsre-candidate), with no
   dependency: the delivery plugin links it to look at every delivery,
   and loads the rest of the BSrE code only for candidates. */
#include "asn-bsre.h"
#include "bsre-private.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

bool asn_bsre_subject_may_be_tagged(const char *raw, size_t len)
{
	/* A tag, genuine or look-alike, needs a '[' or a byte of a non-ASCII
	   bracket or letter, or an encoded word that may decode to either. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '[' || c >= 0x80 || (c == '=' && i + 1 < len && raw[i + 1] == '?'))
			return true;
	}
	return false;
}

/* "Subject", any case, then white space, then ':' at data[0..size):
   the length up to and including the colon, or 0. */
static size_t subject_name_at(const char *data, size_t size)
{
	static const char name[] = "subject";
	size_t i;

	/* most lines fail on their first byte: no call for them */
	if (size < sizeof(name) || (data[0] != 's' && data[0] != 'S') ||
	    strncasecmp(data, name, sizeof(name) - 1) != 0)
		return 0;
	for (i = sizeof(name) - 1; i < size && (data[i] == ' ' || data[i] == '\t'); i++)
		;
	return i < size && data[i] == ':' ? i + 1 : 0;
}

enum asn_bsre_raw_verdict
asn_bsre_header_may_be_tagged(const char *data, size_t size, bool at_end)
{
	size_t pos = 0;

	/* one header line (with its folded continuations when a Subject)
	   per turn; pos is always at the start of a line */
	while (pos < size) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl == NULL ? size - pos : (size_t)(nl - line) + 1;
		size_t name_len;

		if (line[0] == '\n' || (line[0] == '\r' && len == 2 && nl != NULL))
			return ASN_BSRE_RAW_NO;		/* the blank line: the end */
		name_len = subject_name_at(line, len);
		if (name_len > 0) {
			/* the field runs on over lines starting with white space */
			size_t end = pos + len;

			while (end < size && (data[end] == ' ' || data[end] == '\t')) {
				const char *next = memchr(data + end, '\n', size - end);

				end = next == NULL ? size : (size_t)(next - data) + 1;
			}
			if (asn_bsre_subject_may_be_tagged(line + name_len, end - pos - name_len))
				return ASN_BSRE_RAW_YES;
			if (end == size && !at_end)
				return ASN_BSRE_RAW_MORE;	/* it may go on */
			pos = end;
			continue;
		}
		if (nl == NULL)
			break;
		pos += len;
	}
	/* No blank line: a mail of header only ends here; else read on. */
	return at_end ? ASN_BSRE_RAW_NO : ASN_BSRE_RAW_MORE;
}

static bool tag_at(const char *s)
{
	return strncasecmp(s, ASN_BSRE_TAG_TEXT, strlen(ASN_BSRE_TAG_TEXT)) == 0;
}

enum asn_bsre_tag asn_bsre_subject_tag(const char *subject)
{
	const char *p = subject;
	char norm[sizeof(ASN_BSRE_TAG_TEXT)];
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (tag_at(p))
		return ASN_BSRE_TAG_GENUINE;
	/* Not the tag as written: is it the tag once look-alikes are mapped
	   and invisible characters dropped? */
	while (n < strlen(ASN_BSRE_TAG_TEXT)) {
		uint32_t cp;
		size_t used = asn_bsre_utf8_next(p, &cp);
		char c;

		if (used == 0)
			return ASN_BSRE_TAG_NONE;	/* the end, or not UTF-8 */
		p += used;
		c = asn_bsre_confusable_ascii(cp);
		if (c == '\0' && (cp == ' ' || cp == '\t') && n == 0)
			continue;	/* leading white space */
		if (c == '\0' && asn_bsre_is_invisible(cp))
			continue;
		if (c == '\0')
			return ASN_BSRE_TAG_NONE;
		norm[n++] = c;
	}
	norm[n] = '\0';
	return tag_at(norm) ? ASN_BSRE_TAG_LOOKALIKE : ASN_BSRE_TAG_NONE;
}
