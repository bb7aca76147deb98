/* DKIM keys over DNS with a hard deadline and a resolver that may listen
   on any port.  libopendkim's own resolver takes a nameserver list
   without ports and a per-query timeout that glibc multiplies by its
   retries and servers; a BSrE delivery must be held at most
   asn_bsre_dkim_timeout in all, so the query is ours: res_mkquery() for
   the packet, UDP (EDNS0, 4096 bytes) on a connected socket so that only
   the server's answers are read, TCP when the answer is truncated,
   ns_initparse() for the answer. */
#include "bsre-dkim-private.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SERVERS 3		/* as many as glibc's resolver uses */
#define ANSWER_MAX 4096

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_storage ss;
};

struct asn_dkim_resolver {
	union sockaddr_any addr[MAX_SERVERS];
	socklen_t addr_len[MAX_SERVERS];
	unsigned int count;
};

static int add_server(struct asn_dkim_resolver *r, const char *host, const char *port)
{
	struct addrinfo hints, *ai = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	if (r->count >= MAX_SERVERS)
		return 0;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
		return -1;
	memcpy(&r->addr[r->count], ai->ai_addr, ai->ai_addrlen);
	r->addr_len[r->count] = ai->ai_addrlen;
	r->count++;
	freeaddrinfo(ai);
	return 0;
}

/* ADDRESS, ADDRESS:PORT, [IPv6] or [IPv6]:PORT; an IPv6 address alone
   has more than one ':'. */
static int parse_spec(struct asn_dkim_resolver *r, const char *spec)
{
	char host[128], port[8] = "53";
	const char *colon = strrchr(spec, ':');
	size_t len;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -1;
		len = (size_t)(close - spec - 1);
		colon = close[1] == ':' ? close + 1 : NULL;
		spec++;
	} else if (colon != NULL && strchr(spec, ':') != colon) {
		len = strlen(spec);		/* bare IPv6 */
		colon = NULL;
	} else {
		len = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	}
	if (len == 0 || len >= sizeof(host))
		return -1;
	memcpy(host, spec, len);
	host[len] = '\0';
	if (colon != NULL) {
		char *end;
		unsigned long n = strtoul(colon + 1, &end, 10);

		if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || n == 0 || n > 65535)
			return -1;
		snprintf(port, sizeof(port), "%lu", n);
	}
	return add_server(r, host, port);
}

/* The nameservers of resolv.conf, as glibc reads them. */
static void read_resolv_conf(struct asn_dkim_resolver *r)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[512];

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char word[16], addr[128];

		if (sscanf(line, "%15s %127s", word, addr) == 2 &&
		    strcmp(word, "nameserver") == 0) {
			char *pct = strchr(addr, '%');

			if (pct != NULL)	/* fe80::1%eth0: no scope here */
				continue;
			(void)add_server(r, addr, "53");
		}
	}
	if (f != NULL)
		fclose(f);
	if (r->count == 0)
		(void)add_server(r, "127.0.0.1", "53");
}

int asn_dkim_resolver_init(const char *spec, struct asn_dkim_resolver **resolver_r,
			   struct asn_error *err)
{
	struct asn_dkim_resolver *r = asn_xcalloc(1, sizeof(*r));

	if (spec == NULL || spec[0] == '\0')
		read_resolv_conf(r);
	else if (parse_spec(r, spec) < 0) {
		asn_error_set(err, "asn_bsre_dkim_resolver: '%s' is not ADDRESS, ADDRESS:PORT "
			      "or [IPv6]:PORT (numeric)", spec);
		free(r);
		return -1;
	}
	*resolver_r = r;
	return 0;
}

void asn_dkim_resolver_free(struct asn_dkim_resolver **resolver)
{
	free(*resolver);
	*resolver = NULL;
}

static int ms_until(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
		(deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 600000 ? 600000 : (int)ms;
}

/* Waits for fd until deadline; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int ms = ms_until(deadline), ret;

		if (ms == 0)
			return 0;
		ret = poll(&pfd, 1, ms);
		if (ret < 0 && errno == EINTR)
			continue;
		return ret < 0 ? -1 : ret;
	}
}

/* The query: TXT, recursion desired, an EDNS0 OPT record offering 4096
   bytes (a 2048-bit key's record does not fit in 512), a random ID. */
static int make_query(const char *name, unsigned char *q, size_t size)
{
	static const unsigned char opt[] = { 0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0 };
	int len = res_mkquery(ns_o_query, name, ns_c_in, ns_t_txt, NULL, 0, NULL, q,
			      (int)(size - sizeof(opt)));
	unsigned short id;

	if (len < HFIXEDSZ)
		return -1;
	if (getrandom(&id, sizeof(id), 0) == sizeof(id))
		memcpy(q, &id, sizeof(id));
	memcpy(q + len, opt, sizeof(opt));
	q[11] = (unsigned char)(q[11] + 1);		/* ARCOUNT 0 -> 1 */
	return len + (int)sizeof(opt);
}

/* Whether reply answers query: same ID, a response, the same question. */
static bool answers(const unsigned char *query, int qlen, const unsigned char *reply, int rlen)
{
	int question_end = qlen - 11;			/* the query's OPT record */

	return rlen >= question_end && memcmp(query, reply, 2) == 0 &&
		(reply[2] & 0x80) != 0 &&
		memcmp(query + HFIXEDSZ, reply + HFIXEDSZ, (size_t)(question_end - HFIXEDSZ)) == 0;
}

static enum asn_dkim_key_status read_answer(const unsigned char *reply, int len,
					    char *out, size_t out_size)
{
	ns_msg msg;
	ns_rr rr;

	if (ns_initparse(reply, len, &msg) < 0)
		return ASN_DKIM_KEY_DNS_ERROR;
	switch (ns_msg_getflag(msg, ns_f_rcode)) {
	case ns_r_noerror:
		break;
	case ns_r_nxdomain:
		return ASN_DKIM_KEY_NOT_FOUND;
	default:
		return ASN_DKIM_KEY_DNS_ERROR;
	}
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		const unsigned char *rd, *end;
		size_t pos = 0;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			return ASN_DKIM_KEY_DNS_ERROR;
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in)
			continue;
		/* the first TXT record: its character-strings joined */
		rd = ns_rr_rdata(rr);
		end = rd + ns_rr_rdlen(rr);
		while (rd < end) {
			size_t n = *rd++;

			if (n > (size_t)(end - rd) || pos + n >= out_size)
				return ASN_DKIM_KEY_DNS_ERROR;
			memcpy(out + pos, rd, n);
			pos += n;
			rd += n;
		}
		out[pos] = '\0';
		if (memchr(out, '\0', pos) != NULL)
			return ASN_DKIM_KEY_DNS_ERROR;
		return ASN_DKIM_KEY_FOUND;
	}
	return ASN_DKIM_KEY_NOT_FOUND;			/* NODATA */
}

static int connect_to(const struct asn_dkim_resolver *r, unsigned int i, int type,
		      const struct timespec *deadline)
{
	int fd = socket(r->addr[i].sa.sa_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, &r->addr[i].sa, r->addr_len[i]) < 0) {
		int so_error = 0;
		socklen_t len = sizeof(so_error);

		if (errno != EINPROGRESS || wait_fd(fd, POLLOUT, deadline) <= 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0 || so_error != 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int write_all(int fd, const unsigned char *buf, size_t len,
		     const struct timespec *deadline)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(fd, POLLOUT, deadline) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0 read, -1 error, -2 deadline */
static int read_all(int fd, unsigned char *buf, size_t len, const struct timespec *deadline)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int ret = wait_fd(fd, POLLIN, deadline);

			if (ret <= 0)
				return ret == 0 ? -2 : -1;
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The query again over TCP (RFC 7766), for a truncated UDP answer. */
static enum asn_dkim_key_status ask_tcp(const struct asn_dkim_resolver *r, unsigned int i,
					const unsigned char *q, int qlen,
					const struct timespec *deadline, char *out, size_t out_size)
{
	unsigned char reply[ANSWER_MAX * 4], prefix[2];
	enum asn_dkim_key_status status = ASN_DKIM_KEY_UNREACHABLE;
	int fd = connect_to(r, i, SOCK_STREAM, deadline), ret;
	size_t rlen;

	if (fd < 0)
		return ms_until(deadline) == 0 ? ASN_DKIM_KEY_TIMEOUT : status;
	prefix[0] = (unsigned char)(qlen >> 8);
	prefix[1] = (unsigned char)qlen;
	if (write_all(fd, prefix, 2, deadline) < 0 || write_all(fd, q, (size_t)qlen, deadline) < 0)
		goto out;
	ret = read_all(fd, prefix, 2, deadline);
	rlen = (size_t)prefix[0] << 8 | prefix[1];
	if (ret == 0 && rlen > sizeof(reply))
		ret = -1;
	if (ret == 0)
		ret = read_all(fd, reply, rlen, deadline);
	if (ret == -2)
		status = ASN_DKIM_KEY_TIMEOUT;
	else if (ret < 0 || !answers(q, qlen, reply, (int)rlen))
		status = ASN_DKIM_KEY_DNS_ERROR;
	else
		status = read_answer(reply, (int)rlen, out, out_size);
out:
	close(fd);
	return status;
}

/* One server, until its share of the time is over. */
static enum asn_dkim_key_status ask_udp(const struct asn_dkim_resolver *r, unsigned int i,
					const unsigned char *q, int qlen,
					const struct timespec *until,
					const struct timespec *deadline, char *out, size_t out_size)
{
	unsigned char reply[ANSWER_MAX];
	int fd = connect_to(r, i, SOCK_DGRAM, until);
	enum asn_dkim_key_status status = ASN_DKIM_KEY_UNREACHABLE;

	if (fd < 0)
		return status;
	if (send(fd, q, (size_t)qlen, 0) != qlen)
		goto out;
	for (;;) {
		ssize_t n;
		int ret = wait_fd(fd, POLLIN, until);

		if (ret == 0) {
			status = ASN_DKIM_KEY_TIMEOUT;
			break;
		}
		if (ret < 0)
			break;
		n = recv(fd, reply, sizeof(reply), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)		/* ECONNREFUSED: nothing listens there */
			break;
		if (!answers(q, qlen, reply, (int)n))
			continue;	/* a stale or forged datagram: keep waiting */
		if ((reply[2] & 0x02) != 0) {	/* TC */
			close(fd);
			return ask_tcp(r, i, q, qlen, deadline, out, out_size);
		}
		status = read_answer(reply, (int)n, out, out_size);
		break;
	}
out:
	close(fd);
	return status;
}

enum asn_dkim_key_status asn_dkim_txt_lookup(const struct asn_dkim_resolver *resolver,
					     const char *name, const struct timespec *deadline,
					     char *out, size_t out_size)
{
	unsigned char q[NS_PACKETSZ + 16];
	enum asn_dkim_key_status status = ASN_DKIM_KEY_UNREACHABLE;
	bool timed_out = false;
	int qlen = make_query(name, q, sizeof(q));

	if (qlen < 0)
		return ASN_DKIM_KEY_NOT_FOUND;	/* not a domain name: no such key */
	for (unsigned int i = 0; i < resolver->count; i++) {
		/* the time left, shared among the servers not yet asked */
		int ms = ms_until(deadline) / (int)(resolver->count - i);
		struct timespec until;

		if (ms_until(deadline) == 0) {
			timed_out = true;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (long)(ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		status = ask_udp(resolver, i, q, qlen, &until, deadline, out, out_size);
		if (status == ASN_DKIM_KEY_FOUND || status == ASN_DKIM_KEY_NOT_FOUND)
			return status;
		timed_out = timed_out || status == ASN_DKIM_KEY_TIMEOUT;
	}
	/* one silent server is a timeout, whatever the others said */
	return timed_out && status != ASN_DKIM_KEY_DNS_ERROR ? ASN_DKIM_KEY_TIMEOUT : status;
}
