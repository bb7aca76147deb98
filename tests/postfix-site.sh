#!/bin/sh
# A real site: Debian's Postfix in front of the private Dovecot, both
# running the shipped files (contrib/postfix/main.cf and master.cf,
# conf.d/91-asn-postfix.conf, the README's site section), driven by a real
# SMTP client (swaks): submission refuses a default password with our
# reason and sends after the change; port 25 refuses unknown recipients at
# RCPT time and queues nothing.  BSrE mail from outside, through Postfix,
# LMTP and the plugin's own DKIM check against keys in a private DNS
# server (dnsmasq), each verdict read with asnctl status: a signed mail is
# trusted and moves the stage; a changed body, a signature of another
# domain, a look-alike From and a forged Authentication-Results are not,
# and raise suspicious_bsre_mail; with the DNS server stopped a mail is
# still delivered, recorded unverified, and trusted by asnctl verify once
# the DNS answers again.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/dkim-env.sh"
dkim_require
# BSrE's key, an attacker's, a look-alike domain's: each domain answered
# by the private DNS server alone
dkim_genkey sel1 bssn.go.id
dkim_genkey att attacker.example
dkim_genkey look bssn-go.id
dns_serve() {
	dns_start --local=/bssn.go.id/ --local=/attacker.example/ --local=/bssn-go.id/ \
		--txt-record="sel1._domainkey.bssn.go.id,$(dkim_record_strings sel1)" \
		--txt-record="att._domainkey.attacker.example,$(dkim_record_strings att)" \
		--txt-record="look._domainkey.bssn-go.id,$(dkim_record_strings look)"
}
dns_serve
trap 'dns_stop; rm -rf "$work"' EXIT
# and once Dovecot runs, its exit trap stops the DNS server too
ASN_CLEANUP="dns_stop; ${ASN_CLEANUP:-}"
# The site's own authserv-id is set: under asn_bsre_trust = dkim (the
# default) Authentication-Results still count for nothing.
printf "asn_bsre_authserv_id = mx.jatimprov.go.id\nasn_bsre_dkim_resolver = 127.0.0.1:%s\n" \
	"$dns_port" >>"$work/asnctl.conf"
DOVECOT_EXTRA_CONF="plugin {
  asn_bsre_authserv_id = mx.jatimprov.go.id
  asn_bsre_dkim_resolver = 127.0.0.1:$dns_port
  asn_bsre_dkim_timeout = 3s
}"
. "$top_srcdir/tests/dovecot-env.sh"
. "$top_srcdir/tests/postfix-env.sh"

sender=ahmad.fauzi@jatimprov.go.id
rcpt=sri.wahyuni@jatimprov.go.id
bsre_user=siti.rahma@jatimprov.go.id
unknown=tidak.ada@jatimprov.go.id
new_pw="Kq#9zVw2Lp7Xm"

swaks_rc() { cat "$work/$1.rc"; }
# Each client from an address of its own (127.0.1.N): Dovecot delays the
# logins of an address after a failed one (its auth penalty, per client
# IP, which Postfix passes on), and none of them is in mynetworks.
client_n=0
swaks_run() {	# swaks_run KEY ARGS: output in $work/KEY, exit status in $work/KEY.rc
	key=$1; shift
	client_n=$((client_n + 1))
	swaks_t --local-interface "127.0.1.$client_n" "$@" >"$work/$key" 2>&1
	echo $? >"$work/$key.rc"
}
# a mailbox's messages with SUBJECT (doveadm search), waiting up to 15 s
# for the delivery
delivered() {	# delivered USER SUBJECT
	for i in $(seq 1 150); do
		[ -n "$(doveadm_t search -u "$1" mailbox INBOX subject "$2" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

touch "$work/start-stamp"
import_test_accounts
postfix_prepare; ok $? "private Postfix configured (postfix check) with contrib/postfix/main.cf and master.cf"
dovecot_start; ok $? "private Dovecot started with the shipped 91-asn-postfix.conf sockets in Postfix's queue"
postfix_start; ok $? "private Postfix started on 127.0.0.1:$SMTP_PORT (smtp) and :$SUBMISSION_PORT (submission)"
[ -S "$pf_queue/private/auth" ] && [ -S "$pf_queue/private/dovecot-lmtp" ] &&
	[ "$(stat -c %U "$pf_queue/private/auth")" = postfix ]
ok $? "Dovecot's auth and LMTP sockets are in the queue's private/, owned by postfix"

# --- Submission: TLS before AUTH, then Dovecot's refusal in the 535 reply
swaks_run ehlo --port "$SUBMISSION_PORT" --quit-after EHLO
contains "$work/ehlo" "STARTTLS" "submission offers STARTTLS"
grep -q "AUTH" "$work/ehlo"
[ $? -eq 1 ]; ok $? "submission offers no AUTH before TLS"
swaks_run plain --port "$SUBMISSION_PORT" --from "$sender" --to "$rcpt" --quit-after MAIL
contains "$work/plain" "530 5.7.0 Must issue a STARTTLS command first" "and accepts no mail before TLS (smtpd_tls_security_level=encrypt)"
swaks_run tls-ehlo --port "$SUBMISSION_PORT" --tls --quit-after EHLO
contains "$work/tls-ehlo" "250-AUTH PLAIN LOGIN" "after STARTTLS it offers AUTH (Dovecot's mechanisms)"

swaks_run default --port "$SUBMISSION_PORT" --tls --auth PLAIN --auth-user "$sender" \
	--auth-password "$(pw_of "$sender")" --from "$sender" --to "$rcpt" --quit-after AUTH
[ "$(swaks_rc default)" = 28 ]; ok $? "AUTH with the default password fails (swaks exit $(swaks_rc default), want 28)"
contains "$work/default" "535 5.7.8 Error: authentication failed: Ganti dahulu kata sandi bawaan Anda melalui webmail (Pengaturan > Kata Sandi) sebelum mengirim email." \
	"Postfix's 535 carries Dovecot's reason in Bahasa Indonesia"
swaks_run wrong --port "$SUBMISSION_PORT" --tls --auth PLAIN --auth-user "$sender" \
	--auth-password "salah-sekali-123" --from "$sender" --to "$rcpt" --quit-after AUTH
contains "$work/wrong" "535 5.7.8 Error: authentication failed: (reason unavailable)" \
	"a wrong password learns nothing of the account's state"
swaks_run anon --port "$SUBMISSION_PORT" --tls --from "$sender" --to "$rcpt" --quit-after RCPT
[ "$(swaks_rc anon)" = 24 ]; ok $? "submission without AUTH refuses the recipient (swaks exit $(swaks_rc anon), want 24)"

# --- After the change: AUTH succeeds, the mail reaches the INBOX via LMTP
printf '%s\n%s\n' "$(pw_of "$sender")" "$new_pw" | asnctl passwd "$sender" --stdin >/dev/null
ok $? "asnctl passwd: $sender changes the default password"
swaks_run sent --port "$SUBMISSION_PORT" --tls --auth PLAIN --auth-user "$sender" \
	--auth-password "$new_pw" --from "$sender" --to "$rcpt" \
	--header "Subject: Undangan rapat submission $$" --body "Rapat pukul 09.00."
[ "$(swaks_rc sent)" = 0 ]; ok $? "after the change AUTH succeeds and the mail is accepted (swaks exit $(swaks_rc sent))"
[ "$(swaks_rc sent)" = 0 ] || sed 's/^/# /' "$work/sent" | tail -15
contains "$work/sent" "235 2.7.0 Authentication successful" "235 from Postfix"
delivered "$rcpt" "Undangan rapat submission $$"
ok $? "and it is in $rcpt's INBOX (doveadm search)"
[ $? -eq 0 ] || { sed 's/^/# maillog: /' "$pf_log" | tail -10; sed 's/^/# dovecot: /' "$work/dovecot.log" | tail -5; }
grep "to=<$rcpt>" "$pf_log" | grep -q "relay=.*private/dovecot-lmtp.*status=sent"
ok $? "Postfix delivered it over the LMTP socket (virtual_transport)"

# --- Port 25: an unknown recipient is refused at RCPT time, nothing queued
outsider=pengirim.$$@example.org
swaks_run unknown --port "$SMTP_PORT" --from "$outsider" --to "$unknown" \
	--header "Subject: Untuk alamat yang tidak ada $$"
[ "$(swaks_rc unknown)" = 24 ]; ok $? "port 25 refuses the unknown recipient at RCPT (swaks exit $(swaks_rc unknown), want 24)"
contains "$work/unknown" "550 5.1.1 <$unknown>: Recipient address rejected" \
	"with 550 5.1.1 (address verification against Dovecot's LMTP)"
postfix_queue_settle 15
ok $? "the queue is empty (the verification probe is done)"
[ $? -eq 0 ] || postfix_queue | sed 's/^/# /'
# an accepted message gets a queue entry (qmgr logs its sender); the probe's
# sender is Postfix's own double-bounce address
grep -q "qmgr.*from=<$outsider>" "$pf_log"
[ $? -eq 1 ]; ok $? "the refused mail never entered the queue"
grep "to=<$unknown>" "$pf_log" | grep -q "status=\(sent\|bounced\|deferred\)"
[ $? -eq 1 ]; ok $? "no delivery, bounce or deferral was attempted for the unknown address"
[ $? -eq 0 ] || grep "to=<$unknown>" "$pf_log" | sed 's/^/# /'
swaks_run relay --port "$SMTP_PORT" --from someone@example.org --to victim@example.com --quit-after RCPT
contains "$work/relay" "<victim@example.com>: Relay access denied" "port 25 is no open relay"

# --- A BSrE mail from outside on port 25: LMTP, the plugin, asnctl status
swaks_run bsre --port "$SMTP_PORT" --from noreply@bssn.go.id --to "$bsre_user" \
	--data "@$top_srcdir/tests/mail/activation.eml"
[ "$(swaks_rc bsre)" = 0 ]; ok $? "a BSrE mail is accepted on port 25 (swaks exit $(swaks_rc bsre))"
delivered "$bsre_user" "[BSrE] Aktivasi Akun"
ok $? "and delivered to $bsre_user's INBOX through LMTP"
asnctl status "$bsre_user" >"$work/status" 2>&1
grep -q "account_activation  UNTRUSTED  \[BSrE\] Aktivasi Akun <noreply@bssn.go.id> (no_signature)" "$work/status"
ok $? "its forged Authentication-Results (dkim=pass, our authserv-id) make it no more than untrusted: no signature"
[ $? -eq 0 ] || sed 's/^/# /' "$work/status"

# --- DKIM: BSrE mails signed here, each sent on port 25
bsre_mail() {	# bsre_mail FROM SUBJECT ID: a BSrE mail to $bsre_user
	printf 'From: BSrE <%s>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n\n%s\n' \
		"$1" "$bsre_user" "$2" "$(date -R)" "$3" \
		"Sertifikat elektronik Anda telah terbit.
Common Name : SITI RAHMA
Serial Number : 5A3B77
Berlaku sampai dengan 30 April 2027"
}
send_bsre() {	# send_bsre KEY FILE SUBJECT: on port 25, then delivered
	swaks_run "$1" --port "$SMTP_PORT" --from info.bsre@bssn.go.id --to "$bsre_user" \
		--data "@$2"
	[ "$(swaks_rc "$1")" = 0 ] && delivered "$bsre_user" "$3"
}
trust_line() {	# trust_line "TYPE  TRUST  SUBJECT <FROM> (WHY)": in asnctl status
	asnctl status "$bsre_user" >"$work/status" 2>&1
	grep -qF -- "$1" "$work/status"
}

bsre_mail info.bsre@bssn.go.id "[BSrE] Aktivasi Akun" site-good@bssn.go.id |
	"$dkim_sign" "$work/keys/sel1.private" sel1 bssn.go.id >"$work/good.eml"
send_bsre good "$work/good.eml" "[BSrE] Aktivasi Akun"
ok $? "a BSrE mail signed by bssn.go.id is accepted and delivered"
trust_line "account_activation  trusted    [BSrE] Aktivasi Akun <info.bsre@bssn.go.id> (dkim)"
ok $? "asnctl status: trusted by its DKIM signature"
[ $? -eq 0 ] || { sed 's/^/# /' "$work/status"; grep asn_bsre "$work/dovecot.log" | sed 's/^/# log: /'; }
contains "$work/status" "stage:        activation_sent" "and it moved the stage"

bsre_mail info.bsre@bssn.go.id "[BSrE] Informasi Akun" site-changed@bssn.go.id |
	"$dkim_sign" "$work/keys/sel1.private" sel1 bssn.go.id |
	sed 's/Serial Number : 5A3B77/Serial Number : 666666/' >"$work/changed.eml"
send_bsre changed "$work/changed.eml" "[BSrE] Informasi Akun"
ok $? "the same kind of mail with its body changed after signing is delivered"
trust_line "account_info        UNTRUSTED  [BSrE] Informasi Akun <info.bsre@bssn.go.id> (body_changed)"
ok $? "and recorded untrusted: body_changed"
contains "$work/status" "stage:        activation_sent" "it moved nothing"

bsre_mail info.bsre@bssn.go.id "[BSrE] Set Passphrase" site-other@bssn.go.id |
	"$dkim_sign" "$work/keys/att.private" att attacker.example >"$work/other.eml"
send_bsre other "$work/other.eml" "[BSrE] Set Passphrase"
trust_line "set_passphrase      UNTRUSTED  [BSrE] Set Passphrase <info.bsre@bssn.go.id> (not_a_sender)"
ok $? "From bssn.go.id signed by attacker.example: untrusted, not_a_sender"

bsre_mail info.bsre@bssn-go.id "[BSrE] Reset Password Akun" site-look@bssn-go.id |
	"$dkim_sign" "$work/keys/look.private" look bssn-go.id >"$work/look.eml"
send_bsre look "$work/look.eml" "[BSrE] Reset Password Akun"
trust_line "password_reset      UNTRUSTED  [BSrE] Reset Password Akun <info.bsre@bssn-go.id> (sender_not_trusted)"
ok $? "a look-alike From (bssn-go.id) with its own valid signature: untrusted"
contains "$work/status" "suspicious_bsre_mail: " "the forged mails raise suspicious_bsre_mail"

# --- the DNS server stopped: delivered all the same, unverified, then
# trusted by asnctl verify once the DNS answers again
dns_stop
bsre_mail info.bsre@bssn.go.id "[BSrE] Sertifikat Elektronik Terbit" site-dns@bssn.go.id |
	"$dkim_sign" "$work/keys/sel1.private" sel1 bssn.go.id >"$work/dns.eml"
send_bsre dns "$work/dns.eml" "[BSrE] Sertifikat Elektronik Terbit"
ok $? "with the DNS server stopped a signed BSrE mail is still delivered"
trust_line "certificate_issued  UNVERIFIED [BSrE] Sertifikat Elektronik Terbit <info.bsre@bssn.go.id> (resolver_unreachable)"
ok $? "and recorded unverified"
[ $? -eq 0 ] || sed 's/^/# /' "$work/status"
contains "$work/status" "bsre_mail_unverified: " "status tells the verifier it waits for a check"
lacks "$work/status" "certificate:  serial 5A3B77" "an unverified certificate mail is not shown as the certificate"
sqlite3 "$work/db/bsre/bsre.db" "SELECT dkim_facts FROM bsre_events WHERE message_key = 'site-dns@bssn.go.id'" >"$work/facts"
grep -q "^asn-dkim-facts 1 1" "$work/facts" && ! grep -q "5A3B77\|telah terbit" "$work/facts"
ok $? "what it keeps for the check is the header and the body hash's match, not the body"
dns_serve
sed -i "s|^asn_bsre_dkim_resolver = .*|asn_bsre_dkim_resolver = 127.0.0.1:$dns_port|" "$work/asnctl.conf"
asnctl verify >"$work/verify" 2>&1
contains "$work/verify" "1 unverified BSrE events judged again: 1 trusted, 0 untrusted, 0 still unverified" \
	"DNS back: asnctl verify judges it again"
trust_line "certificate_issued  trusted    [BSrE] Sertifikat Elektronik Terbit <info.bsre@bssn.go.id> (dkim)"
ok $? "asnctl status: now trusted by DKIM"
contains "$work/status" "stage:        certificate_issued" "and the stage moved to certificate_issued"
[ -z "$(sqlite3 "$work/db/bsre/bsre.db" "SELECT dkim_facts FROM bsre_events WHERE message_key = 'site-dns@bssn.go.id'")" ]
ok $? "its DKIM facts are dropped once the verdict is final"
! grep -q "5A3B77\|telah terbit" "$work/dovecot.log"
ok $? "no body text reached Dovecot's log"

# --- asnctl scan of the delivered mail judges as the delivery did; a key
# gone from DNS since is unverified, never trusted
verdicts() {	# verdicts DB: key|trusted|trusted_by|trust_reason of the DKIM mails
	sqlite3 -separator '|' "$1" "SELECT message_key, trusted, trusted_by, trust_reason
		FROM bsre_events WHERE message_key LIKE 'site-%' ORDER BY message_key"
}
maildir="$work/vmail/jatimprov.go.id/siti.rahma/Maildir"
sed "s|^asn_db = .*|asn_db = $work/scan/asn.db|" "$work/asnctl.conf" >"$work/scan.conf"
"$ASNCTL" -c "$work/scan.conf" init >/dev/null 2>&1
"$ASNCTL" -c "$work/scan.conf" scan --user "$bsre_user" "$maildir" >"$work/scan.out" 2>&1
verdicts "$work/db/bsre/bsre.db" >"$work/delivery.verdicts"
verdicts "$work/scan/bsre/bsre.db" >"$work/scan.verdicts"
[ "$(wc -l <"$work/scan.verdicts")" = 5 ] && diff "$work/delivery.verdicts" "$work/scan.verdicts" >"$work/diff" 2>&1
ok $? "asnctl scan of the mailbox gives the five DKIM verdicts the delivery gave"
[ $? -eq 0 ] || { sed 's/^/# /' "$work/diff" "$work/scan.out"; }
dns_stop
dns_start --local=/bssn.go.id/
sed -i "s|^asn_bsre_dkim_resolver = .*|asn_bsre_dkim_resolver = 127.0.0.1:$dns_port|" "$work/scan.conf"
sed "s|^asn_db = .*|asn_db = $work/rotated/asn.db|" "$work/scan.conf" >"$work/rotated.conf"
"$ASNCTL" -c "$work/rotated.conf" init >/dev/null 2>&1
"$ASNCTL" -c "$work/rotated.conf" scan --user "$bsre_user" "$maildir" >/dev/null 2>&1
[ "$(sqlite3 -separator '|' "$work/rotated/bsre/bsre.db" "SELECT trusted, unverified, trust_reason
	FROM bsre_events WHERE message_key = 'site-good@bssn.go.id'")" = "0|1|key_gone" ]
ok $? "scanned after BSrE's key left DNS: unverified (key_gone), not trusted"

# --- The README quotes what ran here: each file's lines (without its
# comments), in order, in one of its blocks
quoted() {	# quoted FILE: 0 when README.md has FILE's setting lines in a row
	grep -v '^[[:space:]]*#' "$1" | grep -v '^[[:space:]]*$' >"$work/quoted"
	awk 'NR == FNR { want[++n] = $0; next } { line[++m] = $0 }
		END { for (i = 1; i <= m - n + 1; i++) {
			for (j = 1; j <= n && line[i + j - 1] == want[j]; j++) ;
			if (j > n) exit 0 }
		exit 1 }' "$work/quoted" "$top_srcdir/README.md"
}
for f in contrib/postfix/main.cf contrib/postfix/master.cf conf.d/91-asn-postfix.conf conf.d/2.4/91-asn-postfix.conf; do
	quoted "$top_srcdir/$f"
	ok $? "README.md quotes $f as the test ran it"
done

# --- The system's Postfix was not touched
postfix_stop
[ -z "$(find /etc/postfix /var/spool/postfix -newer "$work/start-stamp" 2>/dev/null | head -1)" ]
ok $? "nothing under /etc/postfix or /var/spool/postfix changed"

tap_finish
