/* The texts of asnctl notify, in Bahasa Indonesia: the notices to ASN and
   the verifiers' digest.  Whole messages, as the default-password notice
   (asn-notice.h) is, with its headers. */
#include "asn-notify.h"
#include "asn-notice.h"
#include "asn-verifier.h"

#include <stdlib.h>
#include <string.h>

/* At most this many people per section of a digest: the portal has the
   rest (a first digest of an admin could list a whole province). */
#define DIGEST_SECTION_MAX 50

/* A value from the store put in a line of text: control characters (a
   stray CR/LF would end the line or the headers) become spaces. */
static void append_clean(struct asn_str *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		asn_str_append_c(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void append_date(struct asn_str *out, time_t t)
{
	char buf[128];

	asn_str_append(out, asn_notice_date_id(t, buf, sizeof(buf)));
}

static void append_greeting(struct asn_str *out, const char *name, const char *email)
{
	asn_str_append(out, "Yth. Bapak/Ibu ");
	append_clean(out, name != NULL && name[0] != '\0' ? name : email);
	asn_str_append(out, ",\r\n\r\n");
}

/* Who to ask: the OPD's verifiers with their profile, or the mail admin. */
static void append_verifiers(struct asn_str *out, const struct asn_notify_person *person,
			     const struct asn_verifier *verifiers, size_t count)
{
	unsigned int named = 0;

	for (size_t i = 0; i < count; i++) {
		const struct asn_verifier *v = &verifiers[i];

		/* an admin sees every OPD but is nobody's OPD verifier */
		if (v->all_opd || !asn_verifier_sees_opd(v, person->opd))
			continue;
		if (named++ == 0) {
			asn_str_append(out, "Verifikator instansi Anda (");
			append_clean(out, person->opd);
			asn_str_append(out, "):\r\n");
		}
		asn_str_append(out, "  - ");
		append_clean(out, v->name[0] != '\0' ? v->name : v->email);
		if (v->phone[0] != '\0') {
			asn_str_append(out, ", telepon ");
			append_clean(out, v->phone);
		}
		asn_str_append(out, ", email ");
		append_clean(out, v->email);
		asn_str_append(out, "\r\n");
	}
	if (named == 0) {
		asn_str_append(out, "Instansi Anda");
		if (person->opd != NULL && person->opd[0] != '\0') {
			asn_str_append(out, " (");
			append_clean(out, person->opd);
			asn_str_append(out, ")");
		}
		asn_str_append(out, " belum memiliki verifikator terdaftar: hubungi admin\r\n"
			       "email dinas.\r\n");
	}
	asn_str_append(out, "\r\n");
}

static void append_body(struct asn_str *out, const struct asn_notify_person *person,
			const struct asn_notify_due *due, const struct asn_settings *set,
			time_t date)
{
	switch (due->condition) {
	case ASN_NOTIFY_ACTIVATION_EXPIRED:
		asn_str_append(out, "Email aktivasi akun BSrE (sertifikat elektronik) masuk ke alamat\r\n"
			       "ini pada ");
		append_date(out, due->event_at);
		asn_str_append(out, ",\r\ntetapi akun belum diaktifkan dan tautan aktivasinya "
			"sudah kedaluwarsa.\r\n\r\n"
			"Yang perlu Anda lakukan:\r\n"
			"  1. Jangan memakai lagi tautan di email aktivasi yang lama.\r\n"
			"  2. Hubungi verifikator instansi Anda dan minta email aktivasi\r\n"
			"     dikirim ulang dari portal BSrE.\r\n"
			"  3. Setelah email aktivasi yang baru masuk, segera buka tautannya\r\n"
			"     sebelum kedaluwarsa.\r\n\r\n");
		break;
	case ASN_NOTIFY_PASSPHRASE_NOT_SET:
		asn_str_append(out, "Email \"Set Passphrase\" dari BSrE masuk ke alamat ini pada\r\n");
		append_date(out, due->event_at);
		asn_str_append(out, ",\r\ntetapi sertifikat elektronik Anda belum terbit.\r\n\r\n"
			"Yang perlu Anda lakukan:\r\n"
			"  1. Buka email \"Set Passphrase\" dari BSrE di INBOX dan atur\r\n"
			"     passphrase Anda.\r\n"
			"  2. Jika tautannya sudah kedaluwarsa, hubungi verifikator instansi\r\n"
			"     Anda agar email Set Passphrase dikirim ulang.\r\n"
			"  3. Simpan passphrase dengan baik: admin dan verifikator tidak dapat\r\n"
			"     mengetahui atau memulihkannya.\r\n\r\n");
		break;
	case ASN_NOTIFY_CERTIFICATE_EXPIRING:
		asn_str_append(out, "Sertifikat elektronik Anda berlaku sampai\r\n");
		append_date(out, due->deadline);
		asn_str_append(out, ".\r\n"
			"Setelah itu Anda tidak dapat lagi menandatangani dokumen secara\r\n"
			"elektronik sampai sertifikat diperpanjang.\r\n\r\n"
			"Yang perlu Anda lakukan:\r\n"
			"  1. Hubungi verifikator instansi Anda untuk mengajukan perpanjangan\r\n"
			"     sertifikat sebelum tanggal tersebut.\r\n"
			"  2. Ikuti petunjuk di email dari BSrE yang akan masuk ke alamat ini.\r\n\r\n");
		break;
	case ASN_NOTIFY_DEFAULT_PASSWORD:
		asn_str_append(out, "Akun email dinas Anda (");
		append_clean(out, person->email);
		asn_str_append(out, ")\r\nmasih memakai kata sandi bawaan sejak ");
		append_date(out, due->event_at);
		asn_str_append(out, ".\r\nEmail dari BSrE untuk sertifikat elektronik dikirim ke alamat ini:\r\n"
			"akun ini perlu dapat Anda pakai.\r\n\r\n");
		if (due->deadline != 0 && due->deadline <= date) {
			asn_str_append(out, "Kata sandi bawaan sudah tidak berlaku sejak\r\n");
			append_date(out, due->deadline);
			asn_str_append(out, ".\r\n"
				"Yang perlu Anda lakukan: hubungi verifikator instansi Anda untuk\r\n"
				"reset kata sandi, lalu segera ganti kata sandi bawaan yang baru.\r\n\r\n");
			break;
		}
		asn_str_append(out, "Yang perlu Anda lakukan:\r\n  1. Masuk ke ");
		if (set->webmail_url[0] != '\0') {
			asn_str_append(out, "webmail (");
			append_clean(out, set->webmail_url);
			asn_str_append(out, ")");
		} else {
			asn_str_append(out, "webmail");
		}
		asn_str_append(out, " dengan kata sandi bawaan.\r\n"
			"  2. Buka menu Pengaturan > Kata Sandi dan ganti kata sandi.\r\n");
		if (due->deadline != 0) {
			asn_str_append(out, "  3. Lakukan sebelum ");
			append_date(out, due->deadline);
			asn_str_append(out, ":\r\n     setelah itu kata sandi bawaan tidak berlaku lagi.\r\n");
		}
		asn_str_append(out, "\r\n");
		break;
	case ASN_NOTIFY_CONDITION_COUNT:
		break;
	}
}

char *asn_notify_format_notice(const struct asn_notify_person *person,
			       const struct asn_notify_due *due,
			       const struct asn_verifier *verifiers, size_t verifier_count,
			       const struct asn_settings *set, time_t date)
{
	struct asn_str msg = { 0 };
	char *message_id;

	/* the same occurrence always has the same Message-ID */
	message_id = asn_xasprintf("asn-notify.%s.%s.%s", asn_notify_condition_name(due->condition),
				   due->occurrence, person->email);
	asn_notice_append_headers(&msg, person->email, set->domain,
				  asn_notify_subject(due->condition), message_id, date, set);
	free(message_id);
	append_greeting(&msg, person->name, person->email);
	append_body(&msg, person, due, set, date);
	append_verifiers(&msg, person, verifiers, verifier_count);
	asn_str_append(&msg, "Email ini dikirim otomatis oleh sistem dan tidak perlu dibalas.\r\n");
	asn_str_c(&msg);
	return msg.data;
}

/* the digest */

const char *asn_notify_digest_subject(void)
{
	return "Ringkasan harian sertifikat elektronik (BSrE) instansi Anda";
}

static const char *const change_heading[ASN_NOTIFY_CHANGE_KIND_COUNT] = {
	[ASN_NOTIFY_NEWLY_STUCK] = "Baru tersendat",
	[ASN_NOTIFY_NEWLY_ISSUED] = "Sertifikat baru terbit",
	[ASN_NOTIFY_NEWLY_EXPIRING] = "Sertifikat segera habis masa berlakunya",
};

/* Why a person is stuck, in a few words. */
static const char *condition_words(enum asn_notify_condition condition)
{
	switch (condition) {
	case ASN_NOTIFY_ACTIVATION_EXPIRED:
		return "tautan aktivasi kedaluwarsa, kirim ulang aktivasi";
	case ASN_NOTIFY_PASSPHRASE_NOT_SET:
		return "passphrase belum diatur, kirim ulang Set Passphrase bila perlu";
	case ASN_NOTIFY_CERTIFICATE_EXPIRING:
		return "sertifikat segera habis, ajukan perpanjangan";
	case ASN_NOTIFY_DEFAULT_PASSWORD:
		return "masih kata sandi bawaan";
	case ASN_NOTIFY_CONDITION_COUNT:
		break;
	}
	return "";
}

static void append_person(struct asn_str *out, const struct asn_notify_person *p)
{
	asn_str_append(out, "  - ");
	append_clean(out, p->name != NULL && p->name[0] != '\0' ? p->name : p->email);
	asn_str_append(out, " <");
	append_clean(out, p->email);
	asn_str_append(out, ">");
	if (p->opd != NULL && p->opd[0] != '\0') {
		asn_str_append(out, " (");
		append_clean(out, p->opd);
		asn_str_append(out, ")");
	}
}

static void append_changes(struct asn_str *out, const struct asn_notify_digest *digest,
			   const struct asn_notify_digest_person *people,
			   enum asn_notify_change_kind kind)
{
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < digest->change_count; i++)
		n += digest->changes[i].kind == kind ? 1 : 0;
	if (n == 0)
		return;
	asn_str_printfa(out, "%s (%zu):\r\n", change_heading[kind], n);
	for (size_t i = 0; i < digest->change_count && shown < DIGEST_SECTION_MAX; i++) {
		const struct asn_notify_change *c = &digest->changes[i];
		const struct asn_notify_digest_person *dp = &people[c->person];

		if (c->kind != kind)
			continue;
		shown++;
		append_person(out, dp->person);
		if (kind == ASN_NOTIFY_NEWLY_STUCK) {
			asn_str_append(out, "\r\n    ");
			asn_str_append(out, condition_words(c->condition));
		} else if (kind == ASN_NOTIFY_NEWLY_EXPIRING) {
			for (unsigned int j = 0; j < dp->assessment->due_count; j++) {
				if (dp->assessment->due[j].condition == c->condition) {
					asn_str_append(out, "\r\n    berlaku sampai ");
					append_date(out, dp->assessment->due[j].deadline);
				}
			}
		}
		asn_str_append(out, "\r\n");
	}
	if (shown < n)
		asn_str_printfa(out, "  ... dan %zu lainnya (lihat portal verifikator)\r\n",
				n - shown);
	asn_str_append(out, "\r\n");
}

char *asn_notify_format_digest(const struct asn_verifier *verifier,
			       const struct asn_notify_digest *digest,
			       const struct asn_notify_digest_person *people,
			       const struct asn_settings *set, time_t since, time_t date)
{
	const struct asn_bsre_opd_counts *c = &digest->counts;
	struct asn_str msg = { 0 };
	char *message_id;

	message_id = asn_xasprintf("asn-digest.%lld.%s", (long long)date, verifier->email);
	asn_notice_append_headers(&msg, verifier->email, set->domain, asn_notify_digest_subject(),
				  message_id, date, set);
	free(message_id);
	append_greeting(&msg, verifier->name, verifier->email);
	if (since != 0) {
		asn_str_append(&msg, "Perubahan di instansi Anda sejak ringkasan terakhir (");
		append_date(&msg, since);
		asn_str_append(&msg, "):\r\n\r\n");
	} else {
		asn_str_append(&msg, "Ringkasan pertama: semua yang saat ini perlu perhatian di\r\n"
			       "instansi Anda.\r\n\r\n");
	}
	for (unsigned int k = 0; k < ASN_NOTIFY_CHANGE_KIND_COUNT; k++)
		append_changes(&msg, digest, people, (enum asn_notify_change_kind)k);
	if (verifier->all_opd) {
		asn_str_append(&msg, "Angka saat ini (semua OPD):\r\n");
	} else {
		asn_str_append(&msg, "Angka saat ini (");
		for (size_t i = 0; i < verifier->opds.count; i++) {
			asn_str_append(&msg, i > 0 ? ", " : "");
			append_clean(&msg, verifier->opds.items[i]);
		}
		asn_str_append(&msg, "):\r\n");
	}
	asn_str_printfa(&msg,
		"  Pengguna: %u\r\n"
		"  Sertifikat terbit: %u\r\n"
		"  Perlu dibantu: %u\r\n"
		"  Sertifikat segera habis: %u\r\n"
		"  Masih kata sandi bawaan: %u\r\n\r\n",
		c->users, c->stages[ASN_BSRE_STAGE_CERTIFICATE_ISSUED], c->flagged,
		c->diagnoses[ASN_BSRE_DIAG_CERTIFICATE_EXPIRING],
		c->diagnoses[ASN_BSRE_DIAG_DEFAULT_PASSWORD_UNCHANGED]);
	if (set->portal_url[0] != '\0') {
		asn_str_append(&msg, "Rincian dan daftar lengkap di portal verifikator:\r\n  ");
		append_clean(&msg, set->portal_url);
		asn_str_append(&msg, "\r\n\r\n");
	}
	asn_str_append(&msg, "Email ini dikirim otomatis oleh sistem dan tidak perlu dibalas.\r\n");
	asn_str_c(&msg);
	return msg.data;
}
