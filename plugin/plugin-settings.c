/* Reading our settings from Dovecot's plugin {} block. */
#include "lib.h"
#include "mail-user.h"
#include "plugin-settings.h"

static const char *user_setting(const char *key, void *context)
{
	struct mail_user *user = context;

	return mail_user_plugin_getenv(user, key);
}

static int log_and_keep_default(const struct asn_error *problem, void *context)
{
	struct mail_user *user = context;

	e_error(user->event, "asn: %s (using the default)", problem->msg);
	return 0;
}

void asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set)
{
	struct asn_error err;

	/* never -1: every invalid value keeps its default */
	(void)asn_settings_load(set, user_setting, log_and_keep_default, user, &err);
}
