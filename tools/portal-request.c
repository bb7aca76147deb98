/* Reading a portal request: form or JSON fields of a bounded body, and
   the query's arguments, each checked before any handler sees it.  Bad
   input is refused whole (400, with a message saying what), never
   truncated into something else. */
#include "portal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void refuse(struct portal_request *req, const char *message)
{
	if (req->fields.error[0] == '\0')
		snprintf(req->fields.error, sizeof(req->fields.error), "%s", message);
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				  const char *key, const char *filename ASN_UNUSED,
				  const char *content_type ASN_UNUSED,
				  const char *transfer_encoding ASN_UNUSED,
				  const char *data, uint64_t off, size_t size)
{
	struct portal_request *req = cls;

	/* A value comes in pieces (off > 0): they continue the last field. */
	if (off == 0 && asn_web_fields_add(&req->fields, key) == NULL)
		return MHD_NO;
	return asn_web_fields_append(&req->fields, data, size) ? MHD_YES : MHD_NO;
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
		refuse(req, "Permintaan ditolak: jenis isi tidak didukung "
		       "(pakai formulir atau JSON).");
}

void portal_request_body(struct portal_request *req, const char *data, size_t size)
{
	req->body_len += size;
	if (req->body_len > PORTAL_BODY_MAX)
		refuse(req, "Permintaan ditolak: isi permintaan terlalu besar.");
	if (req->fields.error[0] != '\0')
		return;
	if (req->is_json)
		asn_str_append_n(&req->json, data, size);
	else if (req->post != NULL && MHD_post_process(req->post, data, size) != MHD_YES)
		refuse(req, "Permintaan ditolak: formulir tidak sah.");
}

void portal_request_finish(struct portal_request *req)
{
	if (req->is_json && req->fields.error[0] == '\0')
		asn_web_fields_from_json(&req->fields, req->json.data, req->json.len);
}

void portal_request_free(struct portal_request *req)
{
	if (req->post != NULL)
		MHD_destroy_post_processor(req->post);
	asn_str_free(&req->json);
	asn_secure_zero(&req->fields, sizeof(req->fields));
}

const char *portal_request_field(const struct portal_request *req, const char *name)
{
	return asn_web_fields_get(&req->fields, name);
}

struct query_check {
	const char *const *allowed;
	const char *seen[ASN_WEB_FIELDS_MAX];
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
		if (asn_web_text_ok(key, 31))
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
	if (value != NULL && !asn_web_text_ok(value, PORTAL_VALUE_MAX)) {
		snprintf(c->error, c->size, "Nilai parameter %s tidak sah (terlalu panjang atau "
			 "bukan teks UTF-8).", name);
		return MHD_NO;
	}
	if (c->seen_count < ASN_WEB_FIELDS_MAX)
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
