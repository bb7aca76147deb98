#ifndef PORTAL_H
#define PORTAL_H

#include <semaphore.h>
#include <stdbool.h>
#include <time.h>
#include <microhttpd.h>
#include "asn-web.h"
#include "asn-web-fields.h"
#include "asn-settings.h"
#include "asn-store.h"
#include "asn-verifier.h"

/* asn-portal: the verifiers' portal.  Pages in Bahasa Indonesia and a
   JSON API, both scoped by lib/verifier's rule; it runs behind the site's
   HTTPS reverse proxy. */

#define PORTAL_VALUE_MAX ASN_WEB_VALUE_MAX	/* a field or query value, bytes */
#define PORTAL_BODY_MAX 8192
#define PORTAL_TOKEN_HEX 64	/* a session id or CSRF token: 32 random bytes */

struct portal {
	struct asn_settings set;
	struct asn_web_log log;
	struct asn_web_proxies proxies;
	struct asn_web_limits *limits;
	struct asn_web_conns *conns;
	struct portal_sessions *sessions;
	/* Password verifies (Argon2id: time and memory) at once, at most. */
	sem_t work_slots;
};

/* Sessions (portal-session.c), in this process's memory: a restart logs
   everybody out.  An id is 32 random bytes; the table keeps only its
   hash, so neither a memory dump nor the timing of a lookup gives one. */
struct portal_session {
	char email[256];
	char csrf[PORTAL_TOKEN_HEX + 1];
	/* a digest of the account's password hash at login: a password
	   changed or reset since ends the session */
	unsigned char password_tag[32];
};
/* A verifier holds at most this many sessions (browsers, devices): a new
   login ends their own oldest, never someone else's. */
#define PORTAL_SESSIONS_PER_ACCOUNT 5
struct portal_sessions *portal_sessions_new(unsigned int idle_secs, unsigned int max_secs);
void portal_sessions_free(struct portal_sessions **sessions);
/* A new session for EMAIL: its id in id_r (for the cookie only).  false
   when the table is full of other accounts' live sessions. */
bool portal_session_create(struct portal_sessions *sessions, const char *email,
			   const char *password_hash, time_t now, char id_r[PORTAL_TOKEN_HEX + 1],
			   struct portal_session *session_r);
/* The tag of a stored password hash, as sessions keep it. */
void portal_password_tag(const char *password_hash, unsigned char tag[32]);
/* true with the session when ID is a live one (its idle time restarts). */
bool portal_session_get(struct portal_sessions *sessions, const char *id, time_t now,
			struct portal_session *session_r);
void portal_session_end(struct portal_sessions *sessions, const char *id);
/* Random hex (a token): 32 bytes. */
void portal_random_token(char out[PORTAL_TOKEN_HEX + 1]);
/* Constant-time comparison of two tokens. */
bool portal_token_equal(const char *a, const char *b);

/* A request as read (portal-request.c). */
struct portal_request {
	struct MHD_PostProcessor *post;
	bool is_json;
	struct asn_str json;		/* a JSON body, as received */
	/* fields.error set: the request is answered 400 with it */
	struct asn_web_fields fields;
	size_t body_len;
};
/* First call of a request: the body's reader. */
void portal_request_init(struct portal_request *req, struct MHD_Connection *conn,
			 const char *method);
/* A part of the body. */
void portal_request_body(struct portal_request *req, const char *data, size_t size);
/* After the body: a JSON body's fields (strings only) into fields. */
void portal_request_finish(struct portal_request *req);
void portal_request_free(struct portal_request *req);
/* A body field, or NULL. */
const char *portal_request_field(const struct portal_request *req, const char *name);
/* The query's arguments, checked: only names in ALLOWED (NULL-ended),
   each at most once, bounded, UTF-8 without control characters.  Returns
   false with a message in error_r (Bahasa Indonesia). */
bool portal_query_check(struct MHD_Connection *conn, const char *const *allowed,
			char *error_r, size_t size);

/* Replies (portal-http.c). */
struct portal_reply {
	unsigned int status;
	const char *content_type;
	struct asn_str body;
	char set_cookie[2][256];	/* "" when not */
	char location[512];
	unsigned int retry_after;
	const char *filename;		/* Content-Disposition: attachment */
};

/* Set-Cookie in slot 0 or 1: HttpOnly, SameSite=Strict, Secure over
   HTTPS; MAX_AGE 0 deletes it, -1 lasts the browser's session. */
#define PORTAL_COOKIE_LOGIN "asn_portal_login"
struct portal_caller;
void portal_set_cookie(struct portal_reply *reply, unsigned int slot,
		       const struct portal_caller *caller, const char *name, const char *value,
		       long max_age);

/* Who is asking: a live session of a verifier still a verifier. */
struct portal_caller {
	bool https;			/* the proxy says the client used HTTPS */
	char client[64];
	char session_id[PORTAL_TOKEN_HEX + 1];
	/* the login form's token the browser holds (its cookie), or "" */
	char login_token[PORTAL_TOKEN_HEX + 1];
	bool has_session;
	/* by an API token (Authorization: Bearer): the API's GETs only */
	bool by_token;
	struct portal_session session;
	struct asn_verifier verifier;	/* with has_session */
};

/* The pages (portal-pages.c) and the API (portal-api.c): each fills the
   reply; the store is open (writable: lookups are audited). */
void portal_page_login(struct portal *p, const struct portal_caller *caller, const char *message,
		       unsigned int status, struct portal_reply *reply);
void portal_page_error(const struct portal_caller *caller, unsigned int status, const char *message,
		       struct portal_reply *reply);
void portal_page_summary(struct portal *p, struct asn_store *store,
			 const struct portal_caller *caller, struct portal_reply *reply);
void portal_page_stuck(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		       const struct portal_caller *caller, struct portal_reply *reply);
void portal_page_person(struct portal *p, struct asn_store *store, const char *user,
			const struct portal_caller *caller, struct portal_reply *reply);
void portal_page_tokens(struct portal *p, struct asn_store *store,
			const struct portal_caller *caller, const char *new_token,
			const char *message, struct portal_reply *reply);
const char *portal_stylesheet(void);

/* A store failure: logged with WHAT, a 503 page asking to retry. */
void portal_store_failed(struct portal *p, const struct portal_caller *caller, const char *what,
			 const struct asn_error *err, struct portal_reply *reply);

/* The verifier's cases from the person's page (portal-cases.c). */
void portal_case_add(struct portal *p, struct asn_store *store, const char *user,
		     const struct portal_request *req, const struct portal_caller *caller,
		     struct portal_reply *reply);
void portal_case_close(struct portal *p, struct asn_store *store, const char *id_text,
		       const struct portal_request *req, const struct portal_caller *caller,
		       struct portal_reply *reply);

void portal_api_error(unsigned int status, const char *code, const char *message,
		      struct portal_reply *reply);
void portal_api_progress(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
			 const struct portal_caller *caller, struct portal_reply *reply);
void portal_api_stuck(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		      const struct portal_caller *caller, struct portal_reply *reply);
void portal_api_user(struct portal *p, struct asn_store *store, const char *user,
		     const struct portal_caller *caller, struct portal_reply *reply);

/* The filter of the stuck list from the query (opd, stage|tahap,
   diagnosis|masalah, q); false with a message for a bad value. */
bool portal_stuck_filter(struct MHD_Connection *conn, bool api,
			 struct asn_bsre_progress_filter *filter_r, char *error_r, size_t size);

/* The HTTP side (portal-http.c). */
struct MHD_Daemon *portal_http_start(struct portal *p, const struct sockaddr *addr);

#endif
