#ifndef ASN_TEST_SQLITE_UTIL_H
#define ASN_TEST_SQLITE_UTIL_H

/* Looking into a database behind the store's back, for the tests: an
   SQLite file, or (a postgresql:// URI) the PostgreSQL database of
   ASN_TEST_STORE=pgsql, with the store's search path. */

#include "asn-settings.h"
#include "asn-util.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline bool test_db_is_pgsql(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0;
}

static inline void test_pg_quiet(void *ctx, const char *msg)
{
	(void)ctx; (void)msg;	/* DROP ... CASCADE's notices */
}

static inline PGconn *test_pg_connect(const char *uri)
{
	PGconn *conn = PQconnectdb(uri);

	if (PQstatus(conn) != CONNECTION_OK) {
		printf("# %s: %s", uri, PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, test_pg_quiet, NULL);
	PQclear(PQexec(conn, "SET search_path = asn, asn_bsre, public"));
	return conn;
}

/* The first column of the first row of sql, or -1 (PostgreSQL's booleans
   as SQLite's 1/0). */
static inline int count_rows(const char *db_path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n = -1;

	if (test_db_is_pgsql(db_path)) {
		PGconn *conn = test_pg_connect(db_path);
		PGresult *res;

		if (conn == NULL)
			return -1;
		res = PQexec(conn, sql);
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
			const char *v = PQgetvalue(res, 0, 0);

			n = strcmp(v, "t") == 0 ? 1 : strcmp(v, "f") == 0 ? 0 : atoi(v);
		}
		PQclear(res);
		PQfinish(conn);
		return n;
	}
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* Runs sql; a failure aborts the test (its setup is broken). */
static inline void exec(const char *db_path, const char *sql)
{
	sqlite3 *db;

	if (test_db_is_pgsql(db_path)) {
		PGconn *conn = test_pg_connect(db_path);
		PGresult *res;
		bool ok;

		if (conn == NULL)
			abort();
		res = PQexec(conn, sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
			PQresultStatus(res) == PGRES_TUPLES_OK;
		if (!ok)
			printf("# %s: %s", sql, PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		if (!ok)
			abort();
		return;
	}
	if (sqlite3_open(db_path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		abort();
	sqlite3_close(db);
}

/* ASN_TEST_STORE=pgsql (tests/store-env.sh started the server). */
static inline bool test_store_pgsql(void)
{
	const char *store = getenv("ASN_TEST_STORE");

	return store != NULL && strcmp(store, "pgsql") == 0;
}

/* The test's asn_db: sqlite_path, or the test server's database emptied
   (both schemas dropped: a clean database, as a new SQLite file). */
static inline const char *test_db(const char *sqlite_path)
{
	const char *uri = getenv("ASN_TEST_PG_URI");

	if (!test_store_pgsql())
		return sqlite_path;
	if (uri == NULL || !test_db_is_pgsql(uri)) {
		printf("Bail out! ASN_TEST_STORE=pgsql without ASN_TEST_PG_URI "
		       "(make check starts the server through tests/store-env.sh)\n");
		exit(99);
	}
	exec(uri, "DROP SCHEMA IF EXISTS asn CASCADE; DROP SCHEMA IF EXISTS asn_bsre CASCADE");
	printf("# asn_db = %s (ASN_TEST_STORE=pgsql)\n", uri);
	return uri;
}

/* test_db_settings: asn_db of set is test_db(sqlite_path); on PostgreSQL
   the events' spool goes under dir (its default is under /var/lib). */
static inline const char *test_db_settings(struct asn_settings *set, const char *dir,
					   const char *sqlite_path)
{
	const char *db = test_db(sqlite_path);
	struct asn_error err;

	asn_settings_set(set, "asn_db", db, &err);
	if (test_db_is_pgsql(db)) {
		char *spool = asn_xasprintf("%s/bsre/events.spool", dir);

		asn_settings_set(set, "asn_bsre_spool", spool, &err);
		free(spool);
	}
	return db;
}

#endif
