#ifndef ASN_BSRE_REPORT_H
#define ASN_BSRE_REPORT_H

#include "asn-bsre-progress.h"
#include "asn-store.h"
#include "asn-store-case.h"
#include "asn-util.h"

/* What verifiers see: one user's timeline and diagnosis (status), and the
   counts per OPD with the list of stuck users (progress).  Shared by
   asnctl and the doveadm plugin so that both say the same. */

struct asn_bsre_status_event {
	enum asn_bsre_event type;
	time_t received_at;
	bool trusted;
	bool replayed;			/* trusted mail addressed to someone else */
	bool unverified;		/* DKIM not yet judged: asnctl verify */
	char *trusted_by, *trust_reason;
	char *subject, *sender, *source;
	bool has_certificate;
	char *serial, *common_name, *organization, *valid_until;
};

struct asn_bsre_status {
	char *email;
	bool provisioned, must_change, disabled;
	char *name, *nip, *opd;
	struct asn_bsre_status_event *events;
	size_t event_count;
	/* the latest trusted certificate_issued event with facts, or NULL */
	const struct asn_bsre_status_event *certificate;
	struct asn_bsre_progress progress;
	/* the verifiers' cases (asn-case.h), oldest first; none without an
	   account.  Their notes are free text about the person: whoever
	   shows a status to a verifier has applied the scope rule first. */
	struct asn_cases cases;
	unsigned int open_cases;
};

void asn_bsre_progress_settings_from(const struct asn_settings *set,
				     struct asn_bsre_progress_settings *out);

/* USER: an email address or a NIP.  Returns 1 when the user has an
   account or events, 0 when neither, -1 on error. */
int asn_bsre_status_load(struct asn_store *store, const struct asn_settings *set,
			 const char *user, time_t now, struct asn_bsre_status *status_r,
			 struct asn_error *err);
void asn_bsre_status_free(struct asn_bsre_status *status);
/* The word for an event's trust: "trusted", "untrusted", "unverified",
   "replayed". */
const char *asn_bsre_status_event_trust(const struct asn_bsre_status_event *event);
/* The same in Bahasa Indonesia, for people. */
const char *asn_bsre_status_event_trust_label(const struct asn_bsre_status_event *event);
/* {"email", "stage", "portal_status", "events": [...], "certificate": {...}
   or null, "diagnosis": [{"code", "message"}], "cases": [{"id", "kind",
   "action" (null: none), "note", "at", "by", "open", "resolved_at",
   "resolved_by"}]}: codes, for machines; the labels are asn-case.h's. */
void asn_bsre_status_json(const struct asn_bsre_status *status, struct asn_str *out);
/* One case as the status's "cases" give it. */
void asn_bsre_case_json(const struct asn_case *c, struct asn_str *out);

struct asn_bsre_opd_counts {
	char *opd;
	unsigned int users;
	unsigned int stages[ASN_BSRE_STAGE_COUNT];
	unsigned int diagnoses[ASN_BSRE_DIAG_COUNT];
	unsigned int flagged;		/* users with any diagnosis */
	/* of those: with an open verifier case ("sedang ditangani"), and
	   without ("belum ditangani") */
	unsigned int handled, unhandled;
};

struct asn_bsre_flagged_user {
	char *email, *opd, *name, *nip;
	enum asn_bsre_stage stage;
	unsigned int diagnosis_mask;	/* 1 << enum asn_bsre_diagnosis */
	time_t since;			/* latest event, or account creation */
	bool handled;			/* has an open verifier case */
};

struct asn_bsre_progress_filter {
	const char *opd;		/* NULL: all */
	bool has_stage, has_diagnosis;
	enum asn_bsre_stage stage;
	enum asn_bsre_diagnosis diagnosis;
	/* The reader's scope: a user is left out, counts included, unless
	   this says yes to their OPD ("" for no account).  NULL: everyone.
	   (asn_verifier_progress_report sets it: the rule lives there.) */
	bool (*opd_visible)(const char *opd, const void *context);
	const void *opd_visible_context;
	/* Only users whose address, name or NIP contains this, ignoring
	   ASCII case (NULL or "": all). */
	const char *search;
};

struct asn_bsre_progress_report {
	struct asn_bsre_opd_counts *opds;
	size_t opd_count;
	struct asn_bsre_opd_counts total;
	/* users with a diagnosis, oldest first */
	struct asn_bsre_flagged_user *flagged;
	size_t flagged_count;
};

int asn_bsre_progress_report_build(struct asn_store *store, const struct asn_settings *set,
				   const struct asn_bsre_progress_filter *filter, time_t now,
				   struct asn_bsre_progress_report *report_r,
				   struct asn_error *err);
void asn_bsre_progress_report_free(struct asn_bsre_progress_report *report);
/* The code of a flagged user's handling: "handled" (an open case) or
   "unhandled"; the words for people: "sedang ditangani", "belum
   ditangani". */
const char *asn_bsre_handling_name(bool handled);
const char *asn_bsre_handling_label(bool handled);
void asn_bsre_progress_report_json(const struct asn_bsre_progress_report *report,
				   struct asn_str *out);
/* HTML for people (bsre-report-html.c), in Bahasa Indonesia: the stage and
   diagnosis words of the procedure, never the codes.  TITLE is escaped.
   One OPD's (or the total's) section: the facts, a funnel, the stages. */
void asn_bsre_counts_html(struct asn_str *out, const struct asn_bsre_opd_counts *counts,
			  const char *title);
/* The flagged users as a table, oldest first, each diagnosis with what to
   do; PERSON_HREF (not NULL): the name links to PERSON_HREF + the address,
   URL-encoded. */
void asn_bsre_flagged_html(struct asn_str *out, const struct asn_bsre_progress_report *report,
			   const char *person_href);
/* What each diagnosis means. */
void asn_bsre_diagnosis_legend_html(struct asn_str *out);

/* The flagged users alone, one row each (what the portal's "Perlu
   tindakan" list shows): email,nip,name,opd,stage,since,diagnosis,handling,
   with the codes of stage, diagnosis and handling (machines read it). */
void asn_bsre_flagged_csv(const struct asn_bsre_progress_report *report, struct asn_str *out);
/* Two CSV tables, one after the other with a blank line: counts per OPD,
   then the flagged users (their "handling": handled or unhandled). */
void asn_bsre_progress_report_csv(const struct asn_bsre_progress_report *report,
				  struct asn_str *out);

#endif
