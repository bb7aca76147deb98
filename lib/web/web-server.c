/* The daemon's frame: its log, its listen address, its start. */
#include "asn-web.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

void asn_web_log(const struct asn_web_log *log, int priority, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	if (log->use_syslog) {
		vsyslog(priority, fmt, args);
	} else {
		fprintf(stderr, "%s: ", log->ident);
		vfprintf(stderr, fmt, args);
		fputc('\n', stderr);
	}
	va_end(args);
}

int asn_web_listen_parse(const char *spec, union asn_web_sockaddr *addr)
{
	char host[128];
	const char *colon;
	char *end;
	unsigned long port;

	memset(addr, 0, sizeof(*addr));
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host))
			return -1;
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = '\0';
		colon = close + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
			return -1;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > 65535)
		return -1;
	if (spec[0] == '[') {
		addr->in6.sin6_family = AF_INET6;
		addr->in6.sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &addr->in6.sin6_addr) == 1 ? 0 : -1;
	}
	addr->in.sin_family = AF_INET;
	addr->in.sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &addr->in.sin_addr) == 1 ? 0 : -1;
}
