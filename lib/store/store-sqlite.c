/* SQLite backend of the account store. */
#include "store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum asn_store_status status_from_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ASN_STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ASN_STORE_ERR_BUSY;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return ASN_STORE_ERR_PERM;
	case SQLITE_CANTOPEN:
		return errno == EACCES ? ASN_STORE_ERR_PERM : ASN_STORE_ERR_OTHER;
	case SQLITE_CONSTRAINT:
		return ASN_STORE_ERR_CONFLICT;
	case SQLITE_NOTADB:
		return ASN_STORE_ERR_SCHEMA;
	default:
		return ASN_STORE_ERR_OTHER;
	}
}

int asn_store_failed(enum asn_store_status status, struct asn_error *err)
{
	if (err != NULL)
		err->code = status == ASN_STORE_OK ? ASN_STORE_ERR_OTHER : status;
	return -1;
}

/* errno of a failed stat(), open() or mkdir() */
static enum asn_store_status status_from_errno(int error)
{
	return error == ENOENT ? ASN_STORE_ERR_MISSING :
		error == EACCES ? ASN_STORE_ERR_PERM : ASN_STORE_ERR_OTHER;
}

enum asn_store_status asn_store_error_status(const struct asn_error *err)
{
	return err->code == ASN_STORE_OK ? ASN_STORE_ERR_OTHER :
		(enum asn_store_status)err->code;
}

int asn_store_fail(struct asn_store *store, int rc, const char *what,
		   struct asn_error *err)
{
	enum asn_store_status status = status_from_rc(rc);

	asn_error_set(err, "%s: %s: %s", store->path, what,
		      status == ASN_STORE_ERR_BUSY ?
		      "database is locked by another process (busy timeout expired)" :
		      sqlite3_errmsg(store->db));
	return asn_store_failed(status, err);
}

int asn_store_prepare(struct asn_store *store, const char *sql, sqlite3_stmt **stmt_r,
		      struct asn_error *err)
{
	int rc = sqlite3_prepare_v2(store->db, sql, -1, stmt_r, NULL);

	if (rc != SQLITE_OK)
		return asn_store_fail(store, rc, "prepare", err);
	return 0;
}

void asn_store_bind_text(sqlite3_stmt *stmt, int idx, const char *value)
{
	sqlite3_bind_text(stmt, idx, value == NULL ? "" : value, -1, SQLITE_TRANSIENT);
}

static int exec_sql(sqlite3 *db, const char *sql, struct asn_error *err, const char *path)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		asn_error_set(err, "%s: %s", path, msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc;
	}
	return SQLITE_OK;
}

static int pragma_int(sqlite3 *db, const char *pragma, int *value_r)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, pragma, -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*value_r = sqlite3_column_int(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int configure_connection(sqlite3 *db, const struct asn_settings *set)
{
	sqlite3_busy_timeout(db, (int)(set->db_busy_timeout * 1000));
	sqlite3_extended_result_codes(db, 1);
	return sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

static int check_schema(struct asn_store *store, struct asn_error *err)
{
	int app_id = 0, version = 0, rc;

	rc = pragma_int(store->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(store->db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK)
		return asn_store_fail(store, rc, "reading schema version", err);
	if (app_id != ASN_STORE_APPLICATION_ID) {
		asn_error_set(err, "%s: not a dovecot-asn database (run 'asnctl init' to create one)",
			      store->path);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	if (version > ASN_SCHEMA_VERSION) {
		asn_error_set(err, "%s: schema version %d is newer than this dovecot-asn "
			      "understands (%d); upgrade dovecot-asn", store->path, version,
			      ASN_SCHEMA_VERSION);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	if (version < ASN_SCHEMA_VERSION) {
		asn_error_set(err, "%s: schema version %d is older than %d; run 'asnctl init' to upgrade",
			      store->path, version, ASN_SCHEMA_VERSION);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	return 0;
}

int asn_store_open(const struct asn_settings *set, bool writable,
		   struct asn_store **store_r, struct asn_error *err)
{
	struct asn_store *store;
	struct stat st;
	int rc;

	*store_r = NULL;
	if (stat(set->db, &st) < 0) {
		int error = errno;

		if (error == ENOENT)
			asn_error_set(err, "%s: no such database (run 'asnctl init' first)", set->db);
		else
			asn_error_set(err, "%s: %s", set->db, strerror(error));
		return asn_store_failed(status_from_errno(error), err);
	}
	store = asn_xcalloc(1, sizeof(*store));
	store->path = asn_xstrdup(set->db);
	store->bsre_path = asn_settings_bsre_db(set);
	rc = sqlite3_open_v2(set->db, &store->db,
			     (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
			     SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK)
		rc = configure_connection(store->db, set);
	if (rc != SQLITE_OK) {
		asn_store_fail(store, rc, "open", err);
		asn_store_close(&store);
		return -1;
	}
	if (check_schema(store, err) < 0) {
		asn_store_close(&store);
		return -1;
	}
	*store_r = store;
	return 0;
}

void asn_store_close(struct asn_store **_store)
{
	struct asn_store *store = *_store;

	if (store == NULL)
		return;
	*_store = NULL;
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->bsre_path);
	free(store);
}

static int check_bsre_schema(struct asn_store *store, struct asn_error *err)
{
	int app_id = 0, version = 0, rc;

	rc = pragma_int(store->db, "PRAGMA bsre.application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(store->db, "PRAGMA bsre.user_version", &version);
	if (rc != SQLITE_OK) {
		asn_store_fail(store, rc, "reading the schema version", err);
		asn_error_prefix(err, "%s: ", store->bsre_path);
		return -1;
	}
	if (app_id != ASN_BSRE_APPLICATION_ID || version != ASN_BSRE_SCHEMA_VERSION) {
		asn_error_set(err, "%s: %s", store->bsre_path,
			      app_id != ASN_BSRE_APPLICATION_ID ?
			      "not a dovecot-asn BSrE database (run 'asnctl init')" :
			      version > ASN_BSRE_SCHEMA_VERSION ?
			      "schema newer than this dovecot-asn understands; upgrade dovecot-asn" :
			      "schema older than this dovecot-asn; run 'asnctl init' to upgrade");
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	return 0;
}

int asn_store_attach_bsre(struct asn_store *store, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	struct stat st;
	int rc;

	if (store->bsre_attached)
		return 0;
	/* ATTACH would create a missing file: it must come from asnctl init,
	   with its mode and group. */
	if (stat(store->bsre_path, &st) < 0) {
		int error = errno;

		asn_error_set(err, "%s: %s", store->bsre_path, error == ENOENT ?
			      "no such BSrE database (run 'asnctl init' to create it)" :
			      strerror(error));
		return asn_store_failed(status_from_errno(error), err);
	}
	rc = sqlite3_prepare_v2(store->db, "ATTACH DATABASE ?1 AS bsre", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, store->bsre_path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		asn_store_fail(store, rc, "attaching the BSrE database", err);
		return -1;
	}
	if (check_bsre_schema(store, err) < 0) {
		sqlite3_exec(store->db, "DETACH DATABASE bsre", NULL, NULL, NULL);
		return -1;
	}
	/* Commits of events need not wait for the disk: in WAL mode a crash
	   or power loss can lose the last events, never corrupt the file, and
	   the mails they came from are on disk for asnctl scan. */
	sqlite3_exec(store->db, "PRAGMA bsre.synchronous = NORMAL", NULL, NULL, NULL);
	store->bsre_attached = true;
	return 0;
}

int asn_store_open_bsre(const struct asn_settings *set, struct asn_store **store_r,
			struct asn_error *err)
{
	struct asn_store *store = asn_xcalloc(1, sizeof(*store));
	int rc;

	*store_r = NULL;
	store->bsre_path = asn_settings_bsre_db(set);
	store->path = asn_xstrdup(store->bsre_path);
	/* An empty in-memory main database: the same queries as the tools'
	   (schema "bsre"), and no access to the accounts at all. */
	rc = sqlite3_open_v2(":memory:", &store->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = configure_connection(store->db, set);
	/* A delivery is usually the only connection: closing it must not
	   checkpoint the WAL into the database each time (the WAL is
	   checkpointed as it grows, by asn_bsre's own commits and the tools). */
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (rc != SQLITE_OK) {
		asn_store_fail(store, rc, "open", err);
		asn_store_close(&store);
		return -1;
	}
	if (asn_store_attach_bsre(store, err) < 0) {
		asn_store_close(&store);
		return -1;
	}
	*store_r = store;
	return 0;
}

int asn_store_migrate_db(sqlite3 *db, const struct asn_migration *steps,
			 unsigned int count, int *from_r, struct asn_error *err)
{
	int version = 0, rc;
	char sql[64];

	rc = exec_sql(db, "BEGIN IMMEDIATE", err, "migrate");
	if (rc != SQLITE_OK)
		return asn_store_failed(status_from_rc(rc), err);
	rc = pragma_int(db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK) {
		asn_error_set(err, "reading schema version: %s", sqlite3_errmsg(db));
		goto rollback;
	}
	*from_r = version;
	if (version < 0 || (unsigned int)version > count) {
		asn_error_set(err, "schema version %d is newer than this dovecot-asn "
			      "understands (%u); upgrade dovecot-asn", version, count);
		rc = SQLITE_ERROR;
		goto rollback;
	}
	for (unsigned int i = (unsigned int)version; i < count; i++) {
		rc = exec_sql(db, steps[i].sql, err, steps[i].description);
		if (rc != SQLITE_OK) {
			asn_error_prefix(err, "migration to version %u: ", i + 1);
			goto rollback;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %u", count);
	rc = exec_sql(db, sql, err, "migrate");
	if (rc != SQLITE_OK)
		goto rollback;
	rc = exec_sql(db, "COMMIT", err, "migrate");
	if (rc != SQLITE_OK)
		goto rollback;
	return 0;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return asn_store_failed(status_from_rc(rc), err);
}

static int create_parent_dir(const char *path, mode_t mode, gid_t gid, struct asn_error *err)
{
	char *copy = asn_xstrdup(path);
	const char *dir = dirname(copy);
	int ret = 0;

	if (mkdir(dir, mode) == 0) {
		/* mkdir() is subject to the umask; the mode is the point */
		if (chmod(dir, mode) < 0 ||
		    (gid != (gid_t)-1 && chown(dir, (uid_t)-1, gid) < 0)) {
			asn_error_set(err, "%s: %s", dir, strerror(errno));
			ret = -1;
		}
	} else if (errno != EEXIST) {
		asn_error_set(err, "mkdir %s: %s", dir, strerror(errno));
		ret = -1;
	} else if (gid != (gid_t)-1 && chown(dir, (uid_t)-1, gid) < 0) {
		asn_error_set(err, "chown %s: %s", dir, strerror(errno));
		ret = -1;
	}
	free(copy);
	return ret;
}

static bool db_is_empty(sqlite3 *db)
{
	int count = -1;

	if (pragma_int(db, "SELECT count(*) FROM sqlite_master", &count) != SQLITE_OK)
		return false;
	return count == 0;
}

struct db_file {
	const char *path;
	mode_t dir_mode, file_mode;
	int application_id;
	const struct asn_migration *migrations;
	unsigned int migrations_count;
};

static int init_db_file(const struct asn_settings *set, const struct db_file *f, gid_t gid,
			int *from_r, struct asn_error *err)
{
	struct asn_store store = { .path = (char *)f->path };
	int fd, rc, app_id = 0;
	char sql[64];

	if (create_parent_dir(f->path, f->dir_mode, gid, err) < 0)
		return asn_store_failed(errno == EACCES ? ASN_STORE_ERR_PERM :
					ASN_STORE_ERR_OTHER, err);
	/* Create the file ourselves so that its mode does not depend on
	   SQLite or the umask being loose. */
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f->file_mode);
	if (fd >= 0) {
		if (fchmod(fd, f->file_mode) < 0 ||
		    (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0)) {
			asn_error_set(err, "%s: %s", f->path, strerror(errno));
			close(fd);
			unlink(f->path);
			return asn_store_failed(ASN_STORE_ERR_OTHER, err);
		}
		close(fd);
	} else if (errno != EEXIST) {
		int error = errno;

		asn_error_set(err, "%s: %s", f->path, strerror(error));
		return asn_store_failed(error == EACCES ? ASN_STORE_ERR_PERM :
					ASN_STORE_ERR_OTHER, err);
	} else if (gid != (gid_t)-1 && chown(f->path, (uid_t)-1, gid) < 0) {
		asn_error_set(err, "chown %s: %s", f->path, strerror(errno));
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}

	rc = sqlite3_open_v2(f->path, &store.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK)
		rc = configure_connection(store.db, set);
	if (rc == SQLITE_OK)
		rc = pragma_int(store.db, "PRAGMA application_id", &app_id);
	if (rc != SQLITE_OK) {
		asn_store_fail(&store, rc, "open", err);
		sqlite3_close_v2(store.db);
		return -1;
	}
	if (app_id != f->application_id) {
		if (!db_is_empty(store.db)) {
			asn_error_set(err, "%s: an SQLite database of another application; "
				      "refusing to touch it", f->path);
			sqlite3_close_v2(store.db);
			return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
		}
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", f->application_id);
		rc = exec_sql(store.db, sql, err, f->path);
		if (rc != SQLITE_OK) {
			sqlite3_close_v2(store.db);
			return asn_store_failed(status_from_rc(rc), err);
		}
	}
	/* WAL: readers (Dovecot's auth, verifiers) while others write. */
	rc = exec_sql(store.db, "PRAGMA journal_mode = WAL", err, f->path);
	if (rc != SQLITE_OK)
		asn_store_failed(status_from_rc(rc), err);
	if (rc != SQLITE_OK ||
	    asn_store_migrate_db(store.db, f->migrations, f->migrations_count, from_r, err) < 0) {
		if (strstr(err->msg, f->path) == NULL)
			asn_error_prefix(err, "%s: ", f->path);
		sqlite3_close_v2(store.db);
		return -1;
	}
	sqlite3_close_v2(store.db);
	return 0;
}

int asn_store_init(const struct asn_settings *set, const char *group,
		   int *from_r, struct asn_error *err)
{
	char *bsre_path = asn_settings_bsre_db(set);
	/* The accounts: only root writes; the group (the mail uid's) reads. */
	const struct db_file accounts = {
		set->db, 0750, 0640, ASN_STORE_APPLICATION_ID,
		asn_store_migrations, asn_store_migrations_count,
	};
	/* BSrE events: the deliveries (the group) write the file, its WAL
	   and the spool beside it. */
	const struct db_file events = {
		bsre_path, 0770, 0660, ASN_BSRE_APPLICATION_ID,
		asn_bsre_migrations, asn_bsre_migrations_count,
	};
	gid_t gid = (gid_t)-1;
	int bsre_from, ret;

	if (asn_store_migrations_count != ASN_SCHEMA_VERSION ||
	    asn_bsre_migrations_count != ASN_BSRE_SCHEMA_VERSION)
		abort();
	if (group != NULL) {
		struct group *gr = getgrnam(group);

		if (gr == NULL) {
			asn_error_set(err, "group '%s' does not exist", group);
			free(bsre_path);
			return asn_store_failed(ASN_STORE_ERR_OTHER, err);
		}
		gid = gr->gr_gid;
	}
	ret = init_db_file(set, &accounts, gid, from_r, err);
	if (ret == 0)
		ret = init_db_file(set, &events, gid, &bsre_from, err);
	free(bsre_path);
	return ret;
}

int asn_store_begin(struct asn_store *store, struct asn_error *err)
{
	int rc = sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return asn_store_fail(store, rc, "begin transaction", err);
	return 0;
}

int asn_store_commit(struct asn_store *store, struct asn_error *err)
{
	int rc = sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		asn_store_fail(store, rc, "commit", err);
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void asn_store_rollback(struct asn_store *store)
{
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

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

static char *column_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return asn_xstrdup(text == NULL ? "" : (const char *)text);
}

static void account_from_row(sqlite3_stmt *stmt, struct asn_account *account)
{
	account->id = sqlite3_column_int64(stmt, 0);
	account->email = column_dup(stmt, 1);
	account->password = column_dup(stmt, 2);
	account->nip = column_dup(stmt, 3);
	account->name = column_dup(stmt, 4);
	account->position = column_dup(stmt, 5);
	account->phone = column_dup(stmt, 6);
	account->opd = column_dup(stmt, 7);
	account->must_change = sqlite3_column_int(stmt, 8) != 0;
	account->disabled = sqlite3_column_int(stmt, 9) != 0;
	account->password_set_at = (time_t)sqlite3_column_int64(stmt, 10);
	account->initial_password_expires_at = (time_t)sqlite3_column_int64(stmt, 11);
	account->created_at = (time_t)sqlite3_column_int64(stmt, 12);
	account->import_id = sqlite3_column_int64(stmt, 13);
}

int asn_store_account_find(struct asn_store *store, const char *user,
			   struct asn_account *account_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(account_r, 0, sizeof(*account_r));
	if (asn_store_prepare(store, "SELECT " ACCOUNT_COLUMNS " FROM accounts "
		    "WHERE email = ?1 OR nip = ?1", &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, user);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		account_from_row(stmt, account_r);
		sqlite3_finalize(stmt);
		return 1;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	return asn_store_fail(store, rc, "account lookup", err);
}

static int exists_query(struct asn_store *store, const char *sql, const char *value,
			char **first_col_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (asn_store_prepare(store, sql, &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, value);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (first_col_r != NULL)
			*first_col_r = column_dup(stmt, 0);
		sqlite3_finalize(stmt);
		return 1;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	return asn_store_fail(store, rc, "lookup", err);
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

int asn_store_step_done(struct asn_store *store, sqlite3_stmt *stmt, const char *what,
			struct asn_error *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, what, err);
	return 0;
}

int asn_store_import_begin(struct asn_store *store, const struct asn_import_record *rec,
			   int64_t *import_id_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT INTO imports (imported_at, actor, source, letter_ref, opd) "
		    "VALUES (?, ?, ?, ?, ?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)asn_now());
	asn_store_bind_text(stmt, 2, rec->actor);
	asn_store_bind_text(stmt, 3, rec->source);
	asn_store_bind_text(stmt, 4, rec->letter_ref);
	asn_store_bind_text(stmt, 5, rec->opd);
	if (asn_store_step_done(store, stmt, "recording import", err) < 0)
		return -1;
	*import_id_r = sqlite3_last_insert_rowid(store->db);
	return 0;
}

int asn_store_import_finish(struct asn_store *store, int64_t import_id,
			    unsigned int created, unsigned int existing,
			    unsigned int rejected, struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "UPDATE imports SET created = ?, existing = ?, rejected = ? "
		    "WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int(stmt, 1, (int)created);
	sqlite3_bind_int(stmt, 2, (int)existing);
	sqlite3_bind_int(stmt, 3, (int)rejected);
	sqlite3_bind_int64(stmt, 4, import_id);
	return asn_store_step_done(store, stmt, "recording import", err);
}

int asn_store_account_insert(struct asn_store *store, struct asn_account *account,
			     struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT INTO accounts (email, password, nip, name, position, phone, "
		    "opd, must_change, disabled, password_set_at, initial_password_expires_at, "
		    "created_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, account->email);
	asn_store_bind_text(stmt, 2, account->password);
	asn_store_bind_text(stmt, 3, account->nip);
	asn_store_bind_text(stmt, 4, account->name);
	asn_store_bind_text(stmt, 5, account->position);
	asn_store_bind_text(stmt, 6, account->phone);
	asn_store_bind_text(stmt, 7, account->opd);
	sqlite3_bind_int(stmt, 8, account->must_change ? 1 : 0);
	sqlite3_bind_int(stmt, 9, account->disabled ? 1 : 0);
	sqlite3_bind_int64(stmt, 10, (sqlite3_int64)account->password_set_at);
	if (account->initial_password_expires_at != 0)
		sqlite3_bind_int64(stmt, 11, (sqlite3_int64)account->initial_password_expires_at);
	else
		sqlite3_bind_null(stmt, 11);
	sqlite3_bind_int64(stmt, 12, (sqlite3_int64)account->created_at);
	if (account->import_id != 0)
		sqlite3_bind_int64(stmt, 13, account->import_id);
	else
		sqlite3_bind_null(stmt, 13);
	if (asn_store_step_done(store, stmt, "adding account", err) < 0) {
		if (asn_store_error_status(err) == ASN_STORE_ERR_CONFLICT) {
			asn_error_set(err, "%s: account %s (NIP %s) was added by someone else "
				      "meanwhile; run the command again", store->path,
				      account->email, account->nip);
			return asn_store_failed(ASN_STORE_ERR_CONFLICT, err);
		}
		return -1;
	}
	account->id = sqlite3_last_insert_rowid(store->db);
	return 0;
}

int asn_store_account_set_password(struct asn_store *store, const struct asn_account *account,
				   const char *new_hash, bool must_change, time_t expires_at,
				   unsigned int history_keep, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	time_t now = asn_now();

	if (asn_store_prepare(store, "INSERT INTO password_history (account_id, password, set_at, retired_at) "
		    "SELECT id, password, password_set_at, ? FROM accounts WHERE id = ?",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(stmt, 2, account->id);
	if (asn_store_step_done(store, stmt, "saving password history", err) < 0)
		return -1;

	if (asn_store_prepare(store, "DELETE FROM password_history WHERE account_id = ?1 AND rowid NOT IN "
		    "(SELECT rowid FROM password_history WHERE account_id = ?1 "
		    "ORDER BY retired_at DESC, rowid DESC LIMIT ?2)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, account->id);
	sqlite3_bind_int(stmt, 2, (int)history_keep);
	if (asn_store_step_done(store, stmt, "trimming password history", err) < 0)
		return -1;

	if (asn_store_prepare(store, "UPDATE accounts SET password = ?, must_change = ?, "
		    "password_set_at = ?, initial_password_expires_at = ? WHERE id = ?",
		    &stmt, err) < 0)
		return -1;
	asn_store_bind_text(stmt, 1, new_hash);
	sqlite3_bind_int(stmt, 2, must_change ? 1 : 0);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	if (expires_at != 0)
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)expires_at);
	else
		sqlite3_bind_null(stmt, 4);
	sqlite3_bind_int64(stmt, 5, account->id);
	return asn_store_step_done(store, stmt, "updating password", err);
}

int asn_store_account_set_disabled(struct asn_store *store, int64_t id, bool disabled,
				   struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "UPDATE accounts SET disabled = ? WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int(stmt, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(stmt, 2, id);
	return asn_store_step_done(store, stmt, "updating account", err);
}

int asn_store_password_history(struct asn_store *store, int64_t id, unsigned int limit,
			       struct asn_strv *hashes_r, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (asn_store_prepare(store, "SELECT password FROM password_history WHERE account_id = ? "
		    "ORDER BY retired_at DESC, rowid DESC LIMIT ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, (int)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		asn_strv_add_take(hashes_r, column_dup(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "reading password history", err);
	return 0;
}

int asn_store_audit(struct asn_store *store, const char *actor, const char *action,
		    const struct asn_account *account, const char *detail,
		    struct asn_error *err)
{
	sqlite3_stmt *stmt;

	if (asn_store_prepare(store, "INSERT INTO audit (at, actor, action, account_id, email, detail) "
		    "VALUES (?, ?, ?, ?, ?, ?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)asn_now());
	asn_store_bind_text(stmt, 2, actor);
	asn_store_bind_text(stmt, 3, action);
	if (account != NULL && account->id != 0)
		sqlite3_bind_int64(stmt, 4, account->id);
	else
		sqlite3_bind_null(stmt, 4);
	asn_store_bind_text(stmt, 5, account != NULL ? account->email : "");
	asn_store_bind_text(stmt, 6, detail);
	return asn_store_step_done(store, stmt, "writing audit", err);
}

int asn_store_account_iterate(struct asn_store *store, const char *opd,
			      asn_account_callback *callback, void *context,
			      struct asn_error *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (asn_store_prepare(store, "SELECT " ACCOUNT_COLUMNS " FROM accounts "
		    "WHERE ?1 IS NULL OR opd = ?1 ORDER BY opd, email", &stmt, err) < 0)
		return -1;
	if (opd != NULL)
		asn_store_bind_text(stmt, 1, opd);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct asn_account account;

		account_from_row(stmt, &account);
		ret = callback(&account, context);
		asn_account_free(&account);
		if (ret < 0)
			break;
	}
	sqlite3_finalize(stmt);
	if (ret < 0)
		return -1;
	if (rc != SQLITE_DONE)
		return asn_store_fail(store, rc, "listing accounts", err);
	return 0;
}
