/* A real LMTP client for the tests (libetpan): delivers one message.
   usage: lmtp-probe HOST PORT FROM RCPT SUBJECT
   Prints "delivered" or "refused: <reply>"; exit 0 when delivered, 1 when
   refused, 69 when the server could not be reached. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int refused(mailsmtp *smtp, const char *step)
{
	printf("refused: %s: %s\n", step, smtp->response != NULL ? smtp->response : "");
	mailsmtp_free(smtp);
	return 1;
}

int main(int argc, char **argv)
{
	mailsmtp *smtp;
	char msg[2048];
	int r;

	if (argc != 6) {
		fprintf(stderr, "usage: lmtp-probe HOST PORT FROM RCPT SUBJECT\n");
		return 64;
	}
	snprintf(msg, sizeof(msg),
		 "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
		 "Message-ID: <lmtp-probe.%ld.%ld@test>\r\n\r\nIsi pesan uji.\r\n",
		 argv[3], argv[4], argv[5], (long)getpid(), (long)time(NULL));
	smtp = mailsmtp_new(0, NULL);
	r = mailsmtp_socket_connect(smtp, argv[1], (uint16_t)atoi(argv[2]));
	if (r != MAILSMTP_NO_ERROR) {
		fprintf(stderr, "lmtp-probe: cannot connect to %s:%s (%d)\n", argv[1], argv[2], r);
		mailsmtp_free(smtp);
		return 69;
	}
	if (mailesmtp_lhlo(smtp, "localhost") != MAILSMTP_NO_ERROR)
		return refused(smtp, "LHLO");
	if (mailsmtp_mail(smtp, argv[3]) != MAILSMTP_NO_ERROR)
		return refused(smtp, "MAIL");
	if (mailsmtp_rcpt(smtp, argv[4]) != MAILSMTP_NO_ERROR)
		return refused(smtp, "RCPT");
	if (mailsmtp_data(smtp) != MAILSMTP_NO_ERROR)
		return refused(smtp, "DATA");
	if (mailsmtp_data_message(smtp, msg, strlen(msg)) != MAILSMTP_NO_ERROR)
		return refused(smtp, "message");
	mailsmtp_quit(smtp);
	mailsmtp_free(smtp);
	printf("delivered\n");
	return 0;
}
