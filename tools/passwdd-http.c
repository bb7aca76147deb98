/* asn-passwdd's HTTP side: POST /password with form fields user, curpass,
   newpass (what Roundcube's httpapi password driver sends).
     200 "ok"            changed
     400 one line        malformed request, a field sent twice
     403 one line        wrong current password or unknown user (one answer),
                         disabled account, expired default password
     404 / 405           other paths / methods
     422 one line        the policy refused the new password (Bahasa Indonesia)
     429 + Retry-After   too many failures for this account (before any
                         verify), or a wrong password from an address over
                         its limit (a right one still changes)
     503                 database unavailable or busy
   Nothing but a 200 changes state. */
#include "passwdd.h"
#include "asn-change.h"
#include "asn-login.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define FIELD_MAX 512
#define BODY_MAX 8192

struct request {
	struct MHD_PostProcessor *post;
	char user[FIELD_MAX + 1];
	char curpass[FIELD_MAX + 1];
	char newpass[FIELD_MAX + 1];
	size_t user_len, curpass_len, newpass_len;
	size_t body_len;
	bool malformed;
	bool seen_user, seen_curpass, seen_newpass;
	const char *repeated;	/* a field sent twice */
};

static const char *msg_denied = "Kata sandi saat ini salah.";
static const char *msg_disabled = "Akun dinonaktifkan. Hubungi admin email.";
static const char *msg_expired =
	"Kata sandi bawaan sudah kedaluwarsa. Hubungi verifikator atau admin untuk reset.";
static const char *msg_busy = "Layanan sedang sibuk. Coba lagi sebentar lagi.";
static const char *msg_limit =
	"Terlalu banyak percobaan yang gagal. Coba lagi nanti.";
static const char *msg_incomplete =
	"Permintaan tidak lengkap: user, curpass dan newpass wajib diisi.";

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *body, unsigned int retry_after)
{
	struct MHD_Response *resp;
	char *text = asn_xasprintf("%s\n", body);
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* One request per connection: the bound on receiving a request
	   (lib/web/web-conns.c) then covers everything a client sends. */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (retry_after > 0) {
		char value[32];

		snprintf(value, sizeof(value), "%u", retry_after);
		MHD_add_response_header(resp, "Retry-After", value);
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "POST");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				  const char *key, const char *filename ASN_UNUSED,
				  const char *content_type ASN_UNUSED,
				  const char *transfer_encoding ASN_UNUSED,
				  const char *data, uint64_t off, size_t size)
{
	struct request *req = cls;
	char *buf;
	size_t *len;
	bool *seen;
	const char *name;

	if (strcmp(key, "user") == 0) {
		buf = req->user; len = &req->user_len; seen = &req->seen_user; name = "user";
	} else if (strcmp(key, "curpass") == 0) {
		buf = req->curpass; len = &req->curpass_len; seen = &req->seen_curpass;
		name = "curpass";
	} else if (strcmp(key, "newpass") == 0) {
		buf = req->newpass; len = &req->newpass_len; seen = &req->seen_newpass;
		name = "newpass";
	} else {
		return MHD_YES;	/* other fields are ignored */
	}
	/* A value comes in pieces (off > 0); a second field of the same
	   name starts again at 0.  Joining them would read user=a&user=@b
	   as "a@b": refuse instead. */
	if (*seen && off == 0) {
		req->repeated = name;
		req->malformed = true;
		return MHD_NO;
	}
	*seen = true;
	if (*len + size > FIELD_MAX) {
		req->malformed = true;
		return MHD_NO;
	}
	memcpy(buf + *len, data, size);
	*len += size;
	buf[*len] = '\0';
	return MHD_YES;
}

static bool has_control_chars(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

static enum MHD_Result handle_change(struct passwdd *d, struct MHD_Connection *conn,
				     struct request *req)
{
	struct asn_change_outcome outcome;
	struct asn_store *store = NULL;
	struct asn_error err;
	char client[INET6_ADDRSTRLEN + 1], user[FIELD_MAX + 1], via[128], msg[256];
	char account[FIELD_MAX + 32];
	unsigned int wait, client_wait;
	enum asn_change_result result;
	time_t now = asn_now();
	enum MHD_Result ret;

	asn_web_client_address(&d->proxies, &d->log, conn, client, sizeof(client));
	if (req->repeated != NULL) {
		asn_web_log(&d->log, LOG_NOTICE, "400 field %s sent more than once (client %s)",
			    req->repeated, client);
		snprintf(msg, sizeof(msg), "Permintaan ditolak: kolom %s dikirim lebih dari "
			 "sekali.", req->repeated);
		return reply(conn, MHD_HTTP_BAD_REQUEST, msg, 0);
	}
	if (req->malformed || !req->seen_user || !req->seen_curpass || !req->seen_newpass ||
	    req->user_len == 0 || req->curpass_len == 0 || req->newpass_len == 0 ||
	    strlen(req->user) != req->user_len || has_control_chars(req->user) ||
	    strlen(req->curpass) != req->curpass_len || strlen(req->newpass) != req->newpass_len) {
		asn_web_log(&d->log, LOG_NOTICE, "400 malformed request from %s", client);
		return reply(conn, MHD_HTTP_BAD_REQUEST, msg_incomplete, 0);
	}
	for (size_t i = 0; i <= req->user_len; i++)
		user[i] = (char)tolower((unsigned char)req->user[i]);

	if (asn_store_open(&d->set, true, &store, &err) < 0) {
		asn_web_log(&d->log, LOG_ERR, "503: %s", err.msg);
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, msg_busy, 5);
	}
	if (asn_account_limit_key(store, user, account, sizeof(account), &err) < 0) {
		asn_web_log(&d->log, LOG_ERR, "503 %s: %s", user, err.msg);
		asn_store_close(&store);
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, msg_busy, 5);
	}
	wait = asn_web_limits_reserve(d->limits, account, client, now, &client_wait);
	if (wait > 0) {
		asn_web_log(&d->log, LOG_WARNING, "429 %s from %s: too many failures for the account, "
			    "retry in %us", user, client, wait);
		asn_store_close(&store);
		return reply(conn, MHD_HTTP_TOO_MANY_REQUESTS, msg_limit, wait);
	}
	snprintf(via, sizeof(via), "asn-passwdd (client %s)", client);
	{
		struct asn_change_request change = {
			.user = user, .current = req->curpass, .new_password = req->newpass,
			.actor = "asn-passwdd", .via = via,
		};

		result = asn_password_change(store, &d->set, &d->policy, &change, &outcome, &err);
		switch (result) {
		case ASN_CHANGE_OK:
			asn_web_limits_success(d->limits, account);
			asn_web_log(&d->log, LOG_INFO, "200 %s: password changed (client %s)",
				    outcome.email, client);
			ret = reply(conn, MHD_HTTP_OK, "ok", 0);
			break;
		case ASN_CHANGE_DENIED:
			/* The account's count already holds this failure. */
			asn_web_limits_fail_client(d->limits, client, now);
			if (client_wait > 0) {
				/* Verified all the same: a right password from
				   a busy address (the webmail's) still changes. */
				asn_web_log(&d->log, LOG_WARNING, "429 %s: unknown user or wrong current "
					    "password from %s, over its limit", user, client);
				ret = reply(conn, MHD_HTTP_TOO_MANY_REQUESTS, msg_limit,
					    client_wait);
				break;
			}
			asn_web_log(&d->log, LOG_NOTICE, "403 %s: unknown user or wrong current password "
				    "(client %s)", user, client);
			ret = reply(conn, MHD_HTTP_FORBIDDEN, msg_denied, 0);
			break;
		case ASN_CHANGE_DISABLED:
			asn_web_log(&d->log, LOG_NOTICE, "403 %s: account disabled (client %s)",
				    outcome.email, client);
			ret = reply(conn, MHD_HTTP_FORBIDDEN, msg_disabled, 0);
			break;
		case ASN_CHANGE_EXPIRED:
			asn_web_log(&d->log, LOG_NOTICE, "403 %s: default password expired (client %s)",
				    outcome.email, client);
			ret = reply(conn, MHD_HTTP_FORBIDDEN, msg_expired, 0);
			break;
		case ASN_CHANGE_REFUSED:
			asn_web_log(&d->log, LOG_INFO, "422 %s: new password refused: %s (client %s)",
				    outcome.email, asn_policy_code_name(outcome.code), client);
			ret = reply(conn, 422, asn_policy_message(outcome.code, "id", &d->set,
								  msg, sizeof(msg)), 0);
			break;
		case ASN_CHANGE_ERROR:
		default:
			asn_web_log(&d->log, LOG_ERR, "503 %s: %s", user, err.msg);
			ret = reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, msg_busy, 5);
			break;
		}
	}
	if (result != ASN_CHANGE_OK && result != ASN_CHANGE_DENIED)
		asn_web_limits_release(d->limits, account);
	asn_store_close(&store);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version ASN_UNUSED,
			       const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct passwdd *d = cls;
	struct request *req = *con_cls;
	enum MHD_Result ret;

	if (req == NULL) {
		/* First call: headers only. */
		if (strcmp(url, "/password") != 0)
			return reply(conn, MHD_HTTP_NOT_FOUND, "Not found.", 0);
		if (strcmp(method, "POST") != 0)
			return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Use POST.", 0);
		req = asn_xcalloc(1, sizeof(*req));
		req->post = MHD_create_post_processor(conn, 1024, post_field, req);
		if (req->post == NULL)
			req->malformed = true;	/* not a form */
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		req->body_len += *upload_data_size;
		if (req->body_len > BODY_MAX)
			req->malformed = true;
		if (!req->malformed && MHD_post_process(req->post, upload_data,
							*upload_data_size) != MHD_YES)
			req->malformed = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	asn_web_conns_received(d->conns, conn);
	/* Argon2id costs time and memory: one verify or hash per core at
	   once; the others wait here, in their own connection's thread. */
	while (sem_wait(&d->work_slots) < 0)
		;
	ret = handle_change(d, conn, req);
	sem_post(&d->work_slots);
	return ret;
}

static void completed(void *cls ASN_UNUSED, struct MHD_Connection *conn ASN_UNUSED,
		      void **con_cls, enum MHD_RequestTerminationCode toe ASN_UNUSED)
{
	struct request *req = *con_cls;

	if (req == NULL)
		return;
	if (req->post != NULL)
		MHD_destroy_post_processor(req->post);
	asn_secure_zero(req, sizeof(*req));
	free(req);
	*con_cls = NULL;
}

struct MHD_Daemon *passwdd_http_start(struct passwdd *d, const struct sockaddr *addr)
{
	return asn_web_start(d->conns, addr, d->set.passwdd_request_timeout, handler, d,
			     completed, NULL);
}
