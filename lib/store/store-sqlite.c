/* SQLite: opening, creating and migrating the files; its errors. */
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

/* errno of a failed stat(), open() or mkdir() */
static enum asn_store_status status_from_errno(int error)
{
	return error == ENOENT ? ASN_STORE_ERR_MISSING :
		error == EACCES ? ASN_STORE_ERR_PERM : ASN_STORE_ERR_OTHER;
}

int asn_sqlite_fail(struct asn_store *store, int rc, const char *what,
		   struct asn_error *err)
{
	enum asn_store_status status = status_from_rc(rc);

	asn_error_set(err, "%s: %s: %s", store->path, what,
		      status == ASN_STORE_ERR_BUSY ?
		      "database is locked by another process (busy timeout expired)" :
		      sqlite3_errmsg(store->db));
	return asn_store_failed(status, err);
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

/* Reports read a whole OPD's accounts and events, pages scattered over
   the files: through SQLite's 2 MB cache, 40% of a report's time was
   pread's copying (perf, bench/store-scale.sh).  A map reads the kernel's
   page cache in place.  Every asn_store_open has it (the tools, the
   portal, asn-passwdd, doveadm's plugin: a disk error on a mapped page
   kills them with SIGBUS, where it would have failed their request), never
   a delivery's connection: the delivery path must spool, never crash. */
#define ASN_SQLITE_MMAP_SIZE "1073741824"

static void map_files(struct asn_store *store, const char *schema)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "PRAGMA %s.mmap_size = " ASN_SQLITE_MMAP_SIZE, schema);
	/* an optimisation: where it is unavailable, reads go through pread */
	(void)sqlite3_exec(store->db, sql, NULL, NULL, NULL);
	store->mapped = true;
}

static int check_schema(struct asn_store *store, struct asn_error *err)
{
	int app_id = 0, version = 0, rc;

	rc = pragma_int(store->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(store->db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK)
		return asn_sqlite_fail(store, rc, "reading schema version", err);
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

int asn_sqlite_open(const struct asn_settings *set, bool writable,
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
		asn_sqlite_fail(store, rc, "open", err);
		asn_store_close(&store);
		return -1;
	}
	if (check_schema(store, err) < 0) {
		asn_store_close(&store);
		return -1;
	}
	map_files(store, "main");
	*store_r = store;
	return 0;
}

static int check_bsre_schema(struct asn_store *store, struct asn_error *err)
{
	int app_id = 0, version = 0, rc;

	rc = pragma_int(store->db, "PRAGMA asn_bsre.application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(store->db, "PRAGMA asn_bsre.user_version", &version);
	if (rc != SQLITE_OK) {
		asn_sqlite_fail(store, rc, "reading the schema version", err);
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

int asn_sqlite_attach_bsre(struct asn_store *store, struct asn_error *err)
{
	sqlite3_stmt *stmt;
	struct stat st;
	int rc;

	/* ATTACH would create a missing file: it must come from asnctl init,
	   with its mode and group. */
	if (stat(store->bsre_path, &st) < 0) {
		int error = errno;

		asn_error_set(err, "%s: %s", store->bsre_path, error == ENOENT ?
			      "no such BSrE database (run 'asnctl init' to create it)" :
			      strerror(error));
		return asn_store_failed(status_from_errno(error), err);
	}
	rc = sqlite3_prepare_v2(store->db, "ATTACH DATABASE ?1 AS asn_bsre", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, store->bsre_path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		asn_sqlite_fail(store, rc, "attaching the BSrE database", err);
		return -1;
	}
	if (check_bsre_schema(store, err) < 0) {
		sqlite3_exec(store->db, "DETACH DATABASE asn_bsre", NULL, NULL, NULL);
		return -1;
	}
	/* Commits of events need not wait for the disk: in WAL mode a crash
	   or power loss can lose the last events, never corrupt the file, and
	   the mails they came from are on disk for asnctl scan. */
	sqlite3_exec(store->db, "PRAGMA asn_bsre.synchronous = NORMAL", NULL, NULL, NULL);
	if (store->mapped)
		map_files(store, "asn_bsre");
	store->bsre_attached = true;
	return 0;
}

int asn_sqlite_open_bsre(const struct asn_settings *set, struct asn_store **store_r,
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
		asn_sqlite_fail(store, rc, "open", err);
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

int asn_store_make_parent_dir(const char *path, mode_t mode, gid_t gid, struct asn_error *err)
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

	if (asn_store_make_parent_dir(f->path, f->dir_mode, gid, err) < 0)
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
		asn_sqlite_fail(&store, rc, "open", err);
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

int asn_sqlite_init(const struct asn_settings *set, gid_t gid, int *from_r, struct asn_error *err)
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
	int bsre_from, ret;

	if (asn_store_migrations_count != ASN_SCHEMA_VERSION ||
	    asn_bsre_migrations_count != ASN_BSRE_SCHEMA_VERSION)
		abort();
	ret = init_db_file(set, &accounts, gid, from_r, err);
	if (ret == 0)
		ret = init_db_file(set, &events, gid, &bsre_from, err);
	free(bsre_path);
	return ret;
}

