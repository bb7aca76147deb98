#ifndef ASN_TEST_SQLITE_UTIL_H
#define ASN_TEST_SQLITE_UTIL_H

/* Looking into a database file behind the store's back, for the tests. */

#include <sqlite3.h>
#include <stdlib.h>

/* The first column of the first row of sql, or -1. */
static inline int count_rows(const char *db_path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n = -1;

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

	if (sqlite3_open(db_path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		abort();
	sqlite3_close(db);
}

#endif
