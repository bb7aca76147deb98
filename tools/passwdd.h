#ifndef PASSWDD_H
#define PASSWDD_H

#include <semaphore.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>
#include "asn-web.h"
#include "asn-settings.h"
#include "asn-policy.h"
#include "asn-store.h"

/* asn-passwdd: the password change service for webmail (Roundcube's
   password plugin, httpapi driver) and portals. */

struct passwdd {
	struct asn_settings set;
	struct asn_policy policy;
	struct asn_web_limits *limits;
	struct asn_web_conns *conns;
	/* Password work (Argon2id: time and memory) at once, at most. */
	sem_t work_slots;
	/* asn_passwdd_trusted_proxies, parsed */
	struct asn_web_proxies proxies;
	struct asn_web_log log;
};

/* The HTTP side (libmicrohttpd). */
struct MHD_Daemon *passwdd_http_start(struct passwdd *d, const struct sockaddr *addr);

#endif
