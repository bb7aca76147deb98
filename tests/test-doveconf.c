/* doveconf's output as the tools read it: both Dovecot lines, the
   plugins' checks, and a clear error for what doveconf never prints. */
#include "tap.h"
#include "asn-doveconf.h"

#include <string.h>

static int parse(struct asn_settings *set, const char *section, const char *text,
		 struct asn_error *err)
{
	return asn_doveconf_parse(set, "doveconf", section, text, strlen(text), err);
}

/* `doveconf plugin` on 2.3 */
static void test_23(void)
{
	struct asn_settings set;
	struct asn_error err;

	tap_ok(parse(&set, ASN_DOVECONF_SECTION_23,
		     "plugin {\n"
		     "  asn_alert = Ganti  sandi: \"x\" # bukan komentar {\n"
		     "  asn_bsre_authserv_id = mx.jatimprov.go.id\n"
		     "  asn_db = /srv/asn.db\n"
		     "  asn_domain = \n"
		     "  asn_must_change = yes\n"
		     "  asn_password_min_length = 14\n"
		     "  sieve = file:~/sieve;active=~/.dovecot.sieve\n"
		     "}\n", &err) == 0,
	       "2.3: the plugin {} block read");
	tap_is_str(set.db, "/srv/asn.db", "2.3: asn_db");
	tap_is_str(set.bsre_authserv_id, "mx.jatimprov.go.id", "2.3: asn_bsre_authserv_id");
	tap_is_str(set.domain, "", "2.3: an empty value ('NAME = ') is empty");
	tap_is_str(set.alert, "Ganti  sandi: \"x\" # bukan komentar {",
		   "2.3: a value is verbatim to the end of the line");
	tap_ok(set.password_min_length == 14, "2.3: a number");
	tap_is_str(set.bsre_senders, "bssn.go.id", "2.3: what is not printed keeps its default");
	asn_settings_free(&set);

	tap_ok(parse(&set, ASN_DOVECONF_SECTION_23, "", &err) == 0,
	       "2.3: no plugin {} block at all: the defaults");
	tap_is_str(set.db, ASN_DEFAULT_DB, "2.3: default asn_db");
	asn_settings_free(&set);

	tap_ok(parse(&set, ASN_DOVECONF_SECTION_23,
		     "asn_db = /top.db\nprotocol lmtp {\n  plugin {\n    asn_db = /lmtp.db\n  }\n}\n"
		     "plugin {\n  asn_db = /plugin.db\n}\n", &err) == 0,
	       "2.3: a filter's plugin {} and top-level lines");
	tap_is_str(set.db, "/plugin.db", "2.3: only the top-level plugin {} block counts");
	asn_settings_free(&set);
}

/* `doveconf -n` on 2.4 */
static void test_24(void)
{
	struct asn_settings set;
	struct asn_error err;

	tap_ok(parse(&set, ASN_DOVECONF_SECTION_24,
		     "# 2.4.1-4 (7d8c0e5759): /etc/dovecot/dovecot.conf\n"
		     "# Pigeonhole version 2.4.1-4 (0a86619f)\n"
		     "dovecot_config_version = 2.4.1\n"
		     "asn_alert = x {\n"
		     "asn_bsre_senders = bssn.go.id bsre.id\n"
		     "asn_db = /srv/asn.db\n"
		     "asn_domain =\n"
		     "mail_plugins {\n  asn = yes\n}\n"
		     "protocol lmtp {\n  asn_domain = lmtp.example\n"
		     "  mail_plugins {\n    asn_bsre = yes\n  }\n}\n"
		     "passdb asn-refuse {\n  driver = sql\n}\n"
		     "asn_bsre_body_max = 1M", &err) == 0,
	       "2.4: top-level settings read (no newline at the end)");
	tap_is_str(set.bsre_senders, "bssn.go.id bsre.id", "2.4: asn_bsre_senders");
	tap_ok(set.bsre_body_max == 1024 * 1024, "2.4: a size after the blocks");
	tap_is_str(set.domain, "", "2.4: 'NAME =' is empty, a filter's value is not used");
	tap_is_str(set.alert, "x {", "2.4: a value ending in '{' is a value");
	asn_settings_free(&set);
}

static void test_errors(void)
{
	static const struct {
		const char *section, *text, *error;
	} cases[] = {
		{ ASN_DOVECONF_SECTION_23, "plugin {\n  asn_db = /x\n",
		  "doveconf: ends inside a block (1 not closed)" },
		{ ASN_DOVECONF_SECTION_24, "asn_db = /x\n}\n", "doveconf:2: '}' closes no block" },
		{ ASN_DOVECONF_SECTION_24, "asn_db=/x\n",
		  "doveconf:1: expected 'NAME = VALUE', 'NAME {' or '}'" },
		{ ASN_DOVECONF_SECTION_24, "asn_domain =x\n", "doveconf:1: expected" },
		{ ASN_DOVECONF_SECTION_24, "doveconf: Fatal: Unknown setting: asn_db\n",
		  "doveconf:1: expected" },
		{ ASN_DOVECONF_SECTION_24, "asn_db = /a\nasn_db = /b\n",
		  "doveconf:2: asn_db given twice" },
		{ ASN_DOVECONF_SECTION_24, "asn_password_min_length = 200\n",
		  "doveconf: asn_password_min_length: '200' is out of range (8-128)" },
		{ ASN_DOVECONF_SECTION_24, "asn_notice = maybe\n",
		  "doveconf: asn_notice: 'maybe' is not yes or no" },
		{ ASN_DOVECONF_SECTION_23, "plugin {\n  asn_db = relative.db\n}\n",
		  "doveconf: asn_db 'relative.db' must be an absolute path" },
		{ ASN_DOVECONF_SECTION_24, "asn_restrict = all\n",
		  "doveconf: asn_restrict: 'all' is not inbox or none" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct asn_settings set;
		struct asn_error err = { .msg = "" };

		tap_ok(parse(&set, cases[i].section, cases[i].text, &err) < 0 && set.db == NULL,
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
	test_23();
	test_24();
	test_errors();
	return tap_done();
}
