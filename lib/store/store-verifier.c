/* Verifiers, their OPDs and the lookups they make, in the account store. */
#include "store-private.h"
#include "asn-store-verifier.h"

#include <stdlib.h>
#include <string.h>

void asn_verifier_free(struct asn_verifier *verifier)
{
	free(verifier->email);
	free(verifier->name);
	free(verifier->phone);
	asn_strv_free(&verifier->opds);
	memset(verifier, 0, sizeof(*verifier));
}

static char *text_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return asn_xstrdup(text == NULL ? "" : (const char *)text);
}

/* Runs a one-value query (?1 text or int64) and collects column 0. */
static int collect_strings(struct asn_store *store, const char *sql, int64_t id,
			   struct asn_strv *out, const char *what, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (asn_store_prepare(store, sql, &stmt, err) < 0)
		return -1;
	if (id != 0)
		sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		asn_strv_add_take(out, text_dup(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, what, err);
	return 0;
}

static int verifier_opds(struct asn_store *store, struct asn_verifier *verifier,
			 struct asn_error *err)
{
	return collect_strings(store, "SELECT opd FROM verifier_opds WHERE verifier_id = ?1 "
			       "ORDER BY opd", verifier->id, &verifier->opds,
			       "reading a verifier's OPDs", err);
}

#define VERIFIER_COLUMNS "id, email, name, phone, all_opd, created_at"

static void verifier_from_row(sqlite3_stmt *stmt, struct asn_verifier *verifier)
{
	memset(verifier, 0, sizeof(*verifier));
	verifier->id = sqlite3_column_int64(stmt, 0);
	verifier->email = text_dup(stmt, 1);
	verifier->name = text_dup(stmt, 2);
	verifier->phone = text_dup(stmt, 3);
	verifier->all_opd = sqlite3_column_int(stmt, 4) != 0;
	verifier->created_at = (time_t)sqlite3_column_int64(stmt, 5);
}

int asn_store_verifier_add(struct asn_store *store, struct asn_verifier *verifier,
			   struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT INTO verifiers (email, name, phone, all_opd, created_at) "
			      "VALUES (?, ?, ?, ?, ?)", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, verifier->email);
	asn_store_bind_text(stmt, 2, verifier->name);
	asn_store_bind_text(stmt, 3, verifier->phone);
	sqlite3_bind_int(stmt, 4, verifier->all_opd ? 1 : 0);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)verifier->created_at);
	if (asn_store_step_done(store, stmt, "adding verifier", err) < 0) {
		if (asn_store_error_status(err) == ASN_STORE_ERR_CONFLICT) {
			asn_error_set(err, "%s is a verifier already", verifier->email);
			return asn_store_failed(ASN_STORE_ERR_CONFLICT, err);
		}
		return -1;
	}
	verifier->id = sqlite3_last_insert_rowid(store->db);
	for (size_t i = 0; i < verifier->opds.count; i++) {
		if (asn_store_verifier_opd_add(store, verifier->id,
					       verifier->opds.items[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Runs a change and says whether it changed a row. */
static int change_rows(struct asn_store *store, sqlite3_stmt *stmt, const char *what,
		       struct asn_error *err)
{
	if (asn_store_step_done(store, stmt, what, err) < 0)
		return -1;
	return sqlite3_changes(store->db) > 0 ? 1 : 0;
}

int asn_store_verifier_remove(struct asn_store *store, const char *email,
			      struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "DELETE FROM verifiers WHERE email = ?1", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, email);
	return change_rows(store, stmt, "removing verifier", err);
}

int asn_store_verifier_find(struct asn_store *store, const char *email,
			    struct asn_verifier *verifier_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(verifier_r, 0, sizeof(*verifier_r));
	if (asn_store_prepare(store, "SELECT " VERIFIER_COLUMNS " FROM verifiers WHERE email = ?1",
			      &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, email);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return rc == SQLITE_DONE ? 0 : asn_store_fail(store, rc, "verifier lookup", err);
	}
	verifier_from_row(stmt, verifier_r);
	sqlite3_finalize(stmt);
	if (verifier_opds(store, verifier_r, err) < 0) {
		asn_verifier_free(verifier_r);
		return -1;
	}
	return 1;
}

int asn_store_verifier_opd_add(struct asn_store *store, int64_t verifier_id,
			       const char *opd, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT OR IGNORE INTO verifier_opds (verifier_id, opd) "
			      "VALUES (?, ?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, verifier_id);
	asn_store_bind_text(stmt, 2, opd);
	return change_rows(store, stmt, "adding a verifier's OPD", err);
}

int asn_store_verifier_opd_remove(struct asn_store *store, int64_t verifier_id,
				  const char *opd, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "DELETE FROM verifier_opds WHERE verifier_id = ? AND opd = ?",
			      &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, verifier_id);
	asn_store_bind_text(stmt, 2, opd);
	return change_rows(store, stmt, "removing a verifier's OPD", err);
}

int asn_store_verifier_iterate(struct asn_store *store, asn_verifier_callback *callback,
			       void *context, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (asn_store_prepare(store, "SELECT " VERIFIER_COLUMNS " FROM verifiers ORDER BY email",
			      &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct asn_verifier verifier;

		verifier_from_row(stmt, &verifier);
		if (verifier_opds(store, &verifier, err) < 0) {
			asn_verifier_free(&verifier);
			sqlite3_finalize(stmt);
			return -1;
		}
		ret = callback(&verifier, context);
		asn_verifier_free(&verifier);
		if (ret < 0)
			break;
	}
	sqlite3_finalize(stmt);
	if (ret < 0)
		return -1;
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "listing verifiers", err);
	return 0;
}

int asn_store_opds(struct asn_store *store, struct asn_strv *opds_r, struct asn_error *err)
{
	return collect_strings(store, "SELECT DISTINCT opd FROM accounts WHERE opd != '' "
			       "ORDER BY opd", 0, opds_r, "listing OPDs", err);
}

int asn_store_opd_exists(struct asn_store *store, const char *opd, char **similar_r,
			 struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*similar_r = NULL;
	/* The exact spelling first, else the nearest by case and spaces. */
	if (asn_store_prepare(store, "SELECT opd, opd = ?1 FROM accounts "
			      "WHERE trim(opd) = trim(?1) COLLATE NOCASE "
			      "ORDER BY opd = ?1 DESC LIMIT 1", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, opd);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		bool exact = sqlite3_column_int(stmt, 1) != 0;

		if (!exact)
			*similar_r = text_dup(stmt, 0);
		sqlite3_finalize(stmt);
		return exact ? 1 : 0;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : asn_store_fail(store, rc, "OPD lookup", err);
}

const char *asn_lookup_via_name(enum asn_lookup_via via)
{
	switch (via) {
	case ASN_LOOKUP_ASNCTL: return "asnctl";
	case ASN_LOOKUP_PORTAL: return "portal";
	case ASN_LOOKUP_API: return "api";
	}
	return "?";
}

int asn_store_person_lookup_add(struct asn_store *store, const char *verifier,
				const char *query, int64_t account_id,
				enum asn_lookup_via via, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	/* The account's address as it is now: the row keeps whom it was
	   after the account is gone. */
	if (asn_store_prepare(store, "INSERT INTO person_lookups "
			      "(at, verifier, query, account_id, email, via) VALUES (?1, ?2, ?3, ?4, "
			      "coalesce((SELECT email FROM accounts WHERE id = ?4), ''), ?5)",
			      &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)asn_now());
	asn_store_bind_text(stmt, 2, verifier);
	asn_store_bind_text(stmt, 3, query);
	if (account_id != 0)
		sqlite3_bind_int64(stmt, 4, account_id);
	else
		sqlite3_bind_null(stmt, 4);
	asn_store_bind_text(stmt, 5, asn_lookup_via_name(via));
	return asn_store_step_done(store, stmt, "recording a person lookup", err);
}

void asn_api_token_free(struct asn_api_token *token)
{
	free(token->name);
	memset(token, 0, sizeof(*token));
}

int asn_store_api_token_add(struct asn_store *store, int64_t verifier_id, const char *name,
			    const char *hash, int64_t *id_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT INTO api_tokens (verifier_id, name, hash, created_at) "
			      "VALUES (?1, ?2, ?3, ?4)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, verifier_id);
	asn_store_bind_text(stmt, 2, name);
	asn_store_bind_text(stmt, 3, hash);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)asn_now());
	if (asn_store_step_done(store, stmt, "adding an API token", err) < 0)
		return -1;
	*id_r = sqlite3_last_insert_rowid(store->db);
	return 0;
}

int asn_store_api_token_use(struct asn_store *store, const char *hash, char **email_r,
			    struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int64_t id;
	int rc;

	*email_r = NULL;
	if (asn_store_prepare(store, "SELECT t.id, v.email FROM api_tokens t "
			      "JOIN verifiers v ON v.id = t.verifier_id WHERE t.hash = ?1",
			      &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, hash);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return rc == SQLITE_DONE ? 0 : asn_store_fail(store, rc, "API token lookup", err);
	}
	id = sqlite3_column_int64(stmt, 0);
	*email_r = text_dup(stmt, 1);
	sqlite3_finalize(stmt);
	if (asn_store_prepare(store, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
			      &stmt, err) < 0 ||
	    (sqlite3_bind_int64(stmt, 1, id), sqlite3_bind_int64(stmt, 2, (sqlite3_int64)asn_now()),
	     asn_store_step_done(store, stmt, "noting an API token's use", err)) < 0) {
		free(*email_r);
		*email_r = NULL;
		return -1;
	}
	return 1;
}

int asn_store_api_token_list(struct asn_store *store, int64_t verifier_id,
			     struct asn_api_token **tokens_r, size_t *count_r,
			     struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (asn_store_prepare(store, "SELECT id, name, created_at, last_used_at FROM api_tokens "
			      "WHERE verifier_id = ?1 ORDER BY id", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, verifier_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct asn_api_token *t;

		*tokens_r = asn_xrealloc(*tokens_r, (*count_r + 1) * sizeof(**tokens_r));
		t = &(*tokens_r)[(*count_r)++];
		t->id = sqlite3_column_int64(stmt, 0);
		t->name = text_dup(stmt, 1);
		t->created_at = (time_t)sqlite3_column_int64(stmt, 2);
		t->last_used_at = (time_t)sqlite3_column_int64(stmt, 3);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "listing API tokens", err);
	return 0;
}

int asn_store_api_token_remove(struct asn_store *store, int64_t verifier_id, int64_t id,
			       char **name_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*name_r = NULL;
	if (asn_store_prepare(store, "DELETE FROM api_tokens WHERE verifier_id = ?1 AND id = ?2 "
			      "RETURNING name", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, verifier_id);
	sqlite3_bind_int64(stmt, 2, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*name_r = text_dup(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		free(*name_r);
		*name_r = NULL;
		return asn_store_fail(store, rc, "removing an API token", err);
	}
	return *name_r != NULL ? 1 : 0;
}
