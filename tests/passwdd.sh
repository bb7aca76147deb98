#!/bin/sh
# asn-passwdd, the webmail's change path: real HTTP requests (curl) shaped
# as Roundcube's httpapi driver sends them, a real Dovecot afterwards.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
. "$top_srcdir/tests/dovecot-env.sh"
passwdd="$top_builddir/tools/asn-passwdd"

import_test_accounts
# The bound on receiving a request; under valgrind the server itself is
# slow enough to exceed a short one.
req_timeout=3
[ -n "${ASN_PASSWDD_WRAPPER:-}" ] && req_timeout=10
cat >>"$work/asnctl.conf" <<CONF
asn_passwdd_max_user_failures = 3
asn_passwdd_max_client_failures = 7
asn_passwdd_failure_window = 10m
asn_passwdd_request_timeout = ${req_timeout}s
asn_passwdd_trusted_proxies = 127.0.0.3
CONF

port=$(( 30000 + ($$ * 13) % 20000 ))
# ASN_PASSWDD_WRAPPER: e.g. valgrind, by run-tests.
${ASN_PASSWDD_WRAPPER:-} "$passwdd" -c "$work/asnctl.conf" --listen "127.0.0.1:$port" 2>"$work/passwdd.log" &
passwdd_pid=$!
started=1
for i in $(seq 1 300); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && { started=0; break; }
	kill -0 $passwdd_pid 2>/dev/null || break
	sleep 0.1
done
# A daemon that died or never answers: say so, with its log, rather than
# a '000' from every check below.
ok $started "asn-passwdd starts and answers"
[ $started = 0 ] || sed 's/^/# /' "$work/passwdd.log" | head -20
dovecot_start >/dev/null
trap 'kill $passwdd_pid 2>/dev/null; eval "${ASN_CLEANUP:-}"; dovecot_stop; rm -f ${asn_settings_link:-}; rm -rf "$work"' EXIT

# post USER CURPASS NEWPASS: prints "STATUS BODY" (one line); $CURL_FROM:
# extra curl options (--interface 127.0.0.N, -H X-Forwarded-For:...)
post() {
	curl -s -o "$work/body" -w '%{http_code}' -X POST ${CURL_FROM:-} \
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
[ "$(db_query "select must_change from accounts where email = '$user'")" = 1 ]; ok $? "nothing changed by refusals"

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
# A repeated field was joined into one value (user=a&user=@b read as a@b).
code=$(curl -s -o "$work/body" -w '%{http_code}' -X POST \
	-d "user=siti.rahma2" -d "user=@jatimprov.go.id" --data-urlencode "curpass=$pw" \
	-d "newpass=Kq%239zVw2Lp7Xm" \
	"http://127.0.0.1:$port/password")
[ "$code" = 400 ] && grep -q "kolom user dikirim lebih dari sekali" "$work/body"
ok $? "a repeated field: 400 naming it ($code $(cat "$work/body"))"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -F "user=$user" -F "curpass=$pw" \
	-F "curpass=x" -F "newpass=Kq#9zVw2Lp7Xm" "http://127.0.0.1:$port/password")
[ "$code" = 400 ]; ok $? "a repeated multipart field: 400 ($code)"
# A new password that is not UTF-8 cannot be typed again reliably.
code=$(curl -s -o "$work/body" -w '%{http_code}' -X POST --data-urlencode "user=$user" \
	--data-urlencode "curpass=$pw" -d "newpass=Kq%239zVw2Lp7X%E9m" "http://127.0.0.1:$port/password")
[ "$code" = 422 ] && grep -q "tidak dapat diketik ulang" "$work/body"
ok $? "a new password that is not UTF-8: 422 with the reason ($code $(cat "$work/body"))"

# The good change, as Roundcube's httpapi driver sends it.
expect 200 "ok" "a good password: 200 ok" -- "$user" "$pw" "Kq#9zVw2Lp7Xm"
[ "$(db_query "select must_change from accounts where email = '$user'")" = 0 ]; ok $? "must_change cleared"
hash=$(db_query "select password from accounts where email = '$user'")
"$DOVEADM" pw -t "$hash" -p "Kq#9zVw2Lp7Xm" >/dev/null 2>&1; ok $? "doveadm verifies the new hash"
[ "$(db_query "select count(*) from audit where action = 'passwd' and actor = 'asn-passwdd' and detail like 'default password replaced via asn-passwdd (client 127.0.0.1)'")" = 1 ]
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
db_query "update accounts set initial_password_expires_at = 1000 where email = '$exp'"
expect 403 "kedaluwarsa" "an expired default password: 403" -- "$exp" "$(pw_of $exp)" "Kq#9zVw2Lp7Xm"

# Rate limits per account: 3 wrong current passwords, by whichever of its
# names (email, NIP, upper case), then 429 even with the right one by any.
lim=ahmad.fauzi@jatimprov.go.id
lim_nip=$(db_query "select nip from accounts where email = '$lim'")
post "$lim" "Wrong#Pass91" "Kq#9zVw2Lp7Xm" >/dev/null
post "$lim_nip" "Wrong#Pass92" "Kq#9zVw2Lp7Xm" >/dev/null
post "AHMAD.FAUZI@JATIMPROV.GO.ID" "Wrong#Pass93" "Kq#9zVw2Lp7Xm" >/dev/null
expect 429 "Terlalu banyak percobaan" "3 failures by email, NIP and upper case: the NIP gets 429" -- "$lim_nip" "$(pw_of $lim)" "Kq#9zVw2Lp7Xm"
expect 429 "Terlalu banyak percobaan" "... and so does the email" -- "$lim" "$(pw_of $lim)" "Kq#9zVw2Lp7Xm"
curl -s -D "$work/headers" -o /dev/null -X POST --data-urlencode "user=$lim" \
	--data-urlencode "curpass=x" --data-urlencode "newpass=y" "http://127.0.0.1:$port/password"
grep -qi "^Retry-After: [0-9]" "$work/headers"; ok $? "429 carries Retry-After"
[ "$(db_query "select must_change from accounts where email = '$lim'")" = 1 ]; ok $? "a 429 changes nothing"
other=sri.wahyuni@jatimprov.go.id
expect 200 "ok" "another user from the same client is not locked by one user's failures" -- "$other" "$(pw_of $other)" "Kq#9zVw2Lp7Xm"

# The count and the check are one step: 50 parallel wrong guesses for one
# account (from 50 addresses) are 3 verified (403) and 47 refused (429).
# Its hash has the default Argon2id cost, so that a verify takes as long
# as on a real site (the race was between the check and the count after it).
sed 's/^asn_argon2_.*//' "$work/asnctl.conf" >"$work/asnctl-real-cost.conf"
"$ASNCTL" -c "$work/asnctl-real-cost.conf" add --name "Rina Lestari" --nip 199202022019022002 \
	--opd Diskominfo --sheet "$work/sheet-rina.csv" >/dev/null
par=$(db_query "select email from accounts where nip = '199202022019022002'")
pids=
for i in $(seq 1 50); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 300 --interface "127.0.1.$i" -X POST \
		--data-urlencode "user=$par" --data-urlencode "curpass=Wrong#Pass$i" \
		--data-urlencode "newpass=Kq#9zVw2Lp7Xm" "http://127.0.0.1:$port/password" \
		>"$work/par.$i" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
n403=$(cat "$work"/par.* | grep -c '^403$')
n429=$(cat "$work"/par.* | grep -c '^429$')
[ "$n403" = 3 ] && [ "$n429" = 47 ]
ok $? "50 parallel guesses: 3 verified, 47 refused (403: $n403, 429: $n429)"
grep "closed a connection from 127.0.1\." "$work/passwdd.log" | sed 's/^/# /'
echo "# the 50 replies: $(cat "$work"/par.* | sort | uniq -c | tr '\n' ' ')"

# Failures from one address (7) never refuse a right password from it:
# behind one webmail every user shares its address.
for i in 1 2; do post "nobody$i@jatimprov.go.id" "Wrong#Pass9x" "y" >/dev/null; done
expect 429 "Terlalu banyak" "a wrong password from a client over its limit: 429" -- "nobody3@jatimprov.go.id" "Wrong#Pass9x" "y"
expect 200 "ok" "a right password from a client over its limit still changes" -- "siti.rahma@jatimprov.go.id" "$(pw_of siti.rahma@jatimprov.go.id)" "Kq#9zVw2Lp7Xm"

# Behind a trusted proxy (127.0.0.3) the client is the last hop of its
# X-Forwarded-For; anyone else's header is ignored.
CURL_FROM="--interface 127.0.0.3 -H X-Forwarded-For:10.1.1.1,10.0.0.7"
for i in 1 2 3 4 5 6 7; do post "ghost$i@jatimprov.go.id" "Wrong#Pass9x" "y" >/dev/null; done
expect 429 "Terlalu banyak" "7 failures forwarded for 10.0.0.7: 10.0.0.7 is over its limit" -- "ghost8@jatimprov.go.id" "Wrong#Pass9x" "y"
CURL_FROM="--interface 127.0.0.3 -H X-Forwarded-For:10.0.0.8"
expect 403 "salah" "... and another client behind the same proxy is not" -- "ghost9@jatimprov.go.id" "Wrong#Pass9x" "y"
contains "$work/passwdd.log" "403 ghost1@jatimprov.go.id: unknown user or wrong current password (client 10.0.0.7)" "the log names the forwarded client"
CURL_FROM="--interface 127.0.0.4 -H X-Forwarded-For:10.0.0.9"
expect 403 "salah" "an untrusted peer's X-Forwarded-For ..." -- "ghost10@jatimprov.go.id" "Wrong#Pass9x" "y"
contains "$work/passwdd.log" "403 ghost10@jatimprov.go.id: unknown user or wrong current password (client 127.0.0.4)" "... is ignored"
CURL_FROM=
# Our Roundcube driver names the ASN's address (REMOTE_ADDR) in the header.
if command -v php >/dev/null 2>&1 && [ -f /usr/share/php/GuzzleHttp/autoload.php ]; then
	php "$top_srcdir/tests/asnpasswdd-driver.php" "$top_srcdir/contrib/roundcube/asnpasswdd.php" \
		"http://127.0.0.1:$port/password" 127.0.0.3 10.0.0.42 ghost11@jatimprov.go.id \
		"Wrong#Pass9x" "Kq#9zVw2Lp7Xm" >"$work/driver" 2>&1
	contains "$work/driver" "error: Kata sandi saat ini salah." "the driver shows the reason"
	contains "$work/passwdd.log" "403 ghost11@jatimprov.go.id: unknown user or wrong current password (client 10.0.0.42)" \
		"the driver sends the ASN's address, which asn-passwdd counts"
else
	for i in 1 2; do
		echo "ok $((tap_n + 1)) # SKIP php or Guzzle (roundcube-core) is missing"; tap_n=$((tap_n + 1))
	done
fi

# Slow clients: a request must arrive whole within
# asn_passwdd_request_timeout ($req_timeout s), however it trickles...
out=$("$top_builddir/tests/slow-client" "$port" 1 $((req_timeout + 4)))
set -- $out
[ "$4" -ge 1 ] && [ "$6" -lt $(((req_timeout + 3) * 1000)) ]
ok $? "a client trickling a header byte every 200 ms is closed after the bound ($out)"
# ... and 200 trickling sockets from one address leave slots for others.
"$top_builddir/tests/slow-client" "$port" 200 8 >"$work/slow" &
slow_pid=$!
sleep 2
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 --interface 127.0.0.2 -X POST \
	--data-urlencode "user=nobody@jatimprov.go.id" --data-urlencode "curpass=Wrong#Pass9x" \
	--data-urlencode "newpass=y" "http://127.0.0.1:$port/password")
[ "$code" = 403 ]; ok $? "under 200 slow sockets from 127.0.0.1, a request from 127.0.0.2 is answered ($code)"
wait $slow_pid
echo "# slow-client, 200 sockets for 8 s: $(cat "$work/slow")"

# The shipped unit: valid, and root without capabilities in a sandbox
# (it was root with every capability: exposure 6.2).
unit="$top_srcdir/conf.d/asn-passwdd.service"
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s#^ExecStart=/usr/sbin/asn-passwdd#ExecStart=$passwdd#" "$unit" >"$work/asn-passwdd.service"
	systemd-analyze verify "$work/asn-passwdd.service" >"$work/verify" 2>&1
	ok $? "systemd-analyze verify accepts the unit"
	[ -s "$work/verify" ] && sed 's/^/# /' "$work/verify"
	systemd-analyze security --offline=true "$work/asn-passwdd.service" >"$work/security" 2>&1
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security")
	awk -v l="${level:-99}" 'BEGIN { exit !(l <= 2.0) }'
	ok $? "systemd-analyze security: exposure ${level:-?} <= 2.0"
	grep -q '^CapabilityBoundingSet=$' "$unit"; ok $? "the unit drops every capability"
else
	echo "ok $((tap_n + 1)) # SKIP systemd-analyze is missing (package systemd)"; tap_n=$((tap_n + 1))
	echo "ok $((tap_n + 1)) # SKIP systemd-analyze is missing"; tap_n=$((tap_n + 1))
	grep -q '^CapabilityBoundingSet=$' "$unit"; ok $? "the unit drops every capability"
fi

# The log: one line per request, never a password.
leaked=0
for secret in "$pw" "Kq#9zVw2Lp7Xm" "Wrong#Pass99x" "SitiRahma#2026x" "$(pw_of $lim)" "Wrong#Pass9x"; do
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
