/* The asn_* settings from doveconf's output: the tools read what the
   plugins read, so the two cannot disagree. */
#include "asn-doveconf.h"

#include <stdlib.h>
#include <string.h>

struct doveconf_values {
	const char **value;		/* by index in asn_setting_defs */
};

static const char *doveconf_lookup(const char *key, void *context)
{
	struct doveconf_values *values = context;
	const struct asn_setting_def *def = asn_setting_def_find(key);

	return def == NULL ? NULL : values->value[def - asn_setting_defs];
}

/* "NAME = VALUE" (or "NAME =" when empty) after the prefix: the key is
   cut at the " =", value_r points into line.  Returns 0 or -1. */
static int split_line(char *line, const char *prefix, const char **key_r,
		      const char **value_r)
{
	size_t prefix_len = strlen(prefix);
	char *sep;

	if (strncmp(line, prefix, prefix_len) != 0)
		return -1;
	line += prefix_len;
	sep = strstr(line, " =");
	if (sep == NULL || sep == line)
		return -1;
	*sep = '\0';
	sep += 2;
	if (*sep == ' ')
		sep++;
	else if (*sep != '\0')
		return -1;
	*key_r = line;
	*value_r = sep;
	return 0;
}

static int parse_lines(char *copy, const char *name, const char *prefix,
		       struct doveconf_values *values, struct asn_error *err)
{
	unsigned int lineno = 0;
	char *line, *next;

	for (line = copy; line != NULL; line = next) {
		const struct asn_setting_def *def;
		const char *key, *value;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		if (split_line(line, prefix, &key, &value) < 0) {
			asn_error_set(err, "%s:%u: expected '%sasn_NAME = VALUE'", name, lineno,
				      prefix);
			return -1;
		}
		def = asn_setting_def_find(key);
		if (def == NULL) {
			/* doveconf answers only what it was asked */
			asn_error_set(err, "%s:%u: '%.64s' is not a dovecot-asn setting", name,
				      lineno, key);
			return -1;
		}
		if (values->value[def - asn_setting_defs] != NULL) {
			asn_error_set(err, "%s:%u: %s given twice", name, lineno, key);
			return -1;
		}
		values->value[def - asn_setting_defs] = value;
	}
	return 0;
}

int asn_doveconf_parse(struct asn_settings *set, const char *name, const char *prefix,
		       const char *data, size_t size, struct asn_error *err)
{
	struct doveconf_values values;
	size_t count = 0;
	char *copy;
	int ret;

	/* nothing to free on every error path, as after asn_settings_free */
	memset(set, 0, sizeof(*set));
	if (memchr(data, '\0', size) != NULL) {
		asn_error_set(err, "%s: contains a NUL byte", name);
		return -1;
	}
	while (asn_setting_defs[count].key != NULL)
		count++;
	values.value = asn_xcalloc(count, sizeof(*values.value));
	copy = asn_xstrndup(data, size);
	ret = parse_lines(copy, name, prefix, &values, err);
	if (ret == 0 && asn_settings_load(set, doveconf_lookup, NULL, &values, err) < 0) {
		asn_error_prefix(err, "%s: ", name);
		ret = -1;
	} else if (ret == 0 && asn_settings_check(set, err) < 0) {
		asn_error_prefix(err, "%s: ", name);
		asn_settings_free(set);
		ret = -1;
	}
	free(copy);
	free(values.value);
	return ret;
}
