/* Stages and diagnoses of the BSrE activation flow. */
#include "asn-bsre-progress.h"

#include <stdlib.h>
#include <string.h>

/* The one table of the stages: every name of a stage comes from here. */
static const struct {
	const char *name;
	const char *short_name;	/* a column heading of asnctl progress */
	const char *portal;	/* BSrE's status word (esign API v2) */
	const char *label;	/* for verifiers, in the procedure's words */
} stage_info[ASN_BSRE_STAGE_COUNT] = {
	[ASN_BSRE_STAGE_NONE] = { "none", "none", "NOT_REGISTERED",
		"Belum ada email BSrE" },
	[ASN_BSRE_STAGE_ACTIVATION_SENT] = { "activation_sent", "sent", "WAITING_FOR_VERIFICATION",
		"Email Aktivasi Akun terkirim, menunggu aktivasi" },
	[ASN_BSRE_STAGE_ACCOUNT_ACTIVE] = { "account_active", "active", "NO_CERTIFICATE",
		"Akun aktif, sertifikat belum terbit" },
	[ASN_BSRE_STAGE_PASSPHRASE_PENDING] = { "passphrase_pending", "passphr", "NEW",
		"Menunggu pengaturan passphrase" },
	[ASN_BSRE_STAGE_CERTIFICATE_ISSUED] = { "certificate_issued", "issued", "ISSUE",
		"Sertifikat elektronik terbit" },
	[ASN_BSRE_STAGE_CERTIFICATE_EXPIRED] = { "certificate_expired", "expired", "EXPIRED",
		"Sertifikat kedaluwarsa" },
	[ASN_BSRE_STAGE_RENEWAL_PENDING] = { "renewal_pending", "renewal", "RENEW",
		"Perpanjangan sertifikat diproses" },
};

static const struct {
	const char *name;
	const char *label;	/* a few words, for a list's cell */
	const char *message;
} diagnosis_info[] = {
	[ASN_BSRE_DIAG_DEFAULT_PASSWORD_UNCHANGED] = { "default_password_unchanged", "Masih kata sandi bawaan",
		"Email dinas masih memakai kata sandi bawaan: ASN perlu mengganti kata sandi "
		"melalui webmail sebelum proses BSrE." },
	[ASN_BSRE_DIAG_NO_BSRE_MAIL] = { "no_bsre_mail", "Belum ada email BSrE",
		"Belum ada email dari BSrE: verifikator memeriksa pendaftaran di portal BSrE "
		"dan alamat email yang didaftarkan, lalu mengirim ulang aktivasi." },
	[ASN_BSRE_DIAG_ACTIVATION_LINK_EXPIRED] = { "activation_link_expired", "Tautan aktivasi kedaluwarsa",
		"Tautan aktivasi akun sudah kedaluwarsa dan akun belum aktif: verifikator "
		"mengirim ulang email aktivasi dari portal BSrE." },
	[ASN_BSRE_DIAG_PASSPHRASE_LINK_EXPIRED] = { "passphrase_link_expired", "Tautan passphrase kedaluwarsa",
		"Tautan pengaturan passphrase sudah kedaluwarsa dan sertifikat belum terbit: "
		"verifikator mengirim ulang email Set Passphrase." },
	[ASN_BSRE_DIAG_CERTIFICATE_EXPIRING] = { "certificate_expiring", "Sertifikat segera berakhir",
		"Sertifikat elektronik akan segera habis masa berlakunya: ASN mengajukan "
		"perpanjangan sertifikat." },
	[ASN_BSRE_DIAG_CERTIFICATE_EXPIRED] = { "certificate_expired", "Sertifikat kedaluwarsa",
		"Sertifikat elektronik sudah habis masa berlakunya: ASN mengajukan perpanjangan "
		"atau penerbitan ulang melalui verifikator." },
	[ASN_BSRE_DIAG_SUSPICIOUS_BSRE_MAIL] = { "suspicious_bsre_mail", "Email BSrE mencurigakan",
		"Ada email mengatasnamakan BSrE dari pengirim yang tidak terverifikasi: "
		"ingatkan ASN agar tidak membuka tautannya (kemungkinan phishing)." },
	[ASN_BSRE_DIAG_BSRE_MAIL_UNVERIFIED] = { "bsre_mail_unverified", "Email BSrE belum terverifikasi",
		"Ada email BSrE yang tanda tangan DKIM-nya belum dapat diperiksa (gangguan DNS): "
		"status menunggu pemeriksaan ulang oleh administrator (asnctl verify)." },
};

const char *asn_bsre_stage_name(enum asn_bsre_stage stage)
{
	return (size_t)stage < ASN_N_ELEMENTS(stage_info) ? stage_info[stage].name : "?";
}

const char *asn_bsre_stage_label(enum asn_bsre_stage stage)
{
	return (size_t)stage < ASN_N_ELEMENTS(stage_info) ? stage_info[stage].label : "?";
}

const char *asn_bsre_diagnosis_label(enum asn_bsre_diagnosis diagnosis)
{
	return (size_t)diagnosis < ASN_N_ELEMENTS(diagnosis_info) ?
		diagnosis_info[diagnosis].label : "?";
}

const char *asn_bsre_stage_short_name(enum asn_bsre_stage stage)
{
	return (size_t)stage < ASN_N_ELEMENTS(stage_info) ? stage_info[stage].short_name : "?";
}

const char *asn_bsre_stage_portal_word(enum asn_bsre_stage stage)
{
	return (size_t)stage < ASN_N_ELEMENTS(stage_info) ? stage_info[stage].portal : "?";
}

int asn_bsre_stage_parse(const char *name, enum asn_bsre_stage *stage_r)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(stage_info); i++) {
		if (strcmp(stage_info[i].name, name) == 0) {
			*stage_r = (enum asn_bsre_stage)i;
			return 0;
		}
	}
	return -1;
}

const char *asn_bsre_diagnosis_name(enum asn_bsre_diagnosis diagnosis)
{
	return (size_t)diagnosis < ASN_N_ELEMENTS(diagnosis_info) ?
		diagnosis_info[diagnosis].name : "?";
}

int asn_bsre_diagnosis_parse(const char *name, enum asn_bsre_diagnosis *diagnosis_r)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(diagnosis_info); i++) {
		if (strcmp(diagnosis_info[i].name, name) == 0) {
			*diagnosis_r = (enum asn_bsre_diagnosis)i;
			return 0;
		}
	}
	return -1;
}

const char *asn_bsre_diagnosis_message(enum asn_bsre_diagnosis diagnosis)
{
	return (size_t)diagnosis < ASN_N_ELEMENTS(diagnosis_info) ?
		diagnosis_info[diagnosis].message : "?";
}

time_t asn_bsre_valid_until_time(const char *valid_until)
{
	struct tm tm;
	int y, m = 12, d = 31;

	if (valid_until == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (strlen(valid_until) == 10 && sscanf(valid_until, "%4d-%2d-%2d", &y, &m, &d) == 3) {
		/* as written */
	} else if (strlen(valid_until) == 4 && sscanf(valid_until, "%4d", &y) == 1) {
		/* a year alone: valid through its end */
	} else {
		return 0;
	}
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	return timegm(&tm);
}

static int compare_events(const void *a, const void *b)
{
	const struct asn_bsre_event_record *ea = a, *eb = b;

	return ea->received_at < eb->received_at ? -1 : ea->received_at > eb->received_at ? 1 : 0;
}

static void add_diagnosis(struct asn_bsre_progress *out, enum asn_bsre_diagnosis d)
{
	if (out->diagnosis_count < ASN_BSRE_DIAG_COUNT)
		out->diagnoses[out->diagnosis_count++] = d;
}

void asn_bsre_progress_fold(const struct asn_bsre_event_record *events, size_t count,
			    struct asn_bsre_fold *fold_r)
{
	struct asn_bsre_event_record *sorted;
	struct asn_bsre_fold *f = fold_r;

	memset(f, 0, sizeof(*f));
	sorted = asn_xcalloc(count + 1, sizeof(*sorted));
	if (count > 0)
		memcpy(sorted, events, count * sizeof(*sorted));
	qsort(sorted, count, sizeof(*sorted), compare_events);

	for (size_t i = 0; i < count; i++) {
		const struct asn_bsre_event_record *e = &sorted[i];

		if (e->received_at > f->last_event)
			f->last_event = e->received_at;
		if (!e->trusted) {
			if (e->unverified)
				f->any_unverified = true;
			else
				f->any_untrusted = true;
			continue;
		}
		f->any_trusted = true;
		switch (e->type) {
		case ASN_BSRE_ACCOUNT_ACTIVATION:
			f->stage = ASN_BSRE_STAGE_ACTIVATION_SENT;
			f->last_activation = e->received_at;
			f->active_after_activation = false;
			break;
		case ASN_BSRE_ACCOUNT_INFO:
			f->stage = ASN_BSRE_STAGE_ACCOUNT_ACTIVE;
			f->active_after_activation = true;
			break;
		case ASN_BSRE_SET_PASSPHRASE:
			f->stage = ASN_BSRE_STAGE_PASSPHRASE_PENDING;
			f->last_passphrase = e->received_at;
			f->issued_after_passphrase = false;
			f->active_after_activation = true;
			break;
		case ASN_BSRE_ISSUANCE_SUCCEEDED:
			/* requested; the certificate mail follows */
			if (f->stage < ASN_BSRE_STAGE_PASSPHRASE_PENDING)
				f->stage = ASN_BSRE_STAGE_PASSPHRASE_PENDING;
			f->issued_after_passphrase = true;
			f->active_after_activation = true;
			break;
		case ASN_BSRE_CERTIFICATE_ISSUED:
			f->stage = ASN_BSRE_STAGE_CERTIFICATE_ISSUED;
			f->certificate_valid_until = asn_bsre_valid_until_time(e->valid_until);
			f->issued_after_passphrase = true;
			f->active_after_activation = true;
			break;
		case ASN_BSRE_RENEWAL:
			f->stage = ASN_BSRE_STAGE_RENEWAL_PENDING;
			break;
		case ASN_BSRE_PASSWORD_RESET:
		case ASN_BSRE_OTHER:
		case ASN_BSRE_SUSPICIOUS:
		case ASN_BSRE_NONE:
			break;
		}
	}
	free(sorted);
}

void asn_bsre_progress_finish(const struct asn_bsre_fold *f, bool must_change, time_t now,
			      const struct asn_bsre_progress_settings *set,
			      struct asn_bsre_progress *out)
{
	memset(out, 0, sizeof(*out));
	out->stage = f->stage;
	/* only a certificate mail sets it, and a later one of any other
	   kind keeps it (as the stage it came with moves on) */
	out->certificate_valid_until = f->certificate_valid_until;
	if (out->stage == ASN_BSRE_STAGE_CERTIFICATE_ISSUED && out->certificate_valid_until != 0 &&
	    out->certificate_valid_until < now)
		out->stage = ASN_BSRE_STAGE_CERTIFICATE_EXPIRED;

	if (must_change)
		add_diagnosis(out, ASN_BSRE_DIAG_DEFAULT_PASSWORD_UNCHANGED);
	if (!f->any_trusted)
		add_diagnosis(out, ASN_BSRE_DIAG_NO_BSRE_MAIL);
	if (out->stage == ASN_BSRE_STAGE_ACTIVATION_SENT && !f->active_after_activation &&
	    f->last_activation + (time_t)set->activation_ttl < now)
		add_diagnosis(out, ASN_BSRE_DIAG_ACTIVATION_LINK_EXPIRED);
	if (out->stage == ASN_BSRE_STAGE_PASSPHRASE_PENDING && !f->issued_after_passphrase &&
	    f->last_passphrase != 0 && f->last_passphrase + (time_t)set->passphrase_ttl < now)
		add_diagnosis(out, ASN_BSRE_DIAG_PASSPHRASE_LINK_EXPIRED);
	if (out->stage == ASN_BSRE_STAGE_CERTIFICATE_ISSUED && out->certificate_valid_until != 0 &&
	    out->certificate_valid_until - (time_t)set->expiry_warning < now)
		add_diagnosis(out, ASN_BSRE_DIAG_CERTIFICATE_EXPIRING);
	if (out->stage == ASN_BSRE_STAGE_CERTIFICATE_EXPIRED)
		add_diagnosis(out, ASN_BSRE_DIAG_CERTIFICATE_EXPIRED);
	if (f->any_untrusted)
		add_diagnosis(out, ASN_BSRE_DIAG_SUSPICIOUS_BSRE_MAIL);
	if (f->any_unverified)
		add_diagnosis(out, ASN_BSRE_DIAG_BSRE_MAIL_UNVERIFIED);
}

void asn_bsre_progress_compute(const struct asn_bsre_event_record *events, size_t count,
			       bool must_change, time_t now,
			       const struct asn_bsre_progress_settings *set,
			       struct asn_bsre_progress *out)
{
	struct asn_bsre_fold fold;

	asn_bsre_progress_fold(events, count, &fold);
	asn_bsre_progress_finish(&fold, must_change, now, set, out);
}
