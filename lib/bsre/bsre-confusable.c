/* Look-alike letters and invisible characters, for telling a forged
   "[BSrE]" tag from the real one.  A small table covering the tag's own
   letters and brackets: the aim is to flag a subject made to pass for the
   tag, not to implement Unicode's full confusables list (UTS #39). */
#include "bsre-private.h"

#include "asn-util.h"

size_t asn_bsre_utf8_next(const char *s, uint32_t *cp_r)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp, min;
	size_t len;

	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp_r = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2; cp = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3; cp = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4; cp = p[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return len;
}

static const struct {
	uint32_t cp;
	char ascii;
} lookalikes[] = {
	/* Greek */
	{ 0x0392, 'B' }, { 0x0395, 'E' }, { 0x03B5, 'e' },
	/* Cyrillic */
	{ 0x0405, 'S' }, { 0x0412, 'B' }, { 0x0415, 'E' }, { 0x042C, 'b' }, { 0x0433, 'r' },
	{ 0x0435, 'e' }, { 0x044C, 'b' }, { 0x0455, 's' }, { 0x04BD, 'e' },
	/* Armenian, Cherokee, small capitals */
	{ 0x054F, 'S' }, { 0x13A1, 'R' }, { 0x13AC, 'E' }, { 0x13D2, 'R' }, { 0x13DA, 'S' },
	{ 0x13F4, 'B' }, { 0x0280, 'r' }, { 0x0299, 'b' }, { 0x1D07, 'e' }, { 0xA731, 's' },
	/* brackets */
	{ 0x2045, '[' }, { 0x2046, ']' }, { 0x27E6, '[' }, { 0x27E7, ']' },
	{ 0x3010, '[' }, { 0x3011, ']' }, { 0x3016, '[' }, { 0x3017, ']' },
	{ 0x301A, '[' }, { 0x301B, ']' },
};

char asn_bsre_confusable_ascii(uint32_t cp)
{
	if (cp < 0x80)
		return (char)cp;
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return (char)(cp - 0xFEE0);	/* fullwidth forms of ASCII */
	if (cp >= 0x1D400 && cp <= 0x1D6A3) {
		/* mathematical letters: 13 styles of A-Z then a-z */
		uint32_t i = (cp - 0x1D400) % 52;

		return (char)(i < 26 ? 'A' + i : 'a' + (i - 26));
	}
	for (size_t i = 0; i < ASN_N_ELEMENTS(lookalikes); i++) {
		if (lookalikes[i].cp == cp)
			return lookalikes[i].ascii;
	}
	return '\0';
}

bool asn_bsre_is_invisible(uint32_t cp)
{
	return cp == 0x00A0 || cp == 0x00AD || cp == 0x034F || cp == 0x061C ||
		cp == 0x115F || cp == 0x1160 || cp == 0x1680 || cp == 0x17B4 || cp == 0x17B5 ||
		(cp >= 0x180B && cp <= 0x180F) ||
		(cp >= 0x2000 && cp <= 0x200F) ||	/* spaces, zero-width, LRM/RLM */
		(cp >= 0x2028 && cp <= 0x202F) ||	/* separators, bidi embeddings */
		(cp >= 0x205F && cp <= 0x206F) ||	/* word joiner, bidi isolates */
		cp == 0x3000 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
		cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE007F);
}
