/* Session state: read once, when the mail user is created. */
#include "lib.h"
#include "mail-user.h"
#include "asn-plugin.h"
#include "plugin-settings.h"
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
	const char *value = asn_plugin_user_get(user, name);
	uintmax_t t;

	if (value == NULL || str_to_uintmax(value, &t) < 0)
		return 0;
	return (time_t)t;
}

void asn_mail_user_created(struct mail_user *user)
{
	struct asn_mail_user *auser;
	struct asn_settings set;
	const char *error;

	auser = p_new(user->pool, struct asn_mail_user, 1);
	auser->module_ctx.super = *user->vlast;
	/* No vfuncs overridden: the context only carries state. */
	MODULE_CONTEXT_SET(user, asn_mail_user_module, auser);

	/* Deliveries, doveadm and autocreated users are never restricted
	   and get no notice: nothing more to read for them.  Shared users
	   and the raw user of deliveries are autocreated: they are not the
	   person logging in. */
	if (user->autocreated || !asn_service_is_interactive(user->service))
		return;
	if (asn_plugin_user_get_bool(user, "asn_must_change", &auser->must_change,
				     &error) < 0) {
		/* Fail closed: unreadable must not read as "changed". */
		user->error = p_strdup_printf(user->pool, "asn: %s", error);
		return;
	}
	if (!auser->must_change)
		return;

	if (asn_plugin_read_settings(user, &set, &error) < 0) {
		/* Refused, not guessed: a misspelt asn_restrict would
		   otherwise restrict everyone, or no one. */
		user->error = p_strdup_printf(user->pool, "asn: %s", error);
		asn_settings_free(&set);
		return;
	}
	auser->hint = p_strdup(user->pool, set.hint);
	auser->password_set_at = getenv_time(user, "asn_password_set_at");
	auser->password_expires_at = getenv_time(user, "asn_password_expires");
	auser->restricted = strcmp(set.restrict_mode, "none") != 0;
	if (auser->restricted)
		e_debug(user->event, "asn: default password in use: only INBOX for this session");
	auser->notice_wanted = set.notice && !user->session_restored;
	auser->name = p_strdup(user->pool, asn_plugin_user_get(user, "asn_name"));
	asn_settings_free(&set);
}
