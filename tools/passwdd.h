#ifndef PASSWDD_H
#define PASSWDD_H

#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include "asn-settings.h"
#include "asn-policy.h"
#include "asn-store.h"

/* asn-passwdd: the password change service for webmail (Roundcube's
   password plugin, httpapi driver) and portals. */

struct passwdd {
	struct asn_settings set;
	struct asn_policy policy;
	struct passwdd_limits *limits;
	bool use_syslog;
};

void passwdd_log(struct passwdd *d, int priority, const char *fmt, ...)
	ASN_ATTR_FORMAT(3, 4);

/* Failure counting for 429 replies: per user and per client address,
   in a sliding window.  Thread-safe. */
struct passwdd_limits *passwdd_limits_new(unsigned int max_user, unsigned int max_client,
					  unsigned int window_secs);
void passwdd_limits_free(struct passwdd_limits **limits);
/* Returns 0 when allowed, or the seconds until the key is allowed again. */
unsigned int passwdd_limits_check(struct passwdd_limits *limits, const char *user,
				  const char *client, time_t now);
void passwdd_limits_fail(struct passwdd_limits *limits, const char *user,
			 const char *client, time_t now);
void passwdd_limits_success(struct passwdd_limits *limits, const char *user);

/* The HTTP side (libmicrohttpd). */
struct MHD_Daemon *passwdd_http_start(struct passwdd *d, const struct sockaddr *addr,
				      unsigned int threads);

#endif
