/* A real IMAP client for the tests (libetpan): logs in, runs commands,
   prints what a user would see, one fact per line.
   usage: imap-probe HOST PORT USER PASSWORD [list | create NAME | select NAME |
          examine NAME | delete NAME | rename FROM TO | fetch-subjects |
          raw LINE | shell CMD | wait-for TEXT SECONDS]...
   Prints "login: OK" or "login: NO <text>", "alert: <text>" for [ALERT]
   responses (also those right after the login reply), "list: NAME" per
   mailbox, "create NAME: OK|NO <text>", "select NAME: ...", "exists: N",
   "subject: TEXT" (fetch-subjects, of the selected mailbox).
   For commands libetpan does not know (NOTIFY): "raw LINE" sends LINE
   with a tag and prints each server line as "raw: ..." up to the tagged
   reply; "shell CMD" runs CMD (another client acting meanwhile);
   "wait-for TEXT SECONDS" prints every line the server sends unasked as
   "untagged: ..." until one contains TEXT ("wait-for: TEXT") or SECONDS
   pass ("wait-for: timeout").
   Exit 0 when the dialogue ran (refusals included), 69 when the server
   could not be reached. */
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* IMAP_PROBE_TRACE=1: every line the server sends, as "S: ...", so that
   tests can check response codes ([NOPERM]) and their order. */
static void trace_logger(mailimap *imap, int log_type, const char *str, size_t size,
			 void *context)
{
	(void)imap;
	(void)context;
	if (log_type != MAILSTREAM_LOG_TYPE_DATA_RECEIVED)
		return;
	while (size > 0) {
		const char *eol = memchr(str, '\n', size);
		size_t len = eol == NULL ? size : (size_t)(eol - str);
		size_t print_len = len > 0 && str[len - 1] == '\r' ? len - 1 : len;

		printf("S: %.*s\n", (int)print_len, str);
		if (eol == NULL)
			break;
		size -= len + 1;
		str = eol + 1;
	}
}

/* One line from the server, NULL when none comes within timeout_ms (or
   the connection ends).  Lines libetpan already buffered come first. */
static const char *read_raw_line(mailimap *imap, int timeout_ms)
{
	struct pollfd pfd = {
		.fd = mailstream_low_get_fd(mailstream_get_low(imap->imap_stream)),
		.events = POLLIN,
	};

	if (imap->imap_stream->read_buffer_len == 0 && poll(&pfd, 1, timeout_ms) <= 0)
		return NULL;
	return mailstream_read_line_remove_eol(imap->imap_stream, imap->imap_stream_buffer);
}

static int raw_command(mailimap *imap, const char *line)
{
	static unsigned int tag_n;
	char tag[32];
	const char *reply;

	snprintf(tag, sizeof(tag), "r%u ", ++tag_n);
	if (mailstream_write(imap->imap_stream, tag, strlen(tag)) < 0 ||
	    mailstream_write(imap->imap_stream, line, strlen(line)) < 0 ||
	    mailstream_write(imap->imap_stream, "\r\n", 2) < 0 ||
	    mailstream_flush(imap->imap_stream) < 0)
		return -1;
	while ((reply = read_raw_line(imap, 15000)) != NULL) {
		printf("raw: %s\n", reply);
		if (strncmp(reply, tag, strlen(tag)) == 0) {
			printf("raw %s: %s\n", line, reply + strlen(tag));
			return 0;
		}
	}
	return -1;
}

static void wait_for(mailimap *imap, const char *text, int seconds)
{
	time_t end = time(NULL) + seconds;
	const char *line;

	while (time(NULL) < end) {
		line = read_raw_line(imap, 200);
		if (line == NULL)
			continue;
		printf("untagged: %s\n", line);
		if (strstr(line, text) != NULL) {
			printf("wait-for: %s\n", text);
			return;
		}
	}
	printf("wait-for: timeout\n");
}

static void print_alert(mailimap *imap)
{
	if (imap->imap_response_info != NULL && imap->imap_response_info->rsp_alert != NULL)
		printf("alert: %s\n", imap->imap_response_info->rsp_alert);
}

static void print_result(mailimap *imap, const char *what, int r)
{
	if (r == MAILIMAP_NO_ERROR)
		printf("%s: OK\n", what);
	else
		printf("%s: NO %s\n", what, imap->imap_response != NULL ? imap->imap_response : "");
	print_alert(imap);
}

int main(int argc, char **argv)
{
	mailimap *imap;
	int r;

	if (argc < 5) {
		fprintf(stderr, "usage: imap-probe HOST PORT USER PASSWORD [COMMAND...]\n");
		return 64;
	}
	imap = mailimap_new(0, NULL);
	mailimap_set_timeout(imap, 15);
	if (getenv("IMAP_PROBE_TRACE") != NULL)
		mailimap_set_logger(imap, trace_logger, NULL);
	r = mailimap_socket_connect(imap, argv[1], (uint16_t)atoi(argv[2]));
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR) {
		fprintf(stderr, "imap-probe: cannot connect to %s:%s (%d)\n", argv[1], argv[2], r);
		mailimap_free(imap);
		return 69;
	}
	r = mailimap_login(imap, argv[3], argv[4]);
	print_result(imap, "login", r);
	if (r != MAILIMAP_NO_ERROR) {
		mailimap_free(imap);
		return 0;
	}
	/* Untagged responses sent right after the login reply (an [ALERT])
	   are read with the next command. */
	if (mailimap_noop(imap) == MAILIMAP_NO_ERROR)
		print_alert(imap);
	for (int i = 5; i < argc; i++) {
		if (strcmp(argv[i], "list") == 0) {
			clist *list = NULL;

			r = mailimap_list(imap, "", "*", &list);
			if (r == MAILIMAP_NO_ERROR) {
				for (clistiter *it = clist_begin(list); it != NULL; it = clist_next(it)) {
					struct mailimap_mailbox_list *mb = clist_content(it);

					printf("list: %s\n", mb->mb_name);
				}
				mailimap_list_result_free(list);
			} else {
				print_result(imap, "list", r);
			}
		} else if (strcmp(argv[i], "create") == 0 && i + 1 < argc) {
			char what[256];

			r = mailimap_create(imap, argv[i + 1]);
			snprintf(what, sizeof(what), "create %s", argv[i + 1]);
			print_result(imap, what, r);
			i++;
		} else if (strcmp(argv[i], "select") == 0 && i + 1 < argc) {
			char what[256];

			r = mailimap_select(imap, argv[i + 1]);
			snprintf(what, sizeof(what), "select %s", argv[i + 1]);
			print_result(imap, what, r);
			if (r == MAILIMAP_NO_ERROR && imap->imap_selection_info != NULL)
				printf("exists: %u\n", imap->imap_selection_info->sel_exists);
			i++;
		} else if ((strcmp(argv[i], "examine") == 0 || strcmp(argv[i], "delete") == 0) &&
			   i + 1 < argc) {
			char what[256];

			r = strcmp(argv[i], "examine") == 0 ? mailimap_examine(imap, argv[i + 1]) :
				mailimap_delete(imap, argv[i + 1]);
			snprintf(what, sizeof(what), "%s %s", argv[i], argv[i + 1]);
			print_result(imap, what, r);
			i++;
		} else if (strcmp(argv[i], "rename") == 0 && i + 2 < argc) {
			char what[256];

			r = mailimap_rename(imap, argv[i + 1], argv[i + 2]);
			snprintf(what, sizeof(what), "rename %s %s", argv[i + 1], argv[i + 2]);
			print_result(imap, what, r);
			i += 2;
		} else if (strcmp(argv[i], "raw") == 0 && i + 1 < argc) {
			if (raw_command(imap, argv[++i]) < 0)
				printf("raw %s: no reply\n", argv[i]);
		} else if (strcmp(argv[i], "shell") == 0 && i + 1 < argc) {
			fflush(stdout);
			if (system(argv[++i]) != 0)
				printf("shell: failed\n");
		} else if (strcmp(argv[i], "wait-for") == 0 && i + 2 < argc) {
			wait_for(imap, argv[i + 1], atoi(argv[i + 2]));
			i += 2;
		} else if (strcmp(argv[i], "fetch-subjects") == 0) {
			struct mailimap_set *set = mailimap_set_new_interval(1, 0);
			struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
			clist *hdrs = clist_new();
			clist *result = NULL;

			clist_append(hdrs, strdup("Subject"));
			mailimap_fetch_type_new_fetch_att_list_add(ft,
				mailimap_fetch_att_new_body_peek_section(
					mailimap_section_new_header_fields(
						mailimap_header_list_new(hdrs))));
			r = mailimap_fetch(imap, set, ft, &result);
			if (r == MAILIMAP_NO_ERROR) {
				for (clistiter *it = clist_begin(result); it != NULL; it = clist_next(it)) {
					struct mailimap_msg_att *att = clist_content(it);

					for (clistiter *it2 = clist_begin(att->att_list); it2 != NULL;
					     it2 = clist_next(it2)) {
						struct mailimap_msg_att_item *item = clist_content(it2);

						if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
						    item->att_data.att_static->att_type ==
						    MAILIMAP_MSG_ATT_BODY_SECTION) {
							const char *text = item->att_data.att_static->
								att_data.att_body_section->sec_body_part;
							size_t len = strcspn(text, "\r\n");

							printf("subject: %.*s\n", (int)len, text);
						}
					}
				}
				mailimap_fetch_list_free(result);
			} else {
				print_result(imap, "fetch", r);
			}
			mailimap_fetch_type_free(ft);
			mailimap_set_free(set);
		} else {
			fprintf(stderr, "imap-probe: unknown command '%s'\n", argv[i]);
			mailimap_logout(imap);
			mailimap_free(imap);
			return 64;
		}
	}
	mailimap_logout(imap);
	mailimap_free(imap);
	return 0;
}
