/* Which notices are due to an ASN: the progress diagnoses, with the
   notify thresholds, and the occurrence each belongs to. */
#include "asn-notify.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *subject;
} condition_info[ASN_NOTIFY_CONDITION_COUNT] = {
	[ASN_NOTIFY_ACTIVATION_EXPIRED] = { "activation_expired",
		"Tautan aktivasi akun BSrE Anda sudah kedaluwarsa" },
	[ASN_NOTIFY_PASSPHRASE_NOT_SET] = { "passphrase_not_set",
		"Passphrase sertifikat elektronik Anda belum diatur" },
	[ASN_NOTIFY_CERTIFICATE_EXPIRING] = { "certificate_expiring",
		"Sertifikat elektronik Anda segera habis masa berlakunya" },
	[ASN_NOTIFY_DEFAULT_PASSWORD] = { "default_password",
		"Kata sandi bawaan email dinas Anda belum diganti" },
};

const char *asn_notify_condition_name(enum asn_notify_condition condition)
{
	return (size_t)condition < ASN_NOTIFY_CONDITION_COUNT ?
		condition_info[condition].name : "?";
}

const char *asn_notify_subject(enum asn_notify_condition condition)
{
	return (size_t)condition < ASN_NOTIFY_CONDITION_COUNT ?
		condition_info[condition].subject : "?";
}

void asn_notify_settings_from(const struct asn_settings *set, struct asn_notify_settings *out)
{
	asn_bsre_progress_settings_from(set, &out->progress);
	out->passphrase_after = set->notify_passphrase_after;
	out->default_password_after = set->notify_default_password_after;
}

static bool has_diagnosis(const struct asn_bsre_progress *p, enum asn_bsre_diagnosis d)
{
	for (unsigned int i = 0; i < p->diagnosis_count; i++) {
		if (p->diagnoses[i] == d)
			return true;
	}
	return false;
}

/* The latest trusted mail of a type: the one the stage stands on. */
static time_t latest_trusted(const struct asn_notify_person *person, enum asn_bsre_event type)
{
	time_t latest = 0;

	for (size_t i = 0; i < person->event_count; i++) {
		const struct asn_bsre_event_record *e = &person->events[i];

		if (e->trusted && e->type == type && e->received_at > latest)
			latest = e->received_at;
	}
	return latest;
}

static void add_due(struct asn_notify_assessment *out, enum asn_notify_condition condition,
		    time_t event_at, time_t since, time_t deadline)
{
	struct asn_notify_due *due = &out->due[out->due_count++];

	due->condition = condition;
	snprintf(due->occurrence, sizeof(due->occurrence), "%lld", (long long)event_at);
	due->event_at = event_at;
	due->since = since;
	due->deadline = deadline;
}

void asn_notify_assess(const struct asn_notify_person *person,
		       const struct asn_notify_settings *set, time_t now,
		       struct asn_notify_assessment *out)
{
	struct asn_bsre_progress_settings pset = set->progress;
	struct asn_bsre_progress progress, passphrase;
	time_t at, certificate_at;

	memset(out, 0, sizeof(*out));
	certificate_at = latest_trusted(person, ASN_BSRE_CERTIFICATE_ISSUED);
	/* The rules are the progress's own (one home); the notice's own
	   delay for the passphrase is that computation with its threshold. */
	asn_bsre_progress_compute(person->events, person->event_count, person->must_change, now,
				  &pset, &progress);
	pset.passphrase_ttl = set->passphrase_after;
	asn_bsre_progress_compute(person->events, person->event_count, person->must_change, now,
				  &pset, &passphrase);
	/* issued: the stage stands on that certificate (not a Set Passphrase
	   for another one since) */
	if (progress.stage == ASN_BSRE_STAGE_CERTIFICATE_ISSUED ||
	    progress.stage == ASN_BSRE_STAGE_CERTIFICATE_EXPIRED)
		out->issued_at = certificate_at;

	if (has_diagnosis(&progress, ASN_BSRE_DIAG_ACTIVATION_LINK_EXPIRED)) {
		at = latest_trusted(person, ASN_BSRE_ACCOUNT_ACTIVATION);
		add_due(out, ASN_NOTIFY_ACTIVATION_EXPIRED, at,
			at + (time_t)set->progress.activation_ttl, 0);
	}
	if (has_diagnosis(&passphrase, ASN_BSRE_DIAG_PASSPHRASE_LINK_EXPIRED)) {
		at = latest_trusted(person, ASN_BSRE_SET_PASSPHRASE);
		add_due(out, ASN_NOTIFY_PASSPHRASE_NOT_SET, at,
			at + (time_t)set->passphrase_after, 0);
	}
	if (has_diagnosis(&progress, ASN_BSRE_DIAG_CERTIFICATE_EXPIRING)) {
		time_t until = progress.certificate_valid_until;

		add_due(out, ASN_NOTIFY_CERTIFICATE_EXPIRING, certificate_at,
			until - (time_t)set->progress.expiry_warning, until);
	}
	if (person->must_change && person->password_set_at != 0 &&
	    person->password_set_at + (time_t)set->default_password_after < now) {
		add_due(out, ASN_NOTIFY_DEFAULT_PASSWORD, person->password_set_at,
			person->password_set_at + (time_t)set->default_password_after,
			person->password_expires_at);
	}
}
