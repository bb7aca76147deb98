#!/bin/sh
# The store at national scale, SQLite and PostgreSQL side by side: a site
# of ACCOUNTS accounts in 50 OPDs with ~2 BSrE events each (gen-bsre-db.sh),
# then, in process on a warm database (bsre-query-bench): one person's
# status (p50, p99 of 20,000), one OPD's progress report (mean, worst of
# 50), all OPDs' report, reading the BSrE progress kept per account (the
# first fold, by asnctl init, is timed too).  The issue's goals at 1,000,000 accounts: status
# p99 under 5 ms, one OPD under 100 ms, all OPDs under 2 s.  PostgreSQL is
# a private server (tests/pg-env.sh) with a 1 GB cache.
# usage: bench/store-scale.sh [BUILD-DIR] [ACCOUNTS]   (default 1000000)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
accounts=${2:-1000000}
make -s -C "$build" >/dev/null && make -s -C "$build/bench" bsre-query-bench >/dev/null || exit 1
asnctl="$build/tools/asnctl"
work=$(mktemp -d /var/tmp/asn-store-scale-XXXXXX)
chmod 755 "$work"
skip_all() { echo "$*"; exit 1; }
ASN_TEST_PG_SETTINGS="shared_buffers = 1GB
work_mem = 64MB"
. "$src/tests/pg-env.sh"
pg_env_start || exit 1
trap 'pg_env_stop; rm -rf "$work"' EXIT
now() { date +%s.%N; }

printf 'asn_db = %s/db/asn.db\n' "$work" >"$work/sqlite.conf"
printf 'asn_db = %s\nasn_bsre_spool = %s/spool/events.spool\n' "$ASN_TEST_PG_URI" "$work" \
	>"$work/pgsql.conf"
echo "cores: $(nproc); $accounts accounts in 50 OPDs; PostgreSQL $("$ASN_TEST_PG_BIN/postgres" -V | awk '{ print $3 }'), SQLite $(sqlite3 --version | awk '{ print $1 }')"
for store in sqlite pgsql; do
	start=$(now)
	"$src/bench/gen-bsre-db.sh" "$asnctl" "$work/$store.conf" "$accounts" >"$work/gen.log" 2>&1 ||
		{ echo "generating the $store site failed:"; tail -5 "$work/gen.log"; exit 1; }
	awk -v s="$start" -v e="$(now)" -v st="$store" \
		'BEGIN { printf "%s: site generated in %.1f s\n", st, e - s }'
	# the generator writes rows behind asnctl's back: asnctl init folds
	# their BSrE progress, once, as after the schema's upgrade at a site
	start=$(now)
	"$asnctl" -c "$work/$store.conf" init >"$work/init.log" 2>&1 ||
		{ echo "asnctl init failed:"; cat "$work/init.log"; exit 1; }
	awk -v s="$start" -v e="$(now)" -v st="$store" \
		'BEGIN { printf "%s: BSrE progress of every account folded (asnctl init) in %.1f s\n", st, e - s }'
	# what autovacuum does after those million updates, not waited for
	[ "$store" = sqlite ] || psql -X -q "$ASN_TEST_PG_URI" -c "VACUUM ANALYZE asn.accounts"
	"$build/bench/bsre-query-bench" "$work/$store.conf" "$accounts" 20000 >"$work/$store.out" ||
		exit 1
done
# side by side: the lines of bsre-query-bench, one column per store
printf '%-26s %-44s %s\n' "" "SQLite" "PostgreSQL"
paste -d'|' "$work/sqlite.out" "$work/pgsql.out" | awk -F'|' '{
	split($1, a, ":"); split($2, b, ":")
	sub(/^ +/, "", a[2]); sub(/^ +/, "", b[2])
	printf "%-26s %-44s %s\n", a[1] ":", a[2], b[2] }'
