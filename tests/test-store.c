/* The store: creation, permissions, migrations, accounts, history; on
   SQLite, or with ASN_TEST_STORE=pgsql on PostgreSQL (what is about
   SQLite's file is skipped there, with a counterpart where one exists). */
#include "tap.h"
#include "asn-store.h"
#include "store-private.h"	/* asn_store_migrate_db */
#include "sqlite-util.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/asn-test-store-XXXXXX";

static void test_migrations(void)
{
	static const struct asn_migration steps[] = {
		{ "one", "CREATE TABLE t1 (a INTEGER);" },
		{ "two", "ALTER TABLE t1 ADD COLUMN b TEXT; CREATE TABLE t2 (c INTEGER);" },
		{ "broken", "CREATE TABLE t3 (x); INSERT INTO nosuchtable VALUES (1);" },
	};
	char path[256];
	struct asn_error err = { .msg = "" };
	sqlite3 *db;
	int from = -1;

	snprintf(path, sizeof(path), "%s/mig.db", dir);
	sqlite3_open(path, &db);
	tap_ok(asn_store_migrate_db(db, steps, 1, &from, &err) == 0 && from == 0,
	       "migration: new database to version 1");
	tap_ok(asn_store_migrate_db(db, steps, 2, &from, &err) == 0 && from == 1,
	       "migration: version 1 upgraded to 2 (from %d)", from);
	tap_ok(asn_store_migrate_db(db, steps, 2, &from, &err) == 0 && from == 2,
	       "migration: up to date is a no-op");
	tap_ok(asn_store_migrate_db(db, steps, 3, &from, &err) < 0,
	       "migration: failing step refused");
	tap_contains(err.msg, "migration to version 3", "migration: error names the step");
	sqlite3_close(db);
	tap_ok(count_rows(path, "PRAGMA user_version") == 2,
	       "migration: failed step left the version at 2");
	tap_ok(count_rows(path, "SELECT count(*) FROM sqlite_master WHERE name = 't3'") == 0,
	       "migration: failed step rolled back whole");
	sqlite3_open(path, &db);
	tap_ok(asn_store_migrate_db(db, steps, 1, &from, &err) < 0,
	       "migration: a newer schema is refused");
	tap_contains(err.msg, "newer than this dovecot-asn", "migration: newer schema message");
	sqlite3_close(db);
}

/* PostgreSQL's $N for the store's ?N, literals and quoted names left
   alone; run under valgrind and LSan, which saw every statement leak its
   translation's buffer */
static void test_pg_translate(void)
{
	int n = -1;
	char *sql = asn_pg_translate("SELECT ?2, ?1, ?2 FROM \"t?\" WHERE a = '?' AND b = ?", &n);

	tap_is_str(sql, "SELECT $2, $1, $2 FROM \"t?\" WHERE a = '?' AND b = $3",
		   "pg_translate: ?N, repeats, a bare ? after them, quotes untouched");
	tap_ok(n == 3, "pg_translate: three parameters (%d)", n);
	free(sql);
	sql = asn_pg_translate("BEGIN", &n);
	tap_ok(n == 0 && strcmp(sql, "BEGIN") == 0, "pg_translate: no parameter");
	free(sql);
}

static void kept_account(struct asn_account *account, const char *email, const char *nip,
			 const char *name, time_t expires)
{
	memset(account, 0, sizeof(*account));
	account->email = (char *)email;
	account->password = (char *)"{ARGON2ID}$argon2id$kept";
	account->nip = (char *)nip;
	account->name = (char *)name;
	account->opd = (char *)"Kept";
	account->must_change = true;
	account->password_set_at = 1000;
	account->initial_password_expires_at = expires;
	account->created_at = 1000;
}

/* Statements kept for bulk work (the import): prepared once, each use
   bound afresh, after an error or a row found as after anything else;
   the reads of a batch in one read transaction that a writer does not
   wait for.  Under valgrind and ASan: the kept ones are freed at close. */
static void test_kept_statements(const struct asn_settings *set, bool pg)
{
	struct asn_store *store = NULL, *writer = NULL;
	struct asn_error err = { .msg = "" };
	struct asn_account account, found;
	struct asn_db_stmt *first, *again, *nested;
	char *owner = NULL;

	if (asn_store_open(set, true, &store, &err) < 0) {
		tap_ok(false, "kept: open (%s)", err.msg);
		return;
	}
	asn_store_keep_statements(store);
	kept_account(&account, "kept.one@x.go.id", "199001012015011001", "Kept One", 2000);
	tap_ok(asn_store_account_insert(store, &account, &err) == 0, "kept: insert (%s)", err.msg);
	tap_ok(asn_store_account_insert(store, &account, &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_CONFLICT,
	       "kept: the same again is a conflict");
	/* after the error: other values, a NULL where the first had one */
	kept_account(&account, "kept.two@x.go.id", "199001012015011002", "Kept Two", 0);
	tap_ok(asn_store_account_insert(store, &account, &err) == 0,
	       "kept: the next insert after the error (%s)", err.msg);
	tap_ok(asn_store_account_find(store, "199001012015011002", &found, &err) == 1 &&
	       strcmp(found.email, "kept.two@x.go.id") == 0 &&
	       strcmp(found.name, "Kept Two") == 0 && found.initial_password_expires_at == 0,
	       "kept: it stored its own values, NULL included");
	asn_account_free(&found);

	/* lookups that find a row, then ones that do not, in a read
	   transaction */
	tap_ok(asn_store_begin_read(store, &err) == 0 &&
	       asn_store_nip_exists(store, "199001012015011001", &err) == 1 &&
	       asn_store_nip_exists(store, "199001012015011099", &err) == 0 &&
	       asn_store_nip_exists(store, "199001012015011002", &err) == 1 &&
	       asn_store_email_owner(store, "kept.one@x.go.id", &owner, &err) == 1 &&
	       owner != NULL && strcmp(owner, "199001012015011001") == 0 &&
	       asn_store_email_owner(store, "kept.nobody@x.go.id", NULL, &err) == 0,
	       "kept: lookups found and not found alike (%s)", err.msg);
	free(owner);
	/* a writer meanwhile: not kept waiting by the reads (SQLite's
	   deferred transaction; PostgreSQL's READ ONLY) */
	kept_account(&account, "kept.three@x.go.id", "199001012015011003", "Kept Three", 0);
	tap_ok(asn_store_open(set, true, &writer, &err) == 0 &&
	       asn_store_begin(writer, &err) == 0 &&
	       asn_store_account_insert(writer, &account, &err) == 0 &&
	       asn_store_commit(writer, &err) == 0,
	       "kept: a writer commits during a read transaction (%s)", err.msg);
	asn_store_close(&writer);
	tap_ok(asn_store_commit(store, &err) == 0 &&
	       asn_store_nip_exists(store, "199001012015011003", &err) == 1,
	       "kept: and its row is seen after it (%s)", err.msg);

	/* the same statement: one object, reused; a second while the first
	   runs is a statement of its own */
	first = again = nested = NULL;
	if (asn_db_prepare_kept(store, "SELECT count(*) FROM accounts WHERE opd = ?", &first, &err) == 0) {
		asn_db_bind_text(first, 1, "Kept");
		tap_ok(asn_db_step(first, "count", &err) == 1 && asn_db_column_int(first, 0) == 3 &&
		       asn_db_prepare_kept(store, "SELECT count(*) FROM accounts WHERE opd = ?",
					   &nested, &err) == 0 && nested != first,
		       "kept: a second use while the first runs gets its own statement");
		asn_db_finalize(&nested);
		asn_db_finalize(&first);
	}
	tap_ok(asn_db_prepare_kept(store, "SELECT count(*) FROM accounts WHERE opd = ?", &again, &err) == 0 &&
	       again != NULL && asn_db_step(again, "count", &err) == 1 &&
	       asn_db_column_int(again, 0) == 0,
	       "kept: reused with its parameter unbound (NULL)");
	asn_db_finalize(&again);
	if (pg) {
		struct asn_db_stmt *stmt;
		int64_t named = -1;

		if (asn_db_prepare(store, "SELECT count(*) FROM pg_prepared_statements "
				   "WHERE name LIKE 'asn_kept_%'", &stmt, &err) == 0) {
			if (asn_db_step(stmt, "count", &err) == 1)
				named = asn_db_column_int(stmt, 0);
			asn_db_finalize(&stmt);
		}
		tap_ok(named >= 4, "kept: PostgreSQL runs them as named prepared statements (%lld)",
		       (long long)named);
	} else {
		tap_skip("PostgreSQL only: named prepared statements");
	}
	asn_store_close(&store);
}

int main(void)
{
	struct asn_settings set;
	struct asn_store *store = NULL;
	struct asn_error err = { .msg = "" };
	struct asn_account account, found;
	struct asn_strv history = { 0 };
	struct stat st;
	char file[256], other[256], sql[256];
	const char *path;
	bool pg = test_store_pgsql();
	int from = -1;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_pg_translate();
	snprintf(file, sizeof(file), "%s/sub/asn.db", dir);
	asn_settings_init(&set);
	path = test_db_settings(&set, dir, file);
	asn_settings_set(&set, "asn_db_busy_timeout", "1s", &err);

	tap_ok(asn_store_open(&set, false, &store, &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_MISSING, "open before init: missing");
	tap_contains(err.msg, "run 'asnctl init' first", "missing: says what to do");

	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0 && from == 0,
	       "init creates (%s)", err.msg);
	if (pg) {
		tap_skip("SQLite only: database file mode 0640");
		tap_skip("SQLite only: directory mode 0750");
		tap_skip("SQLite only: WAL journal mode");
	} else {
		/* stat() first: the message prints the mode, and arguments
		   are evaluated in no set order. */
		if (stat(path, &st) < 0) {
			printf("# %s: %s\n", path, strerror(errno));
			st.st_mode = 0;
		}
		tap_ok((st.st_mode & 0777) == 0640, "database file mode 0640 (%o)",
		       (unsigned int)(st.st_mode & 0777));
		snprintf(other, sizeof(other), "%s/sub", dir);
		tap_ok(stat(other, &st) == 0 && (st.st_mode & 0777) == 0750, "directory mode 0750");
		/* -1 (the database cannot be opened) fails too */
		tap_ok(count_rows(path, "SELECT count(*) FROM pragma_journal_mode "
				  "WHERE journal_mode = 'wal'") == 1, "WAL journal mode");
	}
	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0 && from == ASN_SCHEMA_VERSION,
	       "init again: up to date");

	tap_ok(asn_store_open(&set, true, &store, &err) == 0, "open (%s)", err.msg);
	memset(&account, 0, sizeof(account));
	account.email = (char *)"siti.rahma@x.go.id";
	account.password = (char *)"{ARGON2ID}$argon2id$one";
	account.nip = (char *)"198503122010012003";
	account.name = (char *)"Siti Rahma";
	account.opd = (char *)"Diskominfo";
	account.must_change = true;
	account.password_set_at = 1000;
	account.initial_password_expires_at = 2000;
	account.created_at = 1000;
	tap_ok(asn_store_begin(store, &err) == 0 &&
	       asn_store_account_insert(store, &account, &err) == 0 &&
	       asn_store_audit(store, "tester", "add", &account, "", &err) == 0 &&
	       asn_store_commit(store, &err) == 0, "insert account (%s)", err.msg);

	tap_ok(asn_store_account_find(store, "SITI.RAHMA@X.GO.ID", &found, &err) == 1 &&
	       found.must_change && found.initial_password_expires_at == 2000,
	       "find by email, case-insensitive");
	asn_account_free(&found);
	tap_ok(asn_store_account_find(store, "198503122010012003", &found, &err) == 1,
	       "find by NIP");
	tap_ok(asn_store_account_find(store, "nobody@x.go.id", &account, &err) == 0,
	       "unknown user not found");
	{
		/* what doveadm asn opens: it reads, and cannot write */
		struct asn_store *reader;
		struct asn_account read;

		tap_ok(asn_store_open(&set, false, &reader, &err) == 0 &&
		       asn_store_account_find(reader, "198503122010012003", &read, &err) == 1,
		       "a read-only open reads (%s)", err.msg);
		asn_account_free(&read);
		tap_ok(reader != NULL &&
		       asn_store_audit(reader, "tester", "probe", NULL, "", &err) < 0 &&
		       asn_store_error_status(&err) == ASN_STORE_ERR_PERM,
		       "and cannot write (%s)", err.msg);
		asn_store_close(&reader);
	}

	tap_ok(asn_store_begin(store, &err) == 0 &&
	       asn_store_account_insert(store, &found, &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_CONFLICT,
	       "duplicate NIP/email is a conflict");
	asn_store_rollback(store);

	/* Seven changes with history_keep = 5: the oldest drop off. */
	for (int i = 0; i < 7; i++) {
		char hash[64];

		snprintf(hash, sizeof(hash), "{ARGON2ID}h%d", i);
		if (asn_store_begin(store, &err) < 0 ||
		    asn_store_account_set_password(store, &found, hash, false, 0, 5, &err) < 0 ||
		    asn_store_commit(store, &err) < 0)
			break;
	}
	tap_ok(asn_store_password_history(store, found.id, 10, &history, &err) == 0 &&
	       history.count == 5, "history keeps 5 (%zu)", history.count);
	tap_is_str(history.count > 0 ? history.items[0] : NULL, "{ARGON2ID}h5",
		   "history newest first");
	tap_is_str(history.count > 4 ? history.items[4] : NULL, "{ARGON2ID}h1",
		   "history oldest kept");
	asn_strv_free(&history);
	asn_account_free(&found);
	tap_ok(asn_store_account_find(store, "198503122010012003", &found, &err) == 1 &&
	       !found.must_change && found.initial_password_expires_at == 0 &&
	       strcmp(found.password, "{ARGON2ID}h6") == 0,
	       "password changed, must_change and expiry cleared");
	asn_account_free(&found);
	asn_store_close(&store);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE actor = 'tester'");
	tap_ok(count_rows(path, sql) == 1, "audit row written");
	test_kept_statements(&set, pg);

	/* A newer schema than ours: every tool refuses it. */
	exec(path, pg ? "UPDATE asn.schema_version SET version = 99" : "PRAGMA user_version = 99");
	tap_ok(asn_store_open(&set, false, &store, &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_SCHEMA, "newer schema refused on open");
	tap_contains(err.msg, "schema version 99 is newer", "newer schema message");
	tap_ok(asn_store_init(&set, NULL, &from, &err) < 0, "init refuses a newer schema");
	snprintf(sql, sizeof(sql), pg ? "UPDATE asn.schema_version SET version = %d" :
		 "PRAGMA user_version = %d", ASN_SCHEMA_VERSION);
	exec(path, sql);

	/* Someone else's SQLite file. */
	for (int i = 0; pg && i < 4; i++)
		tap_skip("SQLite only: a file of another application");
	if (!pg) {
		snprintf(other, sizeof(other), "%s/other.db", dir);
		exec(other, "CREATE TABLE roundcube_users (id INTEGER)");
		asn_settings_set(&set, "asn_db", other, &err);
		tap_ok(asn_store_open(&set, false, &store, &err) < 0 &&
		       asn_store_error_status(&err) == ASN_STORE_ERR_SCHEMA, "foreign database refused on open");
		tap_ok(asn_store_init(&set, NULL, &from, &err) < 0, "init refuses a foreign database");
		tap_contains(err.msg, "another application", "foreign database message");
		tap_ok(count_rows(other, "SELECT count(*) FROM sqlite_master WHERE name = 'accounts'") == 0,
		       "foreign database untouched");
	}

	/* Busy: a writer holds the lock longer than the busy timeout
	   (PostgreSQL: the table, longer than lock_timeout). */
	asn_settings_set(&set, "asn_db", path, &err);
	if (pg) {
		PGconn *locker = test_pg_connect(path);

		PQclear(PQexec(locker, "BEGIN"));
		PQclear(PQexec(locker, "LOCK TABLE asn.accounts IN ACCESS EXCLUSIVE MODE"));
		asn_store_open(&set, true, &store, &err);
		tap_ok(store != NULL && asn_store_begin(store, &err) == 0 &&
		       asn_store_account_find(store, "siti.rahma@x.go.id", &found, &err) < 0 &&
		       asn_store_error_status(&err) == ASN_STORE_ERR_BUSY,
		       "locked table reported as busy");
		tap_contains(err.msg, "lock timeout", "busy message");
		asn_store_close(&store);
		PQclear(PQexec(locker, "ROLLBACK"));
		PQfinish(locker);
	} else {
		sqlite3 *locker;

		sqlite3_open(path, &locker);
		sqlite3_exec(locker, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		asn_store_open(&set, true, &store, &err);
		tap_ok(store != NULL && asn_store_begin(store, &err) < 0 &&
		       asn_store_error_status(&err) == ASN_STORE_ERR_BUSY,
		       "locked database reported as busy");
		tap_contains(err.msg, "locked", "busy message");
		asn_store_close(&store);
		sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(locker);
	}

	test_migrations();
	asn_settings_free(&set);
	snprintf(sql, sizeof(sql), "rm -rf '%s'", dir);
	if (system(sql) != 0)
		return 1;
	return tap_done();
}
