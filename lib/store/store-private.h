#ifndef ASN_STORE_PRIVATE_H
#define ASN_STORE_PRIVATE_H

#include "asn-store.h"

#include <sqlite3.h>

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

struct asn_store {
	sqlite3 *db;
	char *path;
	/* the BSrE database, attached as schema "bsre" on first use */
	char *bsre_path;
	bool bsre_attached;
};

/* Attaches the BSrE database (once); -1 with err when it is missing or
   not of our schema. */
int asn_store_attach_bsre(struct asn_store *store, struct asn_error *err);

/* Sets err to "PATH: what: why" and its status from the SQLite code; -1. */
int asn_store_fail(struct asn_store *store, int rc, const char *what, struct asn_error *err);
/* Gives the error already in err its status (ASN_STORE_OK counts as
   ASN_STORE_ERR_OTHER); returns -1. */
int asn_store_failed(enum asn_store_status status, struct asn_error *err);
int asn_store_prepare(struct asn_store *store, const char *sql, sqlite3_stmt **stmt_r,
		      struct asn_error *err);
void asn_store_bind_text(sqlite3_stmt *stmt, int idx, const char *value);
/* Steps a statement that returns no row and finalizes it. */
int asn_store_step_done(struct asn_store *store, sqlite3_stmt *stmt, const char *what,
			struct asn_error *err);

#endif
