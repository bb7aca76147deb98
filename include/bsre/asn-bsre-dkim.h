#ifndef ASN_BSRE_DKIM_H
#define ASN_BSRE_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include "asn-util.h"

/* A BSrE mail trusted by its own DKIM signature (RFC 6376), verified
   in-process with libopendkim, so that trust does not depend on what the
   MTA in front does with Authentication-Results headers.

   A mail is trusted when one signature:
   - verifies, with a body hash that matches the body (no l= tag: a
     signature over part of the body lets anyone append to it);
   - lists From, Subject and To in h= (To: the owner test reads it), and
     is not rsa-sha1 (RFC 8301);
   - has a d= that is one of asn_bsre_senders (a subdomain at a dot
     boundary counts: asn_bsre_domain_trusted());
   - is aligned with the From header's domain: the From domain equals d=
     or is a subdomain of it;
   and the mail has exactly one From (with one address) and at most one
   Subject, To, Cc, Date and Message-ID, no field name with white space or
   a comment before its colon, and at most 16 signatures, so that the
   header a reader sees is the one that was signed and one mail cannot
   make the check hash its body over and over.

   The verdict is one of three: trusted; untrusted (a permanent failure:
   no signature, a bad one, a changed body, the wrong domain, a key that
   is revoked or does not exist); unverified (a temporary failure: the
   DNS did not answer in time, SERVFAIL, no resolver reachable, a key not
   in asn_bsre_dkim_keys).  An unverified mail is never trusted and is
   worth checking again later. */

enum asn_bsre_dkim_verdict {
	/* The caller did not verify (no context, not a candidate). */
	ASN_BSRE_DKIM_NOT_CHECKED = 0,
	ASN_BSRE_DKIM_TRUSTED,
	ASN_BSRE_DKIM_UNTRUSTED,
	ASN_BSRE_DKIM_UNVERIFIED,
};

/* "trusted", "untrusted", "unverified", "not_checked" */
const char *asn_bsre_dkim_verdict_name(enum asn_bsre_dkim_verdict verdict);

struct asn_bsre_dkim_result {
	enum asn_bsre_dkim_verdict verdict;
	/* A short stable code (for logs, the store and tests):
	   trusted:    "pass"
	   untrusted:  "no_signature", "not_a_sender", "not_aligned",
		       "from_not_signed", "subject_not_signed", "to_not_signed",
		       "weak_algorithm", "too_many_signatures",
		       "body_partly_signed", "bad_signature", "body_changed",
		       "signature_invalid", "key_missing", "key_revoked",
		       "key_invalid", "header_duplicate", "from_unparsable",
		       "syntax"
	   unverified: "dns_timeout", "dns_error", "resolver_unreachable",
		       "key_not_in_file", "key_gone" (after the fact), "internal" */
	const char *reason;
	/* What happened, in English for the admin (no message content
	   beyond domains and selectors). */
	char message[320];
	/* d= and s= of the signature the verdict is about ("" if none). */
	char domain[256];
	char selector[128];
};

struct asn_bsre_dkim_options {
	const char *const *senders;	/* asn_bsre_senders, NULL-terminated */
	unsigned int timeout_secs;	/* asn_bsre_dkim_timeout: per mail, >= 1 */
	const char *resolver;		/* asn_bsre_dkim_resolver: "" = system */
	const char *keys_path;		/* asn_bsre_dkim_keys: "" = DNS */
};

/* The options as the settings give them (asn_bsre_dkim_timeout,
   asn_bsre_dkim_resolver, asn_bsre_dkim_keys) with the trusted senders:
   the one place the delivery plugin and asnctl read them.  The options
   point into set and senders. */
struct asn_settings;
void asn_bsre_dkim_options_from(const struct asn_settings *set, const char *const *senders,
				struct asn_bsre_dkim_options *options_r);

/* Once per process: the libopendkim handle, the resolver's addresses, the
   key file read and checked.  -1 with err naming the setting (or
   FILE:LINE of the key file) when one is invalid. */
struct asn_bsre_dkim;
int asn_bsre_dkim_init(const struct asn_bsre_dkim_options *options,
		       struct asn_bsre_dkim **ctx_r, struct asn_error *err);
void asn_bsre_dkim_deinit(struct asn_bsre_dkim **ctx);

/* Verifies one whole raw message (header and body, CRLF or LF line
   ends).  Waits at most timeout_secs for keys in all.  Returns 0 with
   *result_r filled, or -1 when the check itself failed (out of memory,
   a libopendkim error): err says why and *result_r is unverified
   ("internal").
   facts_r (may be NULL) gets, for an unverified mail only, what a later
   check needs instead of the mail (asn_bsre_dkim_verify_facts()); else
   NULL.  Caller frees. */
int asn_bsre_dkim_verify(struct asn_bsre_dkim *ctx, const void *message, size_t size,
			 struct asn_bsre_dkim_result *result_r, char **facts_r,
			 struct asn_error *err);
/* The same check after the fact (a re-check of an unverified mail,
   asnctl scan): a key that no longer exists (NXDOMAIN: rotated away since
   the mail came) leaves the mail unverified ("key_gone"), not untrusted.
   Signature expiry (x=) is still judged by today's clock: libopendkim
   has no other. */
int asn_bsre_dkim_recheck(struct asn_bsre_dkim *ctx, const void *message, size_t size,
			  struct asn_bsre_dkim_result *result_r, char **facts_r,
			  struct asn_error *err);

/* The facts of an unverified mail: its header as received and, for each
   DKIM-Signature in header order, whether the body hash it names matched
   the body (that part of DKIM needs no key, so it is settled at delivery).
   No body: the links and tokens of BSrE mail live there.  Text:
     "asn-dkim-facts 1 BITS\n" then the header, BITS one '1' (the body
   hash matched) or '0' per signature ("-" for none).  Kept while the mail
   is unverified, dropped once the verdict is final.

   The check of a stored mail from its facts, with the keys of today: the
   verdict asn_bsre_dkim_recheck() would give the whole mail now (a key
   that no longer exists leaves it unverified, key_gone: it may have been
   rotated since the delivery).  An unverified verdict leaves the
   facts as they are.  -1 as asn_bsre_dkim_verify(), and for facts that
   are not ("syntax" in the error). */
int asn_bsre_dkim_verify_facts(struct asn_bsre_dkim *ctx, const char *facts,
			       struct asn_bsre_dkim_result *result_r, struct asn_error *err);

/* The file of asn_bsre_dkim_keys (see lib/bsre/bsre-dkim-keys.c for the
   format), checked line by line: -1 with err "NAME:LINE: why" on the
   first bad line.  Exposed for the tests and the fuzz target. */
struct asn_bsre_dkim_keys;
int asn_bsre_dkim_keys_parse(const char *name, const char *data, size_t size,
			     struct asn_bsre_dkim_keys **keys_r, struct asn_error *err);
int asn_bsre_dkim_keys_read(const char *path, struct asn_bsre_dkim_keys **keys_r,
			    struct asn_error *err);
/* The record of selector._domainkey.domain (any case), or NULL. */
const char *asn_bsre_dkim_keys_find(const struct asn_bsre_dkim_keys *keys, const char *name);
size_t asn_bsre_dkim_keys_count(const struct asn_bsre_dkim_keys *keys);
void asn_bsre_dkim_keys_free(struct asn_bsre_dkim_keys **keys);

#endif
