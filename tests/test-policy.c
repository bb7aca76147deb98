/* The one password policy: classes, context words, dictionary, history. */
#include "tap.h"
#include "asn-policy.h"

static const struct {
	const char *password;
	enum asn_policy_code want;
} cases[] = {
	{ "Kt4#mPq9!zRw2x", ASN_POLICY_OK },
	{ "Sh0rt#1a", ASN_POLICY_TOO_SHORT },
	{ "kt4#mpq9!zrw2x", ASN_POLICY_CLASSES },		/* no upper */
	{ "Kt4mPq9zRw2xAb", ASN_POLICY_CLASSES },		/* no special */
	{ "SitiRahma#2024x", ASN_POLICY_CONTAINS_NAME },
	{ "Xq#9rahmaVz2Lp", ASN_POLICY_CONTAINS_NAME },
	{ "R4hm4#Kq9zVwL2", ASN_POLICY_CONTAINS_NAME },	/* leet: r4hm4 */
	{ "Kq#9z198503Vw", ASN_POLICY_CONTAINS_NIP },		/* 6 digits of the NIP */
	{ "Kq#9z12031985Vw", ASN_POLICY_CONTAINS_NIP },		/* birth date DDMMYYYY */
	{ "Kq#9z120385Vw", ASN_POLICY_CONTAINS_NIP },		/* birth date DDMMYY */
	{ "Kq#9zJatimprovVw2", ASN_POLICY_CONTAINS_EMAIL },	/* domain label */
	{ "Kq#9zSiti.Rahma2", ASN_POLICY_CONTAINS_NAME },
	{ "Password#2024Ab", ASN_POLICY_DICTIONARY },
	{ "P@ssw0rd#Kq9Zx", ASN_POLICY_DICTIONARY },
	{ "Merdeka#1945Ab", ASN_POLICY_DICTIONARY },
	{ "Xq#9Bismillah7", ASN_POLICY_DICTIONARY },
	{ "Aaaaaaaa#9753b", ASN_POLICY_SIMPLE },
	{ "Kq#9mnopqrVw2", ASN_POLICY_SIMPLE },
	{ "Kt4#mPq9!z\tRw2x", ASN_POLICY_INVALID_CHARS },
	{ "Kt4#mPq9!z\xe9Rw2x", ASN_POLICY_NOT_UTF8 },	/* Latin-1 e-acute */
	{ "Kt4#mPq9!zRw2x\xc3", ASN_POLICY_NOT_UTF8 },	/* a cut sequence */
	{ "Kt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2x"
	  "Kt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2xKt4#mPq9!zRw2x", ASN_POLICY_TOO_LONG },
};

int main(void)
{
	struct asn_settings set;
	struct asn_policy policy;
	struct asn_error err = { .msg = "" };
	struct asn_policy_context ctx = {
		.email = "siti.rahma@jatimprov.go.id",
		.name = "Dr. Siti Rahma, S.Kom",
		.nip = "198503122010012003",
	};
	char hash_default[ASN_PASSWORD_HASH_MAX], hash_old[ASN_PASSWORD_HASH_MAX], msg[256];

	asn_password_lib_init(&err);
	asn_settings_init(&set);
	/* Cheap hashes: the history check cost is not what is tested. */
	asn_settings_set(&set, "asn_argon2_memlimit", "1M", &err);
	asn_settings_set(&set, "asn_argon2_opslimit", "1", &err);
	tap_ok(asn_policy_init(&policy, &set, &err) == 0, "policy init (%s)", err.msg);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = asn_policy_check(&policy, cases[i].password, &ctx, &err);

		if (!tap_ok(ret == (int)cases[i].want, "'%.20s' -> %s", cases[i].password,
			    asn_policy_code_name(cases[i].want)))
			printf("#   got %d (%s) %s\n", ret, ret >= 0 ? asn_policy_code_name(ret) : "",
			       ret < 0 ? err.msg : "");
	}

	/* History: the default password, then an older one. */
	asn_password_hash(&set, "Dflt#Pw9xKq2Vz", hash_default, &err);
	asn_password_hash(&set, "Old#Pw9xKq2Vzw", hash_old, &err);
	{
		const char *previous[] = { hash_default, hash_old, NULL };
		struct asn_policy_context hctx = ctx;

		hctx.previous_hashes = previous;
		hctx.current_is_default = true;
		tap_ok(asn_policy_check(&policy, "Dflt#Pw9xKq2Vz", &hctx, &err) ==
		       ASN_POLICY_SAME_AS_DEFAULT, "reusing the default password refused");
		tap_ok(asn_policy_check(&policy, "Old#Pw9xKq2Vzw", &hctx, &err) == ASN_POLICY_REUSED,
		       "an earlier password refused");
		tap_ok(asn_policy_check(&policy, "New#Pw9xKq2Vzw", &hctx, &err) == ASN_POLICY_OK,
		       "a new password accepted");
		hctx.current_is_default = false;
		tap_ok(asn_policy_check(&policy, "Dflt#Pw9xKq2Vz", &hctx, &err) ==
		       ASN_POLICY_SAME_AS_CURRENT, "reusing the current password refused");
	}

	/* Configured length. */
	asn_policy_deinit(&policy);
	asn_settings_set(&set, "asn_password_min_length", "16", &err);
	asn_settings_set(&set, "asn_default_password_length", "16", &err);
	asn_policy_init(&policy, &set, &err);
	tap_ok(asn_policy_check(&policy, "Kt4#mPq9!zRw2x", &ctx, &err) == ASN_POLICY_TOO_SHORT,
	       "asn_password_min_length = 16 refuses 14 characters");
	tap_contains(asn_policy_message(ASN_POLICY_TOO_SHORT, "id", &set, msg, sizeof(msg)),
		     "minimal 16 karakter", "message in Bahasa Indonesia names the minimum");
	tap_contains(asn_policy_message(ASN_POLICY_TOO_SHORT, "en", &set, msg, sizeof(msg)),
		     "at least 16", "English message for admins");
	/* The refusal states the classes the setting asks for. */
	asn_settings_set(&set, "asn_password_min_classes", "3", &err);
	tap_contains(asn_policy_message(ASN_POLICY_CLASSES, "id", &set, msg, sizeof(msg)),
		     "sedikitnya tiga dari empat", "asn_password_min_classes = 3: the message says three");
	asn_settings_set(&set, "asn_password_min_classes", "4", &err);

	/* Generated passwords: test-policy-generate.c (every rule but
	   cracklib's dictionary, which they skip). */

	for (int code = ASN_POLICY_OK; code <= ASN_POLICY_NOT_UTF8; code++) {
		asn_policy_message(code, "id", &set, msg, sizeof(msg));
		tap_ok(strlen(msg) > 10 &&
		       (code == ASN_POLICY_OK) == (strcmp(asn_policy_code_name(code), "ok") == 0),
		       "code %s has its own name and a message", asn_policy_code_name(code));
	}
	asn_policy_deinit(&policy);
	asn_settings_free(&set);
	return tap_done();
}
