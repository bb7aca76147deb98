#ifndef PASSWDD_H
#define PASSWDD_H

#include <semaphore.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>
#include "asn-settings.h"
#include "asn-policy.h"
#include "asn-store.h"

/* asn-passwdd: the password change service for webmail (Roundcube's
   password plugin, httpapi driver) and portals. */

/* Connection slots: one address holds at most CONNS_PER_ADDRESS of them
   (a trusted proxy, which carries every webmail user, CONNS_PER_PROXY), so
   CONNS_TOTAL - CONNS_PER_PROXY always remain for the others.  A slot is
   a thread (one per connection, so that a verify never stalls the reading
   of another request) and ~32 KB; verifies run at most one per core. */
#define PASSWDD_CONNS_TOTAL 256U
#define PASSWDD_CONNS_PER_ADDRESS 8U
#define PASSWDD_CONNS_PER_PROXY 128U

/* An address as compared: IPv4 as its IPv4-mapped IPv6 form. */
struct passwdd_addr {
	unsigned char bytes[16];
};

struct passwdd {
	struct asn_settings set;
	struct asn_policy policy;
	struct passwdd_limits *limits;
	struct passwdd_conns *conns;
	/* Password work (Argon2id: time and memory) at once, at most. */
	sem_t work_slots;
	/* asn_passwdd_trusted_proxies, parsed */
	struct passwdd_addr *proxies;
	unsigned int proxy_count;
	bool use_syslog;
};

void passwdd_log(struct passwdd *d, int priority, const char *fmt, ...)
	ASN_ATTR_FORMAT(3, 4);

/* Addresses (passwdd-client.c).  Returns false for another family. */
bool passwdd_addr_from_sockaddr(const struct sockaddr *sa, struct passwdd_addr *addr_r);
/* "192.0.2.1", "2001:db8::1" */
bool passwdd_addr_parse(const char *text, struct passwdd_addr *addr_r);
void passwdd_addr_str(const struct passwdd_addr *addr, char *out, size_t size);
bool passwdd_is_proxy(const struct passwdd *d, const struct passwdd_addr *addr);
/* Parses asn_passwdd_trusted_proxies into d->proxies. */
int passwdd_proxies_init(struct passwdd *d, struct asn_error *err);
/* The client of a request: the peer, or, when the peer is a trusted
   proxy, the last address of its X-Forwarded-For. */
void passwdd_client_address(struct passwdd *d, struct MHD_Connection *conn,
			    char *out, size_t size);

/* Failure counting for 429 replies (passwdd-limits.c): per account (or
   per name that is no account) and per client address, in a sliding
   window.  Thread-safe. */
struct passwdd_limits *passwdd_limits_new(unsigned int max_account, unsigned int max_client,
					  unsigned int window_secs);
void passwdd_limits_free(struct passwdd_limits **limits);
/* Before verifying: returns the seconds to wait when the account is over
   its limit (nothing counted), or 0 after counting this attempt as a
   failure (the reservation), atomically, so that parallel guesses cannot
   all pass the check.  *client_wait_r: the seconds the client address is
   over its own limit (0: not over); that limit never refuses by itself. */
unsigned int passwdd_limits_reserve(struct passwdd_limits *limits, const char *account,
				    const char *client, time_t now,
				    unsigned int *client_wait_r);
/* The attempt was no wrong guess (right password, refused new one, error):
   give the reservation back. */
void passwdd_limits_release(struct passwdd_limits *limits, const char *account);
/* A wrong guess: counted for the client (the account's is the reservation). */
void passwdd_limits_fail_client(struct passwdd_limits *limits, const char *client, time_t now);
/* A change made: the account's count starts again. */
void passwdd_limits_success(struct passwdd_limits *limits, const char *account);

/* Connection guard (passwdd-conns.c): slots per address, and a bound on
   the whole time to receive a request, however slowly it trickles. */
struct passwdd_conns *passwdd_conns_new(struct passwdd *d, unsigned int request_timeout);
void passwdd_conns_free(struct passwdd_conns **conns);
/* For MHD_start_daemon: the accept policy and MHD_OPTION_NOTIFY_CONNECTION. */
enum MHD_Result passwdd_conns_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void passwdd_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe);
/* The request was received whole: no longer subject to the bound. */
void passwdd_conns_received(struct passwdd_conns *conns, struct MHD_Connection *conn);

/* The HTTP side (libmicrohttpd). */
struct MHD_Daemon *passwdd_http_start(struct passwdd *d, const struct sockaddr *addr);

#endif
