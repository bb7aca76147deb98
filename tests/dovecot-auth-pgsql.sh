#!/bin/sh
# Dovecot reads the accounts from PostgreSQL (issue 13): a real Dovecot with
# the shipped pgsql passdb/userdb (conf.d/dovecot-asn-pgsql*.conf.ext on
# 2.3, conf.d/2.4/auth-asn-pgsql.conf.ext on 2.4), as a login role granted
# only the asn_auth column SELECTs, against a private PostgreSQL, with the
# same behaviour as on SQLite (dovecot-auth.sh): real IMAP logins.
# The schema is asnctl init's; the rows are written with psql, hashed by
# doveadm pw, in the states the checks need.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/dovecot-env.sh"
dovecot_need_pgsql
. "$top_srcdir/tests/pg-env.sh"

pg_env_start; ok $? "private PostgreSQL started" || tap_finish

# The store's schema and roles as asnctl init makes them (asn, asn_bsre;
# asn_auth may read the accounts' login columns and nothing else; the
# group roles exist already, a DBA's part in pg-env.sh).
sed -i "s|^asn_db = .*|asn_db = $ASN_TEST_PG_URI|" "$work/asnctl.conf"
printf 'asn_bsre_spool = %s/spool/events.spool\n' "$work" >>"$work/asnctl.conf"
asnctl init >"$work/schema.log" 2>&1
ok $? "asnctl init on PostgreSQL: the schemas and the roles' grants"
[ $? -eq 0 ] || sed 's/^/# /' "$work/schema.log"
pg_psql -At -c "SELECT string_agg(privilege_type || ' ' || column_name, ', ' ORDER BY column_name)
	FROM information_schema.column_privileges WHERE grantee = 'asn_auth'" >"$work/roles.log" 2>&1
[ "$(cat "$work/roles.log")" = "SELECT disabled, SELECT email, SELECT id, SELECT initial_password_expires_at, SELECT must_change, SELECT name, SELECT password, SELECT password_set_at" ]
ok $? "role asn_auth: SELECT on the auth columns only"
[ $? -eq 0 ] || sed 's/^/# /' "$work/roles.log"
dovecot_auth_user=$(doveconf -h default_internal_user 2>/dev/null || echo dovecot)
pg_env_add_login asn_dovecot "$work/dovecot.pgpass" "$dovecot_auth_user" &&
	pg_psql -c "GRANT asn_auth TO asn_dovecot" >"$work/roles.log" 2>&1
ok $? "login role asn_dovecot in asn_auth, its passfile owned by $dovecot_auth_user"

# Accounts: passwords hashed by Dovecot itself.
hash() { doveadm pw -s ARGON2ID -p "$1"; }
now=$(date +%s)
pw_default='Tb7#kQ2mZx9Lp4'; pw_changed='Kq#9zVw2Lp7Xm'
h_default=$(hash "$pw_default"); h_changed=$(hash "$pw_changed")
pg_psql >"$work/rows.log" 2>&1 <<SQL
INSERT INTO asn.accounts (email, password, must_change, nip, name, disabled, password_set_at,
                          initial_password_expires_at, created_at) VALUES
 ('ahmad.fauzi@jatimprov.go.id', '$h_default', 1, '198001012005011001', 'Ahmad Fauzi', 0,
  $now, $((now + 7 * 86400)), $now),
 ('siti.rahma@jatimprov.go.id', '$h_changed', 0, '198102022006042002', 'Siti Rahma', 0,
  $now, NULL, $now),
 ('budi.santoso@jatimprov.go.id', '$h_changed', 0, '198203032007011003', 'Budi Santoso', 1,
  $now, NULL, $now),
 ('dewi.lestari@jatimprov.go.id', '$h_default', 1, '198304042008012004', 'Dewi Lestari', 0,
  $((now - 8 * 86400)), $((now - 60)), $((now - 8 * 86400)));
SQL
ok $? "four accounts: on a default password, changed, disabled, default expired"
[ $? -eq 0 ] || sed 's/^/# /' "$work/rows.log"

# Least privilege, as Dovecot's role itself.
PGPASSFILE=$work/dovecot.pgpass "$ASN_TEST_PG_BIN/psql" -X -q -w -At \
	"postgresql://asn_dovecot@127.0.0.1:$ASN_TEST_PG_PORT/asn" \
	-c "SELECT count(*) FROM asn.accounts WHERE must_change = 1" >"$work/out" 2>&1
[ "$(cat "$work/out")" = 2 ]; ok $? "asn_dovecot reads the auth columns"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"
PGPASSFILE=$work/dovecot.pgpass "$ASN_TEST_PG_BIN/psql" -X -q -w -At \
	"postgresql://asn_dovecot@127.0.0.1:$ASN_TEST_PG_PORT/asn" \
	-c "SELECT nip FROM asn.accounts" >"$work/out" 2>&1
grep -q "permission denied" "$work/out"; ok $? "asn_dovecot cannot read nip (or any other column)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"
PGPASSFILE=$work/dovecot.pgpass "$ASN_TEST_PG_BIN/psql" -X -q -w -At \
	"postgresql://asn_dovecot@127.0.0.1:$ASN_TEST_PG_PORT/asn" \
	-c "UPDATE asn.accounts SET disabled = 0" >"$work/out" 2>&1
grep -q "permission denied" "$work/out"; ok $? "asn_dovecot cannot write"

# 2.3's auth-asn-pgsql.conf.ext is auth-asn.conf.ext but for its SQL files:
# a change to one without the other shows here.
for f in auth-asn auth-asn-pgsql; do
	sed -e '1,/^# Mail is stored/d' -e 's|/etc/dovecot/dovecot-asn-\(pg\)*sql|SQL|' \
		"$top_srcdir/conf.d/$f.conf.ext" >"$work/$f.body"
done
diff -u "$work/auth-asn.body" "$work/auth-asn-pgsql.body" >"$work/diff"
ok $? "conf.d/auth-asn-pgsql.conf.ext (2.3) = auth-asn.conf.ext but for its SQL files"
[ $? -eq 0 ] || sed 's/^/# /' "$work/diff" | head -20

ASN_DOVECOT_STORE=pgsql
dovecot_start; ok $? "private Dovecot started with the shipped pgsql files" || tap_finish
grep -q "dovecot-asn-pgsql.conf.ext\|^sql_driver = pgsql" "$dovecot_conf_dir/auth-asn.conf.ext"
ok $? "its passdb/userdb are the pgsql ones"

a=ahmad.fauzi@jatimprov.go.id
imap_probe "$a" "$pw_default" list >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP: the default password logs in (before its expiry)"
imap_probe "$a" "Wrong#Pass99x" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP: a wrong password is refused"
imap_probe "nobody.here@jatimprov.go.id" "$pw_default" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP: an unknown user is refused"
imap_probe siti.rahma@jatimprov.go.id "$pw_changed" >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP: a changed password logs in"
imap_probe Siti.Rahma@JatimProv.GO.ID "$pw_changed" >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP: the address in mixed case logs in (citext)"
imap_probe budi.santoso@jatimprov.go.id "$pw_changed" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP: a disabled account is refused, right password"
imap_probe dewi.lestari@jatimprov.go.id "$pw_default" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP: an expired default password is refused"
contains "$work/imap" "kedaluwarsa" "  with the reason from the refusing query"

doveadm_t auth test -x service=smtp "$a" "$pw_default" >"$work/out" 2>&1; r=$?
[ $r -ne 0 ] && grep -q "Ganti dahulu kata sandi bawaan" "$work/out"
ok $? "smtp: sending mail on the default password is refused, with the reason"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out"
doveadm_t auth test -x service=smtp siti.rahma@jatimprov.go.id "$pw_changed" >"$work/out" 2>&1
ok $? "smtp: a changed password may send"

doveadm_t user "$a" >"$work/out" 2>&1
contains "$work/out" "asn_must_change	yes" "userdb: asn_must_change=yes on the default password"
doveadm_t user SITI.RAHMA@jatimprov.go.id >"$work/out" 2>&1
contains "$work/out" "asn_must_change	no" "userdb: asn_must_change=no once changed (mixed case found)"
doveadm_t user -u '*' >"$work/users" 2>&1 || doveadm_t user '*' >"$work/users" 2>&1
[ "$(grep -c '@jatimprov.go.id' "$work/users")" = 4 ]
ok $? "iterate query lists every account (doveadm user '*')"

dovecot_stop
tap_finish
