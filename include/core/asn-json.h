#ifndef ASN_JSON_H
#define ASN_JSON_H

#include "asn-util.h"

/* Appends s as a JSON string literal (quotes included). Invalid UTF-8
   bytes become U+FFFD so the output always parses. */
void asn_json_string(struct asn_str *out, const char *s);

#endif
