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
#define ASN_SETTING(key, type, field, def, min, max, desc) \
	DEF(#key, type, field, def, min, max, desc),
#include "asn-settings-list.h"
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
	if (set->default_password_scheme[0] != '\0' &&
	    strcasecmp(set->default_password_scheme, "ARGON2ID") != 0 &&
	    strcasecmp(set->default_password_scheme, "SHA512-CRYPT") != 0) {
		asn_error_set(err, "asn_default_password_scheme: '%s' is not ARGON2ID, SHA512-CRYPT "
			      "or empty", set->default_password_scheme);
		return -1;
	}
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
	if (strcmp(set->bsre_trust, "dkim") != 0 && strcmp(set->bsre_trust, "authres") != 0 &&
	    strcmp(set->bsre_trust, "dkim+authres") != 0) {
		asn_error_set(err, "asn_bsre_trust: '%s' is not dkim, authres or dkim+authres",
			      set->bsre_trust);
		return -1;
	}
	if (strstr(set->bsre_trust, "authres") != NULL && set->bsre_authserv_id[0] == '\0') {
		asn_error_set(err, "asn_bsre_trust = %s needs asn_bsre_authserv_id (the "
			      "authserv-id of this site's Authentication-Results)", set->bsre_trust);
		return -1;
	}
	if (set->db[0] != '/' && !asn_settings_db_is_pgsql(set->db)) {
		asn_error_set(err, "asn_db '%s' must be an absolute path or a PostgreSQL "
			      "connection (postgresql://... or host=... dbname=...)", set->db);
		return -1;
	}
	/* the events go where the accounts are: one engine for both */
	if (set->bsre_db[0] != '\0' &&
	    asn_settings_db_is_pgsql(set->bsre_db) != asn_settings_db_is_pgsql(set->db)) {
		asn_error_set(err, "asn_bsre_db '%s' and asn_db '%s' must both be PostgreSQL "
			      "connections or both SQLite paths", set->bsre_db, set->db);
		return -1;
	}
	return 0;
}

char *asn_settings_value(const struct asn_settings *set, const struct asn_setting_def *def)
{
	const void *field = (const char *)set + def->offset;

	/* no default: a new type must say how it is shown */
	switch (def->type) {
	case ASN_SETTING_STRING:
		return asn_xstrdup(*(char *const *)field != NULL ? *(char *const *)field : "");
	case ASN_SETTING_BOOL:
		return asn_xstrdup(*(const bool *)field ? "yes" : "no");
	case ASN_SETTING_SCHEME:
		return asn_xstrdup(*(const enum asn_password_scheme *)field ==
				   ASN_SCHEME_SHA512_CRYPT ? "SHA512-CRYPT" : "ARGON2ID");
	case ASN_SETTING_UINT:
		return asn_xasprintf("%u", *(const unsigned int *)field);
	case ASN_SETTING_DURATION:
		return asn_xasprintf("%us", *(const unsigned int *)field);
	case ASN_SETTING_SIZE:
		return asn_xasprintf("%llu", *(const unsigned long long *)field);
	}
	return asn_xstrdup("?");
}

bool asn_settings_db_is_pgsql(const char *db)
{
	/* asn_db is otherwise an absolute path, so anything else with an '='
	   is libpq's key=value form. */
	if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0)
		return true;
	return db[0] != '/' && strchr(db, '=') != NULL;
}

char *asn_settings_bsre_db(const struct asn_settings *set)
{
	const char *slash;

	if (set->bsre_db != NULL && set->bsre_db[0] != '\0')
		return asn_xstrdup(set->bsre_db);
	if (asn_settings_db_is_pgsql(set->db))
		return asn_xstrdup(set->db);
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

char *asn_settings_bsre_spool(const struct asn_settings *set)
{
	char *bsre_db;
	char *spool;

	if (set->bsre_spool != NULL && set->bsre_spool[0] != '\0')
		return asn_xstrdup(set->bsre_spool);
	if (asn_settings_db_is_pgsql(set->db))
		return asn_xstrdup(ASN_DEFAULT_PG_SPOOL);
	bsre_db = asn_settings_bsre_db(set);
	spool = asn_xasprintf("%s.spool", bsre_db);
	free(bsre_db);
	return spool;
}
