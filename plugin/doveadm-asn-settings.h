#ifndef DOVEADM_ASN_SETTINGS_H
#define DOVEADM_ASN_SETTINGS_H

#include "asn-settings.h"

struct doveadm_cmd_context;

/* Our settings as doveadm sees them (2.3: plugin {}; 2.4: the declared
   settings).  An admin asked: a bad value fails (-1, err says which)
   instead of being replaced by its default. */
int asn_doveadm_read_settings(struct doveadm_cmd_context *cctx, struct asn_settings *set,
			      struct asn_error *err);

#endif
