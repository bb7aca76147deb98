/* Test helper: signs the message on stdin and writes it, with its
   DKIM-Signature on top, to stdout.
     dkim-sign [-h from:to:subject] [-l] KEY.pem SELECTOR DOMAIN */
#include "dkim-test-sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(FILE *f, size_t *size_r)
{
	size_t size = 0, alloc = 65536, n;
	char *buf = malloc(alloc + 1);

	while (buf != NULL && (n = fread(buf + size, 1, alloc - size, f)) > 0) {
		size += n;
		if (size == alloc) {
			char *bigger = realloc(buf, alloc * 2 + 1);

			if (bigger == NULL)
				break;
			buf = bigger;
			alloc *= 2;
		}
	}
	if (buf != NULL)
		buf[size] = '\0';
	*size_r = size;
	return buf;
}

int main(int argc, char **argv)
{
	const char *headers = NULL;
	bool with_length = false;
	char *key, *msg, *signed_msg;
	size_t key_size, msg_size;
	FILE *kf;
	int c;

	while ((c = getopt(argc, argv, "h:l")) != -1) {
		if (c == 'h')
			headers = optarg;
		else if (c == 'l')
			with_length = true;
		else
			return 2;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: dkim-sign [-h a:b] [-l] KEY.pem SELECTOR DOMAIN\n");
		return 2;
	}
	if ((kf = fopen(argv[optind], "r")) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	key = slurp(kf, &key_size);
	fclose(kf);
	msg = slurp(stdin, &msg_size);
	if (key == NULL || msg == NULL)
		return 1;
	signed_msg = dkim_test_sign(key, argv[optind + 1], argv[optind + 2], headers,
				    with_length, msg, msg_size);
	if (signed_msg == NULL)
		return 1;
	fputs(signed_msg, stdout);
	free(signed_msg);
	free(key);
	free(msg);
	return 0;
}
