#!/bin/sh
# The ASN's own path, end to end: Debian's Roundcube (PHP's built-in
# server) with its password plugin and dovecot-asn's asnpasswdd driver and
# config lines (contrib/roundcube/), on the private Dovecot and asn-passwdd,
# driven in headless Chromium by Playwright (tests/e2e/webmail.mjs).
# A screenshot of each step goes to tests/e2e-artifacts/ in the build tree.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/dovecot-env.sh"
e2e_node=${ASN_E2E_NODE:-$top_srcdir/_e2e-node}
shots=${ASN_E2E_ARTIFACTS:-$top_builddir/tests/e2e-artifacts}
rc_public=/var/lib/roundcube/public_html
missing=""
command -v php >/dev/null || missing="$missing php-cli"
[ -d "$rc_public" ] || missing="$missing roundcube-core"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null || missing="$missing nodejs"
[ -d "$e2e_node/node_modules/playwright-core" ] || missing="$missing playwright-core(npm, in $e2e_node)"
[ -z "$missing" ] || skip_all "not installed:$missing (./run-tests installs them)"
# the npm packages are those of the lock (scripts/deps.sh installs them with npm ci)
pinned=$(sed -n '/"node_modules\/playwright-core"/,/}/s/^ *"version": "\(.*\)",*$/\1/p' \
	"$top_srcdir/tests/e2e/package-lock.json")
installed=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$e2e_node/node_modules/playwright-core/package.json")
[ -n "$pinned" ] && [ "$installed" = "$pinned" ]
ok $? "playwright-core $installed is the version tests/e2e/package-lock.json pins ($pinned; node $(node --version))"

user=siti.rahma2@jatimprov.go.id
expired_user=sri.wahyuni@jatimprov.go.id
new_pw='Kq#9zVw2Lp7Xm'
weak_pw='Password#2026Ab'
import_test_accounts
pw=$(pw_of "$user")
expired_pw=$(pw_of "$expired_user")
nip=$(asnctl show --json "$user" | sed -n 's/.*"nip":"\([0-9]*\)".*/\1/p')
nip_pw="Kq#9z$(echo "$nip" | cut -c1-6)Vw"
# an initial password that expired yesterday
sqlite3 "$work/db/asn.db" "UPDATE accounts SET initial_password_expires_at = CAST(strftime('%s', 'now') AS INTEGER) - 86400 WHERE email = '$expired_user'"

dovecot_start; ok $? "private Dovecot started"
doveadm_t mailbox create -s -u "$user" Arsip >/dev/null 2>&1

# asn-passwdd, as on a site
pport=$(( 30000 + ($$ * 17 + 5) % 20000 ))
"$top_builddir/tools/asn-passwdd" -c "$work/asnctl.conf" --listen "127.0.0.1:$pport" \
	2>"$work/passwdd.log" &
passwdd_pid=$!

# Roundcube: a private configuration, the shipped config lines, the driver
# linked into the password plugin for the test.
src=$top_srcdir
. "$top_srcdir/scripts/webmail.sh"
rc="$work/rc"
mkdir -p "$shots"
rm -f "$shots"/*.png
rcport=$(( pport + 1 ))
ASN_CLEANUP='asn_webmail_stop; kill $passwdd_pid 2>/dev/null;'" ${ASN_CLEANUP:-}"
trap 'eval "$ASN_CLEANUP"; dovecot_stop; rm -f ${asn_settings_link:-}; rm -rf "$work"' EXIT
asn_webmail_start "$rc" "$IMAP_PORT" "$pport" "$rcport"
ok $? "Roundcube serves its login page"
for i in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$pport/" && break
	sleep 0.1
done

# the browser
RC_URL="http://127.0.0.1:$rcport" ASN_USER="$user" ASN_DEFAULT_PW="$pw" ASN_WEAK_PW="$weak_pw" \
ASN_NIP_PW="$nip_pw" ASN_NEW_PW="$new_pw" ASN_EXPIRED_USER="$expired_user" \
ASN_EXPIRED_PW="$expired_pw" ASN_SHOTS="$shots" ASN_E2E_NODE="$e2e_node" \
	timeout 240 node "$top_srcdir/tests/e2e/webmail.mjs" >"$work/browser" 2>&1
status=$?
while IFS= read -r line; do
	case "$line" in
		"ok - "*) ok 0 "browser: ${line#ok - }" ;;
		"not ok - "*) ok 1 "browser: ${line#not ok - }" ;;
		*) echo "# $line" ;;
	esac
done <"$work/browser"
[ $status -eq 0 ] && grep -q "^ok - " "$work/browser"
ok $? "the browser scenario finished (exit $status)"
[ "$(ls "$shots"/*.png 2>/dev/null | wc -l)" -ge 10 ]
ok $? "a screenshot of each step in $shots"

# what the servers saw
imap_probe "$user" "$new_pw" >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP: the password set in the browser works"
imap_probe "$user" "$pw" >"$work/imap2" 2>&1
contains "$work/imap2" "login: NO" "IMAP: the default password does not"
contains "$work/passwdd.log" "422" "asn-passwdd refused the weak passwords (422)"
[ -s "$work/passwdd.log" ] &&
	! grep -q -F -e "$new_pw" -e "$weak_pw" -e "$nip_pw" -e "$pw" "$work/passwdd.log" "$rc/logs/"* 2>/dev/null
ok $? "no password in asn-passwdd's or Roundcube's logs"
grep -h "kedaluwarsa" "$rc/logs/errors.log" >"$work/expired-log" 2>/dev/null
contains "$work/expired-log" "Kata sandi bawaan Anda sudah kedaluwarsa" "the admin's log (Roundcube's errors.log) gives the reason of the failed login"
[ -s "$work/expired-log" ] || sed 's/^/# errors.log: /' "$rc/logs/errors.log" 2>/dev/null | tail -5

tap_finish
