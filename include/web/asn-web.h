#ifndef ASN_WEB_H
#define ASN_WEB_H

#include <stdbool.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <microhttpd.h>
#include "asn-util.h"

/* What asn-passwdd and asn-portal share to stand on the network
   (libmicrohttpd): logging, who the client is behind a trusted proxy,
   connection slots and the bound on slow clients, failure counting for
   429 replies, the listen address and the daemon's start. */

/* Connection slots: one address holds at most ASN_WEB_CONNS_PER_ADDRESS
   of them (a trusted proxy, which carries every webmail or portal user,
   ASN_WEB_CONNS_PER_PROXY), so ASN_WEB_CONNS_TOTAL - PER_PROXY always
   remain for the others.  A slot is a thread (one per connection, so that
   a slow request never stalls the reading of another) and ~32 KB. */
#define ASN_WEB_CONNS_TOTAL 256U
#define ASN_WEB_CONNS_PER_ADDRESS 8U
#define ASN_WEB_CONNS_PER_PROXY 128U

/* Logging: stderr ("IDENT: message") or syslog (facility mail), one line
   each: control characters are written as \xNN (a line is at most 1 KB). */
struct asn_web_log {
	const char *ident;
	bool use_syslog;
};
void asn_web_log(const struct asn_web_log *log, int priority, const char *fmt, ...)
	ASN_ATTR_FORMAT(3, 4);

/* An address as compared: IPv4 as its IPv4-mapped IPv6 form. */
struct asn_web_addr {
	unsigned char bytes[16];
};

/* Returns false for another family. */
bool asn_web_addr_from_sockaddr(const struct sockaddr *sa, struct asn_web_addr *addr_r);
/* "192.0.2.1", "2001:db8::1" */
bool asn_web_addr_parse(const char *text, struct asn_web_addr *addr_r);
void asn_web_addr_str(const struct asn_web_addr *addr, char *out, size_t size);

/* The trusted proxies (a setting: addresses separated by blanks or
   commas, no networks). */
struct asn_web_proxies {
	struct asn_web_addr *addrs;
	unsigned int count;
};
/* SETTING names the setting in the error. */
int asn_web_proxies_parse(struct asn_web_proxies *proxies_r, const char *setting,
			  const char *value, struct asn_error *err);
void asn_web_proxies_free(struct asn_web_proxies *proxies);
bool asn_web_is_proxy(const struct asn_web_proxies *proxies, const struct asn_web_addr *addr);
/* The client of a request: the peer, or, when the peer is a trusted
   proxy, the last address of its X-Forwarded-For. */
void asn_web_client_address(const struct asn_web_proxies *proxies, const struct asn_web_log *log,
			    struct MHD_Connection *conn, char *out, size_t size);
/* True when the peer is a trusted proxy that says the client came over
   HTTPS (X-Forwarded-Proto: https). */
bool asn_web_forwarded_https(const struct asn_web_proxies *proxies, struct MHD_Connection *conn);

/* Failure counting for 429 replies (web-limits.c): per account (or per
   name that is no account) and per client address, in a sliding window.
   Thread-safe. */
struct asn_web_limits *asn_web_limits_new(unsigned int max_account, unsigned int max_client,
					  unsigned int window_secs);
void asn_web_limits_free(struct asn_web_limits **limits);
/* Before verifying: returns the seconds to wait when the account is over
   its limit (nothing counted), or 0 after counting this attempt as a
   failure (the reservation), atomically, so that parallel guesses cannot
   all pass the check.  *client_wait_r: the seconds the client address is
   over its own limit (0: not over); that limit never refuses by itself. */
unsigned int asn_web_limits_reserve(struct asn_web_limits *limits, const char *account,
				    const char *client, time_t now,
				    unsigned int *client_wait_r);
/* The attempt was no wrong guess (right password, refused new one, error):
   give the reservation back. */
void asn_web_limits_release(struct asn_web_limits *limits, const char *account);
/* A wrong guess: counted for the client (the account's is the reservation). */
void asn_web_limits_fail_client(struct asn_web_limits *limits, const char *client, time_t now);
/* A success: the account's count starts again. */
void asn_web_limits_success(struct asn_web_limits *limits, const char *account);

/* Connection guard (web-conns.c): slots per address, and a bound on the
   whole time to receive a request, however slowly it trickles. */
struct asn_web_conns *asn_web_conns_new(const struct asn_web_proxies *proxies,
					const struct asn_web_log *log,
					unsigned int request_timeout);
void asn_web_conns_free(struct asn_web_conns **conns);
/* The request was received whole: no longer subject to the bound. */
void asn_web_conns_received(struct asn_web_conns *conns, struct MHD_Connection *conn);

union asn_web_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};
/* "127.0.0.1:8089", "[::1]:8089", "0.0.0.0:8089"; -1 when malformed. */
int asn_web_listen_parse(const char *spec, union asn_web_sockaddr *addr_r);

/* SIGTERM and SIGINT end the daemon, SIGPIPE is ignored.  Call before
   starting the daemon: its threads inherit TERM and INT blocked, so only
   asn_web_wait_for_signal() takes them, without a race. */
void asn_web_signals_init(void);
/* Waits for SIGTERM or SIGINT; returns which. */
int asn_web_wait_for_signal(void);

/* Starts a daemon on ADDR: a thread per connection, the guard of CONNS,
   HANDLER for requests and COMPLETED when one ends.  NULL with errno. */
struct MHD_Daemon *asn_web_start(struct asn_web_conns *conns, const struct sockaddr *addr,
				 unsigned int request_timeout,
				 MHD_AccessHandlerCallback handler, void *handler_cls,
				 MHD_RequestCompletedCallback completed, void *completed_cls);

#endif
