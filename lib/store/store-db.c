/* The store's statements, once for SQLite and PostgreSQL; the open, init
   and begin/commit that pick the engine. */
#include "store-private.h"
#include "asn-csv.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

static void stmt_free(struct asn_db_stmt *stmt);

int asn_store_failed(enum asn_store_status status, struct asn_error *err)
{
	if (err != NULL)
		err->code = status == ASN_STORE_OK ? ASN_STORE_ERR_OTHER : status;
	return -1;
}

enum asn_store_status asn_store_error_status(const struct asn_error *err)
{
	return err->code == ASN_STORE_OK ? ASN_STORE_ERR_OTHER :
		(enum asn_store_status)err->code;
}

int asn_store_open(const struct asn_settings *set, bool writable,
		   struct asn_store **store_r, struct asn_error *err)
{
	int ret = asn_settings_db_is_pgsql(set->db) ?
		asn_pg_open(set, set->db, false, writable, store_r, err) :
		asn_sqlite_open(set, writable, store_r, err);

	if (ret == 0)
		(*store_r)->writable = writable;
	return ret;
}

int asn_store_open_bsre(const struct asn_settings *set, struct asn_store **store_r,
			struct asn_error *err)
{
	if (asn_settings_db_is_pgsql(set->db)) {
		char *conninfo = asn_settings_bsre_db(set);
		int ret = asn_pg_open(set, conninfo, true, true, store_r, err);

		free(conninfo);
		return ret;
	}
	return asn_sqlite_open_bsre(set, store_r, err);
}

int asn_store_init(const struct asn_settings *set, const char *group,
		   int *from_r, struct asn_error *err)
{
	gid_t gid = (gid_t)-1;

	if (group != NULL) {
		struct group *gr = getgrnam(group);

		if (gr == NULL) {
			asn_error_set(err, "group '%s' does not exist", group);
			return asn_store_failed(ASN_STORE_ERR_OTHER, err);
		}
		gid = gr->gr_gid;
	}
	if (asn_settings_db_is_pgsql(set->db))
		return asn_pg_init(set, gid, from_r, err);
	return asn_sqlite_init(set, gid, from_r, err);
}

void asn_store_close(struct asn_store **_store)
{
	struct asn_store *store = *_store;

	if (store == NULL)
		return;
	*_store = NULL;
	/* before the connection: SQLite closes only without statements */
	for (unsigned int i = 0; i < store->kept_count; i++)
		stmt_free(store->kept[i]);
	if (store->db != NULL)
		sqlite3_close_v2(store->db);
	if (store->pg != NULL)
		asn_pg_close(store);
	free(store->path);
	free(store->bsre_path);
	free(store);
}

int asn_store_attach_bsre(struct asn_store *store, struct asn_error *err)
{
	if (store->bsre_attached)
		return 0;
	if (store->backend == ASN_STORE_PGSQL)
		return asn_pg_attach_bsre(store, err);
	return asn_sqlite_attach_bsre(store, err);
}

int asn_store_begin(struct asn_store *store, struct asn_error *err)
{
	/* SQLite: take the write lock now, not at the first write, so that a
	   transaction never fails half-way on a lock another writer holds */
	return asn_db_exec(store, store->backend == ASN_STORE_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN",
			   "begin transaction", err);
}

int asn_store_begin_read(struct asn_store *store, struct asn_error *err)
{
	/* SQLite: deferred, the first read takes a snapshot and no lock
	   that a writer waits for (WAL) */
	return asn_db_exec(store, store->backend == ASN_STORE_SQLITE ? "BEGIN" :
			   "BEGIN READ ONLY", "begin read transaction", err);
}

void asn_store_keep_statements(struct asn_store *store)
{
	store->keep_statements = true;
}

int asn_store_commit(struct asn_store *store, struct asn_error *err)
{
	if (asn_db_exec(store, "COMMIT", "commit", err) < 0) {
		asn_store_rollback(store);
		return -1;
	}
	return 0;
}

void asn_store_rollback(struct asn_store *store)
{
	struct asn_error ignored;

	asn_db_exec(store, "ROLLBACK", "rollback", &ignored);
}

int asn_db_prepare(struct asn_store *store, const char *sql, struct asn_db_stmt **stmt_r,
		   struct asn_error *err)
{
	struct asn_db_stmt *stmt = asn_xcalloc(1, sizeof(*stmt));

	stmt->store = store;
	*stmt_r = NULL;
	if (store->backend == ASN_STORE_SQLITE) {
		int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt->lite, NULL);

		if (rc != SQLITE_OK) {
			free(stmt);
			return asn_sqlite_fail(store, rc, "prepare", err);
		}
	} else {
		stmt->pg_sql = asn_pg_translate(sql, &stmt->nparams);
		stmt->values = asn_xcalloc((size_t)stmt->nparams + 1, sizeof(*stmt->values));
		stmt->types = asn_xcalloc((size_t)stmt->nparams + 1, sizeof(*stmt->types));
	}
	*stmt_r = stmt;
	return 0;
}

int asn_db_prepare_kept(struct asn_store *store, const char *sql,
			struct asn_db_stmt **stmt_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	unsigned int i;

	if (!store->keep_statements)
		return asn_db_prepare(store, sql, stmt_r, err);
	for (i = 0; i < store->kept_count; i++) {
		if (strcmp(store->kept[i]->kept_sql, sql) == 0)
			break;
	}
	if (i < store->kept_count) {
		if (store->kept[i]->in_use) {
			/* the same statement again while the first runs */
			return asn_db_prepare(store, sql, stmt_r, err);
		}
		store->kept[i]->in_use = true;
		*stmt_r = store->kept[i];
		return 0;
	}
	if (store->kept_count == ASN_DB_KEPT_MAX)
		return asn_db_prepare(store, sql, stmt_r, err);
	if (asn_db_prepare(store, sql, &stmt, err) < 0)
		return -1;
	stmt->kept_sql = asn_xstrdup(sql);
	stmt->in_use = true;
	if (stmt->lite == NULL) {
		snprintf(stmt->pg_name, sizeof(stmt->pg_name), "asn_kept_%u", store->kept_count);
		stmt->pg_types = asn_xcalloc((size_t)stmt->nparams + 1, sizeof(*stmt->pg_types));
	}
	store->kept[store->kept_count++] = stmt;
	*stmt_r = stmt;
	return 0;
}

static void pg_bind(struct asn_db_stmt *stmt, int idx, char *value, Oid type)
{
	if (idx < 1 || idx > stmt->nparams) {
		/* a parameter the SQL does not have: a bug of ours */
		free(value);
		abort();
	}
	free(stmt->values[idx - 1]);
	stmt->values[idx - 1] = value;
	stmt->types[idx - 1] = type;
}

void asn_db_bind_text(struct asn_db_stmt *stmt, int idx, const char *value)
{
	char *repaired = NULL;

	if (value == NULL)
		value = "";
	/* Only valid UTF-8 is stored: a UTF-8 PostgreSQL refuses anything
	   else (and a refused event would sit in the spool for ever), and
	   SQLite's copy must read the same.  Headers of a mail cut in the
	   middle of a character, or in another charset, get a '?' there. */
	if (!asn_utf8_valid(value, strlen(value)))
		value = repaired = asn_utf8_repair(value);
	if (stmt->lite != NULL)
		sqlite3_bind_text(stmt->lite, idx, value, -1, SQLITE_TRANSIENT);
	else
		/* type left to the server, which takes the column's (citext) */
		pg_bind(stmt, idx, asn_xstrdup(value), 0);
	free(repaired);
}

void asn_db_bind_opt(struct asn_db_stmt *stmt, int idx, const char *value)
{
	if (value == NULL)
		asn_db_bind_null(stmt, idx);
	else
		asn_db_bind_text(stmt, idx, value);
}

void asn_db_bind_int(struct asn_db_stmt *stmt, int idx, int64_t value)
{
	if (stmt->lite != NULL)
		sqlite3_bind_int64(stmt->lite, idx, (sqlite3_int64)value);
	else
		pg_bind(stmt, idx, asn_xasprintf("%lld", (long long)value), 20 /* INT8OID */);
}

void asn_db_bind_null(struct asn_db_stmt *stmt, int idx)
{
	if (stmt->lite != NULL)
		sqlite3_bind_null(stmt->lite, idx);
	else
		pg_bind(stmt, idx, NULL, 0);
}

int asn_db_step(struct asn_db_stmt *stmt, const char *what, struct asn_error *err)
{
	int rc;

	if (stmt->lite == NULL)
		return asn_pg_step(stmt, what, err);
	rc = sqlite3_step(stmt->lite);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		stmt->store->changes = (uint64_t)sqlite3_changes(stmt->store->db);
		return 0;
	}
	return asn_sqlite_fail(stmt->store, rc, what, err);
}

bool asn_db_column_is_null(struct asn_db_stmt *stmt, int col)
{
	if (stmt->lite != NULL)
		return sqlite3_column_type(stmt->lite, col) == SQLITE_NULL;
	return PQgetisnull(stmt->res, stmt->row - 1, col) != 0;
}

const char *asn_db_column_text(struct asn_db_stmt *stmt, int col)
{
	const char *text;

	if (stmt->lite != NULL)
		text = (const char *)sqlite3_column_text(stmt->lite, col);
	else
		text = PQgetisnull(stmt->res, stmt->row - 1, col) ? NULL :
			PQgetvalue(stmt->res, stmt->row - 1, col);
	return text == NULL ? "" : text;
}

char *asn_db_column_dup(struct asn_db_stmt *stmt, int col)
{
	return asn_xstrdup(asn_db_column_text(stmt, col));
}

int64_t asn_db_column_int(struct asn_db_stmt *stmt, int col)
{
	const char *text;

	if (stmt->lite != NULL)
		return (int64_t)sqlite3_column_int64(stmt->lite, col);
	/* PostgreSQL's text form of an integer, or of a boolean (a
	   comparison selected as a value: t or f); NULL reads as 0, as in
	   SQLite */
	text = asn_db_column_text(stmt, col);
	if (text[0] == 't' || text[0] == 'f')
		return text[0] == 't' ? 1 : 0;
	return strtoll(text, NULL, 10);
}

static void stmt_free(struct asn_db_stmt *stmt)
{
	if (stmt->lite != NULL)
		sqlite3_finalize(stmt->lite);
	if (stmt->res != NULL)
		PQclear(stmt->res);
	for (int i = 0; i < stmt->nparams; i++)
		free(stmt->values[i]);
	free(stmt->values);
	free(stmt->types);
	free(stmt->pg_types);
	free(stmt->pg_sql);
	free(stmt->kept_sql);
	free(stmt);
}

/* A kept statement back to how asn_db_prepare hands one out: not run,
   every parameter NULL (whatever the last use, error or not). */
static void stmt_reset(struct asn_db_stmt *stmt)
{
	if (stmt->lite != NULL) {
		/* returns the last step's error, which was reported then */
		(void)sqlite3_reset(stmt->lite);
		sqlite3_clear_bindings(stmt->lite);
	}
	if (stmt->res != NULL) {
		PQclear(stmt->res);
		stmt->res = NULL;
	}
	stmt->row = stmt->rows = 0;
	for (int i = 0; i < stmt->nparams; i++) {
		free(stmt->values[i]);
		stmt->values[i] = NULL;
		stmt->types[i] = 0;
	}
	stmt->in_use = false;
}

void asn_db_finalize(struct asn_db_stmt **_stmt)
{
	struct asn_db_stmt *stmt = *_stmt;

	if (stmt == NULL)
		return;
	*_stmt = NULL;
	if (stmt->kept_sql != NULL)
		stmt_reset(stmt);
	else
		stmt_free(stmt);
}

int64_t asn_db_run(struct asn_db_stmt *stmt, const char *what, struct asn_error *err)
{
	struct asn_store *store = stmt->store;
	int ret;

	while ((ret = asn_db_step(stmt, what, err)) > 0)
		;
	asn_db_finalize(&stmt);
	return ret < 0 ? -1 : (int64_t)store->changes;
}

int asn_db_exec(struct asn_store *store, const char *sql, const char *what,
		struct asn_error *err)
{
	if (store->backend == ASN_STORE_SQLITE) {
		int rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);

		return rc == SQLITE_OK ? 0 : asn_sqlite_fail(store, rc, what, err);
	} else {
		struct asn_db_stmt *stmt;

		if (asn_db_prepare(store, sql, &stmt, err) < 0)
			return -1;
		return asn_db_run(stmt, what, err) < 0 ? -1 : 0;
	}
}

int asn_db_done(struct asn_db_stmt *stmt, const char *what, struct asn_error *err)
{
	return asn_db_run(stmt, what, err) < 0 ? -1 : 0;
}

int asn_db_insert_id(struct asn_db_stmt *stmt, const char *what, int64_t *id_r,
		     struct asn_error *err)
{
	int ret = asn_db_step(stmt, what, err);

	if (ret > 0)
		*id_r = asn_db_column_int(stmt, 0);
	else if (ret == 0) {
		asn_error_set(err, "%s: %s: no row was inserted", stmt->store->path, what);
		ret = asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	asn_db_finalize(&stmt);
	return ret < 0 ? -1 : 0;
}

bool asn_store_alive(struct asn_store *store)
{
	if (store->backend == ASN_STORE_SQLITE)
		return true;
	if (store->pg == NULL)
		return false;
	/* reads what the server sent meanwhile: a shutdown's notice ends
	   the connection here rather than at the next statement.  Twice:
	   one read takes the notice's bytes and stops there, only the next
	   sees the end of the stream (an idle connection: no wait) */
	(void)PQconsumeInput(store->pg);
	(void)PQconsumeInput(store->pg);
	return PQstatus(store->pg) == CONNECTION_OK &&
		PQtransactionStatus(store->pg) == PQTRANS_IDLE;
}
