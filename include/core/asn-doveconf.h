#ifndef ASN_DOVECONF_H
#define ASN_DOVECONF_H

#include "asn-settings.h"

/* The asn_* settings as Dovecot's own configuration has them, read from
   what doveconf prints: on 2.3 `doveconf plugin` (the plugin {} block),
   on 2.4 `doveconf -n` (our settings at the top level).  One doveconf run
   either way, the cheapest measured (2.3: 4 ms against 23 ms for asking
   each setting by name; 2.4: 27 against 64 ms).  Text only: no Dovecot
   library. */

/* Where our settings are in that output: inside the top-level plugin {}
   block on 2.3, at the top level on 2.4. */
#define ASN_DOVECONF_SECTION_23 "plugin"
#define ASN_DOVECONF_SECTION_24 ""

/* Initialises set with the defaults and applies the `asn_NAME = VALUE`
   lines of section (the value verbatim to the end of the line; "NAME ="
   is empty) through asn_settings_load and asn_settings_check, the
   plugins' own rules.  Lines of other blocks (protocol lmtp {}, passdb
   {} ...), other settings, names that are not ours (as the plugins ignore
   them) and '#' comments are skipped.  Unbalanced braces, a line that is
   neither a setting nor a brace, one of ours given twice, or a NUL byte
   is an error naming `name`:LINE; an invalid value names the setting.
   Returns 0, or -1 with err (set then holds nothing to free). */
int asn_doveconf_parse(struct asn_settings *set, const char *name, const char *section,
		       const char *data, size_t size, struct asn_error *err);

#endif
