#!/bin/sh
# BSrE tracking at delivery: a real Dovecot with the shipped conf.d files
# and plugins, mail over real LMTP sessions (and dovecot-lda).  The corpus
# over LMTP gives the same events as asnctl scan of the same files and of
# the stored copies; parallel sessions record every event once; a locked,
# read-only or missing database never costs a mail, and its events come
# back from the spool; no secret of a body reaches the database or the log.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
printf "asn_bsre_authserv_id = mx.jatimprov.go.id\nasn_bsre_trust = authres\n" >>"$work/asnctl.conf"
DOVECOT_EXTRA_CONF="plugin {
  asn_bsre_authserv_id = mx.jatimprov.go.id
  asn_bsre_trust = authres
  asn_bsre_busy_timeout = 1s
}
protocol lda {
  postmaster_address = postmaster@jatimprov.go.id
}"
. "$top_srcdir/tests/dovecot-env.sh"
# An LMTP process that stays after its client, as 2.3's do by default
# (2.4's serve one client each): the test looks at what it loaded.
if [ "$DOVECOT_LINE" != 2.3 ]; then
	DOVECOT_EXTRA_CONF="$DOVECOT_EXTRA_CONF
service lmtp {
  restart_request_count = unlimited
}"
fi

user=siti.rahma@jatimprov.go.id
other=ahmad.fauzi@jatimprov.go.id
third=sri.wahyuni@jatimprov.go.id
bsre_db="$work/db/bsre/bsre.db"
corpus="$top_srcdir/tests/mail"

lmtp_send() { "$top_builddir/tests/lmtp-send" 127.0.0.1 "$LMTP_PORT" "$@"; }
# the events of a database (-: the delivered ones, on either store), one
# line each, in a stable order
events_of() {
	if [ "$1" = - ]; then q=bsre_query; else q="sqlite3 -separator | $1"; fi
	$q "SELECT email, message_key, type, trusted, replayed, subject, sender,
		coalesce(cert_serial, '-'), coalesce(cert_common_name, '-'),
		coalesce(cert_organization, '-'), coalesce(cert_valid_until, '-')
		FROM bsre_events ORDER BY email, message_key"
}
count_events() { bsre_query "SELECT count(*) FROM bsre_events $1"; }
mails_of() {	# messages in a user's INBOX
	ls "$work/vmail/jatimprov.go.id/${1%@*}/Maildir/new" "$work/vmail/jatimprov.go.id/${1%@*}/Maildir/cur" 2>/dev/null |
		grep -c '^[0-9]'
}
mail_ok() {	# mail_ok KEY DESCRIPTION: lmtp-send output says all delivered
	grep -q " 0 refused" "$work/$1"
	ok $? "$2"
	[ $? -eq 0 ] || sed 's/^/# /' "$work/$1"
}

import_test_accounts
dovecot_start; ok $? "private Dovecot started with the shipped conf.d files and plugins"
doveconf -c "$dovecot_conf_dir/dovecot.conf" -f protocol=lmtp -h mail_plugins >"$work/plugins" 2>&1
contains "$work/plugins" "asn_bsre" "the shipped 90-asn.conf loads asn_bsre for LMTP"
doveconf -c "$dovecot_conf_dir/dovecot.conf" -f protocol=imap -h mail_plugins >"$work/plugins" 2>&1
lacks "$work/plugins" "asn_bsre" "and not for IMAP"

# --- Ordinary mail never loads the recorder (SQLite, OpenSSL): the LMTP
# processes that loaded the plugin, and which of them loaded the recorder
lmtp_maps() {	# lmtp_maps LIBRARY: how many of this instance's processes map it
	# (the master's children from /proc: a minimal Debian has no ps)
	master=$(cat "$work/run/master.pid")
	n=0
	for stat in /proc/[0-9]*/stat; do
		pid=${stat#/proc/}; pid=${pid%/stat}
		[ "$(awk '{ print $4 }' "$stat" 2>/dev/null)" = "$master" ] || continue
		grep -qs "$1" "/proc/$pid/maps" && n=$((n + 1))
	done
	echo $n
}
lmtp_probe "$user" "Undangan rapat" >"$work/plain" 2>&1
[ "$(lmtp_maps lib95_asn_bsre_plugin.so)" -ge 1 ] && [ "$(lmtp_maps asn_bsre_recorder.so)" = 0 ]
ok $? "after an ordinary mail, the LMTP process has the plugin but not the recorder"

# --- The corpus over LMTP = asnctl scan of the same files
lmtp_send "$user" "$corpus"/*.eml >"$work/corpus" 2>&1
mail_ok corpus "the whole corpus delivered over LMTP"
[ "$(mails_of "$user")" = "$(($(ls "$corpus"/*.eml | wc -l) + 1))" ]
ok $? "every corpus mail is in the mailbox"
[ "$(lmtp_maps asn_bsre_recorder.so)" -ge 1 ]
ok $? "a BSrE mail loads the recorder"
[ "$(count_events)" = 23 ]
ok $? "23 BSrE events recorded (the forwarded and the ordinary mail are not BSrE mail): $(count_events)"
[ "$(bsre_query "SELECT count(DISTINCT type) FROM bsre_events")" = 9 ]
ok $? "every event type is in the corpus"
cat >"$work/scan.conf" <<CONF
asn_db = $work/scan/asn.db
asn_bsre_authserv_id = mx.jatimprov.go.id
asn_bsre_trust = authres
CONF
"$ASNCTL" -c "$work/scan.conf" init >/dev/null
"$ASNCTL" -c "$work/scan.conf" scan --user "$user" "$corpus" >"$work/scan.out" 2>&1
contains "$work/scan.out" "23 BSrE mails: 23 recorded" "asnctl scan of the corpus files"
events_of - >"$work/events.lmtp"
events_of "$work/scan/bsre/bsre.db" >"$work/events.scan"
diff "$work/events.scan" "$work/events.lmtp" >"$work/diff" 2>&1
ok $? "LMTP and scan record the same events (type, trust, subject, sender, key, certificate)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/diff" | head -20
grep -q '|certificate_issued|1|0|.*|4F2A910C|SITI RAHMA|Pemerintah Provinsi Jawa Timur|2027-04-30$' "$work/events.lmtp"
ok $? "certificate facts extracted at delivery (plain text body)"
grep -q '|77AB|BUDI SANTOSO|.*|2028-08-01$' "$work/events.lmtp"
ok $? "certificate facts extracted at delivery (HTML-only body)"
grep -q "|set_passphrase|0|0|.*|forge1@evil.example|" "$work/events.lmtp" ||
grep -q "|set_passphrase|0|" "$work/events.lmtp"
ok $? "the forged-DKIM mail is recorded untrusted"
grep -q "|sha256:" "$work/events.lmtp"
ok $? "the mail without Message-ID has a digest key"

# The stored copies (with the headers Dovecot added) scan to the same events.
"$ASNCTL" -c "$work/asnctl.conf" scan --layout "$work/vmail/%d/%n" "$work/vmail" >"$work/rescan" 2>&1
contains "$work/rescan" "0 recorded, 23 already known" "scanning the delivered Maildir adds nothing (--layout)"
"$ASNCTL" -c "$work/asnctl.conf" progress >"$work/progress" 2>&1
contains "$work/progress" "Diskominfo" "progress after delivery"

# --- Forged trust over LMTP (issue 9)
for key in arb1 arq1 ari1; do
	[ "$(count_events "WHERE email = '$user' AND message_key = '$key@bssn.go.id' AND trusted = 0")" = 1 ]
	ok $? "forged Authentication-Results ($key) delivered over LMTP: recorded untrusted"
done
for key in cyr1 zw1; do
	[ "$(count_events "WHERE email = '$user' AND message_key = '$key@bssn.go.id' AND type = 'suspicious_bsre_mail' AND trusted = 0")" = 1 ]
	ok $? "a look-alike tag ($key) from bssn.go.id is recorded as untrusted suspicious_bsre_mail"
done
[ "$(count_events "WHERE email = '$user' AND message_key = 'replay1@bssn.go.id' AND trusted = 0 AND replayed = 1")" = 1 ]
ok $? "a genuine mail To budi delivered to siti is recorded as replayed"
[ "$(count_events "WHERE email = '$user' AND message_key = 'noto1@bssn.go.id' AND trusted = 1")" = 1 ]
ok $? "without To, the envelope recipient names the owner: trusted"
# the same genuine mail, To ahmad, delivered into ahmad's and into bambang's mailbox
victim=bambang.sutrisno@jatimprov.go.id
sed -e "s/^To: $user/To: Ahmad Fauzi <$other>/" -e 's/act1@bssn.go.id/replay2@bssn.go.id/' \
	"$corpus/activation.eml" >"$work/to-ahmad.eml"
lmtp_send "$other,$victim" "$work/to-ahmad.eml" >"$work/replay" 2>&1
mail_ok replay "a trusted mail To ahmad delivered to ahmad and to bambang"
[ "$(count_events "WHERE email = '$other' AND message_key = 'replay2@bssn.go.id' AND trusted = 1 AND replayed = 0")" = 1 ]
ok $? "trusted for ahmad, whom it names"
[ "$(count_events "WHERE email = '$victim' AND message_key = 'replay2@bssn.go.id' AND trusted = 0 AND replayed = 1")" = 1 ]
ok $? "replayed for bambang, whom it does not name"
contains "$work/dovecot.log" "(replay2@bssn.go.id) is addressed to someone else: recorded as replayed" "the replay is logged"
"$ASNCTL" -c "$work/asnctl.conf" status "$victim" >"$work/status-victim" 2>&1
contains "$work/status-victim" "account_activation  REPLAYED" "asnctl status shows the replay"
contains "$work/status-victim" "stage:        none" "and the replay moves no stage"

# --- Ordinary mail, duplicates, several recipients, LDA
before=$(count_events)
lmtp_probe "$user" "Rapat koordinasi" >"$work/plain" 2>&1
contains "$work/plain" "delivered" "ordinary mail delivered"
lmtp_probe "$user" "Fwd: [BSrE] Aktivasi Akun" >"$work/plain" 2>&1
[ "$(count_events)" = "$before" ]
ok $? "ordinary and forwarded mail record nothing"
lmtp_send "$user" "$corpus/activation.eml" "$corpus/no-message-id.eml" >"$work/dup" 2>&1
mail_ok dup "the same mails delivered again"
[ "$(count_events)" = "$before" ]
ok $? "a redelivery (same Message-ID, or same digest) is not a new event"
lmtp_send "$other,$third" "$corpus/cert-issued-plain.eml" >"$work/multi" 2>&1
mail_ok multi "one transaction, two recipients"
[ "$(count_events "WHERE email IN ('$other', '$third') AND type = 'certificate_issued'")" = 2 ]
ok $? "each recipient has its own event"
lda_wrapper=""
[ -n "${ASN_VALGRIND_LMTP:-}" ] && lda_wrapper=$(valgrind_cmd lda)
$lda_wrapper "${DOVECOT_LDA:-/usr/lib/dovecot/dovecot-lda}" -c "$dovecot_conf_dir/dovecot.conf" -d "$third" -f noreply@bssn.go.id \
	<"$corpus/passphrase-upper.eml" >"$work/lda" 2>&1
r=$?
ok $r "dovecot-lda delivers"
[ $r -eq 0 ] || sed 's/^/# /' "$work/lda"
[ "$(count_events "WHERE email = '$third' AND type = 'set_passphrase' AND source = 'lda'")" = 1 ]
ok $? "an LDA delivery is recorded too (source lda)"
doveadm_t save -u "$third" <"$corpus/info-q-folded.eml" >"$work/save" 2>&1
ok $? "doveadm save stores a BSrE mail"
[ "$(count_events "WHERE email = '$third' AND type = 'account_info'")" = 0 ]
ok $? "doveadm save is not a delivery: no event"
imap_pw=$(pw_of "$third")
doveadm_t mailbox create -u "$third" Arsip >/dev/null 2>&1
doveadm_t copy -u "$third" Arsip mailbox INBOX ALL >"$work/copy" 2>&1
[ "$(count_events "WHERE email = '$third'")" = 2 ]
ok $? "copying mail between folders records nothing"

# --- Several parallel LMTP sessions, many users
mkdir -p "$work/many"
for i in $(seq 1 40); do
	sed -e "s/act1@bssn.go.id/par-$i@bssn.go.id/" "$corpus/activation.eml" >"$work/many/m$i.eml"
done
rcpts="$user,$other,$third,bambang.sutrisno@jatimprov.go.id,made.sudarsana@jatimprov.go.id"
before=$(count_events)
inbox_before=$(mails_of "$other")
pids=""
for s in 0 1 2 3; do
	files=""
	for i in $(seq $((s * 10 + 1)) $((s * 10 + 10))); do files="$files $work/many/m$i.eml"; done
	lmtp_send "$rcpts" $files >"$work/par$s" 2>&1 &
	pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed = 0 ] && cat "$work"/par? | grep -q "50 delivered, 0 refused"
ok $? "4 parallel sessions x 10 mails x 5 recipients: every delivery accepted"
[ $(( $(mails_of "$other") - inbox_before )) = 40 ]
ok $? "every mail is in the mailboxes"
"$ASNCTL" -c "$work/asnctl.conf" replay >/dev/null 2>&1	# in case one waited too long
[ $(( $(count_events) - before )) = 200 ]
ok $? "every event recorded exactly once: $(( $(count_events) - before )) of 200"

# --- Faults: the mail is delivered, the event spooled, then replayed
spool="$bsre_db.spool"
fault_mail() {	# fault_mail NAME: a new BSrE mail with its own Message-ID
	sed -e "s/act1@bssn.go.id/fault-$1@bssn.go.id/" "$corpus/activation.eml" >"$work/fault-$1.eml"
	echo "$work/fault-$1.eml"
}
inbox_before=$(mails_of "$user")
: >"$work/dovecot.log.mark"; log_lines=$(wc -l <"$work/dovecot.log")

# PostgreSQL: the deliveries' role (asn_mail) cut off, made read-only;
# its connections ended so that the next delivery connects again
pg_mail_role() {	# pg_mail_role ALTER-ROLE-CLAUSE
	pg_psql -c "ALTER ROLE asn_mail $1" \
		-c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'asn_mail'" \
		>/dev/null
}
# locked longer than the busy timeout
if store_is_pgsql; then
	# a transaction holding the events' table (an admin's, a migration)
	echo "BEGIN; LOCK TABLE asn_bsre.bsre_events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); ROLLBACK;" |
		pg_psql >/dev/null 2>&1 &
	locker=$!
	for i in $(seq 1 100); do
		[ "$(pg_psql -At -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'bsre_events' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
		sleep 0.1
	done
	# the server's statement timeout, or the client's own bound first
	lock_reason="statement timeout|no answer within"
else
(echo "BEGIN IMMEDIATE; INSERT INTO bsre_events (email, message_key, type, received_at, trusted, source, recorded_at) VALUES ('lock@x', 'lock', 'other', 0, 1, 'test', 0);"; sleep 8; echo "ROLLBACK;") |
	sqlite3 "$bsre_db" &
locker=$!
for i in $(seq 1 100); do	# until the locker holds the write lock
	sqlite3 "$bsre_db" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || break
	sleep 0.1
done
lock_reason=locked
fi
lmtp_send "$user" "$(fault_mail locked)" >"$work/f1" 2>&1
# the delivery must not wait for the lock to go: the locker still holds it
kill -0 $locker 2>/dev/null
ok $? "database locked: the delivery returned while the lock was still held"
mail_ok f1 "database locked: mail delivered"
[ -s "$spool" ]
ok $? "database locked: event spooled"
wait $locker
tail -n +$((log_lines + 1)) "$work/dovecot.log" >"$work/newlog"
contains "$work/newlog" "database unavailable, BSrE event account_activation spooled for replay" "the log says the event was spooled"
grep -qE "$lock_reason" "$work/newlog"
ok $? "the log gives the reason"

# read-only
if store_is_pgsql; then
	pg_mail_role "SET default_transaction_read_only = on"	# a replica after a failover
else
	chmod 0440 "$bsre_db"
fi
lmtp_send "$user" "$(fault_mail readonly)" >"$work/f2" 2>&1
mail_ok f2 "database read-only: mail delivered"
[ "$(grep -c 'fault-readonly' "$spool")" = 1 ]
ok $? "database read-only: event spooled"
if store_is_pgsql; then
	pg_mail_role "RESET default_transaction_read_only"
else
	chmod 0660 "$bsre_db" "$bsre_db"-*	# and the WAL files made while it was read-only
fi

# missing
# missing (PostgreSQL: the deliveries' role may not log in; back, every
# connection ended once more, as by a restart: the next delivery must see
# its process's connection is gone and connect again, not spool)
db_away() {
	if store_is_pgsql; then pg_mail_role NOLOGIN; else mv "$bsre_db" "$work/bsre.away"; fi
}
db_back() {
	if store_is_pgsql; then pg_mail_role LOGIN; else mv "$work/bsre.away" "$bsre_db"; fi
}
db_away
lmtp_send "$user" "$(fault_mail missing)" >"$work/f3" 2>&1
mail_ok f3 "database missing: mail delivered"
[ "$(grep -c 'fault-missing' "$spool")" = 1 ]
ok $? "database missing: event spooled"
sqlite_only "the delivery did not create an empty database file" 1 && {
[ ! -e "$bsre_db" ]
ok $? "database missing: the delivery did not create an empty one"
}
db_back
faults=3

# full: the events' file system has no space left.  A small tmpfs over
# the events directory, filled up; the reserve that asnctl init made
# gives the spool its room.
bsre_dir=$(dirname "$bsre_db")
[ -s "$spool.reserve" ]
ok $? "asnctl init made the spool's reserve"
cp -a "$bsre_dir" "$work/bsre.keep"
if store_is_pgsql; then
	sqlite_only "the events' file system full (PostgreSQL's is the DBA's)" 4
elif mount -t tmpfs -o size=4m,mode=0770 asn-full "$bsre_dir" 2>/dev/null; then
	ASN_CLEANUP="${ASN_CLEANUP:-} umount \"$bsre_dir\" 2>/dev/null;"; full_mounted=1
	chgrp "$mail_group" "$bsre_dir"
	cp -a "$work/bsre.keep/." "$bsre_dir/"
	# the spool starts empty here, so that its first line needs new room
	mv "$spool" "$work/spool.keep"
	dd if=/dev/zero of="$bsre_dir/filler" bs=4k >/dev/null 2>&1
	lmtp_send "$user" "$(fault_mail full)" >"$work/f6" 2>&1
	mail_ok f6 "file system full: mail delivered"
	[ "$(grep -c 'fault-full' "$spool")" = 1 ]
	ok $? "file system full: event spooled"
	tail -n +$((log_lines + 1)) "$work/dovecot.log" >"$work/newlog"
	contains "$work/newlog" "database or disk is full" "the log gives the reason"
	contains "$work/newlog" "disk full: the spool's reserve was used" "the spool took the reserve's room"
	rm -f "$bsre_dir/filler"
	cat "$work/spool.keep" >>"$spool"
	faults=4
else
	for what in "mail delivered" "event spooled" "the log gives the reason" "the spool took the reserve's room"; do
		skip "file system full: $what (cannot mount a tmpfs here)"
	done
fi
[ $(( $(mails_of "$user") - inbox_before )) = $faults ]
ok $? "no mail lost in any fault"
tail -n +$((log_lines + 1)) "$work/dovecot.log" >"$work/newlog"
[ "$(grep -c 'spooled for replay' "$work/newlog")" = $faults ]
ok $? "one log line per spooled event"

# the next successful delivery replays the spool
lmtp_send "$user" "$(fault_mail back)" >"$work/f4" 2>&1
mail_ok f4 "database back: mail delivered"
[ ! -e "$spool" ]
ok $? "database back: spool replayed and removed"
[ "$(count_events "WHERE message_key LIKE 'fault-%'")" = $((faults + 1)) ]
ok $? "database back: all $((faults + 1)) events recorded"
tail -n +$((log_lines + 1)) "$work/dovecot.log" >"$work/newlog"
contains "$work/newlog" "$faults spooled BSrE events replayed" "the log says the spool was replayed"
[ -s "$spool.reserve" ]
ok $? "database back: the spool's reserve is made again"

# asnctl replay when no mail comes
db_away
lmtp_send "$user" "$(fault_mail manual)" >"$work/f5" 2>&1
db_back
"$ASNCTL" -c "$work/asnctl.conf" replay >"$work/replay" 2>&1
contains "$work/replay" "1 recorded" "asnctl replay records what was spooled"
[ "$(count_events "WHERE message_key = 'fault-manual@bssn.go.id'")" = 1 ]
ok $? "asnctl replay: the event is in the database"

# --- Secrets: links, tokens and passwords of the bodies are nowhere
for f in "$bsre_db" "$bsre_db-wal" "$work/dovecot.log"; do
	[ -e "$f" ] || continue
	! grep -a -q -e "SECRET" -e "token=" -e "https://" "$f"
	ok $? "no link, token or password from a body in $(basename "$f")"
done
if store_is_pgsql; then
	pg_psql -c CHECKPOINT >/dev/null 2>&1
	! db_grep SECRET && ! db_grep "token=" && ! db_grep "https://"
	ok $? "no link, token or password from a body in PostgreSQL's data files"
fi

# --- doveadm asn status / progress, also over the doveadm HTTP API
doveadm_plugin_link
doveadm_t asn status -u "$user" >"$work/da-status" 2>&1
ok $? "doveadm asn status"
contains "$work/da-status" "stage: activation_sent" "doveadm asn status: the stage"
contains "$work/da-status" "suspicious_bsre_mail" "doveadm asn status: the diagnosis"
contains "$work/da-status" "certificate_serial: 4F2A910C" "doveadm asn status: the certificate"
doveadm_t asn status -u nobody@jatimprov.go.id >"$work/da-none" 2>&1
[ $? = 67 ]
ok $? "doveadm asn status of an unknown user: exit 67 (NOUSER)"
doveadm_t asn progress >"$work/da-progress" 2>&1
ok $? "doveadm asn progress"
grep -q "^Diskominfo" "$work/da-progress" && grep -q "^TOTAL" "$work/da-progress"
ok $? "doveadm asn progress: a row per OPD and the total"
doveadm_t asn progress -s stuck >"$work/da-bad" 2>&1
[ $? = 64 ]
ok $? "doveadm asn progress with a bad stage: exit 64"
key=$(printf 'asn-test-key' | base64)
curl -s -H "Authorization: X-Dovecot-API $key" -H "Content-Type: application/json" 	-d "[[\"asnStatus\", {\"user\": \"$user\"}, \"t1\"], [\"asnProgress\", {\"opd\": \"Diskominfo\"}, \"t2\"]]" 	"http://127.0.0.1:$DOVEADM_HTTP_PORT/doveadm/v1" >"$work/http" 2>&1
contains "$work/http" '"stage":"activation_sent"' "HTTP API asnStatus answers with the stage"
contains "$work/http" '"opd":"Diskominfo"' "HTTP API asnProgress answers per OPD"
contains "$work/http" '"t2"' "both commands answered in one request"

dovecot_stop
[ -n "${full_mounted:-}" ] && umount "$bsre_dir"
valgrind_lmtp_clean
tap_finish
