#ifndef ASN_VERIFIER_H
#define ASN_VERIFIER_H

#include "asn-store-verifier.h"
#include "asn-bsre-report.h"

/* What a verifier may see: the one place of the rule, for asnctl, the
   portal and its API.

   A verifier sees a person only when the person's OPD is one they serve,
   or when they are an admin (all_opd).  A person outside their scope does
   not exist for them: the answer, the error and the queries run are those
   for an address that no account has, so that the existence of an address
   in another OPD does not leak. */

/* True when the verifier sees people of this OPD.  An empty OPD (a
   mailbox without an account, or an account without an OPD) is seen only
   by admins. */
bool asn_verifier_sees_opd(const struct asn_verifier *verifier, const char *opd);

/* Looks USER (an address or a NIP) up as the verifier, and records the
   lookup in person_lookups (the store must be writable), found or not:
   an unaudited read is never returned.  Returns 1 with the account,
   0 when there is none for this verifier (absent or out of scope, the
   same), -1 on error (nothing returned). */
int asn_verifier_find_user(struct asn_store *store, const struct asn_verifier *verifier,
			   const char *user, enum asn_lookup_via via,
			   struct asn_account *account_r, struct asn_error *err);

/* The OPDs in the verifier's scope, sorted: theirs, or for an admin
   every OPD that has accounts (*all_r true: also people without one).
   Appends to opds_r. */
int asn_verifier_scope_opds(struct asn_store *store, const struct asn_verifier *verifier,
			    struct asn_strv *opds_r, bool *all_r, struct asn_error *err);

/* The progress report as the verifier may see it: FILTER, and only the
   people of their OPDs (everyone for an admin). */
int asn_verifier_progress_report(struct asn_store *store, const struct asn_settings *set,
				 const struct asn_verifier *verifier,
				 const struct asn_bsre_progress_filter *filter, time_t now,
				 struct asn_bsre_progress_report *report_r, struct asn_error *err);

/* A person's status (timeline, certificate, diagnosis) as the verifier
   may see it, the lookup audited as asn_verifier_find_user's; for an admin
   also a mailbox with BSrE mail but no account here (by address).  Returns 1
   with *status_r (asn_bsre_status_free), 0 when there is no such person
   for this verifier, -1 on error. */
int asn_verifier_status_load(struct asn_store *store, const struct asn_settings *set,
			     const struct asn_verifier *verifier, const char *user,
			     enum asn_lookup_via via, time_t now,
			     struct asn_bsre_status *status_r, struct asn_error *err);

#endif
