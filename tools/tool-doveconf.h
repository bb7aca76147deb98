#ifndef TOOL_DOVECONF_H
#define TOOL_DOVECONF_H

#include "asn-settings.h"

/* Runs `DOVECONF [-c CONFIG] NAME...` with one NAME per setting of the
   core's table (plugin/asn_x on Dovecot 2.3, asn_x on 2.4: one process
   for all of them) and reads its answer into set (asn_doveconf_parse: the
   plugins' own checks).  config NULL: Dovecot's default configuration.
   Returns 0; -1 with err when doveconf cannot be started (*missing_r true
   when the program does not exist), fails (its own message quoted) or
   answers what we cannot read.  set holds nothing to free after -1. */
int asn_tool_doveconf(struct asn_settings *set, const char *doveconf, const char *config,
		      bool *missing_r, struct asn_error *err);

#endif
