/* The daemon's frame: its log, its listen address, its start. */
#include "asn-web.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

void asn_web_log(const struct asn_web_log *log, int priority, const char *fmt, ...)
{
	char line[1024], safe[sizeof(line) * 4];
	size_t n = 0;
	va_list args;

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	/* What clients send (a path, a name) ends up in lines: a control
	   character must not start a line of its own making. */
	for (const unsigned char *p = (const unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(safe + n, sizeof(safe) - n, "\\x%02x", *p);
		else
			safe[n++] = (char)*p;
	}
	safe[n] = '\0';
	if (log->use_syslog)
		syslog(priority, "%s", safe);
	else
		fprintf(stderr, "%s: %s\n", log->ident, safe);
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

static volatile sig_atomic_t stop_signal;
static sigset_t wait_mask;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void asn_web_signals_init(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
}

int asn_web_wait_for_signal(void)
{
	while (stop_signal == 0)
		(void)sigsuspend(&wait_mask);
	return (int)stop_signal;
}
