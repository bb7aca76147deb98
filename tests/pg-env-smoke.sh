#!/bin/sh
# tests/pg-env.sh itself: the private PostgreSQL the store and Dovecot
# tests run against starts, takes passwords from the passfile only, lets
# the database's owner create what the store needs, and is gone after.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/pg-env.sh"

pg_env_start; ok $? "PostgreSQL started (initdb, pg_ctl -w) on 127.0.0.1:${ASN_TEST_PG_PORT:-?}"
psql_t() { "$ASN_TEST_PG_BIN/psql" -X -q -w -At "$@"; }

psql_t -U postgres -d asn -c "SELECT 1" >"$work/out" 2>&1
[ "$(cat "$work/out")" = 1 ]; ok $? "the server answers over TCP (superuser, password from PGPASSFILE)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"

[ "$(stat -c %a "$PGPASSFILE")" = 600 ]; ok $? "the passfile is mode 0600 (libpq ignores a wider one)"
case "$ASN_TEST_PG_URI" in
postgresql://asn_owner@127.0.0.1:"$ASN_TEST_PG_PORT"/asn) r=0 ;;
*) r=1 ;;
esac
ok $r "ASN_TEST_PG_URI names the owner, no password ($ASN_TEST_PG_URI)"

# -w: never prompt; the password comes from the passfile or nowhere
psql_t "$ASN_TEST_PG_URI" -c "SELECT current_user, current_database()" >"$work/out" 2>&1
[ "$(cat "$work/out")" = "asn_owner|asn" ]; ok $? "the owner logs in with the URI alone (passfile, no prompt)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"

psql_t "$ASN_TEST_PG_URI" -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" >"$work/out" 2>&1
[ "$(cat "$work/out")" = f ]; ok $? "the owner is not a superuser"

psql_t "$ASN_TEST_PG_URI" -c "CREATE EXTENSION IF NOT EXISTS citext" \
	-c "SELECT 'Ahmad@X'::citext = 'ahmad@x'::citext" >"$work/out" 2>&1
[ "$(tail -1 "$work/out")" = t ]; ok $? "the owner creates citext (a trusted extension) and it compares case-insensitively"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"

# (lc_collate is no setting since PostgreSQL 16: the database's row)
psql_t "$ASN_TEST_PG_URI" -c "SHOW server_encoding" \
	-c "SELECT datcollate FROM pg_database WHERE datname = current_database()" >"$work/out" 2>&1
[ "$(tr '\n' ' ' <"$work/out")" = "UTF8 C.UTF-8 " ]; ok $? "UTF8, C.UTF-8"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"

# Without the passfile: no password, refused (scram-sha-256 on TCP).
PGPASSFILE=/dev/null psql_t "$ASN_TEST_PG_URI" -c "SELECT 1" >"$work/out" 2>&1
[ $? -ne 0 ] && grep -q "password" "$work/out"; ok $? "without the passfile the owner is refused (no password supplied)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"
printf '127.0.0.1:%s:*:asn_owner:not-the-password\n' "$ASN_TEST_PG_PORT" >"$work/wrongpass"
chmod 600 "$work/wrongpass"
PGPASSFILE=$work/wrongpass psql_t "$ASN_TEST_PG_URI" -c "SELECT 1" >"$work/out" 2>&1
[ $? -ne 0 ] && grep -q "password authentication failed" "$work/out"
ok $? "a wrong password in a passfile is refused"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"
psql_t "postgresql://nobody_here@127.0.0.1:$ASN_TEST_PG_PORT/asn" -c "SELECT 1" >"$work/out" 2>&1
[ $? -ne 0 ]; ok $? "a role the server does not know is refused"

# A login role for Dovecot with its own passfile (what the Dovecot tests use)
pg_env_add_login asn_probe "$work/probe.pgpass" "$(id -un)"
PGPASSFILE=$work/probe.pgpass psql_t "postgresql://asn_probe@127.0.0.1:$ASN_TEST_PG_PORT/asn" \
	-c "SELECT current_user" >"$work/out" 2>&1
[ "$(cat "$work/out")" = asn_probe ]; ok $? "pg_env_add_login: a login role with its own passfile"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"

dir=$pg_env_dir
pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null)
pg_env_stop
psql_t "$ASN_TEST_PG_URI" -c "SELECT 1" >"$work/out" 2>&1
[ $? -ne 0 ]; ok $? "after pg_env_stop nothing answers on the port"
# pg_ctl -w returns once postmaster.pid is gone, a moment before the
# process itself (and its reaping by init)
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" | cut -c1)" = Z ]; }
for i in $(seq 1 50); do gone "$pid" && break; sleep 0.1; done
[ -n "$pid" ] && gone "$pid"; ok $? "the postmaster ($pid) is gone"
[ ! -e "$dir" ]; ok $? "its directory is removed"

tap_finish
