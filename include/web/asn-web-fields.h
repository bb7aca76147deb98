#ifndef ASN_WEB_FIELDS_H
#define ASN_WEB_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

/* The fields of a request body (a form or a JSON object of strings),
   bounded and checked as they are read: a bad body is refused whole with
   a message in Bahasa Indonesia, never cut into something else. */

#define ASN_WEB_VALUE_MAX 256	/* bytes of a value */
#define ASN_WEB_FIELDS_MAX 8

struct asn_web_field {
	char name[32];
	char value[ASN_WEB_VALUE_MAX + 1];
	size_t len;
};

struct asn_web_fields {
	struct asn_web_field items[ASN_WEB_FIELDS_MAX];
	unsigned int count;
	char error[160];	/* "" while the body is good */
};

/* VALUE is text: UTF-8 without control characters, at most MAX bytes. */
bool asn_web_text_ok(const char *value, size_t max);

/* A new field NAME (text, at most 31 bytes, not seen before, room left),
   or NULL with fields->error set. */
struct asn_web_field *asn_web_fields_add(struct asn_web_fields *fields, const char *name);
/* Appends a piece of the last field's value; false (error set) past
   ASN_WEB_VALUE_MAX or for a NUL byte. */
bool asn_web_fields_append(struct asn_web_fields *fields, const char *data, size_t size);
/* A JSON body: one object whose values are all strings (jansson; a key
   twice, a NUL inside a string, a non-string refused). */
void asn_web_fields_from_json(struct asn_web_fields *fields, const char *data, size_t size);
/* The value of NAME, or NULL. */
const char *asn_web_fields_get(const struct asn_web_fields *fields, const char *name);

#endif
