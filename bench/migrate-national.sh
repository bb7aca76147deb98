#!/bin/sh
# asnctl migrate at national scale: a generated SQLite site (ACCOUNTS
# accounts in 50 OPDs, default 250000, with ~2 BSrE events each from
# gen-bsre-db.sh, one audit row each and a password history row for one in
# ten) moved into a private PostgreSQL (tests/pg-env.sh: initdb in a temp
# dir, loopback; fsync off, as the tests' server).  Prints the rows and the
# wall time of the migration (schema creation included).
# usage: bench/migrate-national.sh [BUILD-DIR] [ACCOUNTS]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
n=${2:-250000}
asnctl="$build/tools/asnctl"
make -s -C "$build" >/dev/null
top_srcdir=$src
. "$src/tests/tap.sh"
work=$(mktemp -d /tmp/asn-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$src/tests/pg-env.sh"

printf 'asn_db = %s/db/asn.db\nasn_domain = bench.go.id\nasn_bsre_spool = %s/spool\n' \
	"$work" "$work" >"$work/asnctl.conf"
"$src/bench/gen-bsre-db.sh" "$asnctl" "$work/asnctl.conf" "$n"
sqlite3 "$work/db/asn.db" <<SQL
BEGIN;
INSERT INTO audit (at, actor, action, account_id, email, detail)
SELECT created_at, 'root', 'create', id, email, 'import' FROM accounts;
INSERT INTO password_history (account_id, password, set_at, retired_at)
SELECT id, '{SHA512-CRYPT}old', 1780000000, 1790000000 FROM accounts WHERE id % 10 = 0;
COMMIT;
SQL
set +e
pg_env_start || exit 1
echo "cores: $(nproc); $(sqlite3 "$work/db/asn.db" 'select count(*) from accounts') accounts," \
	"$(sqlite3 "$work/db/bsre/bsre.db" 'select count(*) from bsre_events') events," \
	"$(du -sh "$work/db" | cut -f1) of SQLite"
start=$(date +%s.%N)
"$asnctl" -c "$work/asnctl.conf" migrate --to "$ASN_TEST_PG_URI" --progress-every 100000
ret=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "migrate: %.1f s wall\n", e - s }'
pg_env_stop
exit $ret
