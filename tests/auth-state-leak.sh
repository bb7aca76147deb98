#!/bin/sh
# A wrong password must cost the same whatever the account's state: one
# hash verification on every path (unknown, disabled, changed, still on
# the default password, expired), on SMTP as on IMAP, and the reply must
# not carry the state.  Counted, not timed: with auth_verbose Dovecot logs
# "Password mismatch" for every verification a wrong password fails, so
# the count per attempt is the number of hashes computed.  The figures in
# time are bench/auth-timing.sh's.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
. "$top_srcdir/tests/dovecot-env.sh"

import_test_accounts
changed=ahmad.fauzi@jatimprov.go.id
mustchg=siti.rahma2@jatimprov.go.id
expired=bambang.sutrisno@jatimprov.go.id
disabled=sri.wahyuni@jatimprov.go.id
unknown=tidak.ada@jatimprov.go.id
printf '%s\n%s\n' "$(pw_of $changed)" "Kq#9zVw2Lp7Xm" | asnctl passwd "$changed" --stdin >/dev/null
asnctl disable "$disabled" >/dev/null
db_query "update accounts set initial_password_expires_at = 1000 where email = '$expired'"
tries=12
wrong='Wrong#Pass99x'

DOVECOT_EXTRA_CONF="auth_verbose = yes"
dovecot_start; ok $? "private Dovecot started with the shipped conf.d files"

mismatches() {	# mismatches USER: "Password mismatch" lines logged for USER
	grep -c "($1[,)].*Password mismatch" "$work/dovecot.log"
}
# The auth process logs through the master: wait until N lines are there
# (or give up after 5 s, and count what came).
wait_mismatches() {	# wait_mismatches TOTAL
	for i in $(seq 1 50); do
		[ "$(grep -c "Password mismatch" "$work/dovecot.log")" -ge "$1" ] && return 0
		sleep 0.1
	done
}

total=0
for service in smtp imap; do
	before=""
	for state in unknown disabled changed mustchg expired; do
		eval "user=\$$state"
		before="$before $(mismatches "$user")"
		: >"$work/replies-$service-$state"
		for i in $(seq 1 $tries); do
			doveadm_t auth test -x service=$service "$user" "$wrong" \
				>>"$work/replies-$service-$state" 2>&1
		done
	done
	total=$((total + 5 * tries))
	wait_mismatches $total
	set -- $before
	for state in unknown disabled changed mustchg expired; do
		eval "user=\$$state"
		n=$(( $(mismatches "$user") - $1 )); shift
		[ "$n" -eq "$tries" ]
		ok $? "$service, $state account: one hash verification per wrong password ($n for $tries)"
		grep -c "auth failed" "$work/replies-$service-$state" | grep -qx "$tries"
		ok $? "$service, $state account: every wrong password refused"
		! grep -qE "sebelum mengirim|kedaluwarsa|reason" "$work/replies-$service-$state"
		ok $? "$service, $state account: the reply does not carry the account's state"
	done
done

# The dummy verification of unknown and disabled users can never succeed,
# whatever the password (it is derived from the newest account's hash).
newest=$(db_query "select email from accounts order by id desc limit 1")
newest_pw=$(pw_of "$newest")
doveadm_t auth test "$newest" "$newest_pw" >"$work/out" 2>&1
ok $? "the newest account logs in with its password"
for service in smtp imap; do
	doveadm_t auth test -x service=$service "$unknown" "$newest_pw" >"$work/out" 2>&1
	[ $? -ne 0 ]; ok $? "$service: an unknown user with the newest account's password is refused"
	doveadm_t auth test -x service=$service "$disabled" "$(pw_of $disabled)" >"$work/out" 2>&1
	[ $? -ne 0 ]; ok $? "$service: a disabled account with its own password is refused"
done
# an unknown user is still unknown to the userdb (LMTP says so at RCPT)
doveadm_t user "$unknown" >"$work/out" 2>&1
contains "$work/out" "doesn't exist" "the userdb still does not know an unknown user"

grep -qiE "panic|fatal|Error:" "$work/dovecot.log"; [ $? -ne 0 ]; ok $? "no error in Dovecot's log"
grep -iE "panic|fatal|Error:" "$work/dovecot.log" | head -5 | sed 's/^/# /'
dovecot_stop
tap_finish
