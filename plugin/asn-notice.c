/* The notice: a message in INBOX telling the user, in Bahasa Indonesia,
   that the default password must be changed, how, and by when.  It is put
   there once per default password (a reset brings a new one), not at every
   login: a marker file in the home directory remembers it. */
#include "lib.h"
#include "str.h"
#include "istream.h"
#include "mkdir-parents.h"
#include "hostpid.h"
#include "ioloop.h"
#include "message-date.h"
#include "mail-namespace.h"
#include "mail-storage.h"
#include "asn-plugin.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define ASN_NOTICE_MARKER ".dovecot-asn-notice"

static const char *const id_months[] = {
	"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"
};

/* "6 Desember 2026 pukul 16.00 WIB" in the server's time zone. */
static const char *asn_date_id(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return dec2str(t);
	return t_strdup_printf("%d %s %d pukul %02d.%02d %s", tm.tm_mday, id_months[tm.tm_mon],
			       tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			       tm.tm_zone != NULL ? tm.tm_zone : "");
}

static const char *asn_notice_message(struct mail_user *user, struct asn_mail_user *auser)
{
	const char *domain = strchr(user->username, '@');
	const char *from = auser->notice_from[0] != '\0' ? auser->notice_from :
		t_strdup_printf("Admin Email <postmaster@%s>", domain != NULL ? domain + 1 : my_hostdomain());
	const char *webmail = auser->webmail_url[0] != '\0' ?
		t_strdup_printf("webmail (%s)", auser->webmail_url) : "webmail";
	string_t *msg = t_str_new(2048);

	str_printfa(msg, "From: %s\r\n", from);
	str_printfa(msg, "To: <%s>\r\n", user->username);
	str_append(msg, "Subject: Segera ganti kata sandi bawaan email dinas Anda\r\n");
	str_printfa(msg, "Date: %s\r\n", message_date_create(ioloop_time));
	str_printfa(msg, "Message-ID: <asn-notice.%ld.%s>\r\n", (long)auser->password_set_at,
		    user->username);
	str_append(msg, "Auto-Submitted: auto-generated\r\n"
		   "MIME-Version: 1.0\r\n"
		   "Content-Type: text/plain; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: 8bit\r\n\r\n");
	str_printfa(msg, "Yth. Bapak/Ibu %s,\r\n\r\n",
		    auser->name != NULL && auser->name[0] != '\0' ? auser->name : user->username);
	str_printfa(msg,
		"Akun email dinas Anda (%s) masih memakai kata sandi bawaan dari admin.\r\n"
		"Demi keamanan, kata sandi bawaan harus diganti sebelum akun dapat\r\n"
		"dipakai sepenuhnya.\r\n\r\n", user->username);
	str_printfa(msg,
		"Cara mengganti kata sandi:\r\n"
		"  1. Masuk ke %s dengan kata sandi bawaan.\r\n"
		"  2. Buka menu Pengaturan > Kata Sandi.\r\n"
		"  3. Isi kata sandi saat ini (kata sandi bawaan), lalu kata sandi baru\r\n"
		"     dua kali, dan simpan.\r\n"
		"  4. Keluar, lalu masuk kembali dengan kata sandi baru.\r\n\r\n", webmail);
	str_printfa(msg,
		"Ketentuan kata sandi baru:\r\n"
		"  - minimal %u karakter;\r\n"
		"  - memuat huruf besar, huruf kecil, angka, dan karakter khusus\r\n"
		"    (misalnya ! # %% * ?);\r\n"
		"  - tidak memuat nama, NIP, tanggal lahir, atau alamat email Anda;\r\n"
		"  - bukan kata umum seperti \"password\" atau \"rahasia\", dan bukan\r\n"
		"    kata sandi yang pernah Anda pakai.\r\n\r\n", auser->min_length);
	if (auser->password_expires_at != 0) {
		str_printfa(msg,
			"Batas waktu: kata sandi bawaan berlaku sampai %s.\r\n"
			"Setelah itu akun tidak dapat dipakai dan Anda perlu menghubungi\r\n"
			"verifikator atau admin untuk reset kata sandi.\r\n\r\n",
			asn_date_id(auser->password_expires_at));
	}
	str_append(msg,
		"Sebelum kata sandi diganti, hanya folder INBOX yang dapat dibuka dan\r\n"
		"email tidak dapat dikirim.\r\n\r\n"
		"Email ini dikirim otomatis oleh sistem dan tidak perlu dibalas.\r\n");
	return str_c(msg);
}

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
		if (asn_notice_save(namespaces, asn_notice_message(user, auser), &error) < 0) {
			e_error(user->event, "asn: saving the notice to INBOX failed: %s", error);
			/* Try again at the next login. */
			i_unlink_if_exists(marker);
		} else {
			e_info(user->event, "asn: default password notice put in INBOX");
		}
	} T_END;
}
