/* NIP and phone number validation, table-driven. */
#include "tap.h"
#include "asn-nip.h"
#include "asn-phone.h"

#include <time.h>

/* 2026-11-22 00:00:00 UTC */
#define TODAY ((time_t)1795305600)

static const struct {
	const char *input;
	const char *digits;	/* NULL: must fail */
	const char *error;	/* substring of the message when failing */
} nip_cases[] = {
	{ "198503122010011003", "198503122010011003", NULL },
	{ "19850312 201001 1 003", "198503122010011003", NULL },
	{ "'198503122010011003", "198503122010011003", NULL },
	{ "  19850312-201001-1-003 ", "198503122010011003", NULL },
	{ "200002292024012001", "200002292024012001", NULL },	/* 29 Feb in a leap year */
	{ "", NULL, "empty" },
	{ "19850312201001100", NULL, "has 17 digits" },
	{ "1985031220100110031", NULL, "has 19 digits" },
	{ "19850312201001100X", NULL, "contains 'X'" },
	{ "1.98503E+17", NULL, "spreadsheet" },
	{ "198513122010011003", NULL, "birth date 19851312" },
	{ "198502302010011003", NULL, "birth date 19850230" },
	{ "190002292010011003", NULL, "birth date 19000229" },	/* 1900 is no leap year */
	{ "203001012050011003", NULL, "in the future" },
	{ "198503122010131003", NULL, "TMT CPNS 201013" },
	{ "198503122010001003", NULL, "TMT CPNS 201000" },
	{ "198503121980011003", NULL, "not after the birth date" },
	{ "198503121985031003", NULL, "not after the birth date" },
	{ "198503122030011003", NULL, "more than a year in the future" },
	{ "198503122010013003", NULL, "gender digit (digit 15) is 3" },
	{ "198503122010010003", NULL, "gender digit (digit 15) is 0" },
	{ "198503122010011000", NULL, "serial number (digits 16-18) is 000" },
};

static const struct {
	const char *input;
	const char *want;	/* NULL: must fail */
} phone_cases[] = {
	{ "081234567890", "+6281234567890" },
	{ "0812-3456-7890", "+6281234567890" },
	{ "(0812) 3456 7890", "+6281234567890" },
	{ "+62 812 3456 7890", "+6281234567890" },
	{ "62812.3456.7890", "+6281234567890" },
	{ "81234567890", "+6281234567890" },	/* spreadsheet ate the 0 */
	{ "'081234567890", "+6281234567890" },
	{ "021-5551234", "+62215551234" },
	{ "", "" },
	{ "   ", "" },
	{ "0812 3456 789O", NULL },		/* letter O */
	{ "+1 650 555 0100", NULL },
	{ "+62 0812 3456", NULL },
	{ "0812", NULL },
	{ "08123456789012345", NULL },
	{ "tidak ada", NULL },
	{ "1234567", NULL },
	{ "+", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(nip_cases) / sizeof(nip_cases[0]); i++) {
		struct asn_nip nip;
		struct asn_error err = { .msg = "" };
		int ret = asn_nip_parse(nip_cases[i].input, TODAY, &nip, &err);

		if (nip_cases[i].digits != NULL) {
			tap_ok(ret == 0, "nip '%s' accepted", nip_cases[i].input);
			tap_is_str(ret == 0 ? nip.digits : err.msg, nip_cases[i].digits,
				   "nip '%s' normalised", nip_cases[i].input);
		} else {
			tap_ok(ret < 0, "nip '%s' refused", nip_cases[i].input);
			tap_contains(err.msg, nip_cases[i].error, "nip '%s' reason",
				     nip_cases[i].input);
		}
	}
	{
		struct asn_nip nip;
		struct asn_error err = { .msg = "" };
		int ret = asn_nip_parse("198503122010012003", TODAY, &nip, &err);

		if (ret < 0)
			memset(&nip, 0, sizeof(nip));
		tap_ok(ret == 0 && nip.birth_year == 1985 && nip.birth_month == 3 && nip.birth_day == 12 &&
		       nip.tmt_year == 2010 && nip.tmt_month == 1 && nip.gender == 2 &&
		       nip.serial == 3, "nip parts decoded%s%s", ret < 0 ? ": " : "", err.msg);
	}
	for (size_t i = 0; i < sizeof(phone_cases) / sizeof(phone_cases[0]); i++) {
		char out[ASN_PHONE_MAX];
		struct asn_error err = { .msg = "" };
		int ret = asn_phone_normalize(phone_cases[i].input, out, &err);

		if (phone_cases[i].want != NULL)
			tap_is_str(ret == 0 ? out : err.msg, phone_cases[i].want, "phone '%s'",
				   phone_cases[i].input);
		else
			tap_ok(ret < 0 && err.msg[0] != '\0', "phone '%s' refused (%s)",
			       phone_cases[i].input, err.msg);
	}
	return tap_done();
}
