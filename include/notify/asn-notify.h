#ifndef ASN_NOTIFY_H
#define ASN_NOTIFY_H

#include "asn-bsre-report.h"
#include "asn-store-verifier.h"

/* asnctl notify, its core: which notices are due to whom (decided from the
   same progress computation as the verifiers' reports), and their texts.
   Nothing here needs Dovecot or the store: the tool gathers the people and
   delivers; what was sent is remembered in the store (asn-store-notice.h). */

/* What an ASN is told about, once per occurrence. */
enum asn_notify_condition {
	ASN_NOTIFY_ACTIVATION_EXPIRED,	/* activation link expired, nothing since */
	ASN_NOTIFY_PASSPHRASE_NOT_SET,	/* Set Passphrase N days ago, no certificate */
	ASN_NOTIFY_CERTIFICATE_EXPIRING, /* within asn_bsre_expiry_warning */
	ASN_NOTIFY_DEFAULT_PASSWORD,	/* still the default password N days after */
	ASN_NOTIFY_CONDITION_COUNT
};

/* "activation_expired", "passphrase_not_set", "certificate_expiring",
   "default_password": the names in notices_sent and on the tool's lines. */
const char *asn_notify_condition_name(enum asn_notify_condition condition);
/* The Subject of the notice, in Bahasa Indonesia. */
const char *asn_notify_subject(enum asn_notify_condition condition);

struct asn_notify_settings {
	struct asn_bsre_progress_settings progress;
	unsigned int passphrase_after;		/* asn_notify_passphrase_after */
	unsigned int default_password_after;	/* asn_notify_default_password_after */
};
void asn_notify_settings_from(const struct asn_settings *set, struct asn_notify_settings *out);

/* One ASN with an account, as the tool gathers them. */
struct asn_notify_person {
	const char *email, *name, *opd;
	bool must_change;
	time_t password_set_at;
	time_t password_expires_at;	/* of the default password; 0: none */
	const struct asn_bsre_event_record *events;
	size_t event_count;
};

struct asn_notify_due {
	enum asn_notify_condition condition;
	/* What tells this occurrence from the next one: the time of the mail
	   (or password) that started it, so a new Set Passphrase mail, a new
	   certificate or a new default password is a new occurrence. */
	char occurrence[24];
	time_t event_at;	/* that mail's (or password's) time */
	time_t since;		/* when the condition became due */
	time_t deadline;	/* certificate: end of validity; password: its expiry; else 0 */
};

struct asn_notify_assessment {
	struct asn_notify_due due[ASN_NOTIFY_CONDITION_COUNT];
	unsigned int due_count;
	time_t issued_at;	/* the certificate mail the stage stands on, 0 when none */
};

/* What is due for the person at `now`.  A condition is due strictly after
   its threshold, as the diagnoses of asn-bsre-progress.h are. */
void asn_notify_assess(const struct asn_notify_person *person,
		       const struct asn_notify_settings *set, time_t now,
		       struct asn_notify_assessment *out);

/* The notice for one due condition: a whole message (headers and body,
   CRLF), Bahasa Indonesia, naming the OPD's verifiers (an admin of every
   OPD is nobody's OPD verifier); none: the mail admin.  No link but
   asn_webmail_url, no password.  Caller frees. */
char *asn_notify_format_notice(const struct asn_notify_person *person,
			       const struct asn_notify_due *due,
			       const struct asn_verifier *verifiers, size_t verifier_count,
			       const struct asn_settings *set, time_t date);

/* The daily digest. */

enum asn_notify_change_kind {
	ASN_NOTIFY_NEWLY_STUCK,		/* activation, passphrase, default password */
	ASN_NOTIFY_NEWLY_ISSUED,	/* a certificate mail came */
	ASN_NOTIFY_NEWLY_EXPIRING,	/* entered asn_bsre_expiry_warning */
	ASN_NOTIFY_CHANGE_KIND_COUNT
};

struct asn_notify_digest_person {
	const struct asn_notify_person *person;
	const struct asn_notify_assessment *assessment;
};

struct asn_notify_change {
	enum asn_notify_change_kind kind;
	size_t person;				/* index in the people given */
	enum asn_notify_condition condition;	/* NEWLY_STUCK's */
	time_t at;
};

struct asn_notify_digest {
	struct asn_notify_change *changes;	/* by kind, then time */
	size_t change_count;
	/* the progress counts summed over the verifier's OPDs: asnctl
	   progress --opd X for each, or its TOTAL for an admin */
	struct asn_bsre_opd_counts counts;
	unsigned int opd_count;
};

/* What changed in (since, now] for the people the verifier sees
   (asn_verifier_sees_opd), and the counts of the report's OPDs they see.
   since 0: never told, everything now in force counts as new. */
void asn_notify_digest_build(const struct asn_verifier *verifier,
			     const struct asn_notify_digest_person *people, size_t count,
			     const struct asn_bsre_progress_report *report,
			     time_t since, time_t now, struct asn_notify_digest *digest_r);
void asn_notify_digest_free(struct asn_notify_digest *digest);
/* The digest's Subject and whole message (asn_portal_url linked when
   set).  Caller frees. */
const char *asn_notify_digest_subject(void);
char *asn_notify_format_digest(const struct asn_verifier *verifier,
			       const struct asn_notify_digest *digest,
			       const struct asn_notify_digest_person *people,
			       const struct asn_settings *set, time_t since, time_t date);

#endif
