/* The DKIM verdict of BSrE mails (asn-bsre-dkim.h), keys from an
   asn_bsre_dkim_keys file: RSA keys made here with OpenSSL, mails signed
   with libopendkim (dkim-test-sign.c).  DNS is tested by bsre-dkim-dns.sh
   against a real DNS server. */
#include "tap.h"
#include "asn-bsre.h"
#include "asn-bsre-dkim.h"
#include "asn-settings.h"
#include "dkim-test-sign.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_key {
	char *pem;		/* private key, PEM */
	char *p;		/* public key, base64 DER: the record's p= */
};

static void make_key(struct test_key *key)
{
	EVP_PKEY *pkey = EVP_RSA_gen(1024);
	BIO *bio = BIO_new(BIO_s_mem());
	unsigned char *der = NULL;
	char *data;
	long len;
	int der_len;

	PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	len = BIO_get_mem_data(bio, &data);
	key->pem = strndup(data, (size_t)len);
	der_len = i2d_PUBKEY(pkey, &der);
	key->p = malloc((size_t)der_len * 2 + 4);
	EVP_EncodeBlock((unsigned char *)key->p, der, der_len);
	OPENSSL_free(der);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}

static const char bsre_mail[] =
	"From: BSrE <info.bsre@bssn.go.id>\n"
	"To: siti@jatimprov.go.id\n"
	"Subject: [BSrE] Sertifikat Elektronik Terbit\n"
	"Date: Thu, 26 Nov 2026 10:00:00 +0700\n"
	"Message-ID: <1@bssn.go.id>\n"
	"\n"
	"Sertifikat elektronik Anda telah terbit.\n"
	"Serial Number : 1234\n";

static struct test_key good, other, lookalike, attacker;

enum mutation {
	KEEP,
	CRLF,			/* line ends turned into CRLF after signing */
	BODY_CHANGED,
	FROM_ADDED,		/* a second From on top after signing */
	RESIGN_BAD,		/* a second, bad signature on top */
	TO_ADDED,		/* a second To on top (replay to another mailbox) */
	SUBJECT_COMMENT,	/* "Subject (x): ..." on top, read as Subject by libetpan */
	MANY_SIGNATURES,	/* 17 more signatures on top */
};

static const struct dkim_case {
	const char *name;
	const char *from;		/* NULL: info.bsre@bssn.go.id */
	const struct test_key *key;	/* NULL: no signature */
	const char *selector, *domain;
	const char *signhdrs;		/* NULL: libopendkim's default */
	bool length;
	enum mutation mutation;
	enum asn_bsre_dkim_verdict want;
	const char *reason;
} cases[] = {
	{ "signed BSrE mail", NULL, &good, "sel1", "bssn.go.id", NULL, false, KEEP,
	  ASN_BSRE_DKIM_TRUSTED, "pass" },
	{ "signed BSrE mail with CRLF line ends", NULL, &good, "sel1", "bssn.go.id", NULL, false,
	  CRLF, ASN_BSRE_DKIM_TRUSTED, "pass" },
	{ "From a subdomain of d=", "BSrE <otp@mail.bssn.go.id>", &good, "sel1", "bssn.go.id",
	  NULL, false, KEEP, ASN_BSRE_DKIM_TRUSTED, "pass" },
	{ "body changed after signing", NULL, &good, "sel1", "bssn.go.id", NULL, false,
	  BODY_CHANGED, ASN_BSRE_DKIM_UNTRUSTED, "body_changed" },
	{ "signed by attacker.example, From bssn.go.id", NULL, &attacker, "att",
	  "attacker.example", NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED, "not_a_sender" },
	{ "look-alike domain bssn-go.id signs its own From", "BSrE <info.bsre@bssn-go.id>",
	  &lookalike, "look", "bssn-go.id", NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED,
	  "not_a_sender" },
	{ "look-alike evilbssn.go.id", "BSrE <info.bsre@evilbssn.go.id>", &lookalike, "look",
	  "evilbssn.go.id", NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED, "not_a_sender" },
	{ "bssn.go.id signs a From of another domain", "BSrE <info.bsre@attacker.example>",
	  &good, "sel1", "bssn.go.id", NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED,
	  "not_aligned" },
	{ "quoted display name holding a BSrE address", "\"x <info.bsre@bssn.go.id>\" "
	  "<a@attacker.example>", &good, "sel1", "bssn.go.id", NULL, false, KEEP,
	  ASN_BSRE_DKIM_UNTRUSTED, "not_aligned" },
	{ "From not covered by h=", NULL, &good, "sel1", "bssn.go.id", "to:subject:date", false,
	  KEEP, ASN_BSRE_DKIM_UNTRUSTED, "from_not_signed" },
	{ "Subject not covered by h=", NULL, &good, "sel1", "bssn.go.id", "from:to:date", false,
	  KEEP, ASN_BSRE_DKIM_UNTRUSTED, "subject_not_signed" },
	{ "l= signs only part of the body", NULL, &good, "sel1", "bssn.go.id", NULL, true, KEEP,
	  ASN_BSRE_DKIM_UNTRUSTED, "body_partly_signed" },
	{ "no signature", NULL, NULL, NULL, NULL, NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED,
	  "no_signature" },
	{ "a second From added on top", NULL, &good, "sel1", "bssn.go.id", NULL, false,
	  FROM_ADDED, ASN_BSRE_DKIM_UNTRUSTED, "header_duplicate" },
	{ "two signatures, only the second good", NULL, &good, "sel1", "bssn.go.id", NULL,
	  false, RESIGN_BAD, ASN_BSRE_DKIM_TRUSTED, "pass" },
	{ "signed with another key than the selector's", NULL, &other, "sel1", "bssn.go.id",
	  NULL, false, KEEP, ASN_BSRE_DKIM_UNTRUSTED, "bad_signature" },
	{ "revoked key (empty p=)", NULL, &good, "revoked", "bssn.go.id", NULL, false, KEEP,
	  ASN_BSRE_DKIM_UNTRUSTED, "key_revoked" },
	{ "selector missing from the key file", NULL, &good, "gone", "bssn.go.id", NULL, false,
	  KEEP, ASN_BSRE_DKIM_UNVERIFIED, "key_not_in_file" },
	{ "a second To added on top", NULL, &good, "sel1", "bssn.go.id", NULL, false, TO_ADDED,
	  ASN_BSRE_DKIM_UNTRUSTED, "header_duplicate" },
	{ "a field named \"Subject (x)\" added on top", NULL, &good, "sel1", "bssn.go.id", NULL,
	  false, SUBJECT_COMMENT, ASN_BSRE_DKIM_UNTRUSTED, "syntax" },
	{ "To not covered by h=", NULL, &good, "sel1", "bssn.go.id", "from:subject:date", false,
	  KEEP, ASN_BSRE_DKIM_UNTRUSTED, "to_not_signed" },
	{ "18 signatures", NULL, &good, "sel1", "bssn.go.id", NULL, false, MANY_SIGNATURES,
	  ASN_BSRE_DKIM_UNTRUSTED, "too_many_signatures" },
};

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	if (at == NULL)
		return strdup(s);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static char *to_crlf(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *q = out;

	for (; *s != '\0'; s++) {
		if (*s == '\n')
			*q++ = '\r';
		*q++ = *s;
	}
	*q = '\0';
	return out;
}

static char *make_mail(const struct dkim_case *c)
{
	char *mail = c->from == NULL ? strdup(bsre_mail) :
		replace(bsre_mail, "BSrE <info.bsre@bssn.go.id>", c->from);
	char *signed_mail, *out;

	if (c->key == NULL)
		return mail;
	signed_mail = dkim_test_sign(c->key->pem, c->selector, c->domain, c->signhdrs, c->length,
				     mail, strlen(mail));
	free(mail);
	if (signed_mail == NULL)
		return NULL;
	switch (c->mutation) {
	case KEEP:
		return signed_mail;
	case CRLF:
		out = to_crlf(signed_mail);
		break;
	case BODY_CHANGED:
		out = replace(signed_mail, "Serial Number : 1234", "Serial Number : 9999");
		break;
	case FROM_ADDED:
		out = replace(signed_mail, "DKIM-Signature:", "From: a@attacker.example\n"
			      "DKIM-Signature:");
		break;
	case TO_ADDED:
		out = replace(signed_mail, "DKIM-Signature:", "To: budi@jatimprov.go.id\n"
			      "DKIM-Signature:");
		break;
	case SUBJECT_COMMENT:
		out = replace(signed_mail, "DKIM-Signature:", "Subject (x): [BSrE] Aktivasi Akun\n"
			      "DKIM-Signature:");
		break;
	case MANY_SIGNATURES:
		out = strdup(signed_mail);
		for (int i = 0; i < 17 && out != NULL; i++) {
			char *more = dkim_test_sign(other.pem, "sel1", "bssn.go.id", NULL, false,
						    out, strlen(out));

			free(out);
			out = more;
		}
		break;
	case RESIGN_BAD:
		/* the good one signed again with a key the selector does not
		   have: its signature (on top) fails, the first one holds */
		out = dkim_test_sign(other.pem, "sel1", "bssn.go.id", NULL, false, signed_mail,
				     strlen(signed_mail));
		break;
	default:
		out = NULL;
	}
	free(signed_mail);
	return out;
}

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/asn-dkim-keys.XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
	return path;
}

static void test_verdicts(void)
{
	const char *const senders[] = { "bssn.go.id", NULL };
	struct asn_bsre_dkim_options options = { .senders = senders, .timeout_secs = 2 };
	struct asn_bsre_dkim *ctx = NULL;
	struct asn_error err;
	char *keys = NULL, *path;

	make_key(&good);
	make_key(&other);
	make_key(&lookalike);
	make_key(&attacker);
	if (asprintf(&keys,
		     "# test keys\n"
		     "sel1._domainkey.bssn.go.id v=DKIM1; k=rsa; p=%s\n"
		     "revoked._domainkey.bssn.go.id v=DKIM1; k=rsa; p=\n"
		     "look._domainkey.bssn-go.id IN TXT \"v=DKIM1; k=rsa; \" \"p=%s\"\n"
		     "look._domainkey.evilbssn.go.id \"v=DKIM1; k=rsa; p=%s\"\n"
		     "ATT._domainkey.Attacker.Example. v=DKIM1; p=%s\n",
		     good.p, lookalike.p, lookalike.p, attacker.p) < 0)
		abort();
	path = write_temp(keys);
	options.keys_path = path;
	if (asn_bsre_dkim_init(&options, &ctx, &err) < 0)
		tap_ok(false, "context with a key file (%s)", err.msg);
	for (size_t i = 0; ctx != NULL && i < ASN_N_ELEMENTS(cases); i++) {
		const struct dkim_case *c = &cases[i];
		struct asn_bsre_dkim_result result;
		char *mail = make_mail(c);
		int ret;

		if (mail == NULL) {
			tap_ok(false, "%s: could not sign", c->name);
			continue;
		}
		ret = asn_bsre_dkim_verify(ctx, mail, strlen(mail), &result, NULL, &err);
		tap_ok(ret == 0 && result.verdict == c->want &&
		       strcmp(result.reason, c->reason) == 0,
		       "%s: %s %s (got %s %s: %s)", c->name, asn_bsre_dkim_verdict_name(c->want),
		       c->reason, asn_bsre_dkim_verdict_name(result.verdict), result.reason,
		       result.message);
		free(mail);
	}
	asn_bsre_dkim_deinit(&ctx);
	unlink(path);
	free(path);
	free(keys);
}

/* An unverified mail keeps its facts (header, body-hash bits), and a later
   check from them alone gives the verdict the whole mail would: here the
   key is first missing from the key file (a temporary failure), then
   present. */
static void test_facts(void)
{
	const char *const senders[] = { "bssn.go.id", NULL };
	struct asn_bsre_dkim_options options = { .senders = senders, .timeout_secs = 2 };
	struct asn_bsre_dkim *before = NULL, *after = NULL;
	struct asn_bsre_dkim_result result;
	struct asn_error err;
	char *keys_before = NULL, *keys_after = NULL, *path_before, *path_after;
	char *mail, *changed, *facts = NULL, *changed_facts = NULL, *forged;
	int ret;

	if (asprintf(&keys_before, "other._domainkey.bssn.go.id v=DKIM1; p=%s\n", other.p) < 0 ||
	    asprintf(&keys_after, "sel1._domainkey.bssn.go.id v=DKIM1; p=%s\n", good.p) < 0)
		abort();
	path_before = write_temp(keys_before);
	path_after = write_temp(keys_after);
	options.keys_path = path_before;
	if (asn_bsre_dkim_init(&options, &before, &err) < 0)
		abort();
	options.keys_path = path_after;
	if (asn_bsre_dkim_init(&options, &after, &err) < 0)
		abort();

	mail = dkim_test_sign(good.pem, "sel1", "bssn.go.id", NULL, false, bsre_mail,
			      strlen(bsre_mail));
	changed = replace(mail, "Serial Number : 1234", "Serial Number : 9999");

	ret = asn_bsre_dkim_verify(before, mail, strlen(mail), &result, &facts, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_UNVERIFIED && facts != NULL &&
	       strncmp(facts, "asn-dkim-facts 1 1\n", 19) == 0 &&
	       strstr(facts, "Subject: [BSrE] Sertifikat Elektronik Terbit") != NULL &&
	       strstr(facts, "Serial Number") == NULL,
	       "unverified: the facts hold the header and the body hash's match, not the body");
	ret = asn_bsre_dkim_verify_facts(after, facts, &result, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_TRUSTED &&
	       strcmp(result.reason, "pass") == 0,
	       "the facts, checked once the key is there: trusted (got %s %s)",
	       asn_bsre_dkim_verdict_name(result.verdict), result.reason);
	ret = asn_bsre_dkim_verify_facts(before, facts, &result, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_UNVERIFIED,
	       "the facts, checked while the key is still missing: unverified again");

	ret = asn_bsre_dkim_verify(before, changed, strlen(changed), &result, &changed_facts,
				   &err);
	tap_ok(ret == 0 && changed_facts != NULL &&
	       strncmp(changed_facts, "asn-dkim-facts 1 0\n", 19) == 0,
	       "a body changed after signing: its facts say the body hash did not match");
	ret = asn_bsre_dkim_verify_facts(after, changed_facts, &result, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_UNTRUSTED &&
	       strcmp(result.reason, "body_changed") == 0,
	       "and checked later it is untrusted: body_changed (got %s)", result.reason);

	forged = replace(facts, "Sertifikat Elektronik Terbit", "Aktivasi Akun");
	ret = asn_bsre_dkim_verify_facts(after, forged, &result, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_UNTRUSTED &&
	       strcmp(result.reason, "bad_signature") == 0,
	       "facts whose Subject was changed: bad_signature (got %s)", result.reason);
	free(forged);

	ret = asn_bsre_dkim_verify(after, mail, strlen(mail), &result, &forged, &err);
	tap_ok(ret == 0 && result.verdict == ASN_BSRE_DKIM_TRUSTED && forged == NULL,
	       "a final verdict keeps no facts");
	tap_ok(asn_bsre_dkim_verify_facts(after, "From: x\n\n", &result, &err) < 0 &&
	       result.verdict == ASN_BSRE_DKIM_UNVERIFIED && strstr(err.msg, "syntax") != NULL,
	       "text that is not facts is an error (%s)", err.msg);
	tap_ok(asn_bsre_dkim_verify_facts(after, "asn-dkim-facts 1 1x\nFrom: x\n\n", &result,
					  &err) < 0,
	       "facts with bad bits are an error");

	free(mail);
	free(changed);
	free(facts);
	free(changed_facts);
	asn_bsre_dkim_deinit(&before);
	asn_bsre_dkim_deinit(&after);
	unlink(path_before);
	unlink(path_after);
	free(path_before);
	free(path_after);
	free(keys_before);
	free(keys_after);
}

/* The key file parser: every bad line an error naming FILE:LINE. */
static const struct {
	const char *data;
	const char *error;	/* NULL: accepted */
} key_files[] = {
	{ "", NULL },
	{ "# only a comment\n\n", NULL },
	{ "s._domainkey.bssn.go.id v=DKIM1; k=rsa; p=QUJD\r\n", NULL },
	{ "s._domainkey.bssn.go.id IN TXT \"v=DKIM1; \" \"p=QU\\\"JD\"\n", "K:1: p= is not base64" },
	{ "\n\ns._domainkey.bssn.go.id\n", "K:3: expected" },
	{ "s._domainkey.bssn.go.id v=DKIM1; k=rsa\n", "K:1: the record has no p=" },
	{ "s._domainkey.bssn.go.id k=rsa; v=DKIM1; p=QUJD\n", "K:1: v= must come first" },
	{ "s._domainkey.bssn.go.id v=DKIM1; k=dsa; p=QUJD\n", "K:1: k= must be rsa" },
	{ "s._domainkey.bssn.go.id p=QUJD; p=QUJD\n", "K:1: the record has a tag twice" },
	{ "s._domainkey.bssn.go.id v=DKIM1; junk; p=QUJD\n", "K:1: the record has a part without" },
	{ "s._domainkey.bssn.go.id \"p=QUJD\n", "K:1: a quoted string is not closed" },
	{ "s._domainkey.bssn.go.id \"p=QUJD\" x\n", "K:1: text after the quoted strings" },
	{ "bssn.go.id p=QUJD\n", "K:1: the name is not selector._domainkey.domain" },
	{ "_domainkey.bssn.go.id p=QUJD\n", "K:1: the name is not selector" },
	{ "s._domainkey.bssn..go.id p=QUJD\n", "K:1: the name has an empty label" },
	{ "s._domainkey.bs$n.go.id p=QUJD\n", "K:1: the name may hold only" },
	{ "a._domainkey.x.id p=QUJD\nA._DOMAINKEY.X.ID. p=QUJD\n", "K:2: this name is given twice" },
	{ "s._domainkey.bssn.go.id p=QU\x01JD\n", "K:1: the record holds a control character" },
	{ "s._domainkey.bssn.go.id p=QU\xc3\xa9JD\n", "K:1: the record holds a byte that is not" },
};

static void test_key_file(void)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(key_files); i++) {
		struct asn_bsre_dkim_keys *keys = NULL;
		struct asn_error err = { .msg = "" };
		int ret = asn_bsre_dkim_keys_parse("K", key_files[i].data,
						    strlen(key_files[i].data), &keys, &err);

		if (key_files[i].error == NULL)
			tap_ok(ret == 0 && keys != NULL, "key file %zu accepted (%s)", i, err.msg);
		else
			tap_ok(ret < 0 && keys == NULL &&
			       strncmp(err.msg, key_files[i].error, strlen(key_files[i].error)) == 0,
			       "key file %zu: '%s' (got '%s')", i, key_files[i].error, err.msg);
		asn_bsre_dkim_keys_free(&keys);
	}
	{
		static const char data[] = "Sel._DomainKey.BSSN.go.id. v=DKIM1; p=QUJD\n";
		struct asn_bsre_dkim_keys *keys = NULL;
		struct asn_error err;

		tap_ok(asn_bsre_dkim_keys_parse("K", data, strlen(data), &keys, &err) == 0 &&
		       asn_bsre_dkim_keys_find(keys, "sel._domainkey.bssn.go.id") != NULL &&
		       strcmp(asn_bsre_dkim_keys_find(keys, "SEL._domainkey.bssn.go.id."),
			      "v=DKIM1; p=QUJD") == 0 &&
		       asn_bsre_dkim_keys_find(keys, "sel._domainkey.bssn.go.i") == NULL,
		       "key names are found in any case, with or without the root dot");
		asn_bsre_dkim_keys_free(&keys);
	}
}

static void test_options(void)
{
	static const char *const bad[] = {
		"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "dns.example", "[::1", "[::1]x",
		"1.2.3.4:53:1",
	};
	static const char *const good_specs[] = { "127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53" };
	const char *const senders[] = { "bssn.go.id", NULL };

	for (size_t i = 0; i < ASN_N_ELEMENTS(bad); i++) {
		struct asn_bsre_dkim_options options = { .senders = senders, .timeout_secs = 1,
							 .resolver = bad[i] };
		struct asn_bsre_dkim *ctx = NULL;
		struct asn_error err = { .msg = "" };

		tap_ok(asn_bsre_dkim_init(&options, &ctx, &err) < 0 && ctx == NULL &&
		       strstr(err.msg, "asn_bsre_dkim_resolver") != NULL,
		       "resolver '%s' refused (%s)", bad[i], err.msg);
	}
	for (size_t i = 0; i < ASN_N_ELEMENTS(good_specs); i++) {
		struct asn_bsre_dkim_options options = { .senders = senders, .timeout_secs = 1,
							 .resolver = good_specs[i] };
		struct asn_bsre_dkim *ctx = NULL;
		struct asn_error err = { .msg = "" };

		tap_ok(asn_bsre_dkim_init(&options, &ctx, &err) == 0,
		       "resolver '%s' accepted (%s)", good_specs[i], err.msg);
		asn_bsre_dkim_deinit(&ctx);
	}
	{
		struct asn_bsre_dkim_options options = { .senders = senders, .timeout_secs = 1,
							 .keys_path = "/nonexistent/keys" };
		struct asn_bsre_dkim *ctx = NULL;
		struct asn_error err = { .msg = "" };

		tap_ok(asn_bsre_dkim_init(&options, &ctx, &err) < 0 &&
		       strstr(err.msg, "asn_bsre_dkim_keys") != NULL,
		       "a missing key file is an error naming the setting (%s)", err.msg);
	}
}

/* The decision by asn_bsre_trust: dkim alone, the MTA's
   Authentication-Results alone, or either. */
static const struct {
	enum asn_bsre_trust_mode mode;
	enum asn_bsre_dkim_verdict dkim;
	bool authres_pass;
	const char *trusted_by;		/* NULL: not trusted */
	bool unverified;
} decisions[] = {
	{ ASN_BSRE_TRUST_DKIM, ASN_BSRE_DKIM_TRUSTED, false, "dkim", false },
	{ ASN_BSRE_TRUST_DKIM, ASN_BSRE_DKIM_UNTRUSTED, true, NULL, false },
	{ ASN_BSRE_TRUST_DKIM, ASN_BSRE_DKIM_UNVERIFIED, true, NULL, true },
	{ ASN_BSRE_TRUST_AUTHRES, ASN_BSRE_DKIM_TRUSTED, false, NULL, false },
	{ ASN_BSRE_TRUST_AUTHRES, ASN_BSRE_DKIM_UNTRUSTED, true, "authres", false },
	{ ASN_BSRE_TRUST_AUTHRES, ASN_BSRE_DKIM_UNVERIFIED, false, NULL, false },
	{ ASN_BSRE_TRUST_DKIM_AUTHRES, ASN_BSRE_DKIM_TRUSTED, false, "dkim", false },
	{ ASN_BSRE_TRUST_DKIM_AUTHRES, ASN_BSRE_DKIM_UNTRUSTED, true, "authres", false },
	{ ASN_BSRE_TRUST_DKIM_AUTHRES, ASN_BSRE_DKIM_UNVERIFIED, true, "authres", false },
	{ ASN_BSRE_TRUST_DKIM_AUTHRES, ASN_BSRE_DKIM_UNVERIFIED, false, NULL, true },
	{ ASN_BSRE_TRUST_DKIM_AUTHRES, ASN_BSRE_DKIM_UNTRUSTED, false, NULL, false },
	/* a mail nobody verified is not trusted where DKIM decides, whatever
	   the Authentication-Results say */
	{ ASN_BSRE_TRUST_DKIM, ASN_BSRE_DKIM_NOT_CHECKED, true, NULL, false },
	{ ASN_BSRE_TRUST_DKIM, ASN_BSRE_DKIM_NOT_CHECKED, false, NULL, false },
	{ ASN_BSRE_TRUST_AUTHRES, ASN_BSRE_DKIM_NOT_CHECKED, true, "authres", false },
};

static void test_decide(void)
{
	static const char *const senders[] = { "bssn.go.id", NULL };
	static const char *const pass[] = { "mx.test; dkim=pass header.d=bssn.go.id" };
	static const char *const mode_names[] = { "dkim", "authres", "dkim+authres" };

	for (size_t i = 0; i < ASN_N_ELEMENTS(decisions); i++) {
		struct asn_bsre_trust trust = { NULL, senders, "mx.test", decisions[i].mode, NULL, NULL };
		struct asn_bsre_headers h;
		struct asn_bsre_mail mail;

		memset(&h, 0, sizeof(h));
		h.subject = "[BSrE] Aktivasi Akun";
		h.from = "info.bsre@bssn.go.id";
		h.authres = pass;
		h.authres_count = decisions[i].authres_pass ? 1 : 0;
		h.dkim = decisions[i].dkim;
		asn_bsre_mail_from_headers(&h, &trust, &mail);
		tap_ok(mail.trusted == (decisions[i].trusted_by != NULL) &&
		       strcmp(mail.trusted_by, decisions[i].trusted_by == NULL ? "" :
			      decisions[i].trusted_by) == 0 &&
		       mail.unverified == decisions[i].unverified,
		       "asn_bsre_trust=%s, dkim %s, authres %s: %s%s (got %s%s)",
		       mode_names[decisions[i].mode], asn_bsre_dkim_verdict_name(decisions[i].dkim),
		       decisions[i].authres_pass ? "pass" : "none",
		       decisions[i].trusted_by == NULL ? "untrusted" : decisions[i].trusted_by,
		       decisions[i].unverified ? ", unverified" : "",
		       mail.trusted_by[0] == '\0' ? "untrusted" : mail.trusted_by,
		       mail.unverified ? ", unverified" : "");
	}
	{
		/* a look-alike From is not trusted whatever DKIM said */
		struct asn_bsre_trust trust = { NULL, senders, "mx.test", ASN_BSRE_TRUST_DKIM, NULL, NULL };
		struct asn_bsre_headers h;
		struct asn_bsre_mail mail;

		memset(&h, 0, sizeof(h));
		h.subject = "[BSrE] Aktivasi Akun";
		h.from = "info.bsre@bssn-go.id";
		h.dkim = ASN_BSRE_DKIM_TRUSTED;
		asn_bsre_mail_from_headers(&h, &trust, &mail);
		tap_ok(!mail.trusted && !mail.unverified, "a From outside asn_bsre_senders stays "
		       "untrusted with a DKIM pass");
	}
}

/* The four settings: checked like the others. */
static void test_settings(void)
{
	static const struct {
		const char *key, *value;
		bool set_ok, check_ok;
		const char *error;
	} rows[] = {
		{ "asn_bsre_trust", "dkim", true, true, NULL },
		{ "asn_bsre_trust", "dkim+authres", true, false,
		  "asn_bsre_trust = dkim+authres needs asn_bsre_authserv_id" },
		{ "asn_bsre_trust", "authres", true, false,
		  "asn_bsre_trust = authres needs asn_bsre_authserv_id" },
		{ "asn_bsre_trust", "both", true, false,
		  "asn_bsre_trust: 'both' is not dkim, authres or dkim+authres" },
		{ "asn_bsre_trust", "DKIM", true, false, "asn_bsre_trust: 'DKIM' is not" },
		{ "asn_bsre_dkim_timeout", "10s", true, true, NULL },
		{ "asn_bsre_dkim_timeout", "0", false, true, "asn_bsre_dkim_timeout: '0' is out of range" },
		{ "asn_bsre_dkim_timeout", "2m", false, true, "asn_bsre_dkim_timeout: '2m' is out of range" },
		{ "asn_bsre_dkim_resolver", "127.0.0.1:5353", true, true, NULL },
		{ "asn_bsre_dkim_keys", "/etc/dovecot/dkim-keys", true, true, NULL },
	};
	struct asn_settings set;
	struct asn_error err;

	asn_settings_init(&set);
	tap_ok(strcmp(set.bsre_trust, "dkim") == 0 && set.bsre_dkim_timeout == 5 &&
	       set.bsre_dkim_resolver[0] == '\0' && set.bsre_dkim_keys[0] == '\0' &&
	       asn_settings_check(&set, &err) == 0,
	       "defaults: asn_bsre_trust = dkim, a 5 s timeout, the system resolver, no key file");
	asn_settings_free(&set);
	for (size_t i = 0; i < ASN_N_ELEMENTS(rows); i++) {
		int set_ret, check_ret = 0;

		err.msg[0] = '\0';
		asn_settings_init(&set);
		set_ret = asn_settings_set(&set, rows[i].key, rows[i].value, &err);
		if (set_ret > 0)
			check_ret = asn_settings_check(&set, &err);
		tap_ok((set_ret > 0) == rows[i].set_ok && (check_ret == 0) == rows[i].check_ok &&
		       (rows[i].error == NULL ||
			strncmp(err.msg, rows[i].error, strlen(rows[i].error)) == 0),
		       "%s = %s: %s (%s)", rows[i].key, rows[i].value,
		       rows[i].error == NULL ? "accepted" : rows[i].error, err.msg);
		asn_settings_free(&set);
	}
	asn_settings_init(&set);
	asn_settings_set(&set, "asn_bsre_trust", "authres", &err);
	asn_settings_set(&set, "asn_bsre_authserv_id", "mx.jatimprov.go.id", &err);
	tap_ok(asn_settings_check(&set, &err) == 0, "asn_bsre_trust = authres with an authserv-id");
	asn_settings_free(&set);
}

int main(void)
{
	test_settings();
	test_decide();
	test_key_file();
	test_options();
	test_verdicts();
	test_facts();
	free(good.pem);
	free(good.p);
	free(other.pem);
	free(other.p);
	free(lookalike.pem);
	free(lookalike.p);
	free(attacker.pem);
	free(attacker.p);
	return tap_done();
}
