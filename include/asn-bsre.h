#ifndef ASN_BSRE_H
#define ASN_BSRE_H

#include <stdbool.h>
#include <stddef.h>
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

#endif
