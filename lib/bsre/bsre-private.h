#ifndef BSRE_PRIVATE_H
#define BSRE_PRIVATE_H

/* Helpers shared by the files of lib/bsre, not part of its interface. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The tag, lower case (compared without case). */
#define ASN_BSRE_TAG_TEXT "[bsre]"

/* in clean, whitespace collapsed and trimmed, truncated to size; NULL is "" */
void asn_bsre_copy_clean(char *out, size_t size, const char *in);

/* The code point at s into *cp_r; returns its length in bytes, 0 at the
   end of the string or at a byte that does not start valid UTF-8. */
size_t asn_bsre_utf8_next(const char *s, uint32_t *cp_r);
/* The ASCII letter or bracket a code point is made to look like ('B' for
   Cyrillic U+0412, '[' for fullwidth U+FF3B, ...), or the ASCII character
   itself; '\0' for anything else. */
char asn_bsre_confusable_ascii(uint32_t cp);
/* Zero-width, bidi and other format characters, and non-ASCII spaces:
   nothing a reader sees in a subject, so something a forger may slip in. */
bool asn_bsre_is_invisible(uint32_t cp);

#endif
