/* The DKIM verdict of one BSrE mail (asn-bsre-dkim.h): libopendkim checks
   the signatures; which signature may make a BSrE mail trusted is decided
   here, with the same domain rule as the rest of lib/bsre
   (asn_bsre_domain_trusted()). */
#include "asn-bsre-dkim.h"
#include "asn-bsre.h"
#include "asn-settings.h"
#include "bsre-dkim-private.h"

#include <opendkim/dkim.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LOOKUPS 16		/* signatures whose key is looked up, per mail */
#define FACTS_MAGIC "asn-dkim-facts 1 "
/* A header larger than this is not kept for a later check: such a mail
   stays unverified until asnctl verify gives up on it. */
#define FACTS_HEADER_MAX (64 * 1024)

struct asn_bsre_dkim {
	DKIM_LIB *lib;
	struct asn_strv senders;
	unsigned int timeout_secs;
	struct asn_dkim_resolver *resolver;
	struct asn_bsre_dkim_keys *keys;	/* NULL: DNS */
};

/* What one verification knows, for the key lookup callback. */
struct message_state {
	struct asn_bsre_dkim *ctx;
	char from_domain[256];
	struct timespec deadline;	/* for all key lookups of the mail */
	bool after_the_fact;		/* asn_bsre_dkim_recheck() */
	/* asn_bsre_dkim_verify_facts(): the header alone, and per signature
	   whether the body matched its body hash at delivery; NULL: the
	   whole mail is here */
	const char *body_bits;
	struct {
		DKIM_SIGINFO *sig;
		enum asn_dkim_key_status status;
	} lookups[MAX_LOOKUPS];
	unsigned int lookup_count;
};

const char *asn_bsre_dkim_verdict_name(enum asn_bsre_dkim_verdict verdict)
{
	switch (verdict) {
	case ASN_BSRE_DKIM_TRUSTED:
		return "trusted";
	case ASN_BSRE_DKIM_UNTRUSTED:
		return "untrusted";
	case ASN_BSRE_DKIM_UNVERIFIED:
		return "unverified";
	case ASN_BSRE_DKIM_NOT_CHECKED:
		break;
	}
	return "not_checked";
}

static void set_result(struct asn_bsre_dkim_result *r, enum asn_bsre_dkim_verdict verdict,
		       const char *reason, const char *fmt, ...) ASN_ATTR_FORMAT(4, 5);
static void set_result(struct asn_bsre_dkim_result *r, enum asn_bsre_dkim_verdict verdict,
		       const char *reason, const char *fmt, ...)
{
	va_list args;

	r->verdict = verdict;
	r->reason = reason;
	va_start(args, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, args);
	va_end(args);
}

static const char *sig_domain(DKIM_SIGINFO *sig)
{
	const unsigned char *d = dkim_sig_getdomain(sig);

	return d == NULL ? "" : (const char *)d;
}

static const char *sig_selector(DKIM_SIGINFO *sig)
{
	const unsigned char *s = dkim_sig_getselector(sig);

	return s == NULL ? "" : (const char *)s;
}

/* Why a signature cannot make this mail trusted whatever its key says,
   or NULL when it can.  Checked before its key is looked up: a forger's
   signatures cost no DNS query. */
static const char *sig_precheck(const struct message_state *m, DKIM_SIGINFO *sig)
{
	const char *d = sig_domain(sig);
	const char *const signer[] = { d, NULL };
	dkim_alg_t alg;

	if (d[0] == '\0')
		return "signature_invalid";
	if (!asn_bsre_domain_trusted(d, (const char *const *)m->ctx->senders.items))
		return "not_a_sender";
	/* aligned: the From domain is d= or a subdomain of it */
	if (!asn_bsre_domain_trusted(m->from_domain, signer))
		return "not_aligned";
	if (!dkim_sig_hdrsigned(sig, (u_char *)"from"))
		return "from_not_signed";
	if (!dkim_sig_hdrsigned(sig, (u_char *)"subject"))
		return "subject_not_signed";
	/* the owner test reads To: an unsigned one could be added */
	if (!dkim_sig_hdrsigned(sig, (u_char *)"to"))
		return "to_not_signed";
	/* RFC 8301: rsa-sha1 must not be trusted */
	if (dkim_sig_getsignalg(sig, &alg) != DKIM_STAT_OK || alg == DKIM_SIGN_RSASHA1)
		return "weak_algorithm";
	if (dkim_sig_gettagvalue(sig, false, (u_char *)"l") != NULL)
		return "body_partly_signed";
	return NULL;
}

static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct message_state *m = dkim_get_user_context(dkim);
	enum asn_dkim_key_status status;
	char name[512];

	if (m == NULL || sig_precheck(m, sig) != NULL || m->lookup_count >= MAX_LOOKUPS)
		return DKIM_CBSTAT_NOTFOUND;
	if ((size_t)snprintf(name, sizeof(name), "%s._domainkey.%s", sig_selector(sig),
			     sig_domain(sig)) >= sizeof(name))
		return DKIM_CBSTAT_NOTFOUND;
	if (m->ctx->keys != NULL) {
		const char *record = asn_bsre_dkim_keys_find(m->ctx->keys, name);

		status = ASN_DKIM_KEY_NOT_IN_FILE;
		if (record != NULL && strlen(record) < buflen) {
			memcpy(buf, record, strlen(record) + 1);
			status = ASN_DKIM_KEY_FOUND;
		}
	} else {
		status = asn_dkim_txt_lookup(m->ctx->resolver, name, &m->deadline,
					     (char *)buf, buflen);
	}
	m->lookups[m->lookup_count].sig = sig;
	m->lookups[m->lookup_count].status = status;
	m->lookup_count++;
	/* any failure is "no key" to libopendkim, so that it goes on to the
	   next signature; the verdict below tells permanent from temporary */
	return status == ASN_DKIM_KEY_FOUND ? DKIM_CBSTAT_CONTINUE : DKIM_CBSTAT_NOTFOUND;
}

void asn_bsre_dkim_options_from(const struct asn_settings *set, const char *const *senders,
				struct asn_bsre_dkim_options *options_r)
{
	memset(options_r, 0, sizeof(*options_r));
	options_r->senders = senders;
	options_r->timeout_secs = set->bsre_dkim_timeout;
	options_r->resolver = set->bsre_dkim_resolver;
	options_r->keys_path = set->bsre_dkim_keys;
}

int asn_bsre_dkim_init(const struct asn_bsre_dkim_options *options,
		       struct asn_bsre_dkim **ctx_r, struct asn_error *err)
{
	struct asn_bsre_dkim *ctx = asn_xcalloc(1, sizeof(*ctx));
	unsigned int timeout = options->timeout_secs == 0 ? 1 : options->timeout_secs;

	for (size_t i = 0; options->senders != NULL && options->senders[i] != NULL; i++)
		asn_strv_add(&ctx->senders, options->senders[i]);
	asn_strv_add_take(&ctx->senders, NULL);
	ctx->timeout_secs = timeout;
	if (options->keys_path != NULL && options->keys_path[0] != '\0') {
		if (asn_bsre_dkim_keys_read(options->keys_path, &ctx->keys, err) < 0)
			goto fail;
	} else if (asn_dkim_resolver_init(options->resolver, &ctx->resolver, err) < 0) {
		goto fail;
	}
	ctx->lib = dkim_init(NULL, NULL);
	if (ctx->lib == NULL) {
		asn_error_set(err, "libopendkim: dkim_init() failed");
		goto fail;
	}
	/* Keys come from key_lookup() alone; the library's own timeout is
	   set too in case it ever asks DNS itself. */
	if (dkim_options(ctx->lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout,
			 sizeof(timeout)) != DKIM_STAT_OK ||
	    dkim_set_key_lookup(ctx->lib, key_lookup) != DKIM_STAT_OK) {
		asn_error_set(err, "libopendkim: cannot set its options");
		goto fail;
	}
	*ctx_r = ctx;
	return 0;
fail:
	asn_bsre_dkim_deinit(&ctx);
	return -1;
}

void asn_bsre_dkim_deinit(struct asn_bsre_dkim **ctx)
{
	if (*ctx == NULL)
		return;
	if ((*ctx)->lib != NULL)
		dkim_close((*ctx)->lib);
	asn_strv_free(&(*ctx)->senders);
	if ((*ctx)->resolver != NULL)
		asn_dkim_resolver_free(&(*ctx)->resolver);
	asn_bsre_dkim_keys_free(&(*ctx)->keys);
	free(*ctx);
	*ctx = NULL;
}

/* The From value's one address, with comments and quoted strings (which
   may hold '<' or '@') removed first; false unless exactly one '@'. */
static bool from_header_domain(const char *value, char *out, size_t size)
{
	char *bare = asn_xmalloc(strlen(value) + 1), *q = bare;
	unsigned int depth = 0, ats = 0;
	bool quoted = false, ok;

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' && (quoted || depth > 0) && p[1] != '\0') {
			p++;
			continue;
		}
		if (quoted) {
			quoted = *p != '"';
		} else if (*p == '(') {
			depth++;
		} else if (depth > 0) {
			depth -= *p == ')';
		} else if (*p == '"') {
			quoted = true;
		} else {
			ats += *p == '@';
			*q++ = *p;
		}
	}
	*q = '\0';
	ok = !quoted && depth == 0 && ats == 1 && asn_bsre_from_domain(bare, out, size);
	free(bare);
	return ok;
}

static bool field_is(const char *field, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(field, name, n) != 0)
		return false;
	for (size_t i = n; i < len; i++) {
		if (field[i] == ':')
			return true;
		if (field[i] != ' ' && field[i] != '\t')
			return false;
	}
	return false;
}

/* Splits the header into fields (folded lines joined with CRLF, as
   signed), gives each to libopendkim, counts From and Subject.  Returns
   the offset of the body, or -1 for a header that is not one. */
/* The fields counted.  A reader of the mail looks at From, Subject, To,
   Cc, Date and Message-ID (the trust, the owner test, the event's time and
   key): more than one of any lets a reader see another one than was
   signed (DKIM signs the bottom one, parsers read the top one). */
enum counted_field {
	FIELD_FROM, FIELD_SUBJECT, FIELD_TO, FIELD_CC, FIELD_DATE, FIELD_MESSAGE_ID,
	FIELD_SIGNATURE, FIELD_COUNT
};
static const char *const counted_field_names[FIELD_COUNT] = {
	"from", "subject", "to", "cc", "date", "message-id", "dkim-signature"
};

struct header_facts {
	unsigned int counts[FIELD_COUNT];
	bool odd_name;			/* a field name a parser may read differently */
	char *from_value;		/* unfolded */
};

static void end_field(DKIM *dkim, struct asn_str *field, struct header_facts *facts,
		      DKIM_STAT *status)
{
	if (field->len == 0)
		return;
	if (*status == DKIM_STAT_OK)
		*status = dkim_header(dkim, (u_char *)field->data, field->len);
	for (unsigned int i = 0; i < FIELD_COUNT; i++) {
		if (field_is(field->data, field->len, counted_field_names[i])) {
			facts->counts[i]++;
			break;
		}
	}
	if (field_is(field->data, field->len, "from")) {
		struct asn_str unfolded = { 0 };
		const char *v = strchr(field->data, ':') + 1;

		for (; *v != '\0'; v++) {
			if (*v != '\r' && *v != '\n')
				asn_str_append_c(&unfolded, *v);
		}
		free(facts->from_value);
		facts->from_value = asn_xstrdup(asn_str_c(&unfolded));
		asn_str_free(&unfolded);
	}
	/* a name with white space or a comment before its colon
	   ("Subject (x): ..."): libetpan reads it as Subject, libopendkim
	   as another field */
	{
		const char *colon = memchr(field->data, ':', field->len);
		size_t name_len = colon == NULL ? field->len : (size_t)(colon - field->data);

		for (size_t i = 0; i < name_len; i++) {
			if (field->data[i] == ' ' || field->data[i] == '\t' || field->data[i] == '(')
				facts->odd_name = true;
		}
	}
	asn_str_truncate(field, 0);
}

static long feed_header(DKIM *dkim, const char *msg, size_t size, struct header_facts *facts,
			DKIM_STAT *status)
{
	struct asn_str field = { 0 };
	size_t pos = 0;

	while (pos < size) {
		const char *nl = memchr(msg + pos, '\n', size - pos);
		size_t end = nl != NULL ? (size_t)(nl - msg) : size, len = end - pos;

		if (len > 0 && msg[end - 1] == '\r')
			len--;
		if (len == 0) {			/* the empty line: the body follows */
			end_field(dkim, &field, facts, status);
			asn_str_free(&field);
			return nl != NULL ? (long)(end + 1) : (long)size;
		}
		if (memchr(msg + pos, '\0', len) != NULL) {
			asn_str_free(&field);
			return -1;
		}
		if (msg[pos] == ' ' || msg[pos] == '\t') {
			if (field.len == 0) {	/* folded line with no field */
				asn_str_free(&field);
				return -1;
			}
			asn_str_append(&field, "\r\n");
		} else {
			end_field(dkim, &field, facts, status);
		}
		asn_str_append_n(&field, msg + pos, len);
		pos = nl != NULL ? end + 1 : size;
	}
	end_field(dkim, &field, facts, status);
	asn_str_free(&field);
	return (long)size;
}

/* The body with every line ended by CRLF, as it was signed. */
static DKIM_STAT feed_body(DKIM *dkim, const char *body, size_t size)
{
	struct asn_str crlf = { 0 };
	DKIM_STAT status = DKIM_STAT_OK;

	size_t start = 0;

	for (size_t i = 0; i < size; i++) {
		if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) {
			asn_str_append_n(&crlf, body + start, i - start);
			asn_str_append(&crlf, "\r\n");
			start = i + 1;
		}
	}
	asn_str_append_n(&crlf, body + start, size - start);
	if (crlf.len > 0)
		status = dkim_body(dkim, (u_char *)crlf.data, crlf.len);
	asn_str_free(&crlf);
	return status;
}

/* How far a failed signature got: the verdict names the furthest. */
static unsigned int reason_rank(const char *reason)
{
	static const char *const order[] = {
		"no_signature", "not_a_sender", "not_aligned", "from_not_signed",
		"subject_not_signed", "to_not_signed", "weak_algorithm", "body_partly_signed",
		"signature_invalid",
		"key_missing", "key_invalid", "key_revoked", "bad_signature", "body_changed",
	};

	for (unsigned int i = 0; i < ASN_N_ELEMENTS(order); i++) {
		if (strcmp(order[i], reason) == 0)
			return i;
	}
	return 0;
}

static const char *lookup_failure(const struct message_state *m, DKIM_SIGINFO *sig,
				  bool *temporary_r)
{
	*temporary_r = true;
	for (unsigned int i = 0; i < m->lookup_count; i++) {
		if (m->lookups[i].sig != sig)
			continue;
		switch (m->lookups[i].status) {
		case ASN_DKIM_KEY_FOUND:
			return NULL;
		case ASN_DKIM_KEY_TIMEOUT:
			return "dns_timeout";
		case ASN_DKIM_KEY_DNS_ERROR:
			return "dns_error";
		case ASN_DKIM_KEY_UNREACHABLE:
			return "resolver_unreachable";
		case ASN_DKIM_KEY_NOT_IN_FILE:
			return "key_not_in_file";
		case ASN_DKIM_KEY_NOT_FOUND:
			/* after the fact, a missing key may have been rotated
			   away since the mail came: never trusted, not
			   condemned either */
			*temporary_r = m->after_the_fact;
			return m->after_the_fact ? "key_gone" : "key_missing";
		}
	}
	return NULL;
}

/* Whether the body matched signature i's body hash: now, or at delivery
   when only the facts are here. */
static bool body_matched(const struct message_state *m, DKIM_SIGINFO *sig, int i)
{
	if (m->body_bits != NULL)
		return (size_t)i < strlen(m->body_bits) && m->body_bits[i] == '1';
	return dkim_sig_getbh(sig) == DKIM_SIGBH_MATCH;
}

static bool sig_passed(const struct message_state *m, DKIM_SIGINFO *sig, int i)
{
	return (dkim_sig_getflags(sig) & DKIM_SIGFLAG_PASSED) != 0 && body_matched(m, sig, i);
}

/* Why a checked signature failed, from libopendkim's account. */
static const char *sig_failure(const struct message_state *m, DKIM_SIGINFO *sig, int i)
{
	if ((dkim_sig_getflags(sig) & DKIM_SIGFLAG_PASSED) != 0)
		return !body_matched(m, sig, i) ? "body_changed" : "bad_signature";
	switch (dkim_sig_geterror(sig)) {
	case DKIM_SIGERROR_BADSIG:
		return "bad_signature";
	case DKIM_SIGERROR_KEYREVOKED:
		return "key_revoked";
	case DKIM_SIGERROR_NOKEY:
		return "key_missing";
	case DKIM_SIGERROR_KEYDECODE:
	case DKIM_SIGERROR_KEYTOOSMALL:
	case DKIM_SIGERROR_KEYVERSION:
	case DKIM_SIGERROR_KEYUNKNOWNHASH:
	case DKIM_SIGERROR_KEYHASHMISMATCH:
	case DKIM_SIGERROR_NOTEMAILKEY:
	case DKIM_SIGERROR_KEYTYPEMISSING:
	case DKIM_SIGERROR_KEYTYPEUNKNOWN:
	case DKIM_SIGERROR_DNSSYNTAX:
		return "key_invalid";
	default:
		return "signature_invalid";
	}
}

static const char *reason_text(const char *reason)
{
	static const struct {
		const char *reason, *text;
	} texts[] = {
		{ "signature_invalid", "the DKIM signature is malformed or expired" },
		{ "not_a_sender", "signed by a domain that is not in asn_bsre_senders" },
		{ "not_aligned", "the signing domain is not the From domain or a parent of it" },
		{ "from_not_signed", "the signature does not cover the From header" },
		{ "subject_not_signed", "the signature does not cover the Subject header" },
		{ "to_not_signed", "the signature does not cover the To header" },
		{ "weak_algorithm", "the signature uses rsa-sha1 (RFC 8301: not to be trusted)" },
		{ "too_many_signatures", "the mail has more DKIM signatures than are checked" },
		{ "body_partly_signed", "the signature covers only part of the body (l=)" },
		{ "key_missing", "the signing key does not exist in DNS (NXDOMAIN or no TXT)" },
		{ "key_invalid", "the signing key's record is not a usable DKIM key" },
		{ "key_revoked", "the signing key is revoked (empty p=)" },
		{ "bad_signature", "the signature does not verify" },
		{ "body_changed", "the body was changed after signing (body hash mismatch)" },
		{ "dns_timeout", "the DNS did not answer within asn_bsre_dkim_timeout" },
		{ "dns_error", "the DNS answered with an error (SERVFAIL, REFUSED or a bad answer)" },
		{ "resolver_unreachable", "no DNS resolver could be reached" },
		{ "key_not_in_file", "the signing key is not in the asn_bsre_dkim_keys file" },
		{ "key_gone", "the signing key no longer exists in DNS (rotated since the mail came?)" },
	};

	for (size_t i = 0; i < ASN_N_ELEMENTS(texts); i++) {
		if (strcmp(texts[i].reason, reason) == 0)
			return texts[i].text;
	}
	return reason;
}

/* Trusted when one signature passes everything; else unverified when a
   signature that could have passed met a temporary key failure; else
   untrusted, with the reason of the signature that got furthest. */
static void judge(const struct message_state *m, DKIM *dkim, struct asn_bsre_dkim_result *r)
{
	DKIM_SIGINFO **sigs = NULL, *unverified = NULL, *best = NULL;
	const char *unverified_reason = NULL, *best_reason = "no_signature";
	int count = 0;

	if (dkim_getsiglist(dkim, &sigs, &count) != DKIM_STAT_OK)
		count = 0;
	for (int i = 0; i < count; i++) {
		const char *reason = sig_precheck(m, sigs[i]);
		bool temporary;

		if (reason == NULL) {
			reason = lookup_failure(m, sigs[i], &temporary);
			if (reason != NULL && temporary) {
				if (unverified == NULL) {
					unverified = sigs[i];
					unverified_reason = reason;
				}
				continue;
			}
		}
		if (reason == NULL && sig_passed(m, sigs[i], i)) {
			snprintf(r->domain, sizeof(r->domain), "%s", sig_domain(sigs[i]));
			snprintf(r->selector, sizeof(r->selector), "%s", sig_selector(sigs[i]));
			set_result(r, ASN_BSRE_DKIM_TRUSTED, "pass",
				   "valid DKIM signature of %s (selector %s), aligned with From",
				   r->domain, r->selector);
			return;
		}
		if (reason == NULL)
			reason = sig_failure(m, sigs[i], i);
		if (best == NULL || reason_rank(reason) > reason_rank(best_reason)) {
			best = sigs[i];
			best_reason = reason;
		}
	}
	if (unverified != NULL) {
		best = unverified;
		best_reason = unverified_reason;
	}
	if (best == NULL) {
		set_result(r, ASN_BSRE_DKIM_UNTRUSTED, "no_signature", "the mail has no DKIM signature");
		return;
	}
	snprintf(r->domain, sizeof(r->domain), "%s", sig_domain(best));
	snprintf(r->selector, sizeof(r->selector), "%s", sig_selector(best));
	set_result(r, unverified != NULL ? ASN_BSRE_DKIM_UNVERIFIED : ASN_BSRE_DKIM_UNTRUSTED,
		   best_reason, "%s%s%s (d=%s, s=%s, %d signature%s)", reason_text(best_reason),
		   strcmp(best_reason, "signature_invalid") == 0 ? ": " : "",
		   strcmp(best_reason, "signature_invalid") == 0 ?
		   dkim_sig_geterrorstr(dkim_sig_geterror(best)) : "",
		   r->domain, r->selector, count, count == 1 ? "" : "s");
}

/* Whether the body matched each signature's bh= (libopendkim computes
   the body hash of every signature, and compares it only once it has
   the key): one '1' or '0' per signature in header order, "-" for none. */
static char *body_hash_bits(DKIM *dkim)
{
	DKIM_SIGINFO **sigs = NULL;
	int count = 0;
	char *bits;

	if (dkim_getsiglist(dkim, &sigs, &count) != DKIM_STAT_OK || count <= 0)
		return asn_xstrdup("-");
	bits = asn_xmalloc((size_t)count + 1);
	for (int i = 0; i < count; i++) {
		const char *tag = (const char *)dkim_sig_gettagvalue(sigs[i], false,
								     (u_char *)"bh");
		void *hh = NULL, *bh = NULL;
		size_t hh_len = 0, bh_len = 0;
		bool match = false;

		if (dkim_sig_getbh(sigs[i]) != DKIM_SIGBH_UNTESTED) {
			match = dkim_sig_getbh(sigs[i]) == DKIM_SIGBH_MATCH;
		} else if (tag != NULL &&
			   dkim_sig_gethashes(sigs[i], &hh, &hh_len, &bh, &bh_len) == DKIM_STAT_OK &&
			   bh != NULL && bh_len > 0 && bh_len <= 64) {
			unsigned char computed[4 * 64 / 3 + 4];
			struct asn_str named = { 0 };

			/* the tag's base64 may be folded */
			for (const char *p = tag; *p != '\0'; p++) {
				if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
					asn_str_append_c(&named, *p);
			}
			EVP_EncodeBlock(computed, bh, (int)bh_len);
			match = strcmp((const char *)computed, asn_str_c(&named)) == 0;
			asn_str_free(&named);
		}
		bits[i] = match ? '1' : '0';
	}
	bits[count] = '\0';
	return bits;
}

static char *make_facts(DKIM *dkim, const char *header, size_t header_size)
{
	char *bits, *facts;

	if (header_size > FACTS_HEADER_MAX)
		return NULL;
	bits = body_hash_bits(dkim);
	facts = asn_xasprintf(FACTS_MAGIC "%s\n%.*s", bits, (int)header_size, header);
	free(bits);
	return facts;
}

static int verify(struct asn_bsre_dkim *ctx, const void *message, size_t size,
		  bool after_the_fact, const char *body_bits,
		  struct asn_bsre_dkim_result *result_r, char **facts_r,
		  struct asn_error *err)
{
	struct message_state m;
	struct header_facts facts = { 0 };
	DKIM_STAT status = DKIM_STAT_OK;
	DKIM *dkim;
	long body;
	int ret = 0;

	memset(result_r, 0, sizeof(*result_r));
	if (facts_r != NULL)
		*facts_r = NULL;
	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	clock_gettime(CLOCK_MONOTONIC, &m.deadline);
	m.deadline.tv_sec += ctx->timeout_secs;
	m.after_the_fact = after_the_fact;
	m.body_bits = body_bits;

	dkim = dkim_verify(ctx->lib, (const u_char *)"asn-bsre", NULL, &status);
	if (dkim == NULL) {
		asn_error_set(err, "libopendkim: dkim_verify(): %s", dkim_getresultstr(status));
		set_result(result_r, ASN_BSRE_DKIM_UNVERIFIED, "internal", "%s", err->msg);
		return -1;
	}
	dkim_set_user_context(dkim, &m);

	body = feed_header(dkim, message, size, &facts, &status);
	if (body < 0) {
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "syntax",
			   "the message header is malformed");
		goto out;
	}
	/* one From with one address, at most one Subject: the header a
	   reader sees must be the one that was signed */
	if (facts.odd_name) {
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "syntax",
			   "a header field name holds white space or a comment");
		goto out;
	}
	if (facts.counts[FIELD_SIGNATURE] > MAX_LOOKUPS) {
		/* each signature may make libopendkim hash the body again */
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "too_many_signatures",
			   "the mail has %u DKIM signatures (at most %d are checked)",
			   facts.counts[FIELD_SIGNATURE], MAX_LOOKUPS);
		goto out;
	}
	if (facts.counts[FIELD_TO] > 1 || facts.counts[FIELD_CC] > 1 ||
	    facts.counts[FIELD_DATE] > 1 || facts.counts[FIELD_MESSAGE_ID] > 1) {
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "header_duplicate",
			   "the mail has To, Cc, Date or Message-ID more than once");
		goto out;
	}
	if (facts.counts[FIELD_FROM] != 1 || facts.counts[FIELD_SUBJECT] > 1) {
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "header_duplicate",
			   "the mail has %u From and %u Subject headers (expected 1 and 1)",
			   facts.counts[FIELD_FROM], facts.counts[FIELD_SUBJECT]);
		goto out;
	}
	if (!from_header_domain(facts.from_value, m.from_domain, sizeof(m.from_domain))) {
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "from_unparsable",
			   "the From header does not name exactly one address");
		goto out;
	}
	if (status != DKIM_STAT_OK) {
		/* a field libopendkim refuses: it cannot be checked */
		set_result(result_r, ASN_BSRE_DKIM_UNTRUSTED, "syntax",
			   "libopendkim refuses a header field: %s", dkim_getresultstr(status));
		goto out;
	}
	status = dkim_eoh(dkim);
	if (status == DKIM_STAT_OK && body_bits == NULL)
		status = feed_body(dkim, (const char *)message + body, size - (size_t)body);
	if (status == DKIM_STAT_OK)
		status = dkim_eom(dkim, NULL);
	switch (status) {
	case DKIM_STAT_OK:
	case DKIM_STAT_BADSIG:
	case DKIM_STAT_NOKEY:
	case DKIM_STAT_CANTVRFY:
	case DKIM_STAT_REVOKED:
	case DKIM_STAT_KEYFAIL:
	case DKIM_STAT_SYNTAX:		/* of a signature: judged per signature */
	case DKIM_STAT_NOSIG:
		judge(&m, dkim, result_r);
		if (result_r->verdict == ASN_BSRE_DKIM_UNVERIFIED && facts_r != NULL)
			*facts_r = make_facts(dkim, message, (size_t)body);
		break;
	default:
		asn_error_set(err, "libopendkim: %s", dkim_getresultstr(status));
		set_result(result_r, ASN_BSRE_DKIM_UNVERIFIED, "internal", "%s", err->msg);
		ret = -1;
		break;
	}
out:
	free(facts.from_value);
	dkim_free(dkim);
	return ret;
}

int asn_bsre_dkim_verify(struct asn_bsre_dkim *ctx, const void *message, size_t size,
			 struct asn_bsre_dkim_result *result_r, char **facts_r,
			 struct asn_error *err)
{
	return verify(ctx, message, size, false, NULL, result_r, facts_r, err);
}

int asn_bsre_dkim_recheck(struct asn_bsre_dkim *ctx, const void *message, size_t size,
			  struct asn_bsre_dkim_result *result_r, char **facts_r,
			  struct asn_error *err)
{
	return verify(ctx, message, size, true, NULL, result_r, facts_r, err);
}

int asn_bsre_dkim_verify_facts(struct asn_bsre_dkim *ctx, const char *facts,
			       struct asn_bsre_dkim_result *result_r, struct asn_error *err)
{
	const char *nl, *bits = facts + strlen(FACTS_MAGIC);
	char *bits_copy;
	int ret;

	memset(result_r, 0, sizeof(*result_r));
	nl = strchr(facts, '\n');
	if (strncmp(facts, FACTS_MAGIC, strlen(FACTS_MAGIC)) != 0 || nl == NULL ||
	    nl == bits || strspn(bits, "01-") != (size_t)(nl - bits)) {
		asn_error_set(err, "syntax: not the DKIM facts of a mail (expected \"%sBITS\")",
			      FACTS_MAGIC);
		set_result(result_r, ASN_BSRE_DKIM_UNVERIFIED, "internal", "%s", err->msg);
		return -1;
	}
	bits_copy = asn_xstrndup(bits, (size_t)(nl - bits));
	/* a key gone since the delivery (rotated) leaves it unverified */
	ret = verify(ctx, nl + 1, strlen(nl + 1), true, bits_copy, result_r, NULL, err);
	free(bits_copy);
	return ret;
}
