#ifndef ASN_PLUGIN_SETTINGS_H
#define ASN_PLUGIN_SETTINGS_H

#include "asn-settings.h"

struct mail_user;

/* Our settings from the user's plugin {} block.  A bad value is logged and
   replaced by its default: a setting must never stop mail. */
void asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set);

#endif
