/* Settings: the table below is the whole vocabulary, with defaults. */
#include "asn-settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEF(key, type, field, def, min, max, desc) \
	{ key, type, offsetof(struct asn_settings, field), def, min, max, desc }

const struct asn_setting_def asn_setting_defs[] = {
	DEF("asn_db", ASN_SETTING_STRING, db, ASN_DEFAULT_DB, 0, 0,
	    "path of the SQLite database"),
	DEF("asn_domain", ASN_SETTING_STRING, domain, "", 0, 0,
	    "mail domain of derived addresses (first.last@DOMAIN)"),
	DEF("asn_db_busy_timeout", ASN_SETTING_DURATION, db_busy_timeout, "5s", 0, 600,
	    "how long to wait for a locked database"),
	DEF("asn_initial_password_ttl", ASN_SETTING_DURATION, initial_password_ttl, "14d",
	    3600, 366ULL * 86400, "validity of a default password"),
	DEF("asn_password_scheme", ASN_SETTING_SCHEME, password_scheme, "ARGON2ID", 0, 0,
	    "ARGON2ID or SHA512-CRYPT"),
	DEF("asn_argon2_opslimit", ASN_SETTING_UINT, argon2_opslimit, "3", 1, 64,
	    "Argon2id passes (t)"),
	DEF("asn_argon2_memlimit", ASN_SETTING_SIZE, argon2_memlimit, "64M",
	    8ULL * 1024, 4ULL * 1024 * 1024 * 1024, "Argon2id memory (m)"),
	DEF("asn_sha512_crypt_rounds", ASN_SETTING_UINT, sha512_crypt_rounds, "5000",
	    1000, 999999999, "SHA512-CRYPT rounds"),
	DEF("asn_password_min_length", ASN_SETTING_UINT, password_min_length, "12", 8, 128,
	    "minimum password length"),
	DEF("asn_password_min_classes", ASN_SETTING_UINT, password_min_classes, "4", 1, 4,
	    "character classes required (upper, lower, digit, special)"),
	DEF("asn_password_history", ASN_SETTING_UINT, password_history, "5", 0, 24,
	    "earlier passwords that cannot be reused"),
	DEF("asn_password_dictcheck", ASN_SETTING_BOOL, password_dictcheck, "yes", 0, 0,
	    "refuse dictionary words (cracklib)"),
	DEF("asn_password_blocklist", ASN_SETTING_STRING, password_blocklist, "", 0, 0,
	    "file of extra refused words, one a line (with asn_password_dictcheck)"),
	DEF("asn_default_password_length", ASN_SETTING_UINT, default_password_length, "14",
	    12, 64, "length of generated default passwords"),
	DEF("asn_hash_threads", ASN_SETTING_UINT, hash_threads, "0", 0, 256,
	    "threads hashing during import, 0 = one per core"),
	DEF("asn_restrict", ASN_SETTING_STRING, restrict_mode, "inbox", 0, 0,
	    "while the default password is in use: inbox (only INBOX exists) or none"),
	DEF("asn_alert", ASN_SETTING_STRING, alert,
	    "Anda masih memakai kata sandi bawaan. Segera ganti melalui webmail: "
	    "Pengaturan > Kata Sandi. Sebelum diganti, hanya INBOX yang dapat dibuka "
	    "dan email tidak dapat dikirim.", 0, 0,
	    "IMAP [ALERT] after login while the default password is in use"),
	DEF("asn_hint", ASN_SETTING_STRING, hint,
	    "Ganti dahulu kata sandi bawaan Anda melalui webmail (Pengaturan > Kata Sandi); "
	    "sebelum itu hanya INBOX yang dapat dibuka.", 0, 0,
	    "reply to a refused folder operation"),
	DEF("asn_notice", ASN_SETTING_BOOL, notice, "yes", 0, 0,
	    "put a notice message in INBOX once (per default password)"),
	DEF("asn_notice_from", ASN_SETTING_STRING, notice_from, "", 0, 0,
	    "From of the notice; empty: postmaster@ the user's domain"),
	DEF("asn_webmail_url", ASN_SETTING_STRING, webmail_url, "", 0, 0,
	    "webmail address named in the notice"),
	DEF("asn_passwdd_listen", ASN_SETTING_STRING, passwdd_listen, "127.0.0.1:8089", 0, 0,
	    "address of asn-passwdd (ADDR:PORT, [IPv6]:PORT)"),
	DEF("asn_passwdd_max_user_failures", ASN_SETTING_UINT, passwdd_max_user_failures, "5",
	    0, 1000, "wrong current passwords per user in the window before 429 (0 = no limit)"),
	DEF("asn_passwdd_max_client_failures", ASN_SETTING_UINT, passwdd_max_client_failures,
	    "30", 0, 100000, "failures per client address in the window before 429 (0 = no limit)"),
	DEF("asn_passwdd_failure_window", ASN_SETTING_DURATION, passwdd_failure_window, "15m",
	    1, 86400, "window of the failure counts"),
	DEF("asn_passwdd_trusted_proxies", ASN_SETTING_STRING, passwdd_trusted_proxies, "", 0, 0,
	    "addresses (space separated) whose X-Forwarded-For names the client, e.g. the webmail's"),
	DEF("asn_passwdd_request_timeout", ASN_SETTING_DURATION, passwdd_request_timeout, "10s",
	    1, 300, "longest time to receive a whole request, however the client trickles it"),
	DEF("asn_bsre_senders", ASN_SETTING_STRING, bsre_senders, "bssn.go.id", 0, 0,
	    "trusted BSrE sender domains (subdomains included), space separated"),
	DEF("asn_bsre_authserv_id", ASN_SETTING_STRING, bsre_authserv_id, "", 0, 0,
	    "authserv-id of this site's Authentication-Results; set: DKIM pass is required"),
	DEF("asn_bsre_activation_ttl", ASN_SETTING_DURATION, bsre_activation_ttl, "1d", 60,
	    366ULL * 86400, "validity of BSrE's activation link"),
	DEF("asn_bsre_passphrase_ttl", ASN_SETTING_DURATION, bsre_passphrase_ttl, "1d", 60,
	    366ULL * 86400, "validity of BSrE's set-passphrase link"),
	DEF("asn_bsre_expiry_warning", ASN_SETTING_DURATION, bsre_expiry_warning, "30d", 0,
	    366ULL * 86400, "warn this long before a certificate expires"),
	DEF("asn_bsre_db", ASN_SETTING_STRING, bsre_db, "", 0, 0,
	    "BSrE events database, written by deliveries (empty: bsre/bsre.db beside asn_db)"),
	DEF("asn_bsre_subjects", ASN_SETTING_STRING, bsre_subjects, ASN_BSRE_DEFAULT_SUBJECTS, 0, 0,
	    "subject patterns after the [BSrE] tag: EVENT:word|word; ... (first match wins)"),
	DEF("asn_bsre_busy_timeout", ASN_SETTING_DURATION, bsre_busy_timeout, "1s", 0, 60,
	    "how long a delivery waits for a locked database before spooling the event"),
	DEF("asn_bsre_body_max", ASN_SETTING_SIZE, bsre_body_max, "256k", 4096, 16ULL << 20,
	    "at most this much of a BSrE mail's body is decoded"),
	{ NULL, ASN_SETTING_STRING, 0, NULL, 0, 0, NULL }
};

struct unit {
	const char *name;
	unsigned long long mult;
};

/* "<digits> [unit]" with the unit from the table (case-insensitive). */
static int parse_with_unit(const char *str, const struct unit *units, size_t count,
			   unsigned long long *value_r)
{
	unsigned long long value;
	char *end;

	while (isspace((unsigned char)*str))
		str++;
	if (!isdigit((unsigned char)*str))
		return -1;
	errno = 0;
	value = strtoull(str, &end, 10);
	if (errno != 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	for (size_t i = 0; i < count; i++) {
		if (strcasecmp(end, units[i].name) == 0) {
			if (value > ~0ULL / units[i].mult)
				return -1;
			*value_r = value * units[i].mult;
			return 0;
		}
	}
	return -1;
}

int asn_parse_duration(const char *str, unsigned long long *secs_r)
{
	static const struct unit units[] = {
		{ "", 1 }, { "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 }, { "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 }, { "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
		{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	};

	return parse_with_unit(str, units, ASN_N_ELEMENTS(units), secs_r);
}

int asn_parse_size(const char *str, unsigned long long *bytes_r)
{
	static const struct unit units[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1024ULL }, { "kb", 1024ULL }, { "kib", 1024ULL },
		{ "m", 1024ULL * 1024 }, { "mb", 1024ULL * 1024 }, { "mib", 1024ULL * 1024 },
		{ "g", 1024ULL * 1024 * 1024 }, { "gb", 1024ULL * 1024 * 1024 },
		{ "gib", 1024ULL * 1024 * 1024 },
	};

	return parse_with_unit(str, units, ASN_N_ELEMENTS(units), bytes_r);
}

int asn_parse_bool(const char *str, bool *value_r)
{
	if (strcasecmp(str, "yes") == 0 || strcasecmp(str, "true") == 0 ||
	    strcmp(str, "1") == 0) {
		*value_r = true;
		return 0;
	}
	if (strcasecmp(str, "no") == 0 || strcasecmp(str, "false") == 0 ||
	    strcmp(str, "0") == 0) {
		*value_r = false;
		return 0;
	}
	return -1;
}

static int apply(struct asn_settings *set, const struct asn_setting_def *def,
		 const char *value, struct asn_error *err)
{
	void *field = (char *)set + def->offset;
	unsigned long long number;
	char *end;

	switch (def->type) {
	case ASN_SETTING_STRING: {
		char **str = field;

		free(*str);
		*str = asn_xstrdup(value);
		return 1;
	}
	case ASN_SETTING_BOOL:
		if (asn_parse_bool(value, field) < 0) {
			asn_error_set(err, "%s: '%s' is not yes or no", def->key, value);
			return -1;
		}
		return 1;
	case ASN_SETTING_SCHEME:
		if (strcasecmp(value, "ARGON2ID") == 0)
			*(enum asn_password_scheme *)field = ASN_SCHEME_ARGON2ID;
		else if (strcasecmp(value, "SHA512-CRYPT") == 0)
			*(enum asn_password_scheme *)field = ASN_SCHEME_SHA512_CRYPT;
		else {
			asn_error_set(err, "%s: '%s' is not ARGON2ID or SHA512-CRYPT",
				      def->key, value);
			return -1;
		}
		return 1;
	case ASN_SETTING_UINT:
		errno = 0;
		number = strtoull(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0) {
			asn_error_set(err, "%s: '%s' is not a number", def->key, value);
			return -1;
		}
		break;
	case ASN_SETTING_DURATION:
		if (asn_parse_duration(value, &number) < 0) {
			asn_error_set(err, "%s: '%s' is not a duration (e.g. 14d, 12h, 30m, 5s)",
				      def->key, value);
			return -1;
		}
		break;
	case ASN_SETTING_SIZE:
		if (asn_parse_size(value, &number) < 0) {
			asn_error_set(err, "%s: '%s' is not a size (e.g. 64M, 1G)",
				      def->key, value);
			return -1;
		}
		break;
	default:
		return -1;
	}
	if (number < def->min || number > def->max) {
		asn_error_set(err, "%s: '%s' is out of range (%llu-%llu%s)", def->key, value,
			      def->min, def->max,
			      def->type == ASN_SETTING_DURATION ? " seconds" :
			      def->type == ASN_SETTING_SIZE ? " bytes" : "");
		return -1;
	}
	if (def->type == ASN_SETTING_SIZE)
		*(unsigned long long *)field = number;
	else
		*(unsigned int *)field = (unsigned int)number;
	return 1;
}

const struct asn_setting_def *asn_setting_def_find(const char *key)
{
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		if (strcmp(def->key, key) == 0)
			return def;
	}
	return NULL;
}

int asn_settings_set(struct asn_settings *set, const char *key,
		     const char *value, struct asn_error *err)
{
	const struct asn_setting_def *def = asn_setting_def_find(key);

	return def == NULL ? 0 : apply(set, def, value, err);
}

void asn_settings_init(struct asn_settings *set)
{
	struct asn_error err;

	memset(set, 0, sizeof(*set));
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		if (apply(set, def, def->default_value, &err) != 1)
			abort(); /* the table's own defaults are wrong */
	}
}

void asn_settings_free(struct asn_settings *set)
{
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		if (def->type == ASN_SETTING_STRING) {
			char **str = (void *)((char *)set + def->offset);

			free(*str);
			*str = NULL;
		}
	}
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int asn_settings_read_file(struct asn_settings *set, const char *path,
			   struct asn_error *err)
{
	char *data;
	size_t size;
	int ret;

	if (asn_read_file(path, 1024 * 1024, &data, &size, err) < 0)
		return -1;
	ret = asn_settings_parse(set, path, data, size, err);
	free(data);
	return ret;
}

int asn_settings_parse(struct asn_settings *set, const char *name,
		       const char *data, size_t size, struct asn_error *err)
{
	char *copy, *line, *next;
	unsigned int lineno = 0;
	int ret = 0;

	if (memchr(data, '\0', size) != NULL) {
		asn_error_set(err, "%s: contains a NUL byte", name);
		return -1;
	}
	copy = asn_xstrndup(data, size);
	/* strtok_r would skip blank lines and lose the count: split by hand. */
	for (line = copy; line != NULL && ret == 0; line = next) {
		char *eq, *key, *value;
		size_t len;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL) {
			asn_error_set(err, "%s:%u: expected 'key = value'", name, lineno);
			ret = -1;
			break;
		}
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		len = strlen(value);
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			value++;
		}
		switch (asn_settings_set(set, key, value, err)) {
		case 1:
			break;
		case 0:
			asn_error_set(err, "%s:%u: unknown setting '%s'", name, lineno, key);
			ret = -1;
			break;
		default:
			asn_error_prefix(err, "%s:%u: ", name, lineno);
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

int asn_settings_check(const struct asn_settings *set, struct asn_error *err)
{
	if (set->default_password_length < set->password_min_length) {
		asn_error_set(err, "asn_default_password_length (%u) is shorter than "
			      "asn_password_min_length (%u)",
			      set->default_password_length, set->password_min_length);
		return -1;
	}
	if (set->domain[0] != '\0') {
		for (const char *p = set->domain; *p != '\0'; p++) {
			if (isupper((unsigned char)*p)) {
				asn_error_set(err, "asn_domain '%s' must be lowercase", set->domain);
				return -1;
			}
		}
	}
	if (strcmp(set->restrict_mode, "inbox") != 0 && strcmp(set->restrict_mode, "none") != 0) {
		asn_error_set(err, "asn_restrict: '%s' is not inbox or none", set->restrict_mode);
		return -1;
	}
	if (set->db[0] != '/') {
		asn_error_set(err, "asn_db '%s' must be an absolute path", set->db);
		return -1;
	}
	return 0;
}

char *asn_settings_bsre_db(const struct asn_settings *set)
{
	const char *slash;

	if (set->bsre_db != NULL && set->bsre_db[0] != '\0')
		return asn_xstrdup(set->bsre_db);
	slash = strrchr(set->db, '/');
	if (slash == NULL)
		return asn_xstrdup("bsre/bsre.db");
	return asn_xasprintf("%.*s/bsre/bsre.db", (int)(slash - set->db), set->db);
}

int asn_settings_load(struct asn_settings *set, asn_settings_lookup_func *lookup,
		      asn_settings_invalid_func *invalid, void *context,
		      struct asn_error *err)
{
	asn_settings_init(set);
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		const char *value = lookup(def->key, context);

		if (value == NULL || apply(set, def, value, err) >= 0)
			continue;
		if (invalid == NULL || invalid(err, context) < 0) {
			asn_settings_free(set);
			return -1;
		}
	}
	return 0;
}
