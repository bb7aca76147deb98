/* IMAP login load (libetpan): CONCURRENCY processes each connect, LOGIN,
   NOOP (which reads what follows the login reply) and LOGOUT, COUNT times
   in all.  Prints logins per second; exit 1 if any login failed.
   usage: imap-logins HOST PORT USER PASSWORD COUNT CONCURRENCY */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int one_login(const char *host, uint16_t port, const char *user, const char *pass)
{
	mailimap *imap = mailimap_new(0, NULL);
	int r, ok = 0;

	mailimap_set_timeout(imap, 30);
	r = mailimap_socket_connect(imap, host, port);
	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED || r == MAILIMAP_NO_ERROR) {
		if (mailimap_login(imap, user, pass) == MAILIMAP_NO_ERROR &&
		    mailimap_noop(imap) == MAILIMAP_NO_ERROR)
			ok = 1;
		mailimap_logout(imap);
	}
	mailimap_free(imap);
	return ok;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	int count, conc, failed = 0;

	if (argc != 7 || (count = atoi(argv[5])) < 1 || (conc = atoi(argv[6])) < 1) {
		fprintf(stderr, "usage: imap-logins HOST PORT USER PASSWORD COUNT CONCURRENCY\n");
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int c = 0; c < conc; c++) {
		if (fork() == 0) {
			int mine = count / conc + (c < count % conc ? 1 : 0), bad = 0;

			for (int i = 0; i < mine; i++)
				bad += !one_login(argv[1], (uint16_t)atoi(argv[2]), argv[3], argv[4]);
			_exit(bad > 0 ? 1 : 0);
		}
	}
	for (int c = 0; c < conc; c++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f\n", count / ((double)(t1.tv_sec - t0.tv_sec) +
				  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	return failed;
}
