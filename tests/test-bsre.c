/* BSrE mails: candidates, event types, trust, certificate facts. */
#include "tap.h"
#include "asn-bsre.h"

#include <stdlib.h>

static const struct {
	const char *subject;
	enum asn_bsre_event want;
} subject_cases[] = {
	{ "[BSrE] Aktivasi Akun", ASN_BSRE_ACCOUNT_ACTIVATION },
	{ "[BSrE] Aktifasi Akun", ASN_BSRE_ACCOUNT_ACTIVATION },
	{ "[BSRE] AKTIVASI AKUN", ASN_BSRE_ACCOUNT_ACTIVATION },
	{ "[bsre]   Aktivasi\t Akun ASN", ASN_BSRE_ACCOUNT_ACTIVATION },
	{ "[BSrE] Informasi Akun", ASN_BSRE_ACCOUNT_INFO },
	{ "[BSrE] Set Passphrase", ASN_BSRE_SET_PASSPHRASE },
	{ "[BSrE] Setting Passphrase", ASN_BSRE_SET_PASSPHRASE },
	{ "[BSrE] Sertifikat Elektronik Terbit", ASN_BSRE_CERTIFICATE_ISSUED },
	{ "[BSrE] Permohonan Penerbitan Berhasil", ASN_BSRE_ISSUANCE_SUCCEEDED },
	{ "[BSrE] Perpanjangan Sertifikat Elektronik", ASN_BSRE_RENEWAL },
	{ "[BSrE] Reset Passphrase", ASN_BSRE_PASSWORD_RESET },
	{ "[BSrE] Reset Credentials", ASN_BSRE_PASSWORD_RESET },
	{ "[BSrE] Pemberitahuan Pemeliharaan Sistem", ASN_BSRE_OTHER },
	{ "[BSrE]", ASN_BSRE_OTHER },
	{ "Fwd: [BSrE] Aktivasi Akun", ASN_BSRE_NONE },
	{ "Re: [BSrE] Set Passphrase", ASN_BSRE_NONE },
	{ "Aktivasi Akun [BSrE]", ASN_BSRE_NONE },
	{ "BSrE Aktivasi Akun", ASN_BSRE_NONE },
	{ "[BSSN] Aktivasi Akun", ASN_BSRE_NONE },
	{ "", ASN_BSRE_NONE },
};

static const char *const trusted[] = { "bssn.go.id", NULL };

static const struct {
	const char *domain;
	bool want;
} domain_cases[] = {
	{ "bssn.go.id", true }, { "BSSN.GO.ID", true }, { "mail.bssn.go.id", true },
	{ "bssn.go.id.", true }, { "bssn-go.id", false }, { "evilbssn.go.id", false },
	{ "bssn.go.id.evil.example", false }, { "go.id", false }, { "", false },
};

static const struct {
	const char *from;
	const char *want;	/* NULL: no domain */
} from_cases[] = {
	{ "BSrE <info.bsre@bssn.go.id>", "bssn.go.id" },
	{ "info.bsre@MAIL.BSSN.GO.ID", "mail.bssn.go.id" },
	{ "\"info.bsre@bssn.go.id\" <phish@bssn-go.id>", "bssn-go.id" },
	{ "<noreply@bssn.go.id.>", "bssn.go.id" },
	{ "no address here", NULL },
};

static const struct {
	const char *value;
	bool want;
	const char *name;
} authres_cases[] = {
	{ "mx.jatimprov.go.id; dkim=pass header.d=bssn.go.id header.s=sel; spf=pass", true,
	  "our authserv-id, dkim pass for bssn.go.id" },
	{ "mx.jatimprov.go.id 1; spf=pass smtp.mailfrom=bssn.go.id; dkim=pass (2048-bit key) header.i=@bssn.go.id", true,
	  "version number, comment, header.i" },
	{ "mx.jatimprov.go.id; dkim=fail header.d=bssn.go.id", false, "dkim fail" },
	{ "mx.jatimprov.go.id; dkim=pass header.d=bssn-go.id", false, "dkim pass for a look-alike" },
	{ "evil.example; dkim=pass header.d=bssn.go.id", false, "another authserv-id is ignored" },
	{ "mx.jatimprov.go.id.evil; dkim=pass header.d=bssn.go.id", false, "authserv-id must match exactly" },
	{ "mx.jatimprov.go.id; spf=pass smtp.mailfrom=bssn.go.id", false, "spf alone is not dkim" },
	{ "mx.jatimprov.go.id; none", false, "none" },
	{ "mx.jatimprov.go.id (dkim=pass header.d=bssn.go.id); dkim=fail header.d=bssn.go.id", false,
	  "a pass inside a comment does not count" },
};

static const struct {
	const char *text;
	const char *want;	/* NULL: no date */
} date_cases[] = {
	{ "30 April 2027", "2027-04-30" }, { "1 Agustus 2028", "2028-08-01" },
	{ "30 Apr 2027", "2027-04-30" }, { "5 Des. 2026", "2026-12-05" },
	{ "12 Nopember 2027", "2027-11-12" }, { "2027-04-30", "2027-04-30" },
	{ "30-04-2027", "2027-04-30" }, { "30/04/2027", "2027-04-30" },
	{ "2027", "2027" }, { "31 Februari 2027", NULL },
	{ "30 Foo 2027", NULL }, { "hello", NULL }, { "1500", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(subject_cases) / sizeof(subject_cases[0]); i++) {
		char *norm = asn_bsre_subject_normalize(subject_cases[i].subject);
		enum asn_bsre_event got = asn_bsre_classify_subject(NULL, norm);

		tap_ok(got == subject_cases[i].want, "subject '%s' -> %s (got %s)",
		       subject_cases[i].subject, asn_bsre_event_name(subject_cases[i].want),
		       asn_bsre_event_name(got));
		free(norm);
	}
	for (size_t i = 0; i < sizeof(domain_cases) / sizeof(domain_cases[0]); i++)
		tap_ok(asn_bsre_domain_trusted(domain_cases[i].domain, trusted) == domain_cases[i].want,
		       "domain '%s' %s", domain_cases[i].domain,
		       domain_cases[i].want ? "trusted" : "not trusted");
	for (size_t i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		char domain[256];
		bool ok = asn_bsre_from_domain(from_cases[i].from, domain, sizeof(domain));

		if (from_cases[i].want == NULL)
			tap_ok(!ok, "from '%s': no domain", from_cases[i].from);
		else
			tap_is_str(ok ? domain : "", from_cases[i].want, "from '%s'", from_cases[i].from);
	}
	for (size_t i = 0; i < sizeof(authres_cases) / sizeof(authres_cases[0]); i++)
		tap_ok(asn_bsre_authres_dkim_pass(authres_cases[i].value, "mx.jatimprov.go.id",
						  trusted) == authres_cases[i].want,
		       "Authentication-Results: %s", authres_cases[i].name);
	tap_ok(!asn_bsre_authres_dkim_pass("mx; dkim=pass header.d=bssn.go.id", "", trusted),
	       "Authentication-Results: no authserv-id configured trusts nothing");

	for (size_t i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
		char out[11] = "";
		size_t n = asn_bsre_parse_date(date_cases[i].text, out);

		if (date_cases[i].want == NULL)
			tap_ok(n == 0, "date '%s': none", date_cases[i].text);
		else
			tap_is_str(n > 0 ? out : "", date_cases[i].want, "date '%s'", date_cases[i].text);
	}

	{
		struct asn_bsre_certificate cert;
		const char *body =
			"Yth. Bapak/Ibu,\r\n\r\nSertifikat elektronik Anda telah terbit:\r\n"
			"Common Name   : SITI RAHMA\r\n"
			"Organization  : Pemerintah Provinsi Jawa Timur\r\n"
			"Country       : ID\r\n"
			"Serial Number : 4F:2A:91:0C\r\n\r\n"
			"Sertifikat berlaku sampai dengan 30 April 2027.\r\n";

		tap_ok(asn_bsre_extract_certificate(body, &cert), "certificate: fields found");
		tap_is_str(cert.common_name, "SITI RAHMA", "certificate: common name");
		tap_is_str(cert.organization, "Pemerintah Provinsi Jawa Timur", "certificate: organization");
		tap_is_str(cert.serial, "4F:2A:91:0C", "certificate: serial");
		tap_is_str(cert.valid_until, "2027-04-30", "certificate: validity end, Indonesian month");

		tap_ok(asn_bsre_extract_certificate("Common Name: X\nvalid until: 2028-01-15\n", &cert) &&
		       strcmp(cert.valid_until, "2028-01-15") == 0, "certificate: English, ISO date");
		tap_ok(asn_bsre_extract_certificate("berlaku sampai dengan tahun 2029", &cert) ||
		       cert.valid_until[0] == '\0', "certificate: a phrase without a date is not invented");
		tap_ok(asn_bsre_extract_certificate("Masa berlaku: 2029\n", &cert) &&
		       strcmp(cert.valid_until, "2029") == 0, "certificate: a year alone is kept as a year");
		tap_ok(!asn_bsre_extract_certificate("Tidak ada data di sini.\n", &cert),
		       "certificate: nothing found in an unrelated text");
	}
	/* asn_bsre_subjects: the default spells the built-in table. */
	{
		struct asn_bsre_pattern *table = NULL;
		struct asn_error err = { .msg = "" };
		bool same = true;
		size_t n = 0;

		tap_ok(asn_bsre_patterns_parse(asn_bsre_default_patterns_spec, &table, &err) == 0,
		       "subjects setting: default parses (%s)", err.msg);
		for (; table != NULL && table[n].substring != NULL; n++) {
			if (asn_bsre_default_patterns[n].substring == NULL ||
			    table[n].event != asn_bsre_default_patterns[n].event ||
			    strcmp(table[n].substring, asn_bsre_default_patterns[n].substring) != 0)
				same = false;
		}
		tap_ok(same && asn_bsre_default_patterns[n].substring == NULL,
		       "subjects setting: default equals the built-in table (%zu patterns)", n);
		free(table);
		tap_ok(asn_bsre_patterns_parse(" set_passphrase : kata sandi sertifikat | pin ;"
					       "account_info:info", &table, &err) == 0,
		       "subjects setting: custom words");
		tap_ok(asn_bsre_classify_subject(table, "[BSrE] Atur PIN anda") == ASN_BSRE_SET_PASSPHRASE,
		       "subjects setting: custom word matches, trimmed");
		tap_ok(asn_bsre_classify_subject(table, "[BSrE] Aktivasi Akun") == ASN_BSRE_OTHER,
		       "subjects setting: words not listed are other");
		free(table);
		tap_ok(asn_bsre_patterns_parse("activation:aktivasi", &table, &err) < 0,
		       "subjects setting: unknown event refused");
		tap_contains(err.msg, "'activation' is not an event type", "subjects setting: names the event");
		tap_ok(asn_bsre_patterns_parse("aktivasi akun", &table, &err) < 0,
		       "subjects setting: missing EVENT: refused");
		tap_contains(err.msg, "EVENT:substring", "subjects setting: says the syntax");
		tap_ok(asn_bsre_patterns_parse(" ; ", &table, &err) < 0, "subjects setting: empty refused");
	}
	return tap_done();
}
