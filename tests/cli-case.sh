#!/bin/sh
# asnctl case add / close / list on behalf of a verifier (--as): output
# against golden files, errors naming the option with nothing changed, the
# scope (a person of another OPD is "no account", as an absent address),
# the audit, and the cases in status and progress.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
data="$top_srcdir/tests/data"
db=$tap_db
q() { db_query "$1"; }
siti=siti.rahma@jatimprov.go.id		# verifier of Diskominfo
admin=admin.kominfo@jatimprov.go.id	# verifier of all OPDs
ahmad=ahmad.fauzi@jatimprov.go.id	# Diskominfo
rina=rina.kusuma@jatimprov.go.id	# Dinas Kesehatan

asnctl init >/dev/null
asnctl import --opd "Diskominfo" --sheet "$work/sheet.csv" "$data/diskominfo.csv" >/dev/null
asnctl import --sheet "$work/sheet2.csv" "$data/dinkes.csv" >/dev/null
asnctl verifier add "$siti" --opd Diskominfo >/dev/null
asnctl verifier add "$admin" --all >/dev/null
[ "$(db_tables verifier_cases)" = 1 ]; ok $? "the schema has the cases table"

# add
ASN_NOW=1795420800	# 2026-11-23 08:00 UTC
run 0 "add a case with an action and a note" -- asnctl case add "$ahmad" --kind nik_not_found --action data_sent_to_bsre --note "NIK dikirim ke BSrE lewat email, tiket 4411" --as "$siti"
golden "$work/stdout" case-add.out "add says the case number and its words"
ASN_NOW=1795428000	# 2026-11-23 10:00 UTC
run 0 "add a case by NIP, no action" -- asnctl case add 198503122010011003 --kind activation_failed --as "$siti"
run 0 "add 'other' with its note" -- asnctl case add "$ahmad" --kind other --action asn_called --note "ASN cuti, dihubungi lewat telepon" --as "$siti"
run 0 "an admin adds a case in any OPD" -- asnctl case add "$rina" --kind link_expired --action link_resent --as "$admin"
[ "$(q "select count(*) from verifier_cases")" = 4 ]; ok $? "four cases stored"
[ "$(q "select count(*) from audit where action = 'case-add' and actor = '$siti'")" = 3 ]; ok $? "each add audited with the verifier as actor"
[ "$(q "select detail from audit where action = 'case-add' and email = '$rina'")" = "case 4: link_expired, link_resent" ]; ok $? "the audit names the case and its words"
[ "$(q "select count(*) from audit where detail like '%tiket%'")" = 0 ]; ok $? "the audit never holds the note"
[ "$(q "select count(*) from person_lookups where via = 'asnctl' and query = '198503122010011003' and email = '$ahmad'")" = 1 ]; ok $? "the add's lookup is recorded"

# add: bad input names the option and changes nothing
cases=$(q "select count(*) from verifier_cases"); lookups=$(q "select count(*) from person_lookups"); audits=$(q "select count(*) from audit")
run 65 "an unknown kind" -- asnctl case add "$ahmad" --kind nik_hilang --as "$siti"
golden "$work/stderr" case-add-kind.err "the refusal lists the kinds"
run 65 "an unknown action" -- asnctl case add "$ahmad" --kind nik_not_found --action resent --as "$siti"
contains "$work/stderr" "asnctl: --action 'resent' is not one of: link_resent, data_sent_to_bsre, asn_called, other" "names --action and the actions"
run 65 "a link in the note" -- asnctl case add "$ahmad" --kind link_expired --note "tautan baru: HTTPS://esign.bssn.go.id/activate?token=abc" --as "$siti"
golden "$work/stderr" case-add-link.err "the refusal says why links are refused"
run 65 "'other' without a note" -- asnctl case add "$ahmad" --kind other --as "$siti"
contains "$work/stderr" "asnctl: --note: \"other\" (Lainnya) needs a note that says what" "says other needs a note"
run 65 "an action 'other' without a note" -- asnctl case add "$ahmad" --kind nik_registered --action other --note " " --as "$siti"
run 65 "a note of two lines" -- asnctl case add "$ahmad" --kind nik_registered --note "$(printf 'satu\ndua')" --as "$siti"
contains "$work/stderr" "asnctl: --note: " "names --note"
run 65 "a note too long" -- asnctl case add "$ahmad" --kind nik_registered --note "$(head -c 501 /dev/zero | tr '\0' x)" --as "$siti"
contains "$work/stderr" "asnctl: --note: 501 bytes, at most 500" "says how long"
run 65 "a note not UTF-8" -- asnctl case add "$ahmad" --kind nik_registered --note "$(printf 'caf\351')" --as "$siti"
contains "$work/stderr" "asnctl: --note: not valid UTF-8" "says not UTF-8"
run 64 "no --kind" -- asnctl case add "$ahmad" --as "$siti"
contains "$work/stderr" "asnctl: --kind is required" "names --kind"
run 64 "no --as" -- asnctl case add "$ahmad" --kind nik_registered
contains "$work/stderr" "asnctl: --as is required" "names --as"
run 67 "--as a non-verifier" -- asnctl case add "$ahmad" --kind nik_registered --as "$rina"
contains "$work/stderr" "asnctl: --as: no verifier '$rina'" "names --as and the address"
[ "$(q "select count(*) from verifier_cases")" = "$cases" ] && [ "$(q "select count(*) from person_lookups")" = "$lookups" ] && [ "$(q "select count(*) from audit")" = "$audits" ]
ok $? "no refused add stored a case, a lookup or an audit row"

# scope: another OPD's person is an absent address
run 67 "a verifier cannot add a case of another OPD" -- asnctl case add "$rina" --kind nik_registered --as "$siti"
mv "$work/stderr" "$work/other.err"
run 67 "nor of an address that does not exist" -- asnctl case add rina.kusumaa@jatimprov.go.id --kind nik_registered --as "$siti"
sed 's/rina.kusumaa@/rina.kusuma@/' "$work/stderr" >"$work/absent.err"
cmp -s "$work/other.err" "$work/absent.err"; ok $? "out of scope and absent say the same"
golden "$work/other.err" case-scope.err "the not-found message"
[ "$(q "select count(*) from verifier_cases")" = "$cases" ]; ok $? "no case stored out of scope"
[ "$(q "select count(*) from person_lookups where query = '$rina' and verifier = '$siti' and account_id is null")" = 1 ]; ok $? "the refused look is recorded as showing no one"
run 67 "a verifier cannot list another OPD's cases" -- asnctl case list "$rina" --as "$siti"
cmp -s "$work/stderr" "$work/other.err"; ok $? "listing out of scope says not found too"
run 67 "nor close them" -- asnctl case close 4 --as "$siti"
mv "$work/stderr" "$work/close-other.err"
run 67 "a case that does not exist" -- asnctl case close 99 --as "$siti"
sed 's/#99/#4/' "$work/stderr" >"$work/close-absent.err"
cmp -s "$work/close-other.err" "$work/close-absent.err"; ok $? "closing out of scope and absent say the same"
[ "$(q "select resolved_at is null from verifier_cases where id = 4")" = 1 ]; ok $? "the other OPD's case stays open"

# close
ASN_NOW=1795514400	# 2026-11-24 10:00 UTC
run 0 "close a case" -- asnctl case close 2 --as "$siti"
contains "$work/stdout" "case #2 closed" "says closed"
run 0 "close it again" -- asnctl case close 2 --as "$siti"
contains "$work/stdout" "case #2 was closed already" "says it was closed"
[ "$(q "select count(*) from audit where action = 'case-close'")" = 1 ]; ok $? "one close audited, the repeat not"
[ "$(q "select resolved_by from verifier_cases where id = 2")" = "$siti" ]; ok $? "the case records who closed it"
run 64 "close a bad id" -- asnctl case close 2x --as "$siti"
contains "$work/stderr" "asnctl: ID '2x': a case number" "names the ID"

# list
run 0 "list" -- asnctl case list "$ahmad" --as "$siti"
golden "$work/stdout" case-list.out "list in words"
run 0 "list --json" -- asnctl case list 198503122010011003 --json --as "$siti"
golden "$work/stdout" case-list.json "list as JSON, codes"
run 0 "an admin lists any OPD's cases" -- asnctl case list "$rina" --as "$admin"
contains "$work/stdout" "Tautan kedaluwarsa" "the admin sees the case"
run 0 "list a person without cases" -- asnctl case list sri.wahyuni@jatimprov.go.id --as "$siti"
contains "$work/stdout" "no case" "says no case"

# status and progress: BSrE's events (written here as a delivery would)
# and the cases in one timeline, an event first when they tie
bsre_query "INSERT INTO bsre_events (email, message_key, type, received_at,
	trusted, trusted_by, subject, sender, source, recorded_at) VALUES
	('$ahmad', 'a@bssn.go.id', 'account_activation', 1795424400, 1, 'dkim',
	 '[BSrE] Aktivasi Akun', 'noreply@bssn.go.id', 'lmtp', 1795424400),
	('$ahmad', 'b@bssn.go.id', 'account_info', 1795428000, 1, 'dkim',
	 '[BSrE] Informasi Akun', 'noreply@bssn.go.id', 'lmtp', 1795428000)"
run 0 "status shows the cases in the timeline" -- asnctl status "$ahmad"
sed "s|$work|WORK|g" "$work/stdout" >"$work/status.txt"
golden "$work/status.txt" case-status.txt "status text with cases"
run 0 "status --json has the cases" -- asnctl status --json "$ahmad"
contains "$work/stdout" '"cases":[{"id":1,"kind":"nik_not_found","action":"data_sent_to_bsre","note":"NIK dikirim ke BSrE lewat email, tiket 4411","at":"2026-11-23T08:00:00Z","by":"siti.rahma@jatimprov.go.id","open":true,"resolved_at":null,"resolved_by":null},' "status JSON: the cases with codes"
run 0 "progress" -- asnctl progress
golden "$work/stdout" case-progress.txt "progress counts handled and unhandled"
run 0 "progress --csv" -- asnctl progress --csv
contains "$work/stdout" "rina.kusuma@jatimprov.go.id,Dinas Kesehatan,Rina Kusuma,none,2026-11-22T09:00:00Z,default_password_unchanged no_bsre_mail,handled" "CSV: a handled user"
contains "$work/stdout" "Diskominfo,6,5,0,1,0,0,0,0,6,5,0,0,0,0,0,0,1,5" "CSV: the OPD's handled and unhandled"
run 0 "progress --json" -- asnctl progress --json --opd "Dinas Kesehatan"
contains "$work/stdout" '"handled":1,"unhandled":1}],"flagged"' "JSON: the OPD's counts"
contains "$work/stdout" '"email":"rina.kusuma@jatimprov.go.id","opd":"Dinas Kesehatan","name":"Rina Kusuma","stage":"none","since":"2026-11-22T09:00:00Z","handling":"handled"' "JSON: the user's handling"
run 0 "progress --html" -- asnctl progress --html "$work/report.html"
contains "$work/report.html" 'class="handled">sedang ditangani</td>' "HTML: in words"
contains "$work/report.html" "<b>6</b> perlu tindakan (1 sedang ditangani, 5 belum ditangani)" "HTML: the OPD's counts in words"

# a closed case no longer counts as handled
run 0 "close the admin's case" -- asnctl case close 4 --as "$admin"
run 0 "progress --json after the close" -- asnctl progress --json --opd "Dinas Kesehatan"
contains "$work/stdout" '"handled":0,"unhandled":2},"opds"' "a closed case is no longer handling (total)"
contains "$work/stdout" '"handled":0,"unhandled":2}],"flagged"' "nor in the OPD's counts"
contains "$work/stdout" '"name":"Rina Kusuma","stage":"none","since":"2026-11-22T09:00:00Z","handling":"unhandled"' "the user with only a closed case is unhandled"

# A schema 2 database (before cases) is upgraded by init.  SQLite only:
# PostgreSQL's schema began at version 5.
sqlite_only "the upgrade of a schema 2 database" 4 && {
cp "$db" "$work/v2.db"
sqlite3 "$work/v2.db" "$ASN_SQLITE_UNDO_STEP6 DROP TABLE notices_sent; DROP TABLE api_tokens; DROP TABLE verifier_cases; PRAGMA user_version = 2"
run 69 "a schema 2 database is refused before init" -- asnctl --db "$work/v2.db" case list "$ahmad" --as "$siti"
run 0 "init upgrades schema 2" -- asnctl --db "$work/v2.db" init
contains "$work/stdout" "upgraded from schema version 2 to $(q 'PRAGMA user_version')" "init says it upgraded"
run 0 "the upgraded database takes cases" -- asnctl --db "$work/v2.db" case add "$ahmad" --kind nip_not_found --as "$siti"
}

# usage
run 64 "unknown case command" -- asnctl case frob
run 0 "case --help" -- asnctl case --help
contains "$work/stdout" "case add USER --kind KIND [--action ACTION] [--note TEXT] --as VERIFIER" "help shows add"

tap_finish
