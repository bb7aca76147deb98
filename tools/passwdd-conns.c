/* Connection guard for asn-passwdd, against slow clients ("slowloris").
   libmicrohttpd's timeout restarts with every byte received, so a client
   trickling one header byte at a time keeps its slot for ever, and a few
   hundred such sockets hold all of them.  Here:
   - one address holds at most PASSWDD_CONNS_PER_ADDRESS slots (a trusted
     proxy PASSWDD_CONNS_PER_PROXY), so the others always find free ones;
     IPv6 addresses count per /64, which one client usually has whole;
   - a request must arrive whole within asn_passwdd_request_timeout of the
     connection's start: a watcher thread shuts down the socket of one that
     has not, and libmicrohttpd then closes it as a client that went away.
   Each connection has its own thread, so that no verify delays the
   reading of another request.  Each connection carries one request (replies say Connection: close), so
   the bound covers everything a client sends. */
#include "passwdd.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct tracked_conn {
	struct tracked_conn *prev, *next;
	struct passwdd_addr addr;
	MHD_socket fd;
	struct timespec start;
	bool received;	/* the handler has the whole request */
	bool cut;	/* shut down by the watcher */
};

struct passwdd_conns {
	struct passwdd *d;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t watcher;
	bool stopping;
	unsigned int timeout_ms;
	struct tracked_conn *head;
};

/* IPv6 outside the IPv4-mapped range compares by /64. */
static bool same_client(const struct passwdd_addr *a, const struct passwdd_addr *b)
{
	static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(a->bytes, v4_mapped, 12) == 0)
		return memcmp(a->bytes, b->bytes, 16) == 0;
	return memcmp(a->bytes, b->bytes, 8) == 0;
}

static unsigned int count_from(const struct passwdd_conns *conns, const struct passwdd_addr *addr)
{
	unsigned int n = 0;

	for (const struct tracked_conn *c = conns->head; c != NULL; c = c->next) {
		if (!c->cut && same_client(&c->addr, addr))
			n++;
	}
	return n;
}

static unsigned int cap_for(const struct passwdd_conns *conns, const struct passwdd_addr *addr)
{
	return passwdd_is_proxy(conns->d, addr) ? PASSWDD_CONNS_PER_PROXY :
		PASSWDD_CONNS_PER_ADDRESS;
}

static long elapsed_ms(const struct timespec *since, const struct timespec *now)
{
	return (long)(now->tv_sec - since->tv_sec) * 1000 +
		(now->tv_nsec - since->tv_nsec) / 1000000;
}

static void *watch(void *cls)
{
	struct passwdd_conns *conns = cls;

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
			passwdd_addr_str(&c->addr, addr, sizeof(addr));
			passwdd_log(conns->d, LOG_NOTICE, "closed a connection from %s: no whole "
				    "request within %u ms", addr, conns->timeout_ms);
		}
	}
	pthread_mutex_unlock(&conns->lock);
	return NULL;
}

struct passwdd_conns *passwdd_conns_new(struct passwdd *d, unsigned int request_timeout)
{
	struct passwdd_conns *conns = asn_xcalloc(1, sizeof(*conns));

	conns->d = d;
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
void passwdd_conns_free(struct passwdd_conns **_conns)
{
	struct passwdd_conns *conns = *_conns;

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

enum MHD_Result passwdd_conns_accept(void *cls, const struct sockaddr *sa,
				     socklen_t len ASN_UNUSED)
{
	struct passwdd_conns *conns = cls;
	struct passwdd_addr addr;
	bool full;

	if (!passwdd_addr_from_sockaddr(sa, &addr))
		return MHD_NO;
	pthread_mutex_lock(&conns->lock);
	full = count_from(conns, &addr) >= cap_for(conns, &addr);
	pthread_mutex_unlock(&conns->lock);
	return full ? MHD_NO : MHD_YES;
}

void passwdd_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct passwdd_conns *conns = cls;
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
			(void)passwdd_addr_from_sockaddr(info->client_addr, &c->addr);
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

void passwdd_conns_received(struct passwdd_conns *conns, struct MHD_Connection *conn)
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
