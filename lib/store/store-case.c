/* Verifier cases: their rows in the account store. */
#include "store-private.h"
#include "asn-store-case.h"

#include <stdlib.h>
#include <string.h>

void asn_case_free(struct asn_case *c)
{
	free(c->kind);
	free(c->action);
	free(c->note);
	free(c->by);
	free(c->resolved_by);
	memset(c, 0, sizeof(*c));
}

void asn_cases_free(struct asn_cases *cases)
{
	for (size_t i = 0; i < cases->count; i++)
		asn_case_free(&cases->items[i]);
	free(cases->items);
	memset(cases, 0, sizeof(*cases));
}

#define CASE_COLUMNS "c.id, c.account_id, c.kind, c.action, c.note, c.at, c.by, " \
	"c.resolved_at, c.resolved_by"

static void case_from_row(struct asn_db_stmt *stmt, struct asn_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = asn_db_column_int(stmt, 0);
	c->account_id = asn_db_column_int(stmt, 1);
	c->kind = asn_db_column_dup(stmt, 2);
	c->action = asn_db_column_dup(stmt, 3);
	c->note = asn_db_column_dup(stmt, 4);
	c->at = (time_t)asn_db_column_int(stmt, 5);
	c->by = asn_db_column_dup(stmt, 6);
	c->resolved_at = (time_t)asn_db_column_int(stmt, 7);
	c->resolved_by = asn_db_column_dup(stmt, 8);
}

int asn_store_case_add(struct asn_store *store, struct asn_case *c, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "INSERT INTO verifier_cases "
			      "(account_id, kind, action, note, at, \"by\") VALUES (?, ?, ?, ?, ?, ?) "
			      "RETURNING id",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, c->account_id);
	asn_db_bind_text(stmt, 2, c->kind);
	asn_db_bind_text(stmt, 3, c->action != NULL ? c->action : "");
	asn_db_bind_text(stmt, 4, c->note != NULL ? c->note : "");
	asn_db_bind_int(stmt, 5, c->at);
	asn_db_bind_text(stmt, 6, c->by);
	return asn_db_insert_id(stmt, "adding a case", &c->id, err);
}

int asn_store_case_find(struct asn_store *store, int64_t id, struct asn_case *c_r,
			char **opd_r, char **email_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	memset(c_r, 0, sizeof(*c_r));
	*opd_r = *email_r = NULL;
	if (asn_db_prepare(store, "SELECT " CASE_COLUMNS ", a.opd, a.email FROM verifier_cases c "
			      "JOIN accounts a ON a.id = c.account_id WHERE c.id = ?1",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, id);
	rc = asn_db_step(stmt, "case lookup", err);
	if (rc <= 0) {
		asn_db_finalize(&stmt);
		return rc == 0 ? 0 : -1;
	}
	case_from_row(stmt, c_r);
	*opd_r = asn_db_column_dup(stmt, 9);
	*email_r = asn_db_column_dup(stmt, 10);
	asn_db_finalize(&stmt);
	return 1;
}

int asn_store_case_close(struct asn_store *store, int64_t id, const char *by, time_t at,
			 struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "UPDATE verifier_cases SET resolved_at = ?2, resolved_by = ?3 "
			      "WHERE id = ?1 AND resolved_at IS NULL", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, id);
	asn_db_bind_int(stmt, 2, at);
	asn_db_bind_text(stmt, 3, by);
	if (asn_db_done(stmt, "closing a case", err) < 0)
		return -1;
	return store->changes > 0 ? 1 : 0;
}

int asn_store_case_list(struct asn_store *store, int64_t account_id,
			struct asn_cases *cases_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	size_t size = cases_r->count;
	int rc;

	if (asn_db_prepare(store, "SELECT " CASE_COLUMNS " FROM verifier_cases c "
			      "WHERE c.account_id = ?1 ORDER BY c.at, c.id", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, account_id);
	while ((rc = asn_db_step(stmt, "listing cases", err)) > 0) {
		if (cases_r->count == size) {
			size = size == 0 ? 4 : size * 2;
			cases_r->items = asn_xrealloc(cases_r->items, size * sizeof(*cases_r->items));
		}
		case_from_row(stmt, &cases_r->items[cases_r->count++]);
	}
	asn_db_finalize(&stmt);
	if (rc < 0)
		return -1;
	return 0;
}

int asn_store_case_activity(struct asn_store *store, int64_t account_id, time_t *at_r,
			    struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, ret = 0;

	*at_r = 0;
	/* max(a, b) of two values, then the max over the rows: SQLite's
	   scalar and aggregate max. */
	if (asn_db_prepare(store, "SELECT max(CASE WHEN resolved_at > at THEN resolved_at ELSE at END) "
			      "FROM verifier_cases WHERE account_id = ?1", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, account_id);
	rc = asn_db_step(stmt, "reading a person's cases", err);
	if (rc > 0 && !asn_db_column_is_null(stmt, 0)) {
		*at_r = (time_t)asn_db_column_int(stmt, 0);
		ret = 1;
	}
	asn_db_finalize(&stmt);
	if (rc <= 0)
		return -1;
	return ret;
}
