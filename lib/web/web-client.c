/* Who the client of a request is.  Behind the webmail every user arrives
   from the webmail's address; the webmail then says who it serves in
   X-Forwarded-For, and only a peer listed in the trusted proxies
   (asn_passwdd_trusted_proxies, asn_portal_trusted_proxies) is believed.
   Of that header only the last address counts: the one the trusted proxy
   appended itself (anything before it the user wrote). */
#include "asn-web.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool asn_web_addr_from_sockaddr(const struct sockaddr *sa, struct asn_web_addr *addr_r)
{
	memset(addr_r, 0, sizeof(*addr_r));
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		memcpy(addr_r->bytes, v4_mapped, sizeof(v4_mapped));
		memcpy(addr_r->bytes + 12, &in->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		memcpy(addr_r->bytes, &in6->sin6_addr, 16);
		return true;
	}
	return false;
}

bool asn_web_addr_parse(const char *text, struct asn_web_addr *addr_r)
{
	unsigned char v4[4];

	memset(addr_r, 0, sizeof(*addr_r));
	if (inet_pton(AF_INET, text, v4) == 1) {
		memcpy(addr_r->bytes, v4_mapped, sizeof(v4_mapped));
		memcpy(addr_r->bytes + 12, v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, text, addr_r->bytes) == 1;
}

void asn_web_addr_str(const struct asn_web_addr *addr, char *out, size_t size)
{
	if (memcmp(addr->bytes, v4_mapped, sizeof(v4_mapped)) == 0) {
		if (inet_ntop(AF_INET, addr->bytes + 12, out, (socklen_t)size) != NULL)
			return;
	} else if (inet_ntop(AF_INET6, addr->bytes, out, (socklen_t)size) != NULL) {
		return;
	}
	snprintf(out, size, "?");
}

bool asn_web_is_proxy(const struct asn_web_proxies *proxies, const struct asn_web_addr *addr)
{
	for (unsigned int i = 0; i < proxies->count; i++) {
		if (memcmp(proxies->addrs[i].bytes, addr->bytes, sizeof(addr->bytes)) == 0)
			return true;
	}
	return false;
}

int asn_web_proxies_parse(struct asn_web_proxies *proxies, const char *setting,
			  const char *value, struct asn_error *err)
{
	char *copy = asn_xstrdup(value), *save = NULL;

	memset(proxies, 0, sizeof(*proxies));
	for (char *word = strtok_r(copy, " \t,", &save); word != NULL;
	     word = strtok_r(NULL, " \t,", &save)) {
		struct asn_web_addr addr;

		if (!asn_web_addr_parse(word, &addr)) {
			asn_error_set(err, "%s: '%s' is not an IPv4 or IPv6 address "
				      "(networks are not accepted)", setting, word);
			free(copy);
			asn_web_proxies_free(proxies);
			return -1;
		}
		proxies->addrs = asn_xrealloc(proxies->addrs,
					      (proxies->count + 1) * sizeof(*proxies->addrs));
		proxies->addrs[proxies->count++] = addr;
	}
	free(copy);
	return 0;
}

void asn_web_proxies_free(struct asn_web_proxies *proxies)
{
	free(proxies->addrs);
	proxies->addrs = NULL;
	proxies->count = 0;
}

struct forwarded_search {
	const char *last;
};

static enum MHD_Result find_forwarded(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				      const char *key, const char *value)
{
	struct forwarded_search *search = cls;

	if (strcasecmp(key, "X-Forwarded-For") == 0 && value != NULL)
		search->last = value;	/* the last header is the proxy's */
	return MHD_YES;
}

/* The last comma-separated element of VALUE, without blanks. */
static bool last_hop(const char *value, char *out, size_t size)
{
	const char *start = strrchr(value, ',');
	const char *end;

	start = start == NULL ? value : start + 1;
	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == start || (size_t)(end - start) >= size)
		return false;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return true;
}

void asn_web_client_address(const struct asn_web_proxies *proxies, const struct asn_web_log *log,
			    struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct forwarded_search search = { NULL };
	struct asn_web_addr peer, client;
	char hop[INET6_ADDRSTRLEN + 1];

	if (info == NULL || !asn_web_addr_from_sockaddr(info->client_addr, &peer)) {
		snprintf(out, size, "?");
		return;
	}
	asn_web_addr_str(&peer, out, size);
	if (!asn_web_is_proxy(proxies, &peer))
		return;
	(void)MHD_get_connection_values(conn, MHD_HEADER_KIND, find_forwarded, &search);
	if (search.last == NULL)
		return;	/* the proxy's own request */
	if (!last_hop(search.last, hop, sizeof(hop)) || !asn_web_addr_parse(hop, &client)) {
		/* Counted against the proxy rather than a name it made up. */
		asn_web_log(log, LOG_WARNING, "trusted proxy %s sent an X-Forwarded-For whose "
			    "last element is not an address; counting the proxy", out);
		return;
	}
	asn_web_addr_str(&client, out, size);
}

static enum MHD_Result find_proto(void *cls, enum MHD_ValueKind kind ASN_UNUSED,
				  const char *key, const char *value)
{
	const char **last = cls;

	if (strcasecmp(key, "X-Forwarded-Proto") == 0 && value != NULL)
		*last = value;
	return MHD_YES;
}

bool asn_web_forwarded_https(const struct asn_web_proxies *proxies, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct asn_web_addr peer;
	const char *proto = NULL;

	if (info == NULL || !asn_web_addr_from_sockaddr(info->client_addr, &peer) ||
	    !asn_web_is_proxy(proxies, &peer))
		return false;
	(void)MHD_get_connection_values(conn, MHD_HEADER_KIND, find_proto, &proto);
	return proto != NULL && strcasecmp(proto, "https") == 0;
}
