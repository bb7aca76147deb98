/* Accounts: their rows, password history, imports and audit. */
#include "store-private.h"

#include <stdlib.h>
#include <string.h>

void asn_account_free(struct asn_account *account)
{
	if (account->password != NULL)
		asn_secure_zero(account->password, strlen(account->password));
	free(account->email);
	free(account->password);
	free(account->nip);
	free(account->name);
	free(account->position);
	free(account->phone);
	free(account->opd);
	memset(account, 0, sizeof(*account));
}

#define ACCOUNT_COLUMNS \
	"id, email, password, nip, name, position, phone, opd, must_change, disabled, " \
	"password_set_at, coalesce(initial_password_expires_at, 0), created_at, " \
	"coalesce(import_id, 0)"

static void account_from_row(struct asn_db_stmt *stmt, struct asn_account *account)
{
	account->id = asn_db_column_int(stmt, 0);
	account->email = asn_db_column_dup(stmt, 1);
	account->password = asn_db_column_dup(stmt, 2);
	account->nip = asn_db_column_dup(stmt, 3);
	account->name = asn_db_column_dup(stmt, 4);
	account->position = asn_db_column_dup(stmt, 5);
	account->phone = asn_db_column_dup(stmt, 6);
	account->opd = asn_db_column_dup(stmt, 7);
	account->must_change = asn_db_column_int(stmt, 8) != 0;
	account->disabled = asn_db_column_int(stmt, 9) != 0;
	account->password_set_at = (time_t)asn_db_column_int(stmt, 10);
	account->initial_password_expires_at = (time_t)asn_db_column_int(stmt, 11);
	account->created_at = (time_t)asn_db_column_int(stmt, 12);
	account->import_id = asn_db_column_int(stmt, 13);
}

int asn_store_account_find(struct asn_store *store, const char *user,
			   struct asn_account *account_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	memset(account_r, 0, sizeof(*account_r));
	if (asn_db_prepare(store, "SELECT " ACCOUNT_COLUMNS " FROM accounts "
		    "WHERE email = ?1 OR nip = ?1", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, user);
	rc = asn_db_step(stmt, "account lookup", err);
	if (rc > 0)
		account_from_row(stmt, account_r);
	asn_db_finalize(&stmt);
	return rc;
}

static int exists_query(struct asn_store *store, const char *sql, const char *value,
			char **first_col_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	/* once per row of an import */
	if (asn_db_prepare_kept(store, sql, &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, value);
	rc = asn_db_step(stmt, "lookup", err);
	if (rc > 0 && first_col_r != NULL)
		*first_col_r = asn_db_column_dup(stmt, 0);
	asn_db_finalize(&stmt);
	return rc;
}

int asn_store_nip_exists(struct asn_store *store, const char *nip, struct asn_error *err)
{
	return exists_query(store, "SELECT nip FROM accounts WHERE nip = ?1", nip, NULL, err);
}

int asn_store_email_owner(struct asn_store *store, const char *email,
			  char **nip_r, struct asn_error *err)
{
	return exists_query(store, "SELECT nip FROM accounts WHERE email = ?1", email, nip_r, err);
}

int asn_store_import_begin(struct asn_store *store, const struct asn_import_record *rec,
			   int64_t *import_id_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "INSERT INTO imports (imported_at, actor, source, letter_ref, opd) "
		    "VALUES (?, ?, ?, ?, ?) RETURNING id", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, asn_now());
	asn_db_bind_text(stmt, 2, rec->actor);
	asn_db_bind_text(stmt, 3, rec->source);
	asn_db_bind_text(stmt, 4, rec->letter_ref);
	asn_db_bind_text(stmt, 5, rec->opd);
	return asn_db_insert_id(stmt, "recording import", import_id_r, err);
}

int asn_store_import_finish(struct asn_store *store, int64_t import_id,
			    unsigned int created, unsigned int existing,
			    unsigned int rejected, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "UPDATE imports SET created = ?, existing = ?, rejected = ? "
		    "WHERE id = ?", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, (int)created);
	asn_db_bind_int(stmt, 2, (int)existing);
	asn_db_bind_int(stmt, 3, (int)rejected);
	asn_db_bind_int(stmt, 4, import_id);
	return asn_db_done(stmt, "recording import", err);
}

int asn_store_account_insert(struct asn_store *store, struct asn_account *account,
			     struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare_kept(store, "INSERT INTO accounts (email, password, nip, name, position, phone, "
		    "opd, must_change, disabled, password_set_at, initial_password_expires_at, "
		    "created_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, account->email);
	asn_db_bind_text(stmt, 2, account->password);
	asn_db_bind_text(stmt, 3, account->nip);
	asn_db_bind_text(stmt, 4, account->name);
	asn_db_bind_text(stmt, 5, account->position);
	asn_db_bind_text(stmt, 6, account->phone);
	asn_db_bind_text(stmt, 7, account->opd);
	asn_db_bind_int(stmt, 8, account->must_change ? 1 : 0);
	asn_db_bind_int(stmt, 9, account->disabled ? 1 : 0);
	asn_db_bind_int(stmt, 10, account->password_set_at);
	if (account->initial_password_expires_at != 0)
		asn_db_bind_int(stmt, 11, account->initial_password_expires_at);
	else
		asn_db_bind_null(stmt, 11);
	asn_db_bind_int(stmt, 12, account->created_at);
	if (account->import_id != 0)
		asn_db_bind_int(stmt, 13, account->import_id);
	else
		asn_db_bind_null(stmt, 13);
	if (asn_db_insert_id(stmt, "adding account", &account->id, err) < 0) {
		if (asn_store_error_status(err) == ASN_STORE_ERR_CONFLICT) {
			asn_error_set(err, "%s: account %s (NIP %s) was added by someone else "
				      "meanwhile; run the command again", store->path,
				      account->email, account->nip);
			return asn_store_failed(ASN_STORE_ERR_CONFLICT, err);
		}
		return -1;
	}
	return 0;
}

int asn_store_account_set_password(struct asn_store *store, const struct asn_account *account,
				   const char *new_hash, bool must_change, time_t expires_at,
				   unsigned int history_keep, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	time_t now = asn_now();

	if (asn_db_prepare(store, "INSERT INTO password_history (account_id, password, set_at, retired_at) "
		    "SELECT id, password, password_set_at, ? FROM accounts WHERE id = ?",
		    &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, now);
	asn_db_bind_int(stmt, 2, account->id);
	if (asn_db_done(stmt, "saving password history", err) < 0)
		return -1;

	if (asn_db_prepare(store, "DELETE FROM password_history WHERE account_id = ?1 AND rowid NOT IN "
		    "(SELECT rowid FROM password_history WHERE account_id = ?1 "
		    "ORDER BY retired_at DESC, rowid DESC LIMIT ?2)", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, account->id);
	asn_db_bind_int(stmt, 2, (int)history_keep);
	if (asn_db_done(stmt, "trimming password history", err) < 0)
		return -1;

	if (asn_db_prepare(store, "UPDATE accounts SET password = ?, must_change = ?, "
		    "password_set_at = ?, initial_password_expires_at = ? WHERE id = ?",
		    &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, new_hash);
	asn_db_bind_int(stmt, 2, must_change ? 1 : 0);
	asn_db_bind_int(stmt, 3, now);
	if (expires_at != 0)
		asn_db_bind_int(stmt, 4, expires_at);
	else
		asn_db_bind_null(stmt, 4);
	asn_db_bind_int(stmt, 5, account->id);
	return asn_db_done(stmt, "updating password", err);
}

int asn_store_account_set_disabled(struct asn_store *store, int64_t id, bool disabled,
				   struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "UPDATE accounts SET disabled = ? WHERE id = ?", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, disabled ? 1 : 0);
	asn_db_bind_int(stmt, 2, id);
	return asn_db_done(stmt, "updating account", err);
}

int asn_store_password_history(struct asn_store *store, int64_t id, unsigned int limit,
			       struct asn_strv *hashes_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	if (asn_db_prepare(store, "SELECT password FROM password_history WHERE account_id = ? "
		    "ORDER BY retired_at DESC, rowid DESC LIMIT ?", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, id);
	asn_db_bind_int(stmt, 2, (int)limit);
	while ((rc = asn_db_step(stmt, "reading password history", err)) > 0)
		asn_strv_add_take(hashes_r, asn_db_column_dup(stmt, 0));
	asn_db_finalize(&stmt);
	return rc;
}

int asn_store_audit(struct asn_store *store, const char *actor, const char *action,
		    const struct asn_account *account, const char *detail,
		    struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare_kept(store, "INSERT INTO audit (at, actor, action, account_id, email, detail) "
		    "VALUES (?, ?, ?, ?, ?, ?)", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, asn_now());
	asn_db_bind_text(stmt, 2, actor);
	asn_db_bind_text(stmt, 3, action);
	if (account != NULL && account->id != 0)
		asn_db_bind_int(stmt, 4, account->id);
	else
		asn_db_bind_null(stmt, 4);
	asn_db_bind_text(stmt, 5, account != NULL ? account->email : "");
	asn_db_bind_text(stmt, 6, detail);
	return asn_db_done(stmt, "writing audit", err);
}

static int iterate_opd(struct asn_store *store, const char *opd,
		       asn_account_callback *callback, void *context, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, ret = 0;

	if (asn_db_prepare(store, "SELECT " ACCOUNT_COLUMNS " FROM accounts "
		    "WHERE CAST(?1 AS TEXT) IS NULL OR opd = ?1 ORDER BY opd, email", &stmt, err) < 0)
		return -1;
	if (opd != NULL)
		asn_db_bind_text(stmt, 1, opd);
	while ((rc = asn_db_step(stmt, "listing accounts", err)) > 0) {
		struct asn_account account;

		account_from_row(stmt, &account);
		ret = callback(&account, context);
		asn_account_free(&account);
		if (ret < 0)
			break;
	}
	asn_db_finalize(&stmt);
	return ret < 0 || rc < 0 ? -1 : 0;
}

int asn_store_account_iterate(struct asn_store *store, const char *opd,
			      asn_account_callback *callback, void *context,
			      struct asn_error *err)
{
	struct asn_strv opds;
	int ret;

	if (opd != NULL || store->backend == ASN_STORE_SQLITE)
		return iterate_opd(store, opd, callback, context, err);
	/* PostgreSQL hands a whole result over at once: one OPD at a time,
	   so that a national site's accounts are not all in memory */
	memset(&opds, 0, sizeof(opds));
	ret = asn_store_every_opd(store, &opds, err);
	for (size_t i = 0; ret == 0 && i < opds.count; i++)
		ret = iterate_opd(store, opds.items[i], callback, context, err);
	asn_strv_free(&opds);
	return ret;
}

int asn_store_every_opd(struct asn_store *store, struct asn_strv *opds_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int ret;

	if (asn_db_prepare(store, "SELECT DISTINCT opd FROM accounts ORDER BY opd", &stmt, err) < 0)
		return -1;
	while ((ret = asn_db_step(stmt, "listing OPDs", err)) > 0)
		asn_strv_add_take(opds_r, asn_db_column_dup(stmt, 0));
	asn_db_finalize(&stmt);
	return ret;
}
