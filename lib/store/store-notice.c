/* notices_sent: what asnctl notify put in mailboxes. */
#include "store-private.h"
#include "asn-store-notice.h"

int asn_store_notice_was_sent(struct asn_store *store, const char *recipient,
			      const char *condition, const char *occurrence,
			      struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (asn_store_prepare(store, "SELECT 1 FROM notices_sent WHERE recipient = ?1 AND "
			      "condition = ?2 AND occurrence = ?3", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, recipient);
	asn_store_bind_text(stmt, 2, condition);
	asn_store_bind_text(stmt, 3, occurrence);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "reading notices sent", err);
	return 0;
}

int asn_store_notice_mark_sent(struct asn_store *store, const char *recipient,
			       const char *condition, const char *occurrence, time_t sent_at,
			       struct asn_error *err)
{
	sqlite3_stmt *stmt;

	/* OR IGNORE: two runs at once both delivered; one row stays */
	if (asn_store_prepare(store, "INSERT OR IGNORE INTO notices_sent (recipient, condition, "
			      "occurrence, sent_at) VALUES (?1, ?2, ?3, ?4)", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, recipient);
	asn_store_bind_text(stmt, 2, condition);
	asn_store_bind_text(stmt, 3, occurrence);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)sent_at);
	if (asn_store_step_done(store, stmt, "recording a notice sent", err) < 0)
		return -1;
	return sqlite3_changes(store->db) > 0 ? 1 : 0;
}

int asn_store_notice_last_sent(struct asn_store *store, const char *recipient,
			       const char *condition, time_t *sent_at_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc, found = 0;

	*sent_at_r = 0;
	if (asn_store_prepare(store, "SELECT max(sent_at) FROM notices_sent WHERE "
			      "recipient = ?1 AND condition = ?2", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, recipient);
	asn_store_bind_text(stmt, 2, condition);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*sent_at_r = (time_t)sqlite3_column_int64(stmt, 0);
		found = 1;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "reading notices sent", err);
	return found;
}
