#ifndef TOOL_CONFIG_H
#define TOOL_CONFIG_H

#include "asn-settings.h"

#ifndef ASN_SYSCONFDIR
#  define ASN_SYSCONFDIR "/etc"
#endif
/* The settings file asnctl and asn-passwdd share. */
#define ASN_DEFAULT_CONFIG ASN_SYSCONFDIR "/dovecot/dovecot-asn/asnctl.conf"

/* Reads *path_io, or the default file when it exists (*path_io is then set
   to it; without either, the defaults stand).  Returns EX_OK, or
   EX_NOINPUT when the file cannot be read and EX_CONFIG when it is wrong,
   with err set. */
int asn_tool_read_config(struct asn_settings *set, const char **path_io,
			 struct asn_error *err);

#endif
