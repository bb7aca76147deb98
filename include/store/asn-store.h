#ifndef ASN_STORE_H
#define ASN_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "asn-settings.h"
#include "asn-bsre-progress.h"

/* The account store: SQLite (a path in asn_db), the embedded default, or
   PostgreSQL (a connection), for sites whose several mail servers share it.
   Callers see only this interface; the SQL is written once for both
   (lib/store/store-db.c). */

#define ASN_SCHEMA_VERSION 6
#define ASN_BSRE_SCHEMA_VERSION 3

enum asn_store_status {
	ASN_STORE_OK = 0,
	ASN_STORE_ERR_OTHER,
	ASN_STORE_ERR_MISSING,		/* no database: run asnctl init */
	ASN_STORE_ERR_BUSY,		/* locked longer than the busy timeout */
	ASN_STORE_ERR_PERM,		/* permission denied, read-only */
	ASN_STORE_ERR_SCHEMA,		/* newer or older schema, not ours */
	ASN_STORE_ERR_CONFLICT,		/* unique constraint (concurrent change) */
};

struct asn_store;

struct asn_account {
	int64_t id;
	char *email;
	char *password;		/* "{SCHEME}hash" */
	char *nip;
	char *name;
	char *position;
	char *phone;
	char *opd;
	bool must_change;
	bool disabled;
	time_t password_set_at;
	time_t initial_password_expires_at;	/* 0 once changed */
	time_t created_at;
	int64_t import_id;			/* 0 when added singly */
};

struct asn_import_record {
	const char *source;
	const char *letter_ref;
	const char *opd;
	const char *actor;
};

void asn_account_free(struct asn_account *account);

/* Every function here that fails returns -1 with err: its message, and
   its status for asn_store_error_status, the one way a caller learns what
   kind of failure it was. */
enum asn_store_status asn_store_error_status(const struct asn_error *err);

/* Opens an existing database.  Fails with ASN_STORE_ERR_MISSING when the
   file (PostgreSQL: the schema) does not exist, ASN_STORE_ERR_SCHEMA when
   its schema is not the one this build knows, ASN_STORE_ERR_BUSY when a
   PostgreSQL server cannot be reached. */
int asn_store_open(const struct asn_settings *set, bool writable,
		   struct asn_store **store_r, struct asn_error *err);
void asn_store_close(struct asn_store **store);
/* Whether an open store can still be used: false once a PostgreSQL
   connection broke or the server ended it (SQLite: always true). */
bool asn_store_alive(struct asn_store *store);
/* PostgreSQL: from now on, every connect and statement of any store ends
   within timeout_ms of this call, until asn_store_deadline_end (one
   delivery's bound for all it asks of the database). */
void asn_store_deadline_start(unsigned int timeout_ms);
void asn_store_deadline_end(void);
/* Checks again that the events' schema is the version this build writes
   (a kept PostgreSQL connection outlives an asnctl init; SQLite: 0). */
int asn_store_bsre_recheck(struct asn_store *store, struct asn_error *err);
/* Whether connecting with conninfo asks the resolver for a host name
   (libpq resolves synchronously, with no bound): no hostaddr, and a
   host that is neither an address nor a socket directory. */
bool asn_store_conninfo_resolves(const char *conninfo);

/* Creates the database (directory 0750, file 0640) or upgrades it to
   ASN_SCHEMA_VERSION.  `group` (may be NULL) becomes the group of both.
   Sets *from_r to the version found (0 = new).  Also creates or upgrades
   the BSrE events database (asn_bsre_db: directory 0770, file 0660, the
   same group), which the delivery processes write. */
int asn_store_init(const struct asn_settings *set, const char *group,
		   int *from_r, struct asn_error *err);
/* The PostgreSQL schema at this version and its roles' grants, as one
   SQL script that a DBA may run instead of asnctl init.  Caller frees. */
char *asn_store_pg_sql(void);

int asn_store_begin(struct asn_store *store, struct asn_error *err);
/* A transaction for reads only (no write lock is taken, SQLite's write
   waits for none): many lookups pay for one transaction, not one each.
   Ended by asn_store_commit or asn_store_rollback. */
int asn_store_begin_read(struct asn_store *store, struct asn_error *err);
int asn_store_commit(struct asn_store *store, struct asn_error *err);
void asn_store_rollback(struct asn_store *store);
/* From now on the store keeps the statements it runs once per row in
   bulk work (the import's lookups and inserts) prepared for the next row,
   until asn_store_close (PostgreSQL: as named prepared statements). */
void asn_store_keep_statements(struct asn_store *store);

/* USER is an email or a NIP.  Returns 1 found, 0 not found, -1 error. */
int asn_store_account_find(struct asn_store *store, const char *user,
			   struct asn_account *account_r, struct asn_error *err);
int asn_store_nip_exists(struct asn_store *store, const char *nip, struct asn_error *err);
/* Returns 1 and the owner's NIP when the address is taken. */
int asn_store_email_owner(struct asn_store *store, const char *email,
			  char **nip_r, struct asn_error *err);

int asn_store_import_begin(struct asn_store *store, const struct asn_import_record *rec,
			   int64_t *import_id_r, struct asn_error *err);
int asn_store_import_finish(struct asn_store *store, int64_t import_id,
			    unsigned int created, unsigned int existing,
			    unsigned int rejected, struct asn_error *err);
int asn_store_account_insert(struct asn_store *store, struct asn_account *account,
			     struct asn_error *err);

/* Replaces the password; the old hash goes to the history, which keeps
   `history_keep` entries.  expires_at = 0 clears the initial expiry. */
int asn_store_account_set_password(struct asn_store *store, const struct asn_account *account,
				   const char *new_hash, bool must_change, time_t expires_at,
				   unsigned int history_keep, struct asn_error *err);
int asn_store_account_set_disabled(struct asn_store *store, int64_t id, bool disabled,
				   struct asn_error *err);
/* Earlier hashes, newest first, at most `limit`. */
int asn_store_password_history(struct asn_store *store, int64_t id, unsigned int limit,
			       struct asn_strv *hashes_r, struct asn_error *err);

int asn_store_audit(struct asn_store *store, const char *actor, const char *action,
		    const struct asn_account *account, const char *detail,
		    struct asn_error *err);

typedef int asn_account_callback(const struct asn_account *account, void *context);
/* Accounts ordered by OPD then email; opd may be NULL for all. */
int asn_store_account_iterate(struct asn_store *store, const char *opd,
			      asn_account_callback *callback, void *context,
			      struct asn_error *err);

/* BSrE events: a database of their own (asn_bsre_db). */

/* Opens only the BSrE database, for writing: what a delivery needs. */
int asn_store_open_bsre(const struct asn_settings *set, struct asn_store **store_r,
			struct asn_error *err);

/* Records one mail for one user.  Returns 1 when recorded, 0 when that
   user already has that mail (same message key), -1 on error. */
int asn_store_bsre_event_add(struct asn_store *store, const char *email,
			     const struct asn_bsre_mail *mail, time_t received_at,
			     const char *source, struct asn_error *err);

/* A new verdict for a recorded event (asnctl verify): trusted, replayed,
   trusted_by, unverified, trust_reason and dkim_facts (kept only while
   unverified) of verdict; the rest of the row stays.  Returns 1 when the
   row changed, 0 when there is none or nothing changed, -1 on error. */
int asn_store_bsre_event_retrust(struct asn_store *store, const char *email,
				 const char *message_key, const struct asn_bsre_mail *verdict,
				 struct asn_error *err);

/* The unverified events in time order, with their DKIM facts (NULL when
   none were kept).  A callback returning non-zero stops the walk with it. */
typedef int asn_bsre_unverified_callback(const char *email, const char *message_key,
					 const char *dkim_facts, void *context);
int asn_store_bsre_unverified(struct asn_store *store, asn_bsre_unverified_callback *callback,
			      void *context, struct asn_error *err);

/* How the recorded events stand, for asnctl status and verify. */
struct asn_bsre_trust_counts {
	unsigned long dkim, authres, legacy;	/* trusted, by */
	unsigned long unverified, untrusted, replayed;
};
int asn_store_bsre_trust_counts(struct asn_store *store, struct asn_bsre_trust_counts *counts_r,
				struct asn_error *err);

struct asn_bsre_stored_event {
	enum asn_bsre_event type;
	time_t received_at;
	bool trusted;
	bool replayed;			/* addressed to someone else: moves nothing */
	const char *trusted_by;		/* "dkim", "authres", "legacy", "" */
	bool unverified;		/* DKIM met a temporary failure: not yet judged */
	const char *trust_reason;	/* asn_bsre_mail's trust_reason ("" before DKIM) */
	bool has_dkim_facts;
	const char *subject, *sender, *message_key, *source;
	time_t recorded_at;
	/* certificate facts; has_certificate false when none was found */
	bool has_certificate;
	const char *cert_serial, *cert_common_name, *cert_organization, *cert_valid_until;
};
typedef int asn_bsre_event_callback(const struct asn_bsre_stored_event *event, void *context);
/* A user's events in time order. */
int asn_store_bsre_events(struct asn_store *store, const char *email,
			  asn_bsre_event_callback *callback, void *context,
			  struct asn_error *err);

/* One user with their events (time order), for progress reports. */
struct asn_bsre_user {
	const char *email, *opd, *name, *nip;
	bool provisioned;		/* has an account here */
	bool must_change, disabled;
	time_t created_at;		/* of the account, 0 without one */
	int64_t account_id;		/* 0 without one */
	/* verifier cases (asn-case.h): open ones, and the latest time one
	   was opened or closed (0: none ever) */
	unsigned int open_cases;
	time_t case_activity_at;
	size_t event_count;
	const struct asn_bsre_event_record *events;
	/* asn_store_bsre_progress: what the events say, instead of them */
	const struct asn_bsre_fold *fold;
};
typedef int asn_bsre_user_callback(const struct asn_bsre_user *user, void *context);
/* Every account of the OPD (NULL: all), then, when opd is NULL or "",
   users with events but no account (opd ""), ordered by OPD and email.
   A callback returning < 0 stops the iteration with that value. */
int asn_store_bsre_users(struct asn_store *store, const char *opd,
			 asn_bsre_user_callback *callback, void *context,
			 struct asn_error *err);
/* The same users, each with the fold of their events (user->fold, no
   events): what progress reports need, read from the accounts alone
   (schema step 6).  A writable store first folds what changed since the
   last time (asn_store_bsre_progress_refresh); a read-only one folds it
   for this report only.  Per OPD, ordered by email. */
int asn_store_bsre_progress(struct asn_store *store, const char *opd, time_t now,
			    asn_bsre_user_callback *callback, void *context,
			    struct asn_error *err);
/* Folds the events added since the last refresh, and the accounts never
   folded, into the accounts' kept progress (writable stores). */
int asn_store_bsre_progress_refresh(struct asn_store *store, time_t now, struct asn_error *err);

#endif
