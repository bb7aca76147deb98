#!/bin/sh
# How long a WRONG password takes on Dovecot's auth socket, per account
# state: unknown, disabled, changed, still on the default password
# (must-change), default password expired; for service=smtp and
# service=imap (doveadm auth test -x service=..., one process per attempt,
# the states interleaved round by round).  Per state: the median wall time
# (what an attacker sees; Dovecot releases failures on 500 ms ticks, so it
# moves only when the work crosses a tick) and the median CPU time of the
# auth processes (the work itself, /proc, 10 ms resolution), with its
# ratio to the changed account's: an attacker must not tell the states
# apart, so every ratio should be 1 within the machine's scatter.
# With a git revision as third argument, the same run measures that
# revision's conf.d too (e.g. the one before the single-verify passdbs).
# Hashes with the default settings (Argon2id t=3 m=64M, as shipped).
# usage: bench/auth-timing.sh [BUILD-DIR] [ATTEMPTS] [OLD-REVISION]   (as root)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/median.sh"
build=$(cd "${1:-$src/_build}" && pwd) || exit 1
tries=${2:-15}
old_rev=${3:-}
make -s -C "$build" >/dev/null && make -s -C "$build/tests" imap-probe >/dev/null || exit 1
root=$(mktemp -d /tmp/asn-auth-timing-XXXXXX)
chmod 755 "$root"
top_builddir=$build
DOVEADM=$(command -v doveadm)
export top_builddir DOVEADM
wrong='Wrong#Pass99x'

cleanup() {
	[ -f "$root/work/run/master.pid" ] && kill "$(cat "$root/work/run/master.pid")" 2>/dev/null
	sleep 1; rm -rf "$root"
}
trap cleanup EXIT

asnctl() { "$build/tools/asnctl" -c "$root/asnctl.conf" "$@"; }
mkdir -p "$root/db"
printf 'asn_db = %s/db/asn.db\nasn_domain = bench.go.id\n' "$root" >"$root/asnctl.conf"
asnctl init >/dev/null
printf 'Nama;NIP\nBudi Changed;198001012005011001\nSiti Default;198001012005012002\nEko Expired;198001012005011003\nDewi Disabled;198001012005012004\n' >"$root/list.csv"
asnctl import --opd Bench --sheet "$root/sheet.csv" "$root/list.csv" >/dev/null || exit 1
changed_pw=$(grep '^budi.changed' "$root/sheet.csv" | cut -d';' -f2)
printf '%s\n%s\n' "$changed_pw" "Kq#9zVw2Lp7Xm" | asnctl passwd budi.changed@bench.go.id --stdin >/dev/null
asnctl disable dewi.disabled@bench.go.id >/dev/null
sqlite3 "$root/db/asn.db" "update accounts set initial_password_expires_at = 1000 where email = 'eko.expired@bench.go.id'"
states="unknown disabled changed must-change expired"
user_of() {
	case $1 in
	unknown) echo tidak.ada@bench.go.id ;;
	disabled) echo dewi.disabled@bench.go.id ;;
	changed) echo budi.changed@bench.go.id ;;
	must-change) echo siti.default@bench.go.id ;;
	expired) echo eko.expired@bench.go.id ;;
	esac
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
tck=$(getconf CLK_TCK)
auth_cpu_ms() {	# user+system time of the Dovecot auth processes, in ms
	master=$(cat "$work/run/master.pid")
	for pid in $(ps -o pid=,comm= --ppid "$master" | awk '$2 == "auth" { print $1 }'); do
		awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null
	done | awk -v t="$tck" '{ s += $1 } END { print s * 1000 / t }'
}

# measure LABEL SRC-DIR: a private Dovecot with SRC-DIR's conf.d files
measure() {
	top_srcdir=$2; export top_srcdir
	work="$root/work"; dovecot_conf_dir="$work/dovecot"
	rm -rf "$work"; mkdir -p "$work"; ln -s "$root/db" "$work/db"
	. "$src/tests/dovecot-env.sh"
	dovecot_start >/dev/null || { echo "dovecot did not start"; exit 1; }
	trap cleanup EXIT
	for service in smtp imap; do
		for state in $states; do : >"$root/$service-$state.ms"; : >"$root/$service-$state.cpu"; done
		# warm-up (auth worker, SQLite pages)
		for state in $states; do
			doveadm_t auth test -x service=$service "$(user_of $state)" "$wrong" >/dev/null 2>&1
		done
		for i in $(seq 1 "$tries"); do
			for state in $states; do
				c0=$(auth_cpu_ms); t0=$(now_ms)
				doveadm_t auth test -x service=$service "$(user_of $state)" "$wrong" >/dev/null 2>&1
				t1=$(now_ms); c1=$(auth_cpu_ms)
				echo $(( t1 - t0 )) >>"$root/$service-$state.ms"
				echo "$c1 $c0" | awk '{ print $1 - $2 }' >>"$root/$service-$state.cpu"
			done
		done
		base=$(median <"$root/$service-changed.cpu")
		for state in $states; do
			m=$(median <"$root/$service-$state.ms")
			c=$(median <"$root/$service-$state.cpu")
			awk -v l="$1" -v s="$service" -v st="$state" -v m="$m" -v c="$c" -v b="$base" \
				'BEGIN { printf "%-8s %-5s %-12s %8.0f %8.0f %8.2f\n", l, s, st, m, c, (b > 0 ? c / b : 0) }'
		done
	done
	dovecot_stop
}

echo "wrong password, medians of $tries attempts per state; $(nproc) cores"
printf '%-8s %-5s %-12s %8s %8s %8s\n' conf svc state "wall ms" "auth cpu" "ratio"
if [ -n "$old_rev" ]; then
	mkdir -p "$root/old/conf.d"
	for f in auth-asn.conf.ext dovecot-asn-sql.conf.ext dovecot-asn-sql-refuse.conf.ext 90-asn.conf; do
		git -C "$src" show "$old_rev:conf.d/$f" >"$root/old/conf.d/$f" || exit 1
	done
	measure "$old_rev" "$root/old"
fi
measure shipped "$src"
