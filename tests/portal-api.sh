#!/bin/sh
# asn-portal over real HTTP (curl): login and its refusals, sessions and
# their cookie, CSRF and origin, the scope (a person of another OPD is a
# 404 like an address nobody has), bad input (400 with a message), rate
# limits, the audit of every person looked at, the pages' words and the
# CSV, and what the log must never hold.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
. "$top_srcdir/tests/portal-env.sh"
sri=sri.wahyuni@jatimprov.go.id		# no verifier
set_pw $sri "$good"

cat >>"$work/asnctl.conf" <<CONF
asn_portal_max_user_failures = 4
asn_portal_failure_window = 10m
asn_portal_trusted_proxies = 127.0.0.3
asn_portal_request_timeout = 10s
CONF
portal_start $(( 30000 + ($$ * 17) % 20000 ))

# req NAME CURL-ARGS...: status in $code, body in $work/NAME.body, headers
# in $work/NAME.hdr
req() {
	name=$1; shift
	code=$(curl -s -D "$work/$name.hdr" -o "$work/$name.body" -w '%{http_code}' "$@")
}
# login NAME USER PASSWORD [CURL-ARGS]: JSON login, cookie jar $work/NAME.jar
login() {
	name=$1 user=$2 pass=$3; shift 3
	req "$name" -c "$work/$name.jar" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$user\",\"password\":\"$pass\"}" "$@" "$base/api/v1/login"
}
csrf_of() { sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p' "$work/$1.body"; }

# --- without a session
req anon "$base/api/v1/progress"
[ "$code" = 401 ]; ok $? "API without a session: 401 ($code)"
lacks "$work/anon.body" "Diskominfo" "and no data"
req anonpage "$base/ringkasan"
[ "$code" = 303 ] && grep -qi '^Location: /masuk' "$work/anonpage.hdr"; ok $? "a page without a session goes to the login ($code)"
req anonperson "$base/orang/$siti"
[ "$code" = 303 ]; ok $? "a person's page without a session too ($code)"

# --- login refusals: one answer for unknown user and wrong password
login wrong $siti 'Wrong#Pass99x'
[ "$code" = 403 ]; ok $? "wrong password: 403 ($code)"
login unknown nobody@jatimprov.go.id 'Wrong#Pass99x'
[ "$code" = 403 ] && cmp -s "$work/wrong.body" "$work/unknown.body"; ok $? "unknown user: the same answer, byte for byte"
login default $ahmad "$(pw_of $ahmad)"
[ "$code" = 403 ]; ok $? "a verifier still on the default password cannot log in ($code)"
contains "$work/default.body" '"error":"default_password"' "and is told to change it first"
login notver $sri "$good"
[ "$code" = 403 ]; ok $? "a mailbox that is no verifier cannot log in ($code)"
contains "$work/notver.body" '"error":"not_a_verifier"' "and is told so"
! grep -qi '^Set-Cookie: asn_portal=' "$work/wrong.hdr" "$work/default.hdr" "$work/notver.hdr"; ok $? "no refused login gets a session cookie"

# --- login
login siti $siti "$good"
[ "$code" = 200 ]; ok $? "a verifier logs in ($code)"
grep -i '^Set-Cookie: asn_portal=' "$work/siti.hdr" | grep -q 'HttpOnly; SameSite=Strict'; ok $? "session cookie HttpOnly, SameSite=Strict"
! grep -i '^Set-Cookie: asn_portal=' "$work/siti.hdr" | grep -q Secure; ok $? "not Secure over plain HTTP"
csrf=$(csrf_of siti)
[ ${#csrf} = 64 ]; ok $? "the login returns a CSRF token"
contains "$work/siti.body" '"opds":["Diskominfo"]' "and the verifier's OPDs"
login https $siti "$good" --interface 127.0.0.3 -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-For: 192.0.2.7'
grep -i '^Set-Cookie: asn_portal=' "$work/https.hdr" | grep -q '; Secure'; ok $? "Secure when the trusted proxy says HTTPS"
login nothttps $siti "$good" -H 'X-Forwarded-Proto: https'
! grep -i '^Set-Cookie: asn_portal=' "$work/nothttps.hdr" | grep -q '; Secure'; ok $? "X-Forwarded-Proto from anyone else is not believed"
req budiform -c "$work/budiform.jar" --data-urlencode "user=$budi" --data-urlencode "password=$good" "$base/api/v1/login"
[ "$code" = 200 ]; ok $? "the API login takes form fields too ($code)"
S="-b $work/siti.jar"
B="-b $work/budiform.jar"

# --- scope
req prog $S "$base/api/v1/progress"
[ "$code" = 200 ]; ok $? "progress with the session ($code)"
contains "$work/prog.body" '"opd":"Diskominfo"' "shows the verifier's OPD"
lacks "$work/prog.body" "BKD" "and not another OPD"
req stuck $S "$base/api/v1/stuck"
contains "$work/stuck.body" "\"email\":\"$siti\"" "the stuck list has people of the OPD"
lacks "$work/stuck.body" "$budi" "and nobody of another OPD"
req bprog $B "$base/api/v1/stuck"
contains "$work/bprog.body" "$budi" "BKD's verifier sees BKD's people"
lacks "$work/bprog.body" "$siti" "and not Diskominfo's"
req user $S "$base/api/v1/users/$siti"
[ "$code" = 200 ]; ok $? "a person of the OPD ($code)"
contains "$work/user.body" '"stage":' "with the stage and timeline"
lacks "$work/user.body" '{ARGON2ID}' "never a hash"
req usernip $S "$base/api/v1/users/199001012015032001"
[ "$code" = 200 ] && grep -q "\"email\":\"$siti\"" "$work/usernip.body"; ok $? "the same person by NIP ($code)"
req other $S "$base/api/v1/users/$budi"
[ "$code" = 404 ]; ok $? "a person of another OPD: 404 ($code)"
req nobody $S "$base/api/v1/users/nobody@jatimprov.go.id"
[ "$code" = 404 ] && cmp -s "$work/other.body" "$work/nobody.body"; ok $? "the same answer as an address nobody has"
req otheropd $S "$base/api/v1/stuck?opd=BKD"
[ "$code" = 200 ] && grep -q '"count":0' "$work/otheropd.body"; ok $? "asking for another OPD by name shows nothing ($code)"
[ "$(q "select count(*) from person_lookups where verifier = '$siti' and via = 'api'")" = 4 ]; ok $? "every person looked at is audited, found or not"
[ "$(q "select count(*) from person_lookups where verifier = '$siti' and query = '$budi' and account_id is null")" = 1 ]; ok $? "the out-of-scope lookup audited as showing nobody"

# --- bad input: 400 with a message, nothing else
req bad1 $S "$base/api/v1/stuck?bogus=1"
[ "$code" = 400 ] && grep -q 'bogus' "$work/bad1.body"; ok $? "an unknown parameter: 400 naming it ($code)"
req bad2 $S "$base/api/v1/stuck?stage=stuck"
[ "$code" = 400 ] && grep -q 'stage' "$work/bad2.body"; ok $? "an unknown stage: 400 ($code)"
req bad3 $S "$base/api/v1/stuck?q=%FF%FE"
[ "$code" = 400 ]; ok $? "a search that is not UTF-8: 400 ($code)"
long=$(head -c 300 /dev/zero | tr '\0' 'a')
req bad4 $S "$base/api/v1/stuck?q=$long"
[ "$code" = 400 ]; ok $? "an over-long search: 400 ($code)"
req bad5 $S "$base/api/v1/stuck?q=a&q=b"
[ "$code" = 400 ]; ok $? "a parameter twice: 400 ($code)"
req bad6 -H 'Content-Type: application/json' --data '{"user":"a","user":"b"}' "$base/api/v1/login"
[ "$code" = 400 ]; ok $? "a JSON key twice: 400 ($code)"
req bad7 -H 'Content-Type: application/json' --data '{"user":1,"password":"x"}' "$base/api/v1/login"
[ "$code" = 400 ]; ok $? "a JSON field that is not text: 400 ($code)"
req bad8 -H 'Content-Type: application/json' --data '[1' "$base/api/v1/login"
[ "$code" = 400 ] && grep -q '"message"' "$work/bad8.body"; ok $? "broken JSON: 400 with a message ($code)"
head -c 9000 /dev/zero | tr '\0' 'a' >"$work/big"
req bad9 --data-urlencode "user@$work/big" "$base/api/v1/login"
[ "$code" = 400 ]; ok $? "an over-large body: 400 ($code)"
req bad10 $S "$base/orang/%01x"
[ "$code" = 400 ]; ok $? "a person's path with a control character: 400 ($code)"
! grep -q -i -e 'sqlite' -e 'SELECT' "$work"/bad*.body; ok $? "no SQL or internals in any error"
req stuckq $S "$base/api/v1/stuck?q=siti%20rahma"
grep -q "$siti" "$work/stuckq.body" && ! grep -q "sri.wahyuni" "$work/stuckq.body"; ok $? "search by name"

# --- CSRF and origin
req nocsrf $S -X POST "$base/api/v1/logout"
[ "$code" = 403 ]; ok $? "a POST without the CSRF token is refused ($code)"
req badcsrf $S -X POST -H "X-CSRF-Token: $(echo "$csrf" | tr 0-9a-f a-f0-9)" "$base/api/v1/logout"
[ "$code" = 403 ]; ok $? "a wrong CSRF token too ($code)"
req still $S "$base/api/v1/progress"
[ "$code" = 200 ]; ok $? "the session lives on after the refused POSTs ($code)"
req origin $S -X POST -H "X-CSRF-Token: $csrf" -H 'Origin: https://evil.example' "$base/api/v1/logout"
[ "$code" = 403 ]; ok $? "a POST from another site's page is refused ($code)"
req out $S -X POST -H "X-CSRF-Token: $csrf" "$base/api/v1/logout"
[ "$code" = 200 ]; ok $? "logout with the token ($code)"
req after $S "$base/api/v1/progress"
[ "$code" = 401 ]; ok $? "the session is over after logout ($code)"

# --- the pages
req loginpage -c "$work/page.jar" "$base/masuk"
token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/loginpage.body")
[ "$code" = 200 ] && [ ${#token} = 64 ]; ok $? "the login page carries its form token ($code)"
req formnotoken -b "$work/page.jar" --data-urlencode "user=$siti" --data-urlencode "password=$good" "$base/masuk"
[ "$code" = 403 ]; ok $? "the login form without its token is refused ($code)"
token1=$token
req loginpage -b "$work/page.jar" -c "$work/page.jar" "$base/masuk"
token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/loginpage.body")
[ "$token" = "$token1" ]; ok $? "the form's token stays while the browser holds it (another tab does not void it)"
req formlogin -b "$work/page.jar" -c "$work/page.jar" --data-urlencode "csrf=$token" \
	--data-urlencode "user=$siti" --data-urlencode "password=$good" "$base/masuk"
[ "$code" = 303 ] && grep -qi '^Location: /ringkasan' "$work/formlogin.hdr"; ok $? "the login form logs in ($code)"
P="-b $work/page.jar"
req summary $P "$base/ringkasan"
[ "$code" = 200 ]; ok $? "Ringkasan ($code)"
contains "$work/summary.body" "Sertifikat elektronik terbit" "the stages in words"
! grep -q -e '>activation_sent<' -e '>certificate_issued<' "$work/summary.body"; ok $? "no machine code as text"
lacks "$work/summary.body" "BKD" "only the verifier's OPDs"
grep -q 'Content-Security-Policy: default-src .none.' "$work/summary.hdr" && grep -qi 'X-Content-Type-Options: nosniff' "$work/summary.hdr"; ok $? "pages forbid scripts and sniffing"
! grep -q -i -e '<script' -e 'src="http' -e 'href="http' "$work/summary.body"; ok $? "no script, nothing from elsewhere"
req stuckpage $P "$base/tindakan?masalah=suspicious_bsre_mail"
[ "$code" = 200 ] && grep -q "Email BSrE mencurigakan" "$work/stuckpage.body"; ok $? "the stuck list filtered by a problem, in words ($code)"
req csv $P "$base/tindakan?format=csv&masalah=suspicious_bsre_mail"
grep -qi '^Content-Type: text/csv' "$work/csv.hdr" && head -1 "$work/csv.body" | grep -q '^email,nip,name,opd,stage,since,diagnosis,handling'; ok $? "the CSV of what is shown"
grep -q "^$siti,199001012015032001," "$work/csv.body" && ! grep -q "$budi" "$work/csv.body"; ok $? "the CSV holds the OPD's people only"
[ "$(q "select count(*) from audit where action = 'portal-csv' and actor = '$siti'")" = 1 ]; ok $? "the CSV export is audited"
req personpage $P "$base/orang/$siti"
[ "$code" = 200 ] && grep -qF "Email: [BSrE] Aktivasi Akun" "$work/personpage.body"; ok $? "a person's page with the timeline ($code)"
contains "$work/personpage.body" "mungkin palsu" "forged mails named as such"
req personother $P "$base/orang/$budi"
[ "$code" = 404 ]; ok $? "a person of another OPD by URL: 404 ($code)"
req logoutnotoken $P --data "" "$base/keluar"
[ "$code" = 403 ]; ok $? "the logout form without its token is refused ($code)"
pcsrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/summary.body" | head -1)

# --- the case record, from the person's page
req casebad $P --data-urlencode "csrf=$pcsrf" --data-urlencode "kind=nik_not_found" --data-urlencode "note=lihat https://bsre.bssn.go.id/aktivasi?t=abc" "$base/orang/$siti/kasus"
[ "$code" = 400 ] && grep -q "tautan" "$work/casebad.body"; ok $? "a note with a link is refused, saying why ($code)"
[ "$(q "select count(*) from verifier_cases")" = 0 ]; ok $? "and nothing is stored"
req caseadd $P --data-urlencode "csrf=$pcsrf" --data-urlencode "kind=nik_not_found" --data-urlencode "action=data_sent_to_bsre" --data-urlencode "note=NIK dikirim ulang ke BSrE" "$base/orang/199001012015032001/kasus"
[ "$code" = 303 ] && grep -qi "^Location: /orang/siti.rahma%40jatimprov.go.id" "$work/caseadd.hdr"; ok $? "a case recorded by NIP, back to the person ($code)"
req casepage $P "$base/orang/$siti"
grep -q "NIK tidak ditemukan" "$work/casepage.body" && grep -q "NIK dikirim ulang ke BSrE" "$work/casepage.body"; ok $? "the case in the person's timeline, in words"
req casestuck $P "$base/tindakan"
grep -q 'class="handled">sedang ditangani' "$work/casestuck.body"; ok $? "the stuck list says the person is being handled"
req caseother $P --data-urlencode "csrf=$pcsrf" --data-urlencode "kind=nip_not_found" "$base/orang/$budi/kasus"
[ "$code" = 404 ]; ok $? "no case about a person of another OPD ($code)"
req casenocsrf $P --data-urlencode "kind=nip_not_found" "$base/orang/$siti/kasus"
[ "$code" = 403 ]; ok $? "no case without the CSRF token ($code)"
caseid=$(q "select id from verifier_cases")
req caseclose $P --data-urlencode "csrf=$pcsrf" --data-urlencode "orang=$siti" "$base/kasus/$caseid/tutup"
[ "$code" = 303 ] && [ "$(q "select resolved_by from verifier_cases")" = "$siti" ]; ok $? "the verifier marks it done ($code)"
[ "$(q "select count(*) from audit where action in ('case-add', 'case-close') and actor = '$siti'")" = 2 ]; ok $? "both audited"

# --- API tokens, for dashboards
req toknopw $P --data-urlencode "csrf=$pcsrf" --data-urlencode "name=Dasbor provinsi" "$base/token"
! grep -q 'asnpt_[0-9a-f]\{64\}' "$work/toknopw.body" && grep -q "Isi kata sandi" "$work/toknopw.body"; ok $? "a token needs the password again (a stolen cookie alone makes none)"
req tokwrongpw $P --data-urlencode "csrf=$pcsrf" --data-urlencode "name=Dasbor provinsi" --data-urlencode "password=Wrong#Pass77x" "$base/token"
! grep -q 'asnpt_[0-9a-f]\{64\}' "$work/tokwrongpw.body" && grep -q "Kata sandi salah" "$work/tokwrongpw.body"; ok $? "and the right one"
req tokmake $P --data-urlencode "csrf=$pcsrf" --data-urlencode "name=Dasbor provinsi" --data-urlencode "password=$good" "$base/token"
tok=$(grep -o 'asnpt_[0-9a-f]\{64\}' "$work/tokmake.body" | head -1)
[ "$code" = 200 ] && [ ${#tok} = 70 ]; ok $? "a verifier makes an API token, shown once ($code)"
[ "$(q "select count(*) from api_tokens where hash = '$(printf %s "$tok" | sha256sum | cut -c1-64)'")" = 1 ] &&
	{ ! store_is_pgsql || pg_psql -c CHECKPOINT >/dev/null 2>&1; ! db_grep "$tok"; }; ok $? "only its SHA-256 is stored"
[ "$(q "select count(*) from audit where action = 'api-token-create' and actor = '$siti'")" = 1 ]; ok $? "the token's making is audited"
req toklist $P "$base/token"
lacks "$work/toklist.body" "$tok" "the list never shows the token again"
req tokuse -H "Authorization: Bearer $tok" "$base/api/v1/stuck"
[ "$code" = 200 ] && grep -q "$siti" "$work/tokuse.body" && ! grep -q "$budi" "$work/tokuse.body"; ok $? "the token reads the API with the verifier's scope ($code)"
req tokother -H "Authorization: Bearer $tok" "$base/api/v1/users/$budi"
[ "$code" = 404 ]; ok $? "and no person of another OPD ($code)"
req tokpost -H "Authorization: Bearer $tok" -X POST "$base/api/v1/logout"
[ "$code" = 403 ]; ok $? "a token cannot POST ($code)"
req tokpage -H "Authorization: Bearer $tok" "$base/token"
[ "$code" = 403 ]; ok $? "nor open pages, so it cannot make tokens ($code)"
req tokbad -H "Authorization: Bearer asnpt_$(printf '%064d' 0)" "$base/api/v1/stuck"
[ "$code" = 401 ]; ok $? "an unknown token: 401 ($code)"
tokid=$(q "select id from api_tokens")
req tokrevoke $P --data-urlencode "csrf=$pcsrf" --data-urlencode "id=$tokid" "$base/token/cabut"
[ "$code" = 200 ] && grep -q "Token dicabut" "$work/tokrevoke.body"; ok $? "the verifier revokes it ($code)"
req tokafter -H "Authorization: Bearer $tok" "$base/api/v1/stuck"
[ "$code" = 401 ]; ok $? "a revoked token: 401 ($code)"
req logoutpage $P --data-urlencode "csrf=$pcsrf" "$base/keluar"
[ "$code" = 303 ]; ok $? "the logout form ($code)"
req afterpage $P "$base/ringkasan"
[ "$code" = 303 ]; ok $? "no page after logout ($code)"

# --- a mailbox with BSrE mail but no account: an admin's only
asnctl scan --user ghost@jatimprov.go.id "$top_srcdir/tests/mail/activation.eml" >/dev/null
asnctl verifier add $sri --all >/dev/null
login admin $sri "$good"
req ghostadmin -b "$work/admin.jar" "$base/api/v1/users/ghost@jatimprov.go.id"
[ "$code" = 200 ] && grep -q '"email":"ghost@jatimprov.go.id"' "$work/ghostadmin.body"; ok $? "an admin sees a mailbox without an account ($code)"
login ghostsiti $siti "$good"
req ghostsiti -b "$work/ghostsiti.jar" "$base/api/v1/users/ghost@jatimprov.go.id"
[ "$code" = 404 ]; ok $? "an OPD's verifier does not ($code)"

# --- found by an attacker's pass
# a line of the log made up through the path
req forge -X POST -H 'Origin: https://evil.example' "$base/x%0Aasn-portal:%20login%20forged@jatimprov.go.id"
! grep -q "^asn-portal: login forged@" "$work/portal.log" && grep -q 'x\\x0aasn-portal: login forged@' "$work/portal.log"
ok $? "a control character from a client cannot start a log line of its own"
# NUL: the value would end there ("right-password%00anything")
req nul --data "user=$(echo $siti | sed 's/@/%40/')&password=$(printf %s "$good" | sed 's/#/%23/')%00x" "$base/api/v1/login"
[ "$code" = 400 ]; ok $? "a form value with a NUL byte is refused, not cut ($code)"
login nulsess $siti "$good"
req nulpath -b "$work/nulsess.jar" "$base/api/v1/users/$siti%00junk"
[ "$code" = 400 ]; ok $? "a path with %00 is refused, not cut ($code)"
# the NIP is not a login name (its shared count would tell whose NIP it is)
login nip 199001012015032001 "$good"
[ "$code" = 403 ] && cmp -s "$work/nip.body" "$work/wrong.body"; ok $? "the NIP does not log in: the one answer ($code)"
# a password changed since the login ends the session
login pwchange $siti "$good"
set_pw_again() { printf '%s\n%s\n' "$1" "$2" | asnctl passwd "$siti" --stdin >/dev/null; }
set_pw_again "$good" 'Zr#4mPq8Wt2Lx'
req afterpw -b "$work/pwchange.jar" "$base/api/v1/progress"
[ "$code" = 401 ]; ok $? "a password changed since the login ends the session ($code)"
good2='Zr#4mPq8Wt2Lx'	# from here on (the history refuses $good again)
# six logins of one account: its oldest session gives way, nobody else's
login other6 $budi "$good"
for i in 1 2 3 4 5 6; do login many$i $siti "$good2"; done
req first -b "$work/many1.jar" "$base/api/v1/progress"
req sixth -b "$work/many6.jar" "$base/api/v1/progress"
[ "$code" = 200 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$work/many1.jar" "$base/api/v1/progress")" = 401 ]
ok $? "at most 5 sessions an account: the sixth login ends the account's oldest"
req otherstill -b "$work/other6.jar" "$base/api/v1/progress"
[ "$code" = 200 ]; ok $? "and not another verifier's ($code)"

# --- a verifier removed loses the session at once
login budi2 $budi "$good"
q "insert into api_tokens (verifier_id, name, hash, created_at) select id, 'x', 'h', 0 from verifiers where email = '$budi'"
asnctl verifier remove $budi >/dev/null
[ "$(q "select count(*) from api_tokens")" = 0 ]; ok $? "a removed verifier's tokens go with them"
req removed -b "$work/budi2.jar" "$base/api/v1/progress"
[ "$code" = 401 ]; ok $? "a removed verifier's session ends ($code)"

# --- rate limit: per account, before any verify
for i in 1 2 3 4; do login rl $siti "Wrong#Pass$i"; done
login rl5 $siti "$good"
[ "$code" = 429 ] && grep -qi '^Retry-After: [0-9]' "$work/rl5.hdr"; ok $? "after 4 failures even the right password waits (429 $code)"
login rl6 SITI.RAHMA@jatimprov.go.id "$good"
[ "$code" = 429 ]; ok $? "whichever spelling of the account ($code)"

# --- stopping, and the log
kill $portal_pid
wait $portal_pid
r=$?
ok $r "exits 0 on SIGTERM (and, under valgrind, without memory errors)"
[ $r -eq 0 ] || sed 's/^/# /' "$work/portal.log" | grep -v "^# asn-portal: " | head -60
! grep -q -e "$good" -e "$good2" -e "$csrf" -e "$token" -e "$tok" "$work/portal.log"; ok $? "the log holds no password, session or token"
sid=$(sed -n 's/^Set-Cookie: asn_portal=\([0-9a-f]*\);.*/\1/ip' "$work/siti.hdr")
[ ${#sid} = 64 ] && ! grep -q "$sid" "$work/portal.log"; ok $? "nor a session id"
contains "$work/portal.log" "looked at $siti (API)" "looks at people are logged too"
tap_finish
