/* The one rule for "the default password has expired"
   (asn_account_default_expired), which asnctl show/list and every change
   path share. */
#include "tap.h"
#include "asn-change.h"

#define NOW ((time_t)1800000000)

static const struct {
	const char *name;
	bool must_change;
	time_t expires_at;
	bool expired;
} cases[] = {
	{ "default password, expiry passed", true, NOW - 1, true },
	{ "default password, expiry is now", true, NOW, true },
	{ "default password, expiry to come", true, NOW + 1, false },
	{ "default password, no expiry set", true, 0, false },
	{ "changed password, old expiry passed", false, NOW - 1, false },
	{ "changed password, no expiry", false, 0, false },
};

int main(void)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_account account = {
			.must_change = cases[i].must_change,
			.initial_password_expires_at = cases[i].expires_at,
		};

		tap_ok(asn_account_default_expired(&account, NOW) == cases[i].expired,
		       "%s: %s", cases[i].name, cases[i].expired ? "expired" : "not expired");
	}
	return tap_done();
}
