#!/bin/sh
# What verifiers see: asnctl scan (files, mbox, Maildir with --layout),
# status and progress in every format (golden files, fixed clock), the
# HTML report, replay, and the errors of each.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
printf "asn_bsre_authserv_id = mx.jatimprov.go.id\nasn_bsre_trust = authres\n" >>"$work/asnctl.conf"
corpus="$top_srcdir/tests/mail"
siti=siti.rahma@jatimprov.go.id

run 0 "init" -- asnctl init
run 0 "import the test accounts" -- asnctl import --opd Diskominfo --sheet "$work/sheet.csv" \
	"$top_srcdir/tests/data/diskominfo.csv"
run 0 "a second OPD" -- asnctl add --opd BKD --name "Budi Santoso" --nip 198001012005011001 \
	--sheet "$work/sheet2.csv"

# --- scan
run 0 "scan the corpus: owners from Delivered-To" -- asnctl scan "$corpus"
golden "$work/stdout" bsre-scan.out "scan summary"
run 0 "scan again" -- asnctl scan "$corpus"
contains "$work/stdout" "0 recorded, 23 already known" "scanning twice adds nothing"

# an mbox with two BSrE mails and an ordinary one, no Delivered-To
{
	for f in activation.eml ordinary.eml cert-issued-html.eml; do
		echo "From noreply@bssn.go.id Mon Nov 16 10:15:00 2026"
		grep -v -i '^Delivered-To:' "$corpus/$f" | sed 's/^From />From /' |
			sed 's/^To: siti\.rahma@/To: budi.santoso@/'
		echo
	done
} >"$work/budi.mbox"
run 0 "scan an mbox without owner headers" -- asnctl scan "$work/budi.mbox"
contains "$work/stdout" "3 mails, 2 BSrE mails: 0 recorded, 0 already known, 2 without owner" "mails without an owner are counted, not guessed"
contains "$work/stderr" "without an owner (no Delivered-To or X-Original-To; use --user or --layout)" "and named with the way out"
run 0 "scan the mbox with --user" -- asnctl scan --user budi.santoso@jatimprov.go.id "$work/budi.mbox"
contains "$work/stdout" "1 files, 3 mails, 2 BSrE mails: 2 recorded" "mbox: each message on its own"

# a Maildir tree found by --layout, Dovecot's own files skipped
md="$work/vmail/jatimprov.go.id/made.sudarsana/Maildir"
mkdir -p "$md/cur" "$md/new" "$md/tmp" "$md/.Arsip/cur"
to_made='s/^To: siti\.rahma@/To: made.sudarsana@/'
grep -v -i '^Delivered-To:' "$corpus/info-q-folded.eml" | sed "$to_made" >"$md/cur/1700000000.M1P1.host:2,S"
grep -v -i '^Delivered-To:' "$corpus/passphrase-upper.eml" | sed "$to_made" >"$md/.Arsip/cur/1700000001.M2P1.host:2,S"
cp "$corpus/activation.eml" "$md/tmp/1700000002.M3P1.host"
printf 'garbage' >"$md/dovecot.index.cache"
run 0 "scan a Maildir tree with --layout" -- asnctl scan --layout "$work/vmail/%d/%n" "$work/vmail"
contains "$work/stdout" "2 files, 2 mails, 2 BSrE mails: 2 recorded" "layout: owner from the path, subfolders included, tmp/ and index files skipped"
run 0 "status of the layout's user" -- asnctl status made.sudarsana@jatimprov.go.id
contains "$work/stdout" "set_passphrase" "the Maildir user's events are theirs"
run 64 "a layout without the user's parts is refused" -- asnctl scan --layout "/var/vmail/%d" "$work/vmail"
contains "$work/stderr" "needs %u, or %n and %d" "and says what it needs"
run 64 "--user must be an address" -- asnctl scan --user siti "$corpus"
sed 's/^To: siti\.rahma@/To: tamu@/' "$corpus/activation.eml" >"$work/tamu.eml"
run 0 "a user without an account here" -- asnctl scan --user tamu@jatimprov.go.id "$work/tamu.eml"
run 0 "--dry-run records nothing" -- asnctl scan --dry-run --user tamu2@jatimprov.go.id "$corpus"
contains "$work/stdout" "23 would be recorded" "--dry-run says what it would record"
run 67 "--dry-run really recorded nothing" -- asnctl status tamu2@jatimprov.go.id
# --- status
# the settings' source names the test's directory: WORK in the golden files
unwork() { sed "s|$work|WORK|g" "$work/stdout" >"$work/stdout.unwork"; }
run 0 "status" -- asnctl status "$siti"
unwork; golden "$work/stdout.unwork" bsre-status.txt "status text"
run 0 "status --json" -- asnctl status --json "$siti"
unwork; golden "$work/stdout.unwork" bsre-status.json "status JSON"
contains "$work/stdout" "\"trust_settings\":{\"source\":\"$work/asnctl.conf (-c)\",\"asn_bsre_trust\":\"authres\",\"asn_bsre_authserv_id\":\"mx.jatimprov.go.id\"," "status --json: the trust settings and their source"
run 0 "status by NIP" -- asnctl status 199001012015032001
contains "$work/stdout" "email:        $siti" "a NIP finds the user"
run 0 "status of a user without an account" -- asnctl status tamu@jatimprov.go.id
contains "$work/stdout" "not provisioned" "users without an account are shown"
contains "$work/stdout" "activation_sent" "with their stage"
run 67 "status of nobody" -- asnctl status nobody@jatimprov.go.id
contains "$work/stderr" "no such account and no BSrE mail" "says why"
run 0 "status of a user without BSrE mail" -- asnctl status --json sri.wahyuni@jatimprov.go.id
contains "$work/stdout" '"stage":"none","portal_status":"NOT_REGISTERED","events":[],"certificate":null' "no mail: stage none, no certificate"
contains "$work/stdout" '"code":"no_bsre_mail"' "no mail: diagnosis no_bsre_mail"

# --- progress
run 0 "progress" -- asnctl progress
golden "$work/stdout" bsre-progress.txt "progress text"
run 0 "progress --json" -- asnctl progress --json
golden "$work/stdout" bsre-progress.json "progress JSON"
run 0 "progress --csv" -- asnctl progress --csv
golden "$work/stdout" bsre-progress.csv "progress CSV"
run 0 "progress --opd" -- asnctl progress --opd BKD --json
contains "$work/stdout" '"opds":[{"opd":"BKD","users":1' "--opd keeps one OPD"
lacks "$work/stdout" "Diskominfo" "--opd leaves the others out"
run 0 "progress --stage" -- asnctl progress --stage certificate_issued --csv
contains "$work/stdout" "TOTAL,1,0,0,0,0,1,0,0" "--stage counts only that stage"
run 0 "progress --diagnosis" -- asnctl progress --diagnosis suspicious_bsre_mail --json
contains "$work/stdout" '"email":"siti.rahma@jatimprov.go.id"' "--diagnosis lists the users with it"
lacks "$work/stdout" '"email":"sri.wahyuni@jatimprov.go.id"' "and only them"
run 64 "a stage that does not exist" -- asnctl progress --stage stuck
contains "$work/stderr" "--stage stuck: not a stage" "names the bad stage"
run 64 "a diagnosis that does not exist" -- asnctl progress --diagnosis broken
run 0 "progress --html" -- asnctl progress --html "$work/report.html"
contains "$work/report.html" "<svg" "the report draws a funnel per OPD"
contains "$work/report.html" "Sertifikat terbit" "in Bahasa Indonesia"
contains "$work/report.html" "Email BSrE mencurigakan" "with the users to help, in words"
contains "$work/report.html" "Menunggu pengaturan passphrase" "the stages in the procedure's words"
! grep -q -e ">suspicious_bsre_mail<" -e ">activation_sent<" -e "default_password_unchanged" "$work/report.html"
ok $? "no machine code shown to people"
[ "$(grep -c '<section[^>]*><h2>' "$work/report.html")" = 6 ]
ok $? "sections: all OPDs, one per OPD (3), the users to help, what the diagnoses mean"
[ -s "$work/report.html" ] && ! grep -q -i -e "<script" -e " src=" -e " href=" -e "<link" "$work/report.html"
ok $? "self-contained: no script, no external resource"
run 73 "an HTML report where it cannot be written" -- asnctl progress --html /nonexistent/r.html

# --- replay
spool="$work/db/bsre/bsre.db.spool"
run 0 "nothing to replay" -- asnctl replay
contains "$work/stdout" "nothing to replay" "says so"
printf '1\tgarbled\n' >"$spool"
run 65 "a spool with an unreadable line" -- asnctl replay
contains "$work/stdout" "1 unreadable lines kept in" "the line is kept aside"
[ -s "$spool.bad" ] && [ ! -e "$spool" ]
ok $? "the unreadable line is in .bad, the spool is gone"

# --- replay into another mailbox
# a genuine mail to siti found in another mailbox (issue 9): recorded as
# replayed, it moves nothing
run 0 "scan siti's mail as another user's" -- asnctl scan --user tamu3@jatimprov.go.id "$corpus/activation.eml"
contains "$work/stderr" "is not addressed to tamu3@jatimprov.go.id: recorded as replayed" "scan names the replay"
run 0 "status of the replay's victim" -- asnctl status tamu3@jatimprov.go.id
contains "$work/stdout" "account_activation  REPLAYED" "status shows the event as replayed"
contains "$work/stdout" "stage:        none" "a replayed event moves no stage"
run 0 "status --json of the replay's victim" -- asnctl status --json tamu3@jatimprov.go.id
contains "$work/stdout" '"trusted":false,"replayed":true' "JSON says replayed"

# --- a certificate mail nested 20,000 deep (issue 9): read as Dovecot reads
# it, down to 100 levels, and no further
awk 'BEGIN {
	print "From: BSrE <noreply@bssn.go.id>\nTo: tamu4@jatimprov.go.id"
	print "Message-ID: <deep@bssn.go.id>\nSubject: [BSrE] Sertifikat Elektronik Terbit"
	for (i = 0; i < 20000; i++)
		printf "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i
	print "Content-Type: text/plain\n\nSerial Number : DEEP"
	for (i = 20000; i > 0; i--)
		printf "--b%d--\n", i - 1
}' >"$work/deep.eml"
run 0 "scan a message nested 20,000 deep" -- asnctl scan --user tamu4@jatimprov.go.id "$work/deep.eml"
contains "$work/stdout" "1 BSrE mails: 1 recorded" "the deep message is recorded"
contains "$work/stderr" "deep.eml: MIME parts nested deeper than 100 levels" "the nesting bound is reported"
run 0 "status of the deep message's user" -- asnctl status tamu4@jatimprov.go.id
lacks "$work/stdout" "DEEP" "what lies below the bound is not read"

# --- a BSrE database of schema version 1 (before replayed): init upgrades it
# (SQLite only: PostgreSQL's events schema began at version 3)
sqlite_only "the upgrade of a BSrE database of schema version 1" 9 && {
old_db="$work/old/asn.db"
sed "s|^asn_db = .*|asn_db = $old_db|" "$work/asnctl.conf" >"$work/old.conf"
"$ASNCTL" -c "$work/old.conf" init >/dev/null 2>&1
# (the columns of versions 2 and 3 dropped: a trusted event of then inserted)
sqlite3 "$work/old/bsre/bsre.db" "DROP INDEX bsre_events_unverified;
	ALTER TABLE bsre_events DROP COLUMN dkim_facts; ALTER TABLE bsre_events DROP COLUMN trust_reason;
	ALTER TABLE bsre_events DROP COLUMN unverified; ALTER TABLE bsre_events DROP COLUMN trusted_by;
	ALTER TABLE bsre_events DROP COLUMN replayed;
	INSERT INTO bsre_events (email, message_key, type, received_at, trusted, source, recorded_at)
	VALUES ('tamu5@jatimprov.go.id', 'old@bssn.go.id', 'account_info', 1, 1, 'lmtp', 1);
	PRAGMA user_version = 1"
run 75 "a version 1 BSrE database is refused until upgraded" -- \
	"$ASNCTL" -c "$work/old.conf" scan --user tamu5@jatimprov.go.id "$corpus/replayed.eml"
contains "$work/stderr" "run 'asnctl init' to upgrade" "and says how to upgrade"
run 0 "asnctl init upgrades it" -- "$ASNCTL" -c "$work/old.conf" init
run 0 "then the replay is recorded" -- "$ASNCTL" -c "$work/old.conf" scan --user tamu5@jatimprov.go.id "$corpus/replayed.eml"
[ "$(sqlite3 "$work/old/bsre/bsre.db" "SELECT replayed FROM bsre_events WHERE message_key <> 'old@bssn.go.id'")" = 1 ]
ok $? "the upgraded table keeps replayed"
[ "$(sqlite3 "$work/old/bsre/bsre.db" "SELECT trusted, trusted_by FROM bsre_events WHERE message_key = 'old@bssn.go.id'")" = "1|legacy" ]
ok $? "an event trusted before DKIM is marked legacy by the upgrade"
run 0 "asnctl verify on the upgraded database" -- "$ASNCTL" -c "$work/old.conf" verify
contains "$work/stdout" "1 before DKIM (legacy)" "verify counts the legacy event"
contains "$work/stdout" "asnctl verify --layout" "and says how to judge it again"
}

# --- --dry-run counts what the real run then records (issue 14): mail that
# delivery or an earlier scan recorded, and one mail kept in two folders
run 0 "dry run of mail already recorded" -- asnctl scan --dry-run "$corpus"
contains "$work/stdout" "0 would be recorded, 23 already known" "--dry-run knows what is recorded"
dup="$work/dup/Maildir"
mkdir -p "$dup/cur" "$dup/.Arsip/cur"
cp "$corpus/activation.eml" "$dup/cur/1700000000.M1P1.host:2,S"
cp "$corpus/activation.eml" "$dup/.Arsip/cur/1700000001.M1P1.host:2,S"
cp "$corpus/cert-issued-plain.eml" "$dup/cur/1700000002.M1P1.host:2,S"
run 0 "dry run of a mailbox with a copied mail" -- asnctl scan --dry-run --user tamu6@jatimprov.go.id "$dup"
sed 's/would be recorded/recorded/' "$work/stdout" >"$work/dry.out"
contains "$work/dry.out" "3 BSrE mails: 2 recorded, 1 already known" "--dry-run counts a copy once"
run 0 "the real run of the same mailbox" -- asnctl scan --user tamu6@jatimprov.go.id "$dup"
diff "$work/dry.out" "$work/stdout" >"$work/diff" 2>&1
ok $? "--dry-run and the real run report the same counts"
[ $? -eq 0 ] || sed 's/^/# /' "$work/diff"
run 0 "a second real run" -- asnctl scan --user TAMU6@jatimprov.go.id "$dup"
contains "$work/stdout" "3 BSrE mails: 0 recorded, 3 already known" "then everything is already known"
run 0 "and a dry run after it" -- asnctl scan --dry-run --user TAMU6@jatimprov.go.id "$dup"
contains "$work/stdout" "3 BSrE mails: 0 would be recorded, 3 already known" "--dry-run agrees, whatever the case of the owner"

# --- the database files: no secrets from the bodies
{ store_is_pgsql || { [ -s "$work/db/bsre/bsre.db" ] && [ -s "$work/db/asn.db" ]; }; } &&
	! db_grep SECRET && ! db_grep "token="
ok $? "no link, token or password of a body in the databases"

# --- verify PATH: an event trusted before DKIM (legacy) judged again from
# its mail; one DKIM trusted stays as it is
legacy_of() { bsre_query "SELECT trusted_by FROM bsre_events
	WHERE email = '$siti' AND message_key = '$1'"; }
bsre_query "UPDATE bsre_events SET trusted_by = 'legacy'
	WHERE email = '$siti' AND message_key = 'act1@bssn.go.id'"
run 0 "verify --dry-run of the legacy event's mail" -- asnctl verify --dry-run --user "$siti" "$corpus/activation.eml"
contains "$work/stdout" "1 judged again (0 dry run: nothing changed)" "--dry-run changes nothing"
[ "$(legacy_of act1@bssn.go.id)" = legacy ]; ok $? "the event is still legacy after the dry run"
run 0 "verify the legacy event's mail" -- asnctl verify --user "$siti" "$corpus/activation.eml"
contains "$work/stdout" "1 judged again (1 changed)" "verify PATH judges it again"
[ "$(legacy_of act1@bssn.go.id)" = authres ]; ok $? "now trusted_by authres (asn_bsre_trust = authres here)"
bsre_query "UPDATE bsre_events SET trusted_by = 'dkim'
	WHERE email = '$siti' AND message_key = 'act1@bssn.go.id'"
run 0 "verify a DKIM-trusted event's mail" -- asnctl verify --user "$siti" "$corpus/activation.eml"
contains "$work/stdout" "0 judged again (0 changed), 1 trusted by DKIM already" "an event DKIM trusted is kept"
# another mail that reuses the recorded one's Message-ID judges nothing
bsre_query "UPDATE bsre_events SET trusted_by = 'legacy'
	WHERE email = '$siti' AND message_key = 'act1@bssn.go.id'"
sed 's/^Subject: .*/Subject: [BSrE] Sertifikat Elektronik Terbit/' "$corpus/activation.eml" >"$work/twin.eml"
run 0 "verify a different mail with the same Message-ID" -- asnctl verify --user "$siti" "$work/twin.eml"
contains "$work/stdout" "0 judged again (0 changed), 0 trusted by DKIM already, 0 not recorded (asnctl scan records them), 1 not the recorded mail" \
	"a mail that is not the recorded one (another subject) changes nothing"
[ "$(legacy_of act1@bssn.go.id)" = legacy ]; ok $? "the recorded event is still legacy"

tap_finish
