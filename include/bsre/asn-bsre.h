#ifndef ASN_BSRE_H
#define ASN_BSRE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "asn-util.h"

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
};

/* Stable identifiers used in output: "account_activation", ... */
const char *asn_bsre_event_name(enum asn_bsre_event event);
int asn_bsre_event_parse(const char *name, enum asn_bsre_event *event_r);

/* Whitespace collapsed and trimmed (folded headers arrive unfolded but
   with runs of spaces and tabs).  Caller frees. */
char *asn_bsre_subject_normalize(const char *subject);

/* Only subjects that start with the tag "[BSrE]" (any case) are
   candidates: "Fwd: [BSrE] ..." or a tag elsewhere is not. */
bool asn_bsre_is_candidate(const char *normalized_subject);

/* The event type of a candidate subject.  Patterns are matched
   case-insensitively as substrings of the subject after the tag, in table
   order; NULL uses the built-in table. */
struct asn_bsre_pattern {
	enum asn_bsre_event event;
	const char *substring;
};
extern const struct asn_bsre_pattern asn_bsre_default_patterns[];
enum asn_bsre_event asn_bsre_classify_subject(const struct asn_bsre_pattern *patterns,
					      const char *normalized_subject);

/* Trust of the sender domain: equal to one of the trusted domains or a
   subdomain of it at a dot boundary ("mail.bssn.go.id" is trusted for
   "bssn.go.id"; "bssn-go.id" and "evilbssn.go.id" are not).  Case
   insensitive; trusted is a NULL-terminated list. */
bool asn_bsre_domain_trusted(const char *domain, const char *const *trusted);

/* The domain of the first address of a From header value ("BSrE
   <info.bsre@bssn.go.id>"), lowercased into out; false if none. */
bool asn_bsre_from_domain(const char *from, char *out, size_t size);

/* Authentication-Results (RFC 8601): true when the header's authserv-id is
   exactly authserv_id and it reports dkim=pass for a trusted domain
   (header.d=, or header.i= with that domain).  Headers from another
   authserv-id prove nothing and are ignored. */
bool asn_bsre_authres_dkim_pass(const char *header_value, const char *authserv_id,
				const char *const *trusted);

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

/* What decides trust, and the subject patterns (NULL: built-in). */
struct asn_bsre_trust {
	const struct asn_bsre_pattern *patterns;
	const char *const *senders;	/* trusted sender domains */
	const char *authserv_id;	/* NULL/"": From domain alone decides */
};

struct asn_bsre_mail {
	enum asn_bsre_event event;	/* ASN_BSRE_NONE: not a BSrE mail */
	bool trusted;
	bool has_certificate;
	char subject[512];		/* decoded, whitespace collapsed */
	char sender[256];		/* From addr-spec */
	char sender_domain[256];
	char message_key[200];		/* Message-ID, or "sha256:HEX" of the headers */
	time_t date;			/* Date header, 0 when missing or bad */
	struct asn_bsre_certificate certificate;
};

/* The trust decision as the settings give it (asn_bsre_subjects,
   asn_bsre_senders, asn_bsre_authserv_id), for the delivery plugin and
   asnctl scan alike.  The trust points into it: keep it while in use. */
struct asn_settings;
struct asn_bsre_trust_config {
	struct asn_bsre_trust trust;
	struct asn_bsre_pattern *patterns;
	struct asn_strv senders;
};
/* -1 when asn_bsre_subjects cannot be parsed: err says why, and the trust
   is still usable, with the built-in subject patterns. */
int asn_bsre_trust_config_init(struct asn_bsre_trust_config *cfg, const struct asn_settings *set,
			       struct asn_error *err);
void asn_bsre_trust_config_free(struct asn_bsre_trust_config *cfg);

/* The headers of one mail, decoded by the caller's MIME parser. */
struct asn_bsre_headers {
	const char *subject;		/* RFC 2047 decoded, unfolded */
	const char *from;		/* addr-spec of the first From mailbox, or NULL */
	const char *message_id;		/* with or without <>, or NULL */
	time_t date;			/* Date header, 0 when missing or bad */
	const char *const *authres;	/* Authentication-Results values */
	size_t authres_count;
};

/* Subject first: for an ordinary mail only out->event (NONE) and
   out->subject are set and nothing else is looked at.  For a candidate:
   sender, message key (the Message-ID without <>, or "sha256:HEX" of
   subject, sender and date when it has none, so that the stored copy and
   a redelivery give the same key), and the trust verdict. */
void asn_bsre_mail_from_headers(const struct asn_bsre_headers *headers,
				const struct asn_bsre_trust *trust, struct asn_bsre_mail *out);
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
