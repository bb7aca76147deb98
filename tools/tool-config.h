#ifndef TOOL_CONFIG_H
#define TOOL_CONFIG_H

#include "asn-settings.h"

#ifndef ASN_SYSCONFDIR
#  define ASN_SYSCONFDIR "/etc"
#endif
/* The tools' own settings file: read only when -c names it, or when this
   host has no doveconf (a site running asnctl on another host). */
#define ASN_DEFAULT_CONFIG ASN_SYSCONFDIR "/dovecot/dovecot-asn/asnctl.conf"
/* Dovecot's doveconf as configure found it; $ASN_DOVECONF overrides. */
#ifndef ASN_DOVECONF_PATH
#  define ASN_DOVECONF_PATH "/usr/bin/doveconf"
#endif

/* Where the settings come from, in this order:
   1. -c FILE: that file only (`key = value` lines);
   2. else Dovecot's own configuration through doveconf (-c dovecot_config
      when given, else Dovecot's default), the same values the plugins use;
   3. else, only when there is no doveconf at all, ASN_DEFAULT_CONFIG if
      it exists.
   doveconf failing, or answering a value the plugins would refuse, is an
   error: never a silent fall back to another file. */
struct asn_tool_config {
	const char *file;		/* -c FILE, or NULL */
	const char *dovecot_config;	/* --dovecot-config FILE, or NULL */

	char source[1200];		/* out: where the settings came from */
	char warning[2048];		/* out: "" or a note for the admin */
};

/* Fills set (initialised by the caller, defaults) from the source chosen
   as above.  Returns EX_OK, or EX_NOINPUT when the file cannot be read,
   EX_UNAVAILABLE when doveconf is missing and no file stands in, and
   EX_CONFIG when a value is wrong or doveconf fails, with err set. */
int asn_tool_read_config(struct asn_settings *set, struct asn_tool_config *cfg,
			 struct asn_error *err);

#endif
