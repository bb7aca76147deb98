/* PostgreSQL: connecting within a bound, running a statement within one,
   its errors as the store's statuses, the schema's version and its
   creation.  The statements themselves are the store's (store-db.c). */
#include "store-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The accounts are schema asn, the events asn_bsre (SQLite: the attached
   file), citext (for SQLite's NOCASE columns) where the site installed
   it, public by default. */
#define PG_SEARCH_PATH "SET search_path = asn, asn_bsre, public"

char *asn_pg_translate(const char *sql, int *nparams_r)
{
	struct asn_str out;
	char *translated;
	int max = 0;

	memset(&out, 0, sizeof(out));
	for (const char *p = sql; *p != '\0'; p++) {
		if (*p == '\'' || *p == '"') {
			/* a literal or a quoted name, copied as it is */
			const char *end = strchr(p + 1, *p);

			if (end == NULL)
				end = p + strlen(p) - 1;
			asn_str_append_n(&out, p, (size_t)(end - p + 1));
			p = end;
		} else if (*p == '?') {
			int n;

			if (p[1] >= '0' && p[1] <= '9') {
				n = (int)strtol(p + 1, (char **)&p, 10);
				p--;
			} else {
				/* as SQLite numbers a bare ?: one past the largest */
				n = max + 1;
			}
			if (n > max)
				max = n;
			asn_str_printfa(&out, "$%d", n);
		} else {
			asn_str_append_c(&out, *p);
		}
	}
	*nparams_r = max;
	translated = asn_xstrdup(asn_str_c(&out));
	asn_str_free(&out);
	return translated;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One delivery's bound for all it asks of the database (the kept
   connection, a new one, its session settings, the event, the spool's
   replay): each step's own bound would add up to several times
   asn_bsre_busy_timeout.  0: none (the tools). */
static long long shared_deadline;
static unsigned int shared_deadline_ms;

void asn_store_deadline_start(unsigned int timeout_ms)
{
	shared_deadline = now_ms() + timeout_ms;
	shared_deadline_ms = timeout_ms;
}

void asn_store_deadline_end(void)
{
	shared_deadline = 0;
}

/* The end of a step that may take timeout_ms (0: no bound of its own),
   or the shared deadline when that comes first. */
static long long step_deadline(unsigned int timeout_ms)
{
	long long own = timeout_ms == 0 ? 0 : now_ms() + timeout_ms;

	if (shared_deadline != 0 && (own == 0 || shared_deadline < own))
		return shared_deadline;
	return own;
}

/* The bound a step that got no answer waited for. */
static unsigned int bound_ms(unsigned int timeout_ms)
{
	if (shared_deadline != 0 && (timeout_ms == 0 || shared_deadline_ms < timeout_ms))
		return shared_deadline_ms;
	return timeout_ms;
}

/* Waits for the connection's socket until the deadline (0: none).
   Returns 1 ready, 0 timed out, -1 error. */
static int wait_socket(PGconn *conn, bool for_write, long long deadline)
{
	struct pollfd pfd = { .fd = PQsocket(conn), .events = for_write ? POLLOUT : POLLIN };

	if (pfd.fd < 0)
		return -1;
	for (;;) {
		int timeout = -1, ret;

		if (deadline != 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return 0;
			timeout = (int)left;
		}
		ret = poll(&pfd, 1, timeout);
		if (ret >= 0 || errno != EINTR)
			return ret > 0 ? 1 : ret;
	}
}

static char *first_line(const char *msg)
{
	size_t len = strcspn(msg, "\n");

	return asn_xstrndup(msg, len);
}

static enum asn_store_status status_from_sqlstate(const char *state)
{
	if (state == NULL)
		/* no answer: the connection broke */
		return ASN_STORE_ERR_BUSY;
	if (strncmp(state, "23", 2) == 0)
		return ASN_STORE_ERR_CONFLICT;
	if (strcmp(state, "42501") == 0 || strcmp(state, "25006") == 0 ||
	    strncmp(state, "28", 2) == 0)
		return ASN_STORE_ERR_PERM;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	    strncmp(state, "53", 2) == 0)
		return ASN_STORE_ERR_BUSY;
	if (strcmp(state, "42P01") == 0 || strcmp(state, "3F000") == 0)
		return ASN_STORE_ERR_SCHEMA;
	return ASN_STORE_ERR_OTHER;
}

static int pg_fail(struct asn_store *store, const PGresult *res, const char *what,
		   struct asn_error *err)
{
	const char *state = res == NULL ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
	char *msg = first_line(res != NULL ? PQresultErrorMessage(res) :
			       PQerrorMessage(store->pg));

	asn_error_set(err, "%s: %s: %s", store->path, what,
		      msg[0] != '\0' ? msg : "connection lost");
	free(msg);
	return asn_store_failed(status_from_sqlstate(state), err);
}

/* Drops a connection that did not answer in time, so that nothing waits
   on it later (the server ends the statement by statement_timeout). */
static int pg_timeout(struct asn_store *store, const char *what, struct asn_error *err)
{
	asn_error_set(err, "%s: %s: no answer within %u ms", store->path, what,
		      bound_ms(store->timeout_ms));
	PQfinish(store->pg);
	store->pg = NULL;
	return asn_store_failed(ASN_STORE_ERR_BUSY, err);
}

/* Whether a kept statement's parameters are bound with the types it was
   prepared with (a NULL goes with any). */
static bool pg_types_match(const struct asn_db_stmt *stmt)
{
	for (int i = 0; i < stmt->nparams; i++) {
		if (stmt->types[i] != stmt->pg_types[i] && stmt->values[i] != NULL)
			return false;
	}
	return true;
}

static PGresult *pg_exec(struct asn_store *store, struct asn_db_stmt *stmt, const char *sql,
			 const char *what, struct asn_error *err, bool *timed_out_r)
{
	long long deadline = step_deadline(store->timeout_ms);
	PGresult *res, *last = NULL;
	int sent;

	*timed_out_r = false;
	if (store->pg == NULL) {
		asn_error_set(err, "%s: %s: not connected (an earlier statement timed out)",
			      store->path, what);
		asn_store_failed(ASN_STORE_ERR_BUSY, err);
		return NULL;
	}
	if (stmt != NULL && stmt->pg_name[0] != '\0' && !stmt->pg_prepared)
		sent = PQsendPrepare(store->pg, stmt->pg_name, sql, stmt->nparams, stmt->types);
	else if (stmt != NULL && stmt->pg_name[0] != '\0' && pg_types_match(stmt))
		sent = PQsendQueryPrepared(store->pg, stmt->pg_name, stmt->nparams,
					   (const char *const *)stmt->values, NULL, NULL, 0);
	else if (stmt != NULL)
		sent = PQsendQueryParams(store->pg, sql, stmt->nparams, stmt->types,
					 (const char *const *)stmt->values, NULL, NULL, 0);
	else
		sent = PQsendQuery(store->pg, sql);
	if (!sent) {
		pg_fail(store, NULL, what, err);
		return NULL;
	}
	for (;;) {
		int flushed = PQflush(store->pg);

		if (flushed < 0) {
			pg_fail(store, NULL, what, err);
			return NULL;
		}
		if (flushed == 0)
			break;
		if (wait_socket(store->pg, true, deadline) <= 0) {
			*timed_out_r = true;
			return NULL;
		}
	}
	for (;;) {
		while (PQisBusy(store->pg)) {
			if (wait_socket(store->pg, false, deadline) <= 0) {
				*timed_out_r = true;
				PQclear(last);
				return NULL;
			}
			if (!PQconsumeInput(store->pg)) {
				PQclear(last);
				pg_fail(store, NULL, what, err);
				return NULL;
			}
		}
		res = PQgetResult(store->pg);
		if (res == NULL)
			break;
		/* several statements: the first error, else the last result */
		if (last != NULL && (PQresultStatus(last) == PGRES_FATAL_ERROR)) {
			PQclear(res);
			continue;
		}
		PQclear(last);
		last = res;
	}
	if (last == NULL)
		pg_fail(store, NULL, what, err);
	return last;
}

static int pg_result(struct asn_store *store, PGresult *res, const char *what,
		     struct asn_error *err)
{
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		return 0;
	default:
		return pg_fail(store, res, what, err);
	}
}

int asn_pg_step(struct asn_db_stmt *stmt, const char *what, struct asn_error *err)
{
	struct asn_store *store = stmt->store;

	if (stmt->res == NULL && stmt->pg_name[0] != '\0' && !stmt->pg_prepared) {
		/* a kept statement (store-db.c): prepared on the server at
		   its first run, with the types its parameters have then */
		bool timed_out;
		PGresult *res = pg_exec(store, stmt, stmt->pg_sql, what, err, &timed_out);

		if (res == NULL)
			return timed_out ? pg_timeout(store, what, err) : -1;
		if (pg_result(store, res, what, err) < 0) {
			PQclear(res);
			return -1;
		}
		PQclear(res);
		memcpy(stmt->pg_types, stmt->types, (size_t)stmt->nparams * sizeof(*stmt->types));
		stmt->pg_prepared = true;
	}
	if (stmt->res == NULL) {
		bool timed_out;
		PGresult *res = stmt->nparams == 0 && stmt->pg_sql != NULL &&
			strchr(stmt->pg_sql, ';') != NULL ?
			pg_exec(store, NULL, stmt->pg_sql, what, err, &timed_out) :
			pg_exec(store, stmt, stmt->pg_sql, what, err, &timed_out);

		if (res == NULL)
			return timed_out ? pg_timeout(store, what, err) : -1;
		if (pg_result(store, res, what, err) < 0) {
			PQclear(res);
			return -1;
		}
		stmt->res = res;
		stmt->rows = PQntuples(res);
		stmt->row = 0;
		store->changes = strtoull(PQcmdTuples(res), NULL, 10);
	}
	if (stmt->row < stmt->rows) {
		stmt->row++;
		return 1;
	}
	return 0;
}

void asn_pg_close(struct asn_store *store)
{
	PQfinish(store->pg);
	store->pg = NULL;
}

/* No password in asn_db: it would sit in a configuration that Dovecot's
   processes and doveconf show. */
static int check_conninfo(const char *conninfo, const char *setting, struct asn_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	int ret = 0;

	if (opts == NULL) {
		char *line = first_line(msg != NULL ? msg : "out of memory");

		asn_error_set(err, "%s: not a PostgreSQL connection: %s", setting, line);
		free(line);
		PQfreemem(msg);
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if ((strcmp(o->keyword, "password") == 0 || strcmp(o->keyword, "sslpassword") == 0) &&
		    o->val != NULL && o->val[0] != '\0') {
			asn_error_set(err, "%s holds a password: put it in a passfile "
				      "(passfile=PATH in the connection, or PGPASSFILE), not "
				      "in the configuration", setting);
			ret = asn_store_failed(ASN_STORE_ERR_OTHER, err);
		}
	}
	PQconninfoFree(opts);
	return ret;
}

/* The server's refusal in a failed connection's error: libpq keeps no
   SQLSTATE of it but, at PQERRORS_VERBOSE, writes "SEVERITY:  XXXXX: why"
   (the severity translated, the code never).  Copies msg's first line
   without the code into *line_r; state_r gets the last host's code, ""
   when libpq failed by itself (refused, unreachable, no password). */
static void connect_error(const char *msg, char state_r[6], char **line_r)
{
	static const char code_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char *line = first_line(msg), *code;

	state_r[0] = '\0';
	for (const char *p = strstr(msg, ":  "); p != NULL; p = strstr(p + 1, ":  ")) {
		if (strspn(p + 3, code_chars) == 5 && p[8] == ':' && p[9] == ' ') {
			memcpy(state_r, p + 3, 5);
			state_r[5] = '\0';
		}
	}
	/* the log's text as without the code */
	for (code = strstr(line, ":  "); code != NULL; code = strstr(code + 1, ":  ")) {
		if (strspn(code + 3, code_chars) == 5 && code[8] == ':' && code[9] == ' ') {
			memmove(code + 3, code + 10, strlen(code + 10) + 1);
			break;
		}
	}
	*line_r = line;
}

/* Refused or unreachable, the server starting, stopping or full: a
   delivery spools and the next one tries again; a bad or missing
   password (no passfile for this user), role or database is the admin's
   to fix. */
static enum asn_store_status connect_status(PGconn *conn, const char *state)
{
	enum asn_store_status status;

	if (PQconnectionNeedsPassword(conn))
		return ASN_STORE_ERR_PERM;
	if (state[0] == '\0')
		return ASN_STORE_ERR_BUSY;
	/* 3D000: no such database */
	if (strcmp(state, "3D000") == 0)
		return ASN_STORE_ERR_PERM;
	/* 28xxx (authentication), 42501 (no CONNECT privilege): PERM;
	   57P03 (starting up), 53300 (too many connections), 08xxx: BUSY */
	status = status_from_sqlstate(state);
	return status == ASN_STORE_ERR_PERM ? ASN_STORE_ERR_PERM : ASN_STORE_ERR_BUSY;
}

static int pg_connect(struct asn_store *store, const char *conninfo, unsigned int timeout_ms,
		      struct asn_error *err)
{
	/* keepalives: a server that went away without a word (a network
	   cut) is noticed in about a minute, not TCP's hours, by the tools
	   and the portal, which wait for no deadline of their own; the
	   site's own values in the connection win (they come later) */
	const char *const keys[] = {
		"keepalives_idle", "keepalives_interval", "keepalives_count",
		"dbname", "application_name", NULL
	};
	const char *const values[] = { "30", "10", "3", conninfo, "dovecot-asn", NULL };
	long long deadline = step_deadline(timeout_ms);
	PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
	char state[6], *msg;

	/* Asynchronously, so that a server that does not answer costs a
	   delivery asn_bsre_busy_timeout at most (libpq's connect_timeout
	   is 2 s at least). */
	store->pg = PQconnectStartParams(keys, values, 1);
	if (store->pg == NULL) {
		asn_error_set(err, "%s: out of memory", store->path);
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	}
	/* the refusal's SQLSTATE in the error (connect_error) */
	PQsetErrorVerbosity(store->pg, PQERRORS_VERBOSE);
	while (PQstatus(store->pg) != CONNECTION_BAD && poll_status != PGRES_POLLING_OK &&
	       poll_status != PGRES_POLLING_FAILED) {
		int ready = wait_socket(store->pg, poll_status == PGRES_POLLING_WRITING,
					deadline);

		if (ready == 0) {
			asn_error_set(err, "%s: connect: no answer within %u ms",
				      store->path, bound_ms(timeout_ms));
			return asn_store_failed(ASN_STORE_ERR_BUSY, err);
		}
		poll_status = PQconnectPoll(store->pg);
	}
	if (PQstatus(store->pg) != CONNECTION_OK) {
		connect_error(PQerrorMessage(store->pg), state, &msg);
		asn_error_set(err, "%s: connect: %s", store->path, msg);
		free(msg);
		return asn_store_failed(connect_status(store->pg, state), err);
	}
	/* the statements' errors as users read them (pg_fail's first line) */
	PQsetErrorVerbosity(store->pg, PQERRORS_DEFAULT);
	return 0;
}

static char *display_name(PGconn *conn)
{
	const char *host = PQhost(conn);

	return asn_xasprintf("postgresql://%s@%s%s%s/%s", PQuser(conn),
			     host != NULL && host[0] == '/' ? "" : host,
			     host != NULL && host[0] == '/' ? "" : ":",
			     host != NULL && host[0] == '/' ? "" : PQport(conn), PQdb(conn));
}

static int read_version(struct asn_store *store, const char *schema, int *version_r,
			struct asn_error *err)
{
	char *sql = asn_xasprintf("SELECT version FROM %s.schema_version", schema);
	struct asn_db_stmt *stmt;
	int ret;

	*version_r = 0;
	ret = asn_db_prepare(store, sql, &stmt, err);
	free(sql);
	if (ret < 0)
		return -1;
	ret = asn_db_step(stmt, "reading the schema version", err);
	if (ret > 0)
		*version_r = (int)asn_db_column_int(stmt, 0);
	asn_db_finalize(&stmt);
	return ret < 0 ? -1 : 0;
}

static int check_version(struct asn_store *store, const char *schema, int want,
			 struct asn_error *err)
{
	int version;

	if (read_version(store, schema, &version, err) < 0) {
		if (asn_store_error_status(err) == ASN_STORE_ERR_SCHEMA) {
			asn_error_set(err, "%s: no dovecot-asn schema %s (run 'asnctl init' first)",
				      store->path, schema);
			return asn_store_failed(ASN_STORE_ERR_MISSING, err);
		}
		return -1;
	}
	if (version > want) {
		asn_error_set(err, "%s, schema %s: schema version %d is newer than this "
			      "dovecot-asn understands (%d); upgrade dovecot-asn", store->path,
			      schema, version, want);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	if (version < want) {
		asn_error_set(err, "%s, schema %s: schema version %d is older than %d; "
			      "run 'asnctl init' to upgrade", store->path, schema, version, want);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	return 0;
}

/* A connected store with no session settings yet: the conninfo checked,
   errors naming the setting until the server's name is known. */
static int pg_store_connect(const char *conninfo, const char *setting, unsigned int timeout_ms,
			    struct asn_store **store_r, struct asn_error *err)
{
	struct asn_store *store;

	*store_r = NULL;
	if (check_conninfo(conninfo, setting, err) < 0)
		return -1;
	store = asn_xcalloc(1, sizeof(*store));
	store->backend = ASN_STORE_PGSQL;
	/* until connected: the setting and its value (no password in it) */
	store->path = asn_xasprintf("%s = %s", setting, conninfo);
	if (pg_connect(store, conninfo, timeout_ms, err) < 0) {
		asn_store_close(&store);
		return -1;
	}
	free(store->path);
	store->path = display_name(store->pg);
	*store_r = store;
	return 0;
}

static int pg_open(const struct asn_settings *set, const char *conninfo, const char *setting,
		   bool bsre_only, bool writable, struct asn_store **store_r,
		   struct asn_error *err)
{
	/* A delivery waits asn_bsre_busy_timeout at most, for the connection
	   and for each statement; the tools wait for locks only.  0 is
	   SQLite's "do not wait for a lock", never PostgreSQL's "no bound": a
	   lock is waited for 1 ms, a connection or statement 1 s. */
	unsigned int timeout_ms = bsre_only ? set->bsre_busy_timeout * 1000 : 0;
	unsigned int lock_ms = (bsre_only ? set->bsre_busy_timeout : set->db_busy_timeout) * 1000;
	struct asn_store *store;
	char *sql;
	int ret;

	if (bsre_only && timeout_ms < 1000)
		timeout_ms = 1000;
	if (lock_ms == 0)
		lock_ms = 1;
	*store_r = NULL;
	if (pg_store_connect(conninfo, setting, timeout_ms != 0 ? timeout_ms : 10000,
			     &store, err) < 0)
		return -1;
	store->bsre_path = asn_xstrdup(store->path);
	store->timeout_ms = timeout_ms;
	/* a delivery's store sees the events only, as SQLite's (the events'
	   file alone).  random_page_cost: the store reads a few rows per
	   person through indexes, from a database that fits in memory or sits
	   on SSD; at PostgreSQL's default (4, for spinning disks) the planner
	   reads all events to join one OPD's (a report 4 times slower) */
	sql = asn_xasprintf("%s; SET lock_timeout = %u; SET statement_timeout = %u; "
			    "SET random_page_cost = 1.1%s",
			    bsre_only ? "SET search_path = asn_bsre, public" : PG_SEARCH_PATH,
			    lock_ms, timeout_ms,
			    /* a read-only open (doveadm asn) cannot write, as on SQLite */
			    writable ? "" : "; SET default_transaction_read_only = on");
	ret = asn_db_exec(store, sql, "configuring the session", err);
	free(sql);
	if (ret == 0 && !bsre_only)
		ret = check_version(store, "asn", ASN_SCHEMA_VERSION, err);
	if (ret == 0 && bsre_only)
		ret = asn_pg_attach_bsre(store, err);
	if (ret < 0) {
		asn_store_close(&store);
		return -1;
	}
	*store_r = store;
	return 0;
}

int asn_pg_open(const struct asn_settings *set, const char *conninfo, bool bsre_only, bool writable,
		struct asn_store **store_r, struct asn_error *err)
{
	return pg_open(set, conninfo, bsre_only && strcmp(conninfo, set->db) != 0 ?
		       "asn_bsre_db" : "asn_db", bsre_only, writable, store_r, err);
}

int asn_pg_attach_bsre(struct asn_store *store, struct asn_error *err)
{
	if (check_version(store, "asn_bsre", ASN_BSRE_SCHEMA_VERSION, err) < 0)
		return -1;
	store->bsre_attached = true;
	return 0;
}

/* Runs the steps from the version found to the last, with the version's
   update, in the caller's transaction. */
static int migrate_schema(struct asn_store *store, const char *schema,
			  const struct asn_migration *steps, unsigned int count,
			  int *from_r, struct asn_error *err)
{
	char *sql;
	int version, ret;

	if (read_version(store, schema, &version, err) < 0) {
		if (asn_store_error_status(err) != ASN_STORE_ERR_SCHEMA)
			return -1;
		/* a failed statement ends the transaction's use: come back
		   to before it */
		if (asn_db_exec(store, "ROLLBACK TO SAVEPOINT fresh", "migrate", err) < 0)
			return -1;
		version = 0;
	}
	*from_r = version;
	if (version < 0 || (unsigned int)version > count) {
		asn_error_set(err, "%s, schema %s: schema version %d is newer than this "
			      "dovecot-asn understands (%u); upgrade dovecot-asn", store->path,
			      schema, version, count);
		return asn_store_failed(ASN_STORE_ERR_SCHEMA, err);
	}
	/* Version 0 is the whole schema at once: PostgreSQL came with
	   version 5 (3 for the events); steps after that are one per
	   version, as in SQLite. */
	for (unsigned int i = (unsigned int)version; i < count; i++) {
		if (steps[i].sql == NULL)
			continue;
		if (asn_db_exec(store, steps[i].sql, steps[i].description, err) < 0) {
			asn_error_prefix(err, "migration of %s to version %u: ", schema, i + 1);
			return -1;
		}
	}
	sql = asn_xasprintf("UPDATE %s.schema_version SET version = %u", schema, count);
	ret = asn_db_exec(store, sql, "migrate", err);
	free(sql);
	return ret;
}

int asn_pg_init(const struct asn_settings *set, gid_t gid, int *from_r, struct asn_error *err)
{
	struct asn_store *store;
	char *spool;
	int bsre_from, ret;

	if (asn_pg_migrations_count != ASN_SCHEMA_VERSION ||
	    asn_pg_bsre_migrations_count != ASN_BSRE_SCHEMA_VERSION)
		abort();
	/* where the deliveries (the group) spool events the database could
	   not take */
	spool = asn_settings_bsre_spool(set);
	ret = asn_store_make_parent_dir(spool, 0770, gid, err);
	free(spool);
	if (ret < 0)
		return asn_store_failed(ASN_STORE_ERR_OTHER, err);
	if (pg_store_connect(set->db, "asn_db", set->db_busy_timeout * 1000 + 10000,
			     &store, err) < 0)
		return -1;
	ret = asn_db_exec(store, PG_SEARCH_PATH, "configuring the session", err);
	if (ret == 0)
		ret = asn_store_begin(store, err);
	if (ret == 0)
		ret = asn_db_exec(store, "SAVEPOINT fresh", "migrate", err);
	if (ret == 0)
		ret = migrate_schema(store, "asn", asn_pg_migrations, asn_pg_migrations_count,
				     from_r, err);
	if (ret == 0)
		ret = asn_db_exec(store, "SAVEPOINT fresh", "migrate", err);
	if (ret == 0)
		ret = migrate_schema(store, "asn_bsre", asn_pg_bsre_migrations,
				     asn_pg_bsre_migrations_count, &bsre_from, err);
	if (ret == 0)
		ret = asn_db_exec(store, asn_pg_grants, "granting the roles", err);
	if (ret == 0)
		ret = asn_store_commit(store, err);
	else
		asn_store_rollback(store);
	asn_store_close(&store);
	return ret;
}

int asn_store_bsre_recheck(struct asn_store *store, struct asn_error *err)
{
	if (store->backend != ASN_STORE_PGSQL)
		return 0;
	return check_version(store, "asn_bsre", ASN_BSRE_SCHEMA_VERSION, err);
}

/* Whether one host of the list is a name: an address or a socket
   directory needs no resolver. */
static bool hosts_have_name(const char *hosts)
{
	char *copy = asn_xstrdup(hosts), *next;
	bool name = false;

	for (char *host = copy; host != NULL && !name; host = next) {
		unsigned char addr[sizeof(struct in6_addr)];

		next = strchr(host, ',');
		if (next != NULL)
			*next++ = '\0';
		name = host[0] != '\0' && host[0] != '/' && host[0] != '@' &&
			inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1;
	}
	free(copy);
	return name;
}

bool asn_store_conninfo_resolves(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *host = getenv("PGHOST"), *hostaddr = getenv("PGHOSTADDR");
	bool resolves;

	if (opts == NULL)
		return false;
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
	}
	resolves = (hostaddr == NULL || hostaddr[0] == '\0') && host != NULL &&
		hosts_have_name(host);
	PQconninfoFree(opts);
	return resolves;
}
