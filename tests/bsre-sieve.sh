#!/bin/sh
# The delivery plugin beside Sieve (Pigeonhole), as most sites run LMTP:
# Sieve still decides where mail goes, and the BSrE mail it files into a
# folder, or discards, is still recorded.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
[ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ] ||
	skip_all "Pigeonhole (dovecot-sieve) is not installed"
ASN_SYSTEM_MODULES=lib90_sieve_plugin.so
. "$top_srcdir/tests/dovecot-env.sh"
# The user's script, in the syntax of the Dovecot line (Pigeonhole 0.5 / 2.4).
if [ "$DOVECOT_LINE" = 2.3 ]; then
	sieve_conf="plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}"
else
	sieve_conf="sieve_script personal {
  driver = file
  path = ~/sieve
  active_path = ~/.dovecot.sieve
}"
fi
DOVECOT_EXTRA_CONF="protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
lda_mailbox_autocreate = yes
$sieve_conf"

user=siti.rahma@jatimprov.go.id
other=ahmad.fauzi@jatimprov.go.id
bsre_db="$work/db/bsre/bsre.db"
corpus="$top_srcdir/tests/mail"
home() { echo "$work/vmail/jatimprov.go.id/${1%@*}"; }
lmtp_send() { "$top_builddir/tests/lmtp-send" 127.0.0.1 "$LMTP_PORT" "$@"; }

import_test_accounts
for u in "$user" "$other"; do
	mkdir -p "$(home "$u")"
	chown "$mail_user:$mail_group" "$(home "$u")"
done
cat >"$(home "$user")/.dovecot.sieve" <<'SIEVE'
require "fileinto";
if header :contains "subject" "[BSrE]" { fileinto "BSrE"; stop; }
SIEVE
cat >"$(home "$other")/.dovecot.sieve" <<'SIEVE'
if header :contains "subject" "[BSrE]" { discard; stop; }
SIEVE
dovecot_start; ok $? "private Dovecot with sieve and asn_bsre for LMTP"
doveconf -c "$dovecot_conf_dir/dovecot.conf" -f protocol=lmtp -h mail_plugins >"$work/plugins" 2>&1
grep -q "asn_bsre" "$work/plugins" && grep -q "sieve" "$work/plugins"
ok $? "LMTP loads both: $(cat "$work/plugins")"

lmtp_send "$user" "$corpus/activation.eml" "$corpus/ordinary.eml" >"$work/out" 2>&1
contains "$work/out" "2 delivered, 0 refused" "delivered"
ls "$(home "$user")/Maildir/.BSrE/new/" 2>/dev/null | grep -q .
ok $? "Sieve filed the BSrE mail into its folder"
ls "$(home "$user")/Maildir/new/" 2>/dev/null | grep -q .
ok $? "and the ordinary mail into INBOX"
[ "$(bsre_query "SELECT count(*) FROM bsre_events WHERE email = '$user' AND type = 'account_activation'")" = 1 ]
ok $? "the BSrE mail Sieve filed is recorded"

lmtp_send "$other" "$corpus/info-q-folded.eml" >"$work/out2" 2>&1
contains "$work/out2" "1 delivered, 0 refused" "a mail Sieve discards is accepted"
[ "$(bsre_query "SELECT count(*) FROM bsre_events WHERE email = '$other' AND type = 'account_info'")" = 1 ]
ok $? "the BSrE mail Sieve discarded is still recorded (BSrE sent it)"
grep -q "Error" "$work/dovecot.log"; [ $? -eq 1 ]	# 2: no log
ok $? "no error in Dovecot's log"
[ $? -eq 0 ] || grep "Error" "$work/dovecot.log" | sed 's/^/# /' | head

dovecot_stop
tap_finish
