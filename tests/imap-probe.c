/* A real IMAP client for the tests (libetpan): logs in, runs commands,
   prints what a user would see, one fact per line.
   usage: imap-probe HOST PORT USER PASSWORD [list | create NAME | select NAME |
          examine NAME | delete NAME | rename FROM TO | fetch-subjects]...
   Prints "login: OK" or "login: NO <text>", "alert: <text>" for [ALERT]
   responses (also those right after the login reply), "list: NAME" per
   mailbox, "create NAME: OK|NO <text>", "select NAME: ...", "exists: N",
   "subject: TEXT" (fetch-subjects, of the selected mailbox).
   Exit 0 when the dialogue ran (refusals included), 69 when the server
   could not be reached. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
