#ifndef ASN_BSRE_AUTHRES_H
#define ASN_BSRE_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>
#include "asn-util.h"

/* Authentication-Results header fields (RFC 8601), parsed properly:
   comments "( ... )" nested, quoted strings with escapes, ';' separating
   results only outside both, so that a sender's quoted local part or
   comment cannot forge a result. */

struct asn_authres_property {
	const char *ptype;		/* "header", "smtp", "policy", ... */
	const char *property;		/* "d", "i", "mailfrom", ... */
	const char *value;		/* quoted strings unquoted */
};

struct asn_authres_result {
	const char *method;		/* "dkim" (a "/version" dropped) */
	const char *result;		/* "pass", "fail", "none", ... */
	const char *reason;		/* NULL when absent */
	const struct asn_authres_property *props;
	size_t prop_count;
};

struct asn_authres {
	const char *authserv_id;
	const char *version;		/* NULL when absent */
	const struct asn_authres_result *results;
	size_t result_count;		/* 0 for "id; none" */
	/* private: the storage the pointers above point into */
	char *buf_;
	struct asn_authres_result *results_;
	struct asn_authres_property *props_;
};

/* Parses one header value (what follows "Authentication-Results:").
   Returns 0, or -1 with err naming the offset and what was expected; the
   result is then empty and needs no free (freeing it is harmless). */
int asn_authres_parse(const char *value, struct asn_authres *ar_r, struct asn_error *err);
void asn_authres_free(struct asn_authres *ar);

/* The trust rule of the authres mode.  values: every Authentication-Results
   value of the mail in header order, topmost first.  Only the topmost one
   whose authserv-id equals ours (case-insensitively) counts: the site's
   MTA adds its header on top (RFC 8601 section 5), anything below it was
   there before and may be the sender's.  It counts when it parses and one
   of its dkim results is "pass" with a header.d in trusted (header.i is
   never looked at: its domain is the signer's claim, not the signing
   domain). */
bool asn_bsre_authres_dkim_pass(const char *const *values, size_t count,
				const char *authserv_id, const char *const *trusted);

#endif
