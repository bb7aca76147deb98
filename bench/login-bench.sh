#!/bin/sh
# IMAP logins per second with the dovecot-asn plugins against the same
# Dovecot without them: two private instances (same configuration text but
# for mail_plugins), loads alternated in one run, medians compared.
# For a changed account and for a must-change account (ALERT, INBOX-only
# session, notice check), with cheap hashes (so that Dovecot's own work,
# not Argon2id, dominates and the plugins' share shows) and with the
# default Argon2id.
# usage: bench/login-bench.sh [BUILD-DIR] [ROUNDS] [LOGINS-PER-ROUND]   (as root)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
rounds=${2:-9}
per_round=${3:-150}
make -s -C "$build" >/dev/null && make -s -C "$build/bench" imap-logins >/dev/null &&
	make -s -C "$build/tests" imap-probe >/dev/null || exit 1
root=$(mktemp -d /tmp/asn-login-bench-XXXXXX)
chmod 755 "$root"
. "$src/bench/arms.sh"

# One database, copied to both arms.
mkdir -p "$root/db"
asnctl() { "$build/tools/asnctl" -c "$root/asnctl.conf" "$@"; }
setup_db() {	# setup_db SCHEME-LINES
	rm -rf "$root/db"; mkdir -p "$root/db"
	printf 'asn_db = %s/db/asn.db\nasn_domain = bench.go.id\n%s\n' "$root" "$1" >"$root/asnctl.conf"
	asnctl init >/dev/null
	printf 'Nama;NIP\nBudi Changed;198001012005011001\nSiti Default;198001012005012002\n' >"$root/list.csv"
	rm -f "$root/sheet.csv"
	asnctl import --opd Bench --sheet "$root/sheet.csv" "$root/list.csv" >/dev/null
	default_pw=$(grep '^siti.default' "$root/sheet.csv" | cut -d';' -f2)
	changed_default=$(grep '^budi.changed' "$root/sheet.csv" | cut -d';' -f2)
	printf '%s\n%s\n' "$changed_default" "Kq#9zVw2Lp7Xm" | asnctl passwd budi.changed@bench.go.id --stdin >/dev/null
}

measure() {	# measure LABEL USER PASSWORD COUNT
	: >"$root/with.rates"; : >"$root/bare.rates"
	# warm-up of both arms
	"$build/bench/imap-logins" 127.0.0.1 "$imap_port_with" "$2" "$3" 20 2 >/dev/null
	"$build/bench/imap-logins" 127.0.0.1 "$imap_port_bare" "$2" "$3" 20 2 >/dev/null
	for i in $(seq 1 "$rounds"); do
		for arm in with bare; do
			eval "port=\$imap_port_$arm"
			"$build/bench/imap-logins" 127.0.0.1 "$port" "$2" "$3" "$4" 2 >>"$root/$arm.rates" ||
				{ echo "logins failed ($arm, $1)"; exit 1; }
		done
	done
	w=$(median <"$root/with.rates"); b=$(median <"$root/bare.rates")
	awk -v l="$1" -v w="$w" -v b="$b" 'BEGIN { printf "%-44s %10.1f %10.1f %7.3f\n", l, b, w, w / b }'
}

# The arms must differ by the plugins and only by them: the must-change
# account gets the [ALERT] from the plugin arm and not from the bare one
# (on each Dovecot line, whatever its configuration syntax).
check_arms() {
	for arm in with bare; do
		eval "port=\$imap_port_$arm"
		out=$("$build/tests/imap-probe" 127.0.0.1 "$port" siti.default@bench.go.id "$default_pw")
		case "$arm:$out" in
		with:*"login: OK"*alert:*|bare:*"login: OK"*) ;;
		*) echo "$0: the $arm arm is not as expected: $out" >&2; exit 1 ;;
		esac
		case "$arm:$out" in bare:*alert:*)
			echo "$0: the bare arm runs the plugins: $out" >&2; exit 1 ;;
		esac
	done
}

echo "$(bench_platform); rounds: $rounds alternated, median logins/s; 2 client processes; $(nproc) cores"
printf '%-44s %10s %10s %7s\n' "account" "bare" "plugins" "ratio"
for hashing in cheap default; do
	if [ $hashing = cheap ]; then
		setup_db "asn_password_scheme = SHA512-CRYPT"
		count=$per_round
	else
		setup_db ""
		count=$((per_round / 5))
	fi
	start_arm with "mail_plugins = \$mail_plugins
protocol imap {
  mail_plugins = \$mail_plugins
}"
	start_arm bare "mail_plugins =
protocol imap {
  mail_plugins =
}"
	check_arms
	measure "changed account, $hashing hash" budi.changed@bench.go.id "Kq#9zVw2Lp7Xm" "$count"
	measure "must-change account, $hashing hash" siti.default@bench.go.id "$default_pw" "$count"
	for arm in with bare; do kill "$(cat "$root/$arm/run/master.pid")"; rm -f "$root/$arm/run/master.pid"; done
	sleep 1
done
