#ifndef ASN_BSRE_H
#define ASN_BSRE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "asn-util.h"
#include "asn-bsre-authres.h"
#include "asn-bsre-dkim.h"

/* BSrE mails: which ones they are, whether to trust them, and the
   certificate facts they carry.  Pure functions over decoded text: the
   Dovecot plugin and asnctl scan feed them the same way.  Nothing here
   keeps links, tokens or passwords: callers store only the results. */

enum asn_bsre_event {
	ASN_BSRE_NONE = 0,		/* not a BSrE candidate */
	ASN_BSRE_ACCOUNT_ACTIVATION,
	ASN_BSRE_ACCOUNT_INFO,
	ASN_BSRE_SET_PASSPHRASE,
	ASN_BSRE_CERTIFICATE_ISSUED,
	ASN_BSRE_ISSUANCE_SUCCEEDED,
	ASN_BSRE_RENEWAL,
	ASN_BSRE_PASSWORD_RESET,
	ASN_BSRE_OTHER,			/* "[BSrE] ..." we do not know: kept */
	ASN_BSRE_SUSPICIOUS,		/* a look-alike tag: never trusted */
};

/* Stable identifiers used in output: "account_activation", ... */
const char *asn_bsre_event_name(enum asn_bsre_event event);
int asn_bsre_event_parse(const char *name, enum asn_bsre_event *event_r);

/* Whether a Subject is a BSrE candidate: the one home of that rule,
   in two steps.  First a cheap test on the raw header value (undecoded,
   maybe folded): false when it cannot hold a tag, genuine or look-alike
   (no '[', no byte >= 0x80, no "=?" encoded word), so that ordinary mail
   costs one Subject lookup. */
bool asn_bsre_subject_may_be_tagged(const char *raw, size_t len);

/* The same test on the raw header of a whole mail, before anything parses
   it (the delivery plugin: ordinary mail then costs a scan of its header
   bytes).  data holds the mail's first size bytes; at_end says they are
   the whole mail.  NO when the header ends within them and no Subject
   field (any case, white space before the colon, folded lines) may be
   tagged; YES when one may; MORE when the header's end is not within them
   (read more, or treat as YES). */
enum asn_bsre_raw_verdict {
	ASN_BSRE_RAW_NO,
	ASN_BSRE_RAW_YES,
	ASN_BSRE_RAW_MORE,
};
enum asn_bsre_raw_verdict
asn_bsre_header_may_be_tagged(const char *data, size_t size, bool at_end);

/* Then on the decoded subject: only one that starts with "[BSrE]" (any
   case, after white space) is genuine: "Fwd: [BSrE] ..." is not a
   candidate.  A subject that becomes the tag once look-alike letters
   (Cyrillic "[BЅrE]", fullwidth brackets...) are mapped and invisible
   characters (zero-width, bidi controls, soft hyphen) dropped is a
   look-alike: phishing aimed at ASN, from whoever sends it. */
enum asn_bsre_tag {
	ASN_BSRE_TAG_NONE,
	ASN_BSRE_TAG_GENUINE,
	ASN_BSRE_TAG_LOOKALIKE,
};
enum asn_bsre_tag asn_bsre_subject_tag(const char *subject);

/* The event type of a subject: NONE without a tag, SUSPICIOUS for a
   look-alike tag; else patterns are matched case-insensitively as
   substrings of the subject after the tag, in table order, and OTHER
   when none matches.  NULL uses the built-in table, which is the
   setting's default (asn_bsre_default_patterns_spec). */
struct asn_bsre_pattern {
	enum asn_bsre_event event;
	const char *substring;
};
enum asn_bsre_event asn_bsre_classify_subject(const struct asn_bsre_pattern *patterns,
					      const char *subject);

/* Trust of the sender domain: equal to one of the trusted domains or a
   subdomain of it at a dot boundary ("mail.bssn.go.id" is trusted for
   "bssn.go.id"; "bssn-go.id" and "evilbssn.go.id" are not).  Case
   insensitive; trusted is a NULL-terminated list. */
bool asn_bsre_domain_trusted(const char *domain, const char *const *trusted);

/* The domain of the first address of a From header value ("BSrE
   <info.bsre@bssn.go.id>"), lowercased into out; false if none. */
bool asn_bsre_from_domain(const char *from, char *out, size_t size);

/* Whether an address names a mailbox's owner: the same address
   (case-insensitively: the store keeps emails without case, and Dovecot
   user names are lower case), or, for an owner without a domain (a
   Dovecot user "siti"), the same local part. */
bool asn_bsre_address_names_owner(const char *address, const char *owner);

/* Facts of a "[BSrE] Sertifikat Elektronik Terbit" mail, from its text. */
struct asn_bsre_certificate {
	char common_name[256];
	char organization[256];
	char serial[128];
	/* validity end: "YYYY-MM-DD", or "YYYY" when only the year is given;
	   empty when absent */
	char valid_until[11];
};

/* Extracts what it finds ("Common Name : ...", "Organization : ...",
   "Serial Number : ...", "berlaku sampai dengan 30 April 2027", "valid
   until 2027-04-30").  Returns true when anything was found. */
bool asn_bsre_extract_certificate(const char *text, struct asn_bsre_certificate *cert_r);

/* A date as BSrE and people write it: "30 April 2027", "30 Apr 2027",
   "30 Agustus 2027" (Indonesian or English month names), "2027-04-30",
   "30-04-2027", "30/04/2027"; or a year alone.  out: "YYYY-MM-DD" or
   "YYYY".  Returns the number of bytes of text consumed, 0 if no date. */
size_t asn_bsre_parse_date(const char *text, char out[11]);

/* asn_bsre_trust: what makes a BSrE mail trusted. */
enum asn_bsre_trust_mode {
	ASN_BSRE_TRUST_DKIM = 0,	/* its own DKIM signature (asn-bsre-dkim.h) */
	ASN_BSRE_TRUST_AUTHRES,		/* the site MTA's Authentication-Results */
	ASN_BSRE_TRUST_DKIM_AUTHRES,	/* either one */
};
/* "dkim", "authres", "dkim+authres"; -1 for anything else. */
int asn_bsre_trust_mode_parse(const char *name, enum asn_bsre_trust_mode *mode_r);

/* What decides trust, and the subject patterns (NULL: built-in). */
struct asn_bsre_trust {
	const struct asn_bsre_pattern *patterns;
	const char *const *senders;	/* trusted sender domains */
	const char *authserv_id;	/* NULL/"": no Authentication-Results trusted */
	enum asn_bsre_trust_mode mode;
	/* The DKIM check of a candidate's raw mail, for asn_bsre_analyze():
	   set by callers that link libasn-bsre-dkim (asnctl); NULL: not
	   checked.  Returns the verdict with its reason (a static string)
	   and, for an unverified mail, its facts (malloc'd), which
	   asn_bsre_analyze() hands to the mail. */
	enum asn_bsre_dkim_verdict (*dkim_check)(void *context, const char *data, size_t size,
						 const char **reason_r, char **facts_r);
	void *dkim_context;
};
/* Trust: the From domain must be one of senders, and then, by mode:
   - dkim: the DKIM verdict of the mail (headers->dkim) is trusted;
   - authres: the site's own Authentication-Results (authserv_id) report a
     dkim pass for one of the senders (asn_bsre_authres_dkim_pass());
   - dkim+authres: either.  Authentication-Results are an opt-in for
     sites whose MTA already verifies DKIM and strips forged results: a
     mail that one check trusts is trusted.
   A DKIM verdict of unverified that leaves the mail untrusted marks it
   unverified (to be checked again).  Where DKIM decides, a mail that was
   not verified (headers->dkim NOT_CHECKED) is not trusted.
   A trusted mail must also be addressed to the mailbox's owner (To, or
   the envelope recipient when there is no To): one that is not was
   replayed into another mailbox and is recorded as replayed, which moves
   nothing. */

struct asn_bsre_mail {
	enum asn_bsre_event event;	/* ASN_BSRE_NONE: not a BSrE mail */
	bool trusted;
	bool replayed;			/* trusted, but addressed to someone else:
					   then trusted is false */
	bool unverified;		/* not trusted for now: the DKIM check met a
					   temporary failure (DNS) */
	char trusted_by[16];		/* "dkim", "authres"; "legacy" in the store
					   for events trusted before DKIM; "" */
	/* Why, in a word: "pass" (DKIM), "authres_pass", the DKIM reason
	   (asn-bsre-dkim.h: "body_changed", "dns_timeout", ...),
	   "not_checked", "no_authres_pass", "sender_not_trusted",
	   "lookalike_tag", "addressed_to_other". */
	char trust_reason[32];
	/* An unverified mail's DKIM facts (asn_bsre_dkim_verify_facts()),
	   owned: asn_bsre_mail_clear() frees them; NULL otherwise. */
	char *dkim_facts;
	bool has_certificate;
	char subject[512];		/* decoded, whitespace collapsed */
	char sender[256];		/* From addr-spec */
	char sender_domain[256];
	char message_key[200];		/* Message-ID, or "sha256:HEX" of the headers */
	time_t date;			/* Date header, 0 when missing or bad */
	struct asn_bsre_certificate certificate;
};

/* The trust decision as the settings give it (asn_bsre_subjects,
   asn_bsre_senders, asn_bsre_authserv_id, asn_bsre_trust), for the delivery plugin and
   asnctl scan alike.  The trust points into it: keep it while in use. */
struct asn_settings;
struct asn_bsre_trust_config {
	struct asn_bsre_trust trust;
	struct asn_bsre_pattern *patterns;
	struct asn_strv senders;
};
/* -1 when asn_bsre_subjects or asn_bsre_trust cannot be parsed: err says
   why, and the trust is still usable, with the built-in subject patterns
   and the dkim mode. */
int asn_bsre_trust_config_init(struct asn_bsre_trust_config *cfg, const struct asn_settings *set,
			       struct asn_error *err);
void asn_bsre_trust_config_free(struct asn_bsre_trust_config *cfg);

/* Whether a candidate's DKIM signature is worth checking: the mode uses
   DKIM and the subject is no look-alike (never trusted anyway).  For the
   callers that hold the raw mail (the delivery plugin, asn_bsre_analyze()). */
bool asn_bsre_wants_dkim(const struct asn_bsre_trust *trust, const char *subject);

/* The headers of one mail, decoded by the caller's MIME parser. */
struct asn_bsre_headers {
	const char *subject;		/* RFC 2047 decoded, unfolded */
	const char *from;		/* addr-spec of the first From mailbox, or NULL */
	const char *message_id;		/* with or without <>, or NULL */
	time_t date;			/* Date header, 0 when missing or bad */
	const char *const *authres;	/* Authentication-Results values, topmost first */
	size_t authres_count;
	const char *const *to;		/* addr-specs of the To header */
	size_t to_count;		/* 0: no To (or no address in it) */
	const char *envelope_to;	/* the envelope recipient, or NULL */
	const char *owner;		/* the mailbox's user; NULL: not checked */
	/* asn_bsre_dkim_verify() of the raw mail; NOT_CHECKED: not done */
	enum asn_bsre_dkim_verdict dkim;
	const char *dkim_reason;	/* its reason, NULL when not checked */
};

/* Subject first: for an ordinary mail only out->event (NONE) and
   out->subject are set and nothing else is looked at.  For a candidate:
   sender, message key (the Message-ID without <>, or "sha256:HEX" of
   subject, sender and date when it has none, so that the stored copy and
   a redelivery give the same key), and the trust verdict. */
void asn_bsre_mail_from_headers(const struct asn_bsre_headers *headers,
				const struct asn_bsre_trust *trust, struct asn_bsre_mail *out);
/* Frees what the mail owns (dkim_facts); the rest stays. */
void asn_bsre_mail_clear(struct asn_bsre_mail *mail);
/* Whether the body text is worth decoding (certificate facts). */
bool asn_bsre_mail_wants_body(const struct asn_bsre_mail *mail);
/* The decoded body text (text/plain, or HTML reduced to text). */
void asn_bsre_mail_add_text(struct asn_bsre_mail *mail, const char *text);

/* HTML reduced to text: tags dropped (block tags become newlines), script
   and style content dropped, common entities decoded.  Caller frees. */
char *asn_html_to_text(const char *html, size_t size);

/* Subject patterns from a setting: "EVENT:substring|substring; ..." in
   match order, e.g. "account_activation:aktivasi akun|aktifasi;
   account_info:informasi akun".  *patterns_r is one allocation
   (free()), ended by a NULL substring. */
int asn_bsre_patterns_parse(const char *spec, struct asn_bsre_pattern **patterns_r,
			    struct asn_error *err);
/* The built-in table in that syntax: the default of the setting. */
extern const char asn_bsre_default_patterns_spec[];

#endif
