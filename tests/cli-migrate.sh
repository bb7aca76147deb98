#!/bin/sh
# asnctl migrate: a SQLite site like the demo's (imports, a verifier with
# cases and lookups, a reset and a disable, BSrE events from the corpus,
# a notice and an API token) moved into the test PostgreSQL; the same
# commands give byte-identical output before and after; the counts; the
# refusals (a target with rows, a PostgreSQL source, an old schema, a
# password in --to), each changing nothing; a row PostgreSQL refuses
# half-way leaves the target empty; the SQLite files never change.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/pg-env.sh"
data="$top_srcdir/tests/data"
db="$work/db/asn.db"
bsre_db="$work/db/bsre/bsre.db"
q() { sqlite3 "$db" "$1"; }
siti=siti.rahma@jatimprov.go.id		# verifier of Diskominfo
admin=admin.kominfo@jatimprov.go.id	# verifier of all OPDs
ahmad=ahmad.fauzi@jatimprov.go.id
rina=rina.kusuma@jatimprov.go.id
printf "asn_bsre_authserv_id = mx.jatimprov.go.id\nasn_bsre_trust = authres\nasn_bsre_spool = %s\n" \
	"$work/spool/events.spool" >>"$work/asnctl.conf"

# --- the SQLite site
mkdir -p "$work/spool"
asnctl init >/dev/null
asnctl import --opd Diskominfo --sheet "$work/sheet.csv" "$data/diskominfo.csv" >/dev/null
asnctl import --sheet "$work/sheet2.csv" "$data/dinkes.csv" >/dev/null
asnctl add --opd BKD --name "Budi Santoso" --nip 198001012005011001 --sheet "$work/sheet3.csv" >/dev/null
asnctl verifier add "$siti" --opd Diskominfo >/dev/null
asnctl verifier add "$admin" --all --phone 081234567890 >/dev/null
ASN_NOW=1795420800 asnctl case add "$ahmad" --kind nik_not_found --action data_sent_to_bsre \
	--note "NIK dikirim ke BSrE, tiket 4411" --as "$siti" >/dev/null
ASN_NOW=1795420900 asnctl case add "$rina" --kind link_expired --as "$admin" >/dev/null
ASN_NOW=1795421000 asnctl case close 2 --as "$admin" >/dev/null
asnctl verifier lookup "$siti" "$ahmad" >/dev/null
asnctl reset "$rina" --sheet "$work/sheet4.csv" >/dev/null
asnctl disable 198001012005011001 --reason "pindah tugas" >/dev/null
asnctl scan "$top_srcdir/tests/mail" >"$work/scan.out"
# what asnctl notify (Dovecot's doveadm) and the portal (a token) write
q "INSERT INTO notices_sent (recipient, condition, occurrence, sent_at)
   VALUES ('$ahmad', 'default_password', '1795338000', 1795338100);
   INSERT INTO api_tokens (verifier_id, name, hash, created_at)
   VALUES ((SELECT id FROM verifiers WHERE email = '$admin'), 'dasbor provinsi',
           '$(printf 'token' | sha256sum | cut -c1-64)', 1795338200);"
[ "$(q "select count(*) from password_history") $(q "select count(*) from verifier_cases") $(q "select count(*) from notices_sent") $(q "select count(*) from api_tokens")" = "1 2 1 1" ] &&
	[ "$(sqlite3 "$bsre_db" "select count(*) from bsre_events")" -gt 10 ]
ok $? "the SQLite site has history, cases, a notice, a token and $(sqlite3 "$bsre_db" "select count(*) from bsre_events") events"

# What the site shows, before and after (same settings file, same clock).
show_site() {	# DIR
	mkdir -p "$1"
	asnctl progress >"$1/progress" 2>&1; echo "exit $?" >>"$1/progress"
	asnctl progress --json >"$1/progress.json" 2>&1; echo "exit $?" >>"$1/progress.json"
	asnctl progress --csv --opd Diskominfo >"$1/progress.csv" 2>&1; echo "exit $?" >>"$1/progress.csv"
	asnctl list >"$1/list" 2>&1; echo "exit $?" >>"$1/list"
	asnctl list --csv >"$1/list.csv" 2>&1; echo "exit $?" >>"$1/list.csv"
	asnctl verifier list >"$1/verifiers" 2>&1; echo "exit $?" >>"$1/verifiers"
	asnctl case list "$ahmad" --as "$siti" >"$1/cases" 2>&1; echo "exit $?" >>"$1/cases"
	asnctl case list "$rina" --as "$admin" >"$1/cases2" 2>&1; echo "exit $?" >>"$1/cases2"
	asnctl show "$rina" >"$1/show" 2>&1; echo "exit $?" >>"$1/show"
	asnctl show --json 198001012005011001 >"$1/show.json" 2>&1; echo "exit $?" >>"$1/show.json"
	asnctl status "$siti" >"$1/status" 2>&1; echo "exit $?" >>"$1/status"
}
# looking a case list up records a lookup: count the rows only after
show_site "$work/before"
[ "$(cat "$work/before"/* | grep -c '^exit 0$')" = 11 ]
ok $? "every command ran on SQLite"
[ $? -eq 0 ] || grep -H '^exit' "$work/before"/* | sed 's/^/# /'

sums() { sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; sqlite3 "$bsre_db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; sha256sum "$db" "$bsre_db"; ls "$work/db" "$work/db/bsre"; }
sums >"$work/sums.before"
cp "$work/asnctl.conf" "$work/sqlite.conf"
migrate() { "$ASNCTL" -c "$work/sqlite.conf" migrate "$@"; }

# --- refusals that need no server
run 64 "--to is required" -- migrate
run 64 "--to must be PostgreSQL" -- migrate --to "$work/other.db"
contains "$work/stderr" "is not a PostgreSQL connection" "and says so"
run 64 "no password in --to" -- migrate --to "postgresql://asn_owner:rahasia@127.0.0.1:1/asn"
contains "$work/stderr" "--to: the target connection holds a password: put it in a passfile" "names the passfile instead"
lacks "$work/stderr" "rahasia" "and does not repeat the password"
cp -a "$work/db" "$work/old"
sqlite3 "$work/old/asn.db" "PRAGMA user_version = 4"
sed "s|^asn_db = .*|asn_db = $work/old/asn.db|" "$work/sqlite.conf" >"$work/old.conf"
run 69 "an older SQLite schema is refused" -- "$ASNCTL" -c "$work/old.conf" migrate --to "postgresql://asn_owner@127.0.0.1:1/asn"
contains "$work/stderr" "run 'asnctl init' to upgrade" "init first, it says"

pg_env_start; ok $? "PostgreSQL started on 127.0.0.1:${ASN_TEST_PG_PORT:-?}"
psql_t() { "$ASN_TEST_PG_BIN/psql" -X -q -w -At "$ASN_TEST_PG_URI" -c "$1" 2>&1; }
pg_counts() {
	psql_t "SELECT (SELECT count(*) FROM asn.imports) || ' ' || (SELECT count(*) FROM asn.accounts) || ' ' ||
		(SELECT count(*) FROM asn.password_history) || ' ' || (SELECT count(*) FROM asn.audit) || ' ' ||
		(SELECT count(*) FROM asn.verifiers) || ' ' || (SELECT count(*) FROM asn.verifier_opds) || ' ' ||
		(SELECT count(*) FROM asn.person_lookups) || ' ' || (SELECT count(*) FROM asn.verifier_cases) || ' ' ||
		(SELECT count(*) FROM asn.api_tokens) || ' ' || (SELECT count(*) FROM asn.notices_sent) || ' ' ||
		(SELECT count(*) FROM asn_bsre.bsre_events)"
}
lite_counts() {
	echo "$(q "select count(*) from imports") $(q "select count(*) from accounts")" \
		"$(q "select count(*) from password_history") $(q "select count(*) from audit")" \
		"$(q "select count(*) from verifiers") $(q "select count(*) from verifier_opds")" \
		"$(q "select count(*) from person_lookups") $(q "select count(*) from verifier_cases")" \
		"$(q "select count(*) from api_tokens") $(q "select count(*) from notices_sent")" \
		"$(sqlite3 "$bsre_db" "select count(*) from bsre_events")"
}

# --- a row PostgreSQL refuses, in the last table: nothing stays
cp -a "$work/db" "$work/bad"
sqlite3 "$work/bad/bsre/bsre.db" "UPDATE bsre_events SET received_at = 'kemarin' WHERE id = (SELECT max(id) FROM bsre_events)"
sed "s|^asn_db = .*|asn_db = $work/bad/asn.db|" "$work/sqlite.conf" >"$work/bad.conf"
run 65 "a value PostgreSQL refuses ends the migration (exit 65)" -- \
	"$ASNCTL" -c "$work/bad.conf" migrate --to "$ASN_TEST_PG_URI" --progress-every 5
contains "$work/stderr" "copying bsre_events: ERROR:  invalid input syntax for type bigint: \"kemarin\"" "names the table and the value"
contains "$work/stderr" "column received_at" "and the column"
contains "$work/stderr" "migrate: accounts: 5 of" "progress was reported on the way"
contains "$work/stderr" "created the schemas asn and asn_bsre" "the schema was created first"
[ "$(pg_counts)" = "0 0 0 0 0 0 0 0 0 0 0" ]; ok $? "the target holds no row after the failure"
[ $? -eq 0 ] || echo "# $(pg_counts)"
[ "$(psql_t "SELECT version FROM asn.schema_version")" = 6 ]; ok $? "but keeps the schema asnctl init made"

# --- a PostgreSQL source is refused
sed "s|^asn_db = .*|asn_db = $ASN_TEST_PG_URI|" "$work/sqlite.conf" >"$work/pg.conf"
run 78 "a site on PostgreSQL already (exit 78)" -- "$ASNCTL" -c "$work/pg.conf" migrate --to "$ASN_TEST_PG_URI"
contains "$work/stderr" "migrate moves a SQLite site" "says why"

# --- the migration
run 0 "migrate" -- migrate --to "$ASN_TEST_PG_URI" --progress-every 10
cp "$work/stdout" "$work/migrate.out"; cp "$work/stderr" "$work/migrate.err"
contains "$work/migrate.out" "migrated: the counts match and the transaction is committed" "migrate says it committed"
contains "$work/migrate.err" "migrate: bsre_events: 10 of" "progress on stderr every N rows"
lacks "$work/migrate.err" "created the schemas" "the schema was there already"
awk '$1 != "table" && $1 != "migrated:" && $2 != $3 { bad = 1 } END { exit bad }' "$work/migrate.out"
ok $? "each table's count is the same on both sides"
[ "$(awk '$1 != "table" && $1 != "migrated:" && $1 != "total" { print $1 }' "$work/migrate.out" | tr '\n' ' ')" = \
	"imports accounts password_history audit verifiers verifier_opds person_lookups verifier_cases api_tokens notices_sent bsre_events " ]
ok $? "the eleven tables are listed"
lite=$(lite_counts)
[ "$(pg_counts)" = "$lite" ]; ok $? "PostgreSQL's counts are SQLite's ($lite)"
[ $? -eq 0 ] || echo "# $(pg_counts)"
[ "$(awk -v l="$lite" '$1 == "accounts" { print $2 }' "$work/migrate.out")" = "$(q "select count(*) from accounts")" ]
ok $? "the printed accounts count is SQLite's"
ids() { q "select group_concat(id) from (select id from $1 order by id)"; }
[ "$(psql_t "SELECT string_agg(id::text, ',' ORDER BY id) FROM asn.accounts")" = "$(ids accounts)" ] &&
	[ "$(psql_t "SELECT string_agg(id::text, ',' ORDER BY id) FROM asn_bsre.bsre_events")" = \
		"$(sqlite3 "$bsre_db" "select group_concat(id) from (select id from bsre_events order by id)")" ]
ok $? "ids are kept (accounts, events)"
hist=$(q "select a.email || '|' || h.password from password_history h join accounts a on a.id = h.account_id")
[ -n "$hist" ] && [ "$(psql_t "SELECT a.email || '|' || h.password FROM asn.password_history h JOIN asn.accounts a ON a.id = h.account_id")" = "$hist" ]
ok $? "the password history row is on PostgreSQL, with its account"
[ "$(psql_t "SELECT count(*) FROM asn.audit WHERE action = 'reset' AND email = '$rina'")" = 1 ] &&
	[ "$(psql_t "SELECT detail FROM asn.audit WHERE action = 'disable'")" = "$(q "select detail from audit where action = 'disable'")" ]
ok $? "the audit rows are on PostgreSQL"

# --- the same commands on PostgreSQL: byte for byte
sed -i "s|^asn_db = .*|asn_db = $ASN_TEST_PG_URI|" "$work/asnctl.conf"
lookups_before=$(psql_t "SELECT count(*) FROM asn.person_lookups")
show_site "$work/after"
for f in progress progress.json progress.csv list list.csv verifiers cases cases2 show show.json status; do
	cmp -s "$work/before/$f" "$work/after/$f"
	ok $? "$f: the same output on PostgreSQL"
	[ $? -eq 0 ] || diff -u "$work/before/$f" "$work/after/$f" | head -20 | sed 's/^/# /'
done
[ "$(psql_t "SELECT count(*) FROM asn.person_lookups")" -gt "$lookups_before" ]
ok $? "the commands ran on PostgreSQL (their lookups recorded there)"

# --- the sequences went past the copied ids
run 0 "an account added on PostgreSQL" -- asnctl add --opd BKD --name "Dewi Lestari" --nip 199202022019022002 --sheet "$work/sheet5.csv"
[ "$(psql_t "SELECT id FROM asn.accounts WHERE nip = '199202022019022002'")" = "$(( $(q "select max(id) from accounts") + 1 ))" ]
ok $? "takes the id after the copied ones"
run 0 "a case added on PostgreSQL" -- asnctl case add "$ahmad" --kind other --note "dipindahkan" --as "$siti"
contains "$work/stdout" "case #3 opened" "gets the next case number"

# --- a second migration is refused, changing nothing
counts=$(pg_counts)
run 73 "a second migrate is refused (exit 73)" -- migrate --to "$ASN_TEST_PG_URI"
contains "$work/stderr" "already holds data (asn.imports: 4 rows): migrate moves a site only into a new or empty database; nothing was changed" "says the target holds data"
[ "$(pg_counts)" = "$counts" ]; ok $? "and changed nothing"

# --- the SQLite files were never written
sums >"$work/sums.after"
cmp -s "$work/sums.before" "$work/sums.after"; ok $? "the SQLite files are unchanged (sha256, no new file)"
[ $? -eq 0 ] || diff "$work/sums.before" "$work/sums.after" | sed 's/^/# /'

pg_env_stop
tap_finish
