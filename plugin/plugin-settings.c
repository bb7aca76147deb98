/* Reading our settings from Dovecot's plugin {} block. */
#include "lib.h"
#include "mail-user.h"
#include "plugin-settings.h"

void asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set)
{
	struct asn_error err;

	asn_settings_init(set);
	for (const struct asn_setting_def *def = asn_setting_defs; def->key != NULL; def++) {
		const char *value = mail_user_plugin_getenv(user, def->key);

		if (value != NULL && asn_settings_set(set, def->key, value, &err) < 0)
			e_error(user->event, "asn: %s (using the default)", err.msg);
	}
}
