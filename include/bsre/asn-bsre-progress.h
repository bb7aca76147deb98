#ifndef ASN_BSRE_PROGRESS_H
#define ASN_BSRE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "asn-bsre.h"

/* Where an ASN stands in BSrE's activation flow, from the BSrE mails
   their mailbox received, and what a verifier should do about it. */

enum asn_bsre_stage {
	ASN_BSRE_STAGE_NONE,
	ASN_BSRE_STAGE_ACTIVATION_SENT,
	ASN_BSRE_STAGE_ACCOUNT_ACTIVE,
	ASN_BSRE_STAGE_PASSPHRASE_PENDING,
	ASN_BSRE_STAGE_CERTIFICATE_ISSUED,
	ASN_BSRE_STAGE_CERTIFICATE_EXPIRED,
	ASN_BSRE_STAGE_RENEWAL_PENDING,
	ASN_BSRE_STAGE_COUNT
};

enum asn_bsre_diagnosis {
	ASN_BSRE_DIAG_DEFAULT_PASSWORD_UNCHANGED,
	ASN_BSRE_DIAG_NO_BSRE_MAIL,
	ASN_BSRE_DIAG_ACTIVATION_LINK_EXPIRED,
	ASN_BSRE_DIAG_PASSPHRASE_LINK_EXPIRED,
	ASN_BSRE_DIAG_CERTIFICATE_EXPIRING,
	ASN_BSRE_DIAG_CERTIFICATE_EXPIRED,
	ASN_BSRE_DIAG_SUSPICIOUS_BSRE_MAIL,
	ASN_BSRE_DIAG_BSRE_MAIL_UNVERIFIED,
	ASN_BSRE_DIAG_COUNT
};

struct asn_bsre_event_record {
	enum asn_bsre_event type;
	time_t received_at;
	bool trusted;
	/* not trusted for now: its DKIM check met a temporary failure (not
	   suspicious: asnctl verify checks it again) */
	bool unverified;
	/* certificate_issued: "YYYY-MM-DD", "YYYY" or "" */
	const char *valid_until;
};

struct asn_bsre_progress_settings {
	unsigned int activation_ttl;	/* asn_bsre_activation_ttl, seconds */
	unsigned int passphrase_ttl;	/* asn_bsre_passphrase_ttl */
	unsigned int expiry_warning;	/* asn_bsre_expiry_warning */
};

struct asn_bsre_progress {
	enum asn_bsre_stage stage;
	unsigned int diagnosis_count;
	enum asn_bsre_diagnosis diagnoses[ASN_BSRE_DIAG_COUNT];
	/* end of validity of the latest trusted certificate, 0 if none */
	time_t certificate_valid_until;
};

/* What a person's events say, before the clock and the account are
   looked at: the part of the progress that only a new event (or a new
   verdict on one) changes, kept by the store so that a report need not
   read every event again (asn_store_bsre_progress). */
struct asn_bsre_fold {
	enum asn_bsre_stage stage;	/* never CERTIFICATE_EXPIRED: that is the clock's */
	bool any_trusted, any_untrusted, any_unverified;
	bool active_after_activation, issued_after_passphrase;
	time_t last_activation, last_passphrase;
	time_t certificate_valid_until;	/* 0: none */
	time_t last_event;		/* the latest event's time, any trust; 0: none */
};

/* events in any order (sorted here by time); untrusted events never move
   the stage. */
void asn_bsre_progress_fold(const struct asn_bsre_event_record *events, size_t count,
			    struct asn_bsre_fold *fold_r);
/* The progress at now from a fold.  must_change: the mailbox still has
   its default password. */
void asn_bsre_progress_finish(const struct asn_bsre_fold *fold, bool must_change, time_t now,
			      const struct asn_bsre_progress_settings *set,
			      struct asn_bsre_progress *out);
/* fold, then finish */
void asn_bsre_progress_compute(const struct asn_bsre_event_record *events, size_t count,
			       bool must_change, time_t now,
			       const struct asn_bsre_progress_settings *set,
			       struct asn_bsre_progress *out);

/* "2027-04-30" -> the end of that day (UTC); "2027" -> the end of the
   year; 0 when empty or invalid. */
time_t asn_bsre_valid_until_time(const char *valid_until);

const char *asn_bsre_stage_name(enum asn_bsre_stage stage);
/* At most 7 characters, for the columns of a text table. */
const char *asn_bsre_stage_short_name(enum asn_bsre_stage stage);
int asn_bsre_stage_parse(const char *name, enum asn_bsre_stage *stage_r);
/* The word BSrE's own portal and API use for the stage, for verifiers. */
const char *asn_bsre_stage_portal_word(enum asn_bsre_stage stage);
/* The stage in Bahasa Indonesia, as the procedure says it, for people
   (pages, the HTML report); the codes stay for machines (JSON, CSV). */
const char *asn_bsre_stage_label(enum asn_bsre_stage stage);
const char *asn_bsre_diagnosis_name(enum asn_bsre_diagnosis diagnosis);
/* The diagnosis in a few words of Bahasa Indonesia (a list's cell). */
const char *asn_bsre_diagnosis_label(enum asn_bsre_diagnosis diagnosis);
int asn_bsre_diagnosis_parse(const char *name, enum asn_bsre_diagnosis *diagnosis_r);
/* What the verifier or the ASN should do, in Bahasa Indonesia. */
const char *asn_bsre_diagnosis_message(enum asn_bsre_diagnosis diagnosis);

#endif
