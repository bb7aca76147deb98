/* BSrE progress kept per account (schema step 6): what each person's
   events say (asn_bsre_fold), on their account row, so that a report of an
   OPD reads that OPD's accounts and nothing else.

   The deliveries only add events (on PostgreSQL they may do nothing else),
   so the readers keep the folds: before a report, a writable store folds
   the events added since bsre_fold_state.through_id and the accounts not
   folded yet (bsre_stage NULL: new, or from before step 6), in short
   transactions that begin by locking bsre_fold_state, one refresher at a
   time.  A read-only store (doveadm) changes nothing and folds those same
   events itself for the report.  The rule of the fold lives in
   bsre-progress.c only. */
#include "store-private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An event becomes visible when its insert commits, not when its id is
   drawn: on PostgreSQL a delivery's id may show up after a larger one.
   through_id never passes an event recorded in the last REFRESH_MARGIN
   seconds: those are folded again at each refresh until they are older
   than any insert can take (a delivery's is bounded by
   asn_bsre_busy_timeout) plus the clocks' skew between servers. */
#define REFRESH_MARGIN (15 * 60)
/* rows per refresh transaction: a long one would hold the accounts'
   write lock (SQLite) against password changes */
#define REFRESH_BATCH 2000

enum fold_flag {
	FOLD_ANY_TRUSTED = 1 << 0,
	FOLD_ANY_UNTRUSTED = 1 << 1,
	FOLD_ANY_UNVERIFIED = 1 << 2,
	FOLD_ACTIVE_AFTER_ACTIVATION = 1 << 3,
	FOLD_ISSUED_AFTER_PASSPHRASE = 1 << 4,
};

static int64_t fold_flags(const struct asn_bsre_fold *f)
{
	return (f->any_trusted ? FOLD_ANY_TRUSTED : 0) |
		(f->any_untrusted ? FOLD_ANY_UNTRUSTED : 0) |
		(f->any_unverified ? FOLD_ANY_UNVERIFIED : 0) |
		(f->active_after_activation ? FOLD_ACTIVE_AFTER_ACTIVATION : 0) |
		(f->issued_after_passphrase ? FOLD_ISSUED_AFTER_PASSPHRASE : 0);
}

/* A person's events, folded. */
struct event_list {
	struct asn_bsre_event_record *events;
	char **valid_until;
	size_t count, size;
};

static void event_list_add(struct event_list *l, const struct asn_bsre_stored_event *ev)
{
	if (l->count == l->size) {
		l->size = l->size == 0 ? 8 : l->size * 2;
		l->events = asn_xrealloc(l->events, l->size * sizeof(*l->events));
		l->valid_until = asn_xrealloc(l->valid_until, l->size * sizeof(*l->valid_until));
	}
	l->valid_until[l->count] = asn_xstrdup(ev->cert_valid_until);
	l->events[l->count] = (struct asn_bsre_event_record){
		.type = ev->type,
		.received_at = ev->received_at,
		.trusted = ev->trusted,
		.unverified = ev->unverified,
	};
	l->count++;
}

static int collect_event(const struct asn_bsre_stored_event *ev, void *context)
{
	event_list_add(context, ev);
	return 0;
}

/* a type this build does not know (a newer writer): other, as
   asn_store_bsre_events reads it */
static enum asn_bsre_event column_event_type(struct asn_db_stmt *stmt, int col)
{
	enum asn_bsre_event event;

	if (asn_bsre_event_parse(asn_db_column_text(stmt, col), &event) < 0)
		event = ASN_BSRE_OTHER;
	return event;
}

static int fold_email(struct asn_store *store, const char *email, struct asn_bsre_fold *fold_r,
		      struct asn_error *err)
{
	struct event_list l;
	int ret;

	memset(&l, 0, sizeof(l));
	ret = asn_store_bsre_events(store, email, collect_event, &l, err);
	for (size_t i = 0; i < l.count; i++)
		l.events[i].valid_until = l.valid_until[i];
	if (ret == 0)
		asn_bsre_progress_fold(l.events, l.count, fold_r);
	for (size_t i = 0; i < l.count; i++)
		free(l.valid_until[i]);
	free(l.valid_until);
	free(l.events);
	return ret;
}

static int compare_nocase(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* sorted case-insensitively, each address once */
static void strv_sort_unique(struct asn_strv *v)
{
	size_t kept = 0;

	if (v->count == 0)
		return;
	qsort(v->items, v->count, sizeof(char *), compare_nocase);
	for (size_t i = 0; i < v->count; i++) {
		if (kept > 0 && strcasecmp(v->items[kept - 1], v->items[i]) == 0)
			free(v->items[i]);
		else
			v->items[kept++] = v->items[i];
	}
	v->count = kept;
}

/* Prepares before + "?1, ?2, ..." + after, each address of emails bound
   to its parameter: a statement over a batch of addresses. */
static int prepare_in_list(struct asn_store *store, const char *before,
			   const struct asn_strv *emails, const char *after,
			   struct asn_db_stmt **stmt_r, struct asn_error *err)
{
	struct asn_str sql;
	int ret;

	memset(&sql, 0, sizeof(sql));
	asn_str_append(&sql, before);
	for (size_t i = 0; i < emails->count; i++)
		asn_str_printfa(&sql, "%s?%zu", i > 0 ? ", " : "", i + 1);
	asn_str_append(&sql, after);
	ret = asn_db_prepare(store, asn_str_c(&sql), stmt_r, err);
	asn_str_free(&sql);
	if (ret < 0)
		return -1;
	for (size_t i = 0; i < emails->count; i++)
		asn_db_bind_text(*stmt_r, (int)i + 1, emails->items[i]);
	return 0;
}

/* The folds of many addresses (sorted, each once), their events read in
   one statement: a refresh folds thousands, and a statement each costs
   PostgreSQL a round trip each. */
static int fold_many(struct asn_store *store, const struct asn_strv *emails,
		     struct asn_bsre_fold *folds, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	struct event_list l;
	const char *current = NULL;
	size_t at = 0;
	int ret;

	if (emails->count == 0)
		return 0;
	if (prepare_in_list(store, "SELECT email, type, received_at, trusted, unverified, "
			    "cert_valid_until FROM asn_bsre.bsre_events WHERE email IN (", emails,
			    ") ORDER BY email, received_at, id", &stmt, err) < 0)
		return -1;
	memset(&l, 0, sizeof(l));
	for (size_t i = 0; i < emails->count; i++)
		asn_bsre_progress_fold(NULL, 0, &folds[i]);
	for (;;) {
		const char *email = NULL;
		char **found;

		ret = asn_db_step(stmt, "reading BSrE events", err);
		if (ret > 0)
			email = asn_db_column_text(stmt, 0);
		if (current != NULL && (email == NULL || strcasecmp(email, current) != 0)) {
			/* one address's events are all read: fold them */
			for (size_t i = 0; i < l.count; i++)
				l.events[i].valid_until = l.valid_until[i];
			asn_bsre_progress_fold(l.events, l.count, &folds[at]);
			for (size_t i = 0; i < l.count; i++)
				free(l.valid_until[i]);
			l.count = 0;
			current = NULL;
		}
		if (ret <= 0)
			break;
		if (current == NULL) {
			found = bsearch(&email, emails->items, emails->count, sizeof(char *),
					compare_nocase);
			if (found == NULL)
				continue;
			at = (size_t)(found - emails->items);
			current = emails->items[at];
		}
		event_list_add(&l, &(struct asn_bsre_stored_event){
			.type = column_event_type(stmt, 1),
			.received_at = (time_t)asn_db_column_int(stmt, 2),
			.trusted = asn_db_column_int(stmt, 3) != 0,
			.unverified = asn_db_column_int(stmt, 4) != 0,
			.cert_valid_until = asn_db_column_text(stmt, 5),
		});
	}
	asn_db_finalize(&stmt);
	free(l.valid_until);
	free(l.events);
	return ret < 0 ? -1 : 0;
}

/* rows per UPDATE: 7 parameters each, well under both engines' limits */
#define SAVE_ROWS 250

/* Writes the folds of emails (sorted, each once) on their accounts, a
   statement per SAVE_ROWS (one round trip, not one per person);
   saved[i]: an account took the i-th. */
static int folds_save(struct asn_store *store, const struct asn_strv *emails,
		      const struct asn_bsre_fold *folds, bool *saved, struct asn_error *err)
{
	for (size_t start = 0; start < emails->count; start += SAVE_ROWS) {
		size_t n = emails->count - start < SAVE_ROWS ? emails->count - start : SAVE_ROWS;
		struct asn_db_stmt *stmt;
		struct asn_str sql;
		int ret;

		memset(&sql, 0, sizeof(sql));
		/* VALUES' columns are column1..7 on both engines; the address
		   is cast to citext: an untyped parameter in VALUES is text on
		   PostgreSQL, which would compare case-sensitively (on SQLite
		   the type's name only gives TEXT affinity, and the column's
		   NOCASE compares) */
		asn_str_append(&sql, "UPDATE accounts SET bsre_stage = v.column2, "
			       "bsre_flags = v.column3, bsre_activation_at = v.column4, "
			       "bsre_passphrase_at = v.column5, bsre_cert_until = v.column6, "
			       "bsre_last_event_at = v.column7 FROM (VALUES ");
		for (size_t i = 0; i < n; i++) {
			unsigned int p = (unsigned int)i * 7;

			asn_str_printfa(&sql, "%s(?%u, ?%u, ?%u, ?%u, ?%u, ?%u, ?%u)",
					i > 0 ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5,
					p + 6, p + 7);
		}
		asn_str_append(&sql, ") AS v WHERE accounts.email = CAST(v.column1 AS citext) "
			       "RETURNING accounts.email");
		ret = asn_db_prepare(store, asn_str_c(&sql), &stmt, err);
		asn_str_free(&sql);
		if (ret < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			const struct asn_bsre_fold *f = &folds[start + i];
			int p = (int)i * 7;

			asn_db_bind_text(stmt, p + 1, emails->items[start + i]);
			asn_db_bind_text(stmt, p + 2, asn_bsre_stage_name(f->stage));
			asn_db_bind_int(stmt, p + 3, fold_flags(f));
			asn_db_bind_int(stmt, p + 4, f->last_activation);
			asn_db_bind_int(stmt, p + 5, f->last_passphrase);
			asn_db_bind_int(stmt, p + 6, f->certificate_valid_until);
			asn_db_bind_int(stmt, p + 7, f->last_event);
		}
		while ((ret = asn_db_step(stmt, "keeping the BSrE progress", err)) > 0) {
			const char *email = asn_db_column_text(stmt, 0);
			char **found = bsearch(&email, emails->items, emails->count,
					       sizeof(char *), compare_nocase);

			if (found != NULL && saved != NULL)
				saved[found - emails->items] = true;
		}
		asn_db_finalize(&stmt);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* The folds saved, and the addresses no account took kept among the
   orphans. */
static int folds_save_all(struct asn_store *store, const struct asn_strv *emails,
			  const struct asn_bsre_fold *folds, struct asn_error *err)
{
	bool *saved = asn_xcalloc(emails->count + 1, sizeof(*saved));
	int ret = folds_save(store, emails, folds, saved, err);

	for (size_t i = 0; ret == 0 && i < emails->count; i++) {
		struct asn_db_stmt *stmt;

		if (saved[i])
			continue;
		if (asn_db_prepare(store, "INSERT INTO bsre_orphans (email) VALUES (lower(?1)) "
				   "ON CONFLICT DO NOTHING", &stmt, err) < 0)
			ret = -1;
		else {
			asn_db_bind_text(stmt, 1, emails->items[i]);
			ret = asn_db_done(stmt, "keeping a mailbox without account", err);
		}
	}
	free(saved);
	return ret;
}

static int run_int(struct asn_store *store, const char *sql, int64_t value,
		   const char *what, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, sql, &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, value);
	return asn_db_done(stmt, what, err);
}

/* Begins a refresh transaction: one refresher at a time (the row's lock),
   and on SQLite the accounts' write lock only, not the events' (a plain
   BEGIN: the deliveries go on). */
static int refresh_begin(struct asn_store *store, int64_t *through_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int ret;

	if (asn_db_exec(store, "BEGIN", "begin transaction", err) < 0)
		return -1;
	if (asn_db_prepare(store, "UPDATE bsre_fold_state SET through_id = through_id "
			   "RETURNING through_id", &stmt, err) < 0) {
		asn_store_rollback(store);
		return -1;
	}
	ret = asn_db_step(stmt, "locking the BSrE progress", err);
	if (ret > 0)
		*through_r = asn_db_column_int(stmt, 0);
	asn_db_finalize(&stmt);
	if (ret <= 0) {
		if (ret == 0)
			asn_error_set(err, "bsre_fold_state has no row (run 'asnctl init')");
		asn_store_rollback(store);
		return -1;
	}
	return 0;
}

/* The accounts not folded yet, a batch at a time.  1: more may remain. */
static int refresh_unfolded_batch(struct asn_store *store, struct asn_error *err)
{
	struct asn_bsre_fold *folds;
	struct asn_db_stmt *stmt;
	struct asn_strv emails;
	int64_t through;
	int ret;

	if (refresh_begin(store, &through, err) < 0)
		return -1;
	memset(&emails, 0, sizeof(emails));
	/* any order: a folded account leaves the partial index.  On
	   PostgreSQL the rows are locked before their events are read: a
	   new verdict's mark (asn_store_bsre_event_retrust) then waits for
	   this fold and is not overwritten by it (SQLite's write lock on
	   the accounts already orders them) */
	if (asn_db_prepare(store, store->backend == ASN_STORE_PGSQL ?
			   "SELECT email FROM accounts WHERE bsre_stage IS NULL LIMIT ?1 FOR UPDATE" :
			   "SELECT email FROM accounts WHERE bsre_stage IS NULL LIMIT ?1",
			   &stmt, err) < 0) {
		asn_store_rollback(store);
		return -1;
	}
	asn_db_bind_int(stmt, 1, REFRESH_BATCH);
	while ((ret = asn_db_step(stmt, "listing accounts to fold", err)) > 0)
		asn_strv_add(&emails, asn_db_column_text(stmt, 0));
	asn_db_finalize(&stmt);
	strv_sort_unique(&emails);
	folds = asn_xcalloc(emails.count + 1, sizeof(*folds));
	if (ret == 0)
		ret = fold_many(store, &emails, folds, err);
	if (ret == 0)
		ret = folds_save(store, &emails, folds, NULL, err);
	free(folds);
	if (ret == 0)
		ret = asn_store_commit(store, err);
	else
		asn_store_rollback(store);
	if (ret == 0 && emails.count == REFRESH_BATCH)
		ret = 1;
	asn_strv_free(&emails);
	return ret;
}

/* Reads up to limit events after from: their addresses (sorted, each
   once), *last_r the last id read, *safe_r the last id read before any
   event of the last REFRESH_MARGIN seconds (from when the first one is),
   *recent_r whether one was.  Returns the rows read. */
static int new_events_batch(struct asn_store *store, int64_t from, time_t now,
			    int64_t limit, struct asn_strv *emails, int64_t *last_r,
			    int64_t *safe_r, bool *recent_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int ret, rows = 0;

	*last_r = *safe_r = from;
	*recent_r = false;
	if (asn_db_prepare(store, "SELECT id, email, recorded_at FROM asn_bsre.bsre_events "
			   "WHERE id > ?1 ORDER BY id LIMIT ?2", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, from);
	asn_db_bind_int(stmt, 2, limit);
	while ((ret = asn_db_step(stmt, "reading new BSrE events", err)) > 0) {
		rows++;
		*last_r = asn_db_column_int(stmt, 0);
		asn_strv_add(emails, asn_db_column_text(stmt, 1));
		if (asn_db_column_int(stmt, 2) >= now - REFRESH_MARGIN)
			*recent_r = true;
		if (!*recent_r)
			*safe_r = *last_r;
	}
	asn_db_finalize(&stmt);
	strv_sort_unique(emails);
	return ret < 0 ? -1 : rows;
}

/* PostgreSQL: the accounts of emails locked before their events are read
   (refresh_unfolded_batch says why). */
static int lock_accounts(struct asn_store *store, const struct asn_strv *emails,
			 struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (store->backend != ASN_STORE_PGSQL || emails->count == 0)
		return 0;
	if (prepare_in_list(store, "SELECT 1 FROM accounts WHERE email IN (", emails,
			    ") FOR UPDATE", &stmt, err) < 0)
		return -1;
	return asn_db_done(stmt, "locking accounts to fold", err);
}

/* A batch of the events after *cursor (through_id at first); through_id
   moves on only until the first recent event (*recent_seen), the cursor
   past it: a burst of more than a batch of recent events is folded
   whole.  1: more may follow. */
static int refresh_new_events_batch(struct asn_store *store, time_t now, int64_t *cursor,
				    bool *recent_seen, struct asn_error *err)
{
	struct asn_bsre_fold *folds;
	struct asn_strv emails;
	int64_t through, last, safe;
	bool recent;
	int ret, rows;

	if (refresh_begin(store, &through, err) < 0)
		return -1;
	if (*cursor < through)
		*cursor = through;
	memset(&emails, 0, sizeof(emails));
	rows = new_events_batch(store, *cursor, now, REFRESH_BATCH, &emails, &last, &safe,
				&recent, err);
	ret = rows < 0 ? -1 : lock_accounts(store, &emails, err);
	folds = asn_xcalloc(emails.count + 1, sizeof(*folds));
	if (ret == 0)
		ret = fold_many(store, &emails, folds, err);
	if (ret == 0)
		ret = folds_save_all(store, &emails, folds, err);
	free(folds);
	if (ret == 0 && !*recent_seen && safe > through)
		ret = run_int(store, "UPDATE bsre_fold_state SET through_id = ?1", safe,
			      "keeping the BSrE progress", err);
	if (ret == 0)
		ret = asn_store_commit(store, err);
	else
		asn_store_rollback(store);
	asn_strv_free(&emails);
	if (ret < 0)
		return -1;
	*recent_seen = *recent_seen || recent;
	*cursor = last;
	return rows == REFRESH_BATCH ? 1 : 0;
}

/* The first refresh over events already there (the schema step just
   run, or a site just migrated): rather than folding each account once
   for being new and again for its events, every account is folded once
   (as never folded) and the mailboxes without one are found in one
   statement. */
static int refresh_first(struct asn_store *store, time_t now, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int64_t through, old = 0;
	int ret;

	if (refresh_begin(store, &through, err) < 0)
		return -1;
	/* -1: never refreshed (schema step 6's row, or a migrated site's) */
	if (through != -1) {
		asn_store_rollback(store);
		return 0;
	}
	ret = asn_db_prepare(store, "SELECT coalesce(max(id), 0) FROM asn_bsre.bsre_events "
			     "WHERE recorded_at < ?1", &stmt, err);
	if (ret == 0) {
		asn_db_bind_int(stmt, 1, now - REFRESH_MARGIN);
		if ((ret = asn_db_step(stmt, "reading BSrE events", err)) > 0)
			old = asn_db_column_int(stmt, 0);
		asn_db_finalize(&stmt);
		ret = ret < 0 ? -1 : 0;
	}
	if (ret == 0 && old > 0) {
		/* folds copied by asnctl migrate are folded again */
		ret = asn_db_exec(store, "UPDATE accounts SET bsre_stage = NULL "
				  "WHERE bsre_stage IS NOT NULL", "marking accounts to fold", err);
		if (ret == 0)
			ret = run_int(store,
				"INSERT INTO bsre_orphans (email) SELECT DISTINCT e.email "
				"FROM asn_bsre.bsre_events e WHERE e.id <= ?1 AND NOT EXISTS "
				"(SELECT 1 FROM accounts a WHERE a.email = e.email) "
				"ON CONFLICT DO NOTHING", old, "finding mailboxes without account", err);
	}
	if (ret == 0)
		ret = run_int(store, "UPDATE bsre_fold_state SET through_id = ?1", old,
			      "keeping the BSrE progress", err);
	if (ret == 0)
		return asn_store_commit(store, err);
	asn_store_rollback(store);
	return -1;
}

/* 1 when a refresh has work: accounts never folded, or events after
   through_id.  Read without a lock, so that a report of a site with
   nothing new writes nothing (a commit, and its wait for the disk). */
static int refresh_needed(struct asn_store *store, struct asn_error *err)
{
	static const char *const queries[] = {
		"SELECT through_id FROM bsre_fold_state",
		"SELECT 1 FROM accounts WHERE bsre_stage IS NULL LIMIT 1",
		/* through_id bound, not a subquery: PostgreSQL then plans a
		   scan of the primary key from it, not of the whole table */
		"SELECT 1 FROM asn_bsre.bsre_events WHERE id > ?1 ORDER BY id LIMIT 1",
	};
	int64_t through = 0;
	int ret = 0;

	for (unsigned int i = 0; ret == 0 && i < ASN_N_ELEMENTS(queries); i++) {
		struct asn_db_stmt *stmt;

		if (asn_db_prepare(store, queries[i], &stmt, err) < 0)
			return -1;
		if (i == 2)
			asn_db_bind_int(stmt, 1, through);
		ret = asn_db_step(stmt, "reading the BSrE progress", err);
		if (i == 0 && ret > 0) {
			through = asn_db_column_int(stmt, 0);
			ret = 0;
		}
		asn_db_finalize(&stmt);
	}
	return ret < 0 ? -1 : ret > 0 ? 1 : 0;
}

int asn_store_bsre_progress_refresh(struct asn_store *store, time_t now, struct asn_error *err)
{
	int64_t cursor = -1;
	bool recent_seen = false;
	int ret;

	if (asn_store_attach_bsre(store, err) < 0 || (ret = refresh_needed(store, err)) < 0)
		return -1;
	if (ret == 0)
		return 0;
	if (refresh_first(store, now, err) < 0)
		return -1;
	while ((ret = refresh_unfolded_batch(store, err)) > 0)
		;
	while (ret == 0 &&
	       (ret = refresh_new_events_batch(store, now, &cursor, &recent_seen, err)) > 0)
		;
	return ret;
}

/* A read-only store's view of what a refresh would write: the events
   after through_id, folded here, by address. */
struct overlay {
	struct asn_strv emails;		/* sorted, case-insensitively */
	struct asn_bsre_fold *folds;
	bool *seen;			/* an account of the report had it */
};

static const struct asn_bsre_fold *overlay_find(struct overlay *o, const char *email)
{
	char **found;

	if (o->emails.count == 0)
		return NULL;
	found = bsearch(&email, o->emails.items, o->emails.count, sizeof(char *), compare_nocase);
	if (found == NULL)
		return NULL;
	o->seen[found - o->emails.items] = true;
	return &o->folds[found - o->emails.items];
}

static int overlay_load(struct asn_store *store, time_t now, struct overlay *o,
			struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int64_t through = 0, last, safe;
	bool recent;
	int ret;

	if (asn_db_prepare(store, "SELECT through_id FROM bsre_fold_state", &stmt, err) < 0)
		return -1;
	ret = asn_db_step(stmt, "reading the BSrE progress", err);
	if (ret > 0)
		through = asn_db_column_int(stmt, 0);
	asn_db_finalize(&stmt);
	if (ret < 0)
		return -1;
	/* the whole backlog at once: only a read-only store's report reads
	   it, and only while no writable one has run since */
	ret = new_events_batch(store, through, now, INT64_MAX, &o->emails, &last, &safe, &recent,
			       err);
	if (ret < 0)
		return -1;
	o->folds = asn_xcalloc(o->emails.count + 1, sizeof(*o->folds));
	o->seen = asn_xcalloc(o->emails.count + 1, sizeof(*o->seen));
	/* in batches: a statement's parameters are limited */
	for (size_t i = 0; i < o->emails.count; i += REFRESH_BATCH) {
		struct asn_strv part = {
			.items = o->emails.items + i,
			.count = o->emails.count - i < REFRESH_BATCH ?
				o->emails.count - i : REFRESH_BATCH,
		};

		if (fold_many(store, &part, o->folds + i, err) < 0)
			return -1;
	}
	return 0;
}

static void overlay_free(struct overlay *o)
{
	asn_strv_free(&o->emails);
	free(o->folds);
	free(o->seen);
}

/* Verifier cases per account: open ones and the latest activity. */
struct case_counts {
	int64_t *account_ids;
	unsigned int *open;
	time_t *activity;
	size_t count, size;
};

static int cases_load(struct asn_store *store, const char *opd, struct case_counts *c,
		      struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	char *sql;
	int ret;

	sql = asn_xasprintf(
		"SELECT c.account_id, "
		"sum(CASE WHEN c.resolved_at IS NULL THEN 1 ELSE 0 END), "
		"max(CASE WHEN c.resolved_at > c.at THEN c.resolved_at ELSE c.at END) "
		"FROM verifier_cases c%s GROUP BY c.account_id ORDER BY c.account_id",
		opd != NULL ? " JOIN accounts a ON a.id = c.account_id WHERE a.opd = ?1" : "");
	ret = asn_db_prepare(store, sql, &stmt, err);
	free(sql);
	if (ret < 0)
		return -1;
	if (opd != NULL)
		asn_db_bind_text(stmt, 1, opd);
	while ((ret = asn_db_step(stmt, "reading verifier cases", err)) > 0) {
		if (c->count == c->size) {
			c->size = c->size == 0 ? 64 : c->size * 2;
			c->account_ids = asn_xrealloc(c->account_ids, c->size * sizeof(*c->account_ids));
			c->open = asn_xrealloc(c->open, c->size * sizeof(*c->open));
			c->activity = asn_xrealloc(c->activity, c->size * sizeof(*c->activity));
		}
		c->account_ids[c->count] = asn_db_column_int(stmt, 0);
		c->open[c->count] = (unsigned int)asn_db_column_int(stmt, 1);
		c->activity[c->count] = (time_t)asn_db_column_int(stmt, 2);
		c->count++;
	}
	asn_db_finalize(&stmt);
	return ret;
}

static void cases_find(const struct case_counts *c, int64_t account_id,
		       struct asn_bsre_user *user)
{
	size_t lo = 0, hi = c->count;

	user->open_cases = 0;
	user->case_activity_at = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->account_ids[mid] < account_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->count && c->account_ids[lo] == account_id) {
		user->open_cases = c->open[lo];
		user->case_activity_at = c->activity[lo];
	}
}

static void cases_free(struct case_counts *c)
{
	free(c->account_ids);
	free(c->open);
	free(c->activity);
}

struct progress_scan {
	struct asn_store *store;
	struct overlay overlay;
	struct case_counts cases;
	asn_bsre_user_callback *callback;
	void *context;
};

static void fold_from_row(struct asn_db_stmt *stmt, int col, struct asn_bsre_fold *f)
{
	int64_t flags = asn_db_column_int(stmt, col + 1);

	memset(f, 0, sizeof(*f));
	/* a stage this build does not know (a newer writer): none, as
	   column_event keeps an unknown event's type as other */
	if (asn_bsre_stage_parse(asn_db_column_text(stmt, col), &f->stage) < 0)
		f->stage = ASN_BSRE_STAGE_NONE;
	f->any_trusted = (flags & FOLD_ANY_TRUSTED) != 0;
	f->any_untrusted = (flags & FOLD_ANY_UNTRUSTED) != 0;
	f->any_unverified = (flags & FOLD_ANY_UNVERIFIED) != 0;
	f->active_after_activation = (flags & FOLD_ACTIVE_AFTER_ACTIVATION) != 0;
	f->issued_after_passphrase = (flags & FOLD_ISSUED_AFTER_PASSPHRASE) != 0;
	f->last_activation = (time_t)asn_db_column_int(stmt, col + 2);
	f->last_passphrase = (time_t)asn_db_column_int(stmt, col + 3);
	f->certificate_valid_until = (time_t)asn_db_column_int(stmt, col + 4);
	f->last_event = (time_t)asn_db_column_int(stmt, col + 5);
}

static int scan_accounts(struct progress_scan *s, const char *opd, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	char *sql;
	int ret, cb = 0;

	memset(&s->cases, 0, sizeof(s->cases));
	if (cases_load(s->store, opd, &s->cases, err) < 0) {
		cases_free(&s->cases);
		return -1;
	}
	sql = asn_xasprintf(
		"SELECT email, opd, name, nip, must_change, disabled, created_at, id, "
		"bsre_stage, bsre_flags, bsre_activation_at, bsre_passphrase_at, "
		"bsre_cert_until, bsre_last_event_at FROM accounts%s ORDER BY opd, email",
		opd != NULL ? " WHERE opd = ?1" : "");
	ret = asn_db_prepare(s->store, sql, &stmt, err);
	free(sql);
	if (ret < 0) {
		cases_free(&s->cases);
		return -1;
	}
	if (opd != NULL)
		asn_db_bind_text(stmt, 1, opd);
	while (cb == 0 && (ret = asn_db_step(stmt, "reading BSrE progress", err)) > 0) {
		struct asn_bsre_fold fold;
		const struct asn_bsre_fold *overlay;
		struct asn_bsre_user user = {
			.email = asn_db_column_text(stmt, 0),
			.opd = asn_db_column_text(stmt, 1),
			.name = asn_db_column_text(stmt, 2),
			.nip = asn_db_column_text(stmt, 3),
			.provisioned = true,
			.must_change = asn_db_column_int(stmt, 4) != 0,
			.disabled = asn_db_column_int(stmt, 5) != 0,
			.created_at = (time_t)asn_db_column_int(stmt, 6),
			.account_id = asn_db_column_int(stmt, 7),
		};

		overlay = overlay_find(&s->overlay, user.email);
		if (overlay != NULL)
			fold = *overlay;
		else if (!asn_db_column_is_null(stmt, 8))
			fold_from_row(stmt, 8, &fold);
		else if (fold_email(s->store, user.email, &fold, err) < 0) {
			ret = -1;
			break;
		}
		user.fold = &fold;
		cases_find(&s->cases, user.account_id, &user);
		cb = s->callback(&user, s->context);
	}
	asn_db_finalize(&stmt);
	cases_free(&s->cases);
	return cb < 0 ? cb : ret < 0 ? -1 : 0;
}

static int emit_orphan(struct progress_scan *s, const char *email, const struct asn_bsre_fold *f)
{
	struct asn_bsre_user user = {
		.email = email, .opd = "", .name = "", .nip = "", .fold = f,
	};

	return s->callback(&user, s->context);
}

/* Mailboxes with events and no account (opd ""). */
static int scan_orphans(struct progress_scan *s, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	struct asn_strv orphans;
	int ret;

	memset(&orphans, 0, sizeof(orphans));
	if (asn_db_prepare(s->store,
		"SELECT o.email FROM bsre_orphans o "
		"WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.email = o.email) "
		"ORDER BY o.email", &stmt, err) < 0)
		return -1;
	while ((ret = asn_db_step(stmt, "reading mailboxes without account", err)) > 0) {
		if (overlay_find(&s->overlay, asn_db_column_text(stmt, 0)) == NULL)
			asn_strv_add(&orphans, asn_db_column_text(stmt, 0));
	}
	asn_db_finalize(&stmt);
	/* in batches, their events read together as a refresh reads them */
	for (size_t i = 0; ret == 0 && i < orphans.count; i += REFRESH_BATCH) {
		struct asn_strv part = {
			.items = orphans.items + i,
			.count = orphans.count - i < REFRESH_BATCH ?
				orphans.count - i : REFRESH_BATCH,
		};
		struct asn_bsre_fold *folds = asn_xcalloc(part.count + 1, sizeof(*folds));

		/* fold_many finds them by bsearch; unique already (the key) */
		qsort(part.items, part.count, sizeof(char *), compare_nocase);
		ret = fold_many(s->store, &part, folds, err);
		for (size_t j = 0; ret == 0 && j < part.count; j++)
			ret = emit_orphan(s, part.items[j], &folds[j]);
		free(folds);
	}
	asn_strv_free(&orphans);
	/* a read-only store's new events of mailboxes no account had */
	for (size_t i = 0; ret == 0 && i < s->overlay.emails.count; i++) {
		const char *email = s->overlay.emails.items[i];

		if (s->overlay.seen[i])
			continue;
		if ((ret = asn_store_email_owner(s->store, email, NULL, err)) < 0)
			break;
		ret = ret > 0 ? 0 : emit_orphan(s, email, &s->overlay.folds[i]);
	}
	return ret;
}

int asn_store_bsre_progress(struct asn_store *store, const char *opd, time_t now,
			    asn_bsre_user_callback *callback, void *context,
			    struct asn_error *err)
{
	struct progress_scan s;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	s.store = store;
	s.callback = callback;
	s.context = context;
	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (store->writable) {
		ret = asn_store_bsre_progress_refresh(store, now, err);
		/* a reader that may not write after all (a file or a role
		   without the grant), or another refresher holding the lock
		   past the busy timeout: this report folds the news itself */
		if (ret < 0 && (asn_store_error_status(err) == ASN_STORE_ERR_PERM ||
				asn_store_error_status(err) == ASN_STORE_ERR_BUSY))
			ret = 1;
	}
	if (!store->writable || ret > 0)
		ret = overlay_load(store, now, &s.overlay, err);
	if (ret == 0 && opd == NULL && store->backend == ASN_STORE_PGSQL) {
		/* a PostgreSQL result arrives whole: an OPD at a time */
		struct asn_strv opds;

		memset(&opds, 0, sizeof(opds));
		ret = asn_store_every_opd(store, &opds, err);
		for (size_t i = 0; ret == 0 && i < opds.count; i++)
			ret = scan_accounts(&s, opds.items[i], err);
		asn_strv_free(&opds);
	} else if (ret == 0) {
		ret = scan_accounts(&s, opd, err);
	}
	if (ret == 0 && (opd == NULL || opd[0] == '\0'))
		ret = scan_orphans(&s, err);
	overlay_free(&s.overlay);
	return ret;
}
