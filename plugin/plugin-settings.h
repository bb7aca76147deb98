#ifndef ASN_PLUGIN_SETTINGS_H
#define ASN_PLUGIN_SETTINGS_H

#include "asn-settings.h"

struct mail_user;

/* The one place where the plugins read Dovecot's settings, on both lines:
   2.3's plugin {} block (and userdb fields, which 2.3 makes plugin
   settings), 2.4's declared settings (asn-dovecot-settings.c). */

/* Our settings for the user, read once per call.  0 when every value is
   valid; -1 with error_r naming the first bad setting and the values it
   allows (or why Dovecot could not give them), the bad values replaced by
   their defaults in set all the same.  A login fails on -1 (asn-user.c:
   guessing could restrict everyone, or no one); a delivery logs it and
   goes on with the defaults (a setting must never stop mail).  2.4's
   doveconf refuses the same values before any session. */
int asn_plugin_read_settings(struct mail_user *user, struct asn_settings *set,
			     const char **error_r);

/* One setting or userdb field of the user (asn_alert, asn_name ...):
   0 with value_r NULL when not set; -1 with error_r when Dovecot cannot
   give the user's settings (2.4: a userdb field with a bad value makes
   settings_get fail for the whole set).  Values live on the data stack. */
int asn_plugin_user_lookup(struct mail_user *user, const char *key,
			   const char **value_r, const char **error_r);
/* The same, NULL when not set or not readable: for the decorations only
   (the name, the alert text), never for what decides a restriction. */
const char *asn_plugin_user_get(struct mail_user *user, const char *key);
/* A yes/no setting or userdb field (asn_must_change); unset is no.  -1
   with error_r when it cannot be read or is neither yes nor no: the
   caller must not take that for "no" (that would lift the restriction). */
int asn_plugin_user_get_bool(struct mail_user *user, const char *key,
			     bool *value_r, const char **error_r);

#endif
