/* The notice and the policy's wording (lib/core), without a Dovecot: the
   wording follows the settings the policy enforces. */
#include "tap.h"
#include "asn-notice.h"
#include "asn-policy-wording.h"

#include <stdlib.h>

static char *wording(const struct asn_settings *set)
{
	struct asn_str out = { 0 };

	asn_policy_wording(set, &out);
	asn_str_c(&out);
	return out.data;
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* Each setting the policy reads, and what the list must then say. */
static const struct {
	const char *name;
	const char *key, *value;
	const char *says, *not_says;
} cases[] = {
	{ "defaults: four classes", NULL, NULL,
	  "  - memuat huruf besar, huruf kecil, angka, dan karakter khusus\r\n", "sedikitnya" },
	{ "defaults: the minimum length", NULL, NULL, "  - minimal 12 karakter;\r\n", NULL },
	{ "defaults: dictionary and history", NULL, NULL,
	  "bukan kata umum seperti \"password\" atau \"rahasia\", dan bukan\r\n"
	  "    kata sandi yang pernah Anda pakai.\r\n", NULL },
	{ "asn_password_min_length 16", "asn_password_min_length", "16",
	  "minimal 16 karakter;", "minimal 12" },
	{ "asn_password_min_classes 3", "asn_password_min_classes", "3",
	  "sedikitnya tiga dari empat jenis karakter", "memuat huruf besar" },
	{ "asn_password_min_classes 2", "asn_password_min_classes", "2",
	  "sedikitnya dua dari empat jenis karakter", "tiga dari" },
	{ "asn_password_min_classes 1: no class rule", "asn_password_min_classes", "1",
	  "minimal 12 karakter;\r\n  - tidak memuat nama", "jenis karakter" },
	{ "asn_password_dictcheck no", "asn_password_dictcheck", "no",
	  "  - bukan kata sandi yang pernah Anda pakai.\r\n", "kata umum" },
	{ "asn_password_history 0: only the default is refused", "asn_password_history", "0",
	  "dan bukan\r\n    kata sandi bawaan.\r\n", "pernah Anda pakai" },
};

static void test_wording(void)
{
	char buf[512];

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_settings set;
		struct asn_error err;
		char *text;

		asn_settings_init(&set);
		if (cases[i].key != NULL && asn_settings_set(&set, cases[i].key, cases[i].value, &err) != 1)
			tap_ok(false, "%s: %s", cases[i].name, err.msg);
		text = wording(&set);
		tap_contains(text, cases[i].says, "wording, %s: says it", cases[i].name);
		if (cases[i].not_says != NULL)
			tap_ok(!has(text, cases[i].not_says), "wording, %s: not '%s'", cases[i].name,
			       cases[i].not_says);
		tap_ok(has(text, "tidak memuat nama, NIP, tanggal lahir, atau alamat email Anda;"),
		       "wording, %s: the context rule is always there", cases[i].name);
		free(text);
		asn_settings_free(&set);
	}
	{
		struct asn_settings set;
		struct asn_error err;

		asn_settings_init(&set);
		tap_is_str(asn_policy_wording_classes(&set, "id", buf, sizeof(buf)),
			   "Kata sandi harus memuat huruf besar, huruf kecil, angka, dan karakter "
			   "khusus (misalnya ! # % * ?).", "classes sentence, four, id");
		tap_is_str(asn_policy_wording_classes(&set, "en", buf, sizeof(buf)),
			   "The password must contain upper case, lower case, a digit and a "
			   "special character.", "classes sentence, four, en");
		(void)asn_settings_set(&set, "asn_password_min_classes", "3", &err);
		tap_contains(asn_policy_wording_classes(&set, "id", buf, sizeof(buf)),
			     "sedikitnya tiga dari empat jenis karakter", "classes sentence, three, id");
		tap_contains(asn_policy_wording_classes(&set, "en", buf, sizeof(buf)),
			     "at least 3 of", "classes sentence, three, en");
		asn_settings_free(&set);
	}
}

static bool crlf_only(const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			return false;
	}
	return true;
}

static void test_notice(void)
{
	struct asn_notice notice = {
		.username = "siti.rahma@jatimprov.go.id", .name = "Dr. Siti Rahma",
		.host_domain = "mail.example", .date = 1796551200,	/* 2026-12-06 10:00 UTC */
		.password_set_at = 1795341600, .password_expires_at = 1796551200,
	};
	struct asn_settings set;
	struct asn_error err;
	char *text, when[128];

	asn_settings_init(&set);
	text = asn_notice_format(&notice, &set);
	tap_ok(crlf_only(text), "notice: every line ends in CRLF");
	tap_contains(text, "From: Admin Email <postmaster@jatimprov.go.id>\r\n",
		     "notice: From the postmaster of the user's domain by default");
	tap_contains(text, "To: <siti.rahma@jatimprov.go.id>\r\n", "notice: To");
	tap_contains(text, "Date: Sun, 06 Dec 2026 10:00:00 +0000\r\n", "notice: Date (RFC 5322)");
	tap_contains(text, "Message-ID: <asn-notice.1795341600.siti.rahma@jatimprov.go.id>\r\n",
		     "notice: one Message-ID per default password");
	tap_contains(text, "\r\n\r\nYth. Bapak/Ibu Dr. Siti Rahma,\r\n", "notice: the body greets by name");
	tap_contains(text, "Masuk ke webmail dengan kata sandi bawaan", "notice: webmail without a URL");
	tap_contains(text, "Ketentuan kata sandi baru:\r\n  - minimal 12 karakter;\r\n",
		     "notice: the policy's wording from the settings");
	tap_contains(text, "berlaku sampai 6 Desember 2026 pukul 10.00 UTC.",
		     "notice: the deadline in Bahasa Indonesia");
	free(text);

	(void)asn_settings_set(&set, "asn_notice_from", "Diskominfo <admin@jatimprov.go.id>", &err);
	(void)asn_settings_set(&set, "asn_webmail_url", "https://mail.jatimprov.go.id/", &err);
	(void)asn_settings_set(&set, "asn_password_min_classes", "3", &err);
	notice.name = "";
	notice.username = "siti";
	notice.password_expires_at = 0;
	text = asn_notice_format(&notice, &set);
	tap_contains(text, "From: Diskominfo <admin@jatimprov.go.id>\r\n", "notice: asn_notice_from");
	tap_contains(text, "Masuk ke webmail (https://mail.jatimprov.go.id/) dengan",
		     "notice: asn_webmail_url");
	tap_contains(text, "Yth. Bapak/Ibu siti,", "notice: no name, the address");
	tap_contains(text, "sedikitnya tiga dari empat jenis karakter",
		     "notice: asn_password_min_classes 3 is what it states");
	tap_ok(!has(text, "Batas waktu"), "notice: no deadline when none is known");
	free(text);
	asn_settings_free(&set);
	tap_is_str(asn_notice_date_id(1796551200, when, sizeof(when)),
		   "6 Desember 2026 pukul 10.00 UTC", "date in Bahasa Indonesia");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_wording();
	test_notice();
	return tap_done();
}
