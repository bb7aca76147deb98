/* slow-client: a slowloris for asn-passwdd's tests, loopback only.
     slow-client PORT COUNT SECONDS [INTERVAL_MS]
   keeps COUNT connections to 127.0.0.1:PORT open for SECONDS, each sending
   a request line and then one header byte every INTERVAL_MS (200), never
   finishing the headers; a connection the server closes is opened again,
   as an attacker would.  At the end it prints one line:
     opened N closed_by_server K longest_ms L open_at_end O
   (longest_ms: the longest a connection lived before the server closed it,
   0 when none was).  Bounded: COUNT <= 500, SECONDS <= 60. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 500

struct slow_conn {
	int fd;
	long opened_ms;
	size_t sent;
};

static const char request[] =
	"POST /password HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	"Content-Type: application/x-www-form-urlencoded\r\n";
static const char trickle[] = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_one(unsigned int port)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
	} addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.in.sin_family = AF_INET;
	addr.in.sin_port = htons((unsigned short)port);
	addr.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only */
	if (connect(fd, &addr.sa, sizeof(addr.in)) < 0 ||
	    send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return -1;
	}
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* True when the server closed or reset the connection. */
static bool closed_by_peer(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[512];

	if (poll(&pfd, 1, 0) <= 0)
		return false;
	if ((pfd.revents & (POLLHUP | POLLERR)) != 0)
		return true;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n == 0)
			return true;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		/* A reply (408, 503): the server is done with it too. */
	}
}

int main(int argc, char **argv)
{
	static struct slow_conn conns[MAX_CONNS];
	unsigned long port, count, seconds, interval = 200;
	unsigned long opened = 0, closed = 0;
	long start, longest = 0;
	unsigned int open_at_end = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: slow-client PORT COUNT SECONDS [INTERVAL_MS]\n");
		return 64;
	}
	port = strtoul(argv[1], NULL, 10);
	count = strtoul(argv[2], NULL, 10);
	seconds = strtoul(argv[3], NULL, 10);
	if (argc == 5)
		interval = strtoul(argv[4], NULL, 10);
	if (port == 0 || port > 65535 || count == 0 || count > MAX_CONNS ||
	    seconds == 0 || seconds > 60 || interval == 0 || interval > 10000) {
		fprintf(stderr, "slow-client: PORT 1-65535, COUNT 1-%d, SECONDS 1-60, "
			"INTERVAL_MS 1-10000\n", MAX_CONNS);
		return 64;
	}
	signal(SIGPIPE, SIG_IGN);
	start = now_ms();
	for (unsigned long i = 0; i < count; i++)
		conns[i].fd = -1;
	while (now_ms() - start < (long)seconds * 1000) {
		for (unsigned long i = 0; i < count; i++) {
			struct slow_conn *c = &conns[i];

			if (c->fd >= 0 && closed_by_peer(c->fd)) {
				long lived = now_ms() - c->opened_ms;

				if (lived > longest)
					longest = lived;
				closed++;
				close(c->fd);
				c->fd = -1;
			}
			if (c->fd < 0) {
				c->fd = open_one((unsigned int)port);
				if (c->fd < 0)
					continue;
				c->opened_ms = now_ms();
				c->sent = 0;
				opened++;
				continue;
			}
			/* One more byte of a header that never ends. */
			if (send(c->fd, trickle + c->sent % (sizeof(trickle) - 1), 1,
				 MSG_NOSIGNAL) == 1)
				c->sent++;
		}
		usleep((useconds_t)interval * 1000);
	}
	for (unsigned long i = 0; i < count; i++) {
		if (conns[i].fd >= 0) {
			if (!closed_by_peer(conns[i].fd))
				open_at_end++;
			close(conns[i].fd);
		}
	}
	printf("opened %lu closed_by_server %lu longest_ms %ld open_at_end %u\n",
	       opened, closed, longest, open_at_end);
	return 0;
}
