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


/* The address book's view of the store: a fixed set of taken addresses,
   and how often it was asked. */
struct fake_store {
	const char *const *taken;
	unsigned int lookups;
};

static int fake_taken(const char *address, void *context, struct asn_error *err)
{
	struct fake_store *store = context;

	(void)err;
	store->lookups++;
	for (size_t i = 0; store->taken[i] != NULL; i++) {
		if (strcmp(store->taken[i], address) == 0)
			return 1;
	}
	return 0;
}

static void test_address_book(void)
{
	static const char *const in_store[] = {
		"siti.rahma@x.go.id", "siti.rahma3@x.go.id", NULL
	};
	static const char *const expected[] = {
		"siti.rahma2@x.go.id", "siti.rahma4@x.go.id", "siti.rahma6@x.go.id",
		"siti.rahma7@x.go.id",
	};
	struct fake_store store = { in_store, 0 };
	struct asn_address_book *book = asn_address_book_new(fake_taken, &store);
	char out[ASN_EMAIL_MAX + 1];
	struct asn_error err = { .msg = "" };
	bool all = true;
	unsigned int n = 0;

	/* An address the list gives, further down. */
	asn_address_book_reserve(book, "siti.rahma5@x.go.id");
	for (size_t i = 0; i < ASN_N_ELEMENTS(expected); i++) {
		tap_ok(asn_address_book_derive(book, "siti.rahma", "x.go.id", out, &err) == 0,
		       "derive %zu (%s)", i + 1, err.msg);
		tap_is_str(out, expected[i], "collision %zu skips the store and the list", i + 1);
	}
	tap_ok(asn_address_book_derive(book, "siti.rahma2", "x.go.id", out, &err) == 0 &&
	       strcmp(out, "siti.rahma22@x.go.id") == 0,
	       "a base that is another's suffixed address moves on (%s)", out);
	tap_ok(asn_address_book_derive(book, "budi", "y.go.id", out, &err) == 0 &&
	       strcmp(out, "budi@y.go.id") == 0, "another base starts at 1 (%s)", out);
	asn_address_book_free(&book);

	/* Linear: 3000 identical names ask the store once per address, not
	   once per earlier namesake (4.5 million lookups). */
	store.lookups = 0;
	book = asn_address_book_new(fake_taken, &store);
	for (unsigned int i = 0; i < 3000 && all; i++) {
		char want[ASN_EMAIL_MAX + 1];

		n = i + 2 + (i >= 1 ? 1 : 0);	/* 2, 4, 5, 6, ... */
		snprintf(want, sizeof(want), "siti.rahma%u@x.go.id", n);
		all = asn_address_book_derive(book, "siti.rahma", "x.go.id", out, &err) == 0 &&
			strcmp(out, want) == 0;
	}
	tap_ok(all, "3000 namesakes get siti.rahma2, 4, 5, ... %u (%s)", n, out);
	tap_ok(store.lookups <= 3000 + 2, "the store is asked %u times for 3000 rows",
	       store.lookups);
	asn_address_book_free(&book);
}

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
	test_address_book();
	return tap_done();
}
