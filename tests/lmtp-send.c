/* Delivers message files over one LMTP session (libetpan), each to every
   recipient, reading each recipient's own reply as LMTP requires.
   usage: lmtp-send HOST PORT RCPT[,RCPT...] FILE...
   Prints "N delivered, M refused"; exit 0 when every delivery succeeded,
   1 when one was refused, 69 when the server could not be reached. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The files are written with LF line ends; LMTP wants CRLF. */
static char *read_crlf(const char *path, size_t *size_r)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, size = 4096;
	char *out = malloc(size);
	int c, prev = 0;

	if (f == NULL || out == NULL) {
		perror(path);
		exit(66);
	}
	while ((c = getc(f)) != EOF) {
		if (len + 3 >= size && (out = realloc(out, size *= 2)) == NULL)
			exit(71);
		if (c == '\n' && prev != '\r')
			out[len++] = '\r';
		out[len++] = (char)c;
		prev = c;
	}
	fclose(f);
	*size_r = len;
	return out;
}

int main(int argc, char **argv)
{
	unsigned int delivered = 0, refused = 0, rcpt_count = 0;
	mailsmtp *smtp;
	clist *rcpts;
	char *list, *word, *save = NULL;
	int r;

	if (argc < 5) {
		fprintf(stderr, "usage: lmtp-send HOST PORT RCPT[,RCPT...] FILE...\n");
		return 64;
	}
	smtp = mailsmtp_new(0, NULL);
	r = mailsmtp_socket_connect(smtp, argv[1], (uint16_t)atoi(argv[2]));
	if (r != MAILSMTP_NO_ERROR || mailesmtp_lhlo(smtp, "localhost") != MAILSMTP_NO_ERROR) {
		fprintf(stderr, "lmtp-send: cannot talk to %s:%s (%d)\n", argv[1], argv[2], r);
		mailsmtp_free(smtp);
		return 69;
	}
	rcpts = esmtp_address_list_new();
	list = strdup(argv[3]);
	for (word = strtok_r(list, ",", &save); word != NULL; word = strtok_r(NULL, ",", &save)) {
		esmtp_address_list_add(rcpts, word, 0, NULL);
		rcpt_count++;
	}
	for (int i = 4; i < argc; i++) {
		size_t size;
		char *msg = read_crlf(argv[i], &size);
		int codes[64];
		unsigned int accepted = 0;

		if (rcpt_count > 64 || mailsmtp_mail(smtp, "bounce@example.org") != MAILSMTP_NO_ERROR) {
			refused += rcpt_count;
			free(msg);
			continue;
		}
		for (clistiter *it = clist_begin(rcpts); it != NULL; it = clist_next(it)) {
			struct esmtp_address *a = clist_content(it);

			if (mailsmtp_rcpt(smtp, a->address) == MAILSMTP_NO_ERROR)
				accepted++;
			else
				fprintf(stderr, "lmtp-send: %s: RCPT %s: %s", argv[i], a->address,
					smtp->response != NULL ? smtp->response : "");
		}
		if (accepted != rcpt_count) {
			refused += rcpt_count;
			mailsmtp_reset(smtp);
			free(msg);
			continue;
		}
		if (mailsmtp_data(smtp) != MAILSMTP_NO_ERROR) {
			refused += rcpt_count;
			free(msg);
			continue;
		}
		memset(codes, 0, sizeof(codes));
		maillmtp_data_message(smtp, msg, size, rcpts, codes);
		for (unsigned int k = 0; k < rcpt_count; k++) {
			if (codes[k] / 100 == 2)
				delivered++;
			else {
				refused++;
				fprintf(stderr, "lmtp-send: %s: recipient %u: %d\n", argv[i], k, codes[k]);
			}
		}
		free(msg);
	}
	mailsmtp_quit(smtp);
	mailsmtp_free(smtp);
	esmtp_address_list_free(rcpts);
	free(list);
	printf("%u delivered, %u refused\n", delivered, refused);
	return refused == 0 ? 0 : 1;
}
