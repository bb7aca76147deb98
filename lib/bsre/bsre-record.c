/* Recording one delivery's BSrE event: in the store when it can take it,
   in the spool when it cannot; a pending spool is replayed after a
   success.  What the delivery plugin calls. */
#include "asn-bsre-record.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* PostgreSQL: the delivery process keeps its connection between BSrE
   mails (a connect costs several round trips and an authentication; the
   statement, one).  SQLite is opened per mail: a file, no cost to keep. */
static struct asn_store *kept_store;
static char *kept_conninfo;
/* the process that connected: a child forked since (a Sieve program, a
   pipe) shares its socket and must neither use nor close it */
static pid_t kept_pid;
/* when the events' schema version was last read on it: an asnctl init
   may have upgraded the schema since (CLOCK_MONOTONIC seconds) */
static time_t kept_checked;

/* A kept connection idle longer than this reads the schema's version
   again before its next event (one round trip): an upgrade to a version
   this process does not know is refused, as SQLite's per-mail open does,
   within this long of it.  A burst of mails pays it once. */
#define KEPT_RECHECK_SECS 2

static time_t monotonic_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void asn_bsre_record_close(void)
{
	if (kept_store != NULL && kept_pid != getpid()) {
		/* the parent's: forgotten here (this process is ending or
		   connects anew), closed by the parent */
		kept_store = NULL;
	}
	asn_store_close(&kept_store);
	free(kept_conninfo);
	kept_conninfo = NULL;
}

static int store_get(const struct asn_settings *set, struct asn_store **store_r,
		     struct asn_error *err)
{
	char *conninfo;

	if (!asn_settings_db_is_pgsql(set->db))
		return asn_store_open_bsre(set, store_r, err);
	conninfo = asn_settings_bsre_db(set);
	if (kept_store != NULL && kept_pid == getpid() && strcmp(kept_conninfo, conninfo) == 0 &&
	    asn_store_alive(kept_store)) {
		time_t now = monotonic_secs();

		/* a failed check drops it: a new connection checks again
		   (the delivery's deadline bounds both) */
		if (now - kept_checked < KEPT_RECHECK_SECS ||
		    asn_store_bsre_recheck(kept_store, err) == 0) {
			kept_checked = now;
			free(conninfo);
			*store_r = kept_store;
			return 0;
		}
	}
	asn_bsre_record_close();
	if (asn_store_open_bsre(set, store_r, err) < 0) {
		free(conninfo);
		return -1;
	}
	kept_store = *store_r;
	kept_conninfo = conninfo;
	kept_pid = getpid();
	kept_checked = monotonic_secs();
	return 0;
}

/* Closes what store_get opened, except the kept connection while it
   works: one that failed is dropped, the next mail connects again. */
static void store_put(struct asn_store **store, bool failed)
{
	if (*store == NULL)
		return;
	if (*store != kept_store)
		asn_store_close(store);
	else if (failed)
		asn_bsre_record_close();
	*store = NULL;
}

int asn_bsre_record(const struct asn_settings *set, const struct asn_bsre_spooled *event,
		    struct asn_bsre_record_result *result, struct asn_error *err)
{
	struct asn_store *store = NULL;
	char *spool = asn_settings_bsre_spool(set);
	int added = -1;

	memset(result, 0, sizeof(*result));
	/* one bound for everything below: the mail waits
	   asn_bsre_busy_timeout at most (PostgreSQL; SQLite's busy timeout
	   bounds each lock wait) */
	asn_store_deadline_start(set->bsre_busy_timeout < 1 ? 1000 :
				 set->bsre_busy_timeout * 1000);
	if (store_get(set, &store, &result->store_error) == 0) {
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
		store_put(&store, result->replay_failed);
		asn_store_deadline_end();
		free(spool);
		return 0;
	}
	store_put(&store, true);
	asn_store_deadline_end();
	if (asn_bsre_spool_append(spool, event, &result->used_reserve, err) < 0) {
		asn_error_prefix(err, "%s; and spooling failed: ", result->store_error.msg);
		free(spool);
		return -1;
	}
	result->spooled = true;
	free(spool);
	return 0;
}
