/* The settings as Dovecot has them: doveconf run once, its output parsed
   by the core (asn-doveconf.h). */
#include "tool-doveconf.h"
#include "asn-doveconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tools are built for the same Dovecot line as the plugins. */
#ifndef ASN_DOVECOT_LINE
#  define ASN_DOVECOT_LINE "2.3"
#endif
#define DOVECONF_OUTPUT_MAX (1024 * 1024)
#define DOVECONF_ERROR_MAX 400

static bool dovecot_23(void)
{
	return strcmp(ASN_DOVECOT_LINE, "2.3") == 0;
}

/* argv: DOVECONF -P [-c CONFIG] plugin (2.3: that block) or -n (2.4: the
   settings that differ from their defaults, ours among them).  -P: doveconf
   otherwise hides what follows "pass...=" in any value, and asn_db's
   PostgreSQL connection names its passfile so (passfile=PATH; a password
   there is refused). */
static void doveconf_argv(const char *doveconf, const char *config, char *argv[6])
{
	size_t i = 0;

	argv[i++] = (char *)doveconf;
	argv[i++] = (char *)"-P";
	if (config != NULL) {
		argv[i++] = (char *)"-c";
		argv[i++] = (char *)config;
	}
	argv[i++] = (char *)(dovecot_23() ? "plugin" : "-n");
	argv[i] = NULL;
}

/* Reads both pipes to their end (poll: neither can fill up and stall
   doveconf); keeps at most `max` bytes of each.  Returns 0, or -1 when
   the output is larger than the limit. */
static int read_both(int out_fd, int err_fd, struct asn_str *out, struct asn_str *errout)
{
	struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	struct asn_str *bufs[2] = { out, errout };
	int open_fds = 2, ret = 0;
	char chunk[4096];

	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (bufs[i]->len + (size_t)n > DOVECONF_OUTPUT_MAX)
				ret = -1;	/* read on so that doveconf ends */
			else
				asn_str_append_n(bufs[i], chunk, (size_t)n);
		}
	}
	return ret;
}

/* doveconf's own complaint, on one line, for our message. */
static void first_error_line(struct asn_str *errout, char *buf, size_t size)
{
	const char *text = asn_str_c(errout);
	const char *fatal = strstr(text, "Fatal: ");
	size_t len;

	if (fatal != NULL)
		text = fatal + 7;
	len = strcspn(text, "\n");
	if (len > DOVECONF_ERROR_MAX)
		len = DOVECONF_ERROR_MAX;
	if (len == 0)
		snprintf(buf, size, "(no message)");
	else
		snprintf(buf, size, "%.*s", (int)len, text);
}

int asn_tool_doveconf(struct asn_settings *set, const char *doveconf, const char *config,
		      bool *missing_r, struct asn_error *err)
{
	struct asn_str out = { NULL, 0, 0 }, errout = { NULL, 0, 0 };
	int out_pipe[2], err_pipe[2], exec_pipe[2], status, exec_errno = 0, ret = -1;
	char *argv[6], complaint[DOVECONF_ERROR_MAX + 1];
	pid_t pid;

	memset(set, 0, sizeof(*set));
	*missing_r = false;
	if (pipe2(out_pipe, O_CLOEXEC) < 0)
		goto pipe_failed;
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		close(out_pipe[0]); close(out_pipe[1]);
		goto pipe_failed;
	}
	/* exec's errno comes back through a close-on-exec pipe: a missing
	   doveconf is told from a failing one. */
	if (pipe2(exec_pipe, O_CLOEXEC) < 0) {
		close(out_pipe[0]); close(out_pipe[1]); close(err_pipe[0]); close(err_pipe[1]);
		goto pipe_failed;
	}
	doveconf_argv(doveconf, config, argv);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int e;

		if (dup2(out_pipe[1], STDOUT_FILENO) < 0 || dup2(err_pipe[1], STDERR_FILENO) < 0)
			_exit(127);
		execv(doveconf, argv);
		e = errno;
		(void)!write(exec_pipe[1], &e, sizeof(e));
		_exit(127);
	}
	close(out_pipe[1]); close(err_pipe[1]); close(exec_pipe[1]);
	if (pid < 0) {
		asn_error_set(err, "cannot run %s: %s", doveconf, strerror(errno));
		close(out_pipe[0]); close(err_pipe[0]); close(exec_pipe[0]);
		return -1;
	}
	if (read_both(out_pipe[0], err_pipe[0], &out, &errout) < 0) {
		asn_error_set(err, "%s: more than %d bytes of output", doveconf,
			      DOVECONF_OUTPUT_MAX);
		exec_errno = -1;
	}
	close(out_pipe[0]); close(err_pipe[0]);
	if (exec_errno == 0 && read(exec_pipe[0], &exec_errno, sizeof(exec_errno)) <= 0)
		exec_errno = 0;
	close(exec_pipe[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (exec_errno > 0) {
		*missing_r = exec_errno == ENOENT;
		asn_error_set(err, "cannot run %s: %s", doveconf, strerror(exec_errno));
	} else if (exec_errno == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		first_error_line(&errout, complaint, sizeof(complaint));
		if (WIFEXITED(status))
			asn_error_set(err, "%s%s%s failed (exit %d): %s", doveconf,
				      config != NULL ? " -c " : "", config != NULL ? config : "",
				      WEXITSTATUS(status), complaint);
		else
			asn_error_set(err, "%s killed by signal %d", doveconf, WTERMSIG(status));
	} else if (exec_errno == 0) {
		char name[1200];

		snprintf(name, sizeof(name), "output of %s%s%s", doveconf,
			 config != NULL ? " -c " : "", config != NULL ? config : "");
		ret = asn_doveconf_parse(set, name, dovecot_23() ? ASN_DOVECONF_SECTION_23 :
					 ASN_DOVECONF_SECTION_24, out.data != NULL ?
					 out.data : "", out.len, err);
	}
	asn_str_free(&out);
	asn_str_free(&errout);
	return ret;

pipe_failed:
	asn_error_set(err, "cannot run %s: pipe: %s", doveconf, strerror(errno));
	return -1;
}
