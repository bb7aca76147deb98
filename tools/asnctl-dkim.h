#ifndef ASNCTL_DKIM_H
#define ASNCTL_DKIM_H

#include "asn-bsre.h"
#include "asn-bsre-dkim.h"

struct asnctl;

/* The DKIM context of the settings (asn_bsre_dkim_*); NULL when
   asn_bsre_trust = authres.  EX_OK, or EX_CONFIG with the error printed. */
int asnctl_dkim_open(const struct asnctl *ctl, const struct asn_bsre_trust *trust,
		     struct asn_bsre_dkim **ctx_r);

/* asn_bsre_analyze() checks a stored mail's own signature with ctx
   (asn_bsre_dkim_recheck(): a key rotated away since is unverified). */
void asnctl_dkim_hook_mail(struct asn_bsre_trust *trust, struct asn_bsre_dkim *ctx);

/* asn_bsre_analyze() of an unverified event's header judges its DKIM from
   the facts it kept (asn_bsre_dkim_verify_facts()). */
struct asnctl_dkim_facts {
	struct asn_bsre_dkim *ctx;
	const char *facts;
};
void asnctl_dkim_hook_facts(struct asn_bsre_trust *trust, struct asnctl_dkim_facts *facts);

#endif
