/* notices_sent: what asnctl notify put in mailboxes. */
#include "store-private.h"
#include "asn-store-notice.h"

int asn_store_notice_was_sent(struct asn_store *store, const char *recipient,
			      const char *condition, const char *occurrence,
			      struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	if (asn_db_prepare(store, "SELECT 1 FROM notices_sent WHERE recipient = ?1 AND "
			      "condition = ?2 AND occurrence = ?3", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, recipient);
	asn_db_bind_text(stmt, 2, condition);
	asn_db_bind_text(stmt, 3, occurrence);
	rc = asn_db_step(stmt, "reading notices sent", err);
	asn_db_finalize(&stmt);
	if (rc > 0)
		return 1;
	if (rc < 0)
		return -1;
	return 0;
}

int asn_store_notice_mark_sent(struct asn_store *store, const char *recipient,
			       const char *condition, const char *occurrence, time_t sent_at,
			       struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	/* two runs at once both delivered: one row stays */
	if (asn_db_prepare(store, "INSERT INTO notices_sent (recipient, condition, "
			      "occurrence, sent_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, recipient);
	asn_db_bind_text(stmt, 2, condition);
	asn_db_bind_text(stmt, 3, occurrence);
	asn_db_bind_int(stmt, 4, sent_at);
	if (asn_db_done(stmt, "recording a notice sent", err) < 0)
		return -1;
	return store->changes > 0 ? 1 : 0;
}

int asn_store_notice_last_sent(struct asn_store *store, const char *recipient,
			       const char *condition, time_t *sent_at_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, found = 0;

	*sent_at_r = 0;
	if (asn_db_prepare(store, "SELECT max(sent_at) FROM notices_sent WHERE "
			      "recipient = ?1 AND condition = ?2", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, recipient);
	asn_db_bind_text(stmt, 2, condition);
	rc = asn_db_step(stmt, "reading notices sent", err);
	if (rc > 0 && !asn_db_column_is_null(stmt, 0)) {
		*sent_at_r = (time_t)asn_db_column_int(stmt, 0);
		found = 1;
	}
	asn_db_finalize(&stmt);
	if (rc < 0)
		return -1;
	return found;
}
