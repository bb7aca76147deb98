#ifndef BSRE_DKIM_PRIVATE_H
#define BSRE_DKIM_PRIVATE_H

/* The parts of the DKIM check behind asn-bsre-dkim.h: where keys come
   from (a file, or DNS with a deadline). */
#include <stddef.h>
#include <time.h>
#include "asn-util.h"

/* A key lookup's outcome. */
enum asn_dkim_key_status {
	ASN_DKIM_KEY_FOUND,
	ASN_DKIM_KEY_NOT_FOUND,		/* NXDOMAIN or no TXT record: permanent */
	ASN_DKIM_KEY_TIMEOUT,		/* no answer before the deadline */
	ASN_DKIM_KEY_DNS_ERROR,		/* SERVFAIL, REFUSED, a bad answer */
	ASN_DKIM_KEY_UNREACHABLE,	/* no resolver could be asked */
	ASN_DKIM_KEY_NOT_IN_FILE,	/* asn_bsre_dkim_keys lacks it */
};

/* The resolver of asn_bsre_dkim_resolver: "" = the nameservers of
   /etc/resolv.conf (127.0.0.1 when it names none), else ADDRESS,
   ADDRESS:PORT or [IPv6]:PORT. */
struct asn_dkim_resolver;
int asn_dkim_resolver_init(const char *spec, struct asn_dkim_resolver **resolver_r,
			   struct asn_error *err);
void asn_dkim_resolver_free(struct asn_dkim_resolver **resolver);

/* The TXT record of name (its strings joined) into out, asking the
   resolver's servers in turn until deadline (CLOCK_MONOTONIC). */
enum asn_dkim_key_status asn_dkim_txt_lookup(const struct asn_dkim_resolver *resolver,
					     const char *name, const struct timespec *deadline,
					     char *out, size_t out_size);

#endif
