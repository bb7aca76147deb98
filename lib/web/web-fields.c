/* Request body fields, bounded and checked. */
#include "asn-web-fields.h"
#include "asn-csv.h"
#include "asn-util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool asn_web_text_ok(const char *value, size_t max)
{
	size_t len = strlen(value);

	if (len > max || !asn_utf8_valid(value, len))
		return false;
	for (const char *s = value; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

static void refuse(struct asn_web_fields *fields, const char *fmt, ...) ASN_ATTR_FORMAT(2, 3);

static void refuse(struct asn_web_fields *fields, const char *fmt, ...)
{
	va_list args;

	if (fields->error[0] != '\0')
		return;
	va_start(args, fmt);
	vsnprintf(fields->error, sizeof(fields->error), fmt, args);
	va_end(args);
}

struct asn_web_field *asn_web_fields_add(struct asn_web_fields *fields, const char *name)
{
	struct asn_web_field *f;

	if (fields->error[0] != '\0')
		return NULL;
	if (!asn_web_text_ok(name, sizeof(fields->items[0].name) - 1)) {
		refuse(fields, "Permintaan ditolak: nama kolom tidak sah.");
		return NULL;
	}
	for (unsigned int i = 0; i < fields->count; i++) {
		if (strcmp(fields->items[i].name, name) == 0) {
			refuse(fields, "Permintaan ditolak: kolom %s dikirim lebih dari sekali.",
			       fields->items[i].name);
			return NULL;
		}
	}
	if (fields->count == ASN_WEB_FIELDS_MAX) {
		refuse(fields, "Permintaan ditolak: terlalu banyak kolom.");
		return NULL;
	}
	f = &fields->items[fields->count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

bool asn_web_fields_append(struct asn_web_fields *fields, const char *data, size_t size)
{
	struct asn_web_field *f;

	if (fields->error[0] != '\0' || fields->count == 0)
		return false;
	f = &fields->items[fields->count - 1];
	/* "%00" in a form: the value would end there, silently, and
	   "right-password%00anything" log in. */
	if (memchr(data, '\0', size) != NULL) {
		refuse(fields, "Permintaan ditolak: isi kolom %s tidak sah.", f->name);
		return false;
	}
	if (size > ASN_WEB_VALUE_MAX - f->len) {
		refuse(fields, "Permintaan ditolak: isi kolom %s terlalu panjang.", f->name);
		return false;
	}
	memcpy(f->value + f->len, data, size);
	f->len += size;
	f->value[f->len] = '\0';
	return true;
}

void asn_web_fields_from_json(struct asn_web_fields *fields, const char *data, size_t size)
{
	json_error_t jerr;
	json_t *root, *value;
	const char *key;

	root = json_loadb(data != NULL ? data : "", size, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		refuse(fields, "Permintaan ditolak: JSON tidak sah (harus satu objek).");
		json_decref(root);
		return;
	}
	json_object_foreach(root, key, value) {
		struct asn_web_field *f;

		if (!json_is_string(value)) {
			if (asn_web_text_ok(key, sizeof(fields->items[0].name) - 1))
				refuse(fields, "Permintaan ditolak: kolom %s harus berupa teks.", key);
			else
				refuse(fields, "Permintaan ditolak: nama kolom tidak sah.");
			break;
		}
		f = asn_web_fields_add(fields, key);
		if (f == NULL)
			break;
		/* jansson refuses \u0000 unless asked (JSON_ALLOW_NUL); should that
		   change, the length still tells. */
		if (json_string_length(value) > ASN_WEB_VALUE_MAX ||
		    strlen(json_string_value(value)) != json_string_length(value)) {
			refuse(fields, "Permintaan ditolak: isi kolom %s tidak sah.", f->name);
			break;
		}
		f->len = json_string_length(value);
		memcpy(f->value, json_string_value(value), f->len + 1);
	}
	json_decref(root);
}

const char *asn_web_fields_get(const struct asn_web_fields *fields, const char *name)
{
	for (unsigned int i = 0; i < fields->count; i++) {
		if (strcmp(fields->items[i].name, name) == 0)
			return fields->items[i].value;
	}
	return NULL;
}
