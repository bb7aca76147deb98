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
# ASN_BENCH_STORE=pgsql: the import writes to a private PostgreSQL
# (tests/pg-env.sh; as root, the server runs as postgres), emptied (schemas
# dropped, asnctl init again) before each size; default sqlite.
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

store=${ASN_BENCH_STORE:-sqlite}
db_uri=$work/asn.db
case "$store" in
sqlite) store_name="SQLite $(sqlite3 --version | cut -d' ' -f1)" ;;
pgsql)
	skip_all() { echo "$0: cannot run: $1" >&2; exit 1; }
	# a site's durability but for each commit's flush (as SQLite's WAL
	# with synchronous = NORMAL): fsync at checkpoints
	ASN_TEST_PG_SETTINGS="fsync = on
full_page_writes = on
synchronous_commit = off
${ASN_TEST_PG_SETTINGS:-}"
	. "$src/tests/pg-env.sh"
	pg_env_start >"$work/pg-start.log" || { cat "$work/pg-start.log" >&2; exit 1; }
	db_uri=$ASN_TEST_PG_URI
	store_name="PostgreSQL $("$ASN_TEST_PG_BIN/postgres" --version | awk '{ print $3 }')" ;;
*) echo "$0: ASN_BENCH_STORE: sqlite or pgsql, not $store" >&2; exit 1 ;;
esac
fresh_store() {	# an empty store for the next size
	if [ "$store" = pgsql ]; then
		pg_psql -c "SET client_min_messages = warning" \
			-c "DROP SCHEMA IF EXISTS asn, asn_bsre CASCADE" >/dev/null
	else
		rm -f "$work"/asn.db*
	fi
	rm -f "$work/sheet.csv"
	# (libpq's notices, e.g. "extension citext already exists", on error only)
	"$asnctl" -c "$work/asnctl.conf" init >"$work/init.out" 2>&1 || { cat "$work/init.out" >&2; exit 1; }
}

printf 'asn_db = %s\nasn_domain = bench.go.id\n' "$db_uri" >"$work/asnctl.conf"
# on PostgreSQL asnctl keeps its own spool (default under /var/lib)
[ "$store" = sqlite ] || printf 'asn_bsre_spool = %s/spool/events.spool\n' "$work" >>"$work/asnctl.conf"
# A hash with the default parameters, for the verify measurements.
"$asnctl" --db "$work/ref.db" init >/dev/null
"$asnctl" --db "$work/ref.db" add --name "Ref Erence" --nip 198001012005011001 --opd R \
	--domain bench.go.id --sheet "$work/ref.csv" >/dev/null
ref_pw=$(sed -n 2p "$work/ref.csv" | cut -d',' -f2)
ref_hash=$(sqlite3 "$work/ref.db" "select password from accounts")

echo "cores: $cores; store: $store_name; hashing: default settings (ARGON2ID t=3 m=64M, as doveadm pw)"
printf '%8s %10s %14s %10s %8s\n' rows "import s" "verify s/hash" "limit s" ratio
for rows in $sizes; do
	"$src/bench/gen-list.sh" "$rows" >"$work/list.csv"
	fresh_store
	v1=$("$cost" "$ref_hash" "$ref_pw" 10 "$cores")
	start=$(date +%s.%N)
	"$asnctl" -c "$work/asnctl.conf" import --opd Bench --sheet "$work/sheet.csv" "$work/list.csv" >/dev/null
	end=$(date +%s.%N)
	v2=$("$cost" "$ref_hash" "$ref_pw" 10 "$cores")
	if [ "$store" = pgsql ]; then n=$(pg_psql -At -c "SELECT count(*) FROM asn.accounts")
	else n=$(sqlite3 "$work/asn.db" "SELECT count(*) FROM accounts"); fi
	[ "$n" = "$rows" ] || echo "warning: $n accounts imported of $rows rows" >&2
	awk -v r="$rows" -v s="$start" -v e="$end" -v v1="$v1" -v v2="$v2" -v c="$cores" 'BEGIN {
		wall = e - s; v = (v1 + v2) / 2; limit = r * v / c;
		printf "%8d %10.2f %14.4f %10.2f %8.3f\n", r, wall, v, limit, wall / limit }'
done
