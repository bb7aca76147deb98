#ifndef ASN_STORE_NOTICE_H
#define ASN_STORE_NOTICE_H

#include "asn-store.h"

/* What asnctl notify sent (notices_sent): a recipient, a condition (its
   name, or "digest"), an occurrence key. */

/* Returns 1 when this occurrence was sent to the recipient, 0 when not,
   -1 on error. */
int asn_store_notice_was_sent(struct asn_store *store, const char *recipient,
			      const char *condition, const char *occurrence,
			      struct asn_error *err);
/* Remembers it, once the mailbox took the message.  Returns 1 recorded,
   0 when it was already, -1 on error. */
int asn_store_notice_mark_sent(struct asn_store *store, const char *recipient,
			       const char *condition, const char *occurrence, time_t sent_at,
			       struct asn_error *err);
/* The latest time the condition was sent to the recipient: 1 with
   *sent_at_r, 0 when never, -1 on error. */
int asn_store_notice_last_sent(struct asn_store *store, const char *recipient,
			       const char *condition, time_t *sent_at_r, struct asn_error *err);

#endif
