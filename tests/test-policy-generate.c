/* Generated passwords skip cracklib's dictionary (policy.c says why: a
   random draw is not made from a word, and the lookup cost an import of
   250,000 rows more than a minute); chosen passwords still get it.
   cracklib's FascistCheck, which libpwquality calls, is replaced here by
   one that counts its calls and asks the real one: this executable's
   definition comes first in the dynamic linker's lookup. */
#include "tap.h"
#include "asn-policy.h"

#include <dlfcn.h>
#include <string.h>

const char *FascistCheck(const char *password, const char *path);

static unsigned int lookups;
static bool cracklib_accepts;	/* answer "not a word" without asking it */

const char *FascistCheck(const char *password, const char *path)
{
	const char *(*real)(const char *, const char *);
	void *sym = dlsym(RTLD_NEXT, "FascistCheck");

	lookups++;
	if (cracklib_accepts)
		return NULL;
	if (sym == NULL)
		return "test: cracklib's FascistCheck not found";
	memcpy(&real, &sym, sizeof(real));
	return real(password, path);
}

int main(void)
{
	const struct asn_policy_context ctx = {
		.email = "siti.rahma@jatimprov.go.id",
		.name = "Dr. Siti Rahma, S.Kom",
		.nip = "198503122010012003",
	};
	struct asn_settings set;
	struct asn_policy policy;
	struct asn_error err = { .msg = "" };
	char generated[ASN_PASSWORD_MAX + 1];
	bool all_ok = true;
	int ret;

	asn_password_lib_init(&err);
	asn_settings_init(&set);
	if (!tap_ok(asn_policy_init(&policy, &set, &err) == 0, "policy init (%s)", err.msg))
		return tap_done();

	/* The counter sees the lookups: else the check below proves nothing. */
	lookups = 0;
	ret = asn_policy_check(&policy, "Kt4#mPq9!zRw2x", &ctx, &err);
	tap_ok(ret == ASN_POLICY_OK && lookups == 1,
	       "a chosen password is looked up in the dictionary (%u lookups)", lookups);
	ret = asn_policy_check(&policy, "Butterfly#12", &ctx, &err);
	tap_ok(ret == ASN_POLICY_DICTIONARY && lookups == 2,
	       "a chosen password made from a word is refused by the dictionary");

	lookups = 0;
	for (int i = 0; i < 200; i++) {
		if (asn_policy_generate(&policy, &ctx, generated, &err) < 0)
			all_ok = false;
	}
	tap_ok(all_ok, "200 passwords generated %s", all_ok ? "" : err.msg);
	tap_ok(lookups == 0, "generating them made no dictionary lookup (%u)", lookups);

	/* Every other rule holds for them: the full check accepts each one
	   once cracklib's answer is left out, and reaches cracklib (its last
	   step) for each.  (cracklib itself refuses 1 to 4 random passwords
	   in 10,000, for its "too simplistic/systematic" rule.)  At the
	   configured length, for a context they could collide with. */
	asn_policy_deinit(&policy);
	asn_settings_set(&set, "asn_password_min_length", "16", &err);
	asn_settings_set(&set, "asn_default_password_length", "16", &err);
	asn_policy_init(&policy, &set, &err);
	all_ok = true;
	cracklib_accepts = true;
	lookups = 0;
	for (int i = 0; i < 300; i++) {
		if (asn_policy_generate(&policy, &ctx, generated, &err) < 0 ||
		    strlen(generated) != 16 ||
		    asn_policy_check(&policy, generated, &ctx, &err) != ASN_POLICY_OK)
			all_ok = false;
	}
	tap_ok(all_ok && lookups == 300,
	       "300 generated passwords of 16 characters pass every rule but the dictionary");

	asn_secure_zero(generated, sizeof(generated));
	asn_policy_deinit(&policy);
	asn_settings_free(&set);
	return tap_done();
}
