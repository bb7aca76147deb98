#!/bin/sh
# asn-passwdd, the webmail's change path: real HTTP requests (curl) shaped
# as Roundcube's httpapi driver sends them, a real Dovecot afterwards.
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/dovecot-env.sh"
passwdd="$top_builddir/tools/asn-passwdd"

import_test_accounts
cat >>"$work/asnctl.conf" <<CONF
asn_passwdd_max_user_failures = 3
asn_passwdd_max_client_failures = 7
asn_passwdd_failure_window = 10m
CONF

port=$(( 30000 + ($$ * 13) % 20000 ))
# ASN_PASSWDD_WRAPPER: e.g. valgrind, by run-tests.
${ASN_PASSWDD_WRAPPER:-} "$passwdd" -c "$work/asnctl.conf" --listen "127.0.0.1:$port" 2>"$work/passwdd.log" &
passwdd_pid=$!
for i in $(seq 1 300); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.1
done
dovecot_start >/dev/null
trap 'kill $passwdd_pid 2>/dev/null; dovecot_stop; rm -f ${asn_settings_link:-}; rm -rf "$work"' EXIT

# post USER CURPASS NEWPASS: prints "STATUS BODY" (one line)
post() {
	curl -s -o "$work/body" -w '%{http_code}' -X POST \
		--data-urlencode "user=$1" --data-urlencode "curpass=$2" \
		--data-urlencode "newpass=$3" "http://127.0.0.1:$port/password" >"$work/code"
	printf '%s %s\n' "$(cat "$work/code")" "$(cat "$work/body")"
}
expect() {	# expect "STATUS" "BODY-SUBSTRING" DESCRIPTION -- post args
	want_code=$1 want_body=$2 desc=$3; shift 4
	got=$(post "$@")
	case "$got" in
		"$want_code "*"$want_body"*) ok 0 "$desc ($want_code)" ;;
		*) ok 1 "$desc: got '$got', want $want_code '$want_body'" ;;
	esac
}

user=siti.rahma2@jatimprov.go.id
pw=$(pw_of $user)
expect 422 "terlalu pendek" "a weak password is refused with the reason" -- "$user" "$pw" "Ab#1x"
expect 422 "memuat nama Anda" "a name-based password is refused" -- "$user" "$pw" "SitiRahma#2026x"
expect 422 "NIP atau tanggal lahir" "a NIP-based password is refused" -- "$user" "$pw" "Kq#9z199102Vw"
expect 422 "kata sandi bawaan" "the default password itself is refused" -- "$user" "$pw" "$pw"
expect 422 "mudah ditebak" "a dictionary password is refused" -- "$user" "$pw" "Password#2026Ab"
expect 403 "Kata sandi saat ini salah" "a wrong current password: 403" -- "$user" "Wrong#Pass99x" "Kq#9zVw2Lp7Xm"
expect 403 "Kata sandi saat ini salah" "an unknown user: the same 403" -- "nobody@jatimprov.go.id" "Wrong#Pass99x" "Kq#9zVw2Lp7Xm"
[ "$(sqlite3 "$db" "select must_change from accounts where email = '$user'")" = 1 ]; ok $? "nothing changed by refusals"

# Malformed requests.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-urlencode "user=$user" "http://127.0.0.1:$port/password")
[ "$code" = 400 ]; ok $? "missing fields: 400 ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"user":"x"}' "http://127.0.0.1:$port/password")
[ "$code" = 400 ]; ok $? "not a form: 400 ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/password")
[ "$code" = 405 ]; ok $? "GET: 405 ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d 'user=a' "http://127.0.0.1:$port/other")
[ "$code" = 404 ]; ok $? "other path: 404 ($code)"
long=$(head -c 3000 /dev/zero | tr '\0' 'a')
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-urlencode "user=$user" --data-urlencode "curpass=$long" --data-urlencode "newpass=x" "http://127.0.0.1:$port/password")
[ "$code" = 400 ]; ok $? "an oversized field: 400 ($code)"

# The good change, as Roundcube's httpapi driver sends it.
expect 200 "ok" "a good password: 200 ok" -- "$user" "$pw" "Kq#9zVw2Lp7Xm"
[ "$(sqlite3 "$db" "select must_change from accounts where email = '$user'")" = 0 ]; ok $? "must_change cleared"
hash=$(sqlite3 "$db" "select password from accounts where email = '$user'")
"$DOVEADM" pw -t "$hash" -p "Kq#9zVw2Lp7Xm" >/dev/null 2>&1; ok $? "doveadm verifies the new hash"
[ "$(sqlite3 "$db" "select count(*) from audit where action = 'passwd' and actor = 'asn-passwdd' and detail like 'default password replaced via asn-passwdd (client 127.0.0.1)'")" = 1 ]
ok $? "the change is audited with the service and the client"
expect 422 "pernah Anda gunakan" "the old default cannot come back" -- "$user" "Kq#9zVw2Lp7Xm" "$pw"

# Dovecot after the change made through the webmail path.
imap_probe "$user" "Kq#9zVw2Lp7Xm" create Arsip >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP login with the new password"
lacks "$work/imap" "alert:" "no ALERT after the change"
contains "$work/imap" "create Arsip: OK" "CREATE works after the change"
imap_probe "$user" "$pw" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "the default password fails"

# Disabled and expired accounts.
dis=bambang.sutrisno@jatimprov.go.id
asnctl disable "$dis" >/dev/null
expect 403 "dinonaktifkan" "a disabled account: 403" -- "$dis" "$(pw_of $dis)" "Kq#9zVw2Lp7Xm"
exp=made.sudarsana@jatimprov.go.id
sqlite3 "$db" "update accounts set initial_password_expires_at = 1000 where email = '$exp'"
expect 403 "kedaluwarsa" "an expired default password: 403" -- "$exp" "$(pw_of $exp)" "Kq#9zVw2Lp7Xm"

# Rate limits: 3 wrong current passwords for one user, then 429 even with
# the right one; 7 failures from one client lock the client.
lim=ahmad.fauzi@jatimprov.go.id
for i in 1 2 3; do post "$lim" "Wrong#Pass9$i" "Kq#9zVw2Lp7Xm" >/dev/null; done
expect 429 "Terlalu banyak percobaan" "too many failures for a user: 429" -- "$lim" "$(pw_of $lim)" "Kq#9zVw2Lp7Xm"
curl -s -D "$work/headers" -o /dev/null -X POST --data-urlencode "user=$lim" \
	--data-urlencode "curpass=x" --data-urlencode "newpass=y" "http://127.0.0.1:$port/password"
grep -qi "^Retry-After: [0-9]" "$work/headers"; ok $? "429 carries Retry-After"
[ "$(sqlite3 "$db" "select must_change from accounts where email = '$lim'")" = 1 ]; ok $? "a 429 changes nothing"
other=sri.wahyuni@jatimprov.go.id
expect 200 "ok" "another user from the same client is not locked by one user's failures" -- "$other" "$(pw_of $other)" "Kq#9zVw2Lp7Xm"
for i in 1 2; do post "nobody$i@jatimprov.go.id" "Wrong#Pass9x" "y" >/dev/null; done
expect 429 "Terlalu banyak" "too many failures from one client: 429 for everyone" -- "siti.rahma@jatimprov.go.id" "$(pw_of siti.rahma@jatimprov.go.id)" "Kq#9zVw2Lp7Xm"

# The log: one line per request, never a password.
leaked=0
for secret in "$pw" "Kq#9zVw2Lp7Xm" "Wrong#Pass99x" "SitiRahma#2026x" "$(pw_of $lim)"; do
	grep -qF -- "$secret" "$work/passwdd.log" && leaked=1
done
[ $leaked = 0 ]; ok $? "no password in asn-passwdd's log"
contains "$work/passwdd.log" "200 $user: password changed" "the log records the change"
contains "$work/passwdd.log" "422 $user: new password refused: too_short" "the log records refusals by code"

kill $passwdd_pid
wait $passwdd_pid
r=$?
ok $r "exits 0 on SIGTERM (and, under valgrind, without memory errors)"
[ $r -eq 0 ] || sed 's/^/# /' "$work/passwdd.log" | grep -v "^# asn-passwdd: [0-9]" | head -60
contains "$work/passwdd.log" "stopping (signal 15)" "says it stops"
tap_finish
