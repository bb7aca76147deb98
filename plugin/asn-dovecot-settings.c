/* Dovecot 2.4: the declarations of our settings, generated from
   asn-settings-list.h (the list the core's own table comes from, so a
   default is written once).  Every value is declared a string and parsed
   by the core's parser, so both lines accept and refuse the same values;
   the check function makes doveconf (and each session's settings_get)
   refuse a bad value with the core's message naming the setting. */
#include "lib.h"
#include "asn-dovecot-settings.h"

#if DOVECOT_PREREQ(2, 4, 0)
#include "asn-settings.h"

#include <string.h>

/* Values are literal: no %{variables} in our texts (asn_alert may say 50%). */
static const struct setting_define asn_setting_defines[] = {
#define ASN_SETTING(name, type, field, def, min, max, desc) \
	SETTING_DEFINE_STRUCT_STR_NOVARS(#name, name, struct asn_dovecot_settings),
#define ASN_USERDB_FIELD(name, def, desc) \
	SETTING_DEFINE_STRUCT_STR_NOVARS(#name, name, struct asn_dovecot_settings),
#include "asn-settings-list.h"
	SETTING_DEFINE_LIST_END
};

static const struct asn_dovecot_settings asn_default_settings = {
#define ASN_SETTING(name, type, field, def, min, max, desc) .name = def,
#define ASN_USERDB_FIELD(name, def, desc) .name = def,
#include "asn-settings-list.h"
};

static const char *const asn_userdb_fields[] = {
#define ASN_SETTING(name, type, field, def, min, max, desc)
#define ASN_USERDB_FIELD(name, def, desc) #name,
#include "asn-settings-list.h"
	NULL
};

const char *asn_dovecot_setting(const struct asn_dovecot_settings *set, const char *key)
{
	const char *value = NULL;

	for (const struct setting_define *def = asn_setting_defines; def->key != NULL; def++) {
		if (strcmp(def->key, key) == 0) {
			value = *(const char *const *)CONST_PTR_OFFSET(set, def->offset);
			break;
		}
	}
	if (value != NULL && value[0] == '\0' && str_array_find(asn_userdb_fields, key))
		return NULL;
	return value;
}

static const char *lookup(const char *key, void *context)
{
	return asn_dovecot_setting(context, key);
}

static bool asn_settings_check_func(void *_set, pool_t pool ATTR_UNUSED, const char **error_r)
{
	struct asn_dovecot_settings *set = _set;
	struct asn_settings core;
	struct asn_error err;
	bool must_change;
	int ret;

	if (set->asn_must_change[0] != '\0' &&
	    asn_parse_bool(set->asn_must_change, &must_change) < 0) {
		*error_r = t_strdup_printf("asn_must_change: '%s' is not yes or no",
					   set->asn_must_change);
		return FALSE;
	}
	if (asn_settings_load(&core, lookup, NULL, set, &err) < 0) {
		*error_r = t_strdup(err.msg);
		return FALSE;
	}
	ret = asn_settings_check(&core, &err);
	asn_settings_free(&core);
	if (ret < 0) {
		*error_r = t_strdup(err.msg);
		return FALSE;
	}
	return TRUE;
}

const struct setting_parser_info asn_setting_parser_info = {
	.name = "asn",
	.defines = asn_setting_defines,
	.defaults = &asn_default_settings,
	.struct_size = sizeof(struct asn_dovecot_settings),
	.pool_offset1 = 1 + offsetof(struct asn_dovecot_settings, pool),
	.check_func = asn_settings_check_func,
};

/* What the config process (doveconf) looks up in $moduledir/settings/
   lib10_asn_dovecot_settings.so, a module named asn_dovecot_settings.  Not
   "asn_settings": the loader would call the core's asn_settings_init() as
   the module's init function. */
extern const struct setting_parser_info *const asn_dovecot_settings_set_infos[];
const struct setting_parser_info *const asn_dovecot_settings_set_infos[] = {
	&asn_setting_parser_info,
	NULL
};
extern const char *asn_dovecot_settings_version;
const char *asn_dovecot_settings_version = DOVECOT_ABI_VERSION;
#endif
