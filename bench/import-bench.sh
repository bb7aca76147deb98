#!/bin/sh
# Import speed against the hash-bound limit.
#
# The limit: importing R rows cannot be faster than hashing R passwords,
# and each hash costs what one Dovecot verification of it costs (same
# algorithm, same parameters), spread over the cores:
#     limit = R x verify_seconds / cores
# verify_seconds is measured with every core verifying at once (as they
# hash during an import), before and after each import; the mean is used.
# ratio = import wall time / limit; 1.00 would be hashing and nothing else.
# usage: bench/import-bench.sh [BUILD-DIR] [ROWS...]   (default 1000 10000)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
[ $# -gt 0 ] && shift
sizes=${*:-1000 10000}
asnctl="$build/tools/asnctl"
cost="$build/bench/hash-cost"
make -s -C "$build" >/dev/null
make -s -C "$build/bench" hash-cost >/dev/null
work=$(mktemp -d /tmp/asn-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

printf 'asn_db = %s/asn.db\nasn_domain = bench.go.id\n' "$work" >"$work/asnctl.conf"
# A hash with the default parameters, for the verify measurements.
"$asnctl" --db "$work/ref.db" init >/dev/null
"$asnctl" --db "$work/ref.db" add --name "Ref Erence" --nip 198001012005011001 --opd R \
	--domain bench.go.id --sheet "$work/ref.csv" >/dev/null
ref_pw=$(sed -n 2p "$work/ref.csv" | cut -d',' -f2)
ref_hash=$(sqlite3 "$work/ref.db" "select password from accounts")

echo "cores: $cores; hashing: default settings (ARGON2ID t=3 m=64M, as doveadm pw)"
printf '%8s %10s %14s %10s %8s\n' rows "import s" "verify s/hash" "limit s" ratio
for rows in $sizes; do
	rm -f "$work"/asn.db* "$work/sheet.csv"
	"$src/bench/gen-list.sh" "$rows" >"$work/list.csv"
	"$asnctl" -c "$work/asnctl.conf" init >/dev/null
	v1=$("$cost" "$ref_hash" "$ref_pw" 10 "$cores")
	start=$(date +%s.%N)
	"$asnctl" -c "$work/asnctl.conf" import --opd Bench --sheet "$work/sheet.csv" "$work/list.csv" >/dev/null
	end=$(date +%s.%N)
	v2=$("$cost" "$ref_hash" "$ref_pw" 10 "$cores")
	awk -v r="$rows" -v s="$start" -v e="$end" -v v1="$v1" -v v2="$v2" -v c="$cores" 'BEGIN {
		wall = e - s; v = (v1 + v2) / 2; limit = r * v / c;
		printf "%8d %10.2f %14.4f %10.2f %8.3f\n", r, wall, v, limit, wall / limit }'
done
