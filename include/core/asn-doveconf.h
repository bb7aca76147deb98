#ifndef ASN_DOVECONF_H
#define ASN_DOVECONF_H

#include "asn-settings.h"

/* The asn_* settings as Dovecot's own configuration has them, read from
   the text doveconf prints when asked for each of them by name
   (`doveconf plugin/asn_db plugin/asn_domain ...` on 2.3,
   `doveconf asn_db asn_domain ...` on 2.4): one line `NAME = VALUE` per
   setting that is set, the value verbatim to the end of the line.  Text
   only: no Dovecot library. */

/* What a setting is called on the doveconf command line of that Dovecot
   line: "plugin/" on 2.3, "" on 2.4. */
#define ASN_DOVECONF_PREFIX_23 "plugin/"
#define ASN_DOVECONF_PREFIX_24 ""

/* Initialises set with the defaults and applies doveconf's output through
   asn_settings_load and asn_settings_check, the plugins' own rules.  Each
   line is `PREFIX` + one of our keys + " = " + value (a bare " =" for an
   empty one).  Another line, a key that is not ours or given twice, or a
   NUL byte is an error naming `name`:LINE; an invalid value names the
   setting.  Returns 0, or -1 with err (set then holds nothing to free). */
int asn_doveconf_parse(struct asn_settings *set, const char *name, const char *prefix,
		       const char *data, size_t size, struct asn_error *err);

#endif
