/* The recorder: recording a candidate delivery's BSrE event.  Nothing
   here may fail, delay or lose a delivery: errors are logged, events the
   store cannot take are spooled (lib/bsre-spool.c). */
#include "lib.h"
#include "ioloop.h"
#include "mail-storage.h"
#include "mail-user.h"
#include "mail-deliver.h"
#include "smtp-address.h"
#include "asn-bsre-plugin.h"
#include "asn-bsre-record.h"
#include "plugin-settings.h"

#include <stdlib.h>
#include <sys/stat.h>

struct bsre_config {
	struct asn_settings set;
	struct asn_bsre_trust_config trust;
};

/* libpq resolves a host name synchronously, with no bound of ours: a
   slow resolver would hold the mail past asn_bsre_busy_timeout.  Said
   once per process. */
static void warn_resolver(const struct asn_settings *set, struct event *event)
{
	static bool warned;
	char *conninfo;

	if (warned || !asn_settings_db_is_pgsql(set->db))
		return;
	warned = TRUE;
	conninfo = asn_settings_bsre_db(set);
	if (asn_store_conninfo_resolves(conninfo))
		e_warning(event, "%s names its database server by a host name: libpq resolves "
			  "it with no time bound, which may hold a delivery past "
			  "asn_bsre_busy_timeout; give its address (hostaddr=, or an IP)",
			  strcmp(conninfo, set->db) == 0 ? "asn_db" : "asn_bsre_db");
	free(conninfo);
}

static void config_read(struct mail_user *user, struct event *event, struct bsre_config *cfg)
{
	struct asn_error err;
	const char *error;

	if (asn_plugin_read_settings(user, &cfg->set, &error) < 0)
		e_error(event, "asn: %s (using the defaults: a setting never stops mail)", error);
	/* A delivery waits for a locked database only this long. */
	cfg->set.db_busy_timeout = cfg->set.bsre_busy_timeout;
	if (asn_bsre_trust_config_init(&cfg->trust, &cfg->set, &err) < 0)
		e_error(event, "asn_bsre_subjects: %s (using the default)", err.msg);
	warn_resolver(&cfg->set, event);
}

/* The DKIM context: made once per process (the key file read, the
   resolver set up), again only when a setting or the key file changes. */
static struct asn_bsre_dkim *dkim_ctx;
static char *dkim_ctx_key;

static struct asn_bsre_dkim *dkim_context(const struct bsre_config *cfg, struct event *event)
{
	struct asn_bsre_dkim_options options;
	struct asn_error err;
	struct stat st;
	const char *key;

	if (cfg->trust.trust.mode == ASN_BSRE_TRUST_AUTHRES)
		return NULL;
	asn_bsre_dkim_options_from(&cfg->set, cfg->trust.trust.senders, &options);
	i_zero(&st);
	if (options.keys_path[0] != '\0' && stat(options.keys_path, &st) < 0)
		st.st_mtime = -1;
	key = t_strdup_printf("%s|%u|%s|%s|%lld|%lld", cfg->set.bsre_senders,
			      options.timeout_secs, options.resolver, options.keys_path,
			      (long long)st.st_mtime, (long long)st.st_ino);
	if (dkim_ctx != NULL && strcmp(dkim_ctx_key, key) == 0)
		return dkim_ctx;
	asn_bsre_dkim_deinit(&dkim_ctx);
	i_free(dkim_ctx_key);
	if (asn_bsre_dkim_init(&options, &dkim_ctx, &err) < 0) {
		e_error(event, "DKIM checks impossible: %s (BSrE mail is recorded untrusted "
			"until this is fixed; asnctl scan can judge it again)", err.msg);
		return NULL;
	}
	dkim_ctx_key = i_strdup(key);
	return dkim_ctx;
}

static void config_free(struct bsre_config *cfg)
{
	asn_bsre_trust_config_free(&cfg->trust);
	asn_settings_free(&cfg->set);
}

static void log_outcome(struct event *event, const struct asn_bsre_mail *mail, int ret,
			const struct asn_bsre_record_result *result, const struct asn_error *err,
			const struct asn_bsre_dkim_result *dkim)
{
	const char *name = asn_bsre_event_name(mail->event);

	if (ret < 0) {
		e_error(event, "BSrE event %s <%s> lost: %s", name, mail->message_key, err->msg);
	} else if (result->spooled) {
		e_error(event, "database unavailable, BSrE event %s spooled for replay%s: %s", name,
			result->used_reserve ? " (disk full: the spool's reserve was used)" : "",
			result->store_error.msg);
	} else {
		e_debug(event, "BSrE event %s (%s %s)%s", name, mail->trusted ? "trusted by" :
			mail->replayed ? "replayed:" : mail->unverified ? "unverified:" : "untrusted:",
			mail->trusted ? mail->trusted_by : mail->trust_reason,
			result->duplicate ? ", already recorded" : "");
		if (result->replayed > 0)
			e_info(event, "database back: %u spooled BSrE events replayed",
			       result->replayed);
		if (result->replay_failed)
			e_error(event, "replaying the BSrE spool failed (it stays for "
				"'asnctl replay'): %s", result->replay_error.msg);
		if (result->reserve_failed)
			e_warning(event, "the BSrE spool's reserve cannot be made again: %s",
				  result->reserve_error.msg);
	}
	if (mail->replayed)
		e_warning(event, "BSrE mail from %s (%s) is addressed to someone else: "
			  "recorded as replayed, it moves nothing", mail->sender, mail->message_key);
	else if (mail->unverified)
		e_warning(event, "BSrE mail from %s (%s) not verified yet: %s; recorded as "
			  "unverified, 'asnctl verify' checks it again", mail->sender,
			  mail->message_key, dkim->message);
	else if (!mail->trusted)
		e_warning(event, "untrusted BSrE-looking mail from %s (%s): %s%s%s; possible phishing",
			  mail->sender[0] != '\0' ? mail->sender : "(no From)", mail->message_key,
			  mail->trust_reason, dkim->message[0] != '\0' ? ": " : "", dkim->message);
}

const char *asn_bsre_recorder_version = ASN_BSRE_RECORDER_VERSION;

void asn_bsre_recorder_track_delivery(struct mail_deliver_context *ctx)
{
	struct mail_user *user = ctx->rcpt_user;
	struct event *event;
	struct bsre_config cfg;
	struct asn_bsre_spooled spooled;
	struct asn_bsre_record_result result;
	struct asn_bsre_dkim_result dkim;
	struct asn_error err;
	int ret;

	event = event_create(ctx->event);
	event_set_append_log_prefix(event, "asn_bsre: ");
	config_read(user, event, &cfg);

	i_zero(&spooled);
	if (asn_bsre_read_mail(ctx->src_mail, &cfg.trust.trust, dkim_context(&cfg, event),
			       user->username,
			       ctx->rcpt_to == NULL ? NULL : smtp_address_encode(ctx->rcpt_to),
			       cfg.set.bsre_body_max, &spooled.mail, &dkim) < 0) {
		e_error(event, "cannot read the mail: %s",
			mailbox_get_last_internal_error(ctx->src_mail->box, NULL));
	} else if (spooled.mail.event != ASN_BSRE_NONE) {
		i_strocpy(spooled.email, user->username, sizeof(spooled.email));
		i_strocpy(spooled.source, user->service, sizeof(spooled.source));
		spooled.received_at = ioloop_time;
		ret = asn_bsre_record(&cfg.set, &spooled, &result, &err);
		log_outcome(event, &spooled.mail, ret, &result, &err, &dkim);
	}
	asn_bsre_mail_clear(&spooled.mail);
	config_free(&cfg);
	event_unref(&event);
}

/* The PostgreSQL connection asn_bsre_record keeps goes with the recorder:
   at dlclose (the plugin's deinit) or the process's end. */
static void __attribute__((destructor)) recorder_unload(void)
{
	asn_bsre_record_close();
}
