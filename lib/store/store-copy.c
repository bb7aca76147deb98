/* asnctl migrate's copy: a SQLite site into PostgreSQL in one transaction,
   ids kept.  Rows go through COPY FROM STDIN: a statement per row would be
   a round trip per row, minutes for a national site. */
#include "store-private.h"
#include "asn-store-copy.h"

#include <stdlib.h>
#include <string.h>

/* Sent to the server in pieces of about this size. */
#define COPY_CHUNK (256 * 1024)

/* In an order that the foreign keys accept.  columns: every column of the
   table, the same on both engines (checked against SQLite's, so that a
   column added by a later schema is not silently left behind); id: the
   identity whose sequence must go past the copied ids (NULL: none). */
struct copy_table {
	const char *schema, *name, *columns, *order, *id;
};

static const struct copy_table copy_tables[ASN_STORE_COPY_TABLES] = {
	{ "asn", "imports", "id, imported_at, actor, source, letter_ref, opd, created, existing, "
	  "rejected", "id", "id" },
	/* the BSrE progress kept per account comes along; the target's
	   bsre_fold_state starts over, so its first refresh folds every
	   account again (store-progress.c) */
	{ "asn", "accounts", "id, email, password, must_change, nip, name, position, phone, opd, "
	  "disabled, password_set_at, initial_password_expires_at, created_at, import_id, "
	  "bsre_stage, bsre_flags, bsre_activation_at, bsre_passphrase_at, bsre_cert_until, "
	  "bsre_last_event_at", "id", "id" },
	/* rowid: SQLite's implicit one, an identity on PostgreSQL (the
	   history's order) */
	{ "asn", "password_history", "rowid, account_id, password, set_at, retired_at",
	  "rowid", "rowid" },
	{ "asn", "audit", "id, at, actor, action, account_id, email, detail", "id", "id" },
	{ "asn", "verifiers", "id, email, name, phone, all_opd, created_at", "id", "id" },
	{ "asn", "verifier_opds", "verifier_id, opd", "verifier_id, opd", NULL },
	{ "asn", "person_lookups", "id, at, verifier, query, account_id, email, via", "id", "id" },
	{ "asn", "verifier_cases", "id, account_id, kind, action, note, at, \"by\", resolved_at, "
	  "resolved_by", "id", "id" },
	{ "asn", "api_tokens", "id, verifier_id, name, hash, created_at, last_used_at", "id", "id" },
	{ "asn", "notices_sent", "id, recipient, condition, occurrence, sent_at", "id", "id" },
	{ "asn_bsre", "bsre_events", "id, email, message_key, type, received_at, trusted, subject, "
	  "sender, source, recorded_at, cert_serial, cert_common_name, cert_organization, "
	  "cert_valid_until, replayed, trusted_by, unverified, trust_reason, dkim_facts",
	  "id", "id" },
};

struct copy_context {
	struct asn_store *src, *dst;
	uint64_t every;
	asn_store_copy_progress *progress;
	void *progress_context;
};

/* SQLite's accounts are its main database, the events the attached one */
static const char *lite_schema(const struct copy_table *t)
{
	return strcmp(t->schema, "asn") == 0 ? "main" : t->schema;
}

static unsigned int count_columns(const char *columns)
{
	unsigned int n = 1;

	for (const char *p = columns; *p != '\0'; p++)
		n += *p == ',' ? 1 : 0;
	return n;
}

/* SELECT count(*) ... of either side, into *count_r */
static int count_rows(struct asn_store *store, const char *sql, const char *what,
		      uint64_t *count_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int ret;

	if (asn_db_prepare(store, sql, &stmt, err) < 0)
		return -1;
	ret = asn_db_step(stmt, what, err);
	*count_r = ret > 0 ? (uint64_t)asn_db_column_int(stmt, 0) : 0;
	asn_db_finalize(&stmt);
	return ret < 0 ? -1 : 0;
}

/* The SQLite table has no column that the list lacks. */
static int check_columns(struct asn_store *src, const struct copy_table *t,
			 struct asn_error *err)
{
	char *sql = asn_xasprintf("SELECT count(*) FROM pragma_table_info('%s', '%s')",
				  t->name, lite_schema(t));
	unsigned int want = count_columns(t->columns) -
		(strncmp(t->columns, "rowid,", 6) == 0 ? 1 : 0);
	uint64_t have;
	int ret = count_rows(src, sql, "reading the columns", &have, err);

	free(sql);
	if (ret == 0 && have != want) {
		asn_error_set(err, "%s: table %s has %llu columns, the migration knows %u: "
			      "this asnctl cannot move it", src->path, t->name,
			      (unsigned long long)have, want);
		ret = asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	return ret;
}

/* COPY's text format: backslash escapes for what would end a field or a
   row */
static void copy_escape(struct asn_str *buf, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		asn_str_append_n(buf, s + start, i - start);
		asn_str_append_n(buf, esc, 2);
		start = i + 1;
	}
	asn_str_append_n(buf, s + start, len - start);
}

static int pg_copy_fail(struct asn_store *dst, PGresult *res, const char *table,
			struct asn_error *err)
{
	const char *state = res == NULL ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *context = res == NULL ? NULL : PQresultErrorField(res, PG_DIAG_CONTEXT);
	const char *msg = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(dst->pg);
	size_t msg_len = strcspn(msg, "\n");
	size_t ctx_len = context == NULL ? 0 : strcspn(context, "\n");

	/* the message and where (COPY's table, line and column) */
	asn_error_set(err, "%s: copying %s: %.*s%s%.*s", dst->path, table, (int)msg_len,
		      msg_len > 0 ? msg : "connection lost", ctx_len > 0 ? " (" : "",
		      (int)ctx_len, ctx_len > 0 ? context : "");
	return asn_store_failed(state != NULL && (strncmp(state, "22", 2) == 0 ||
						  strncmp(state, "23", 2) == 0) ?
				ASN_STORE_ERR_CONFLICT : ASN_STORE_ERR_OTHER, err);
}

static int pg_put(struct asn_store *dst, struct asn_str *buf, const char *table,
		  struct asn_error *err)
{
	if (buf->len == 0)
		return 0;
	if (PQputCopyData(dst->pg, buf->data, (int)buf->len) != 1)
		return pg_copy_fail(dst, NULL, table, err);
	asn_str_truncate(buf, 0);
	return 0;
}

/* The source's rows into the COPY the server waits for. */
static int copy_rows(struct copy_context *ctx, const struct copy_table *t, uint64_t total,
		     uint64_t *copied_r, struct asn_error *err)
{
	char *sql = asn_xasprintf("SELECT %s FROM %s.%s ORDER BY %s", t->columns,
				  lite_schema(t), t->name, t->order);
	struct asn_str buf;
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	*copied_r = 0;
	rc = sqlite3_prepare_v2(ctx->src->db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return asn_sqlite_fail(ctx->src, rc, "reading", err);
	memset(&buf, 0, sizeof(buf));
	while (ret == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int ncol = sqlite3_column_count(stmt);

		for (int i = 0; i < ncol; i++) {
			if (i > 0)
				asn_str_append_c(&buf, '\t');
			if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
				asn_str_append_n(&buf, "\\N", 2);
			} else {
				const char *text = (const char *)sqlite3_column_text(stmt, i);
				size_t len = (size_t)sqlite3_column_bytes(stmt, i);

				if (text == NULL || strlen(text) != len) {
					asn_error_set(err, "%s: %s, row %llu, column %s: a NUL "
						      "byte, which PostgreSQL's text cannot hold",
						      ctx->src->path, t->name,
						      (unsigned long long)*copied_r + 1,
						      sqlite3_column_name(stmt, i));
					ret = asn_store_failed(ASN_STORE_ERR_CONFLICT, err);
					break;
				}
				copy_escape(&buf, text, len);
			}
		}
		asn_str_append_c(&buf, '\n');
		++*copied_r;
		if (ret == 0 && buf.len >= COPY_CHUNK)
			ret = pg_put(ctx->dst, &buf, t->name, err);
		if (ctx->progress != NULL && ctx->every != 0 && *copied_r % ctx->every == 0 &&
		    *copied_r != total)
			ctx->progress(t->name, *copied_r, total, ctx->progress_context);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = asn_sqlite_fail(ctx->src, rc, "reading", err);
	sqlite3_finalize(stmt);
	if (ret == 0)
		ret = pg_put(ctx->dst, &buf, t->name, err);
	asn_str_free(&buf);
	return ret;
}

/* One table: COPY in, then the target's count checked against the
   source's. */
static int copy_table(struct copy_context *ctx, const struct copy_table *t,
		      struct asn_store_copy_count *count, struct asn_error *err)
{
	char *sql;
	PGresult *res;
	uint64_t copied;
	int ret;

	count->table = t->name;
	sql = asn_xasprintf("SELECT count(*) FROM %s.%s", lite_schema(t), t->name);
	ret = count_rows(ctx->src, sql, "counting", &count->source, err);
	free(sql);
	if (ret < 0 || check_columns(ctx->src, t, err) < 0)
		return -1;

	sql = asn_xasprintf("COPY %s.%s (%s) FROM STDIN", t->schema, t->name, t->columns);
	res = PQexec(ctx->dst->pg, sql);
	free(sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		ret = pg_copy_fail(ctx->dst, res, t->name, err);
		PQclear(res);
		return ret;
	}
	PQclear(res);
	ret = copy_rows(ctx, t, count->source, &copied, err);
	/* a failed read ends the COPY with an error: the server drops the
	   rows, the transaction is then only good for a rollback */
	if (PQputCopyEnd(ctx->dst->pg, ret < 0 ? "the source could not be read" : NULL) != 1 &&
	    ret == 0)
		ret = pg_copy_fail(ctx->dst, NULL, t->name, err);
	while ((res = PQgetResult(ctx->dst->pg)) != NULL) {
		if (ret == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			ret = pg_copy_fail(ctx->dst, res, t->name, err);
		PQclear(res);
	}
	if (ret < 0)
		return -1;
	if (ctx->progress != NULL && ctx->every != 0 && copied > 0)
		ctx->progress(t->name, copied, count->source, ctx->progress_context);

	sql = asn_xasprintf("SELECT count(*) FROM %s.%s", t->schema, t->name);
	ret = count_rows(ctx->dst, sql, "counting", &count->target, err);
	free(sql);
	if (ret == 0 && (count->target != count->source || copied != count->source)) {
		asn_error_set(err, "%s: %s: %llu rows in the source, %llu read, %llu in the "
			      "target", ctx->dst->path, t->name,
			      (unsigned long long)count->source, (unsigned long long)copied,
			      (unsigned long long)count->target);
		ret = asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	return ret;
}

/* Returns 1 when a table of the target holds rows. */
static int target_has_rows(struct asn_store *dst, struct asn_error *err)
{
	for (unsigned int i = 0; i < ASN_STORE_COPY_TABLES; i++) {
		const struct copy_table *t = &copy_tables[i];
		char *sql = asn_xasprintf("SELECT count(*) FROM %s.%s", t->schema, t->name);
		uint64_t rows;
		int ret = count_rows(dst, sql, "counting", &rows, err);

		free(sql);
		if (ret < 0)
			return -1;
		if (rows > 0) {
			asn_error_set(err, "%s already holds data (%s.%s: %llu rows): migrate "
				      "moves a site only into a new or empty database; nothing "
				      "was changed", dst->path, t->schema, t->name,
				      (unsigned long long)rows);
			return 1;
		}
	}
	return 0;
}

/* Next ids after the copied ones.  setval is not undone by a rollback: it
   runs last, once every count matched. */
static int move_sequences(struct asn_store *dst, struct asn_error *err)
{
	for (unsigned int i = 0; i < ASN_STORE_COPY_TABLES; i++) {
		const struct copy_table *t = &copy_tables[i];
		char *sql;
		int ret;

		if (t->id == NULL)
			continue;
		sql = asn_xasprintf("SELECT setval(pg_get_serial_sequence('%s.%s', '%s'), max(%s)) "
				    "FROM %s.%s HAVING max(%s) IS NOT NULL", t->schema, t->name,
				    t->id, t->id, t->schema, t->name, t->id);
		ret = asn_db_exec(dst, sql, "moving the identity past the copied ids", err);
		free(sql);
		if (ret < 0)
			return -1;
	}
	return 0;
}

static int lock_target(struct asn_store *dst, struct asn_error *err)
{
	struct asn_str sql;
	int ret;

	/* nothing else writes (a delivery already pointed here waits) */
	memset(&sql, 0, sizeof(sql));
	asn_str_append(&sql, "LOCK TABLE ");
	for (unsigned int i = 0; i < ASN_STORE_COPY_TABLES; i++)
		asn_str_printfa(&sql, "%s%s.%s", i > 0 ? ", " : "", copy_tables[i].schema,
				copy_tables[i].name);
	asn_str_append(&sql, " IN EXCLUSIVE MODE");
	ret = asn_db_exec(dst, asn_str_c(&sql), "locking the tables", err);
	asn_str_free(&sql);
	return ret;
}

/* A password in the target's connection would end up in the shell's
   history and the process list: the passfile is the way. */
int asn_store_copy_check_target(const char *conninfo, struct asn_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts;
	int ret = 0;

	if (!asn_settings_db_is_pgsql(conninfo)) {
		asn_error_set(err, "'%s' is not a PostgreSQL connection (postgresql://... or "
			      "key=value)", conninfo);
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	opts = PQconninfoParse(conninfo, &msg);
	if (opts == NULL) {
		asn_error_set(err, "not a PostgreSQL connection: %.*s",
			      (int)strcspn(msg != NULL ? msg : "out of memory", "\n"),
			      msg != NULL ? msg : "out of memory");
		PQfreemem(msg);
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0') {
			asn_error_set(err, "the target connection holds a password: put it in a "
				      "passfile (passfile=PATH in the connection, or PGPASSFILE)");
			ret = asn_store_failed(ASN_STORE_ERR_OTHER, err);
		}
	}
	PQconninfoFree(opts);
	return ret;
}

/* The target, its schema created when missing. */
static int open_target(const struct asn_settings *set, const char *conninfo,
		       struct asn_store **dst_r, bool *created_r, struct asn_error *err)
{
	struct asn_settings tset = *set;
	int ret, from;

	*created_r = false;
	tset.db = asn_xstrdup(conninfo);
	tset.bsre_db = asn_xstrdup("");
	for (int attempt = 0;; attempt++) {
		ret = asn_store_open(&tset, true, dst_r, err);
		if (ret == 0 && asn_store_attach_bsre(*dst_r, err) < 0) {
			asn_store_close(dst_r);
			ret = -1;
		}
		if (ret == 0 || attempt > 0 || asn_store_error_status(err) != ASN_STORE_ERR_MISSING)
			break;
		if (asn_store_init(&tset, NULL, &from, err) < 0) {
			asn_error_prefix(err, "creating the schema: ");
			ret = -1;
			break;
		}
		*created_r = true;
	}
	free(tset.db);
	free(tset.bsre_db);
	return ret;
}

static int copy_all(struct copy_context *ctx, struct asn_store_copy_report *report,
		    struct asn_error *err)
{
	int ret;

	/* one snapshot of both SQLite files: the counts are those of the
	   rows read */
	if (asn_db_exec(ctx->src, "BEGIN", "begin a read", err) < 0)
		return -1;
	ret = asn_store_begin(ctx->dst, err);
	if (ret == 0)
		ret = lock_target(ctx->dst, err);
	if (ret == 0)
		ret = target_has_rows(ctx->dst, err);
	for (unsigned int i = 0; ret == 0 && i < ASN_STORE_COPY_TABLES; i++)
		ret = copy_table(ctx, &copy_tables[i], &report->tables[i], err);
	if (ret == 0)
		ret = move_sequences(ctx->dst, err);
	if (ret == 0)
		ret = asn_store_commit(ctx->dst, err);
	else
		asn_store_rollback(ctx->dst);
	asn_store_rollback(ctx->src);
	return ret;
}

int asn_store_copy_to_pgsql(const struct asn_settings *set, const char *conninfo,
			    uint64_t every, asn_store_copy_progress *progress, void *context,
			    struct asn_store_copy_report *report_r, struct asn_error *err)
{
	struct copy_context ctx = {
		.every = every, .progress = progress, .progress_context = context,
	};
	int ret;

	memset(report_r, 0, sizeof(*report_r));
	if (asn_settings_db_is_pgsql(set->db)) {
		asn_error_set(err, "asn_db is a PostgreSQL database already: migrate moves a "
			      "SQLite site");
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	if (asn_store_copy_check_target(conninfo, err) < 0)
		return -1;
	/* read-only: the site stays as it was, whatever happens here */
	if (asn_sqlite_open(set, false, &ctx.src, err) < 0)
		return -1;
	if (asn_store_attach_bsre(ctx.src, err) < 0) {
		asn_store_close(&ctx.src);
		return -1;
	}
	if (open_target(set, conninfo, &ctx.dst, &report_r->created_schema, err) < 0) {
		asn_store_close(&ctx.src);
		return -1;
	}
	report_r->target = asn_xstrdup(ctx.dst->path);
	ret = copy_all(&ctx, report_r, err);
	asn_store_close(&ctx.dst);
	asn_store_close(&ctx.src);
	return ret;
}
