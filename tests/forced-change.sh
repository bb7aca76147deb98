#!/bin/sh
# The forced change on every protocol: a real Dovecot with the shipped
# conf.d files and plugins, real IMAP, POP3 and LMTP clients.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
. "$top_srcdir/tests/dovecot-env.sh"

import_test_accounts
user=siti.rahma2@jatimprov.go.id
pw=$(pw_of $user)

dovecot_start; ok $? "private Dovecot started with the shipped conf.d files and plugins"
# A folder made by an admin tool (doveadm is never restricted).
doveadm_t mailbox create -u "$user" Arsip >"$work/out" 2>&1; ok $? "doveadm creates a folder for a must-change user"

# --- IMAP with the default password
imap_probe "$user" "$pw" list create Baru select Arsip select INBOX fetch-subjects >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP login with the default password is allowed"
contains "$work/imap" "alert: Anda masih memakai kata sandi bawaan" "an [ALERT] in Bahasa Indonesia follows the login reply"
contains "$work/imap" "Pengaturan > Kata Sandi" "the alert says where to change it"
[ "$(grep -c '^list:' "$work/imap")" = 1 ] && grep -q "^list: INBOX$" "$work/imap"
ok $? "LIST shows only INBOX"
contains "$work/imap" "create Baru: NO Ganti dahulu kata sandi bawaan" "CREATE refused with the hint"
contains "$work/imap" "select Arsip: NO Ganti dahulu kata sandi bawaan" "SELECT of another folder refused with the hint"
contains "$work/imap" "select INBOX: OK" "SELECT INBOX works"
contains "$work/imap" "subject: Subject: Segera ganti kata sandi bawaan email dinas Anda" "the notice is in INBOX"


IMAP_PROBE_TRACE=1 imap_probe "$user" "$pw" examine Arsip rename Arsip Lain rename INBOX Lain delete Arsip delete INBOX create Baru >"$work/trace" 2>&1
[ "$(grep -c '^S: [^ ]* NO \[NOPERM\] Ganti dahulu kata sandi bawaan' "$work/trace")" = 5 ]
r=$?
ok $r "EXAMINE, RENAME (also of INBOX), DELETE, CREATE: each NO [NOPERM] with the hint"
[ $r -eq 0 ] || grep "^S: [^*]" "$work/trace" | sed 's/^/# /'
contains "$work/trace" "delete INBOX: NO" "DELETE INBOX refused (by Dovecot itself)"
awk '/^S: [^* ]+ OK .*Logged in/ { login = NR } /^S: \* OK \[ALERT\]/ { alert = NR } END { exit !(login > 0 && alert > login) }' "$work/trace"
ok $? "the untagged * OK [ALERT] comes right after the tagged login reply"
imap_probe "$user" "$pw" select INBOX >"$work/imap2" 2>&1
contains "$work/imap2" "exists: 1" "after a second login the notice is still there once"
doveadm_t mailbox list -u "$user" >"$work/out" 2>&1
contains "$work/out" "Arsip" "the other folder still exists (doveadm sees it)"

# --- NOTIFY (RFC 5465) must not name the folders LIST hides: another
# client creates and subscribes a folder, then a mail reaches INBOX (its
# STATUS marks the end of the events).
notify_probe() {	# notify_probe USER PASSWORD FOLDER
	imap_probe "$1" "$2" \
		raw "NOTIFY SET STATUS (personal (MessageNew MessageExpunge MailboxName SubscriptionChange))" \
		shell "$DOVEADM -c $dovecot_conf_dir/dovecot.conf mailbox create -s -u $1 $3 &&
		       $top_builddir/tests/lmtp-probe 127.0.0.1 $LMTP_PORT sender@example.org $1 Penanda" \
		wait-for "STATUS INBOX" 10
}
quiet=made.sudarsana@jatimprov.go.id
quiet_pw=$(pw_of $quiet)
imap_probe "$quiet" "$quiet_pw" >/dev/null 2>&1	# the notice, first
doveadm_t mailbox create -u "$quiet" Arsip >/dev/null 2>&1
notify_probe "$quiet" "$quiet_pw" Rahasia >"$work/notify" 2>&1
contains "$work/notify" "OK NOTIFY completed" "NOTIFY SET accepted in the restricted session"
contains "$work/notify" "wait-for: STATUS INBOX" "NOTIFY still reports INBOX in the restricted session"
notify_names() {	# notify_names FILE: the folder named by each LIST/STATUS
	awk '/^(raw|untagged): \* LIST / { print $NF } /^(raw|untagged): \* STATUS / { print $4 }' "$1"
}
! notify_names "$work/notify" | tr -d '"' | grep -qvx INBOX
ok $? "NOTIFY names no folder but INBOX in the restricted session (neither the new one nor Arsip)"
notify_names "$work/notify" | tr -d '"' | grep -vx INBOX | sed 's/^/# leaked: /'
printf '%s\n%s\n' "$quiet_pw" "Kq#9zVw2Lp7Xm" | asnctl passwd "$quiet" --stdin >/dev/null
notify_probe "$quiet" "Kq#9zVw2Lp7Xm" Baru >"$work/notify2" 2>&1
contains "$work/notify2" 'untagged: * LIST () "." Baru' "after the change NOTIFY reports a new folder (the check above can fail)"

# --- POP3
pop3_probe "$(echo "$user")" "$pw" >"$work/pop3" 2>&1
contains "$work/pop3" "login: OK" "POP3 login with the default password"
contains "$work/pop3" "messages: 1" "POP3 sees INBOX with the notice"
contains "$work/pop3" "subject: Segera ganti kata sandi bawaan" "POP3 can read the notice"
other=ahmad.fauzi@jatimprov.go.id
pop3_probe "$other" "$(pw_of $other)" >"$work/pop3b" 2>&1
contains "$work/pop3b" "messages: 1" "a first login over POP3 also gets the notice"

# --- notice text
doveadm_t fetch -u "$user" text mailbox INBOX all >"$work/notice" 2>&1
contains "$work/notice" "Yth. Bapak/Ibu Siti Rahma" "the notice addresses the user by name"
contains "$work/notice" "minimal 12 karakter" "the notice states the policy"
contains "$work/notice" "berlaku sampai" "the notice states the deadline"

# --- SMTP/submission refused through the passdb, IMAP allowed
doveadm_t auth test -x service=smtp "$user" "$pw" >"$work/smtp" 2>&1; r=$?
[ $r -ne 0 ]; ok $? "doveadm auth test -x service=smtp refuses a must-change user"
contains "$work/smtp" "sebelum mengirim email" "smtp refusal gives the reason"
doveadm_t auth test -x service=submission "$user" "$pw" >"$work/sub" 2>&1; [ $? -ne 0 ]; ok $? "service=submission refused too"
doveadm_t auth test -x service=imap "$user" "$pw" >"$work/out" 2>&1; ok $? "service=imap accepted"
doveadm_t auth test -x service=smtp "$user" "Wrong#Pass99x" >"$work/out" 2>&1
lacks "$work/out" "sebelum mengirim" "a wrong password does not learn the account state"

# --- LMTP delivery to a must-change user
lmtp_probe "$user" "Uji pengiriman LMTP" >"$work/lmtp" 2>&1; ok $? "LMTP delivery to a must-change user accepted"
doveadm_t search -u "$user" mailbox INBOX subject "Uji pengiriman" >"$work/out" 2>&1
[ -s "$work/out" ]; ok $? "the delivered mail is in INBOX"

# --- after the change: no alert, no restriction, no new notice
printf '%s\n%s\n' "$pw" "Kq#9zVw2Lp7Xm" | asnctl passwd "$user" --stdin >/dev/null
imap_probe "$user" "Kq#9zVw2Lp7Xm" create Baru list select Arsip >"$work/imap3" 2>&1
contains "$work/imap3" "login: OK" "login with the new password"
lacks "$work/imap3" "alert:" "no ALERT once the password is changed"
contains "$work/imap3" "create Baru: OK" "CREATE works after the change"
contains "$work/imap3" "list: Arsip" "LIST shows every folder after the change"
contains "$work/imap3" "select Arsip: OK" "SELECT of other folders works after the change"
imap_probe "$user" "$pw" >"$work/imap4" 2>&1
contains "$work/imap4" "login: NO" "the old default password fails"
doveadm_t mailbox status -u "$user" messages INBOX >"$work/status" 2>&1
contains "$work/status" "messages=2" "no new notice after the change (notice + LMTP mail)"
doveadm_t auth test -x service=smtp "$user" "Kq#9zVw2Lp7Xm" >"$work/out" 2>&1; ok $? "smtp allowed after the change"

# --- reset: a new default brings a new notice
sleep 1	# a new password_set_at second
asnctl reset "$user" --sheet "$work/reset.csv" >/dev/null
newpw=$(grep "^$user," "$work/reset.csv" | cut -d',' -f2)
imap_probe "$user" "$newpw" list select INBOX >"$work/imap5" 2>&1
contains "$work/imap5" "alert: Anda masih memakai" "after a reset the ALERT is back"
contains "$work/imap5" "exists: 3" "after a reset a new notice is put in INBOX"

# --- expired default password: refused everywhere with the reason
db_query "update accounts set initial_password_expires_at = 1000 where email = '$user'"
imap_probe "$user" "$newpw" >"$work/imap6" 2>&1
contains "$work/imap6" "login: NO" "IMAP login with an expired default password refused"
contains "$work/imap6" "alert: Kata sandi bawaan Anda sudah kedaluwarsa" "IMAP shows the expiry reason as [ALERT]"
pop3_probe "$user" "$newpw" >"$work/pop3x" 2>&1
contains "$work/pop3x" "login: ERR" "POP3 login with an expired default password refused"
doveadm_t auth test "$user" "$newpw" >"$work/out" 2>&1; [ $? -ne 0 ]; ok $? "doveadm auth test refuses the expired default password"
lmtp_probe "$user" "Masih terkirim" >"$work/out" 2>&1; ok $? "mail is still delivered to an account with an expired password"

# --- disabled: refused everywhere, mail still delivered
other_pw=$(pw_of "$other")
asnctl disable "$other" >/dev/null
imap_probe "$other" "$other_pw" >"$work/out" 2>&1; contains "$work/out" "login: NO" "disabled: IMAP refused"
pop3_probe "$other" "$other_pw" >"$work/out" 2>&1; contains "$work/out" "login: ERR" "disabled: POP3 refused"
doveadm_t auth test -x service=smtp "$other" "$other_pw" >"$work/out" 2>&1; [ $? -ne 0 ]; ok $? "disabled: smtp refused"
lmtp_probe "$other" "Untuk akun nonaktif" >"$work/out" 2>&1; ok $? "disabled: mail still delivered"

# --- asn_restrict = none: no restriction, the alert stays
dovecot_stop
DOVECOT_EXTRA_CONF="plugin {
  asn_restrict = none
}"
dovecot_start >/dev/null
third=bambang.sutrisno@jatimprov.go.id
imap_probe "$third" "$(pw_of $third)" create Bebas >"$work/out" 2>&1
contains "$work/out" "create Bebas: OK" "asn_restrict = none lifts the restriction"
contains "$work/out" "alert: Anda masih memakai" "asn_restrict = none keeps the ALERT"

# --- a misspelt value fails the session with its name, never a guess.
# 2.3: the plugin checks plugin {}.  2.4: doveconf refuses it in the
# configuration (dovecot-settings.sh), but a userdb field is a per-user
# setting that only the session's settings_get sees: that failure must
# not read as "password changed" (it did: every asn_* read came back
# unset and the default-password session ran unrestricted).
dovecot_stop
if [ "$DOVECOT_LINE" = 2.3 ]; then
	DOVECOT_EXTRA_CONF="plugin {
  asn_restrict = None
}"
else
	DOVECOT_EXTRA_CONF="userdb asn {
  fields {
    asn_restrict = None
  }
}"
fi
dovecot_start >/dev/null
imap_probe "$third" "$(pw_of $third)" create Tebakan >"$work/out" 2>&1
probe=$?
echo "# exit $probe: $(tr '\n' ' ' <"$work/out")"
[ $probe -ne 0 ] && ! grep -q "login: OK" "$work/out"
ok $? "asn_restrict = None (a typo, $DOVECOT_LINE): the default-password session is refused"
lacks "$work/out" "create Tebakan: OK" "asn_restrict = None lifts nothing"
contains "$work/dovecot.log" "asn_restrict: 'None' is not inbox or none" \
	"the log names the setting and the allowed values"

grep -qiE "panic|fatal" "$work/dovecot.log"; [ $? -eq 1 ]; ok $? "no panic or fatal error in Dovecot's log"
dovecot_stop

tap_finish
