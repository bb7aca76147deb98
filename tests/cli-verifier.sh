#!/bin/sh
# asnctl verifier add / remove / list / opd / lookup: output against golden
# files, errors with their exit codes, the audit, and the scope: a person of
# another OPD is "no account", as an address that does not exist.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
data="$top_srcdir/tests/data"
db=$tap_db
q() { db_query "$1"; }

asnctl init >/dev/null
asnctl import --opd "Diskominfo" --sheet "$work/sheet.csv" "$data/diskominfo.csv" >/dev/null
asnctl import --sheet "$work/sheet2.csv" "$data/dinkes.csv" >/dev/null
version=$(db_schema_version)
[ "$version" -ge 2 ] && [ "$(db_tables verifiers)" = 1 ]
ok $? "schema version 2 and later have the verifier tables"

# add
run 0 "add an OPD's verifier" -- asnctl verifier add siti.rahma@jatimprov.go.id --opd Diskominfo --phone "0812-3456-7890"
run 0 "add a verifier of two OPDs with a name" -- asnctl verifier add agus.salim@jatimprov.go.id --opd "Dinas Kesehatan" --opd Diskominfo --name "Agus Salim (Dinkes)"
run 0 "add an admin outside the ASN list" -- asnctl verifier add Admin.Kominfo@jatimprov.go.id --all --name "Admin Kominfo"
contains "$work/stdout" "admin.kominfo@jatimprov.go.id: verifier of all OPDs" "the address is lower-cased"
run 0 "list" -- asnctl verifier list
golden "$work/stdout" verifier-list.out "list shows every verifier with their OPDs"
run 0 "list --json" -- asnctl verifier list --json
golden "$work/stdout" verifier-list.json "list as JSON"
[ "$(q "select count(*) from audit where action = 'verifier-add' and actor != ''")" = 3 ]; ok $? "each add audited with its actor"
[ "$(q "select detail from audit where action = 'verifier-add' and email = 'agus.salim@jatimprov.go.id'")" = "Dinas Kesehatan; Diskominfo" ]; ok $? "the audit names the OPDs"
[ "$(q "select account_id is null from audit where email = 'admin.kominfo@jatimprov.go.id'")" = 1 ]; ok $? "an admin without an account is audited by address"

# add: errors change nothing
before=$(q "select count(*) from verifiers")
run 65 "an OPD without accounts is refused" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "Dinas Kesehatn"
golden "$work/stderr" verifier-add-typo.err "the refusal says why and what to do"
run 65 "an OPD differing by case is refused with a hint" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "dinas kesehatan"
contains "$work/stderr" "did you mean 'Dinas Kesehatan'?" "the hint names the OPD as spelt"
run 67 "an address without an account is refused for an OPD" -- asnctl verifier add nobody@jatimprov.go.id --opd Diskominfo
golden "$work/stderr" verifier-add-noaccount.err "the refusal says only admins may be outside"
run 65 "a bad phone is refused" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "Dinas Kesehatan" --phone 12345
contains "$work/stderr" "--phone: phone number '12345'" "the phone error names the option"
run 65 "a bad address is refused" -- asnctl verifier add "not an address" --all
run 64 "--opd and --all together" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "Dinas Kesehatan" --all
contains "$work/stderr" "give --opd (one or more) or --all, not both" "says which"
run 64 "neither --opd nor --all" -- asnctl verifier add rina.kusuma@jatimprov.go.id
run 64 "an empty OPD" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd " "
run 65 "a verifier twice" -- asnctl verifier add siti.rahma@jatimprov.go.id --opd Diskominfo
contains "$work/stderr" "is a verifier already" "says they are one already"
[ "$(q "select count(*) from verifiers")" = "$before" ]; ok $? "no refused add changed anything"
run 0 "--allow-empty-opd adds an OPD without accounts yet" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "Dinas Pendidikan" --allow-empty-opd

# opd
run 0 "opd --add --remove" -- asnctl verifier opd rina.kusuma@jatimprov.go.id --add "Dinas Kesehatan" --remove "Dinas Pendidikan" --add "Dinas Kesehatan"
golden "$work/stdout" verifier-opd.out "each change said, in order"
[ "$(q "select group_concat(detail, '|') from (select detail from audit where action like 'verifier-opd-%' order by id) a")" = "Dinas Kesehatan|Dinas Pendidikan" ]; ok $? "each real change audited, the no-op not"
run 65 "opd refuses removing the last OPD" -- asnctl verifier opd rina.kusuma@jatimprov.go.id --remove "Dinas Kesehatan"
contains "$work/stderr" "would serve no OPD; nothing changed" "says nothing changed"
[ "$(q "select count(*) from verifier_opds o join verifiers v on v.id = o.verifier_id where v.email = 'rina.kusuma@jatimprov.go.id'")" = 1 ]; ok $? "the OPD is still there"
run 65 "opd refuses a typo" -- asnctl verifier opd rina.kusuma@jatimprov.go.id --add Diskominf
run 65 "opd refuses an admin" -- asnctl verifier opd admin.kominfo@jatimprov.go.id --add Diskominfo
run 67 "opd of a non-verifier" -- asnctl verifier opd bambang.sutrisno@jatimprov.go.id --add Diskominfo
run 64 "opd without a change" -- asnctl verifier opd rina.kusuma@jatimprov.go.id

# lookup: the scope
run 0 "a verifier sees a person of their OPD" -- asnctl verifier lookup siti.rahma@jatimprov.go.id 198503122010011003
contains "$work/stdout" "ahmad.fauzi@jatimprov.go.id" "the person is shown"
run 67 "a person of another OPD is not found" -- asnctl verifier lookup siti.rahma@jatimprov.go.id rina.kusuma@jatimprov.go.id
mv "$work/stderr" "$work/other-opd.err"
run 67 "an address that does not exist is not found" -- asnctl verifier lookup siti.rahma@jatimprov.go.id rina.kusumaa@jatimprov.go.id
sed 's/rina.kusumaa@/rina.kusuma@/' "$work/stderr" >"$work/absent.err"
cmp -s "$work/other-opd.err" "$work/absent.err"; ok $? "out of scope and absent say the same"
golden "$work/other-opd.err" verifier-lookup-scope.err "the not-found message"
run 0 "a verifier of two OPDs sees both" -- asnctl verifier lookup agus.salim@jatimprov.go.id siti.rahma2@jatimprov.go.id
run 0 "an admin sees every OPD" -- asnctl verifier lookup admin.kominfo@jatimprov.go.id 199305052019032011
run 67 "lookup as a non-verifier" -- asnctl verifier lookup bambang.sutrisno@jatimprov.go.id siti.rahma@jatimprov.go.id
contains "$work/stderr" "no verifier 'bambang.sutrisno@jatimprov.go.id'" "names the non-verifier"
[ "$(q "select count(*) from person_lookups where via = 'asnctl'")" = 5 ]; ok $? "every lookup recorded, found or not"
[ "$(q "select email from person_lookups where verifier = 'siti.rahma@jatimprov.go.id' and query = '198503122010011003'")" = ahmad.fauzi@jatimprov.go.id ]; ok $? "a lookup records whom it showed"
[ "$(q "select count(*) from person_lookups where account_id is null and email = ''")" = 2 ]; ok $? "a lookup that showed nothing records no one"

# remove
run 0 "remove" -- asnctl verifier remove rina.kusuma@jatimprov.go.id
[ "$(q "select count(*) from verifier_opds o where not exists (select 1 from verifiers v where v.id = o.verifier_id)")" = 0 ]; ok $? "their OPDs went with them"
[ "$(q "select count(*) from audit where action = 'verifier-remove' and email = 'rina.kusuma@jatimprov.go.id'")" = 1 ]; ok $? "remove audited"
run 67 "remove a non-verifier" -- asnctl verifier remove rina.kusuma@jatimprov.go.id
contains "$work/stderr" "no verifier 'rina.kusuma@jatimprov.go.id'" "says so"

# A database of schema version 1 (before verifiers) is upgraded by init,
# its accounts kept.  PostgreSQL's schema began at version 5: there, the
# same refusal and upgrade of the version before ours.
if store_is_pgsql; then
	old=$((version - 1))
	db_query "$ASN_PG_UNDO_STEP6" >/dev/null
	db_set_schema_version "$old"
	run 69 "a schema $old database is refused before init" -- asnctl verifier list
	contains "$work/stderr" "schema version $old is older than $version; run 'asnctl init' to upgrade" "says to run init"
	run 0 "init upgrades schema $old" -- asnctl init
	contains "$work/stdout" "upgraded from schema version $old to $version" "init says it upgraded"
	run 0 "the upgraded database takes verifiers" -- asnctl verifier add rina.kusuma@jatimprov.go.id --opd "Dinas Kesehatan"
	[ "$(db_query "select count(*) from accounts")" = 8 ]; ok $? "the accounts are kept"
else
cp "$db" "$work/v1.db"
sqlite3 "$work/v1.db" "$ASN_SQLITE_UNDO_STEP6 DROP TABLE notices_sent; DROP TABLE api_tokens; DROP TABLE verifier_cases; DROP TABLE person_lookups; DROP TABLE verifier_opds; DROP TABLE verifiers; PRAGMA user_version = 1"
run 69 "a schema 1 database is refused before init" -- asnctl --db "$work/v1.db" verifier list
contains "$work/stderr" "schema version 1 is older than $version; run 'asnctl init' to upgrade" "says to run init"
run 0 "init upgrades schema 1" -- asnctl --db "$work/v1.db" init
contains "$work/stdout" "upgraded from schema version 1 to $version" "init says it upgraded"
run 0 "the upgraded database takes verifiers" -- asnctl --db "$work/v1.db" verifier add agus.salim@jatimprov.go.id --opd "Dinas Kesehatan"
[ "$(sqlite3 "$work/v1.db" "select count(*) from accounts")" = 8 ]; ok $? "the accounts are kept"
fi

# usage
run 64 "unknown verifier command" -- asnctl verifier frob
run 0 "verifier --help" -- asnctl verifier --help
contains "$work/stdout" "verifier add EMAIL (--opd OPD [--opd OPD ...] | --all)" "help shows add"

tap_finish
