/* Reading our settings from Dovecot: the only file of the session plugins
   that differs between Dovecot 2.3 and 2.4. */
#include "lib.h"
#include "mail-user.h"
#include "plugin-settings.h"

struct read_context {
	struct mail_user *user;
	const struct asn_dovecot_settings *set;	/* 2.4 */
	const char *first_error;		/* the first bad value */
};

#if DOVECOT_PREREQ(2, 4, 0)
#include "settings.h"
#include "asn-dovecot-settings.h"

/* NULL (error logged) when Dovecot cannot give the settings. */
static const struct asn_dovecot_settings *get_settings(struct mail_user *user)
{
	const struct asn_dovecot_settings *set;
	const char *error;

	if (settings_get(user->event, &asn_setting_parser_info, 0, &set, &error) < 0) {
		e_error(user->event, "asn: %s", error);
		return NULL;
	}
	return set;
}

int asn_plugin_user_lookup(struct mail_user *user, const char *key,
			   const char **value_r, const char **error_r)
{
	const struct asn_dovecot_settings *set = get_settings(user);

	if (set == NULL) {
		*error_r = "Dovecot could not give the asn settings (logged above)";
		return -1;
	}
	*value_r = t_strdup(asn_dovecot_setting(set, key));
	settings_free(set);
	return 0;
}

static const char *user_setting(const char *key, void *context)
{
	struct read_context *ctx = context;

	return asn_dovecot_setting(ctx->set, key);
}

static void read_settings(struct read_context *ctx, asn_settings_lookup_func *lookup,
			  asn_settings_invalid_func *invalid, struct asn_settings *set)
{
	struct asn_error err;

	ctx->set = get_settings(ctx->user);
	if (ctx->set == NULL) {
		asn_settings_init(set);
		ctx->first_error = "Dovecot could not give the asn settings (logged above)";
		return;
	}
	/* never -1: every invalid value keeps its default */
	(void)asn_settings_load(set, lookup, invalid, ctx, &err);
	settings_free(ctx->set);
}
#else
int asn_plugin_user_lookup(struct mail_user *user, const char *key,
			   const char **value_r, const char **error_r ATTR_UNUSED)
{
	*value_r = mail_user_plugin_getenv(user, key);
	return 0;
}

static const char *user_setting(const char *key, void *context)
{
	struct read_context *ctx = context;

	return mail_user_plugin_getenv(ctx->user, key);
}

static void read_settings(struct read_context *ctx, asn_settings_lookup_func *lookup,
			  asn_settings_invalid_func *invalid, struct asn_settings *set)
{
	struct asn_error err;

	/* never -1: every invalid value keeps its default */
	(void)asn_settings_load(set, lookup, invalid, ctx, &err);
}
#endif

static int note_and_keep_default(const struct asn_error *problem, void *context)
{
	struct read_context *ctx = context;

	if (ctx->first_error == NULL)
		ctx->first_error = t_strdup(problem->msg);
	return 0;
}

int asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set,
			     const char **error_r)
{
	struct read_context ctx = { .user = user };
	struct asn_error err;

	read_settings(&ctx, user_setting, note_and_keep_default, set);
	if (ctx.first_error == NULL && asn_settings_check(set, &err) < 0)
		ctx.first_error = t_strdup(err.msg);
	if (ctx.first_error == NULL)
		return 0;
	*error_r = ctx.first_error;
	return -1;
}

const char *asn_plugin_user_get(struct mail_user *user, const char *key)
{
	const char *value, *error;

	return asn_plugin_user_lookup(user, key, &value, &error) < 0 ? NULL : value;
}

int asn_plugin_user_get_bool(struct mail_user *user, const char *key,
			     bool *value_r, const char **error_r)
{
	const char *value;

	*value_r = FALSE;
	if (asn_plugin_user_lookup(user, key, &value, error_r) < 0)
		return -1;
	if (value == NULL || value[0] == '\0')
		return 0;
	if (asn_parse_bool(value, value_r) < 0) {
		*error_r = t_strdup_printf("%s: '%s' is not yes or no", key, value);
		return -1;
	}
	return 0;
}
