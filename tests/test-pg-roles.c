/* asn-passwdd's least-privilege role on PostgreSQL (asn_passwd): a login
   role granted only it changes a password as asn-passwdd does (the same
   store calls) and reads nothing else: not the events, not the audit.
   Needs ASN_TEST_STORE=pgsql. */
#include "tap.h"
#include "asn-change.h"
#include "asn-password.h"
#include "asn-store.h"
#include "sqlite-util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/asn-test-pg-roles-XXXXXX";

#define EMAIL "siti.rahma@jatimprov.go.id"
#define CURRENT "Lm4#pQz8vRt2Wx"
#define NEW_PASSWORD "Vq7#mPz2xLr9Tw"

static void add_account(const struct asn_settings *set)
{
	struct asn_store *store = NULL;
	struct asn_account a;
	struct asn_error err = { .msg = "" };
	char hash[ASN_PASSWORD_HASH_MAX];

	memset(&a, 0, sizeof(a));
	a.email = (char *)EMAIL;
	a.nip = (char *)"199001012015032001";
	a.name = (char *)"Siti Rahma";
	a.opd = (char *)"Dinas Kominfo";
	a.password = hash;
	a.password_set_at = a.created_at = 1000;
	tap_ok(asn_password_hash(set, CURRENT, hash, &err) == 0 &&
	       asn_store_open(set, true, &store, &err) == 0 &&
	       asn_store_account_insert(store, &a, &err) == 0,
	       "the owner adds an account (%s)", err.msg);
	asn_store_close(&store);
}

int main(void)
{
	struct asn_settings set, role;
	struct asn_store *store = NULL;
	struct asn_policy policy;
	struct asn_change_outcome outcome;
	struct asn_error err = { .msg = "" };
	const char *uri, *port = getenv("PGPORT");
	char file[512], passfile[600], role_uri[900], super_uri[200], sql[200];
	enum asn_change_result result;
	FILE *f;
	int from;

	if (!test_store_pgsql() || port == NULL) {
		tap_skip("PostgreSQL only (make check ASN_TEST_STORE=pgsql)");
		return tap_done();
	}
	if (mkdtemp(dir) == NULL || asn_password_lib_init(&err) < 0)
		return 1;
	snprintf(file, sizeof(file), "%s/asn.db", dir);
	asn_settings_init(&set);
	uri = test_db_settings(&set, dir, file);
	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0, "init grants asn_passwd (%s)", err.msg);
	add_account(&set);

	/* a login role of the site, granted asn_passwd only */
	snprintf(super_uri, sizeof(super_uri), "postgresql://postgres@127.0.0.1:%s/asn", port);
	snprintf(sql, sizeof(sql), "CREATE ROLE asn_passwdd_test LOGIN PASSWORD 'Tq9zK2vLm8Xw'; "
		 "GRANT asn_passwd TO asn_passwdd_test");
	exec(super_uri, sql);
	snprintf(passfile, sizeof(passfile), "%s/passwdd.pgpass", dir);
	f = fopen(passfile, "w");
	fprintf(f, "127.0.0.1:%s:asn:asn_passwdd_test:Tq9zK2vLm8Xw\n", port);
	fclose(f);
	chmod(passfile, 0600);
	snprintf(role_uri, sizeof(role_uri),
		 "postgresql://asn_passwdd_test@127.0.0.1:%s/asn?passfile=%s", port, passfile);
	asn_settings_init(&role);
	asn_settings_set(&role, "asn_db", role_uri, &err);

	tap_ok(asn_store_open(&role, true, &store, &err) == 0,
	       "asn_passwd opens the store as asn-passwdd does (%s)", err.msg);
	if (store != NULL && asn_policy_init(&policy, &role, &err) == 0) {
		struct asn_change_request req = {
			.user = EMAIL, .current = CURRENT, .new_password = NEW_PASSWORD,
			.actor = "asn-passwdd", .via = "asn-passwdd (client 127.0.0.1)",
		};

		result = asn_password_change(store, &role, &policy, &req, &outcome, &err);
		tap_ok(result == ASN_CHANGE_OK, "asn_passwd changes a password (%d: %s)", result,
		       result == ASN_CHANGE_ERROR ? err.msg : "");
		asn_policy_deinit(&policy);
	} else {
		tap_ok(false, "asn_passwd changes a password (%s)", err.msg);
	}
	asn_store_close(&store);
	tap_ok(count_rows(uri, "SELECT count(*) FROM asn.audit WHERE action = 'passwd'") == 1 &&
	       count_rows(uri, "SELECT count(*) FROM asn.password_history") == 1,
	       "its audit row and the old hash in the history");

	tap_ok(count_rows(role_uri, "SELECT count(*) FROM asn_bsre.bsre_events") == -1,
	       "asn_passwd cannot read the events");
	tap_ok(count_rows(role_uri, "SELECT count(*) FROM asn.audit") == -1,
	       "nor the audit");
	tap_ok(count_rows(role_uri, "SELECT count(*) FROM asn.verifier_cases") == -1,
	       "nor the verifiers' cases");
	tap_ok(count_rows(role_uri, "UPDATE asn.accounts SET disabled = false RETURNING 1") == -1,
	       "nor enable or disable an account");

	exec(super_uri, "DROP OWNED BY asn_passwdd_test; DROP ROLE asn_passwdd_test");
	asn_settings_free(&role);
	asn_settings_free(&set);
	snprintf(sql, sizeof(sql), "rm -rf %s", dir);
	if (system(sql) != 0)
		tap_ok(false, "removing %s", dir);
	return tap_done();
}
