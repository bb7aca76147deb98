# Two private Dovecots for the with/without-plugins benchmarks (sourced
# after src, build and root are set): the same shipped configuration,
# arms named "with" and "bare", each from a copy of $root/db.
#
#   start_arm NAME EXTRA-CONFIG   starts it; sets imap_port_NAME, lmtp_port_NAME
#   median                        the median of the numbers on stdin

top_srcdir=$src; top_builddir=$build
DOVEADM=$(command -v doveadm); export top_srcdir top_builddir DOVEADM

arms_cleanup() {
	for arm in with bare; do
		[ -f "$root/$arm/run/master.pid" ] && kill "$(cat "$root/$arm/run/master.pid" 2>/dev/null)" 2>/dev/null
	done
	sleep 1; rm -rf "$root"
}
[ -n "${ASN_KEEP:-}" ] || trap arms_cleanup EXIT

start_arm() {
	work="$root/$1"; dovecot_conf_dir="$work/dovecot"
	rm -rf "$work"; mkdir -p "$work/db"
	cp -a "$root/db/." "$work/db/"
	. "$src/tests/dovecot-env.sh"
	DOVECOT_EXTRA_CONF="$2"
	dovecot_start >/dev/null || { echo "dovecot ($1) did not start"; exit 1; }
	# dovecot_start sets its own exit trap
	[ -n "${ASN_KEEP:-}" ] && trap - EXIT || trap arms_cleanup EXIT
	eval "imap_port_$1=$IMAP_PORT; lmtp_port_$1=$LMTP_PORT"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
