#ifndef ASN_DOVECOT_SETTINGS_H
#define ASN_DOVECOT_SETTINGS_H

/* Dovecot 2.4: our settings and userdb fields declared to Dovecot
   (asn-settings-list.h), for settings_get() in the plugins and for
   doveconf (the settings module lib10_asn_dovecot_settings.so). */
#if DOVECOT_PREREQ(2, 4, 0)
#include "settings-parser.h"

/* Every value a string: the core's parser reads them (asn_settings_load). */
struct asn_dovecot_settings {
	pool_t pool;
#define ASN_SETTING(name, type, field, def, min, max, desc) const char *name;
#define ASN_USERDB_FIELD(name, def, desc) const char *name;
#include "asn-settings-list.h"
};

extern const struct setting_parser_info asn_setting_parser_info;

/* The value of key (asn_*), NULL when key is not declared.  A userdb field
   left empty is NULL too, as an absent field is on 2.3. */
const char *asn_dovecot_setting(const struct asn_dovecot_settings *set, const char *key);
#endif

#endif
