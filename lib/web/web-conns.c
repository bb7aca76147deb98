/* Connection guard for asn-passwdd and asn-portal, against slow clients
   ("slowloris").  libmicrohttpd's timeout restarts with every byte
   received, so a client trickling one header byte at a time keeps its slot
   for ever, and a few hundred such sockets hold all of them.  Here:
   - one address holds at most ASN_WEB_CONNS_PER_ADDRESS slots (a trusted
     proxy ASN_WEB_CONNS_PER_PROXY), so the others always find free ones;
     IPv6 addresses count per /64, which one client usually has whole;
   - a request must arrive whole within the request timeout of the
     connection's start: a watcher thread shuts down the socket of one that
     has not, and libmicrohttpd then closes it as a client that went away.
   Each connection has its own thread, so that no verify delays the
   reading of another request.  Each connection carries one request
   (replies say Connection: close), so the bound covers everything a client
   sends. */
#include "asn-web.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct tracked_conn {
	struct tracked_conn *prev, *next;
	struct asn_web_addr addr;
	MHD_socket fd;
	struct timespec start;
	bool received;	/* the handler has the whole request */
	bool cut;	/* shut down by the watcher */
};

struct asn_web_conns {
	const struct asn_web_proxies *proxies;
	const struct asn_web_log *log;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t watcher;
	bool stopping;
	unsigned int timeout_ms;
	struct tracked_conn *head;
};

/* IPv6 outside the IPv4-mapped range compares by /64. */
static bool same_client(const struct asn_web_addr *a, const struct asn_web_addr *b)
{
	static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(a->bytes, v4_mapped, 12) == 0)
		return memcmp(a->bytes, b->bytes, 16) == 0;
	return memcmp(a->bytes, b->bytes, 8) == 0;
}

static unsigned int count_from(const struct asn_web_conns *conns, const struct asn_web_addr *addr)
{
	unsigned int n = 0;

	for (const struct tracked_conn *c = conns->head; c != NULL; c = c->next) {
		if (!c->cut && same_client(&c->addr, addr))
			n++;
	}
	return n;
}

static unsigned int cap_for(const struct asn_web_conns *conns, const struct asn_web_addr *addr)
{
	return asn_web_is_proxy(conns->proxies, addr) ? ASN_WEB_CONNS_PER_PROXY :
		ASN_WEB_CONNS_PER_ADDRESS;
}

static long elapsed_ms(const struct timespec *since, const struct timespec *now)
{
	return (long)(now->tv_sec - since->tv_sec) * 1000 +
		(now->tv_nsec - since->tv_nsec) / 1000000;
}

static void *watch(void *cls)
{
	struct asn_web_conns *conns = cls;

	pthread_mutex_lock(&conns->lock);
	while (!conns->stopping) {
		struct timespec now, until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&conns->wake, &conns->lock, &until);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct tracked_conn *c = conns->head; c != NULL; c = c->next) {
			char addr[INET6_ADDRSTRLEN + 1];

			if (c->received || c->cut ||
			    elapsed_ms(&c->start, &now) < (long)conns->timeout_ms)
				continue;
			/* The socket stays libmicrohttpd's: it is closed only
			   after the CLOSED notification, which needs this lock. */
			(void)shutdown(c->fd, SHUT_RDWR);
			c->cut = true;
			asn_web_addr_str(&c->addr, addr, sizeof(addr));
			asn_web_log(conns->log, LOG_NOTICE, "closed a connection from %s: no whole "
				    "request within %u ms", addr, conns->timeout_ms);
		}
	}
	pthread_mutex_unlock(&conns->lock);
	return NULL;
}

struct asn_web_conns *asn_web_conns_new(const struct asn_web_proxies *proxies,
					const struct asn_web_log *log,
					unsigned int request_timeout)
{
	struct asn_web_conns *conns = asn_xcalloc(1, sizeof(*conns));

	conns->proxies = proxies;
	conns->log = log;
	conns->timeout_ms = request_timeout * 1000U;
	pthread_mutex_init(&conns->lock, NULL);
	pthread_cond_init(&conns->wake, NULL);
	if (pthread_create(&conns->watcher, NULL, watch, conns) != 0) {
		pthread_cond_destroy(&conns->wake);
		pthread_mutex_destroy(&conns->lock);
		free(conns);
		return NULL;
	}
	return conns;
}

/* After MHD_stop_daemon: every connection is closed by then. */
void asn_web_conns_free(struct asn_web_conns **_conns)
{
	struct asn_web_conns *conns = *_conns;

	*_conns = NULL;
	if (conns == NULL)
		return;
	pthread_mutex_lock(&conns->lock);
	conns->stopping = true;
	pthread_cond_signal(&conns->wake);
	pthread_mutex_unlock(&conns->lock);
	pthread_join(conns->watcher, NULL);
	while (conns->head != NULL) {
		struct tracked_conn *c = conns->head;

		conns->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&conns->wake);
	pthread_mutex_destroy(&conns->lock);
	free(conns);
}

static enum MHD_Result conns_accept(void *cls, const struct sockaddr *sa,
				     socklen_t len ASN_UNUSED)
{
	struct asn_web_conns *conns = cls;
	struct asn_web_addr addr;
	bool full;

	if (!asn_web_addr_from_sockaddr(sa, &addr))
		return MHD_NO;
	pthread_mutex_lock(&conns->lock);
	full = count_from(conns, &addr) >= cap_for(conns, &addr);
	pthread_mutex_unlock(&conns->lock);
	return full ? MHD_NO : MHD_YES;
}

static void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct asn_web_conns *conns = cls;
	struct tracked_conn *c = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (c == NULL)
			return;
		pthread_mutex_lock(&conns->lock);
		if (c->prev != NULL)
			c->prev->next = c->next;
		else
			conns->head = c->next;
		if (c->next != NULL)
			c->next->prev = c->prev;
		pthread_mutex_unlock(&conns->lock);
		free(c);
		*socket_context = NULL;
		return;
	}
	{
		/* libmicrohttpd 1.0 answers every info query in one union per
		   connection: each answer is read before the next query (the
		   fd's overwrote the address pointer, which then crashed). */
		const union MHD_ConnectionInfo *info;

		c = asn_xcalloc(1, sizeof(*c));
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (info != NULL)
			(void)asn_web_addr_from_sockaddr(info->client_addr, &c->addr);
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c->fd = info != NULL ? info->connect_fd : MHD_INVALID_SOCKET;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
	}
	pthread_mutex_lock(&conns->lock);
	/* Accepts racing on several threads can pass the accept policy
	   together: the count here is the one that holds. */
	if (c->fd == MHD_INVALID_SOCKET || count_from(conns, &c->addr) >= cap_for(conns, &c->addr)) {
		if (c->fd != MHD_INVALID_SOCKET)
			(void)shutdown(c->fd, SHUT_RDWR);
		c->cut = true;
	}
	c->next = conns->head;
	if (conns->head != NULL)
		conns->head->prev = c;
	conns->head = c;
	pthread_mutex_unlock(&conns->lock);
	*socket_context = c;
}

void asn_web_conns_received(struct asn_web_conns *conns, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked_conn *c;

	if (info == NULL || info->socket_context == NULL)
		return;
	c = info->socket_context;
	pthread_mutex_lock(&conns->lock);
	c->received = true;
	pthread_mutex_unlock(&conns->lock);
}

/* URL paths and query values: "%00" would end a value early and
   silently ("/orang/someone%00junk" read as someone): it becomes DEL, a
   control character every check refuses. */
static size_t unescape(void *cls ASN_UNUSED, struct MHD_Connection *conn ASN_UNUSED, char *s)
{
	for (char *p = strstr(s, "%00"); p != NULL; p = strstr(p + 3, "%00")) {
		p[1] = '7';
		p[2] = 'F';
	}
	return MHD_http_unescape(s);
}

struct MHD_Daemon *asn_web_start(struct asn_web_conns *conns, const struct sockaddr *addr,
				 unsigned int request_timeout,
				 MHD_AccessHandlerCallback handler, void *handler_cls,
				 MHD_RequestCompletedCallback completed, void *completed_cls)
{
	/* The idle timeout restarts with every byte: the whole-request bound
	   above is the one that holds against slow clients. */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
				MHD_USE_ERROR_LOG |
				(addr->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, conns_accept, conns, handler, handler_cls,
				MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_CONNECTION_LIMIT, ASN_WEB_CONNS_TOTAL,
				MHD_OPTION_CONNECTION_TIMEOUT, request_timeout,
				MHD_OPTION_NOTIFY_CONNECTION, conns_notify, conns,
				MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				MHD_OPTION_END);
}
