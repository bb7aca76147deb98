/* A real POP3 client for the tests (libetpan).
   usage: pop3-probe HOST PORT USER PASSWORD
   Prints "login: OK" or "login: ERR <text>", "messages: N", and the
   Subject of each message ("subject: ..."). Exit 0 when the dialogue ran,
   69 when the server could not be reached. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_subject(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;

	while (p < end && !(p[0] == '\r' || p[0] == '\n')) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t line = eol == NULL ? (size_t)(end - p) : (size_t)(eol - p);

		if (line > 8 && strncasecmp(p, "Subject:", 8) == 0) {
			size_t n = line - 8;

			if (n > 0 && p[8 + n - 1] == '\r')
				n--;
			printf("subject:%.*s\n", (int)n, p + 8);
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
}

int main(int argc, char **argv)
{
	mailpop3 *pop3;
	carray *list = NULL;
	int r;

	if (argc != 5) {
		fprintf(stderr, "usage: pop3-probe HOST PORT USER PASSWORD\n");
		return 64;
	}
	pop3 = mailpop3_new(0, NULL);
	r = mailpop3_socket_connect(pop3, argv[1], (uint16_t)atoi(argv[2]));
	if (r != MAILPOP3_NO_ERROR) {
		fprintf(stderr, "pop3-probe: cannot connect to %s:%s (%d)\n", argv[1], argv[2], r);
		mailpop3_free(pop3);
		return 69;
	}
	r = mailpop3_user(pop3, argv[3]);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(pop3, argv[4]);
	if (r != MAILPOP3_NO_ERROR) {
		printf("login: ERR %s\n", pop3->pop3_response != NULL ? pop3->pop3_response : "");
		mailpop3_free(pop3);
		return 0;
	}
	printf("login: OK\n");
	r = mailpop3_list(pop3, &list);
	if (r == MAILPOP3_NO_ERROR) {
		printf("messages: %u\n", carray_count(list));
		for (unsigned int i = 0; i < carray_count(list); i++) {
			struct mailpop3_msg_info *info = carray_get(list, i);
			char *msg;
			size_t len;

			if (info == NULL)
				continue;
			if (mailpop3_retr(pop3, info->msg_index, &msg, &len) == MAILPOP3_NO_ERROR) {
				print_subject(msg, len);
				mailpop3_retr_free(msg);
			}
		}
	}
	mailpop3_quit(pop3);
	mailpop3_free(pop3);
	return 0;
}
