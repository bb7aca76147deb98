/* The words of the verifier's cases, and what a note may hold. */
#include "asn-case.h"
#include "asn-csv.h"

#include <string.h>
#include <strings.h>

/* The procedure's words (the provinces' guide for verifiers). */
const struct asn_case_word asn_case_kinds[] = {
	{ "nik_not_found", "NIK tidak ditemukan" },
	{ "nik_registered", "NIK telah terdaftar" },
	{ "nip_not_found", "NIP tidak ditemukan" },
	{ "activation_failed", "Aktivasi Gagal" },
	{ "link_not_received", "Tautan aktivasi tidak diterima" },
	{ "link_expired", "Tautan kedaluwarsa" },
	{ "passphrase_not_set", "Passphrase belum diatur" },
	{ "other", "Lainnya" },
};
const unsigned int asn_case_kinds_count = ASN_N_ELEMENTS(asn_case_kinds);

const struct asn_case_word asn_case_actions[] = {
	{ "link_resent", "Tautan dikirim ulang" },
	{ "data_sent_to_bsre", "Data dikirim ke BSrE" },
	{ "asn_called", "ASN dihubungi" },
	{ "other", "Lainnya" },
};
const unsigned int asn_case_actions_count = ASN_N_ELEMENTS(asn_case_actions);

static const struct asn_case_word *word_find(const struct asn_case_word *words,
					     unsigned int count, const char *code)
{
	for (unsigned int i = 0; code != NULL && i < count; i++) {
		if (strcmp(words[i].code, code) == 0)
			return &words[i];
	}
	return NULL;
}

const char *asn_case_kind_label(const char *code)
{
	const struct asn_case_word *w = word_find(asn_case_kinds, asn_case_kinds_count, code);

	return w != NULL ? w->label : code;
}

const char *asn_case_action_label(const char *code)
{
	const struct asn_case_word *w = word_find(asn_case_actions, asn_case_actions_count, code);

	return w != NULL ? w->label : code;
}

bool asn_case_kind_valid(const char *code)
{
	return word_find(asn_case_kinds, asn_case_kinds_count, code) != NULL;
}

bool asn_case_action_valid(const char *code)
{
	return asn_str_is_empty(code) ||
		word_find(asn_case_actions, asn_case_actions_count, code) != NULL;
}

const char *asn_case_handling_label(bool handled)
{
	return asn_bsre_handling_label(handled);
}

static void codes_text(struct asn_str *out, const struct asn_case_word *words,
		       unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		asn_str_printfa(out, "%s%s", i > 0 ? ", " : "", words[i].code);
}

static bool has_link(const char *note)
{
	/* Any case: "HTTPS://" opens in a browser as well. */
	for (const char *p = note; *p != '\0'; p++) {
		if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0)
			return true;
	}
	return false;
}

int asn_case_input_check(const struct asn_case_input *in, struct asn_error *err)
{
	const char *note = in->note != NULL ? in->note : "";
	const char *what;
	unsigned int cp;

	if (!asn_case_kind_valid(in->kind)) {
		struct asn_str codes = { NULL, 0, 0 };

		codes_text(&codes, asn_case_kinds, asn_case_kinds_count);
		asn_error_set(err, "kind '%s' is not one of: %s", in->kind != NULL ? in->kind : "",
			      asn_str_c(&codes));
		asn_str_free(&codes);
		return -1;
	}
	if (!asn_case_action_valid(in->action)) {
		struct asn_str codes = { NULL, 0, 0 };

		codes_text(&codes, asn_case_actions, asn_case_actions_count);
		asn_error_set(err, "action '%s' is not one of: %s", in->action, asn_str_c(&codes));
		asn_str_free(&codes);
		return -1;
	}
	if (strlen(note) > ASN_CASE_NOTE_MAX) {
		asn_error_set(err, "note: %zu bytes, at most %u", strlen(note), ASN_CASE_NOTE_MAX);
		return -1;
	}
	if (!asn_utf8_valid(note, strlen(note))) {
		asn_error_set(err, "note: not valid UTF-8");
		return -1;
	}
	if ((what = asn_text_hidden_char(note, &cp)) != NULL) {
		asn_error_set(err, "note: %s (U+%04X) is not allowed; write one line of plain text",
			      what, cp);
		return -1;
	}
	if (has_link(note)) {
		asn_error_set(err, "note: no links (http://, https://): BSrE's links are secrets "
			      "and a note is read by others; write what was done instead");
		return -1;
	}
	if (asn_str_is_empty(note) &&
	    (strcmp(in->kind, "other") == 0 ||
	     (in->action != NULL && strcmp(in->action, "other") == 0))) {
		asn_error_set(err, "note: \"other\" (Lainnya) needs a note that says what");
		return -1;
	}
	return 0;
}
