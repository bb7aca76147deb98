/* Settings: vocabulary, units, file errors with FILE:LINE. */
#include "tap.h"
#include "asn-settings.h"

#include <stdlib.h>
#include <unistd.h>

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/asn-test-settings-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
	return path;
}

/* Every setting is documented where admins look: both shipped settings
   files and the README's table.  Fails when a setting is added without
   them. */
static void test_documented(void)
{
	static const char *const files[] = {
		"conf.d/90-asn.conf", "conf.d/asnctl.conf", "README.md", "doc/asnctl.1"
	};
	const char *srcdir = getenv("top_srcdir");

	if (srcdir == NULL)
		srcdir = ".";
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct asn_error err;
		char path[1024], *data;
		size_t size;
		bool all = true;

		snprintf(path, sizeof(path), "%s/%s", srcdir, files[f]);
		if (asn_read_file(path, 1 << 20, &data, &size, &err) < 0) {
			tap_ok(false, "%s readable (%s)", files[f], err.msg);
			continue;
		}
		for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
			/* The man page documents what asnctl uses. */
			if (f == 3 && (strncmp(def->key, "asn_passwdd_", 12) == 0 ||
				       strncmp(def->key, "asn_bsre_", 9) == 0 ||
				       strcmp(def->key, "asn_restrict") == 0 ||
				       strcmp(def->key, "asn_alert") == 0 ||
				       strcmp(def->key, "asn_hint") == 0 ||
				       strncmp(def->key, "asn_notice", 10) == 0 ||
				       strcmp(def->key, "asn_webmail_url") == 0 ||
				       strncmp(def->key, "asn_portal_", 11) == 0))
				continue;
			if (strstr(data, def->key) == NULL) {
				printf("# %s is not in %s\n", def->key, files[f]);
				all = false;
			}
		}
		tap_ok(all, "every setting is documented in %s", files[f]);
		free(data);
	}
}

/* asn_settings_load, the loop of the plugins and doveadm: a plugin {}
   block as a table. */
static const char *const plugin_block[][2] = {
	{ "asn_domain", "jatimprov.go.id" },
	{ "asn_password_min_length", "6" },		/* out of range */
	{ "asn_password_min_classes", "3" },
	{ "asn_unrelated", "1" },
};

static const char *block_lookup(const char *key, void *context ASN_UNUSED)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(plugin_block); i++) {
		if (strcmp(plugin_block[i][0], key) == 0)
			return plugin_block[i][1];
	}
	return NULL;
}

static int count_and_keep(const struct asn_error *problem, void *context)
{
	unsigned int *count = context;

	(*count)++;
	printf("# invalid: %s\n", problem->msg);
	return 0;
}

static void test_load(void)
{
	struct asn_settings set;
	struct asn_error err = { .msg = "" };
	unsigned int invalid = 0;

	tap_ok(asn_settings_load(&set, block_lookup, count_and_keep, &invalid, &err) == 0,
	       "load: an invalid value kept as its default does not fail");
	tap_ok(invalid == 1, "load: the invalid value is reported once (%u)", invalid);
	tap_is_str(set.domain, "jatimprov.go.id", "load: a string setting applied");
	tap_ok(set.password_min_classes == 3, "load: a number applied");
	tap_ok(set.password_min_length == 12, "load: the invalid one keeps its default (%u)",
	       set.password_min_length);
	asn_settings_free(&set);

	tap_ok(asn_settings_load(&set, block_lookup, NULL, NULL, &err) < 0,
	       "load: without a callback the first invalid value fails");
	tap_contains(err.msg, "out of range", "load: the error says why");
}

int main(void)
{
	struct asn_settings set;
	struct asn_error err = { .msg = "" };
	unsigned long long v;
	char *path;

	asn_settings_init(&set);
	tap_is_str(set.db, "/var/lib/dovecot-asn/asn.db", "default asn_db");
	tap_ok(set.initial_password_ttl == 14 * 86400, "default ttl 14d");
	tap_ok(set.password_scheme == ASN_SCHEME_ARGON2ID, "default scheme ARGON2ID");
	tap_ok(set.password_min_length == 12 && set.password_min_classes == 4 &&
	       set.password_history == 5, "default policy 12 / 4 classes / 5 history");
	tap_ok(set.argon2_memlimit == 64ULL * 1024 * 1024 && set.argon2_opslimit == 3,
	       "default Argon2 cost as doveadm pw");

	tap_ok(asn_parse_duration("14d", &v) == 0 && v == 1209600, "duration 14d");
	tap_ok(asn_parse_duration("12 hours", &v) == 0 && v == 43200, "duration 12 hours");
	tap_ok(asn_parse_duration("90", &v) == 0 && v == 90, "duration bare seconds");
	tap_ok(asn_parse_duration("2 fortnights", &v) < 0, "duration unknown unit refused");
	tap_ok(asn_parse_duration("-1d", &v) < 0, "duration negative refused");
	tap_ok(asn_parse_size("64M", &v) == 0 && v == 67108864, "size 64M");
	tap_ok(asn_parse_size("1 GiB", &v) == 0 && v == 1073741824, "size 1 GiB");

	tap_ok(asn_settings_set(&set, "asn_password_scheme", "sha512-crypt", &err) == 1 &&
	       set.password_scheme == ASN_SCHEME_SHA512_CRYPT, "scheme set case-insensitively");
	tap_ok(asn_settings_set(&set, "asn_password_min_length", "6", &err) < 0,
	       "min length below 8 refused");
	tap_contains(err.msg, "out of range", "range message");
	tap_ok(asn_settings_set(&set, "asn_nonexistent", "1", &err) == 0, "unknown key is 0");
	asn_settings_free(&set);

	asn_settings_init(&set);
	path = write_temp("# comment\n\nasn_domain = jatimprov.go.id\n"
			  "asn_initial_password_ttl = \"7 days\"\n  asn_db=/tmp/x.db  \n");
	tap_ok(asn_settings_read_file(&set, path, &err) == 0, "file read (%s)", err.msg);
	tap_is_str(set.domain, "jatimprov.go.id", "file: domain");
	tap_ok(set.initial_password_ttl == 7 * 86400, "file: quoted duration");
	tap_is_str(set.db, "/tmp/x.db", "file: spaces trimmed");
	unlink(path);
	free(path);

	path = write_temp("asn_domain = a.go.id\n\nasn_pasword_history = 3\n");
	tap_ok(asn_settings_read_file(&set, path, &err) < 0, "typo refused");
	{
		char want[256];

		snprintf(want, sizeof(want), "%s:3: unknown setting 'asn_pasword_history'", path);
		tap_is_str(err.msg, want, "typo named with FILE:LINE");
	}
	unlink(path);
	free(path);

	path = write_temp("asn_password_history = many\n");
	tap_ok(asn_settings_read_file(&set, path, &err) < 0, "bad number refused");
	tap_contains(err.msg, ":1: asn_password_history: 'many' is not a number", "FILE:LINE: key");
	unlink(path);
	free(path);

	path = write_temp("asn_domain\n");
	tap_ok(asn_settings_read_file(&set, path, &err) < 0, "line without = refused");
	tap_contains(err.msg, ":1: expected 'key = value'", "says what is expected");
	unlink(path);
	free(path);

	tap_ok(asn_settings_read_file(&set, "/nonexistent/asn.conf", &err) < 0,
	       "missing file refused");
	asn_settings_set(&set, "asn_default_password_length", "12", &err);
	asn_settings_set(&set, "asn_password_min_length", "16", &err);
	tap_ok(asn_settings_check(&set, &err) < 0, "generated length below policy refused");
	asn_settings_set(&set, "asn_password_min_length", "12", &err);
	asn_settings_set(&set, "asn_db", "postgresql://asnctl@db.example.go.id/asn", &err);
	tap_ok(asn_settings_check(&set, &err) == 0, "asn_db as a PostgreSQL connection accepted");
	asn_settings_set(&set, "asn_bsre_db", "/var/lib/dovecot-asn/bsre/bsre.db", &err);
	tap_ok(asn_settings_check(&set, &err) < 0, "events on SQLite, accounts on PostgreSQL: refused");
	tap_contains(err.msg, "must both be PostgreSQL connections or both SQLite paths",
		     "says both must be of one engine");
	asn_settings_set(&set, "asn_bsre_db", "host=db.example.go.id dbname=asn user=asn_mail", &err);
	tap_ok(asn_settings_check(&set, &err) == 0, "both on PostgreSQL (key=value form) accepted");
	asn_settings_set(&set, "asn_db", "relative/asn.db", &err);
	tap_ok(asn_settings_check(&set, &err) < 0, "a relative asn_db refused");
	asn_settings_free(&set);
	test_documented();
	test_load();
	return tap_done();
}
