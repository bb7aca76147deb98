/* BSrE events in the store. */
#include "store-private.h"

#include <stdlib.h>
#include <string.h>

static void bind_optional(struct asn_db_stmt *stmt, int idx, bool present, const char *value)
{
	if (present)
		asn_db_bind_text(stmt, idx, value);
	else
		asn_db_bind_null(stmt, idx);
}

int asn_store_bsre_event_add(struct asn_store *store, const char *email,
			     const struct asn_bsre_mail *mail, time_t received_at,
			     const char *source, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	bool cert = mail->has_certificate;

	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (asn_db_prepare(store,
		"INSERT INTO asn_bsre.bsre_events (email, message_key, type, received_at, trusted, "
		"subject, sender, source, recorded_at, cert_serial, cert_common_name, "
		"cert_organization, cert_valid_until, replayed, trusted_by, unverified, "
		"trust_reason, dkim_facts) "
		"VALUES (lower(?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		"?16, ?17, ?18) "
		"ON CONFLICT DO NOTHING", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	asn_db_bind_text(stmt, 2, mail->message_key);
	asn_db_bind_text(stmt, 3, asn_bsre_event_name(mail->event));
	asn_db_bind_int(stmt, 4, received_at);
	asn_db_bind_int(stmt, 5, mail->trusted ? 1 : 0);
	asn_db_bind_text(stmt, 6, mail->subject);
	asn_db_bind_text(stmt, 7, mail->sender);
	asn_db_bind_text(stmt, 8, source);
	asn_db_bind_int(stmt, 9, asn_now());
	bind_optional(stmt, 10, cert, mail->certificate.serial);
	bind_optional(stmt, 11, cert, mail->certificate.common_name);
	bind_optional(stmt, 12, cert, mail->certificate.organization);
	bind_optional(stmt, 13, cert, mail->certificate.valid_until);
	asn_db_bind_int(stmt, 14, mail->replayed ? 1 : 0);
	asn_db_bind_text(stmt, 15, mail->trusted ? mail->trusted_by : "");
	asn_db_bind_int(stmt, 16, mail->unverified ? 1 : 0);
	asn_db_bind_text(stmt, 17, mail->trust_reason);
	bind_optional(stmt, 18, mail->unverified && mail->dkim_facts != NULL, mail->dkim_facts);
	if (asn_db_done(stmt, "recording a BSrE event", err) < 0)
		return -1;
	if (store->changes == 0)
		return 0;
	/* A tool's event (asnctl scan, replay) may commit long after its id
	   was drawn, past the margin the kept progress relies on for the
	   deliveries' (store-progress.c): its account is folded again
	   whatever its id.  A delivery's store cannot reach the accounts. */
	if (store->writable) {
		if (asn_db_prepare(store, "UPDATE accounts SET bsre_stage = NULL "
				   "WHERE email = lower(?1)", &stmt, err) < 0)
			return -1;
		asn_db_bind_text(stmt, 1, email);
		if (asn_db_done(stmt, "marking the BSrE progress to fold again", err) < 0)
			return -1;
	}
	return 1;
}

int asn_store_bsre_event_retrust(struct asn_store *store, const char *email,
				 const char *message_key, const struct asn_bsre_mail *verdict,
				 struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (asn_db_prepare(store,
		"UPDATE asn_bsre.bsre_events SET trusted = ?3, replayed = ?4, trusted_by = ?5, "
		"unverified = ?6, trust_reason = ?7, dkim_facts = ?8 "
		"WHERE email = lower(?1) AND message_key = ?2 AND "
		"(trusted, replayed, trusted_by, unverified, trust_reason, "
		" coalesce(dkim_facts, '')) IS DISTINCT FROM (?3, ?4, ?5, ?6, ?7, coalesce(?8, ''))",
		&stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	asn_db_bind_text(stmt, 2, message_key);
	asn_db_bind_int(stmt, 3, verdict->trusted ? 1 : 0);
	asn_db_bind_int(stmt, 4, verdict->replayed ? 1 : 0);
	asn_db_bind_text(stmt, 5, verdict->trusted ? verdict->trusted_by : "");
	asn_db_bind_int(stmt, 6, verdict->unverified ? 1 : 0);
	asn_db_bind_text(stmt, 7, verdict->trust_reason);
	bind_optional(stmt, 8, verdict->unverified && verdict->dkim_facts != NULL,
		      verdict->dkim_facts);
	if (asn_db_done(stmt, "updating a BSrE event's trust", err) < 0)
		return -1;
	if (store->changes == 0)
		return 0;
	/* a new verdict draws no new id: the account's kept progress
	   (store-progress.c) is folded again at the next report */
	if (asn_db_prepare(store, "UPDATE accounts SET bsre_stage = NULL WHERE email = ?1",
			   &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	return asn_db_done(stmt, "marking the BSrE progress to fold again", err) < 0 ? -1 : 1;
}

int asn_store_bsre_unverified(struct asn_store *store, asn_bsre_unverified_callback *callback,
			      void *context, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, ret = 0;

	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (asn_db_prepare(store,
		"SELECT email, message_key, dkim_facts FROM asn_bsre.bsre_events "
		"WHERE unverified = 1 ORDER BY received_at, id", &stmt, err) < 0)
		return -1;
	while (ret == 0 && (rc = asn_db_step(stmt, "reading unverified BSrE events", err)) > 0) {
		ret = callback(asn_db_column_text(stmt, 0), asn_db_column_text(stmt, 1),
			       asn_db_column_is_null(stmt, 2) ? NULL :
			       asn_db_column_text(stmt, 2), context);
	}
	if (ret == 0 && rc < 0) {
		asn_db_finalize(&stmt);
		return -1;
	}
	asn_db_finalize(&stmt);
	return ret;
}

int asn_store_bsre_trust_counts(struct asn_store *store, struct asn_bsre_trust_counts *counts_r,
				struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	memset(counts_r, 0, sizeof(*counts_r));
	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (asn_db_prepare(store,
		"SELECT coalesce(sum(CASE WHEN trusted_by = 'dkim' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN trusted_by = 'authres' THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(CASE WHEN trusted_by = 'legacy' THEN 1 ELSE 0 END), 0), coalesce(sum(unverified), 0), "
		"coalesce(sum(CASE WHEN trusted = 0 AND replayed = 0 AND unverified = 0 THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(replayed), 0) FROM asn_bsre.bsre_events", &stmt, err) < 0)
		return -1;
	rc = asn_db_step(stmt, "counting BSrE events", err);
	if (rc <= 0) {
		asn_db_finalize(&stmt);
		return -1;
	}
	counts_r->dkim = (unsigned long)asn_db_column_int(stmt, 0);
	counts_r->authres = (unsigned long)asn_db_column_int(stmt, 1);
	counts_r->legacy = (unsigned long)asn_db_column_int(stmt, 2);
	counts_r->unverified = (unsigned long)asn_db_column_int(stmt, 3);
	counts_r->untrusted = (unsigned long)asn_db_column_int(stmt, 4);
	counts_r->replayed = (unsigned long)asn_db_column_int(stmt, 5);
	asn_db_finalize(&stmt);
	return 0;
}

static enum asn_bsre_event column_event(struct asn_db_stmt *stmt, int col)
{
	enum asn_bsre_event event;

	/* A type this build does not know (a newer writer): keep it as other. */
	if (asn_bsre_event_parse(asn_db_column_text(stmt, col), &event) < 0)
		event = ASN_BSRE_OTHER;
	return event;
}

int asn_store_bsre_events(struct asn_store *store, const char *email,
			  asn_bsre_event_callback *callback, void *context,
			  struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, ret = 0;

	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	if (asn_db_prepare(store,
		"SELECT type, received_at, trusted, subject, sender, message_key, source, "
		"recorded_at, cert_serial IS NOT NULL, cert_serial, cert_common_name, "
		"cert_organization, cert_valid_until, replayed, trusted_by, unverified, "
		"trust_reason, dkim_facts IS NOT NULL "
		"FROM asn_bsre.bsre_events WHERE email = ?1 ORDER BY received_at, id", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	while (ret == 0 && (rc = asn_db_step(stmt, "reading BSrE events", err)) > 0) {
		struct asn_bsre_stored_event ev = {
			.type = column_event(stmt, 0),
			.received_at = (time_t)asn_db_column_int(stmt, 1),
			.trusted = asn_db_column_int(stmt, 2) != 0,
			.subject = asn_db_column_text(stmt, 3),
			.sender = asn_db_column_text(stmt, 4),
			.message_key = asn_db_column_text(stmt, 5),
			.source = asn_db_column_text(stmt, 6),
			.recorded_at = (time_t)asn_db_column_int(stmt, 7),
			.has_certificate = asn_db_column_int(stmt, 8) != 0,
			.cert_serial = asn_db_column_text(stmt, 9),
			.cert_common_name = asn_db_column_text(stmt, 10),
			.cert_organization = asn_db_column_text(stmt, 11),
			.cert_valid_until = asn_db_column_text(stmt, 12),
			.replayed = asn_db_column_int(stmt, 13) != 0,
			.trusted_by = asn_db_column_text(stmt, 14),
			.unverified = asn_db_column_int(stmt, 15) != 0,
			.trust_reason = asn_db_column_text(stmt, 16),
			.has_dkim_facts = asn_db_column_int(stmt, 17) != 0,
		};
		ret = callback(&ev, context);
	}
	if (ret == 0 && rc < 0) {
		asn_db_finalize(&stmt);
		return -1;
	}
	asn_db_finalize(&stmt);
	return ret;
}

/* Rows of one user arrive together (ordered by email): gather them, then
   hand the user over. */
struct user_collector {
	struct asn_bsre_user user;
	char *email, *opd, *name, *nip;
	struct asn_bsre_event_record *events;
	char **valid_until;
	size_t count, size;
};

static void collector_reset(struct user_collector *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->valid_until[i]);
	c->count = 0;
	free(c->email);
	free(c->opd);
	free(c->name);
	free(c->nip);
	c->email = c->opd = c->name = c->nip = NULL;
}

static void collector_free(struct user_collector *c)
{
	collector_reset(c);
	free(c->events);
	free(c->valid_until);
}

static int collector_flush(struct user_collector *c, asn_bsre_user_callback *callback,
			   void *context)
{
	int ret;

	if (c->email == NULL)
		return 0;
	for (size_t i = 0; i < c->count; i++)
		c->events[i].valid_until = c->valid_until[i];
	c->user.email = c->email;
	c->user.opd = c->opd;
	c->user.name = c->name;
	c->user.nip = c->nip;
	c->user.events = c->events;
	c->user.event_count = c->count;
	ret = callback(&c->user, context);
	collector_reset(c);
	return ret;
}

/* Columns: email, opd, name, nip, provisioned, must_change, disabled,
   created_at, type (NULL when no event), received_at, trusted,
   cert_valid_until, unverified, account id, open cases, latest case
   activity. */
static int users_query(struct asn_db_stmt *stmt, struct user_collector *c,
		       asn_bsre_user_callback *callback,
		       void *context, struct asn_error *err)
{
	int rc, ret = 0;

	while ((rc = asn_db_step(stmt, "reading BSrE progress", err)) > 0) {
		const char *email = asn_db_column_text(stmt, 0);

		if (c->email == NULL || strcmp(c->email, email) != 0) {
			if ((ret = collector_flush(c, callback, context)) < 0)
				break;
			c->email = asn_xstrdup(email);
			c->opd = asn_xstrdup(asn_db_column_text(stmt, 1));
			c->name = asn_xstrdup(asn_db_column_text(stmt, 2));
			c->nip = asn_xstrdup(asn_db_column_text(stmt, 3));
			c->user.provisioned = asn_db_column_int(stmt, 4) != 0;
			c->user.must_change = asn_db_column_int(stmt, 5) != 0;
			c->user.disabled = asn_db_column_int(stmt, 6) != 0;
			c->user.created_at = (time_t)asn_db_column_int(stmt, 7);
			c->user.account_id = asn_db_column_int(stmt, 13);
			c->user.open_cases = (unsigned int)asn_db_column_int(stmt, 14);
			c->user.case_activity_at = (time_t)asn_db_column_int(stmt, 15);
		}
		if (asn_db_column_is_null(stmt, 8))
			continue;
		if (c->count == c->size) {
			c->size = c->size == 0 ? 16 : c->size * 2;
			c->events = asn_xrealloc(c->events, c->size * sizeof(*c->events));
			c->valid_until = asn_xrealloc(c->valid_until,
						      c->size * sizeof(*c->valid_until));
		}
		c->events[c->count].type = column_event(stmt, 8);
		c->events[c->count].received_at = (time_t)asn_db_column_int(stmt, 9);
		c->events[c->count].trusted = asn_db_column_int(stmt, 10) != 0;
		c->valid_until[c->count] = asn_xstrdup(asn_db_column_text(stmt, 11));
		c->events[c->count].unverified = asn_db_column_int(stmt, 12) != 0;
		c->count++;
	}
	if (ret == 0 && rc < 0)
		ret = -1;
	if (ret == 0)
		ret = collector_flush(c, callback, context);
	asn_db_finalize(&stmt);
	return ret;
}

/* The accounts of one OPD (NULL: all) with their events. */
static int account_users(struct asn_store *store, const char *opd, struct user_collector *c,
			 asn_bsre_user_callback *callback, void *context,
			 struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	static const char base[] =
		"SELECT a.email, a.opd, a.name, a.nip, 1, a.must_change, a.disabled, a.created_at, "
		"e.type, e.received_at, e.trusted, e.cert_valid_until, e.unverified, "
		/* per account, through verifier_cases_account: a join of the
		   cases aggregated once costs an OPD's report 40% more */
		"a.id, (SELECT count(*) FROM verifier_cases c "
		"WHERE c.account_id = a.id AND c.resolved_at IS NULL), "
		"(SELECT coalesce(max(CASE WHEN c.resolved_at > c.at THEN c.resolved_at ELSE c.at END), 0) "
		"FROM verifier_cases c WHERE c.account_id = a.id) "
		"FROM accounts a LEFT JOIN asn_bsre.bsre_events e ON e.email = a.email "
		/* two texts rather than "?1 IS NULL OR": a plan for each, the
		   one OPD's through its index */
		"%s ORDER BY a.opd, a.email, e.received_at, e.id";
	char *sql = asn_xasprintf(base, opd != NULL ? "WHERE a.opd = ?1" : "");
	int ret = asn_db_prepare(store, sql, &stmt, err);

	free(sql);
	if (ret < 0)
		return -1;
	if (opd != NULL)
		asn_db_bind_text(stmt, 1, opd);
	return users_query(stmt, c, callback, context, err);
}

/* PostgreSQL hands a statement's whole result over at once: every OPD in
   one would hold a national site's millions of rows in memory.  One OPD at
   a time, in the same order. */
static int users_by_opd(struct asn_store *store, struct user_collector *c,
			asn_bsre_user_callback *callback, void *context,
			struct asn_error *err)
{
	struct asn_strv opds;
	int ret;

	memset(&opds, 0, sizeof(opds));
	ret = asn_store_every_opd(store, &opds, err);
	for (size_t i = 0; ret == 0 && i < opds.count; i++)
		ret = account_users(store, opds.items[i], c, callback, context, err);
	asn_strv_free(&opds);
	return ret;
}

int asn_store_bsre_users(struct asn_store *store, const char *opd,
			 asn_bsre_user_callback *callback, void *context,
			 struct asn_error *err)
{
	struct user_collector c;
	struct asn_db_stmt *stmt;
	int ret;

	memset(&c, 0, sizeof(c));
	if (asn_store_attach_bsre(store, err) < 0)
		return -1;
	ret = opd == NULL && store->backend == ASN_STORE_PGSQL ?
		users_by_opd(store, &c, callback, context, err) :
		account_users(store, opd, &c, callback, context, err);
	if (ret == 0 && (opd == NULL || opd[0] == '\0')) {
		if (asn_db_prepare(store,
			"SELECT e.email, '', '', '', 0, 0, 0, 0, "
			"e.type, e.received_at, e.trusted, e.cert_valid_until, e.unverified, "
			"0, 0, 0 "
			"FROM asn_bsre.bsre_events e "
			"WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.email = e.email) "
			"ORDER BY e.email, e.received_at, e.id", &stmt, err) < 0)
			ret = -1;
		else
			ret = users_query(stmt, &c, callback, context, err);
	}
	collector_free(&c);
	return ret;
}
