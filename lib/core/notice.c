/* The default-password notice as a whole message (RFC 5322, UTF-8 text). */
#include "asn-notice.h"
#include "asn-policy-wording.h"

#include <stdlib.h>
#include <string.h>

static const char *const id_months[] = {
	"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"
};

const char *asn_notice_date_id(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "%lld", (long long)t);
		return buf;
	}
	snprintf(buf, size, "%d %s %d pukul %02d.%02d %s", tm.tm_mday, id_months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_zone != NULL ? tm.tm_zone : "");
	return buf;
}

/* "Thu, 26 Nov 2026 21:14:05 +0700": English names whatever the locale. */
static void append_rfc5322_date(struct asn_str *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	long offset;

	if (localtime_r(&t, &tm) == NULL && gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	offset = tm.tm_gmtoff / 60;
	asn_str_printfa(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
			days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
			tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
			labs(offset) / 60, labs(offset) % 60);
}

void asn_notice_append_headers(struct asn_str *msg, const char *to, const char *host_domain,
			       const char *subject, const char *message_id, time_t date,
			       const struct asn_settings *set)
{
	const char *at = strchr(to, '@');

	if (set->notice_from[0] != '\0')
		asn_str_printfa(msg, "From: %s\r\n", set->notice_from);
	else
		asn_str_printfa(msg, "From: Admin Email <postmaster@%s>\r\n",
				at != NULL ? at + 1 : host_domain);
	asn_str_printfa(msg, "To: <%s>\r\n", to);
	asn_str_printfa(msg, "Subject: %s\r\n", subject);
	asn_str_append(msg, "Date: ");
	append_rfc5322_date(msg, date);
	asn_str_append(msg, "\r\n");
	asn_str_printfa(msg, "Message-ID: <%s>\r\n", message_id);
	asn_str_append(msg, "Auto-Submitted: auto-generated\r\n"
		       "MIME-Version: 1.0\r\n"
		       "Content-Type: text/plain; charset=utf-8\r\n"
		       "Content-Transfer-Encoding: 8bit\r\n\r\n");
}

static void append_headers(struct asn_str *msg, const struct asn_notice *n,
			   const struct asn_settings *set)
{
	char *message_id = asn_xasprintf("asn-notice.%ld.%s", (long)n->password_set_at,
					 n->username);

	asn_notice_append_headers(msg, n->username, n->host_domain,
				  "Segera ganti kata sandi bawaan email dinas Anda", message_id,
				  n->date, set);
	free(message_id);
}

char *asn_notice_format(const struct asn_notice *n, const struct asn_settings *set)
{
	struct asn_str msg = { 0 };

	append_headers(&msg, n, set);
	asn_str_printfa(&msg, "Yth. Bapak/Ibu %s,\r\n\r\n",
			n->name != NULL && n->name[0] != '\0' ? n->name : n->username);
	asn_str_printfa(&msg,
		"Akun email dinas Anda (%s) masih memakai kata sandi bawaan dari admin.\r\n"
		"Demi keamanan, kata sandi bawaan harus diganti sebelum akun dapat\r\n"
		"dipakai sepenuhnya.\r\n\r\n", n->username);
	asn_str_append(&msg, "Cara mengganti kata sandi:\r\n  1. Masuk ke ");
	if (set->webmail_url[0] != '\0')
		asn_str_printfa(&msg, "webmail (%s)", set->webmail_url);
	else
		asn_str_append(&msg, "webmail");
	asn_str_append(&msg, " dengan kata sandi bawaan.\r\n"
		"  2. Buka menu Pengaturan > Kata Sandi.\r\n"
		"  3. Isi kata sandi saat ini (kata sandi bawaan), lalu kata sandi baru\r\n"
		"     dua kali, dan simpan.\r\n"
		"  4. Keluar, lalu masuk kembali dengan kata sandi baru.\r\n\r\n");
	asn_str_append(&msg, "Ketentuan kata sandi baru:\r\n");
	asn_policy_wording(set, &msg);
	asn_str_append(&msg, "\r\n");
	if (n->password_expires_at != 0) {
		char when[128];

		asn_str_printfa(&msg,
			"Batas waktu: kata sandi bawaan berlaku sampai %s.\r\n"
			"Setelah itu akun tidak dapat dipakai dan Anda perlu menghubungi\r\n"
			"verifikator atau admin untuk reset kata sandi.\r\n\r\n",
			asn_notice_date_id(n->password_expires_at, when, sizeof(when)));
	}
	asn_str_append(&msg,
		"Sebelum kata sandi diganti, hanya folder INBOX yang dapat dibuka dan\r\n"
		"email tidak dapat dikirim.\r\n\r\n"
		"Email ini dikirim otomatis oleh sistem dan tidak perlu dibalas.\r\n");
	asn_str_c(&msg);
	return msg.data;
}
