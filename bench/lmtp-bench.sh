#!/bin/sh
# LMTP deliveries per second with the dovecot-asn plugins (asn everywhere,
# asn_bsre for LMTP) against the same Dovecot without them: two private
# instances, same configuration but for mail_plugins, loads alternated in
# one run, medians compared.  Two streams: ordinary mail (Postfix's
# smtp-source -L, from Debian's postfix package unpacked with dpkg -x, the
# MTA is not installed), and BSrE mails (distinct Message-IDs, trusted
# sender, sent with tests/lmtp-send), for which the extra cost per mail is
# reported.
# usage: bench/lmtp-bench.sh [BUILD-DIR] [ROUNDS] [MAILS-PER-SESSION]   (as root)
# ASN_BENCH_STORE=pgsql: the accounts and the events in a private PostgreSQL
# (bench/arms.sh): both arms' Dovecot reads its users there with the shipped
# pgsql passdb/userdb, so that the ratio is still the plugins' alone.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
rounds=${2:-9}
per_session=${3:-250}
sessions=4
make -s -C "$build" >/dev/null && make -s -C "$build/tests" imap-probe lmtp-send >/dev/null || exit 1

# smtp-source without installing Postfix
pf=/var/tmp/asn-bench-postfix
if [ ! -x "$pf/usr/sbin/smtp-source" ]; then
	mkdir -p "$pf" && (cd "$pf" && apt-get download postfix >/dev/null 2>&1 &&
		dpkg -x postfix_*.deb "$pf") || { echo "cannot get postfix's smtp-source"; exit 1; }
fi
smtp_source() { LD_LIBRARY_PATH="$pf/usr/lib/postfix" "$pf/usr/sbin/smtp-source" "$@"; }
# The package is unpacked, not installed: the libraries it depends on
# beyond libc must be there (Debian 13's Postfix also needs libnsl2, which
# a system without an MTA lacks).
. "$src/scripts/deps.sh"
asn_install_packages libnsl2 || exit 1
missing=$(LD_LIBRARY_PATH="$pf/usr/lib/postfix" ldd "$pf/usr/sbin/smtp-source" | grep 'not found')
[ -z "$missing" ] || { echo "smtp-source cannot run: $missing"; exit 1; }

root=$(mktemp -d /tmp/asn-lmtp-bench-XXXXXX)
chmod 755 "$root"
. "$src/bench/arms.sh"

# One database with the bench users, copied to both arms.
bench_accounts 'Agus Satu;198001012005011001' 'Budi Dua;198001012005011002' \
	'Citra Tiga;198001012005012003' 'Dewi Empat;198001012005012004'

# BSrE mails: per session and round a fresh set of distinct Message-IDs
mkdir -p "$root/bsre"
for i in $(seq 1 "$per_session"); do
	sed -e "s/act1@bssn.go.id/bench-$i@bssn.go.id/" "$src/tests/mail/activation.eml" >"$root/bsre/m$i.eml"
done

now() { date +%s.%N; }

reset_arm() {	# empty mailboxes and events: the cost grows with the mailbox
	rm -rf "$root/$1/vmail/bench.go.id"
	bench_events_clear "$1"
	# the previous run's writeback must not land in this run
	sync
}

run_stream() {	# run_stream ARM KIND: prints mails per second
	eval "port=\$lmtp_port_$1"
	reset_arm "$1"
	start=$(now)
	for u in $users; do
		if [ "$2" = ordinary ]; then
			smtp_source -L -s 1 -m "$per_session" -l 2048 -f sender@example.org -t "$u" \
				"127.0.0.1:$port" >/dev/null 2>&1 &
		else
			"$build/tests/lmtp-send" 127.0.0.1 "$port" "$u" "$root"/bsre/m*.eml >/dev/null 2>&1 &
		fi
	done
	wait
	end=$(now)
	delivered=$(find "$root/$1/vmail/bench.go.id" -path '*/new/*' -type f 2>/dev/null | wc -l)
	[ "$delivered" -gt 0 ] || { echo "$0: $1 $2: nothing delivered" >&2; exit 1; }
	[ "$delivered" -eq $((sessions * per_session)) ] || echo "warning: $1 $2: $delivered delivered" >&2
	bench_events "$1" >"$root/$1.events"
	awk -v n="$delivered" -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", n / (e - s) }'
}

measure() {	# measure KIND
	[ "$bench_store" = pgsql ] && bench_pg_role_stats reset
	: >"$root/with.rates"; : >"$root/bare.rates"
	run_stream with "$1" >/dev/null; run_stream bare "$1" >/dev/null	# warm-up
	for i in $(seq 1 "$rounds"); do
		# each arm goes first in every other round
		order="with bare"; [ $((i % 2)) = 0 ] && order="bare with"
		for arm in $order; do
			run_stream "$arm" "$1" >>"$root/$arm.rates"
		done
	done
	w=$(median <"$root/with.rates"); b=$(median <"$root/bare.rates")
	awk -v l="$1" -v w="$w" -v b="$b" -v c="$sessions" 'BEGIN {
		printf "%-16s %10.1f %10.1f %7.3f %12.3f\n", l, b, w, w / b, (1 / w - 1 / b) * 1000 }'
	[ "$1" = bsre ] && echo "  (events recorded in the last round: plugin arm $(cat "$root/with.events"), bare arm $(cat "$root/bare.events"))"
	# the plugin arm's mails, warm-up included
	[ "$bench_store" = pgsql ] &&
		bench_pg_role_stats asn_mail $(( (rounds + 1) * sessions * per_session )) "$1"
	return 0
}

start_arm with "mail_plugins = \$mail_plugins
protocol lmtp {
  mail_plugins = \$mail_plugins
}"
start_arm bare "mail_plugins =
protocol lmtp {
  mail_plugins =
}
# padding: both arms' configuration text is the same length...."
[ "$bench_store" = sqlite ] || echo "store: $(bench_store_name) (both arms' passdb and userdb; the plugin arm's BSrE events, one connection per delivery process)"
echo "$(bench_platform); rounds: $rounds alternated, median deliveries/s; $sessions parallel LMTP sessions x $per_session mails, one recipient each; $(nproc) cores"
printf '%-16s %10s %10s %7s %12s\n' "stream" "bare" "plugins" "ratio" "extra ms/mail at full load"
measure ordinary
measure bsre
