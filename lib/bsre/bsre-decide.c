/* One mail's BSrE facts from its decoded headers and text: the decisions
   shared by the delivery plugin (Dovecot's lib-mail) and asnctl scan
   (libetpan), so that both record the same event for the same mail. */
#include "asn-bsre.h"
#include "asn-settings.h"
#include "bsre-private.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char asn_bsre_default_patterns_spec[] = ASN_BSRE_DEFAULT_SUBJECTS;

void asn_bsre_copy_clean(char *out, size_t size, const char *in)
{
	char *clean = asn_str_clean(in == NULL ? "" : in);

	snprintf(out, size, "%s", clean);
	free(clean);
}

static void hex_digest(const char *data, size_t size, char *out, size_t out_size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t pos;

	EVP_Digest(data, size, md, &md_len, EVP_sha256(), NULL);
	pos = (size_t)snprintf(out, out_size, "sha256:");
	for (unsigned int i = 0; i < md_len && pos + 2 < out_size; i++) {
		out[pos++] = hex[md[i] >> 4];
		out[pos++] = hex[md[i] & 15];
	}
	out[pos < out_size ? pos : out_size - 1] = '\0';
}

static void message_key(const struct asn_bsre_headers *h, struct asn_bsre_mail *out)
{
	char id[sizeof(out->message_key)];
	size_t len;

	asn_bsre_copy_clean(id, sizeof(id), h->message_id);
	len = strlen(id);
	if (len >= 2 && id[0] == '<' && id[len - 1] == '>') {
		memmove(id, id + 1, len - 2);
		id[len - 2] = '\0';
	}
	if (id[0] != '\0') {
		snprintf(out->message_key, sizeof(out->message_key), "%s", id);
	} else {
		/* No Message-ID: what stays the same when the mail is
		   delivered again or read back from the mailbox (not the
		   Received lines that each hop adds). */
		char *material = asn_xasprintf("%s\n%s\n%lld\n", out->subject, out->sender,
					       (long long)h->date);

		hex_digest(material, strlen(material), out->message_key,
			   sizeof(out->message_key));
		free(material);
	}
}

bool asn_bsre_address_names_owner(const char *address, const char *owner)
{
	const char *at = strrchr(address, '@');

	if (owner[0] == '\0')
		return false;
	if (strchr(owner, '@') != NULL)
		return strcasecmp(address, owner) == 0;
	return at != NULL && (size_t)(at - address) == strlen(owner) &&
		strncasecmp(address, owner, strlen(owner)) == 0;
}

/* The To header names the owner, or, with no To, the envelope does. */
static bool addressed_to_owner(const struct asn_bsre_headers *h)
{
	if (h->to_count == 0)
		return h->envelope_to != NULL &&
			asn_bsre_address_names_owner(h->envelope_to, h->owner);
	for (size_t i = 0; i < h->to_count; i++) {
		if (asn_bsre_address_names_owner(h->to[i], h->owner))
			return true;
	}
	return false;
}

int asn_bsre_trust_mode_parse(const char *name, enum asn_bsre_trust_mode *mode_r)
{
	if (strcmp(name, "dkim") == 0)
		*mode_r = ASN_BSRE_TRUST_DKIM;
	else if (strcmp(name, "authres") == 0)
		*mode_r = ASN_BSRE_TRUST_AUTHRES;
	else if (strcmp(name, "dkim+authres") == 0)
		*mode_r = ASN_BSRE_TRUST_DKIM_AUTHRES;
	else
		return -1;
	return 0;
}

static bool authres_pass(const struct asn_bsre_headers *h, const struct asn_bsre_trust *trust)
{
	return trust->authserv_id != NULL && trust->authserv_id[0] != '\0' &&
		asn_bsre_authres_dkim_pass(h->authres, h->authres_count, trust->authserv_id,
					   trust->senders);
}

bool asn_bsre_wants_dkim(const struct asn_bsre_trust *trust, const char *subject)
{
	return trust->mode != ASN_BSRE_TRUST_AUTHRES &&
		asn_bsre_classify_subject(trust->patterns, subject) != ASN_BSRE_SUSPICIOUS;
}

/* For a mail from one of the senders: the mode's checks (asn-bsre.h). */
static void decide_trust(const struct asn_bsre_headers *h, const struct asn_bsre_trust *trust,
			 struct asn_bsre_mail *out)
{
	bool use_dkim = trust->mode != ASN_BSRE_TRUST_AUTHRES;
	bool use_authres = trust->mode != ASN_BSRE_TRUST_DKIM;

	const char *by = NULL, *reason;

	if (use_dkim && h->dkim == ASN_BSRE_DKIM_TRUSTED) {
		by = "dkim";
		reason = "pass";
	} else if (use_authres && authres_pass(h, trust)) {
		by = "authres";
		reason = "authres_pass";
	} else if (use_dkim) {
		reason = h->dkim == ASN_BSRE_DKIM_NOT_CHECKED || h->dkim_reason == NULL ?
			"not_checked" : h->dkim_reason;
	} else {
		reason = "no_authres_pass";
	}
	snprintf(out->trusted_by, sizeof(out->trusted_by), "%s", by == NULL ? "" : by);
	snprintf(out->trust_reason, sizeof(out->trust_reason), "%s", reason);
	out->trusted = by != NULL;
	out->unverified = !out->trusted && use_dkim && h->dkim == ASN_BSRE_DKIM_UNVERIFIED;
}

void asn_bsre_mail_from_headers(const struct asn_bsre_headers *h,
				const struct asn_bsre_trust *trust, struct asn_bsre_mail *out)
{
	memset(out, 0, sizeof(*out));
	asn_bsre_copy_clean(out->subject, sizeof(out->subject), h->subject);
	out->event = asn_bsre_classify_subject(trust->patterns, out->subject);
	if (out->event == ASN_BSRE_NONE)
		return;		/* ordinary mail: nothing else is looked at */

	asn_bsre_copy_clean(out->sender, sizeof(out->sender), h->from);
	if (!asn_bsre_from_domain(out->sender, out->sender_domain, sizeof(out->sender_domain)))
		out->sender_domain[0] = '\0';
	out->date = h->date;
	message_key(h, out);

	if (out->event == ASN_BSRE_SUSPICIOUS)
		snprintf(out->trust_reason, sizeof(out->trust_reason), "lookalike_tag");
	else if (out->sender_domain[0] == '\0' ||
		 !asn_bsre_domain_trusted(out->sender_domain, trust->senders))
		snprintf(out->trust_reason, sizeof(out->trust_reason), "sender_not_trusted");
	else
		decide_trust(h, trust, out);
	if (out->trusted && h->owner != NULL && !addressed_to_owner(h)) {
		out->trusted = false;
		out->trusted_by[0] = '\0';
		out->replayed = true;
		snprintf(out->trust_reason, sizeof(out->trust_reason), "addressed_to_other");
	}
}

void asn_bsre_mail_clear(struct asn_bsre_mail *mail)
{
	free(mail->dkim_facts);
	mail->dkim_facts = NULL;
}

bool asn_bsre_mail_wants_body(const struct asn_bsre_mail *mail)
{
	return mail->event == ASN_BSRE_CERTIFICATE_ISSUED || mail->event == ASN_BSRE_RENEWAL;
}

void asn_bsre_mail_add_text(struct asn_bsre_mail *mail, const char *text)
{
	if (!asn_bsre_mail_wants_body(mail) || mail->has_certificate || text == NULL)
		return;
	mail->has_certificate = asn_bsre_extract_certificate(text, &mail->certificate);
}

int asn_bsre_patterns_parse(const char *spec, struct asn_bsre_pattern **patterns_r,
			    struct asn_error *err)
{
	/* One allocation: the table, then a copy of spec the entries point into. */
	size_t len = strlen(spec), max = 2;
	struct asn_bsre_pattern *table;
	char *copy, *group, *save_group = NULL;
	size_t count = 0;

	for (const char *p = spec; *p != '\0'; p++)
		max += *p == '|' || *p == ';';
	table = asn_xcalloc(1, max * sizeof(*table) + len + 1);
	copy = (char *)(table + max);
	memcpy(copy, spec, len + 1);

	for (group = strtok_r(copy, ";", &save_group); group != NULL;
	     group = strtok_r(NULL, ";", &save_group)) {
		char *colon = strchr(group, ':'), *word, *save_word = NULL, *name;
		enum asn_bsre_event event;

		if (asn_str_is_empty(group))
			continue;
		if (colon == NULL) {
			asn_error_set(err, "'%s': expected EVENT:substring|substring", group);
			goto fail;
		}
		*colon = '\0';
		name = group;
		while (*name == ' ' || *name == '\t')
			name++;
		for (char *e = colon; e > name && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (asn_bsre_event_parse(name, &event) < 0 || event == ASN_BSRE_NONE ||
		    event == ASN_BSRE_OTHER || event == ASN_BSRE_SUSPICIOUS) {
			asn_error_set(err, "'%s' is not an event type (account_activation, "
				      "account_info, set_passphrase, certificate_issued, "
				      "issuance_succeeded, renewal, password_reset)", name);
			goto fail;
		}
		for (word = strtok_r(colon + 1, "|", &save_word); word != NULL;
		     word = strtok_r(NULL, "|", &save_word)) {
			char *end;

			while (*word == ' ' || *word == '\t')
				word++;
			end = word + strlen(word);
			while (end > word && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			if (*word == '\0')
				continue;
			table[count].event = event;
			table[count].substring = word;
			count++;
		}
	}
	if (count == 0) {
		asn_error_set(err, "no subject pattern given");
		goto fail;
	}
	table[count].substring = NULL;
	*patterns_r = table;
	return 0;
fail:
	free(table);
	return -1;
}

int asn_bsre_trust_config_init(struct asn_bsre_trust_config *cfg, const struct asn_settings *set,
			       struct asn_error *err)
{
	char *copy = asn_xstrdup(set->bsre_senders), *word, *save = NULL;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (asn_bsre_patterns_parse(set->bsre_subjects, &cfg->patterns, err) < 0) {
		cfg->patterns = NULL;
		ret = -1;
	}
	for (word = strtok_r(copy, " \t,", &save); word != NULL; word = strtok_r(NULL, " \t,", &save))
		asn_strv_add(&cfg->senders, word);
	asn_strv_add_take(&cfg->senders, NULL);
	free(copy);
	cfg->trust.patterns = cfg->patterns;
	cfg->trust.senders = (const char *const *)cfg->senders.items;
	cfg->trust.authserv_id = set->bsre_authserv_id;
	if (asn_bsre_trust_mode_parse(set->bsre_trust, &cfg->trust.mode) < 0) {
		/* the safe choice: only the mail's own signature */
		cfg->trust.mode = ASN_BSRE_TRUST_DKIM;
		if (ret == 0)
			asn_error_set(err, "asn_bsre_trust: '%s' is not dkim, authres or "
				      "dkim+authres", set->bsre_trust);
		ret = -1;
	}
	return ret;
}

void asn_bsre_trust_config_free(struct asn_bsre_trust_config *cfg)
{
	free(cfg->patterns);
	asn_strv_free(&cfg->senders);
	memset(cfg, 0, sizeof(*cfg));
}
