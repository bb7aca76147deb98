#!/bin/sh
# asnctl notify against a real Dovecot (doveadm save, the shipped conf.d):
# a prepared set of users, one in each condition, gets exactly one notice
# each in INBOX naming their OPD's verifier; the verifiers a digest whose
# numbers are asnctl progress's; --dry-run changes nothing; a second run
# sends nothing; a mailbox that cannot be written is reported, not
# remembered, and served on the next run; a new occurrence is told again.
. "$top_srcdir/tests/tap.sh"
# Either store: notify takes asn_db from Dovecot's configuration, its
# userdb reads the same store (dovecot-env.sh)
tap_setup --store
conf_lines="asn_bsre_authserv_id = mx.jatimprov.go.id
asn_bsre_trust = authres
asn_bsre_expiry_warning = 200d
asn_portal_url = https://portal.jatimprov.go.id/"
printf '%s\n' "$conf_lines" >>"$work/asnctl.conf"
DOVECOT_EXTRA_CONF="plugin {
$(printf '%s\n' "$conf_lines" | sed 's/^/  /')
}"
. "$top_srcdir/tests/dovecot-env.sh"
corpus="$top_srcdir/tests/mail"
d=jatimprov.go.id

# notify as a site runs it: the settings from Dovecot's configuration, and
# doveadm against the same Dovecot
notify() { "$ASNCTL" --dovecot-config "$dovecot_conf_dir/dovecot.conf" notify "$@"; }
# ASN_NOW for notify: Dovecot and the accounts use the real clock
later() { echo $(( $(date +%s) + $1 * 86400 )); }
# the messages of a user's INBOX with this Subject
count_subject() {
	doveadm_t fetch -u "$1" hdr.subject mailbox INBOX 2>/dev/null | grep -c -F "$2"
}
inbox_text() { doveadm_t fetch -u "$1" text mailbox INBOX 2>/dev/null; }
sent_rows() { db_query "SELECT count(*) FROM notices_sent $1"; }

import_test_accounts
asnctl add --opd BKD --name "Budi Santoso" --nip 198001012005011001 --sheet "$work/sheet2.csv" >/dev/null
dovecot_start; ok $? "private Dovecot started"

# one condition each: the BSrE users have changed their password
bsre_mail_to() {	# bsre_mail_to USER MAIL: a corpus mail (siti's) as USER's
	sed -e "s/^\(Delivered-To\|To\): siti\.rahma@/\1: $1@/" "$corpus/$2" >"$work/$2"
	asnctl scan --user "$1@$d" "$work/$2" >/dev/null 2>&1
}
bsre_mail_to siti.rahma activation.eml
bsre_mail_to bambang.sutrisno passphrase-upper.eml
bsre_mail_to made.sudarsana cert-issued-plain.eml
db_query "UPDATE accounts SET must_change = 0, initial_password_expires_at = NULL
	WHERE email IN ('siti.rahma@$d', 'bambang.sutrisno@$d', 'made.sudarsana@$d', 'ahmad.fauzi@$d')"
run 0 "a verifier of Diskominfo" -- asnctl verifier add "ahmad.fauzi@$d" --opd Diskominfo \
	--name "Ahmad Fauzi" --phone 081234567890
run 0 "an admin of every OPD" -- asnctl verifier add "budi.santoso@$d" --all --name "Budi Admin"
# siti.rahma2's mailbox cannot be created: a file where its directory goes
mkdir -p "$work/vmail/$d"
chown "$mail_user:$mail_group" "$work/vmail/$d"
echo "not a directory" >"$work/vmail/$d/siti.rahma2"

now4=$(later 4)
ASN_NOW=$now4 run 0 "--dry-run" -- notify --dry-run
for line in "siti.rahma@$d	activation_expired	Tautan aktivasi akun BSrE Anda sudah kedaluwarsa" \
	"bambang.sutrisno@$d	passphrase_not_set	Passphrase sertifikat elektronik Anda belum diatur" \
	"made.sudarsana@$d	certificate_expiring	Sertifikat elektronik Anda segera habis masa berlakunya" \
	"sri.wahyuni@$d	default_password	Kata sandi bawaan email dinas Anda belum diganti" \
	"siti.rahma2@$d	default_password	" "budi.santoso@$d	default_password	" \
	"ahmad.fauzi@$d	digest	Ringkasan harian" "budi.santoso@$d	digest	Ringkasan harian"; do
	contains "$work/stdout" "$line" "--dry-run lists: $(echo "$line" | cut -f1,2 | tr '\t' ' ')"
done
[ "$(grep -c "	" "$work/stdout")" = 8 ]
ok $? "--dry-run: one line per message, nothing else due"
contains "$work/stdout" "dry run: 6 notices, 2 digests would be sent" "--dry-run: the counts"
[ "$(sent_rows "")" = 0 ] && [ "$(count_subject "sri.wahyuni@$d" "Kata sandi bawaan email dinas Anda belum diganti")" = 0 ]
ok $? "--dry-run sent and remembered nothing"

ASN_NOW=$now4 run 75 "notify: one mailbox cannot be written (exit 75)" -- notify
contains "$work/stderr" "siti.rahma2@$d: default_password not delivered" "the mailbox is named on stderr"
contains "$work/stdout" "5 notices, 2 digests sent, 0 verifiers without change, 1 not delivered" "and counted"
[ "$(sent_rows "WHERE recipient = 'siti.rahma2@$d'")" = 0 ]
ok $? "the undelivered notice is not remembered"
for pair in "siti.rahma@$d:Tautan aktivasi akun BSrE Anda sudah kedaluwarsa" \
	"bambang.sutrisno@$d:Passphrase sertifikat elektronik Anda belum diatur" \
	"made.sudarsana@$d:Sertifikat elektronik Anda segera habis masa berlakunya" \
	"sri.wahyuni@$d:Kata sandi bawaan email dinas Anda belum diganti" \
	"budi.santoso@$d:Kata sandi bawaan email dinas Anda belum diganti" \
	"ahmad.fauzi@$d:Ringkasan harian" "budi.santoso@$d:Ringkasan harian"; do
	[ "$(count_subject "${pair%%:*}" "${pair#*:}")" = 1 ]
	ok $? "in INBOX once: ${pair%%:*} '${pair#*:}'"
done
inbox_text "bambang.sutrisno@$d" >"$work/bambang"
contains "$work/bambang" "Ahmad Fauzi, telepon +6281234567890, email ahmad.fauzi@$d" "the notice names the OPD's verifier"
contains "$work/bambang" "Yth. Bapak/Ibu Bambang Sutrisno" "to the person, in Bahasa Indonesia"
lacks "$work/bambang" "://" "no link in the notice"
lacks "$work/bambang" "Budi Admin" "an admin is not named as the OPD's verifier"
inbox_text "budi.santoso@$d" >"$work/budi"
contains "$work/budi" "Instansi Anda (BKD) belum memiliki verifikator terdaftar: hubungi admin" "an OPD without a verifier: the mail admin"
password=$(cut -d';' -f2 "$work/sheet.csv" | grep -v -i password | head -1)
! grep -q -F "$password" "$work/budi" "$work/bambang"
ok $? "no default password in any notice"

# the digests' numbers are asnctl progress's (same clock)
inbox_text "ahmad.fauzi@$d" >"$work/ahmad"
ASN_NOW=$now4 asnctl progress --opd Diskominfo --csv >"$work/progress.csv"
users=$(grep '^TOTAL,' "$work/progress.csv" | cut -d, -f2)
issued=$(grep '^TOTAL,' "$work/progress.csv" | cut -d, -f7)
flagged=$(sed '1,/^\r$/d' "$work/progress.csv" | grep -c '@')
contains "$work/ahmad" "Pengguna: $users" "digest: users as asnctl progress --opd ($users)"
contains "$work/ahmad" "Sertifikat terbit: $issued" "digest: issued as asnctl progress --opd ($issued)"
contains "$work/ahmad" "Perlu dibantu: $flagged" "digest: flagged as asnctl progress --opd ($flagged)"
contains "$work/ahmad" "https://portal.jatimprov.go.id/" "digest: the portal linked"
lacks "$work/ahmad" "budi.santoso@" "digest: a verifier sees only their OPD"
grep -A1 -F "Bambang Sutrisno <bambang.sutrisno@$d> (Diskominfo)" "$work/ahmad" | grep -q "passphrase belum diatur"
ok $? "digest: who is stuck and why"
inbox_text "budi.santoso@$d" >"$work/budi"
ASN_NOW=$now4 asnctl progress --csv >"$work/progress.csv"
users=$(grep '^TOTAL,' "$work/progress.csv" | cut -d, -f2)
contains "$work/budi" "Angka saat ini (semua OPD):" "admin digest: every OPD"
contains "$work/budi" "Pengguna: $users" "admin digest: users as asnctl progress's TOTAL ($users)"

# the mailbox fixed: the next run serves it, and nothing else again
rm -f "$work/vmail/$d/siti.rahma2"
ASN_NOW=$now4 run 0 "the next run" -- notify
contains "$work/stdout" "siti.rahma2@$d	default_password" "the undelivered notice is tried again"
contains "$work/stdout" "1 notices, 0 digests sent, 2 verifiers without change" "and only it"
[ "$(count_subject "siti.rahma2@$d" "Kata sandi bawaan email dinas Anda belum diganti")" = 1 ]
ok $? "it is in INBOX"
ASN_NOW=$now4 run 0 "a third run" -- notify
contains "$work/stdout" "0 notices, 0 digests sent" "nothing is sent twice"
[ "$(count_subject "sri.wahyuni@$d" "Kata sandi bawaan email dinas Anda belum diganti")" = 1 ] &&
	[ "$(count_subject "ahmad.fauzi@$d" "Ringkasan harian")" = 1 ]
ok $? "INBOXes unchanged"
ASN_NOW=$now4 run 0 "--dry-run --only verifiers" -- notify --dry-run --only verifiers
contains "$work/stdout" "ahmad.fauzi@$d	digest	(none: nothing changed since" "--dry-run says when no digest is due"

# a new occurrence: a new default password, still unchanged 3 days later
ASN_NOW=$now4 asnctl reset "sri.wahyuni@$d" --sheet "$work/reset.csv" >/dev/null
now8=$(later 8)
ASN_NOW=$now8 run 0 "four days after a reset" -- notify --only asn
contains "$work/stdout" "sri.wahyuni@$d	default_password" "a new default password is told again"
lacks "$work/stdout" "made.sudarsana@$d" "the same certificate is not"
[ "$(count_subject "sri.wahyuni@$d" "Kata sandi bawaan email dinas Anda belum diganti")" = 2 ]
ok $? "a second notice in INBOX"
ASN_NOW=$now8 run 0 "the digest after" -- notify --only verifiers
contains "$work/stdout" "ahmad.fauzi@$d	digest" "the verifier hears of the new default password"

# a verifier's case holds the person's notices while it is recent
# (asn_case_notice_hold, 7 days)
ASN_NOW=$now8 asnctl reset "sri.wahyuni@$d" --sheet "$work/reset2.csv" >/dev/null
ASN_NOW=$now8 run 0 "the verifier records a case" -- asnctl case add "sri.wahyuni@$d" \
	--kind link_not_received --action asn_called --as "ahmad.fauzi@$d"
now12=$(later 12)
ASN_NOW=$now12 run 0 "four days after the reset, the case recorded" -- notify --dry-run --only asn
contains "$work/stdout" "sri.wahyuni@$d	default_password	(held: a verifier's case is open or recent)" "the notice is held, and --dry-run says why"
now16=$(later 16)
ASN_NOW=$now16 run 0 "eight days after the case" -- notify --only asn
contains "$work/stdout" "sri.wahyuni@$d	default_password	Kata sandi bawaan" "the hold ends with its window"

run 64 "--only with a bad value" -- notify --only everyone
contains "$work/stderr" "--only everyone: give asn or verifiers" "names what it takes"
ASN_DOVEADM=/nonexistent/doveadm run 69 "no doveadm" -- notify
contains "$work/stderr" "/nonexistent/doveadm: cannot run it" "says which"
tap_finish
