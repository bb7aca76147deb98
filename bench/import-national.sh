#!/bin/sh
# Import at national scale: generated lists imported with default passwords
# under asn_default_password_scheme = SHA512-CRYPT (random passwords of
# >= 80 bits; chosen ones keep Argon2id), against the issue's goal of
# 250,000 rows in under 5 minutes on 2 cores.  Prints rows, wall seconds,
# rows per second and the time 250,000 rows take at that rate.
# usage: bench/import-national.sh [BUILD-DIR] [ROWS...]   (default 20000)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
[ $# -gt 0 ] && shift
sizes=${*:-20000}
asnctl="$build/tools/asnctl"
make -s -C "$build" >/dev/null
work=$(mktemp -d /tmp/asn-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

printf 'asn_db = %s/asn.db\nasn_domain = bench.go.id\nasn_default_password_scheme = SHA512-CRYPT\n' \
	"$work" >"$work/asnctl.conf"
echo "cores: $(nproc); default passwords: SHA512-CRYPT (5000 rounds), chosen ones ARGON2ID t=3 m=64M"
printf '%8s %10s %10s %22s\n' rows "import s" "rows/s" "250,000 rows at this rate"
for rows in $sizes; do
	rm -f "$work"/asn.db* "$work/sheet.csv"
	"$src/bench/gen-list.sh" "$rows" >"$work/list.csv"
	"$asnctl" -c "$work/asnctl.conf" init >/dev/null
	start=$(date +%s.%N)
	"$asnctl" -c "$work/asnctl.conf" import --opd Bench --sheet "$work/sheet.csv" "$work/list.csv" >/dev/null
	end=$(date +%s.%N)
	awk -v r="$rows" -v s="$start" -v e="$end" 'BEGIN {
		wall = e - s; rate = r / wall;
		printf "%8d %10.2f %10.0f %20.1f s\n", r, wall, rate, 250000 / rate }'
done
