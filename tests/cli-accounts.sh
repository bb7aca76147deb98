#!/bin/sh
# asnctl show / list / disable / enable: output checked against golden files.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
data="$top_srcdir/tests/data"
db=$tap_db

asnctl init >/dev/null
asnctl import --opd "Diskominfo" --sheet "$work/sheet.csv" "$data/diskominfo.csv" >/dev/null
asnctl import --sheet "$work/sheet2.csv" "$data/dinkes.csv" >/dev/null

run 0 "list" -- asnctl list
golden "$work/stdout" list.out "list shows every account"
run 0 "list --opd" -- asnctl list --opd "Dinas Kesehatan"
golden "$work/stdout" list-opd.out "list filtered by OPD"
run 0 "list --csv" -- asnctl list --csv
golden "$work/stdout" list.csv "list as CSV"
run 0 "list --json" -- asnctl list --json
golden "$work/stdout" list.json "list as JSON"
run 64 "list --json --csv refused" -- asnctl list --json --csv

run 0 "show by email" -- asnctl show siti.rahma2@jatimprov.go.id
golden "$work/stdout" show.out "show prints every field but the hash"
lacks "$work/stdout" '$argon2id$' "show never prints the hash"
run 0 "show by NIP as JSON" -- asnctl show 199102022016022002 --json
golden "$work/stdout" show.json "show --json"
contains "$work/stdout" '"must_change":true' "JSON booleans are booleans"
lacks "$work/stdout" 'argon2id$' "show --json never prints the hash"
run 67 "show unknown user" -- asnctl show nobody@jatimprov.go.id
contains "$work/stderr" "no account 'nobody@jatimprov.go.id'" "unknown user named"

run 0 "disable" -- asnctl disable siti.rahma@jatimprov.go.id --reason "pindah tugas"
[ "$(db_query "select disabled from accounts where email = 'siti.rahma@jatimprov.go.id'")" = 1 ]; ok $? "disabled in the database"
[ "$(db_query "select actor != '' and detail = 'pindah tugas' from audit where action = 'disable'")" = 1 ]; ok $? "disable audited with actor and reason"
run 0 "disable again says so" -- asnctl disable siti.rahma@jatimprov.go.id
contains "$work/stdout" "already disabled" "already disabled"
asnctl list | grep siti.rahma@ | grep -q disabled; ok $? "list shows the disabled state"
run 0 "enable" -- asnctl enable 199001012015032001
[ "$(db_query "select disabled from accounts where email = 'siti.rahma@jatimprov.go.id'")" = 0 ]; ok $? "enabled again"

# The initial password expires: list and show say so.
ASN_NOW=$((ASN_NOW + 15 * 86400)) asnctl list >"$work/later"
[ "$(grep -c ' expired ' "$work/later")" = 8 ]; ok $? "after 15 days all default passwords show as expired"
ASN_NOW=$((ASN_NOW + 15 * 86400)) asnctl show siti.rahma2@jatimprov.go.id >"$work/later"
contains "$work/later" "(expired: reset it)" "show says to reset an expired default password"

# A newer schema is refused by every command.
version=$(db_schema_version)
db_set_schema_version 7
run 69 "list refuses a newer schema" -- asnctl list
contains "$work/stderr" "schema version 7 is newer than this dovecot-asn understands" "newer schema message"
db_set_schema_version "$version"

# Database locked by another writer: exit 75 (try again), nothing half-done.
# PostgreSQL: the locker holds the account's row (lock_timeout).
if store_is_pgsql; then
	printf "BEGIN;\nSELECT 1 FROM asn.accounts WHERE email = 'bambang.sutrisno@jatimprov.go.id' FOR UPDATE;\nSELECT pg_sleep(3);\nROLLBACK;\n" |
		"$ASN_TEST_PG_BIN/psql" -X -q -w "$ASN_TEST_PG_URI" >/dev/null 2>&1 &
else
	printf 'BEGIN IMMEDIATE;\nINSERT INTO audit (at, actor, action) VALUES (0, %s, %s);\n.shell sleep 3\nROLLBACK;\n' "'locker'" "'lock'" | sqlite3 "$db" >/dev/null 2>&1 &
fi
locker=$!
sleep 0.5
printf 'asn_db_busy_timeout = 1s\n' >>"$work/asnctl.conf"
run 75 "disable while the database is locked" -- asnctl disable bambang.sutrisno@jatimprov.go.id
wait $locker
[ "$(db_query "select disabled from accounts where email = 'bambang.sutrisno@jatimprov.go.id'")" = 0 ]; ok $? "nothing changed while locked"

# Permission denied (as a user who cannot read the database).
# The user runs a copy of asnctl in $work: the tree may sit where it cannot
# even execute one (a clone in root's home, mode 0700).
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$work/bin"
	cp "$(asn_real_binary "$ASNCTL")" "$work/bin/asnctl"
	chmod 755 "$work" "$work/bin" "$work/bin/asnctl"
	run 77 "unreadable database is a permission error" -- su nobody -s /bin/sh -c "'$work/bin/asnctl' -c /dev/null --db '$db' list"
	contains "$work/stderr" "$db" "the permission error names the database"
	chmod 700 "$work"
else
	skip "permission test needs root and the user nobody"
fi

tap_finish
