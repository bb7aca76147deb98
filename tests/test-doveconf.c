/* doveconf's output as the tools read it: both Dovecot lines, the
   plugins' checks, and a clear error for what doveconf never prints. */
#include "tap.h"
#include "asn-doveconf.h"

#include <string.h>

static int parse(struct asn_settings *set, const char *prefix, const char *text,
		 struct asn_error *err)
{
	return asn_doveconf_parse(set, "doveconf", prefix, text, strlen(text), err);
}

static void test_both_lines(void)
{
	struct asn_settings set;
	struct asn_error err;

	tap_ok(parse(&set, ASN_DOVECONF_PREFIX_23,
		     "plugin/asn_db = /srv/asn.db\n"
		     "plugin/asn_bsre_authserv_id = mx.jatimprov.go.id\n"
		     "plugin/asn_domain = \n"
		     "plugin/asn_alert = Ganti  sandi: \"x\" # bukan komentar\n"
		     "plugin/asn_password_min_length = 14\n", &err) == 0,
	       "2.3: plugin/ names read");
	tap_is_str(set.db, "/srv/asn.db", "2.3: asn_db");
	tap_is_str(set.bsre_authserv_id, "mx.jatimprov.go.id", "2.3: asn_bsre_authserv_id");
	tap_is_str(set.domain, "", "2.3: an empty value ('NAME = ') is empty");
	tap_is_str(set.alert, "Ganti  sandi: \"x\" # bukan komentar",
		   "2.3: a value is verbatim to the end of the line");
	tap_ok(set.password_min_length == 14, "2.3: a number");
	tap_is_str(set.bsre_senders, "bssn.go.id", "2.3: what is not printed keeps its default");
	asn_settings_free(&set);

	tap_ok(parse(&set, ASN_DOVECONF_PREFIX_24,
		     "asn_db = /srv/asn.db\nasn_bsre_senders = bssn.go.id bsre.id\n"
		     "asn_domain =\nasn_bsre_body_max = 1M", &err) == 0,
	       "2.4: top-level names read (no newline at the end)");
	tap_is_str(set.bsre_senders, "bssn.go.id bsre.id", "2.4: asn_bsre_senders");
	tap_ok(set.bsre_body_max == 1024 * 1024, "2.4: a size");
	tap_is_str(set.domain, "", "2.4: 'NAME =' is empty");
	asn_settings_free(&set);

	tap_ok(parse(&set, ASN_DOVECONF_PREFIX_24, "", &err) == 0, "no output: the defaults");
	tap_is_str(set.db, ASN_DEFAULT_DB, "no output: default asn_db");
	asn_settings_free(&set);
}

static void test_errors(void)
{
	static const struct {
		const char *prefix, *text, *error;
	} cases[] = {
		{ ASN_DOVECONF_PREFIX_24, "plugin/asn_db = /x\n",
		  "doveconf:1: 'plugin/asn_db' is not a dovecot-asn setting" },
		{ ASN_DOVECONF_PREFIX_23, "asn_db = /x\n",
		  "doveconf:1: expected 'plugin/asn_NAME = VALUE'" },
		{ ASN_DOVECONF_PREFIX_24, "asn_db = /x\nplugin {\n",
		  "doveconf:2: expected 'asn_NAME = VALUE'" },
		{ ASN_DOVECONF_PREFIX_24, "asn_db=/x\n", "doveconf:1: expected" },
		{ ASN_DOVECONF_PREFIX_24, "asn_domain =x\n", "doveconf:1: expected" },
		{ ASN_DOVECONF_PREFIX_24, "\n\nmail_plugins = asn\n",
		  "doveconf:3: 'mail_plugins' is not a dovecot-asn setting" },
		{ ASN_DOVECONF_PREFIX_24, "asn_db = /a\nasn_db = /b\n",
		  "doveconf:2: asn_db given twice" },
		{ ASN_DOVECONF_PREFIX_24, "asn_password_min_length = 200\n",
		  "doveconf: asn_password_min_length: '200' is out of range (8-128)" },
		{ ASN_DOVECONF_PREFIX_24, "asn_notice = maybe\n",
		  "doveconf: asn_notice: 'maybe' is not yes or no" },
		{ ASN_DOVECONF_PREFIX_23, "plugin/asn_db = relative.db\n",
		  "doveconf: asn_db 'relative.db' must be an absolute path" },
		{ ASN_DOVECONF_PREFIX_24, "asn_restrict = all\n",
		  "doveconf: asn_restrict: 'all' is not inbox or none" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct asn_settings set;
		struct asn_error err = { .msg = "" };

		tap_ok(parse(&set, cases[i].prefix, cases[i].text, &err) < 0 && set.db == NULL,
		       "refused, nothing kept: %s", cases[i].error);
		tap_contains(err.msg, cases[i].error, "the error says where and why");
		asn_settings_free(&set);
	}
	{
		struct asn_settings set;
		struct asn_error err;

		tap_ok(asn_doveconf_parse(&set, "doveconf", "", "asn_db = /x\0\n", 13, &err) < 0,
		       "a NUL byte is refused");
		tap_contains(err.msg, "NUL byte", "and named");
	}
}

int main(void)
{
	test_both_lines();
	test_errors();
	return tap_done();
}
