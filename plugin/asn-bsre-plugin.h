#ifndef ASN_BSRE_PLUGIN_H
#define ASN_BSRE_PLUGIN_H

#include "asn-bsre.h"

struct mail;
struct mail_deliver_context;

/* The plugin (every delivery) --------------------------------------- */

/* Whether a delivered mail is a BSrE candidate (tagged or look-alike
   Subject); ordinary mail is told from its raw header bytes. */
bool asn_bsre_mail_is_candidate(struct mail *mail);

/* The recorder's path from the plugin's own (plugin_path's directory
   /asn-bsre/asn_bsre_recorder.so); an error logged when it is missing. */
void asn_bsre_recorder_init(const char *plugin_path);
void asn_bsre_recorder_deinit(void);
/* Loads the recorder on first use and hands it the delivery. */
void asn_bsre_recorder_track(struct mail_deliver_context *ctx);

/* The recorder (loaded for candidates only) ------------------------- */

/* Its entry point and the version the plugin checks before calling it:
   the Dovecot ABI and ours, as both were built. */
#define ASN_BSRE_RECORDER_VERSION DOVECOT_ABI_VERSION " dovecot-asn " ASN_PACKAGE_VERSION
typedef void asn_bsre_recorder_track_func(struct mail_deliver_context *ctx);
extern const char *asn_bsre_recorder_version;
/* Records a delivery's BSrE event (or spools it); never fails the
   delivery, logs what went wrong. */
void asn_bsre_recorder_track_delivery(struct mail_deliver_context *ctx);

/* Reads the BSrE facts of a delivered mail with Dovecot's lib-mail, for
   the core to decide on.  owner: the mailbox's user; envelope_to: the
   envelope recipient (NULL if unknown).  Returns 0 (the mail's event NONE
   when it is no candidate) or -1 when the mail cannot be read.
   dkim: the DKIM context (NULL: not checked); a candidate's raw mail is
   verified with it, and *dkim_r (may be NULL) gets the verdict for the
   log.  out may own DKIM facts: asn_bsre_mail_clear(). */
struct asn_bsre_dkim;
int asn_bsre_read_mail(struct mail *mail, const struct asn_bsre_trust *trust,
		       struct asn_bsre_dkim *dkim, const char *owner, const char *envelope_to,
		       size_t body_max, struct asn_bsre_mail *out,
		       struct asn_bsre_dkim_result *dkim_r);

#endif
