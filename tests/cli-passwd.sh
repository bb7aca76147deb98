#!/bin/sh
# asnctl passwd / reset: the admin tool's change paths, under the policy.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
data="$top_srcdir/tests/data"
db=$tap_db

asnctl init >/dev/null
asnctl import --opd Diskominfo --sheet "$work/sheet.csv" "$data/diskominfo.csv" >/dev/null
user=siti.rahma2@jatimprov.go.id
default=$(grep "^$user;" "$work/sheet.csv" | cut -d';' -f2)

passwd() { printf '%s\n%s\n' "$1" "$2" | asnctl passwd "$user" --stdin; }

run 77 "wrong current password refused" -- passwd "Wrong#Pass99x" "Good#Pass9xKq2"
contains "$work/stderr" "current password is wrong" "says the current password is wrong"
run 65 "too short refused" -- passwd "$default" "Ab#1x"
contains "$work/stderr" "(too_short)" "reason too_short"
run 65 "name in password refused" -- passwd "$default" "SitiRahma#2026x"
contains "$work/stderr" "(contains_name)" "reason contains_name"
run 65 "NIP digits in password refused" -- passwd "$default" "Kq#9z199102Vw"
contains "$work/stderr" "(contains_nip)" "reason contains_nip"
run 65 "dictionary word refused" -- passwd "$default" "Password#2026Ab"
contains "$work/stderr" "(dictionary)" "reason dictionary"
run 65 "the default password itself refused" -- passwd "$default" "$default"
contains "$work/stderr" "(same_as_default)" "reason same_as_default"
[ "$(db_query "select must_change from accounts where email = '$user'")" = 1 ]; ok $? "still must_change after refusals"

run 0 "good password accepted" -- passwd "$default" "Kq#9zVw2Lp7Xm"
[ "$(db_query "select must_change || '|' || coalesce(cast(initial_password_expires_at as text), 'null') from accounts where email = '$user'")" = "0|null" ]
ok $? "must_change and the expiry cleared"
hash=$(db_query "select password from accounts where email = '$user'")
"$DOVEADM" pw -t "$hash" -p "Kq#9zVw2Lp7Xm" >/dev/null 2>&1; ok $? "doveadm verifies the new password"
"$DOVEADM" pw -t "$hash" -p "$default" >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "the default password no longer verifies"
[ "$(db_query "select count(*) from audit where action = 'passwd' and detail = 'default password replaced via asnctl'")" = 1 ]; ok $? "change audited, with the path"
! db_grep "Kq#9zVw2Lp7Xm"; ok $? "new password not in the database in clear"

run 0 "second change" -- passwd "Kq#9zVw2Lp7Xm" "Tr%4mNb8Qz2Wx"
run 65 "previous password reuse refused" -- passwd "Tr%4mNb8Qz2Wx" "Kq#9zVw2Lp7Xm"
contains "$work/stderr" "(reused)" "reason reused"
run 65 "old default reuse refused" -- passwd "Tr%4mNb8Qz2Wx" "$default"
contains "$work/stderr" "(reused)" "the default is in the history too"

# reset: new default, must_change again, TTL restarts.
ASN_NOW=$((ASN_NOW + 86400)) run 0 "reset" -- asnctl reset "$user" --sheet "$work/reset.csv"
[ "$(stat -c %a "$work/reset.csv")" = 600 ]; ok $? "reset sheet is 0600"
newdefault=$(grep "^$user," "$work/reset.csv" | cut -d',' -f2)
[ -n "$newdefault" ] && [ "$newdefault" != "$default" ]; ok $? "reset gives a new default password"
[ "$(db_query "select must_change || '|' || initial_password_expires_at from accounts where email = '$user'")" = "1|$((ASN_NOW + 86400 + 14 * 86400))" ]
ok $? "must_change again, expiry restarted from the reset"
hash=$(db_query "select password from accounts where email = '$user'")
"$DOVEADM" pw -t "$hash" -p "$newdefault" >/dev/null 2>&1; ok $? "doveadm verifies the reset password"
[ "$(db_query "select count(*) from audit where action = 'reset'")" = 1 ]; ok $? "reset audited"
lacks "$work/stdout" "$newdefault" "reset does not print the password"
run 73 "reset never overwrites a sheet" -- asnctl reset "$user" --sheet "$work/reset.csv"
[ "$(db_query "select password from accounts where email = '$user'")" = "$hash" ]; ok $? "refused reset changed nothing"

# Disabled accounts cannot change passwords.
asnctl disable "$user" >/dev/null
run 77 "passwd on a disabled account refused" -- passwd "$newdefault" "Zz#8kQw3Rt5Vn"

# SHA512-CRYPT selectable.
printf 'asn_password_scheme = SHA512-CRYPT\n' >>"$work/asnctl.conf"
run 0 "reset with SHA512-CRYPT" -- asnctl reset bambang.sutrisno@jatimprov.go.id --sheet "$work/reset2.csv"
hash=$(db_query "select password from accounts where email = 'bambang.sutrisno@jatimprov.go.id'")
case "$hash" in "{SHA512-CRYPT}\$6\$"*) r=0 ;; *) r=1 ;; esac; ok $r "stored as {SHA512-CRYPT}\$6\$"
pw=$(grep "^bambang" "$work/reset2.csv" | cut -d',' -f2)
"$DOVEADM" pw -t "$hash" -p "$pw" >/dev/null 2>&1; ok $? "doveadm verifies the SHA512-CRYPT hash"

# A reset's sheet gets the same directory check as import's: in a directory
# every user can write to without the sticky bit, another user could rename
# or replace it before the admin hands it over.
mkdir -p "$work/open" && chmod 0777 "$work/open"
ahmad=ahmad.fauzi@jatimprov.go.id
before=$(db_query "select password from accounts where email = '$ahmad'")
run 73 "reset sheet in a world-writable directory without sticky bit refused" -- asnctl reset "$ahmad" --sheet "$work/open/reset.csv"
contains "$work/stderr" "another user could rename or replace the credential sheet" "says why"
[ ! -e "$work/open/reset.csv" ]; ok $? "no sheet written there"
[ "$(db_query "select password from accounts where email = '$ahmad'")" = "$before" ]; ok $? "refused reset changed nothing"
chmod 1777 "$work/open"
run 0 "reset sheet in a sticky world-writable directory (like /tmp) accepted" -- asnctl reset "$ahmad" --sheet "$work/open/reset.csv"
[ "$(stat -c %a "$work/open/reset.csv")" = 600 ]; ok $? "that sheet is 0600"

# A cheaper scheme for generated default passwords only
grep -v '^asn_password_scheme' "$work/asnctl.conf" >"$work/cheap.conf"
printf 'asn_password_scheme = ARGON2ID\nasn_default_password_scheme = SHA512-CRYPT\n' >>"$work/cheap.conf"
cheap() { "$ASNCTL" -c "$work/cheap.conf" "$@"; }
run 0 "a default password under asn_default_password_scheme" -- cheap add --opd Diskominfo --name "Uji Murah" --nip 198001012005011009 --sheet "$work/cheap.csv"
cheapuser=$(tail -n 1 "$work/cheap.csv" | tr -d '\r' | cut -d, -f1 | cut -d';' -f1)
newdefault=$(tail -n 1 "$work/cheap.csv" | tr -d '\r' | cut -d';' -f2 | cut -d, -f2)
hash=$(db_query "select password from accounts where email = '$cheapuser'")
case "$hash" in "{SHA512-CRYPT}"*) r=0 ;; *) r=1 ;; esac
[ $r = 0 ] && "$DOVEADM" pw -t "$hash" -p "$newdefault" >/dev/null 2>&1; ok $? "is SHA512-CRYPT, and Dovecot verifies it"
printf '%s\n%s\n' "$newdefault" 'Qw#7vTn4Lp9Zs' | cheap passwd "$cheapuser" --stdin >/dev/null 2>&1
hash=$(db_query "select password from accounts where email = '$cheapuser'")
case "$hash" in "{ARGON2ID}"*) r=0 ;; *) r=1 ;; esac
ok $r "the password the user chooses gets asn_password_scheme"
echo "asn_default_password_length = 13" >>"$work/cheap.conf"
run 78 "13 characters are too few for the cheaper scheme" -- cheap reset "$cheapuser" --sheet "$work/cheap2.csv"
contains "$work/stderr" "needs default passwords of at least 80 bits" "the refusal says why"
[ ! -e "$work/cheap2.csv" ]; ok $? "and writes no sheet"

tap_finish
