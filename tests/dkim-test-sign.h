#ifndef DKIM_TEST_SIGN_H
#define DKIM_TEST_SIGN_H

#include <stdbool.h>
#include <stddef.h>

/* Signs message (LF or CRLF line ends) with libopendkim: returns a copy
   with a DKIM-Signature field on top (LF folded), or NULL with the
   reason on stderr.  signhdrs: colon-separated fields to sign (NULL:
   libopendkim's default list, which holds From and Subject); with_length:
   add l=.  Caller frees. */
char *dkim_test_sign(const char *key_pem, const char *selector, const char *domain,
		     const char *signhdrs, bool with_length, const char *message, size_t size);

#endif
