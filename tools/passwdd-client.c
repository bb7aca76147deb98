/* Who the client of a request is.  Behind the webmail every user arrives
   from the webmail's address; the webmail then says who it serves in
   X-Forwarded-For, and only a peer listed in asn_passwdd_trusted_proxies
   is believed.  Of that header only the last address counts: the one the
   trusted proxy appended itself (anything before it the user wrote). */
#include "passwdd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool passwdd_addr_from_sockaddr(const struct sockaddr *sa, struct passwdd_addr *addr_r)
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

bool passwdd_addr_parse(const char *text, struct passwdd_addr *addr_r)
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

void passwdd_addr_str(const struct passwdd_addr *addr, char *out, size_t size)
{
	if (memcmp(addr->bytes, v4_mapped, sizeof(v4_mapped)) == 0) {
		if (inet_ntop(AF_INET, addr->bytes + 12, out, (socklen_t)size) != NULL)
			return;
	} else if (inet_ntop(AF_INET6, addr->bytes, out, (socklen_t)size) != NULL) {
		return;
	}
	snprintf(out, size, "?");
}

bool passwdd_is_proxy(const struct passwdd *d, const struct passwdd_addr *addr)
{
	for (unsigned int i = 0; i < d->proxy_count; i++) {
		if (memcmp(d->proxies[i].bytes, addr->bytes, sizeof(addr->bytes)) == 0)
			return true;
	}
	return false;
}

int passwdd_proxies_init(struct passwdd *d, struct asn_error *err)
{
	char *copy = asn_xstrdup(d->set.passwdd_trusted_proxies), *save = NULL;

	for (char *word = strtok_r(copy, " \t,", &save); word != NULL;
	     word = strtok_r(NULL, " \t,", &save)) {
		struct passwdd_addr addr;

		if (!passwdd_addr_parse(word, &addr)) {
			asn_error_set(err, "asn_passwdd_trusted_proxies: '%s' is not an IPv4 or "
				      "IPv6 address (networks are not accepted)", word);
			free(copy);
			return -1;
		}
		d->proxies = asn_xrealloc(d->proxies, (d->proxy_count + 1) * sizeof(*d->proxies));
		d->proxies[d->proxy_count++] = addr;
	}
	free(copy);
	return 0;
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

void passwdd_client_address(struct passwdd *d, struct MHD_Connection *conn,
			    char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct forwarded_search search = { NULL };
	struct passwdd_addr peer, client;
	char hop[INET6_ADDRSTRLEN + 1];

	if (info == NULL || !passwdd_addr_from_sockaddr(info->client_addr, &peer)) {
		snprintf(out, size, "?");
		return;
	}
	passwdd_addr_str(&peer, out, size);
	if (!passwdd_is_proxy(d, &peer))
		return;
	(void)MHD_get_connection_values(conn, MHD_HEADER_KIND, find_forwarded, &search);
	if (search.last == NULL)
		return;	/* the proxy's own request */
	if (!last_hop(search.last, hop, sizeof(hop)) || !passwdd_addr_parse(hop, &client)) {
		/* Counted against the proxy rather than a name it made up. */
		passwdd_log(d, LOG_WARNING, "trusted proxy %s sent an X-Forwarded-For whose "
			    "last element is not an address; counting the proxy", out);
		return;
	}
	passwdd_addr_str(&client, out, size);
}
