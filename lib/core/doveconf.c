/* The asn_* settings from doveconf's output: the tools read what the
   plugins read, so the two cannot disagree. */
#include "asn-doveconf.h"

#include <stdbool.h>
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

/* "NAME = VALUE" (or "NAME =" when empty), leading blanks gone: the key
   is cut at the " =", value_r points into line.  Returns 0, or -1 when
   the line is not a setting. */
static int split_setting(char *line, const char **key_r, const char **value_r)
{
	char *sep = strstr(line, " =");

	if (sep == NULL || sep == line || strchr(line, ' ') != sep)
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

/* A block opener: "NAME {" or "NAME ARG {" (protocol lmtp {, passdb x {). */
static bool opens_block(const char *line)
{
	size_t len = strlen(line);

	return len >= 3 && line[len - 1] == '{' && line[len - 2] == ' ' &&
		strchr(line, '=') == NULL;
}

/* Keeps the values of our settings found in section (see the header). */
static int parse_lines(char *copy, const char *name, const char *section,
		       struct doveconf_values *values, struct asn_error *err)
{
	/* depth of nesting; in_section: inside the wanted block (2.3) */
	unsigned int lineno = 0, depth = 0, section_depth = section[0] == '\0' ? 0 : 1;
	bool in_section = section[0] == '\0';
	char *line, *next;

	for (line = copy; line != NULL; line = next) {
		const struct asn_setting_def *def;
		const char *key, *value;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (strcmp(line, "}") == 0) {
			if (depth == 0) {
				asn_error_set(err, "%s:%u: '}' closes no block", name, lineno);
				return -1;
			}
			if (--depth < section_depth && section[0] != '\0')
				in_section = false;
			continue;
		}
		if (split_setting(line, &key, &value) < 0) {
			size_t len = strlen(section);

			if (!opens_block(line)) {
				asn_error_set(err, "%s:%u: expected 'NAME = VALUE', 'NAME {' or '}'",
					      name, lineno);
				return -1;
			}
			depth++;
			if (depth == 1 && len > 0 && strncmp(line, section, len) == 0 &&
			    strcmp(line + len, " {") == 0)
				in_section = true;
			continue;
		}
		if (!in_section || depth != section_depth)
			continue;	/* another block's, or a filter's */
		if (strncmp(key, "asn_", 4) != 0 || (def = asn_setting_def_find(key)) == NULL)
			continue;	/* not ours: the plugins ignore it too */
		if (values->value[def - asn_setting_defs] != NULL) {
			asn_error_set(err, "%s:%u: %s given twice", name, lineno, key);
			return -1;
		}
		values->value[def - asn_setting_defs] = value;
	}
	if (depth != 0) {
		asn_error_set(err, "%s: ends inside a block (%u not closed)", name, depth);
		return -1;
	}
	return 0;
}

int asn_doveconf_parse(struct asn_settings *set, const char *name, const char *section,
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
	ret = parse_lines(copy, name, section, &values, err);
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
