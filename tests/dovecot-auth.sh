#!/bin/sh
# Provisioned accounts are ready for Dovecot: a real Dovecot, with the
# shipped SQL passdb/userdb, authenticates them over IMAP.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
. "$top_srcdir/tests/dovecot-env.sh"

import_test_accounts
user=ahmad.fauzi@jatimprov.go.id
pw=$(pw_of $user)

dovecot_start; ok $? "private Dovecot started with the shipped conf.d files"

doveadm_t auth test "$user" "$pw" >"$work/out" 2>&1; ok $? "doveadm auth test accepts the default password"
doveadm_t auth test "$user" "Wrong#Pass99x" >"$work/out" 2>&1; [ $? -ne 0 ]; ok $? "doveadm auth test refuses a wrong password"
doveadm_t auth test "AHMAD.FAUZI@jatimprov.go.id" "$pw" >"$work/out" 2>&1; ok $? "the address is case-insensitive"
doveadm_t user "$user" >"$work/out" 2>&1; ok $? "userdb finds the user"
contains "$work/out" "asn_must_change	yes" "userdb returns asn_must_change=yes"

imap_probe "$user" "$pw" list create Arsip >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP login with the default password"
contains "$work/imap" "list: INBOX" "IMAP LIST shows INBOX"
imap_probe "$user" "Wrong#Pass99x" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP login with a wrong password refused"

doveadm_t user -u '*' >"$work/users" 2>&1 || doveadm_t user '*' >"$work/users" 2>&1
[ "$(grep -c '@jatimprov.go.id' "$work/users")" = 6 ]; ok $? "iterate_query lists every account (doveadm user '*')"

asnctl disable "$user" >/dev/null
doveadm_t auth test "$user" "$pw" >"$work/out" 2>&1; [ $? -ne 0 ]; ok $? "a disabled account does not authenticate"
imap_probe "$user" "$pw" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "IMAP login of a disabled account refused"
asnctl enable "$user" >/dev/null

printf '%s\n%s\n' "$pw" "Kq#9zVw2Lp7Xm" | asnctl passwd "$user" --stdin >/dev/null
imap_probe "$user" "Kq#9zVw2Lp7Xm" >"$work/imap" 2>&1
contains "$work/imap" "login: OK" "IMAP login with the changed password"
imap_probe "$user" "$pw" >"$work/imap" 2>&1
contains "$work/imap" "login: NO" "the default password no longer logs in"
doveadm_t user "$user" >"$work/out" 2>&1
contains "$work/out" "asn_must_change	no" "userdb returns asn_must_change=no after the change"

dovecot_stop
tap_finish
