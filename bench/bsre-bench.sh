#!/bin/sh
# What verifiers and a late install cost, on generated data:
#  1. status and progress over ACCOUNTS accounts with ~2 BSrE events each
#     (in process: bsre-query-bench; and asnctl status as a command);
#  2. asnctl scan of a Maildir tree of MAILS ordinary mails (plus 100 BSrE
#     ones) against grep -rl '^Subject: \[BSrE\]' on the same tree, both on
#     a warm page cache, alternated.
# usage: bench/bsre-bench.sh [BUILD-DIR] [ACCOUNTS] [MAILS]
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
accounts=${2:-250000}
mails=${3:-100000}
make -s -C "$build" >/dev/null && make -s -C "$build/bench" bsre-query-bench >/dev/null || exit 1
root=$(mktemp -d /var/tmp/asn-bsre-bench-XXXXXX)
trap 'rm -rf "$root"' EXIT
asnctl="$build/tools/asnctl"
printf 'asn_db = %s/db/asn.db\n' "$root" >"$root/asnctl.conf"
now() { date +%s.%N; }

echo "== status and progress: $accounts accounts in 50 OPDs"
start=$(now)
"$src/bench/gen-bsre-db.sh" "$asnctl" "$root/asnctl.conf" "$accounts" || exit 1
echo "generated in $(awk -v s="$start" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }') s:" \
	"$(sqlite3 "$root/db/bsre/bsre.db" 'SELECT count(*) FROM bsre_events') events"
"$build/bench/bsre-query-bench" "$root/asnctl.conf" "$accounts" 20000
start=$(now)
for i in $(seq 1 200); do
	"$asnctl" -c "$root/asnctl.conf" status --json "user$((i * 997 % accounts + 1))@bench.go.id" >/dev/null
done
awk -v s="$start" -v e="$(now)" 'BEGIN { printf "asnctl status --json:    %8.2f ms per command, process start included (200 runs)\n", (e - s) * 1000 / 200 }'
start=$(now)
"$asnctl" -c "$root/asnctl.conf" progress --opd "OPD 07" >/dev/null
awk -v s="$start" -v e="$(now)" 'BEGIN { printf "asnctl progress --opd:   %8.1f ms per command\n", (e - s) * 1000 }'

echo "== scan: $mails ordinary mails + 100 BSrE mails in Maildirs of 100 users"
tree="$root/vmail"
awk -v n="$mails" -v tree="$tree" 'BEGIN {
	body = ""
	for (l = 0; l < 30; l++) body = body "Isi pesan rapat koordinasi dinas, baris " l " dengan teks yang cukup panjang.\n"
	for (u = 0; u < 100; u++) system("mkdir -p " tree "/bench.go.id/user" u "/Maildir/cur " tree "/bench.go.id/user" u "/Maildir/new")
	for (i = 0; i < n; i++) {
		u = i % 100
		f = sprintf("%s/bench.go.id/user%d/Maildir/cur/%d.M%dP1.bench:2,S", tree, u, 1790000000 + i, i)
		printf "Return-Path: <sender@example.org>\nDelivered-To: user%d@bench.go.id\nReceived: from mx by mail; Mon, 16 Nov 2026 10:%02d:00 +0700\nFrom: Sender <sender@example.org>\nTo: user%d@bench.go.id\nSubject: Undangan rapat %d\nDate: Mon, 16 Nov 2026 10:00:00 +0700\nMessage-ID: <m%d@example.org>\n\n%s", u, i % 60, u, i, i, body > f
		close(f)
	}
}'
for u in $(seq 0 99); do
	sed -e "s/act1@bssn.go.id/scan-$u@bssn.go.id/" "$src/tests/mail/activation.eml" \
		>"$tree/bench.go.id/user$u/Maildir/cur/1800000000.B$u.bench:2,S"
done
printf 'asn_db = %s/scan/asn.db\n' "$root" >"$root/scan.conf"
"$asnctl" -c "$root/scan.conf" init >/dev/null
du -sh "$tree" | awk '{ print "tree: " $1 }'
cat $(find "$tree" -type f) >/dev/null 2>&1	# warm the page cache for both
: >"$root/grep.t"; : >"$root/scan.t"
for round in 1 2 3; do
	start=$(now)
	grep -rl '^Subject: \[BSrE\]' "$tree" >"$root/grep.out"
	awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }' >>"$root/grep.t"
	rm -rf "$root/scan"; "$asnctl" -c "$root/scan.conf" init >/dev/null
	start=$(now)
	"$asnctl" -c "$root/scan.conf" scan --layout "$tree/%d/%n" "$tree" >"$root/scan.out"
	awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }' >>"$root/scan.t"
done
. "$src/bench/median.sh"
g=$(median <"$root/grep.t"); s=$(median <"$root/scan.t")
echo "grep -rl: $(wc -l <"$root/grep.out") files found"
echo "asnctl scan: $(cat "$root/scan.out")"
awk -v g="$g" -v s="$s" 'BEGIN { printf "median of 3: grep -rl %.2f s, asnctl scan %.2f s: scan/grep = %.2f\n", g, s, s / g }'
