/* The password policy in words, from the settings: the notice's list and
   the classes sentence of the refusal messages. */
#include "asn-policy-wording.h"

#include <string.h>

#define CLASS_KINDS 4

static const char *const id_counts[CLASS_KINDS + 1] = {
	"nol", "satu", "dua", "tiga", "empat"
};

/* More classes than there are is what the setting's range refuses. */
static unsigned int min_classes(const struct asn_settings *set)
{
	return set->password_min_classes > CLASS_KINDS ? CLASS_KINDS : set->password_min_classes;
}

const char *asn_policy_wording_classes(const struct asn_settings *set, const char *lang,
				       char *buf, size_t size)
{
	unsigned int n = min_classes(set);
	bool en = lang != NULL && strcmp(lang, "en") == 0;

	if (n >= CLASS_KINDS && en) {
		snprintf(buf, size, "The password must contain upper case, lower case, "
			 "a digit and a special character.");
	} else if (n >= CLASS_KINDS) {
		snprintf(buf, size, "Kata sandi harus memuat huruf besar, huruf kecil, angka, "
			 "dan karakter khusus (misalnya ! # %% * ?).");
	} else if (en) {
		snprintf(buf, size, "The password must contain at least %u of: upper case, "
			 "lower case, a digit, a special character.", n);
	} else {
		snprintf(buf, size, "Kata sandi harus memuat sedikitnya %s dari empat jenis "
			 "karakter: huruf besar, huruf kecil, angka, dan karakter khusus "
			 "(misalnya ! # %% * ?).", id_counts[n]);
	}
	return buf;
}

void asn_policy_wording(const struct asn_settings *set, struct asn_str *out)
{
	unsigned int n = min_classes(set);

	asn_str_printfa(out, "  - minimal %u karakter;\r\n", set->password_min_length);
	/* one class is any password at all: no rule to state */
	if (n >= CLASS_KINDS) {
		asn_str_append(out, "  - memuat huruf besar, huruf kecil, angka, dan karakter khusus\r\n"
			       "    (misalnya ! # % * ?);\r\n");
	} else if (n > 1) {
		asn_str_printfa(out, "  - memuat sedikitnya %s dari empat jenis karakter: huruf besar,\r\n"
				"    huruf kecil, angka, dan karakter khusus (misalnya ! # %% * ?);\r\n",
				id_counts[n]);
	}
	/* the context checks are always on */
	asn_str_append(out, "  - tidak memuat nama, NIP, tanggal lahir, atau alamat email Anda;\r\n");
	/* The current (default) password is always refused; earlier ones
	   only with a history. */
	if (set->password_dictcheck)
		asn_str_append(out, "  - bukan kata umum seperti \"password\" atau \"rahasia\", dan bukan\r\n    ");
	else
		asn_str_append(out, "  - bukan ");
	asn_str_append(out, set->password_history > 0 ?
		       "kata sandi yang pernah Anda pakai.\r\n" : "kata sandi bawaan.\r\n");
}
