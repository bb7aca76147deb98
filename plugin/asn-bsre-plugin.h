#ifndef ASN_BSRE_PLUGIN_H
#define ASN_BSRE_PLUGIN_H

#include "asn-bsre.h"

struct mail;
struct mail_deliver_context;

/* Reads the BSrE facts of a delivered mail with Dovecot's lib-mail, for
   the core to decide on.  owner: the mailbox's user; envelope_to: the
   envelope recipient (NULL if unknown).  Returns 0 (the mail's event NONE
   when it is no candidate) or -1 when the mail cannot be read. */
int asn_bsre_read_mail(struct mail *mail, const struct asn_bsre_trust *trust,
		       const char *owner, const char *envelope_to, size_t body_max,
		       struct asn_bsre_mail *out);

/* Records a delivery's BSrE event (or spools it); never fails the
   delivery, logs what went wrong. */
void asn_bsre_track_delivery(struct mail_deliver_context *ctx);

#endif
