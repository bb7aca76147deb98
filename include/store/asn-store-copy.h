#ifndef ASN_STORE_COPY_H
#define ASN_STORE_COPY_H

#include "asn-store.h"

/* asnctl migrate: a SQLite site moved into PostgreSQL. */

#define ASN_STORE_COPY_TABLES 11

struct asn_store_copy_count {
	const char *table;
	uint64_t source, target;
};

struct asn_store_copy_report {
	/* the target's name without a password (caller frees) */
	char *target;
	/* the target had no schema: asn_store_init created it */
	bool created_schema;
	struct asn_store_copy_count tables[ASN_STORE_COPY_TABLES];
};

/* Called every `every` rows of a table and at its end. */
typedef void asn_store_copy_progress(const char *table, uint64_t done, uint64_t total,
				     void *context);

/* Copies the SQLite site of `set` (asn_db and its BSrE database, opened
   read-only, never written) into the PostgreSQL database `conninfo`, in one
   transaction: every table with its ids, the identity sequences moved past
   the copied ids, and the row counts of both sides compared before the
   commit.  A target without the schema gets it first (asn_store_init).
   Returns 0 copied, 1 refused because the target already holds rows (err
   names the table; nothing changed), -1 on error (err and its status; the
   target holds none of the rows). */
/* Whether conninfo names a PostgreSQL database without a password in it
   (asn_store_copy_to_pgsql checks it too): 0, or -1 with err. */
int asn_store_copy_check_target(const char *conninfo, struct asn_error *err);
int asn_store_copy_to_pgsql(const struct asn_settings *set, const char *conninfo,
			    uint64_t every, asn_store_copy_progress *progress, void *context,
			    struct asn_store_copy_report *report_r, struct asn_error *err);

#endif
