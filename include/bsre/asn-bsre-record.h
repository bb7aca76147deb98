#ifndef ASN_BSRE_RECORD_H
#define ASN_BSRE_RECORD_H

#include "asn-bsre-spool.h"

/* What the delivery plugin calls: record in the store, replay a pending
   spool after a success, spool on failure.  Returns 0 when the event is
   recorded or spooled (result says which), -1 when it could not be kept
   at all (err says why).  A replay or a reserve that fails after a
   success does not lose this event: result says so, for the log. */
struct asn_bsre_record_result {
	bool recorded;			/* stored now (false: duplicate or spooled) */
	bool duplicate;
	bool spooled;
	bool used_reserve;		/* the disk was full: the reserve made room */
	struct asn_error store_error;	/* why the store refused, when spooled */
	unsigned int replayed;		/* spooled events replayed after it */
	bool replay_failed;		/* the spool stays for later: replay_error */
	struct asn_error replay_error;
	bool reserve_failed;		/* the spool's reserve not made again */
	struct asn_error reserve_error;
};
int asn_bsre_record(const struct asn_settings *set, const struct asn_bsre_spooled *event,
		    struct asn_bsre_record_result *result_r, struct asn_error *err);
/* Closes the connection asn_bsre_record keeps (PostgreSQL), at the
   process's end. */
void asn_bsre_record_close(void);

#endif
