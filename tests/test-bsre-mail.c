/* BSrE mail analysis over a corpus written from shared/notes/bsre.md:
   every event type, encoded and folded subjects, HTML-only and
   multipart/alternative base64 bodies, malformed MIME, look-alike and
   forged senders, forwarded mails, secrets in bodies. */
#include "tap.h"
#include "asn-bsre-mail.h"

#include <stdlib.h>

static const char *const senders[] = { "bssn.go.id", NULL };
static const struct asn_bsre_trust trust = { NULL, senders, "mx.jatimprov.go.id",
					      ASN_BSRE_TRUST_AUTHRES, NULL, NULL };

static const struct {
	const char *file;
	enum asn_bsre_event event;
	bool trusted;
	const char *cn, *org, *serial, *valid_until;	/* NULL: not checked */
} cases[] = {
	{ "activation.eml", ASN_BSRE_ACCOUNT_ACTIVATION, true, NULL, NULL, NULL, NULL },
	{ "activation-b64-subject.eml", ASN_BSRE_ACCOUNT_ACTIVATION, true, NULL, NULL, NULL, NULL },
	{ "info-q-folded.eml", ASN_BSRE_ACCOUNT_INFO, true, NULL, NULL, NULL, NULL },
	{ "passphrase-upper.eml", ASN_BSRE_SET_PASSPHRASE, true, NULL, NULL, NULL, NULL },
	{ "cert-issued-plain.eml", ASN_BSRE_CERTIFICATE_ISSUED, true,
	  "SITI RAHMA", "Pemerintah Provinsi Jawa Timur", "4F2A910C", "2027-04-30" },
	{ "cert-issued-html.eml", ASN_BSRE_CERTIFICATE_ISSUED, true,
	  "BUDI SANTOSO", "Pemerintah Provinsi Jawa Timur", "77AB", "2028-08-01" },
	{ "cert-issued-alt-base64.eml", ASN_BSRE_CERTIFICATE_ISSUED, true,
	  "J\xc3\x96S\xc3\x89 RAM\xc3\x8dREZ", "Pemerintah Provinsi Bali", "0A0B0C", "2028-01-15" },
	{ "renewal.eml", ASN_BSRE_RENEWAL, true, NULL, NULL, "99FF", "2028" },
	{ "other.eml", ASN_BSRE_OTHER, true, NULL, NULL, NULL, NULL },
	{ "issuance-succeeded.eml", ASN_BSRE_ISSUANCE_SUCCEEDED, true, NULL, NULL, NULL, NULL },
	{ "password-reset.eml", ASN_BSRE_PASSWORD_RESET, true, NULL, NULL, NULL, NULL },
	{ "forwarded.eml", ASN_BSRE_NONE, false, NULL, NULL, NULL, NULL },
	{ "lookalike.eml", ASN_BSRE_ACCOUNT_ACTIVATION, false, NULL, NULL, NULL, NULL },
	{ "forged-dkim-fail.eml", ASN_BSRE_SET_PASSPHRASE, false, NULL, NULL, NULL, NULL },
	{ "forged-other-authserv.eml", ASN_BSRE_ACCOUNT_INFO, false, NULL, NULL, NULL, NULL },
	{ "no-message-id.eml", ASN_BSRE_SET_PASSPHRASE, true, NULL, NULL, NULL, NULL },
	{ "malformed-mime.eml", ASN_BSRE_CERTIFICATE_ISSUED, true, NULL, NULL, NULL, NULL },
	{ "ordinary.eml", ASN_BSRE_NONE, false, NULL, NULL, NULL, NULL },
};

/* The attacks of issue 9 on trust, as mails in siti.rahma's mailbox. */
static const struct {
	const char *file;
	enum asn_bsre_event event;
	bool trusted, replayed;
	const char *why;
} trust_cases[] = {
	{ "replayed.eml", ASN_BSRE_ACCOUNT_ACTIVATION, false, true,
	  "a genuine mail To budi found in siti's mailbox is replayed" },
	{ "no-to.eml", ASN_BSRE_ACCOUNT_ACTIVATION, true, false,
	  "no To: the envelope recipient names the owner" },
	{ "cyrillic-tag.eml", ASN_BSRE_SUSPICIOUS, false, false,
	  "a Cyrillic DZE in the tag is suspicious, even from bssn.go.id" },
	{ "zero-width-tag.eml", ASN_BSRE_SUSPICIOUS, false, false,
	  "a zero-width space before the tag is suspicious" },
	{ "authres-forged-below.eml", ASN_BSRE_ACCOUNT_ACTIVATION, false, false,
	  "the MTA's dkim=none on top wins over a forged pass below (upper-case id, version)" },
	{ "authres-quoted.eml", ASN_BSRE_ACCOUNT_ACTIVATION, false, false,
	  "a result inside a quoted local part is not a result" },
	{ "authres-header-i.eml", ASN_BSRE_ACCOUNT_ACTIVATION, false, false,
	  "header.i of bssn.go.id with header.d of another domain is not trusted" },
};

/* A message nested depth levels deep, text at the bottom. */
static char *nested_message(unsigned int depth, size_t *size_r)
{
	struct asn_str s = { 0 };

	asn_str_append(&s, "From: BSrE <noreply@bssn.go.id>\nTo: siti.rahma@jatimprov.go.id\n"
		       "Message-ID: <deep@bssn.go.id>\n"
		       "Subject: [BSrE] Sertifikat Elektronik Terbit\nMIME-Version: 1.0\n");
	for (unsigned int i = 0; i < depth; i++)
		asn_str_printfa(&s, "Content-Type: multipart/mixed; boundary=b%u\n\n--b%u\n", i, i);
	asn_str_append(&s, "Content-Type: text/plain\n\nSerial Number : DEEP\n");
	for (unsigned int i = depth; i > 0; i--)
		asn_str_printfa(&s, "--b%u--\n", i - 1);
	asn_str_c(&s);
	*size_r = s.len;
	return s.data;
}

/* The same with message/rfc822 parts, each a whole message. */
static char *nested_rfc822(unsigned int depth, size_t *size_r)
{
	struct asn_str s = { 0 };

	asn_str_append(&s, "From: BSrE <noreply@bssn.go.id>\nTo: siti.rahma@jatimprov.go.id\n"
		       "Subject: [BSrE] Sertifikat Elektronik Terbit\nMIME-Version: 1.0\n");
	for (unsigned int i = 0; i < depth; i++)
		asn_str_append(&s, "Content-Type: message/rfc822\n\n");
	asn_str_append(&s, "Content-Type: text/plain\n\nSerial Number : DEEP\n");
	asn_str_c(&s);
	*size_r = s.len;
	return s.data;
}

static char *load(const char *name, size_t *size_r)
{
	struct asn_error err;
	char path[1024], *data;
	const char *srcdir = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/mail/%s", srcdir != NULL ? srcdir : ".", name);
	if (asn_read_file(path, 1 << 20, &data, size_r, &err) < 0) {
		printf("# %s\n", err.msg);
		return NULL;
	}
	return data;
}

/* Analyses one mail of tests/mail.  False, saying why, when it cannot be
   read or analysed: every check of the result is made with it, so that
   none passes on a result that analysis did not vouch for. */
static bool analyze_file(const char *file, const struct asn_bsre_trust *t, const char *owner,
			 size_t body_max, struct asn_bsre_mail *m_r,
			 struct asn_bsre_envelope *env_r)
{
	struct asn_error err = { .msg = "" };
	size_t size;
	char *data = load(file, &size);
	int ret;

	memset(m_r, 0, sizeof(*m_r));
	if (env_r != NULL)
		memset(env_r, 0, sizeof(*env_r));
	if (data == NULL)
		return false;
	ret = asn_bsre_analyze(data, size, t, owner, body_max, m_r, env_r, &err);
	free(data);
	if (ret != 0) {
		printf("# %s: not analysed (returned %d): %s\n", file, ret, err.msg);
		return false;
	}
	return true;
}

/* No field of the result may hold a secret from the body. */
static bool leaks(const struct asn_bsre_mail *m)
{
	const char *fields[] = {
		m->subject, m->sender, m->sender_domain, m->message_key,
		m->certificate.common_name, m->certificate.organization, m->certificate.serial,
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strstr(fields[i], "SECRET") != NULL || strstr(fields[i], "http") != NULL)
			return true;
	}
	return false;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct asn_bsre_mail m;
		struct asn_bsre_envelope env;

		if (!tap_ok(analyze_file(cases[i].file, &trust, NULL, 256 * 1024, &m, &env),
			    "%s: analysed", cases[i].file))
			continue;
		tap_ok(m.event == cases[i].event, "%s: event %s (got %s)", cases[i].file,
		       asn_bsre_event_name(cases[i].event), asn_bsre_event_name(m.event));
		if (cases[i].event != ASN_BSRE_NONE) {
			tap_ok(m.trusted == cases[i].trusted, "%s: %s", cases[i].file,
			       cases[i].trusted ? "trusted" : "not trusted");
			tap_ok(!leaks(&m), "%s: no link, token or password in the result", cases[i].file);
			tap_is_str(env.delivered_to, "siti.rahma@jatimprov.go.id", "%s: Delivered-To",
				   cases[i].file);
		}
		if (cases[i].cn != NULL)
			tap_is_str(m.certificate.common_name, cases[i].cn, "%s: common name", cases[i].file);
		if (cases[i].org != NULL)
			tap_is_str(m.certificate.organization, cases[i].org, "%s: organization",
				   cases[i].file);
		if (cases[i].serial != NULL)
			tap_is_str(m.certificate.serial, cases[i].serial, "%s: serial", cases[i].file);
		if (cases[i].valid_until != NULL)
			tap_is_str(m.certificate.valid_until, cases[i].valid_until, "%s: valid until",
				   cases[i].file);
	}

	for (size_t i = 0; i < sizeof(trust_cases) / sizeof(trust_cases[0]); i++) {
		struct asn_bsre_mail m;
		bool analysed = analyze_file(trust_cases[i].file, &trust,
					     "siti.rahma@jatimprov.go.id", 4096, &m, NULL);

		tap_ok(analysed && m.event == trust_cases[i].event && m.trusted == trust_cases[i].trusted &&
		       m.replayed == trust_cases[i].replayed, "%s: %s (%s, %s%s)",
		       trust_cases[i].file, trust_cases[i].why, asn_bsre_event_name(m.event),
		       m.trusted ? "trusted" : "untrusted", m.replayed ? ", replayed" : "");
	}
	{
		/* The owner taken from Delivered-To when none is given; a
		   Dovecot user without a domain names the To's local part. */
		struct asn_bsre_mail m;
		bool analysed;

		analysed = analyze_file("replayed.eml", &trust, NULL, 4096, &m, NULL);
		tap_ok(analysed && m.replayed && !m.trusted,
		       "replayed: Delivered-To is the owner by default");
		analysed = analyze_file("replayed.eml", &trust, "budi.santoso", 4096, &m, NULL);
		tap_ok(analysed && m.trusted && !m.replayed,
		       "owner without a domain: the To's local part names it");
		analysed = analyze_file("replayed.eml", &trust, "BUDI.SANTOSO@JATIMPROV.GO.ID", 4096,
					&m, NULL);
		tap_ok(analysed && m.trusted, "owner compared without case");
	}
	{
		/* Nesting is bounded as Dovecot bounds it: a message nested
		   20,000 deep is read down to the bound and no further; one
		   nested 50 deep is read to the bottom. */
		/* The bound is Dovecot's, 100 levels (the number, not the
		   constant, which a change could raise unseen); at most one
		   part per level is visited. */
		static const struct {
			char *(*make)(unsigned int depth, size_t *size_r);
			unsigned int depth, want_depth;
			bool limited;
			const char *name;
		} nests[] = {
			{ nested_message, 20000, 100, true, "20,000 nested multiparts: stop at the bound" },
			{ nested_message, 50, 50, false, "50 nested multiparts: read to the bottom" },
			{ nested_rfc822, 20000, 100, true, "20,000 nested message/rfc822: stop at the bound" },
			{ nested_rfc822, 3, 3, false, "a certificate forwarded as message/rfc822 is read" },
		};

		for (size_t i = 0; i < sizeof(nests) / sizeof(nests[0]); i++) {
			struct asn_bsre_body_stats stats;
			size_t size;
			char *data = nests[i].make(nests[i].depth, &size);
			char *text = asn_bsre_body_text(data, size, 4096, &stats);
			bool found = text != NULL && strstr(text, "Serial Number : DEEP") != NULL;

			tap_ok(stats.limited == nests[i].limited && stats.depth == nests[i].want_depth &&
			       stats.parts <= nests[i].want_depth + 1 && found == !nests[i].limited,
			       "%s (%u parts, depth %u, %s, text %s)", nests[i].name, stats.parts,
			       stats.depth, stats.limited ? "limited" : "not limited",
			       found ? "read" : "not read");
			free(text);
			free(data);
		}
	}

	/* Keys: the Message-ID, or a digest of the headers that is the same
	   for the same mail delivered twice. */
	{
		struct asn_bsre_mail a, b;
		bool analysed;

		analysed = analyze_file("no-message-id.eml", &trust, NULL, 4096, &a, NULL) &&
			analyze_file("no-message-id.eml", &trust, NULL, 4096, &b, NULL);
		tap_ok(analysed && strncmp(a.message_key, "sha256:", 7) == 0 &&
		       strlen(a.message_key) == 7 + 64,
		       "no Message-ID: a SHA-256 digest of subject, sender and date");
		tap_ok(analysed && strcmp(a.message_key, b.message_key) == 0,
		       "the digest is stable");
		tap_ok(analysed && a.date == 1794902400, "Date header read (%lld)", (long long)a.date);
		analysed = analyze_file("activation.eml", &trust, NULL, 4096, &a, NULL);
		tap_ok(analysed && strcmp(a.message_key, "act1@bssn.go.id") == 0,
		       "Message-ID is the key (%s)", a.message_key);
		tap_ok(analysed && a.date == 1794798900, "Date with +0700 converted to UTC (%lld)",
		       (long long)a.date);
		tap_ok(analysed && strcmp(a.sender, "noreply@bssn.go.id") == 0, "sender address (%s)",
		       a.sender);
	}
	{
		/* Where DKIM decides, a caller that did not verify (no
		   dkim_check) trusts nothing, whatever the From domain. */
		static const struct asn_bsre_trust loose = { NULL, senders, NULL,
							     ASN_BSRE_TRUST_DKIM, NULL, NULL };
		struct asn_bsre_mail m;
		bool analysed = analyze_file("forged-dkim-fail.eml", &loose, NULL, 4096, &m, NULL);

		tap_ok(analysed && !m.trusted && !m.unverified &&
		       strcmp(m.trust_reason, "not_checked") == 0,
		       "asn_bsre_trust = dkim and no DKIM check: a bssn.go.id From is not trusted "
		       "(%s)", m.trust_reason);
	}
	{
		const char *html = "<p>A&amp;B</p><script>x=1</script><br>C&nbsp;D<table><tr><td>K</td><td>: V</td></tr></table>";
		char *text = asn_html_to_text(html, strlen(html));

		tap_is_str(text, "\nA&B\n\nC D\n\n K  : V \n\n", "HTML reduced to text, cells of a row on one line");
		free(text);
	}
	return tap_done();
}
