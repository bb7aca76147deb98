/* doveadm's side of reading our settings: the only file of the doveadm
   plugin that differs between Dovecot 2.3 and 2.4. */
#include "lib.h"
#include "doveadm.h"
#include "doveadm-cmd.h"
#include "doveadm-asn-settings.h"

#if DOVECOT_PREREQ(2, 4, 0)
#include "settings.h"
#include "asn-dovecot-settings.h"

static const char *doveadm_setting(const char *key, void *context)
{
	return asn_dovecot_setting(context, key);
}

int asn_doveadm_read_settings(struct doveadm_cmd_context *cctx, struct asn_settings *set,
			      struct asn_error *err)
{
	const struct asn_dovecot_settings *dset;
	const char *error;
	int ret;

	if (settings_get(cctx->set_event, &asn_setting_parser_info, 0, &dset, &error) < 0) {
		asn_error_set(err, "%s", error);
		return -1;
	}
	ret = asn_settings_load(set, doveadm_setting, NULL, (void *)dset, err);
	settings_free(dset);
	return ret;
}
#else
#include "doveadm-util.h"

static const char *doveadm_setting(const char *key, void *context ATTR_UNUSED)
{
	return doveadm_plugin_getenv(key);
}

int asn_doveadm_read_settings(struct doveadm_cmd_context *cctx ATTR_UNUSED,
			      struct asn_settings *set, struct asn_error *err)
{
	return asn_settings_load(set, doveadm_setting, NULL, NULL, err);
}
#endif
