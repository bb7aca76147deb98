/* A message into a user's INBOX through Dovecot (doveadm save): no SMTP,
   the same mailbox and indexes the user reads. */
#include "asnctl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ASN_DOVEADM_PATH
#  define ASN_DOVEADM_PATH "/usr/bin/doveadm"
#endif

const char *asnctl_doveadm_path(void)
{
	const char *doveadm = getenv("ASN_DOVEADM");

	if (doveadm != NULL && doveadm[0] != '\0')
		return doveadm;
	/* configure's DOVEADM; empty when it found none */
	return ASN_DOVEADM_PATH[0] != '\0' ? ASN_DOVEADM_PATH : "/usr/bin/doveadm";
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int asnctl_deliver_inbox(const struct asnctl *ctl, const char *user, const char *message,
			 char *why, size_t why_size)
{
	const char *doveadm = asnctl_doveadm_path();
	const char *argv[10];
	unsigned int argc = 0;
	void (*old_pipe)(int);
	int fds[2], status, write_errno = 0;
	pid_t pid;

	argv[argc++] = doveadm;
	if (ctl->config.dovecot_config != NULL) {
		/* the Dovecot whose settings we read */
		argv[argc++] = "-c";
		argv[argc++] = ctl->config.dovecot_config;
	}
	argv[argc++] = "save";
	argv[argc++] = "-u";
	argv[argc++] = user;
	argv[argc++] = "-m";
	argv[argc++] = "INBOX";
	argv[argc] = NULL;

	if (pipe(fds) < 0) {
		snprintf(why, why_size, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_size, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[0], STDIN_FILENO);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(doveadm, (char *const *)argv);
		fprintf(stderr, "asnctl: cannot run %s: %s\n", doveadm, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	/* doveadm may stop before reading everything: an error, not a signal */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	if (write_all(fds[1], message, strlen(message)) < 0)
		write_errno = errno;
	close(fds[1]);
	signal(SIGPIPE, old_pipe);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, why_size, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, why_size, "%s save killed by signal %d", doveadm, WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(why, why_size, "%s save exited %d", doveadm, WEXITSTATUS(status));
		return -1;
	}
	if (write_errno != 0) {
		snprintf(why, why_size, "writing to %s save: %s", doveadm, strerror(write_errno));
		return -1;
	}
	return 0;
}
