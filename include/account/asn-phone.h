#ifndef ASN_PHONE_H
#define ASN_PHONE_H

#include "asn-util.h"

#define ASN_PHONE_MAX 24

/* Normalises an Indonesian phone number to +62 form: accepts 08..,
   62.., +62 .., 8.. (a spreadsheet dropped the leading zero), with spaces,
   dashes, dots and brackets.  An empty input gives an empty output.
   Returns 0 or -1 with a reason. */
int asn_phone_normalize(const char *input, char out[ASN_PHONE_MAX],
			struct asn_error *err);

#endif
