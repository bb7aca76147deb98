/* BSrE mails: candidates, event types, trust, certificate facts. */
#include "tap.h"
#include "asn-bsre.h"

#include <stdlib.h>
#include <string.h>

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
	{ "  [BSrE] Aktivasi Akun", ASN_BSRE_ACCOUNT_ACTIVATION },
	/* look-alikes and invisible characters: phishing, whoever sends it */
	{ "[B\xd0\x85rE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },		/* Cyrillic DZE */
	{ "[\xd0\x92SrE] Set Passphrase", ASN_BSRE_SUSPICIOUS },		/* Cyrillic VE */
	{ "[BSr\xd0\x95] Sertifikat Terbit", ASN_BSRE_SUSPICIOUS },		/* Cyrillic IE */
	{ "[\xce\x92SrE] Aktivasi", ASN_BSRE_SUSPICIOUS },			/* Greek BETA */
	{ "\xef\xbc\xbb" "BSrE\xef\xbc\xbd Aktivasi", ASN_BSRE_SUSPICIOUS },	/* fullwidth [ ] */
	{ "\xef\xbc\xa2\xef\xbc\xb3rE] x", ASN_BSRE_NONE },		/* no bracket */
	{ "[\xef\xbc\xa2\xef\xbc\xb3\xef\xbd\x92\xef\xbc\xa5] x", ASN_BSRE_SUSPICIOUS },
	{ "\xe2\x80\x8b[BSrE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* ZWSP before */
	{ "[BS\xe2\x80\x8brE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* ZWSP inside */
	{ "[B\xe2\x80\x8dSrE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* ZWJ inside */
	{ "\xe2\x80\xae[BSrE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* RLO before */
	{ "[BSrE\xe2\x81\xa6] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* LRI inside */
	{ "\xef\xbb\xbf[BSrE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },	/* BOM before */
	{ "[BS\xc2\xadrE] Aktivasi Akun", ASN_BSRE_SUSPICIOUS },		/* soft hyphen */
	{ "[\xf0\x9d\x90\x81SrE] Aktivasi", ASN_BSRE_SUSPICIOUS },		/* math bold B */
	{ "Fwd: [B\xd0\x85rE] Aktivasi Akun", ASN_BSRE_NONE },
	{ "[\xd0\x91SrE] x", ASN_BSRE_NONE },				/* Cyrillic BE: no B */
	{ "Rapat koordinasi \xe2\x80\x94 [Penting]", ASN_BSRE_NONE },
	{ "[B\xff" "SrE] broken UTF-8", ASN_BSRE_NONE },
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

#define ID "mx.jatimprov.go.id"
#define PASS ID "; dkim=pass header.d=bssn.go.id header.s=bsre; spf=pass smtp.mailfrom=bssn.go.id"

/* Authentication-Results fields of one mail, topmost first. */
static const struct {
	const char *values[3];
	bool want;
	const char *name;
} authres_cases[] = {
	{ { PASS }, true, "our authserv-id, dkim pass for bssn.go.id" },
	{ { ID " 1; spf=pass smtp.mailfrom=bssn.go.id; dkim=pass (2048-bit key) header.d=bssn.go.id" },
	  true, "version number and a comment" },
	{ { "MX.JatimProv.GO.ID; dkim=pass header.d=mail.bssn.go.id" }, true,
	  "authserv-id compared without case; a subdomain of a trusted domain" },
	{ { "(our MTA) " ID " (v) ; (x) dkim (a (nested) one) = (y) pass (z) header (p) . (q) d "
	    "(r) = (s) bssn.go.id (t)" }, true, "comments everywhere CFWS may stand" },
	{ { ID "; dkim=pass reason=\"good; very\" header.d=\"bssn.go.id\"" }, true,
	  "a quoted reason holding ';', a quoted header.d" },
	{ { ID "; dkim/1=pass header.d=bssn.go.id" }, true, "a method version" },
	{ { ID "; dkim=fail header.d=evil.example; dkim=pass header.d=bssn.go.id header.b=AbC+/d" },
	  true, "two signatures, ours passes" },
	{ { "other.example; dkim=none", PASS }, true, "another authserv-id above ours is passed over" },
	{ { ID "; dkim=fail header.d=bssn.go.id" }, false, "dkim fail" },
	{ { ID "; dkim=pass header.d=bssn-go.id" }, false, "dkim pass for a look-alike" },
	{ { "evil.example; dkim=pass header.d=bssn.go.id" }, false, "another authserv-id is ignored" },
	{ { ID ".evil; dkim=pass header.d=bssn.go.id" }, false, "authserv-id must match exactly" },
	{ { ID "; spf=pass smtp.mailfrom=bssn.go.id" }, false, "spf alone is not dkim" },
	{ { ID "; none" }, false, "none" },
	{ { ID }, false, "no result at all" },
	{ { ID " (dkim=pass header.d=bssn.go.id); dkim=fail header.d=bssn.go.id" }, false,
	  "a pass inside a comment does not count" },
	/* issue 9: forged fields that carry our authserv-id */
	{ { ID "; dkim=none; spf=softfail", PASS }, false,
	  "the MTA's dkim=none on top wins over a forged pass below" },
	{ { ID "; dkim=none", "MX.JATIMPROV.GO.ID; dkim=pass header.d=bssn.go.id" }, false,
	  "a forged pass below with the id in upper case" },
	{ { ID "; dkim=none", ID " 1; dkim=pass header.d=bssn.go.id" }, false,
	  "a forged pass below with a version" },
	{ { ID "; dkim=none", "other.example; dkim=none", PASS }, false,
	  "a forged pass further below" },
	{ { ID "; spf=softfail smtp.mailfrom=\"x;dkim=pass header.d=bssn.go.id;\"@evil.example; "
	    "dkim=none" }, false, "a result inside a quoted local part (issue 9)" },
	{ { ID "; spf=softfail smtp.mailfrom=\"x;dkim=pass header.d=bssn.go.id;spf=none smtp.x=a\""
	    "@evil.example; dkim=none" }, false,
	  "a quoted local part that would still parse if quotes were not honoured" },
	{ { ID "; spf=softfail smtp.mailfrom=x@evil.example (;dkim=pass header.d=bssn.go.id)" },
	  false, "a result inside a comment after a property" },
	{ { ID "; dkim=pass header.d=evil.example header.i=@bssn.go.id" }, false,
	  "header.i is never trusted, header.d decides" },
	{ { ID "; dkim=pass header.i=@bssn.go.id" }, false, "header.i alone is not trusted" },
	{ { ID "; dkim=pass; spf=pass header.d=bssn.go.id" }, false,
	  "header.d of another method's result does not count" },
	{ { ID "; dkim=pass policy.d=bssn.go.id" }, false, "only the header ptype's d" },
	{ { ID "; dkim=pass header.d=bssn.go.id \"unterminated" }, false,
	  "an unterminated quoted string: the field does not parse, nothing is trusted" },
	{ { ID "; dkim=pass header.d=bssn.go.id (unterminated" }, false,
	  "an unterminated comment" },
	{ { ID "; dkim=pass header.d=bssn.go.id)" }, false, "a stray ')'" },
	{ { ID "; dkim=none", "broken \"", PASS }, false,
	  "ours on top decides even when a field below does not parse" },
	{ { ID " ; dkim=pass header.d=bssn.go.id \"", PASS }, false,
	  "ours on top that does not parse trusts nothing" },
	{ { "\"broken", PASS }, true, "a broken field not ours above is passed over" },
	{ { "(ours) " ID "; dkim=none \"", PASS }, false,
	  "a broken field above that mentions our id trusts nothing" },
	{ { NULL }, false, "no field" },
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

/* The delivery plugin's first look at a mail's raw bytes. */
struct raw_header_case {
	const char *name;
	const char *data;
	bool at_end;
	enum asn_bsre_raw_verdict want;
};
static const struct raw_header_case raw_header_cases[] = {
	{ "ordinary mail", "From: a@b.c\r\nSubject: Rapat Senin\r\n\r\nIsi [BSrE]\r\n",
	  false, ASN_BSRE_RAW_NO },
	{ "the tag", "From: a@b.c\nSubject: [BSrE] Aktivasi Akun\n\nIsi\n", false, ASN_BSRE_RAW_YES },
	{ "any case of the name", "SUBJECT: [BSrE] x\n\n", false, ASN_BSRE_RAW_YES },
	{ "white space before the colon", "Subject \t: [BSrE] x\n\n", false, ASN_BSRE_RAW_YES },
	{ "the tag on a folded line", "Subject: Re:\r\n [BSrE] x\r\nTo: a@b.c\r\n\r\n",
	  false, ASN_BSRE_RAW_YES },
	{ "an encoded word", "Subject: =?UTF-8?B?W0JTckVdIHg=?=\n\n", false, ASN_BSRE_RAW_YES },
	{ "a second Subject field", "Subject: Rapat\nSubject: [BSrE] x\n\n", false,
	  ASN_BSRE_RAW_YES },
	{ "another field's tag", "X-Subject: [BSrE] x\nThread-Topic: [BSrE]\n\n", false,
	  ASN_BSRE_RAW_NO },
	{ "a body's Subject line", "From: a@b.c\n\nSubject: [BSrE] x\n", false, ASN_BSRE_RAW_NO },
	{ "no Subject, header only", "From: a@b.c\r\n", true, ASN_BSRE_RAW_NO },
	{ "header not ended yet", "From: a@b.c\r\nTo: d@e.f\r\n", false, ASN_BSRE_RAW_MORE },
	{ "Subject cut where it may go on", "Subject: Rapat\r\n", false, ASN_BSRE_RAW_MORE },
	{ "a name cut short", "From: a@b.c\nSubj", false, ASN_BSRE_RAW_MORE },
	{ "a lone CR is no blank line", "From: a@b.c\n\r", false, ASN_BSRE_RAW_MORE },
	{ "empty, whole", "", true, ASN_BSRE_RAW_NO },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(subject_cases) / sizeof(subject_cases[0]); i++) {
		const char *subject = subject_cases[i].subject;
		enum asn_bsre_event got = asn_bsre_classify_subject(NULL, subject);

		tap_ok(got == subject_cases[i].want, "subject '%s' -> %s (got %s)", subject,
		       asn_bsre_event_name(subject_cases[i].want), asn_bsre_event_name(got));
		/* the cheap test on the raw bytes never misses a candidate */
		if (got != ASN_BSRE_NONE)
			tap_ok(asn_bsre_subject_may_be_tagged(subject, strlen(subject)),
			       "subject '%s': the cheap test lets it through", subject);
	}
	tap_ok(!asn_bsre_subject_may_be_tagged("Rapat koordinasi hari Senin", 27),
	       "cheap test: plain ASCII without '[' or an encoded word is not a candidate");
	tap_ok(asn_bsre_subject_may_be_tagged("=?UTF-8?B?W0JTckVd?=", 20),
	       "cheap test: an encoded word may decode to the tag");
	tap_ok(asn_bsre_subject_may_be_tagged("\xe2\x80\x8b", 3),
	       "cheap test: a non-ASCII byte may be a look-alike");
	for (size_t i = 0; i < sizeof(raw_header_cases) / sizeof(raw_header_cases[0]); i++) {
		const struct raw_header_case *c = &raw_header_cases[i];

		static const char *const verdicts[] = { "no", "yes", "more" };

		tap_is_str(verdicts[asn_bsre_header_may_be_tagged(c->data, strlen(c->data),
								  c->at_end)],
			   verdicts[c->want], "raw header: %s", c->name);
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
	for (size_t i = 0; i < sizeof(authres_cases) / sizeof(authres_cases[0]); i++) {
		size_t n = 0;

		while (n < 3 && authres_cases[i].values[n] != NULL)
			n++;
		tap_ok(asn_bsre_authres_dkim_pass(authres_cases[i].values, n, ID, trusted) ==
		       authres_cases[i].want, "Authentication-Results: %s", authres_cases[i].name);
	}
	{
		const char *one[] = { PASS };

		tap_ok(!asn_bsre_authres_dkim_pass(one, 1, "", trusted),
		       "Authentication-Results: no authserv-id configured trusts nothing");
	}
	{
		/* The parser's view of one field. */
		struct asn_authres ar;
		struct asn_error err = { .msg = "" };

		tap_ok(asn_authres_parse("mx 2; spf=softfail (why) smtp.mailfrom=\"a;b\\\"c\"@x; "
					 "dkim=pass reason=\"ok\" header.d=d.example header.i=@d", &ar,
					 &err) == 0, "parser: parses (%s)", err.msg);
		tap_ok(ar.authserv_id != NULL && strcmp(ar.authserv_id, "mx") == 0 &&
		       ar.version != NULL && strcmp(ar.version, "2") == 0 && ar.result_count == 2,
		       "parser: authserv-id, version, two results");
		if (ar.result_count == 2) {
			tap_ok(strcmp(ar.results[0].method, "spf") == 0 &&
			       strcmp(ar.results[0].result, "softfail") == 0 &&
			       ar.results[0].prop_count == 1 &&
			       strcmp(ar.results[0].props[0].value, "a;b\"c@x") == 0,
			       "parser: the quoted local part is one value, unescaped");
			tap_ok(strcmp(ar.results[1].method, "dkim") == 0 &&
			       ar.results[1].reason != NULL && strcmp(ar.results[1].reason, "ok") == 0 &&
			       ar.results[1].prop_count == 2 &&
			       strcmp(ar.results[1].props[0].ptype, "header") == 0 &&
			       strcmp(ar.results[1].props[0].property, "d") == 0 &&
			       strcmp(ar.results[1].props[0].value, "d.example") == 0,
			       "parser: reason and properties of the dkim result");
		}
		asn_authres_free(&ar);
		tap_ok(asn_authres_parse("mx; dkim=pass header.d=x (open", &ar, &err) < 0,
		       "parser: an unterminated comment is refused");
		tap_contains(err.msg, "at offset", "parser: the error names the offset (%s)", err.msg);
		tap_ok(asn_authres_parse("mx; dkim pass", &ar, &err) < 0,
		       "parser: a result without '=' is refused");
		tap_contains(err.msg, "'=' after the method", "parser: says what was expected");
		tap_ok(asn_authres_parse("mx; none", &ar, &err) == 0 && ar.result_count == 0,
		       "parser: 'none' is no result");
		asn_authres_free(&ar);
		/* what large providers write: folded, comments, '/' and '+' in
		   header.b */
		tap_ok(asn_authres_parse("mx.google.com;\r\n       dkim=pass header.i=@gmail.com "
					 "header.s=20230601 header.b=AbCd+/9z;\r\n       spf=pass "
					 "(google.com: domain of a@gmail.com designates 209.85.220.41 "
					 "as permitted sender) smtp.mailfrom=a@gmail.com;\r\n       "
					 "dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=gmail.com",
					 &ar, &err) == 0 && ar.result_count == 3 &&
		       ar.results[0].prop_count == 3 && strcmp(ar.results[2].method, "dmarc") == 0,
		       "parser: a Gmail field (%s)", err.msg);
		asn_authres_free(&ar);
	}

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
		/* "tahun 2029" after the phrase is not a validity end: neither
		   the result nor the field may claim one */
		tap_ok(!asn_bsre_extract_certificate("berlaku sampai dengan tahun 2029", &cert),
		       "certificate: a phrase without a date finds nothing");
		tap_is_str(cert.valid_until, "", "certificate: a phrase without a date is not invented");
		tap_ok(asn_bsre_extract_certificate("Masa berlaku: 2029\n", &cert) &&
		       strcmp(cert.valid_until, "2029") == 0, "certificate: a year alone is kept as a year");
		tap_ok(!asn_bsre_extract_certificate("Tidak ada data di sini.\n", &cert),
		       "certificate: nothing found in an unrelated text");
	}
	/* asn_bsre_subjects: the default is the built-in table. */
	{
		struct asn_bsre_pattern *table = NULL;
		struct asn_error err = { .msg = "" };

		tap_ok(asn_bsre_patterns_parse(asn_bsre_default_patterns_spec, &table, &err) == 0,
		       "subjects setting: default parses (%s)", err.msg);
		tap_ok(table != NULL && asn_bsre_classify_subject(table, "[BSrE] Reset Passphrase") ==
		       ASN_BSRE_PASSWORD_RESET, "subjects setting: default keeps the match order");
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
