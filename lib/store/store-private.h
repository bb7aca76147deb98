#ifndef ASN_STORE_PRIVATE_H
#define ASN_STORE_PRIVATE_H

#include "asn-store.h"

#include <sqlite3.h>

/* 'ASN1': marks the file as ours, so that init never migrates some other
   application's SQLite database. */
#define ASN_STORE_APPLICATION_ID 0x41534E31

/* 'ASNB': the BSrE events database. */
#define ASN_BSRE_APPLICATION_ID 0x41534E42

extern const struct asn_migration asn_store_migrations[];
extern const unsigned int asn_store_migrations_count;
extern const struct asn_migration asn_bsre_migrations[];
extern const unsigned int asn_bsre_migrations_count;

struct asn_store {
	sqlite3 *db;
	char *path;
	enum asn_store_status status;
	/* the BSrE database, attached as schema "bsre" on first use */
	char *bsre_path;
	bool bsre_attached;
};

/* Attaches the BSrE database (once); -1 with err when it is missing or
   not of our schema. */
int asn_store_attach_bsre(struct asn_store *store, struct asn_error *err);

/* Sets store->status from the SQLite code and err to "PATH: what: why". */
int asn_store_fail(struct asn_store *store, int rc, struct asn_error *err, const char *what);
int asn_store_prepare(struct asn_store *store, const char *sql, sqlite3_stmt **stmt_r,
		      struct asn_error *err);
void asn_store_bind_text(sqlite3_stmt *stmt, int idx, const char *value);
/* Steps a statement that returns no row and finalizes it. */
int asn_store_step_done(struct asn_store *store, sqlite3_stmt *stmt, struct asn_error *err,
			const char *what);

#endif
