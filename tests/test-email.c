/* Address derivation from names as agencies write them. */
#include "tap.h"
#include "asn-email.h"

static const struct {
	const char *name;
	const char *local;	/* NULL: must fail */
} derive_cases[] = {
	{ "Siti Rahma", "siti.rahma" },
	{ "Dr. Ir. H. Ahmad Fauzi Rahman, S.T., M.Eng.", "ahmad.rahman" },
	{ "Hj. Sri Wahyuni, S.Pd., M.Pd.", "sri.wahyuni" },
	{ "Budi Santoso, S.Kom", "budi.santoso" },
	{ "Prof. Dr. Bambang Sutrisno", "bambang.sutrisno" },
	{ "drg. Ayu Lestari", "ayu.lestari" },
	{ "Sukarno", "sukarno" },
	{ "M. Rizki Pratama", "rizki.pratama" },
	{ "Moh. Yamin", "moh.yamin" },
	{ "Ni Made Ayu Widiastuti S.E.", "made.widiastuti" },
	{ "I Made Sudarsana", "made.sudarsana" },
	{ "Dewi A.Md.Kep", "dewi" },
	{ "JOSÉ Müller", "jose.muller" },
	{ "Ma'ruf Amin", "maruf.amin" },
	{ "Nur-Aini Fadhilah", "nuraini.fadhilah" },
	{ "  Siti   Rahma  ", "siti.rahma" },
	{ "Dr. H.", NULL },
	{ "S.T., M.T.", NULL },
	{ "", NULL },
};

static const struct {
	const char *input;
	const char *want;	/* NULL: must fail */
} normalize_cases[] = {
	{ "Siti.Rahma@JatimProv.go.id", "siti.rahma@jatimprov.go.id" },
	{ " budi@kominfo.go.id ", "budi@kominfo.go.id" },
	{ "a+b@x.go.id", "a+b@x.go.id" },
	{ "siti", NULL },
	{ "siti@@x.go.id", NULL },
	{ "siti@localhost", NULL },
	{ ".siti@x.go.id", NULL },
	{ "si..ti@x.go.id", NULL },
	{ "siti.@x.go.id", NULL },
	{ "siti rahma@x.go.id", NULL },
	{ "siti@-x.go.id", NULL },
	{ "siti@x..go.id", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(derive_cases) / sizeof(derive_cases[0]); i++) {
		char out[ASN_EMAIL_LOCAL_MAX + 1];
		struct asn_error err = { .msg = "" };
		int ret = asn_email_local_from_name(derive_cases[i].name, out, &err);

		if (derive_cases[i].local != NULL)
			tap_is_str(ret == 0 ? out : err.msg, derive_cases[i].local, "derive '%s'",
				   derive_cases[i].name);
		else
			tap_ok(ret < 0 && err.msg[0] != '\0', "derive '%s' refused",
			       derive_cases[i].name);
	}
	{
		char out[ASN_EMAIL_LOCAL_MAX + 1] = "";
		struct asn_error err = { .msg = "" };
		const char *longname = "Abcdefghijabcdefghijabcdefghijabcdefghij "
			"Klmnopqrstklmnopqrstklmnopqrstklmnopqrst";

		int ret = asn_email_local_from_name(longname, out, &err);

		/* after a failure out is not read: it may hold anything */
		tap_ok(ret == 0 && strlen(out) <= 60,
		       "derive: long names fit in 60 characters (%s)",
		       ret == 0 ? out : err.msg);
	}
	for (size_t i = 0; i < sizeof(normalize_cases) / sizeof(normalize_cases[0]); i++) {
		char out[ASN_EMAIL_MAX + 1];
		struct asn_error err = { .msg = "" };
		int ret = asn_email_normalize(normalize_cases[i].input, out, &err);

		if (normalize_cases[i].want != NULL)
			tap_is_str(ret == 0 ? out : err.msg, normalize_cases[i].want,
				   "normalize '%s'", normalize_cases[i].input);
		else
			tap_ok(ret < 0, "normalize '%s' refused (%s)", normalize_cases[i].input,
			       err.msg);
	}
	return tap_done();
}
