#ifndef ASN_DOVECOT_SETTINGS_H
#define ASN_DOVECOT_SETTINGS_H

/* Dovecot 2.4: our settings and userdb fields declared to Dovecot
   (asn-settings-list.h), for settings_get() in the plugins and for
   doveconf (the settings module lib10_asn_settings.so). */
#if DOVECOT_PREREQ(2, 4, 0)
#include "settings-parser.h"

struct asn_dovecot_settings;

extern const struct setting_parser_info asn_setting_parser_info;

/* The value of key (asn_*), NULL when key is not declared.  A userdb field
   left empty is NULL too, as an absent field is on 2.3. */
const char *asn_dovecot_setting(const struct asn_dovecot_settings *set, const char *key);
#endif

#endif
