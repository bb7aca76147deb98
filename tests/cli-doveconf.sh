#!/bin/sh
# One configuration (issue 14): without -c, asnctl and asn-passwdd read the
# asn_* settings from Dovecot's own configuration through doveconf, so a
# setting written only there (asn_bsre_authserv_id) is the one scan judges
# with, and a forged mail gets the same verdict from scan as from delivery.
# Also: where the settings came from (status), and the errors of doveconf.
. "$top_srcdir/tests/tap.sh"
# Either store: the deliveries and asnctl read it from Dovecot's
# configuration (dovecot-env.sh)
tap_setup --store
# The tools' own file has no trust settings: only Dovecot's configuration
# has them (the Authentication-Results of the site's MTA trusted).
DOVECOT_EXTRA_CONF="plugin {
  asn_bsre_authserv_id = mx.jatimprov.go.id
  asn_bsre_trust = authres
}"
. "$top_srcdir/tests/dovecot-env.sh"
user=siti.rahma@jatimprov.go.id
corpus="$top_srcdir/tests/mail"
passwdd="$top_builddir/tools/asn-passwdd"

import_test_accounts
dovecot_start; ok $? "private Dovecot started (its configuration written)"
conf="$dovecot_conf_dir/dovecot.conf"
# asnctl as an admin runs it after this change: no -c
asnctl_dc() { "$ASNCTL" --dovecot-config "$conf" "$@"; }
# the same Dovecot configuration plus lines in its syntax (2.3: plugin {})
conf_with() {	# conf_with FILE SETTING-LINE
	cp "$conf" "$1"
	if [ "$DOVECOT_LINE" = 2.3 ]; then
		printf 'plugin {\n  %s\n}\n' "$2" >>"$1"
	else
		printf '%s\n' "$2" >>"$1"
	fi
}

# --- where the settings come from
run 0 "asnctl without -c: status" -- asnctl_dc status "$user"
contains "$work/stdout" "doveconf -c $conf" "status names doveconf and Dovecot's configuration"
contains "$work/stdout" "  asn_bsre_authserv_id = mx.jatimprov.go.id" "the authserv-id written only in Dovecot's configuration"
contains "$work/stdout" "  asn_bsre_senders = bssn.go.id" "the senders"
run 0 "with -c: status" -- "$ASNCTL" -c "$work/asnctl.conf" status "$user"
contains "$work/stdout" "settings:     trust from $work/asnctl.conf (-c)" "with -c, status names the file"
contains "$work/stdout" "  asn_bsre_authserv_id = " "and its (empty) authserv-id"
lacks "$work/stdout" "mx.jatimprov.go.id" "-c reads only its file"
run 0 "status --json without -c" -- asnctl_dc status --json "$user"
contains "$work/stdout" "\"trust_settings\":{\"source\":" "JSON: the source"
contains "$work/stdout" "\"asn_bsre_authserv_id\":\"mx.jatimprov.go.id\"" "JSON: the authserv-id from Dovecot"

# --- errors: named, never a silent fall back
run 64 "-c and --dovecot-config together" -- "$ASNCTL" -c "$work/asnctl.conf" --dovecot-config "$conf" status "$user"
run 69 "no doveconf on this host" -- env ASN_DOVECONF=/nonexistent/doveconf "$ASNCTL" status "$user"
contains "$work/stderr" "cannot run /nonexistent/doveconf: No such file or directory (no Dovecot here? give the settings with -c FILE)" "names the program and the way out"
run 0 "a command's help needs no Dovecot" -- env ASN_DOVECONF=/nonexistent/doveconf "$ASNCTL" scan --help
contains "$work/stdout" "usage: asnctl scan" "and shows the usage"
run 0 "nor does asnctl help" -- env ASN_DOVECONF=/nonexistent/doveconf "$ASNCTL" help
run 78 "a Dovecot configuration that does not exist" -- "$ASNCTL" --dovecot-config "$work/none.conf" status "$user"
contains "$work/stderr" "-c $work/none.conf failed (exit" "names doveconf's configuration"
contains "$work/stderr" "$work/none.conf" "and quotes doveconf's complaint"
conf_with "$work/bad-value.conf" "asn_password_min_length = 300"
run 78 "a value the plugins refuse" -- "$ASNCTL" --dovecot-config "$work/bad-value.conf" status "$user"
contains "$work/stderr" "asn_password_min_length" "names the setting"
printf '#!/bin/sh\necho "plugin {"\n' >"$work/odd-doveconf"
chmod 755 "$work/odd-doveconf"
run 78 "doveconf output we cannot read" -- env ASN_DOVECONF="$work/odd-doveconf" "$ASNCTL" status "$user"
contains "$work/stderr" "output of $work/odd-doveconf: ends inside a block (1 not closed)" "says what is wrong with it"
# a PostgreSQL asn_db names its passfile: doveconf hides what follows
# "pass...=" unless asked (-P); nothing listens on port 1
conf_with "$work/pg.conf" "asn_db = postgresql://asn_owner@127.0.0.1:1/asn?passfile=$work/pg.pass"
"$ASNCTL" --dovecot-config "$work/pg.conf" status "$user" >"$work/pg.out" 2>&1
contains "$work/pg.out" "asn_db = postgresql://asn_owner@127.0.0.1:1/asn?passfile=$work/pg.pass:" \
	"a PostgreSQL asn_db from Dovecot's configuration keeps its passfile (not doveconf's #hidden)"

# --- asn-passwdd reads the same place
conf_with "$work/listen.conf" "asn_passwdd_listen = nowhere"
run 64 "asn-passwdd without -c reads Dovecot's configuration" -- "$passwdd" --dovecot-config "$work/listen.conf"
contains "$work/stderr" "listen address 'nowhere'" "the listen address written only there"

# --- the same verdicts from scan and from delivery
forged="forged-other-authserv.eml forged-dkim-fail.eml authres-forged-below.eml"
lmtp_send() { "$top_builddir/tests/lmtp-send" 127.0.0.1 "$LMTP_PORT" "$@"; }
(cd "$corpus" && lmtp_send "$user" activation.eml $forged) >"$work/lmtp" 2>&1
grep -q " 0 refused" "$work/lmtp"
ok $? "a genuine and three forged mails delivered"
verdicts() {	# verdicts DB: key|trusted per event (-: the delivered, either store)
	if [ "$1" = - ]; then q=bsre_query; else q="sqlite3 -separator | $1"; fi
	$q "SELECT message_key, type, trusted FROM bsre_events
		WHERE email = '$user' ORDER BY message_key"
}
verdicts - >"$work/delivery.verdicts"
grep -q "^forge2@evil.example|.*|0$" "$work/delivery.verdicts"
ok $? "delivery: the Authentication-Results of another authserv-id is not trusted"
# the scan writes a SQLite file of its own: on PostgreSQL, Dovecot's
# configuration with the deliveries' asn_bsre_db taken back (a PostgreSQL
# asn_bsre_db beside a SQLite --db is refused)
scan_conf=$conf
store_is_pgsql && { scan_conf=$work/scan-dc.conf; conf_with "$scan_conf" "asn_bsre_db ="; }
"$ASNCTL" --dovecot-config "$scan_conf" --db "$work/scan/asn.db" init >/dev/null 2>&1
(cd "$corpus" && "$ASNCTL" --dovecot-config "$scan_conf" --db "$work/scan/asn.db" scan --user "$user" activation.eml $forged) >"$work/scan.out" 2>&1
contains "$work/scan.out" "4 BSrE mails: 4 recorded" "scan without -c records the same mails"
verdicts "$work/scan/bsre/bsre.db" >"$work/scan.verdicts"
diff "$work/delivery.verdicts" "$work/scan.verdicts" >"$work/diff" 2>&1
ok $? "scan (settings from doveconf) and delivery give the same verdicts"
[ $? -eq 0 ] || sed 's/^/# /' "$work/diff"
# what the two files used to do: the tools' file without the trust settings
"$ASNCTL" -c "$work/asnctl.conf" --db "$work/old/asn.db" init >/dev/null 2>&1
(cd "$corpus" && "$ASNCTL" -c "$work/asnctl.conf" --db "$work/old/asn.db" scan --user "$user" activation.eml $forged) >/dev/null 2>&1
verdicts "$work/old/bsre/bsre.db" >"$work/old.verdicts"
! diff -q "$work/delivery.verdicts" "$work/old.verdicts" >/dev/null
ok $? "the check can fail: with -c and a file that lacks the trust settings, the verdicts differ"

tap_finish
