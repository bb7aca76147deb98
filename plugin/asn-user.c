/* Session state: read once, when the mail user is created. */
#include "lib.h"
#include "mail-user.h"
#include "asn-plugin.h"
#include "asn-settings.h"

#include <stdlib.h>

struct asn_mail_user_module asn_mail_user_module =
	MODULE_CONTEXT_INIT(&mail_user_module_register);

bool asn_service_is_interactive(const char *service)
{
	return strcmp(service, "lmtp") != 0 && strcmp(service, "lda") != 0 &&
		strcmp(service, "doveadm") != 0 && strcmp(service, "indexer-worker") != 0 &&
		strcmp(service, "dsync") != 0;
}

static time_t getenv_time(struct mail_user *user, const char *name)
{
	const char *value = mail_user_plugin_getenv(user, name);
	uintmax_t t;

	if (value == NULL || str_to_uintmax(value, &t) < 0)
		return 0;
	return (time_t)t;
}

static void asn_read_settings(struct mail_user *user, struct asn_settings *set)
{
	struct asn_error err;

	asn_settings_init(set);
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		const char *value = mail_user_plugin_getenv(user, def->key);

		/* A bad setting must not stop anyone from reading mail: log
		   it, keep the default. */
		if (value != NULL && asn_settings_set(set, def->key, value, &err) < 0)
			e_error(user->event, "asn: %s (using the default)", err.msg);
	}
}

void asn_mail_user_created(struct mail_user *user)
{
	struct asn_mail_user *auser;
	struct asn_settings set;

	auser = p_new(user->pool, struct asn_mail_user, 1);
	auser->module_ctx.super = *user->vlast;
	/* No vfuncs overridden: the context only carries state. */
	MODULE_CONTEXT_SET(user, asn_mail_user_module, auser);

	auser->must_change = mail_user_plugin_getenv_bool(user, "asn_must_change");
	if (!auser->must_change)
		return;

	asn_read_settings(user, &set);
	auser->hint = p_strdup(user->pool, set.hint);
	auser->password_set_at = getenv_time(user, "asn_password_set_at");
	auser->password_expires_at = getenv_time(user, "asn_password_expires");
	/* Shared users and the raw user of deliveries are autocreated: they
	   are not the person logging in. */
	auser->restricted = !user->autocreated &&
		strcmp(set.restrict_mode, "none") != 0 &&
		asn_service_is_interactive(user->service);
	if (auser->restricted)
		e_debug(user->event, "asn: default password in use: only INBOX for this session");
	auser->notice_wanted = set.notice && !user->autocreated && !user->session_restored &&
		asn_service_is_interactive(user->service);
	auser->notice_from = p_strdup(user->pool, set.notice_from);
	auser->webmail_url = p_strdup(user->pool, set.webmail_url);
	auser->name = p_strdup(user->pool, mail_user_plugin_getenv(user, "asn_name"));
	auser->min_length = set.password_min_length;
	asn_settings_free(&set);
}
