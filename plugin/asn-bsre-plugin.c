/* asn_bsre delivery plugin (LMTP and LDA only): hook wiring.  Every
   delivery is looked at here (asn-bsre-candidate.c); only a candidate
   loads the recorder (asn-bsre-loader.c), which reads the mail
   (asn-bsre-read.c) and records it (asn-bsre-track.c). */
#include "lib.h"
#include "module-dir.h"
#include "mail-deliver.h"
#include "asn-bsre-plugin.h"

void asn_bsre_plugin_init(struct module *module);
void asn_bsre_plugin_deinit(void);

const char *asn_bsre_plugin_version = DOVECOT_ABI_VERSION;

static deliver_mail_func_t *next_deliver_mail;

static int asn_bsre_deliver_mail(struct mail_deliver_context *ctx,
				 struct mail_storage **storage_r)
{
	bool candidate;
	int ret;

	/* Candidacy is a property of the source mail alone: decided before
	   the delivery, recorded after it (a mail Sieve discards is still
	   one BSrE sent). */
	T_BEGIN {
		candidate = asn_bsre_mail_is_candidate(ctx->src_mail);
	} T_END;
	/* Whoever delivers (Sieve, or Dovecot's default save after a -1
	   here) does it exactly as without us; we only look. */
	ret = next_deliver_mail == NULL ? -1 : next_deliver_mail(ctx, storage_r);
	if (candidate) T_BEGIN {
		asn_bsre_recorder_track(ctx);
	} T_END;
	return ret;
}

void asn_bsre_plugin_init(struct module *module)
{
	asn_bsre_recorder_init(module->path);
	next_deliver_mail = mail_deliver_hook_set(asn_bsre_deliver_mail);
}

void asn_bsre_plugin_deinit(void)
{
	if (mail_deliver_hook_set(next_deliver_mail) != asn_bsre_deliver_mail)
		i_panic("asn_bsre: a plugin loaded after us did not restore the deliver hook");
	asn_bsre_recorder_deinit();
}
