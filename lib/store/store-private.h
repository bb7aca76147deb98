#ifndef STORE_PRIVATE_H
#define STORE_PRIVATE_H

#include "asn-store.h"

#include <sys/types.h>
#include <sqlite3.h>
#include <libpq-fe.h>

/* 'ASN1': marks the file as ours, so that init never migrates some other
   application's SQLite database. */
#define ASN_STORE_APPLICATION_ID 0x41534E31

/* 'ASNB': the BSrE events database. */
#define ASN_BSRE_APPLICATION_ID 0x41534E42

/* Migration machinery, here for the tests.  Each step is one SQL script
   that brings the schema from version i to i+1, run in one transaction
   with the version bump.  Returns 0, or -1 with err (and its status). */
struct asn_migration {
	const char *description;
	const char *sql;
};
int asn_store_migrate_db(sqlite3 *db, const struct asn_migration *steps,
			 unsigned int count, int *from_r, struct asn_error *err);

extern const struct asn_migration asn_store_migrations[];
extern const unsigned int asn_store_migrations_count;
extern const struct asn_migration asn_bsre_migrations[];
extern const unsigned int asn_bsre_migrations_count;
/* PostgreSQL: the schemas at their current versions (asn, asn_bsre) and
   the roles' grants; later versions add steps as SQLite's do. */
extern const struct asn_migration asn_pg_migrations[];
extern const unsigned int asn_pg_migrations_count;
extern const struct asn_migration asn_pg_bsre_migrations[];
extern const unsigned int asn_pg_bsre_migrations_count;
extern const char asn_pg_grants[];

#define ASN_DB_KEPT_MAX 8

enum asn_store_backend {
	ASN_STORE_SQLITE,
	ASN_STORE_PGSQL,
};

struct asn_store {
	enum asn_store_backend backend;
	sqlite3 *db;
	PGconn *pg;
	/* what errors name: the file, or the PostgreSQL database without
	   its password */
	char *path;
	/* SQLite: the BSrE database, attached as schema "asn_bsre" on first
	   use; PostgreSQL: the asn_bsre schema, checked on first use */
	char *bsre_path;
	bool bsre_attached;
	/* SQLite: the files are read through a memory map (the tools',
	   the portal's and doveadm's opens; never a delivery's) */
	bool mapped;
	/* opened writable (asn_store_open's writable, or a delivery's) */
	bool writable;
	/* rows the last statement run to its end changed */
	uint64_t changes;
	/* PostgreSQL: how long a statement may take (0: no bound) */
	unsigned int timeout_ms;
	/* statements kept for reuse (asn_db_prepare_kept), once
	   asn_store_keep_statements said so; finalized at close */
	bool keep_statements;
	struct asn_db_stmt *kept[ASN_DB_KEPT_MAX];
	unsigned int kept_count;
};

/* The statements of the store, written once for both engines: SQL that
   SQLite and PostgreSQL both take, with ? or ?N parameters (numbered
   from 1; ?N may repeat), columns numbered from 0.  Integers are bound
   as 64-bit, text as given; NULL is bound with asn_db_bind_null (or
   asn_db_bind_opt). */
struct asn_db_stmt;

int asn_db_prepare(struct asn_store *store, const char *sql, struct asn_db_stmt **stmt_r,
		   struct asn_error *err);
/* The same for a statement run once per row in bulk work: when the store
   keeps statements (asn_store_keep_statements), the one prepared for sql
   the last time, its parameters unbound, and asn_db_finalize (and the
   functions that finalize) only resets it for the next use.  Used as
   asn_db_prepare's statement is. */
int asn_db_prepare_kept(struct asn_store *store, const char *sql,
			struct asn_db_stmt **stmt_r, struct asn_error *err);
/* NULL binds "" */
void asn_db_bind_text(struct asn_db_stmt *stmt, int idx, const char *value);
/* NULL binds NULL */
void asn_db_bind_opt(struct asn_db_stmt *stmt, int idx, const char *value);
void asn_db_bind_int(struct asn_db_stmt *stmt, int idx, int64_t value);
void asn_db_bind_null(struct asn_db_stmt *stmt, int idx);
/* 1: a row is there, 0: no more rows, -1: error, with err "PATH: what: why" */
int asn_db_step(struct asn_db_stmt *stmt, const char *what, struct asn_error *err);
/* "" for NULL */
const char *asn_db_column_text(struct asn_db_stmt *stmt, int col);
/* a copy, "" for NULL; caller frees */
char *asn_db_column_dup(struct asn_db_stmt *stmt, int col);
bool asn_db_column_is_null(struct asn_db_stmt *stmt, int col);
int64_t asn_db_column_int(struct asn_db_stmt *stmt, int col);
void asn_db_finalize(struct asn_db_stmt **stmt);
/* Runs a statement to its end and finalizes it: the rows it changed
   (also in store->changes), or -1 with err. */
int64_t asn_db_run(struct asn_db_stmt *stmt, const char *what, struct asn_error *err);
/* The same, 0 or -1. */
int asn_db_done(struct asn_db_stmt *stmt, const char *what, struct asn_error *err);
/* Runs an INSERT ... RETURNING id: 0 with *id_r, or -1. */
int asn_db_insert_id(struct asn_db_stmt *stmt, const char *what, int64_t *id_r,
		     struct asn_error *err);
/* Runs SQL with no parameters (one or more statements). */
int asn_db_exec(struct asn_store *store, const char *sql, const char *what,
		struct asn_error *err);

/* Every OPD of the accounts, "" included, sorted. */
int asn_store_every_opd(struct asn_store *store, struct asn_strv *opds_r, struct asn_error *err);

/* Attaches the BSrE database (once); -1 with err when it is missing or
   not of our schema. */
int asn_store_attach_bsre(struct asn_store *store, struct asn_error *err);

/* Creates the directory of path with mode and group (gid -1: unchanged)
   when it is missing, and gives an existing one the group. */
int asn_store_make_parent_dir(const char *path, mode_t mode, gid_t gid, struct asn_error *err);

/* Gives the error already in err its status (ASN_STORE_OK counts as
   ASN_STORE_ERR_OTHER); returns -1. */
int asn_store_failed(enum asn_store_status status, struct asn_error *err);

/* The engines. */
int asn_sqlite_open(const struct asn_settings *set, bool writable, struct asn_store **store_r,
		    struct asn_error *err);
int asn_sqlite_open_bsre(const struct asn_settings *set, struct asn_store **store_r,
			 struct asn_error *err);
int asn_sqlite_init(const struct asn_settings *set, gid_t gid, int *from_r,
		    struct asn_error *err);
int asn_sqlite_attach_bsre(struct asn_store *store, struct asn_error *err);
int asn_sqlite_fail(struct asn_store *store, int rc, const char *what, struct asn_error *err);

int asn_pg_open(const struct asn_settings *set, const char *conninfo, bool bsre_only, bool writable,
		struct asn_store **store_r, struct asn_error *err);
int asn_pg_init(const struct asn_settings *set, gid_t gid, int *from_r, struct asn_error *err);
int asn_pg_attach_bsre(struct asn_store *store, struct asn_error *err);
void asn_pg_close(struct asn_store *store);

/* statement engines, called by asn_db_* */
struct asn_db_stmt {
	struct asn_store *store;
	sqlite3_stmt *lite;
	/* PostgreSQL: the SQL with $N, parameters as text, the result */
	char *pg_sql;
	int nparams;
	char **values;
	Oid *types;
	PGresult *res;
	int row, rows;
	/* a kept statement: its SQL (as given), whether a caller has it */
	char *kept_sql;
	bool in_use;
	/* PostgreSQL, a kept statement: the name of its prepared statement
	   on the server, prepared at the first step with the types bound
	   then (pg_types; a later step binding other types runs unnamed) */
	char pg_name[24];
	bool pg_prepared;
	Oid *pg_types;
};
int asn_pg_step(struct asn_db_stmt *stmt, const char *what, struct asn_error *err);
char *asn_pg_translate(const char *sql, int *nparams_r);

#endif
