# TAP helpers for the CLI tests (sourced).
tap_n=0
tap_failed=0

# ok CONDITION-EXIT-STATUS DESCRIPTION: returns the check's own status, so
# that "ok $? ...; [ $? -eq 0 ] || diagnostics" shows them when it fails.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
		return 0
	fi
	echo "not ok $tap_n - $2"
	tap_failed=$((tap_failed + 1))
	return 1
}

# skip REASON: one check not run here.  Counted as a SKIP by automake and
# by ./run-tests, which fails in CI (CI=true) on any skip.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

# skip_all REASON: the whole test cannot run here (a SKIP, as above).
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# run EXPECTED-EXIT DESCRIPTION -- COMMAND...: runs, keeps stdout/stderr in
# $out/$err files, checks the exit code.
run() {
	want=$1; desc=$2; shift 3
	"$@" >"$work/stdout" 2>"$work/stderr"
	got=$?
	[ "$got" -eq "$want" ]
	ok $? "$desc (exit $got, want $want)"
	if [ "$got" -ne "$want" ]; then
		sed 's/^/# stdout: /' "$work/stdout" | head -20
		sed 's/^/# stderr: /' "$work/stderr" | head -20
	fi
}

contains() {	# contains FILE TEXT DESCRIPTION
	grep -qF -- "$2" "$1"
	r=$?
	ok $r "$3"
	[ $r -eq 0 ] || { echo "# '$2' not in:"; sed 's/^/#   /' "$1" | head -20; }
}

lacks() {	# lacks FILE TEXT DESCRIPTION (a missing FILE fails: grep's 2 is no 1)
	grep -qF -- "$2" "$1"
	r=$?
	[ $r -eq 1 ]
	ok $? "$3"
	[ $r -eq 1 ] || { [ $r -eq 0 ] && echo "# '$2' found in $1" || echo "# cannot read $1"; }
}

golden() {	# golden FILE NAME DESCRIPTION: compare with tests/golden/NAME
	if [ -n "${ASN_UPDATE_GOLDEN:-}" ]; then
		cp "$1" "$top_srcdir/tests/golden/$2"
	fi
	diff -u "$top_srcdir/tests/golden/$2" "$1" >"$work/diff" 2>&1
	r=$?
	ok $r "$3 (golden $2)"
	[ $r -eq 0 ] || sed 's/^/# /' "$work/diff" | head -40
}

# asn_real_binary PROGRAM: the program itself, not libtool's wrapper script
# (which only runs from its build tree).
asn_real_binary() {
	if [ "$(head -c 2 "$1")" = "#!" ] && [ -x "$(dirname "$1")/.libs/$(basename "$1")" ]; then
		echo "$(dirname "$1")/.libs/$(basename "$1")"
	else
		echo "$1"
	fi
}

# The store under test: ASN_TEST_STORE=sqlite (the default) or pgsql (a
# private PostgreSQL started by tap_setup; its database holds the accounts,
# schema asn, and the events, schema asn_bsre).  One parameter for every
# test that touches the store: the same checks and golden files on both.
ASN_TEST_STORE=${ASN_TEST_STORE:-sqlite}
case $ASN_TEST_STORE in
sqlite|pgsql) ;;
*) echo "Bail out! ASN_TEST_STORE=$ASN_TEST_STORE: sqlite or pgsql"; exit 99 ;;
esac
export ASN_TEST_STORE

store_is_pgsql() { [ "$ASN_TEST_STORE" = pgsql ]; }

# sqlite_only REASON COUNT: on PostgreSQL, COUNT checks about SQLite itself
# (its file, PRAGMA, lock) are reported as skipped; returns 1 there so
# that "sqlite_only ... 2 && { checks; }" runs them on SQLite only.
sqlite_only() {
	store_is_pgsql || return 0
	i=0
	while [ "$i" -lt "$2" ]; do skip "SQLite only: $1"; i=$((i + 1)); done
	return 1
}

# db_query SQL: the accounts database's answer as sqlite3 prints it (one
# row a line, columns joined by '|', NULL empty), on either store.  On
# PostgreSQL a boolean alone on its row prints as 1/0 (a comparison's
# result in SQLite; in a row of several columns, cast it) and
# the test database has group_concat as SQLite's (tap_setup).
# bsre_query SQL: the same on the events database.
db_query() {
	if store_is_pgsql; then
		pg_query "$1"
	else
		sqlite3 "$work/db/asn.db" "$1"
	fi
}
bsre_query() {
	if store_is_pgsql; then
		pg_query "$1"
	else
		sqlite3 "$work/db/bsre/bsre.db" "$1"
	fi
}
# db_schema_version: the accounts schema's version (SQLite's user_version).
db_schema_version() {
	if store_is_pgsql; then db_query 'SELECT version FROM asn.schema_version'
	else db_query 'PRAGMA user_version'; fi
}

# db_set_schema_version N: as a newer (or older) dovecot-asn would leave it.
db_set_schema_version() {
	if store_is_pgsql; then db_query "UPDATE asn.schema_version SET version = $1"
	else db_query "PRAGMA user_version = $1"; fi
}

# SQL that takes an SQLite accounts database back before schema step 6
# (the BSrE progress kept per account): for the tests of older schemas'
# upgrades, which take a current database back step by step.
ASN_SQLITE_UNDO_STEP6="DROP TABLE bsre_orphans; DROP TABLE bsre_fold_state; DROP INDEX accounts_unfolded;
ALTER TABLE accounts DROP COLUMN bsre_stage; ALTER TABLE accounts DROP COLUMN bsre_flags;
ALTER TABLE accounts DROP COLUMN bsre_activation_at; ALTER TABLE accounts DROP COLUMN bsre_passphrase_at;
ALTER TABLE accounts DROP COLUMN bsre_cert_until; ALTER TABLE accounts DROP COLUMN bsre_last_event_at;"

ASN_PG_UNDO_STEP6="DROP TABLE asn.bsre_orphans; DROP TABLE asn.bsre_fold_state; DROP INDEX asn.accounts_unfolded;
DROP INDEX asn.accounts_progress;
ALTER TABLE asn.accounts DROP COLUMN bsre_stage, DROP COLUMN bsre_flags,
  DROP COLUMN bsre_activation_at, DROP COLUMN bsre_passphrase_at,
  DROP COLUMN bsre_cert_until, DROP COLUMN bsre_last_event_at;"

# db_tables NAME: 1 when the store has the table NAME, else 0.
db_tables() {
	if store_is_pgsql; then
		db_query "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('asn', 'asn_bsre') AND table_name = '$1'"
	else
		db_query "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '$1'"
	fi
}

# db_grep TEXT: 0 when TEXT is anywhere in the store's files (SQLite's
# databases and their WAL, PostgreSQL's data directory), as bytes.
db_grep() {
	if store_is_pgsql; then
		grep -rqaF -- "$1" "$pg_env_dir/data"
	else
		grep -qaF -- "$1" "$work/db/asn.db" "$work/db/asn.db-wal" \
			"$work/db/bsre/bsre.db" "$work/db/bsre/bsre.db-wal" 2>/dev/null
	fi
}

pg_query() {
	# the owner's connection, as asnctl's; booleans as SQLite's integers
	"$ASN_TEST_PG_BIN/psql" -X -q -w -At -F'|' -v ON_ERROR_STOP=1 \
		-P 'null=' -c 'SET search_path = asn, asn_bsre, public' -c "$1" "$ASN_TEST_PG_URI" |
		sed 's/^t$/1/; s/^f$/0/'
}

# The store's database for asn_db (tap_setup --store): SQLite's file, or the private
# PostgreSQL (started here, stopped on exit) with the roles that asnctl
# init grants to (a DBA creates them: the owner has no CREATEROLE; newer
# pg-env.sh makes them itself) and
# SQLite's group_concat for the tests' queries.
tap_store_setup() {
	tap_db="$work/db/asn.db"; tap_spool=""
	store_is_pgsql || return 0
	. "$top_srcdir/tests/pg-env.sh"
	pg_env_start || { echo "Bail out! the private PostgreSQL did not start"; exit 99; }
	pg_psql >"$work/pg-setup.log" 2>&1 <<'SQL' || { echo "Bail out! PostgreSQL setup failed"; sed 's/^/# /' "$work/pg-setup.log"; exit 99; }
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'asn_auth') THEN
    CREATE ROLE asn_auth NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'asn_deliver') THEN
    CREATE ROLE asn_deliver NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'asn_portal') THEN
    CREATE ROLE asn_portal NOLOGIN; END IF;
END $$;
CREATE FUNCTION public.asn_test_concat(acc text, val text, sep text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN acc
    WHEN acc IS NULL THEN val ELSE acc || sep || val END $$;
CREATE FUNCTION public.asn_test_concat(acc text, val text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT public.asn_test_concat(acc, val, ',') $$;
CREATE AGGREGATE public.group_concat(text, text) (SFUNC = public.asn_test_concat, STYPE = text);
CREATE AGGREGATE public.group_concat(text) (SFUNC = public.asn_test_concat, STYPE = text);
SQL
	tap_db=$ASN_TEST_PG_URI
	# the events' spool's parent, as a package creates /var/lib/dovecot-asn
	mkdir -p "$work/db"
	# where SQLite's would be (cli-bsre.sh reads it)
	tap_spool="asn_bsre_spool = $work/db/bsre/bsre.db.spool"
}

# tap_setup [--store]: the test's directory and asnctl.conf.  --store: the
# test runs on either store (ASN_TEST_STORE); without it, on SQLite always
# (e.g. a Dovecot configured for the SQLite file).
tap_setup() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/asn-cli-XXXXXX")
	trap 'rm -rf "$work"' EXIT
	if [ "${1:-}" = --store ]; then
		tap_store_setup
	else
		ASN_TEST_STORE=sqlite; tap_db="$work/db/asn.db"; tap_spool=""
	fi
	# Cheap Argon2 for speed, except where a test says otherwise; a fixed
	# clock for golden output.
	cat >"$work/asnctl.conf" <<CONF
asn_db = $tap_db
$tap_spool
asn_domain = jatimprov.go.id
asn_argon2_memlimit = 1M
asn_argon2_opslimit = 1
CONF
	ASN_NOW=1795338000	# 2026-11-22 09:00 UTC
	export ASN_NOW
	asnctl() { "$ASNCTL" -c "$work/asnctl.conf" "$@"; }
}

tap_finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
