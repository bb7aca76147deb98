/* Verifiers: the scope rule (who a verifier sees), their audited lookups,
   the OPDs in scope, and their rows in the store. */
#include "tap.h"
#include "asn-verifier.h"
#include "store-private.h"	/* the connection, to trace its queries */
#include "sqlite-util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/asn-test-verifier-XXXXXX";

/* A verifier built in memory, as the store gives them. */
static struct asn_verifier make_verifier(const char *email, bool all, const char *opd1,
					 const char *opd2)
{
	struct asn_verifier v;

	memset(&v, 0, sizeof(v));
	v.email = asn_xstrdup(email);
	v.name = asn_xstrdup("");
	v.phone = asn_xstrdup("");
	v.all_opd = all;
	if (opd1 != NULL)
		asn_strv_add(&v.opds, opd1);
	if (opd2 != NULL)
		asn_strv_add(&v.opds, opd2);
	return v;
}

static void test_sees_opd(void)
{
	static const struct {
		bool all;
		const char *opd1, *opd2, *person_opd;
		bool sees;
	} cases[] = {
		{ false, "Diskominfo", NULL, "Diskominfo", true },
		{ false, "Diskominfo", NULL, "Dinas Kesehatan", false },
		{ false, "Diskominfo", "Dinas Kesehatan", "Dinas Kesehatan", true },
		/* exact: the store's OPD strings, not a look-alike */
		{ false, "Diskominfo", NULL, "diskominfo", false },
		{ false, "Diskominfo", NULL, "Diskominfo ", false },
		{ false, "Diskominfo", NULL, "Disk", false },
		/* no OPD (a mailbox without an account): admins only */
		{ false, "Diskominfo", NULL, "", false },
		{ false, "Diskominfo", NULL, NULL, false },
		{ false, NULL, NULL, "Diskominfo", false },
		{ true, NULL, NULL, "Diskominfo", true },
		{ true, NULL, NULL, "", true },
		{ true, NULL, NULL, "Dinas Kesehatan", true },
	};

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_verifier v = make_verifier("v@x.go.id", cases[i].all, cases[i].opd1,
						      cases[i].opd2);

		tap_ok(asn_verifier_sees_opd(&v, cases[i].person_opd) == cases[i].sees,
		       "sees_opd %zu: %s [%s%s%s] %s '%s'", i, cases[i].all ? "admin" : "verifier",
		       cases[i].opd1 != NULL ? cases[i].opd1 : "",
		       cases[i].opd2 != NULL ? ", " : "", cases[i].opd2 != NULL ? cases[i].opd2 : "",
		       cases[i].sees ? "sees" : "does not see",
		       cases[i].person_opd != NULL ? cases[i].person_opd : "(null)");
		asn_verifier_free(&v);
	}
}

static void add_account(struct asn_store *store, const char *email, const char *nip,
			const char *opd)
{
	struct asn_account a;
	struct asn_error err;

	memset(&a, 0, sizeof(a));
	a.email = (char *)email;
	a.password = (char *)"{ARGON2ID}$argon2id$x";
	a.nip = (char *)nip;
	a.name = (char *)"Someone";
	a.opd = (char *)opd;
	a.password_set_at = a.created_at = 1000;
	if (asn_store_account_insert(store, &a, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
}

/* The statements a lookup runs, in order, with their bound values left
   out: what an observer timing the answers could tell apart. */
static struct asn_str trace;

static int trace_stmt(unsigned int type, void *ctx, void *p, void *x)
{
	(void)ctx; (void)x;
	if (type == SQLITE_TRACE_STMT) {
		asn_str_append(&trace, sqlite3_sql(p));
		asn_str_append_c(&trace, '\n');
	}
	return 0;
}

static char *traced_lookup(struct asn_store *store, const struct asn_verifier *v,
			   const char *user, int *ret_r)
{
	struct asn_account account;
	struct asn_error err;
	char *sql;

	asn_str_truncate(&trace, 0);
	/* SQLite's trace: the statements are the same on PostgreSQL (one
	   statement layer), where the checks are skipped */
	if (store->backend != ASN_STORE_PGSQL)
		sqlite3_trace_v2(store->db, SQLITE_TRACE_STMT, trace_stmt, NULL);
	*ret_r = asn_verifier_find_user(store, v, user, ASN_LOOKUP_PORTAL, &account, &err);
	if (store->backend != ASN_STORE_PGSQL)
		sqlite3_trace_v2(store->db, 0, NULL, NULL);
	if (*ret_r > 0)
		asn_account_free(&account);
	sql = asn_xstrdup(asn_str_c(&trace));
	return sql;
}

static void test_lookups(struct asn_store *store, const char *path)
{
	static const struct {
		const char *verifier, *user;
		int found;
	} cases[] = {
		{ "kominfo@x.go.id", "a1@x.go.id", 1 },
		{ "kominfo@x.go.id", "198001012005011001", 1 },		/* by NIP */
		{ "kominfo@x.go.id", "A1@X.GO.ID", 1 },			/* case */
		{ "kominfo@x.go.id", "b1@x.go.id", 0 },			/* other OPD */
		{ "kominfo@x.go.id", "198001012005011002", 0 },		/* its NIP */
		{ "kominfo@x.go.id", "nobody@x.go.id", 0 },		/* absent */
		{ "kominfo@x.go.id", "n1@x.go.id", 0 },			/* no OPD */
		{ "two@x.go.id", "a1@x.go.id", 1 },
		{ "two@x.go.id", "b1@x.go.id", 1 },
		{ "two@x.go.id", "c1@x.go.id", 0 },
		{ "admin@x.go.id", "c1@x.go.id", 1 },
		{ "admin@x.go.id", "n1@x.go.id", 1 },
		{ "admin@x.go.id", "nobody@x.go.id", 0 },
	};
	struct asn_error err;
	int rows_before = count_rows(path, "SELECT count(*) FROM person_lookups");

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_verifier v;
		struct asn_account account;
		int ret = -1;

		if (asn_store_verifier_find(store, cases[i].verifier, &v, &err) == 1) {
			ret = asn_verifier_find_user(store, &v, cases[i].user, ASN_LOOKUP_API,
						     &account, &err);
			asn_verifier_free(&v);
		}
		tap_ok(ret == cases[i].found, "lookup %zu: %s %s %s (%d)", i, cases[i].verifier,
		       cases[i].found ? "finds" : "does not find", cases[i].user, ret);
		if (ret > 0) {
			tap_ok(strcasecmp(account.email, cases[i].user) == 0 ||
			       strcmp(account.nip, cases[i].user) == 0,
			       "lookup %zu: the account asked for", i);
			asn_account_free(&account);
		}
	}
	tap_ok(count_rows(path, "SELECT count(*) FROM person_lookups") - rows_before ==
	       (int)ASN_N_ELEMENTS(cases), "every lookup recorded, found or not");
	tap_ok(count_rows(path, "SELECT count(*) FROM person_lookups WHERE via = 'api' AND "
			  "query = 'b1@x.go.id' AND verifier = 'kominfo@x.go.id' AND "
			  "account_id IS NULL AND email = ''") == 1,
	       "an out-of-scope lookup recorded as showing no one");
	tap_ok(count_rows(path, "SELECT count(*) FROM person_lookups WHERE "
			  "query = '198001012005011001' AND email = 'a1@x.go.id' AND "
			  "account_id IS NOT NULL") == 1,
	       "a lookup by NIP records the account shown");
}

static void test_same_queries(struct asn_store *store)
{
	struct asn_verifier v;
	struct asn_error err;
	char *in_scope, *other_opd, *absent;
	int r1, r2, r3;

	if (asn_store_verifier_find(store, "kominfo@x.go.id", &v, &err) != 1) {
		tap_ok(false, "verifier for the query trace (%s)", err.msg);
		return;
	}
	in_scope = traced_lookup(store, &v, "a1@x.go.id", &r1);
	other_opd = traced_lookup(store, &v, "b1@x.go.id", &r2);
	absent = traced_lookup(store, &v, "nobody@x.go.id", &r3);
	tap_ok(r1 == 1 && r2 == 0 && r3 == 0, "traced lookups: found, hidden, absent");
	if (test_store_pgsql()) {
		for (int i = 0; i < 3; i++)
			tap_skip("SQLite only (its statement trace)");
	} else {
		tap_ok(strstr(absent, "person_lookups") != NULL, "the trace saw the lookup's audit");
		tap_is_str(other_opd, absent, "out of scope runs the queries of an absent address");
		tap_is_str(in_scope, absent, "and so does one in scope");
	}
	free(in_scope);
	free(other_opd);
	free(absent);
	asn_verifier_free(&v);
}

static void test_scope_opds(struct asn_store *store)
{
	struct asn_verifier v;
	struct asn_strv opds = { 0 };
	struct asn_error err;
	bool all = false;

	tap_ok(asn_store_verifier_find(store, "two@x.go.id", &v, &err) == 1 &&
	       asn_verifier_scope_opds(store, &v, &opds, &all, &err) == 0 &&
	       !all && opds.count == 2 && strcmp(opds.items[0], "Dinas Kesehatan") == 0 &&
	       strcmp(opds.items[1], "Diskominfo") == 0,
	       "scope of a verifier of two OPDs: theirs, sorted");
	asn_strv_free(&opds);
	asn_verifier_free(&v);
	tap_ok(asn_store_verifier_find(store, "admin@x.go.id", &v, &err) == 1 &&
	       asn_verifier_scope_opds(store, &v, &opds, &all, &err) == 0 &&
	       all && opds.count == 3 && strcmp(opds.items[0], "BKD") == 0,
	       "scope of an admin: every OPD with accounts, and all (%zu)", opds.count);
	asn_strv_free(&opds);
	asn_verifier_free(&v);
}

static void add_verifier(struct asn_store *store, const char *email, bool all,
			 const char *opd1, const char *opd2)
{
	struct asn_verifier v = make_verifier(email, all, opd1, opd2);
	struct asn_error err;

	v.created_at = 1000;
	if (asn_store_verifier_add(store, &v, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	asn_verifier_free(&v);
}

int main(void)
{
	struct asn_settings set;
	struct asn_store *store = NULL;
	struct asn_error err = { .msg = "" };
	struct asn_verifier v;
	char file[256], *similar = NULL;
	const char *path;
	int from = -1;

	test_sees_opd();

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/asn.db", dir);
	asn_settings_init(&set);
	path = test_db_settings(&set, dir, file);
	if (asn_store_init(&set, NULL, &from, &err) < 0 ||
	    asn_store_open(&set, true, &store, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	add_account(store, "a1@x.go.id", "198001012005011001", "Diskominfo");
	add_account(store, "b1@x.go.id", "198001012005011002", "Dinas Kesehatan");
	add_account(store, "c1@x.go.id", "198001012005011003", "BKD");
	add_account(store, "n1@x.go.id", "198001012005011004", "");
	add_verifier(store, "kominfo@x.go.id", false, "Diskominfo", NULL);
	add_verifier(store, "two@x.go.id", false, "Diskominfo", "Dinas Kesehatan");
	add_verifier(store, "admin@x.go.id", true, NULL, NULL);

	v = make_verifier("KOMINFO@x.go.id", false, "BKD", NULL);
	tap_ok(asn_store_verifier_add(store, &v, &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_CONFLICT,
	       "a verifier twice (any case) is a conflict");
	asn_verifier_free(&v);
	tap_ok(asn_store_verifier_find(store, "Two@X.go.id", &v, &err) == 1 &&
	       !v.all_opd && v.opds.count == 2, "find a verifier, case-insensitive");
	tap_ok(asn_store_verifier_opd_add(store, v.id, "Diskominfo", &err) == 0 &&
	       asn_store_verifier_opd_remove(store, v.id, "BKD", &err) == 0,
	       "OPD changes that change nothing say 0");
	asn_verifier_free(&v);
	tap_ok(asn_store_opd_exists(store, "BKD", &similar, &err) == 1 && similar == NULL,
	       "an OPD with accounts exists");
	tap_ok(asn_store_opd_exists(store, " dinas kesehatan", &similar, &err) == 0 &&
	       similar != NULL && strcmp(similar, "Dinas Kesehatan") == 0,
	       "an OPD differing by case and spaces: not it, with the spelling");
	free(similar);
	tap_ok(asn_store_opd_exists(store, "Dinkes", &similar, &err) == 0 && similar == NULL,
	       "an OPD without accounts does not exist");

	test_lookups(store, path);
	test_same_queries(store);
	test_scope_opds(store);

	tap_ok(asn_store_verifier_remove(store, "two@x.go.id", &err) == 1 &&
	       asn_store_verifier_remove(store, "two@x.go.id", &err) == 0,
	       "remove: 1 then 0");
	tap_ok(count_rows(path, "SELECT count(*) FROM verifier_opds") == 1,
	       "removing a verifier removes their OPDs");

	asn_store_close(&store);
	asn_str_free(&trace);
	asn_settings_free(&set);
	unlink(file);
	{
		char wal[300];

		snprintf(wal, sizeof(wal), "%s-wal", file);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", file);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s/bsre", dir);	/* PostgreSQL: the spool's */
		rmdir(wal);
	}
	rmdir(dir);
	return tap_done();
}
