/* asnctl's DKIM checks: the context from the settings, and the two ways a
   mail is judged after the fact (asn_bsre_trust's dkim_check): its whole
   raw text (scan, verify PATH) or the facts an unverified event kept
   (verify). */
#include "asnctl.h"
#include "asnctl-dkim.h"

#include <stdlib.h>
#include <string.h>

int asnctl_dkim_open(const struct asnctl *ctl, const struct asn_bsre_trust *trust,
		     struct asn_bsre_dkim **ctx_r)
{
	struct asn_bsre_dkim_options options;
	struct asn_error err;

	*ctx_r = NULL;
	if (trust->mode == ASN_BSRE_TRUST_AUTHRES)
		return EX_OK;
	asn_bsre_dkim_options_from(&ctl->set, trust->senders, &options);
	if (asn_bsre_dkim_init(&options, ctx_r, &err) < 0) {
		asnctl_error("%s", err.msg);
		return EX_CONFIG;
	}
	return EX_OK;
}

/* A stored mail: a key gone since it came leaves it unverified. */
static enum asn_bsre_dkim_verdict check_stored_mail(void *context, const char *data, size_t size,
						    const char **reason_r, char **facts_r)
{
	struct asn_bsre_dkim_result result;
	struct asn_error err;

	if (asn_bsre_dkim_recheck(context, data, size, &result, facts_r, &err) < 0)
		asnctl_warning("DKIM check: %s", err.msg);
	*reason_r = result.reason;
	return result.verdict;
}

void asnctl_dkim_hook_mail(struct asn_bsre_trust *trust, struct asn_bsre_dkim *ctx)
{
	trust->dkim_check = ctx == NULL ? NULL : check_stored_mail;
	trust->dkim_context = ctx;
}

/* An unverified event: its facts, not the data (the header alone, which
   asn_bsre_analyze() reads for the rest of the decision). */
static enum asn_bsre_dkim_verdict check_facts(void *context, const char *data, size_t size,
					      const char **reason_r, char **facts_r)
{
	struct asnctl_dkim_facts *f = context;
	struct asn_bsre_dkim_result result;
	struct asn_error err;

	(void)data;
	(void)size;
	if (asn_bsre_dkim_verify_facts(f->ctx, f->facts, &result, &err) < 0)
		asnctl_warning("DKIM check: %s", err.msg);
	*reason_r = result.reason;
	/* still unverified: the same facts stay */
	*facts_r = result.verdict == ASN_BSRE_DKIM_UNVERIFIED ? asn_xstrdup(f->facts) : NULL;
	return result.verdict;
}

void asnctl_dkim_hook_facts(struct asn_bsre_trust *trust, struct asnctl_dkim_facts *facts)
{
	trust->dkim_check = check_facts;
	trust->dkim_context = facts;
}
