#ifndef ASN_PLUGIN_SETTINGS_H
#define ASN_PLUGIN_SETTINGS_H

#include "asn-settings.h"

struct mail_user;

/* The one place where the plugins read Dovecot's settings, on both lines:
   2.3's plugin {} block (and userdb fields, which 2.3 makes plugin
   settings), 2.4's declared settings (asn-dovecot-settings.c). */

/* Our settings for the user.  A bad value is logged and replaced by its
   default: a setting must never stop mail.  (2.4's doveconf refuses bad
   values before any session.) */
void asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set);

/* One setting or userdb field of the user (asn_alert, asn_name ...), NULL
   when not set.  The value lives on the data stack. */
const char *asn_plugin_user_get(struct mail_user *user, const char *key);
/* A yes/no setting or userdb field (asn_must_change); unset is no. */
bool asn_plugin_user_get_bool(struct mail_user *user, const char *key);

#endif
