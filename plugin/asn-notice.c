/* Putting the notice (lib/core/notice.c words it) in INBOX: once per
   default password (a reset brings a new one), not at every login: a
   marker file in the home directory remembers it. */
#include "lib.h"
#include "str.h"
#include "istream.h"
#include "mkdir-parents.h"
#include "hostpid.h"
#include "ioloop.h"
#include "mail-namespace.h"
#include "mail-storage.h"
#include "asn-plugin.h"
#include "asn-notice.h"
#include "plugin-settings.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define ASN_NOTICE_MARKER ".dovecot-asn-notice"

static int asn_notice_save(struct mail_namespace *namespaces, const char *text,
			   const char **error_r)
{
	struct mail_namespace *ns = mail_namespace_find_inbox(namespaces);
	struct mailbox *box;
	struct mailbox_transaction_context *trans;
	struct mail_save_context *save_ctx;
	struct istream *input;
	ssize_t ret;
	int result = -1;

	box = mailbox_alloc(ns->list, "INBOX", MAILBOX_FLAG_SAVEONLY);
	if (mailbox_open(box) < 0) {
		*error_r = t_strdup(mailbox_get_last_internal_error(box, NULL));
		mailbox_free(&box);
		return -1;
	}
	trans = mailbox_transaction_begin(box, MAILBOX_TRANSACTION_FLAG_EXTERNAL, __func__);
	save_ctx = mailbox_save_alloc(trans);
	input = i_stream_create_from_data(text, strlen(text));
	if (mailbox_save_begin(&save_ctx, input) < 0) {
		*error_r = t_strdup(mailbox_get_last_internal_error(box, NULL));
		mailbox_transaction_rollback(&trans);
	} else {
		bool failed = FALSE;

		do {
			if (mailbox_save_continue(save_ctx) < 0) {
				failed = TRUE;
				break;
			}
		} while ((ret = i_stream_read(input)) > 0);
		if (failed || mailbox_save_finish(&save_ctx) < 0 ||
		    mailbox_transaction_commit(&trans) < 0)
			*error_r = t_strdup(mailbox_get_last_internal_error(box, NULL));
		else
			result = 0;
		if (save_ctx != NULL)
			mailbox_save_cancel(&save_ctx);
		if (trans != NULL)
			mailbox_transaction_rollback(&trans);
	}
	i_stream_unref(&input);
	mailbox_free(&box);
	return result;
}

void asn_mail_namespaces_created(struct mail_namespace *namespaces)
{
	struct mail_user *user = namespaces->user;
	struct asn_mail_user *auser = ASN_USER_CONTEXT(user);
	const char *home, *marker, *error;
	int fd;

	if (auser == NULL || !auser->must_change || !auser->notice_wanted)
		return;
	if (mail_user_get_home(user, &home) <= 0 || home == NULL) {
		e_warning(user->event, "asn: no home directory: cannot remember the notice, "
			  "so it is not sent");
		return;
	}
	/* One marker per default password: the file's existence is the
	   whole record, and O_EXCL makes concurrent logins agree. */
	marker = t_strdup_printf("%s/%s.%ld", home, ASN_NOTICE_MARKER,
				 (long)auser->password_set_at);
	fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* A first login: the home directory does not exist yet. */
		if (mkdir_parents(home, 0700) < 0 && errno != EEXIST)
			e_error(user->event, "asn: mkdir(%s) failed: %m", home);
		fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0600);
	}
	if (fd < 0) {
		if (errno != EEXIST)
			e_error(user->event, "asn: open(%s) failed: %m", marker);
		return;
	}
	i_close_fd(&fd);
	T_BEGIN {
		const struct asn_notice notice = {
			.username = user->username, .name = auser->name,
			.host_domain = my_hostdomain(), .date = ioloop_time,
			.password_set_at = auser->password_set_at,
			.password_expires_at = auser->password_expires_at,
		};
		struct asn_settings set;
		char *text;

		/* read again, not kept per session: only this login needs them */
		if (asn_plugin_read_settings(user, &set, &error) < 0)
			e_error(user->event, "asn: %s (the notice uses the defaults)", error);
		text = asn_notice_format(&notice, &set);
		asn_settings_free(&set);
		if (asn_notice_save(namespaces, text, &error) < 0) {
			e_error(user->event, "asn: saving the notice to INBOX failed: %s", error);
			/* Try again at the next login. */
			i_unlink_if_exists(marker);
		} else {
			e_info(user->event, "asn: default password notice put in INBOX");
		}
		free(text);
	} T_END;
}
