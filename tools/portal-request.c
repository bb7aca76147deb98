/* Reading a portal request: form or JSON fields of a bounded body, and
   the query's arguments, each checked before any handler sees it.  Bad
   input is refused whole (400, with a message saying what), never
   truncated into something else. */
#include "portal.h"
#include "asn-csv.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool portal_text_ok(const char *value, size_t max)
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

static void refuse(struct portal_request *req, const char *fmt, ...) ASN_ATTR_FORMAT(2, 3);

static void refuse(struct portal_request *req, const char *fmt, ...)
{
	va_list args;

	if (req->error[0] != '\0')
		return;
	va_start(args, fmt);
	vsnprintf(req->error, sizeof(req->error), fmt, args);
	va_end(args);
}

static struct portal_field *field_slot(struct portal_request *req, const char *name)
{
	if (strlen(name) >= sizeof(req->fields[0].name) || !portal_text_ok(name, 31)) {
		refuse(req, "Permintaan ditolak: nama kolom tidak sah.");
		return NULL;
	}
	for (unsigned int i = 0; i < req->field_count; i++) {
		if (strcmp(req->fields[i].name, name) == 0) {
			refuse(req, "Permintaan ditolak: kolom %s dikirim lebih dari sekali.",
			       req->fields[i].name);
			return NULL;
		}
	}
	if (req->field_count == PORTAL_FIELDS_MAX) {
		refuse(req, "Permintaan ditolak: terlalu banyak kolom.");
		return NULL;
	}
	snprintf(req->fields[req->field_count].name, sizeof(req->fields[0].name), "%s", name);
	return &req->fields[req->field_count++];
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				  const char *key, const char *filename ASN_UNUSED,
				  const char *content_type ASN_UNUSED,
				  const char *transfer_encoding ASN_UNUSED,
				  const char *data, uint64_t off, size_t size)
{
	struct portal_request *req = cls;
	struct portal_field *f;

	if (req->error[0] != '\0')
		return MHD_NO;
	/* A value comes in pieces (off > 0): they continue the last field. */
	if (off == 0) {
		f = field_slot(req, key);
		if (f == NULL)
			return MHD_NO;
	} else {
		f = &req->fields[req->field_count - 1];
	}
	if (f->len + size > PORTAL_VALUE_MAX) {
		refuse(req, "Permintaan ditolak: isi kolom %s terlalu panjang.", f->name);
		return MHD_NO;
	}
	memcpy(f->value + f->len, data, size);
	f->len += size;
	f->value[f->len] = '\0';
	return MHD_YES;
}

void portal_request_init(struct portal_request *req, struct MHD_Connection *conn,
			 const char *method)
{
	const char *type;

	memset(req, 0, sizeof(*req));
	if (strcmp(method, "POST") != 0)
		return;
	type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (type != NULL && strncasecmp(type, "application/json", 16) == 0 &&
	    (type[16] == '\0' || type[16] == ';' || type[16] == ' ')) {
		req->is_json = true;
		return;
	}
	req->post = MHD_create_post_processor(conn, 1024, post_field, req);
	/* No body at all is a form without fields. */
	if (req->post == NULL && type != NULL && type[0] != '\0')
		refuse(req, "Permintaan ditolak: jenis isi tidak didukung (pakai formulir "
		       "atau JSON).");
}

void portal_request_body(struct portal_request *req, const char *data, size_t size)
{
	req->body_len += size;
	if (req->body_len > PORTAL_BODY_MAX)
		refuse(req, "Permintaan ditolak: isi permintaan terlalu besar.");
	if (req->error[0] != '\0')
		return;
	if (req->is_json)
		asn_str_append_n(&req->json, data, size);
	else if (req->post != NULL && MHD_post_process(req->post, data, size) != MHD_YES)
		refuse(req, "Permintaan ditolak: formulir tidak sah.");
}

void portal_request_finish(struct portal_request *req)
{
	json_error_t jerr;
	json_t *root;
	const char *key;
	json_t *value;

	if (!req->is_json || req->error[0] != '\0')
		return;
	root = json_loadb(req->json.data != NULL ? req->json.data : "", req->json.len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		refuse(req, "Permintaan ditolak: JSON tidak sah (harus satu objek).");
		json_decref(root);
		return;
	}
	json_object_foreach(root, key, value) {
		struct portal_field *f;
		const char *text;

		if (!json_is_string(value)) {
			if (portal_text_ok(key, 31))
				refuse(req, "Permintaan ditolak: kolom %s harus berupa teks.", key);
			else
				refuse(req, "Permintaan ditolak: nama kolom tidak sah.");
			break;
		}
		f = field_slot(req, key);
		if (f == NULL)
			break;
		text = json_string_value(value);
		/* jansson allows \u0000 inside a string: the length says. */
		if (json_string_length(value) > PORTAL_VALUE_MAX ||
		    strlen(text) != json_string_length(value)) {
			refuse(req, "Permintaan ditolak: isi kolom %s tidak sah.", f->name);
			break;
		}
		f->len = json_string_length(value);
		memcpy(f->value, text, f->len + 1);
	}
	json_decref(root);
}

void portal_request_free(struct portal_request *req)
{
	if (req->post != NULL)
		MHD_destroy_post_processor(req->post);
	asn_str_free(&req->json);
	asn_secure_zero(req->fields, sizeof(req->fields));
}

const char *portal_request_field(const struct portal_request *req, const char *name)
{
	for (unsigned int i = 0; i < req->field_count; i++) {
		if (strcmp(req->fields[i].name, name) == 0)
			return req->fields[i].value;
	}
	return NULL;
}

struct query_check {
	const char *const *allowed;
	const char *seen[PORTAL_FIELDS_MAX];
	unsigned int seen_count;
	char *error;
	size_t size;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				 const char *key, const char *value)
{
	struct query_check *c = cls;
	const char *name = NULL;

	for (const char *const *a = c->allowed; *a != NULL; a++) {
		if (strcmp(*a, key) == 0)
			name = *a;
	}
	if (name == NULL) {
		if (portal_text_ok(key, 31))
			snprintf(c->error, c->size, "Parameter tidak dikenal: %s.", key);
		else
			snprintf(c->error, c->size, "Parameter tidak dikenal.");
		return MHD_NO;
	}
	for (unsigned int i = 0; i < c->seen_count; i++) {
		if (c->seen[i] == name) {
			snprintf(c->error, c->size, "Parameter %s dikirim lebih dari sekali.", name);
			return MHD_NO;
		}
	}
	if (value != NULL && !portal_text_ok(value, PORTAL_VALUE_MAX)) {
		snprintf(c->error, c->size, "Nilai parameter %s tidak sah (terlalu panjang atau "
			 "bukan teks UTF-8).", name);
		return MHD_NO;
	}
	if (c->seen_count < PORTAL_FIELDS_MAX)
		c->seen[c->seen_count++] = name;
	return MHD_YES;
}

bool portal_query_check(struct MHD_Connection *conn, const char *const *allowed,
			char *error_r, size_t size)
{
	static const char *const none[] = { NULL };
	struct query_check c = { allowed != NULL ? allowed : none, { NULL }, 0, error_r, size };

	error_r[0] = '\0';
	(void)MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_arg, &c);
	return error_r[0] == '\0';
}
