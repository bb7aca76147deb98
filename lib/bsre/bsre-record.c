/* Recording one delivery's BSrE event: in the store when it can take it,
   in the spool when it cannot; a pending spool is replayed after a
   success.  What the delivery plugin calls. */
#include "asn-bsre-record.h"

#include <stdlib.h>
#include <string.h>

int asn_bsre_record(const struct asn_settings *set, const struct asn_bsre_spooled *event,
		    struct asn_bsre_record_result *result, struct asn_error *err)
{
	struct asn_store *store = NULL;
	char *bsre_db = asn_settings_bsre_db(set);
	char *spool = asn_bsre_spool_path(bsre_db);
	int added = -1;

	free(bsre_db);

	memset(result, 0, sizeof(*result));
	if (asn_store_open_bsre(set, &store, &result->store_error) == 0) {
		added = asn_store_bsre_event_add(store, event->email, &event->mail,
						 event->received_at, event->source,
						 &result->store_error);
	}
	if (added >= 0) {
		struct asn_bsre_replay_stats stats;
		int replayed;

		result->recorded = added > 0;
		result->duplicate = added == 0;
		/* The store is back: empty the spool now rather than wait
		   for an admin. */
		replayed = asn_bsre_spool_replay(store, spool, &stats, &result->replay_error);
		if (replayed > 0)
			result->replayed = stats.recorded;
		result->replay_failed = replayed < 0;
		/* space is back after a full disk: hold some back again */
		result->reserve_failed =
			asn_bsre_spool_reserve_ensure(spool, &result->reserve_error) < 0;
		asn_store_close(&store);
		free(spool);
		return 0;
	}
	asn_store_close(&store);
	if (asn_bsre_spool_append(spool, event, &result->used_reserve, err) < 0) {
		asn_error_prefix(err, "%s; and spooling failed: ", result->store_error.msg);
		free(spool);
		return -1;
	}
	result->spooled = true;
	free(spool);
	return 0;
}
