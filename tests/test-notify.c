/* asnctl notify's core: each condition due or not at its edges, the
   occurrence that makes it new, once per occurrence in the store, the
   scope and window of the digests, and the texts (Bahasa Indonesia, the
   verifiers named, no link but the configured ones, clean lines). */
#include "tap.h"
#include "asn-notify.h"
#include "asn-store-notice.h"
#include "sqlite-util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 ((time_t)1795338000)	/* 2026-11-22 09:00 UTC */
#define DAY 86400
/* "2026-12-31": valid through 2026-12-31T23:59:59Z */
#define UNTIL_2026 ((time_t)1798761599)

static const struct asn_notify_settings nset = {
	{ DAY, DAY, 30 * DAY },	/* activation, passphrase ttl, expiry warning */
	3 * DAY, 3 * DAY,
};

#define EV(type, at) { type, at, true, false, "" }
#define UNTRUSTED(type, at) { type, at, false, false, "" }
#define CERT(at, until) { ASN_BSRE_CERTIFICATE_ISSUED, at, true, false, until }
#define NONE_ { ASN_BSRE_NONE, 0, false, false, "" }

static void test_due(void)
{
	static const struct {
		const char *what;
		struct asn_bsre_event_record events[3];
		size_t count;
		bool must_change;
		time_t now;
		int condition;		/* -1: nothing due */
		time_t occurrence;
	} cases[] = {
		{ "activation: at the link's end, not yet",
		  { EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0) }, 1, false, T0 + DAY, -1, 0 },
		{ "activation: a second after, due",
		  { EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0) }, 1, false, T0 + DAY + 1,
		  ASN_NOTIFY_ACTIVATION_EXPIRED, T0 },
		{ "activation: activated since, nothing",
		  { EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0), EV(ASN_BSRE_ACCOUNT_INFO, T0 + 60) }, 2,
		  false, T0 + 10 * DAY, -1, 0 },
		{ "activation: a new mail is a new occurrence",
		  { EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0),
		    EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0 + 2 * DAY) }, 2, false,
		  T0 + 3 * DAY + 1, ASN_NOTIFY_ACTIVATION_EXPIRED, T0 + 2 * DAY },
		{ "activation: a new mail not expired yet, nothing",
		  { EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0),
		    EV(ASN_BSRE_ACCOUNT_ACTIVATION, T0 + 2 * DAY) }, 2, false,
		  T0 + 2 * DAY + 10, -1, 0 },
		{ "activation: an untrusted mail moves nothing",
		  { UNTRUSTED(ASN_BSRE_ACCOUNT_ACTIVATION, T0) }, 1, false, T0 + 5 * DAY, -1, 0 },
		{ "passphrase: 3 days after, not yet (the link's 1 day is not it)",
		  { EV(ASN_BSRE_SET_PASSPHRASE, T0) }, 1, false, T0 + 3 * DAY, -1, 0 },
		{ "passphrase: a second after 3 days, due",
		  { EV(ASN_BSRE_SET_PASSPHRASE, T0) }, 1, false, T0 + 3 * DAY + 1,
		  ASN_NOTIFY_PASSPHRASE_NOT_SET, T0 },
		{ "passphrase: certificate since, nothing",
		  { EV(ASN_BSRE_SET_PASSPHRASE, T0), CERT(T0 + DAY, "2027-12-31") }, 2, false,
		  T0 + 10 * DAY, -1, 0 },
		{ "passphrase: requested (issuance succeeded), nothing",
		  { EV(ASN_BSRE_SET_PASSPHRASE, T0), EV(ASN_BSRE_ISSUANCE_SUCCEEDED, T0 + 60) }, 2,
		  false, T0 + 10 * DAY, -1, 0 },
		{ "passphrase: a new Set Passphrase is a new occurrence",
		  { EV(ASN_BSRE_SET_PASSPHRASE, T0), EV(ASN_BSRE_SET_PASSPHRASE, T0 + 5 * DAY) },
		  2, false, T0 + 8 * DAY + 1, ASN_NOTIFY_PASSPHRASE_NOT_SET, T0 + 5 * DAY },
		{ "certificate: 30 days before its end, not yet",
		  { CERT(T0, "2026-12-31") }, 1, false, UNTIL_2026 - 30 * DAY, -1, 0 },
		{ "certificate: a second later, expiring",
		  { CERT(T0, "2026-12-31") }, 1, false, UNTIL_2026 - 30 * DAY + 1,
		  ASN_NOTIFY_CERTIFICATE_EXPIRING, T0 },
		{ "certificate: a new certificate is a new occurrence",
		  { CERT(T0 - 400 * DAY, "2025-12-31"), CERT(T0, "2026-12-31") }, 2, false,
		  UNTIL_2026 - DAY, ASN_NOTIFY_CERTIFICATE_EXPIRING, T0 },
		{ "certificate: expired is not expiring",
		  { CERT(T0, "2026-12-31") }, 1, false, UNTIL_2026 + 1, -1, 0 },
		{ "certificate: renewed far ahead, nothing",
		  { CERT(T0, "2026-12-31"), CERT(T0 + DAY, "2027-12-31") }, 2, false,
		  UNTIL_2026 - DAY, -1, 0 },
		{ "default password: 3 days after, not yet",
		  { NONE_ }, 0, true, T0 + 3 * DAY, -1, 0 },
		{ "default password: a second after, due",
		  { NONE_ }, 0, true, T0 + 3 * DAY + 1, ASN_NOTIFY_DEFAULT_PASSWORD, T0 },
		{ "default password: changed, nothing",
		  { NONE_ }, 0, false, T0 + 30 * DAY, -1, 0 },
	};

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_notify_person p = {
			"siti@x.go.id", "Siti", "Diskominfo", cases[i].must_change, T0, T0 + 14 * DAY,
			cases[i].events, cases[i].count
		};
		struct asn_notify_assessment a;
		char want[24];

		asn_notify_assess(&p, &nset, cases[i].now, &a);
		if (cases[i].condition < 0) {
			tap_ok(a.due_count == 0, "due %zu: %s (%u due)", i, cases[i].what,
			       a.due_count);
			continue;
		}
		snprintf(want, sizeof(want), "%lld", (long long)cases[i].occurrence);
		tap_ok(a.due_count == 1 && (int)a.due[0].condition == cases[i].condition &&
		       strcmp(a.due[0].occurrence, want) == 0,
		       "due %zu: %s (%u due, %s %s)", i, cases[i].what, a.due_count,
		       a.due_count > 0 ? asn_notify_condition_name(a.due[0].condition) : "-",
		       a.due_count > 0 ? a.due[0].occurrence : "-");
	}
}

/* once per occurrence: what the tool asks the store */
static void test_once(void)
{
	char dir[] = "/tmp/asn-test-notify-XXXXXX";
	struct asn_settings set;
	struct asn_store *store = NULL;
	struct asn_error err;
	char path[256];
	time_t last;
	int from;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/asn.db", dir);
	asn_settings_init(&set);
	test_db_settings(&set, dir, path);
	if (asn_store_init(&set, NULL, &from, &err) < 0 ||
	    asn_store_open(&set, true, &store, &err) < 0) {
		tap_ok(false, "store: %s", err.msg);
		return;
	}
	tap_ok(asn_store_notice_was_sent(store, "a@x.go.id", "passphrase_not_set", "100", &err) == 0,
	       "once: not sent before");
	tap_ok(asn_store_notice_last_sent(store, "v@x.go.id", "digest", &last, &err) == 0 &&
	       last == 0, "once: no digest before");
	tap_ok(asn_store_notice_mark_sent(store, "a@x.go.id", "passphrase_not_set", "100", T0,
					  &err) == 1, "once: recorded");
	tap_ok(asn_store_notice_was_sent(store, "A@X.go.id", "passphrase_not_set", "100", &err) == 1,
	       "once: the same occurrence is sent (address without case)");
	tap_ok(asn_store_notice_mark_sent(store, "a@x.go.id", "passphrase_not_set", "100", T0 + 1,
					  &err) == 0, "once: recorded once only");
	tap_ok(asn_store_notice_was_sent(store, "a@x.go.id", "passphrase_not_set", "200", &err) == 0,
	       "once: a new occurrence is not");
	tap_ok(asn_store_notice_was_sent(store, "a@x.go.id", "activation_expired", "100", &err) == 0,
	       "once: another condition is not");
	tap_ok(asn_store_notice_was_sent(store, "b@x.go.id", "passphrase_not_set", "100", &err) == 0,
	       "once: another person is not");
	asn_store_notice_mark_sent(store, "v@x.go.id", "digest", "1000", 1000, &err);
	asn_store_notice_mark_sent(store, "v@x.go.id", "digest", "3000", 3000, &err);
	tap_ok(asn_store_notice_last_sent(store, "v@x.go.id", "digest", &last, &err) == 1 &&
	       last == 3000, "once: the last digest's time");
	asn_store_close(&store);
	asn_settings_free(&set);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bsre", dir);	/* PostgreSQL: the spool's */
	rmdir(path);
	rmdir(dir);
}

static struct asn_verifier verifier(const char *email, const char *name, const char *phone,
				    bool all, const char *opd)
{
	struct asn_verifier v;

	memset(&v, 0, sizeof(v));
	v.email = (char *)email;
	v.name = (char *)name;
	v.phone = (char *)phone;
	v.all_opd = all;
	if (opd != NULL) {
		v.opds.items = asn_xcalloc(1, sizeof(char *));
		v.opds.items[0] = (char *)opd;
		v.opds.count = v.opds.size = 1;
	}
	return v;
}

/* A first digest of a whole province: at most 50 people per section. */
static void test_digest_cap(const struct asn_settings *set)
{
	struct asn_notify_person persons[60];
	struct asn_notify_assessment as[60];
	struct asn_notify_digest_person people[60];
	struct asn_bsre_progress_report report;
	struct asn_verifier admin = verifier("admin@x.go.id", "Admin", "", true, NULL);
	struct asn_notify_digest d;
	char emails[60][32];
	char *msg;

	memset(&report, 0, sizeof(report));
	memset(as, 0, sizeof(as));
	for (int i = 0; i < 60; i++) {
		snprintf(emails[i], sizeof(emails[i]), "p%02d@x.go.id", i);
		memset(&persons[i], 0, sizeof(persons[i]));
		persons[i].email = emails[i];
		persons[i].opd = "Dinas A";
		as[i].due_count = 1;
		as[i].due[0].condition = ASN_NOTIFY_DEFAULT_PASSWORD;
		as[i].due[0].since = T0 + i;
		people[i].person = &persons[i];
		people[i].assessment = &as[i];
	}
	asn_notify_digest_build(&admin, people, 60, &report, 0, T0 + DAY, &d);
	msg = asn_notify_format_digest(&admin, &d, people, set, 0, T0 + DAY);
	tap_contains(msg, "Baru tersendat (60):", "digest cap: the count is all of them");
	tap_contains(msg, "<p49@x.go.id>", "digest cap: the first 50 listed");
	tap_ok(strstr(msg, "<p50@x.go.id>") == NULL, "digest cap: not the 51st");
	tap_contains(msg, "... dan 10 lainnya (lihat portal verifikator)", "digest cap: the rest counted");
	free(msg);
	asn_notify_digest_free(&d);
}

static void test_digest(void)
{
	struct asn_notify_person persons[3] = {
		{ "a1@x.go.id", "Ani", "Dinas A", true, T0, 0, NULL, 0 },
		{ "b1@x.go.id", "Budi", "Dinas B", false, T0, 0, NULL, 0 },
		{ "a2@x.go.id", "Adi", "Dinas A", false, T0, 0, NULL, 0 },
	};
	struct asn_notify_assessment as[3];
	struct asn_notify_digest_person people[3];
	struct asn_bsre_opd_counts opds[2];
	struct asn_bsre_progress_report report;
	struct asn_verifier va = verifier("va@x.go.id", "Vera", "", false, "Dinas A");
	struct asn_verifier vb = verifier("vb@x.go.id", "Vino", "", false, "Dinas B");
	struct asn_verifier admin = verifier("admin@x.go.id", "Admin", "", true, NULL);
	struct asn_notify_digest d;
	struct asn_settings set;
	struct asn_error err;
	char *msg;

	memset(as, 0, sizeof(as));
	/* Ani: stuck on the default password since T0 + 3d */
	as[0].due_count = 1;
	as[0].due[0].condition = ASN_NOTIFY_DEFAULT_PASSWORD;
	as[0].due[0].since = T0 + 3 * DAY;
	/* Budi: a certificate at T0 + 1d */
	as[1].issued_at = T0 + DAY;
	/* Adi: expiring since T0 + 2d */
	as[2].due_count = 1;
	as[2].due[0].condition = ASN_NOTIFY_CERTIFICATE_EXPIRING;
	as[2].due[0].since = T0 + 2 * DAY;
	as[2].due[0].deadline = T0 + 32 * DAY;
	for (int i = 0; i < 3; i++) {
		people[i].person = &persons[i];
		people[i].assessment = &as[i];
	}
	memset(opds, 0, sizeof(opds));
	opds[0].opd = (char *)"Dinas A";
	opds[0].users = 3;
	opds[0].flagged = 2;
	opds[0].stages[ASN_BSRE_STAGE_CERTIFICATE_ISSUED] = 1;
	opds[1].opd = (char *)"Dinas B";
	opds[1].users = 4;
	opds[1].flagged = 1;
	memset(&report, 0, sizeof(report));
	report.opds = opds;
	report.opd_count = 2;

	asn_notify_digest_build(&va, people, 3, &report, 0, T0 + 10 * DAY, &d);
	tap_ok(d.change_count == 2 && d.changes[0].kind == ASN_NOTIFY_NEWLY_STUCK &&
	       d.changes[0].person == 0 && d.changes[1].kind == ASN_NOTIFY_NEWLY_EXPIRING &&
	       d.changes[1].person == 2, "digest: verifier of A sees A's two changes only (%zu)",
	       d.change_count);
	tap_ok(d.counts.users == 3 && d.counts.flagged == 2 && d.opd_count == 1,
	       "digest: A's numbers only (%u users)", d.counts.users);
	asn_notify_digest_free(&d);
	asn_notify_digest_build(&vb, people, 3, &report, 0, T0 + 10 * DAY, &d);
	tap_ok(d.change_count == 1 && d.changes[0].kind == ASN_NOTIFY_NEWLY_ISSUED &&
	       d.changes[0].person == 1 && d.counts.users == 4,
	       "digest: verifier of B sees B's certificate only");
	asn_notify_digest_free(&d);
	asn_notify_digest_build(&admin, people, 3, &report, 0, T0 + 10 * DAY, &d);
	tap_ok(d.change_count == 3 && d.counts.users == 7 && d.counts.flagged == 3,
	       "digest: an admin sees every OPD, numbers summed");
	asn_notify_digest_free(&d);
	/* the window (since, now] */
	asn_notify_digest_build(&admin, people, 3, &report, T0 + 2 * DAY, T0 + 10 * DAY, &d);
	tap_ok(d.change_count == 1 && d.changes[0].person == 0,
	       "digest: a change at the last digest's time is not new, after it is");
	asn_notify_digest_free(&d);
	asn_notify_digest_build(&admin, people, 3, &report, T0 + DAY - 1, T0 + 2 * DAY, &d);
	tap_ok(d.change_count == 2, "digest: a change after now is not yet (%zu)", d.change_count);
	asn_notify_digest_free(&d);
	asn_notify_digest_build(&va, people, 3, &report, T0 + 3 * DAY, T0 + 10 * DAY, &d);
	tap_ok(d.change_count == 0, "digest: nothing changed since, nothing to send");
	asn_notify_digest_free(&d);

	asn_settings_init(&set);
	asn_notify_digest_build(&va, people, 3, &report, T0 + DAY, T0 + 10 * DAY, &d);
	msg = asn_notify_format_digest(&va, &d, people, &set, T0 + DAY, T0 + 10 * DAY);
	tap_contains(msg, "Subject: Ringkasan harian sertifikat elektronik (BSrE)", "digest text: subject");
	tap_contains(msg, "Baru tersendat (1):\r\n  - Ani <a1@x.go.id> (Dinas A)\r\n    masih kata sandi bawaan",
		     "digest text: who is newly stuck and why");
	tap_contains(msg, "Sertifikat segera habis masa berlakunya (1):\r\n  - Adi <a2@x.go.id>",
		     "digest text: who is expiring");
	tap_contains(msg, "Angka saat ini (Dinas A):\r\n  Pengguna: 3\r\n  Sertifikat terbit: 1\r\n"
		     "  Perlu dibantu: 2", "digest text: the numbers of the progress report");
	tap_ok(strstr(msg, "Budi") == NULL, "digest text: nobody of another OPD");
	tap_ok(strstr(msg, "://") == NULL, "digest text: no link without asn_portal_url");
	free(msg);
	asn_settings_set(&set, "asn_portal_url", "https://portal.jatimprov.go.id/", &err);
	msg = asn_notify_format_digest(&va, &d, people, &set, T0 + DAY, T0 + 10 * DAY);
	tap_contains(msg, "portal verifikator:\r\n  https://portal.jatimprov.go.id/\r\n",
		     "digest text: the portal linked when set");
	free(msg);
	asn_notify_digest_free(&d);
	test_digest_cap(&set);
	asn_settings_free(&set);
	free(va.opds.items);
	free(vb.opds.items);
}

static bool crlf_only(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			return false;
		if (*p == '\r' && p[1] != '\n')
			return false;
	}
	return true;
}

static void test_texts(void)
{
	static const struct {
		enum asn_notify_condition condition;
		const char *words;
	} cases[] = {
		{ ASN_NOTIFY_ACTIVATION_EXPIRED, "minta email aktivasi\r\n     dikirim ulang" },
		{ ASN_NOTIFY_PASSPHRASE_NOT_SET, "atur\r\n     passphrase Anda" },
		{ ASN_NOTIFY_CERTIFICATE_EXPIRING, "mengajukan perpanjangan" },
		{ ASN_NOTIFY_DEFAULT_PASSWORD, "Pengaturan > Kata Sandi" },
	};
	struct asn_notify_person p = {
		"siti@x.go.id", "Siti\r\nBcc: all@x.go.id", "Diskominfo", true, T0, T0 + 14 * DAY,
		NULL, 0
	};
	struct asn_verifier vs[3] = {
		verifier("admin@x.go.id", "Admin Pusat", "+62811", true, NULL),
		verifier("v1@x.go.id", "Vera Wati", "+6281234567890", false, "Diskominfo"),
		verifier("v2@x.go.id", "", "", false, "Diskominfo"),
	};
	struct asn_settings set;
	struct asn_error err;

	asn_settings_init(&set);
	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_notify_due due;
		char *msg;

		memset(&due, 0, sizeof(due));
		due.condition = cases[i].condition;
		strcpy(due.occurrence, "1795338000");
		due.event_at = T0;
		due.deadline = T0 + 14 * DAY;
		msg = asn_notify_format_notice(&p, &due, vs, 3, &set, T0 + 4 * DAY);
		tap_contains(msg, asn_notify_subject(cases[i].condition), "text %zu: subject", i);
		tap_contains(msg, cases[i].words, "text %zu (%s): says what to do", i,
			     asn_notify_condition_name(cases[i].condition));
		tap_contains(msg, "Verifikator instansi Anda (Diskominfo):\r\n"
			     "  - Vera Wati, telepon +6281234567890, email v1@x.go.id\r\n"
			     "  - v2@x.go.id, email v2@x.go.id\r\n", "text %zu: the OPD's verifiers", i);
		tap_ok(strstr(msg, "Admin Pusat") == NULL, "text %zu: an admin is not the OPD's verifier", i);
		tap_ok(strstr(msg, "://") == NULL && strstr(msg, "bssn") == NULL &&
		       strstr(msg, "{ARGON2") == NULL, "text %zu: no link, no password", i);
		tap_ok(crlf_only(msg) && strstr(msg, "\nBcc:") == NULL,
		       "text %zu: CRLF lines, a name cannot add a header", i);
		tap_contains(msg, "Message-ID: <asn-notify.", "text %zu: a Message-ID", i);
		free(msg);
	}
	{
		struct asn_notify_due due = { ASN_NOTIFY_DEFAULT_PASSWORD, "1", T0, T0 + 4 * DAY,
					      T0 + 14 * DAY };
		struct asn_notify_person other = p;
		char *msg;

		other.opd = "Dinas Lain";
		msg = asn_notify_format_notice(&other, &due, vs, 3, &set, T0 + 4 * DAY);
		tap_contains(msg, "(Dinas Lain) belum memiliki verifikator terdaftar: hubungi admin",
			     "text: an OPD without a verifier: the mail admin");
		free(msg);
		asn_settings_set(&set, "asn_webmail_url", "https://mail.x.go.id/", &err);
		msg = asn_notify_format_notice(&p, &due, vs, 3, &set, T0 + 4 * DAY);
		tap_contains(msg, "webmail (https://mail.x.go.id/)", "text: the webmail named when set");
		free(msg);
		due.deadline = T0 + 2 * DAY;
		msg = asn_notify_format_notice(&p, &due, vs, 3, &set, T0 + 4 * DAY);
		tap_contains(msg, "hubungi verifikator instansi Anda untuk\r\nreset kata sandi",
			     "text: an expired default password: ask for a reset");
		free(msg);
	}
	asn_settings_free(&set);
	for (int i = 0; i < 3; i++)
		free(vs[i].opds.items);
}

int main(void)
{
	test_due();
	test_once();
	test_digest();
	test_texts();
	printf("1..%u\n", tap_count);
	return tap_failed == 0 ? 0 : 1;
}
