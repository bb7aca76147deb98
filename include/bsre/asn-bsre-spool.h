#ifndef ASN_BSRE_SPOOL_H
#define ASN_BSRE_SPOOL_H

#include <stdbool.h>
#include <time.h>
#include "asn-bsre.h"
#include "asn-settings.h"
#include "asn-store.h"

/* Recording a BSrE event must never fail a delivery.  When the store
   cannot take it (locked past the timeout, read-only, missing, full,
   wrong schema) the event goes to a spool file next to the BSrE database,
   "<asn_bsre_db>.spool", one line per event, and is replayed by the next
   successful recording or by `asnctl replay`. */

/* Its path: asn_settings_bsre_spool. */

/* One spooled event: the line format is versioned and tab-separated with
   \\, \t, \n and \r escaped; it carries only what the store would. */
struct asn_bsre_spooled {
	char email[256];
	char source[16];
	time_t received_at;
	struct asn_bsre_mail mail;
};
/* line without its newline.  Returns 0, or -1 with err naming the field.
   The event may own DKIM facts: asn_bsre_mail_clear(&out->mail). */
int asn_bsre_spool_parse_line(const char *line, struct asn_bsre_spooled *out,
			      struct asn_error *err);
/* Caller frees. */
char *asn_bsre_spool_format_line(const struct asn_bsre_spooled *event);

/* Appends one event (one write(), flushed to disk); concurrent writers
   and a concurrent replay are safe.  On a full file system the reserve
   (below) is released and the append tried once more; *used_reserve_r
   (may be NULL) says so. */
int asn_bsre_spool_append(const char *spool_path, const struct asn_bsre_spooled *event,
			  bool *used_reserve_r, struct asn_error *err);

/* A full disk fills the database and the spool beside it alike: a
   preallocated file, "<spool>.reserve", holds space back that the spool
   takes when nothing else is left.  asnctl init makes it; a successful
   recording makes it again once space is back. */
#define ASN_BSRE_SPOOL_RESERVE_SIZE (1024 * 1024)
char *asn_bsre_spool_reserve_path(const char *spool_path);
/* Creates the reserve when it is missing; 0, or -1 with err. */
int asn_bsre_spool_reserve_ensure(const char *spool_path, struct asn_error *err);

struct asn_bsre_replay_stats {
	unsigned int recorded, duplicates, bad_lines;
};
/* Moves the spool aside and records its events in one transaction; the
   file is removed only after the commit.  Returns 1 when something was
   replayed, 0 when there was no spool (or another replay holds it), -1 on
   error (the events stay spooled).  Unreadable lines are moved to
   "<spool>.bad" for a human and counted, never dropped silently. */
int asn_bsre_spool_replay(struct asn_store *store, const char *spool_path,
			  struct asn_bsre_replay_stats *stats_r, struct asn_error *err);

#endif
