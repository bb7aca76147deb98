#ifndef TOOL_DOVECONF_H
#define TOOL_DOVECONF_H

#include "asn-settings.h"

/* Runs `DOVECONF [-c CONFIG] plugin` (Dovecot 2.3) or `DOVECONF [-c
   CONFIG] -n` (2.4): one process, the cheapest way measured (see
   asn-doveconf.h), and reads its answer into set (asn_doveconf_parse: the
   plugins' own checks).  config NULL: Dovecot's default configuration.
   Returns 0; -1 with err when doveconf cannot be started (*missing_r true
   when the program does not exist), fails (its own message quoted) or
   answers what we cannot read.  set holds nothing to free after -1. */
int asn_tool_doveconf(struct asn_settings *set, const char *doveconf, const char *config,
		      bool *missing_r, struct asn_error *err);

#endif
