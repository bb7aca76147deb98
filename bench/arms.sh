# Two private Dovecots for the with/without-plugins benchmarks (sourced
# after src, build and root are set): the same shipped configuration,
# arms named "with" and "bare", each from a copy of $root/db.
#
#   start_arm NAME EXTRA-CONFIG   starts it; sets imap_port_NAME, lmtp_port_NAME
#                                 (EXTRA-CONFIG in 2.3 syntax: dovecot-env.sh
#                                 writes it for the Dovecot line installed, as
#                                 for the tests; `mail_plugins =` empties the
#                                 list on both lines)
#   bench_platform                "Dovecot VERSION (DISTRIBUTION)"
#   bench_accounts NAME;NIP...    the bench users' database; sets users
#   median                        the median of the numbers on stdin (median.sh)
# A run that cannot start its Dovecots stops with a message and exit 1.

# tests/dovecot-env.sh skips a test it cannot run; a benchmark fails instead
skip_all() { echo "$0: cannot run: $1" >&2; exit 1; }

top_srcdir=$src; top_builddir=$build
DOVEADM=$(command -v doveadm); export top_srcdir top_builddir DOVEADM

arms_cleanup() {
	# what a benchmark adds (ASN_CLEANUP, as for the tests: e.g. its DNS server)
	eval "${ASN_CLEANUP:-}"
	for arm in with bare; do
		[ -f "$root/$arm/run/master.pid" ] && kill "$(cat "$root/$arm/run/master.pid" 2>/dev/null)" 2>/dev/null
	done
	sleep 1; rm -rf "$root"
	# Dovecot 2.4: the settings module dovecot-env.sh linked (never left dangling)
	rm -f ${asn_settings_link:-}
}
[ -n "${ASN_KEEP:-}" ] || trap arms_cleanup EXIT

start_arm() {
	work="$root/$1"; dovecot_conf_dir="$work/dovecot"
	rm -rf "$work"; mkdir -p "$work/db"
	cp -a "$root/db/." "$work/db/"
	. "$src/tests/dovecot-env.sh"
	DOVECOT_EXTRA_CONF="$2"
	dovecot_start >"$root/start-$1.out" ||
		{ echo "$0: Dovecot ($1) did not start:" >&2; cat "$root/start-$1.out" >&2; exit 1; }
	# dovecot_start sets its own exit trap
	[ -n "${ASN_KEEP:-}" ] && trap - EXIT || trap arms_cleanup EXIT
	eval "imap_port_$1=$IMAP_PORT; lmtp_port_$1=$LMTP_PORT"
}

# What the figures were measured on, for the first line of a benchmark's
# output: Dovecot's version and the distribution.
bench_platform() {
	printf 'Dovecot %s (%s)' "$(dovecot --version 2>/dev/null | cut -d' ' -f1)" \
		"$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown system}")"
}

# bench_accounts NAME;NIP...: one database with these bench users in
# $root/db (copied to each arm by start_arm), SHA512-CRYPT hashes; their
# addresses in $users
bench_accounts() {
	printf 'asn_db = %s/db/asn.db\nasn_domain = bench.go.id\nasn_password_scheme = SHA512-CRYPT\n' \
		"$root" >"$root/asnctl.conf"
	"$build/tools/asnctl" -c "$root/asnctl.conf" init --group nogroup >/dev/null || exit 1
	{ echo 'Nama;NIP'; printf '%s\n' "$@"; } >"$root/list.csv"
	"$build/tools/asnctl" -c "$root/asnctl.conf" import --opd Bench --sheet "$root/sheet.csv" \
		"$root/list.csv" >/dev/null || exit 1
	users=$(cut -d';' -f1 "$root/sheet.csv" | grep '@' | tr -d '\357\273\277')
}

. "$src/bench/median.sh"
