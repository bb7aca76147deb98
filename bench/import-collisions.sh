#!/bin/sh
# Import cost without hashing: namesakes against distinct names.
#
# A dry run (CSV, row checks, address derivation against the database)
# of N rows that all carry the same name (siti.rahma, siti.rahma2, ...)
# and of N rows whose names are all different; the ratio identical /
# distinct is 1 when collisions cost nothing more, and stays flat as N
# grows when the derivation is linear.  Then a real import of the distinct
# list with near-free hashes (Argon2id t=1, m=8K): everything an import
# does but the hashing (password generation with the policy, SQLite, the
# sheet's fsync), per 1,000 rows.  Each figure is the median of 3 runs.
# usage: bench/import-collisions.sh [BUILD-DIR] [N...]   (default 1000 5000 20000)
# ASN_BENCH_STORE=pgsql: against a private PostgreSQL (as
# bench/import-bench.sh sets it up), emptied before each real import.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/median.sh"
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
[ $# -gt 0 ] && shift
sizes=${*:-1000 5000 20000}
asnctl="$build/tools/asnctl"
make -s -C "$build" >/dev/null
[ -x "$asnctl" ] || { echo "import-collisions.sh: no $asnctl" >&2; exit 1; }
work=$(mktemp -d /tmp/asn-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

store=${ASN_BENCH_STORE:-sqlite}
db_uri=$work/asn.db
case "$store" in
sqlite) ;;
pgsql)
	skip_all() { echo "$0: cannot run: $1" >&2; exit 1; }
	ASN_TEST_PG_SETTINGS="fsync = on
full_page_writes = on
synchronous_commit = off
${ASN_TEST_PG_SETTINGS:-}"
	. "$src/tests/pg-env.sh"
	pg_env_start >"$work/pg-start.log" || { cat "$work/pg-start.log" >&2; exit 1; }
	db_uri=$ASN_TEST_PG_URI ;;
*) echo "$0: ASN_BENCH_STORE: sqlite or pgsql, not $store" >&2; exit 1 ;;
esac
fresh_store() {
	if [ "$store" = pgsql ]; then
		pg_psql -c "SET client_min_messages = warning" \
			-c "DROP SCHEMA IF EXISTS asn, asn_bsre CASCADE" >/dev/null
	else
		rm -f "$work"/asn.db*
	fi
	rm -f "$work/sheet.csv"
	"$asnctl" -c "$work/asnctl.conf" init >"$work/init.out" 2>&1 || { cat "$work/init.out" >&2; exit 1; }
}
printf 'asn_db = %s\nasn_domain = bench.go.id\nasn_argon2_opslimit = 1\nasn_argon2_memlimit = 8K\n' \
	"$db_uri" >"$work/asnctl.conf"
[ "$store" = sqlite ] || printf 'asn_bsre_spool = %s/spool/events.spool\n' "$work" >>"$work/asnctl.conf"
fresh_store

# seconds COMMAND...: wall time of one run; fails loudly if the run does.
seconds() {
	start=$(date +%s.%N)
	if ! "$@" >"$work/out" 2>"$work/err"; then
		echo "import-collisions.sh: failed: $*" >&2
		cat "$work/err" >&2
		exit 1
	fi
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f\n", e - s }'
}
median3() { printf '%s\n' "$@" | median; }
dry() { seconds "$asnctl" -c "$work/asnctl.conf" import --dry-run --opd Bench "$1"; }

echo "store: $store"
echo "dry-run import (no hashing, nothing written), median of 3 runs"
printf '%8s %12s %12s %8s %14s %14s\n' rows "identical s" "distinct s" ratio \
	"identical us/row" "distinct us/row"
for rows in $sizes; do
	"$src/bench/gen-list.sh" "$rows" identical >"$work/identical.csv"
	"$src/bench/gen-list.sh" "$rows" distinct >"$work/distinct.csv"
	i=$(median3 "$(dry "$work/identical.csv")" "$(dry "$work/identical.csv")" "$(dry "$work/identical.csv")")
	[ "$(grep -c '^would create' "$work/out")" = "$rows" ] || { echo "import-collisions.sh: $rows identical rows not all accepted" >&2; exit 1; }
	d=$(median3 "$(dry "$work/distinct.csv")" "$(dry "$work/distinct.csv")" "$(dry "$work/distinct.csv")")
	[ "$(grep -c '^would create' "$work/out")" = "$rows" ] || { echo "import-collisions.sh: $rows distinct rows not all accepted" >&2; exit 1; }
	awk -v r="$rows" -v i="$i" -v d="$d" 'BEGIN {
		printf "%8d %12.3f %12.3f %8.2f %14.1f %14.1f\n", r, i, d, i / d, i / r * 1e6, d / r * 1e6 }'
done

echo "import with near-free hashes (Argon2id t=1 m=8K): all but hashing, median of 3 runs"
printf '%8s %10s %18s\n' rows "import s" "s per 1,000 rows"
for rows in $sizes; do
	"$src/bench/gen-list.sh" "$rows" distinct >"$work/distinct.csv"
	runs=""
	for run in 1 2 3; do
		fresh_store
		runs="$runs $(seconds "$asnctl" -c "$work/asnctl.conf" import --opd Bench --sheet "$work/sheet.csv" "$work/distinct.csv")"
		grep -q "^$work/distinct.csv: $rows created" "$work/out" || { echo "import-collisions.sh: $rows rows not all created" >&2; exit 1; }
	done
	# shellcheck disable=SC2086
	t=$(median3 $runs)
	awk -v r="$rows" -v t="$t" 'BEGIN { printf "%8d %10.3f %18.3f\n", r, t, t / r * 1000 }'
done
