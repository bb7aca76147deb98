/* asn-portal's HTTP side: who is asking (the session), what they may ask
   (the routes, the CSRF token, the origin), and the replies.

   Pages                              API (JSON)
   GET  /            -> /ringkasan    POST /api/v1/login   user, password
   GET  /masuk       login form       POST /api/v1/logout  X-CSRF-Token
   POST /masuk       user, password   GET  /api/v1/progress?opd=
   POST /keluar      csrf             GET  /api/v1/stuck?opd=&stage=&diagnosis=&q=
   GET  /ringkasan   the funnel       GET  /api/v1/users/{address or NIP}
   GET  /tindakan    the stuck list (?format=csv: the same as CSV)
   GET  /orang/{address or NIP}
   POST /orang/{address or NIP}/kasus   kind, action, note, csrf: a case
   POST /kasus/{id}/tutup               orang, csrf: the case is done
   GET  /token       the verifier's API tokens; POST /token name, csrf:
                     a new one (shown once); POST /token/cabut id, csrf
   GET  /gaya.css

   The API's GETs also take "Authorization: Bearer asnpt_..." (a token a
   verifier made on /token), for dashboards: nothing else does.

   Without a session a page redirects to /masuk and the API answers 401;
   an unsafe request (POST) needs the session's CSRF token and, when the
   browser names its origin, this site's.  Nothing is in a URL but what a
   verifier typed into the search (the session id is a cookie only). */
#include "portal.h"
#include "asn-json.h"
#include "asn-login.h"
#include "asn-password.h"
#include "asn-verifier-token.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#define COOKIE_SESSION "asn_portal"
#define COOKIE_LOGIN PORTAL_COOKIE_LOGIN

struct handler_state {
	struct portal_request req;
	bool first_done;
};

static const char *msg_denied = "Alamat email atau kata sandi salah.";
static const char *msg_busy = "Layanan sedang sibuk. Coba lagi sebentar lagi.";
static const char *msg_limit = "Terlalu banyak percobaan yang gagal. Coba lagi nanti.";

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct portal_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = r->body.len;
	char *body = r->body.data;

	r->body.data = NULL;
	r->body.len = r->body.size = 0;
	resp = MHD_create_response_from_buffer(len, body != NULL ? body : (char *)"",
					       body != NULL ? MHD_RESPMEM_MUST_FREE :
					       MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type", r->content_type != NULL ?
				r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* Not "no-referrer": with it a browser sends "Origin: null" on this
	   site's own form POSTs, which origin_ok() refuses.  "same-origin"
	   still gives other sites nothing and a foreign POST a null Origin. */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* No script at all; styles and images from here only. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; img-src 'self' data:; "
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	/* One request per connection: the bound on receiving a request
	   (lib/web/web-conns.c) then covers everything a client sends. */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	for (size_t i = 0; i < ASN_N_ELEMENTS(r->set_cookie); i++) {
		if (r->set_cookie[i][0] != '\0')
			MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
	}
	if (r->location[0] != '\0')
		MHD_add_response_header(resp, "Location", r->location);
	if (r->retry_after > 0) {
		char value[32];

		snprintf(value, sizeof(value), "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", value);
	}
	if (r->filename != NULL) {
		char value[128];

		snprintf(value, sizeof(value), "attachment; filename=\"%s\"", r->filename);
		MHD_add_response_header(resp, "Content-Disposition", value);
	}
	if (r->status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, "WWW-Authenticate", "Cookie realm=\"asn-portal\"");
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void redirect(struct portal_reply *reply, const char *to)
{
	reply->status = MHD_HTTP_SEE_OTHER;
	snprintf(reply->location, sizeof(reply->location), "%s", to);
}

void portal_set_cookie(struct portal_reply *reply, unsigned int slot,
		       const struct portal_caller *caller, const char *name, const char *value,
		       long max_age)
{
	snprintf(reply->set_cookie[slot], sizeof(reply->set_cookie[slot]),
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
		 caller->https ? "; Secure" : "", max_age == 0 ? "; Max-Age=0" : "");
}

/* The browser's Origin, when it sends one, must be this site: the Host
   the request came to (the proxy passes it on). */
static bool origin_ok(struct MHD_Connection *conn, bool https)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *rest;

	if (origin == NULL)
		return true;
	if (host == NULL)
		return false;
	if (strncasecmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else if (strncasecmp(origin, "http://", 7) == 0 && !https)
		rest = origin + 7;	/* a plain-HTTP page may post to HTTPS no more */
	else
		return false;	/* "null" and the like */
	return strcasecmp(rest, host) == 0;
}

/* The caller: a session that is live, of an account that still logs in
   and is still a verifier.  A verifier removed or an account disabled
   loses a session at its next request. */
/* An API token: the verifier it acts as, in caller->session.email. */
static int resolve_token(struct asn_store *store, struct MHD_Connection *conn,
			 struct portal_caller *caller, struct asn_error *err)
{
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	char *email;
	int ret;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	ret = asn_verifier_token_resolve(store, auth + 7, &email, err);
	if (ret <= 0)
		return ret;
	snprintf(caller->session.email, sizeof(caller->session.email), "%s", email);
	free(email);
	caller->by_token = true;
	return 1;
}

static int resolve_caller(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
			  struct portal_caller *caller, struct asn_error *err)
{
	const char *id = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE_SESSION);
	struct asn_account account;
	int ret;

	ret = resolve_token(store, conn, caller, err);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		if (id == NULL || strlen(id) != PORTAL_TOKEN_HEX ||
		    !portal_session_get(p->sessions, id, asn_now(), &caller->session))
			return 0;
		snprintf(caller->session_id, sizeof(caller->session_id), "%s", id);
	}
	ret = asn_store_account_find(store, caller->session.email, &account, err);
	if (ret < 0)
		return -1;
	if (ret > 0) {
		/* A password changed or reset since the login ends the session
		   (a token lives on: it is revoked on /token). */
		unsigned char tag[32];
		bool usable;

		portal_password_tag(account.password, tag);
		usable = !account.disabled && !account.must_change &&
			(caller->by_token ||
			 sodium_memcmp(tag, caller->session.password_tag, sizeof(tag)) == 0);

		asn_account_free(&account);
		if (usable) {
			ret = asn_store_verifier_find(store, caller->session.email,
						      &caller->verifier, err);
			if (ret < 0)
				return -1;
		} else {
			ret = 0;
		}
	}
	if (ret == 0) {
		asn_web_log(&p->log, LOG_NOTICE, "%s of %s refused: no longer a verifier "
			    "or the account no longer logs in",
			    caller->by_token ? "API token" : "session", caller->session.email);
		if (!caller->by_token)
			portal_session_end(p->sessions, id);
		caller->by_token = false;
		return 0;
	}
	caller->has_session = true;
	return 1;
}

/* A slot for password work (Argon2id: time and memory, one per core),
   waited for at most WORK_SLOT_WAIT seconds: a flood of logins makes the
   others wait a bounded time, then answers 503. */
#define WORK_SLOT_WAIT 2
static bool work_slot_take(struct portal *p)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WORK_SLOT_WAIT;
	while (sem_timedwait(&p->work_slots, &until) < 0) {
		if (errno != EINTR)
			return false;
	}
	return true;
}

/* Checks USER and PASSWORD; 1 with a new session in caller, 0 refused
   (the reply filled: status and message), -1 on error (reply filled). */
static int do_login(struct portal *p, struct asn_store *store, struct portal_caller *caller,
		    const char *user_in, const char *password, bool api, struct portal_reply *reply)
{
	struct asn_account account;
	struct asn_verifier verifier;
	struct asn_error err;
	enum asn_login_result result;
	char user[PORTAL_VALUE_MAX + 1], key[PORTAL_VALUE_MAX + 32];
	unsigned int wait, client_wait;
	const char *message = NULL, *code = NULL;
	unsigned int status = MHD_HTTP_FORBIDDEN;
	time_t now = asn_now();
	bool by_address;
	int ret = 0;

	if (user_in == NULL || password == NULL || user_in[0] == '\0' || password[0] == '\0' ||
	    !asn_web_text_ok(user_in, PORTAL_VALUE_MAX)) {
		message = "Isi alamat email dan kata sandi.";
		status = MHD_HTTP_BAD_REQUEST;
		code = "bad_request";
		goto refused;
	}
	for (size_t i = 0; i <= strlen(user_in); i++)
		user[i] = (char)(user_in[i] >= 'A' && user_in[i] <= 'Z' ? user_in[i] + 32 : user_in[i]);
	/* Only the address: with the NIP too, the shared count of an
	   account's names would tell which NIP is whose (the 429 of one
	   after failures of the other). */
	by_address = strchr(user, '@') != NULL;
	if (!by_address)
		snprintf(key, sizeof(key), "n:%s", user);
	else if (asn_account_limit_key(store, user, key, sizeof(key), &err) < 0)
		goto error;
	wait = asn_web_limits_reserve(p->limits, key, caller->client, now, &client_wait);
	if (wait > 0 || client_wait > 0) {
		/* The portal's clients are people, each with an address of
		   their own behind the proxy: one over its limit is refused
		   before any verify, so that guessing costs it no CPU here. */
		if (wait == 0)
			asn_web_limits_release(p->limits, key);
		asn_web_log(&p->log, LOG_WARNING, "429 login %s from %s: too many failures for "
			    "the %s, retry in %us", user, caller->client,
			    wait > 0 ? "account" : "client", wait > 0 ? wait : client_wait);
		reply->retry_after = wait > 0 ? wait : client_wait;
		message = msg_limit;
		status = MHD_HTTP_TOO_MANY_REQUESTS;
		code = "rate_limited";
		goto refused;
	}
	if (!work_slot_take(p)) {
		asn_web_limits_release(p->limits, key);
		asn_web_log(&p->log, LOG_WARNING, "503 login %s from %s: no verify slot within "
			    "%d s", user, caller->client, WORK_SLOT_WAIT);
		reply->retry_after = 5;
		message = msg_busy;
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		code = "unavailable";
		goto refused;
	}
	if (by_address) {
		result = asn_account_login(store, &p->set, user, password, &account, &err);
	} else {
		asn_password_spend_verify_time(&p->set, password);
		result = ASN_LOGIN_DENIED;
	}
	sem_post(&p->work_slots);
	switch (result) {
	case ASN_LOGIN_OK:
		break;
	case ASN_LOGIN_DENIED:
		/* (a client over its limit was refused before the verify) */
		asn_web_limits_fail_client(p->limits, caller->client, now);
		asn_web_log(&p->log, LOG_NOTICE, "403 login %s: unknown user or wrong password "
			    "(client %s)", user, caller->client);
		message = msg_denied;
		code = "denied";
		goto refused;
	case ASN_LOGIN_DISABLED:
		asn_web_limits_release(p->limits, key);
		asn_web_log(&p->log, LOG_NOTICE, "403 login %s: account disabled (client %s)",
			    user, caller->client);
		message = "Akun dinonaktifkan. Hubungi admin email.";
		code = "disabled";
		goto refused;
	case ASN_LOGIN_DEFAULT_PASSWORD:
		asn_web_limits_release(p->limits, key);
		asn_web_log(&p->log, LOG_NOTICE, "403 login %s: still the default password "
			    "(client %s)", user, caller->client);
		message = "Akun ini masih memakai kata sandi bawaan. Ganti kata sandi melalui "
			"webmail terlebih dahulu, lalu masuk lagi.";
		code = "default_password";
		goto refused;
	case ASN_LOGIN_ERROR:
	default:
		asn_web_limits_release(p->limits, key);
		goto error;
	}
	asn_web_limits_success(p->limits, key);
	ret = asn_store_verifier_find(store, account.email, &verifier, &err);
	if (ret <= 0) {
		asn_account_free(&account);
		if (ret < 0)
			goto error;
		asn_web_log(&p->log, LOG_NOTICE, "403 login %s: not a verifier (client %s)",
			    user, caller->client);
		message = "Akun ini bukan verifikator. Hubungi admin email untuk didaftarkan.";
		code = "not_a_verifier";
		goto refused;
	}
	if (!portal_session_create(p->sessions, account.email, account.password, now,
				   caller->session_id, &caller->session)) {
		asn_web_log(&p->log, LOG_ERR, "503 login %s: the session table is full (client %s)",
			    account.email, caller->client);
		asn_account_free(&account);
		asn_verifier_free(&verifier);
		reply->retry_after = 60;
		goto unavailable;
	}
	caller->verifier = verifier;
	caller->has_session = true;
	asn_web_log(&p->log, LOG_INFO, "login %s (client %s)", account.email, caller->client);
	asn_account_free(&account);
	portal_set_cookie(reply, 0, caller, COOKIE_SESSION, caller->session_id, -1);
	return 1;

error:
	asn_web_log(&p->log, LOG_ERR, "503 login %s: %s", user_in != NULL ? user : "",
		    err.msg);
	reply->retry_after = 5;
unavailable:
	if (api)
		portal_api_error(MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", msg_busy, reply);
	else
		portal_page_login(p, caller, msg_busy, MHD_HTTP_SERVICE_UNAVAILABLE, reply);
	return -1;
refused:
	if (api)
		portal_api_error(status, code, message, reply);
	else
		portal_page_login(p, caller, message, status, reply);
	return 0;
}

static bool csrf_ok(struct MHD_Connection *conn, const struct portal_request *req,
		    const struct portal_caller *caller)
{
	const char *token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");

	if (token == NULL)
		token = portal_request_field(req, "csrf");
	return token != NULL && caller->has_session &&
		portal_token_equal(token, caller->session.csrf);
}

static void api_login_reply(const struct portal_caller *caller, struct portal_reply *reply)
{
	reply->status = MHD_HTTP_OK;
	reply->content_type = "application/json";
	asn_str_append(&reply->body, "{\"user\":");
	asn_json_string(&reply->body, caller->session.email);
	asn_str_append(&reply->body, ",\"csrf_token\":");
	asn_json_string(&reply->body, caller->session.csrf);
	asn_str_printfa(&reply->body, ",\"all_opd\":%s,\"opds\":[",
			caller->verifier.all_opd ? "true" : "false");
	for (size_t i = 0; i < caller->verifier.opds.count; i++) {
		if (i > 0)
			asn_str_append_c(&reply->body, ',');
		asn_json_string(&reply->body, caller->verifier.opds.items[i]);
	}
	asn_str_append(&reply->body, "]}\n");
}

/* A token outlives the session that made it: making one asks for the
   password again (a stolen session cookie alone cannot), within the
   login's limits. */
static bool password_again(struct portal *p, struct asn_store *store,
			   const struct portal_caller *caller, const char *password,
			   const char **message_r)
{
	struct asn_account account;
	struct asn_error err;
	enum asn_login_result result;
	char key[300];
	unsigned int wait, client_wait;
	time_t now = asn_now();

	if (password == NULL || password[0] == '\0') {
		*message_r = "Isi kata sandi Anda untuk membuat token.";
		return false;
	}
	snprintf(key, sizeof(key), "n:%s", caller->session.email);
	wait = asn_web_limits_reserve(p->limits, key, caller->client, now, &client_wait);
	if (wait > 0 || client_wait > 0) {
		if (wait == 0)
			asn_web_limits_release(p->limits, key);
		*message_r = msg_limit;
		return false;
	}
	if (!work_slot_take(p)) {
		asn_web_limits_release(p->limits, key);
		*message_r = msg_busy;
		return false;
	}
	result = asn_account_login(store, &p->set, caller->session.email, password, &account,
				   &err);
	sem_post(&p->work_slots);
	if (result == ASN_LOGIN_OK) {
		asn_account_free(&account);
		asn_web_limits_success(p->limits, key);
		return true;
	}
	if (result == ASN_LOGIN_DENIED) {
		asn_web_limits_fail_client(p->limits, caller->client, now);
		asn_web_log(&p->log, LOG_NOTICE, "%s: wrong password for a new API token (client %s)",
			    caller->session.email, caller->client);
		*message_r = "Kata sandi salah; token tidak dibuat.";
	} else {
		asn_web_limits_release(p->limits, key);
		*message_r = "Token tidak dapat dibuat. Coba lagi.";
	}
	return false;
}

/* /token: list (GET), make (POST name), revoke (POST /token/cabut id). */
static void tokens(struct portal *p, struct asn_store *store, const char *url, bool post,
		   const struct portal_request *req, const struct portal_caller *caller,
		   struct portal_reply *reply)
{
	char token[ASN_API_TOKEN_LEN + 1] = "";
	const char *message = NULL;
	struct asn_error err;

	if (post && strcmp(url, "/token") == 0) {
		const char *name = portal_request_field(req, "name");

		if (name == NULL || !asn_web_text_ok(name, ASN_API_TOKEN_NAME_MAX) ||
		    name[0] == '\0') {
			message = "Nama token: 1 sampai 64 karakter.";
		} else if (!password_again(p, store, caller, portal_request_field(req, "password"),
					   &message)) {
			/* message set */
		} else if (asn_verifier_token_create(store, &caller->verifier, name, token,
						     &err) < 0) {
			asn_web_log(&p->log, LOG_NOTICE, "%s: no new API token: %s",
				    caller->session.email, err.msg);
			message = strstr(err.msg, "at most") != NULL ?
				"Sudah ada 10 token. Cabut salah satu terlebih dahulu." :
				"Token tidak dapat dibuat. Coba lagi.";
		} else {
			asn_web_log(&p->log, LOG_INFO, "%s made an API token (client %s)",
				    caller->session.email, caller->client);
		}
	} else if (post) {
		const char *id_text = portal_request_field(req, "id");
		char *end = NULL;
		long long id = id_text != NULL ? strtoll(id_text, &end, 10) : 0;
		int ret;

		if (id_text == NULL || end == id_text || *end != '\0' || id <= 0) {
			message = "Token tidak dikenal.";
		} else if ((ret = asn_verifier_token_revoke(store, &caller->verifier, id,
							    &err)) < 0) {
			asn_web_log(&p->log, LOG_ERR, "%s: revoking an API token: %s",
				    caller->session.email, err.msg);
			message = "Token tidak dapat dicabut. Coba lagi.";
		} else {
			message = ret > 0 ? "Token dicabut." : "Token tidak dikenal.";
			if (ret > 0)
				asn_web_log(&p->log, LOG_INFO, "%s revoked API token %lld (client %s)",
					    caller->session.email, id, caller->client);
		}
	}
	portal_page_tokens(p, store, caller, token[0] != '\0' ? token : NULL, message, reply);
	asn_secure_zero(token, sizeof(token));
}

static bool path_is(const char *url, const char *path)
{
	return strcmp(url, path) == 0;
}

/* "/orang/x" with prefix "/orang/": "x" (non-empty, one segment). */
static const char *path_arg(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(url, prefix, n) != 0 || url[n] == '\0' || strchr(url + n, '/') != NULL)
		return NULL;
	return url + n;
}

/* "/orang/x/kasus" with PREFIX "/orang/" and SUFFIX "/kasus": "x" (one
   non-empty segment, copied into buf). */
static const char *path_arg_suffix(const char *url, const char *prefix, const char *suffix,
				   char *buf, size_t size)
{
	size_t n = strlen(prefix), len = strlen(url), m = strlen(suffix);

	if (strncmp(url, prefix, n) != 0 || len <= n + m || strcmp(url + len - m, suffix) != 0 ||
	    len - n - m >= size)
		return NULL;
	memcpy(buf, url + n, len - n - m);
	buf[len - n - m] = '\0';
	return strchr(buf, '/') == NULL ? buf : NULL;
}

static void route(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		  const char *url, const char *method, struct portal_request *req,
		  struct portal_caller *caller, struct portal_reply *reply)
{
	static const char *const no_args[] = { NULL };
	bool api = strncmp(url, "/api/", 5) == 0;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool post = strcmp(method, "POST") == 0;
	char error[160], person[PORTAL_VALUE_MAX + 1];
	const char *arg;

	if (!get && !post) {
		reply->status = MHD_HTTP_METHOD_NOT_ALLOWED;
		asn_str_append(&reply->body, "Metode tidak didukung.\n");
		reply->content_type = "text/plain; charset=utf-8";
		return;
	}
	if (req->fields.error[0] != '\0') {
		asn_web_log(&p->log, LOG_NOTICE, "400 %s %s: %s (client %s)", method, url,
			    req->fields.error, caller->client);
		if (api)
			portal_api_error(MHD_HTTP_BAD_REQUEST, "bad_request", req->fields.error, reply);
		else
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, req->fields.error, reply);
		return;
	}
	if (post && !origin_ok(conn, caller->https)) {
		asn_web_log(&p->log, LOG_WARNING, "403 %s %s: foreign Origin (client %s)", method,
			    url, caller->client);
		if (api)
			portal_api_error(MHD_HTTP_FORBIDDEN, "foreign_origin",
					 "Permintaan dari situs lain ditolak.", reply);
		else
			portal_page_error(caller, MHD_HTTP_FORBIDDEN,
					  "Permintaan dari situs lain ditolak.", reply);
		return;
	}

	/* Browsers ask for it with every page: not the redirect to /masuk
	   below, whose new form token would replace the one on screen. */
	if (path_is(url, "/favicon.ico")) {
		reply->status = MHD_HTTP_NOT_FOUND;
		reply->content_type = "text/plain; charset=utf-8";
		return;
	}
	/* The stylesheet and the login need no session. */
	if (path_is(url, "/gaya.css") && get) {
		reply->status = MHD_HTTP_OK;
		reply->content_type = "text/css; charset=utf-8";
		asn_str_append(&reply->body, portal_stylesheet());
		return;
	}
	if (path_is(url, "/masuk") || path_is(url, "/api/v1/login")) {
		if (!portal_query_check(conn, no_args, error, sizeof(error))) {
			if (api)
				portal_api_error(MHD_HTTP_BAD_REQUEST, "bad_request", error, reply);
			else
				portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
			return;
		}
		if (api && !post) {
			portal_api_error(MHD_HTTP_METHOD_NOT_ALLOWED, "method", "Pakai POST.", reply);
			return;
		}
		if (get) {
			if (caller->has_session) {
				redirect(reply, "/ringkasan");
				return;
			}
			portal_page_login(p, caller, NULL, MHD_HTTP_OK, reply);
			return;
		}
		if (!api) {
			/* The login form's own token (a cookie set with the
			   form), so that no other site can log a browser in. */
			const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
									 COOKIE_LOGIN);
			const char *token = portal_request_field(req, "csrf");

			if (cookie == NULL || token == NULL || !portal_token_equal(cookie, token)) {
				asn_web_log(&p->log, LOG_NOTICE, "403 login form without its token "
					    "(client %s)", caller->client);
				portal_page_login(p, caller, "Sesi formulir kedaluwarsa. Silakan "
						  "coba lagi.", MHD_HTTP_FORBIDDEN, reply);
				return;
			}
		}
		if (caller->has_session)
			portal_session_end(p->sessions, caller->session_id);
		caller->has_session = false;
		if (do_login(p, store, caller, portal_request_field(req, "user"),
			     portal_request_field(req, "password"), api, reply) <= 0)
			return;
		if (api) {
			api_login_reply(caller, reply);
		} else {
			portal_set_cookie(reply, 1, caller, COOKIE_LOGIN, "", 0);
			redirect(reply, "/ringkasan");
		}
		return;
	}

	if (!caller->has_session) {
		if (api) {
			portal_api_error(MHD_HTTP_UNAUTHORIZED, "unauthorized",
					 "Silakan masuk terlebih dahulu.", reply);
		} else if (get) {
			redirect(reply, "/masuk");
		} else {
			portal_page_login(p, caller, "Sesi berakhir. Silakan masuk lagi.",
					  MHD_HTTP_UNAUTHORIZED, reply);
		}
		return;
	}
	if (caller->by_token && (!api || !get)) {
		asn_web_log(&p->log, LOG_WARNING, "403 %s %s by %s's API token: tokens read the API "
			    "only (client %s)", method, url, caller->session.email, caller->client);
		if (api)
			portal_api_error(MHD_HTTP_FORBIDDEN, "token_read_only", "Token API hanya "
					 "untuk membaca API (GET /api/v1/...).", reply);
		else
			portal_page_error(caller, MHD_HTTP_FORBIDDEN, "Token API hanya untuk API.",
					  reply);
		return;
	}
	if (post && !csrf_ok(conn, req, caller)) {
		asn_web_log(&p->log, LOG_WARNING, "403 %s %s by %s: no valid CSRF token (client %s)",
			    method, url, caller->session.email, caller->client);
		if (api)
			portal_api_error(MHD_HTTP_FORBIDDEN, "csrf", "Token CSRF tidak sah.", reply);
		else
			portal_page_error(caller, MHD_HTTP_FORBIDDEN, "Formulir tidak sah atau "
					  "kedaluwarsa. Muat ulang halaman lalu coba lagi.", reply);
		return;
	}

	if (path_is(url, "/keluar") || path_is(url, "/api/v1/logout")) {
		if (!post) {
			reply->status = MHD_HTTP_METHOD_NOT_ALLOWED;
			asn_str_append(&reply->body, "Pakai POST.\n");
			reply->content_type = "text/plain; charset=utf-8";
			return;
		}
		portal_session_end(p->sessions, caller->session_id);
		asn_web_log(&p->log, LOG_INFO, "logout %s (client %s)", caller->session.email,
			    caller->client);
		portal_set_cookie(reply, 0, caller, COOKIE_SESSION, "", 0);
		if (api) {
			reply->status = MHD_HTTP_OK;
			reply->content_type = "application/json";
			asn_str_append(&reply->body, "{\"logged_out\":true}\n");
		} else {
			redirect(reply, "/masuk");
		}
		return;
	}
	if (post && (arg = path_arg_suffix(url, "/orang/", "/kasus", person,
					   sizeof(person))) != NULL) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		else
			portal_case_add(p, store, arg, req, caller, reply);
		return;
	}
	if (post && (arg = path_arg_suffix(url, "/kasus/", "/tutup", person,
					   sizeof(person))) != NULL) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		else
			portal_case_close(p, store, arg, req, caller, reply);
		return;
	}
	if (path_is(url, "/token") || path_is(url, "/token/cabut")) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		else
			tokens(p, store, url, post, req, caller, reply);
		return;
	}
	if (!get) {
		reply->status = MHD_HTTP_METHOD_NOT_ALLOWED;
		asn_str_append(&reply->body, "Pakai GET.\n");
		reply->content_type = "text/plain; charset=utf-8";
		return;
	}
	if (path_is(url, "/")) {
		redirect(reply, "/ringkasan");
	} else if (path_is(url, "/ringkasan")) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		else
			portal_page_summary(p, store, caller, reply);
	} else if (path_is(url, "/tindakan")) {
		portal_page_stuck(p, store, conn, caller, reply);
	} else if ((arg = path_arg(url, "/orang/")) != NULL) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		else
			portal_page_person(p, store, arg, caller, reply);
	} else if (path_is(url, "/api/v1/progress")) {
		portal_api_progress(p, store, conn, caller, reply);
	} else if (path_is(url, "/api/v1/stuck")) {
		portal_api_stuck(p, store, conn, caller, reply);
	} else if ((arg = path_arg(url, "/api/v1/users/")) != NULL) {
		if (!portal_query_check(conn, no_args, error, sizeof(error)))
			portal_api_error(MHD_HTTP_BAD_REQUEST, "bad_request", error, reply);
		else
			portal_api_user(p, store, arg, caller, reply);
	} else if (api) {
		portal_api_error(MHD_HTTP_NOT_FOUND, "not_found", "Tidak ditemukan.", reply);
	} else {
		portal_page_error(caller, MHD_HTTP_NOT_FOUND, "Halaman tidak ditemukan.", reply);
	}
}

static enum MHD_Result handle(struct portal *p, struct MHD_Connection *conn, const char *url,
			      const char *method, struct portal_request *req)
{
	struct portal_caller caller;
	struct portal_reply reply;
	struct asn_store *store = NULL;
	struct asn_error err;
	enum MHD_Result ret;

	memset(&caller, 0, sizeof(caller));
	memset(&reply, 0, sizeof(reply));
	asn_web_client_address(&p->proxies, &p->log, conn, caller.client, sizeof(caller.client));
	caller.https = asn_web_forwarded_https(&p->proxies, conn);
	{
		const char *login = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE_LOGIN);

		if (login != NULL && strlen(login) == PORTAL_TOKEN_HEX &&
		    strspn(login, "0123456789abcdef") == PORTAL_TOKEN_HEX)
			memcpy(caller.login_token, login, sizeof(caller.login_token));
	}
	if (asn_store_open(&p->set, true, &store, &err) < 0 ||
	    resolve_caller(p, store, conn, &caller, &err) < 0) {
		asn_web_log(&p->log, LOG_ERR, "503 %s %s: %s", method, url, err.msg);
		reply.retry_after = 5;
		if (strncmp(url, "/api/", 5) == 0)
			portal_api_error(MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", msg_busy,
					 &reply);
		else
			portal_page_error(&caller, MHD_HTTP_SERVICE_UNAVAILABLE, msg_busy, &reply);
	} else {
		route(p, store, conn, url, method, req, &caller, &reply);
	}
	if (store != NULL)
		asn_store_close(&store);
	if (caller.has_session)
		asn_verifier_free(&caller.verifier);
	ret = send_reply(conn, &reply);
	asn_str_free(&reply.body);
	asn_secure_zero(&caller, sizeof(caller));
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version ASN_UNUSED,
			       const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct portal *p = cls;
	struct handler_state *state = *con_cls;

	if (state == NULL) {
		state = asn_xcalloc(1, sizeof(*state));
		portal_request_init(&state->req, conn, method);
		*con_cls = state;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		portal_request_body(&state->req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	asn_web_conns_received(p->conns, conn);
	portal_request_finish(&state->req);
	return handle(p, conn, url, method, &state->req);
}

static void completed(void *cls ASN_UNUSED, struct MHD_Connection *conn ASN_UNUSED,
		      void **con_cls, enum MHD_RequestTerminationCode toe ASN_UNUSED)
{
	struct handler_state *state = *con_cls;

	if (state == NULL)
		return;
	portal_request_free(&state->req);
	asn_secure_zero(state, sizeof(*state));
	free(state);
	*con_cls = NULL;
}

struct MHD_Daemon *portal_http_start(struct portal *p, const struct sockaddr *addr)
{
	return asn_web_start(p->conns, addr, p->set.portal_request_timeout, handler, p,
			     completed, NULL);
}
