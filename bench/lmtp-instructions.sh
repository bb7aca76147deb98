#!/bin/sh
# What the plugins cost an ordinary delivery, counted exactly: the
# instructions of Dovecot's LMTP processes (callgrind) delivering the same
# ordinary mails, with the plugins (asn everywhere, asn_bsre for LMTP) and
# without them, in two private Dovecots of the same configuration.  One
# client at a time: SESSIONS sessions in turn, each MAILS distinct 4 KB
# mails to one user.  The counts are exact but not the same from run to
# run (by some 0.2 %, in both arms alike: Dovecot's file names, times and
# GUIDs differ), so each arm runs ASN_INSTR_RUNS times (default 3) in
# turn and the medians are compared; each run's ratio is shown too.
# Also the BSrE mails' cost: the same sessions with BSrE activation mails,
# unsigned (bsre), and signed by bssn.go.id, its key read from an
# asn_bsre_dkim_keys file (bsre-dkim-file) or asked of a DNS server for
# every mail (bsre-dkim-dns: a local dnsmasq answering from memory, as a
# resolver answers from its cache; an uncached answer adds the resolver's
# own round trips in time, not in instructions here).
# usage: bench/lmtp-instructions.sh [BUILD-DIR] [SESSIONS] [MAILS]   (as root)
# ASN_INSTR_KINDS picks the kinds (default: all four).
# ASN_BENCH_STORE=pgsql: the accounts and events on a private PostgreSQL
# (bench/arms.sh); the server's own work is not counted, the LMTP processes' is.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/_build-plain}" && pwd) || exit 1
sessions=${2:-4}
mails=${3:-50}
command -v valgrind >/dev/null || { echo "$0: needs valgrind" >&2; exit 1; }
make -s -C "$build" >/dev/null && make -s -C "$build/tests" lmtp-send >/dev/null || exit 1

root=$(mktemp -d /tmp/asn-lmtp-instr-XXXXXX)
chmod 755 "$root"
. "$src/bench/arms.sh"

bench_accounts 'Agus Satu;198001012005011001'
user=$users

# 4 KB ordinary mails (headers as a real one has them) and BSrE mails,
# each with its own Message-ID
make -s -C "$build/tests" dkim-sign >/dev/null || exit 1
mkdir -p "$root/ordinary" "$root/bsre" "$root/bsre-dkim" "$root/keys"
opendkim-genkey --bits=2048 --domain=bssn.go.id --selector=sel1 --directory="$root/keys" ||
	{ echo "$0: needs opendkim-genkey (Debian: opendkim-tools)" >&2; exit 1; }
key_record=$(tr -d '\n\t' <"$root/keys/sel1.txt" | sed 's/^[^(]*( *//; s/ *).*$//')
echo "sel1._domainkey.bssn.go.id $key_record" >"$root/keys/file"
body=$(awk 'BEGIN { for (i = 0; i < 52; i++) printf "Baris %02d surat dinas biasa untuk pengukuran biaya pengiriman, tanpa lampiran.\n", i }')
for i in $(seq 1 "$mails"); do
	cat >"$root/ordinary/m$i.eml" <<MAIL
Return-Path: <sekretariat@example.org>
Received: from mx.example.org (mx.example.org [192.0.2.10])
	by mail.bench.go.id (Postfix) with ESMTPS id 4Xb$i
	for <$user>; Thu, 26 Nov 2026 10:00:00 +0700 (WIB)
Message-ID: <bench-$i@example.org>
Date: Thu, 26 Nov 2026 10:00:00 +0700
From: Sekretariat <sekretariat@example.org>
To: <$user>
Subject: Undangan rapat koordinasi nomor $i
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

$body
MAIL
	sed -e "s/act1@bssn.go.id/instr-$i@bssn.go.id/" -e "s/^To: .*/To: <$user>/" \
		"$src/tests/mail/activation.eml" >"$root/bsre/m$i.eml"
	# signed as BSrE sends it: before any hop added its trace fields
	tr -d '\r' <"$root/bsre/m$i.eml" |
		sed -e '/^Return-Path:/d' -e '/^Delivered-To:/d' -e '/^Authentication-Results:/d' |
		"$build/tests/dkim-sign" "$root/keys/sel1.private" sel1 bssn.go.id \
		>"$root/bsre-dkim/m$i.eml"
done
dnsmasq=$(command -v dnsmasq || ls /usr/sbin/dnsmasq 2>/dev/null)
[ -n "$dnsmasq" ] || { echo "$0: needs dnsmasq (Debian: dnsmasq-base)" >&2; exit 1; }
dns_port=$(( 20000 + $$ % 30000 ))
"$dnsmasq" --keep-in-foreground --port="$dns_port" --listen-address=127.0.0.1 --bind-interfaces \
	--no-resolv --no-hosts --user=nobody --pid-file= --conf-file=/dev/null --local=/bssn.go.id/ \
	--txt-record="sel1._domainkey.bssn.go.id,$(echo "$key_record" | sed 's/" *"/,/g; s/"//g')" &
dns_pid=$!
# stopped however the benchmark ends (arms.sh's and Dovecot's exit traps)
ASN_CLEANUP="kill $dns_pid 2>/dev/null; ${ASN_CLEANUP:-}"

# Each LMTP process writes its own callgrind file when it ends (Dovecot
# reuses a process for the next client, as on a real site: the files are
# complete once the instance stops).  Only instructions are counted.
cg() { echo "$(command -v valgrind) -q --tool=callgrind --callgrind-out-file=$root/cg-$1/cg.%p"; }

# count ARM KIND: a fresh instance of ARM delivers SESSIONS x MAILS mails
# of KIND, one session at a time; the instructions of all its LMTP
# processes into $root/count-ARM (not a subshell: start_arm's exit trap
# would remove $root when it ends)
count() {
	# (a directory any user writes: the process ends as the mail user)
	rm -rf "$root/cg-$1"; mkdir -p "$root/cg-$1" && chmod 1777 "$root/cg-$1"
	mails_dir=$2
	case $2 in
	bsre-dkim-file) dkim_conf="asn_bsre_dkim_keys = $root/keys/file"; mails_dir=bsre-dkim ;;
	bsre-dkim-dns) dkim_conf="asn_bsre_dkim_resolver = 127.0.0.1:$dns_port"; mails_dir=bsre-dkim ;;
	*) dkim_conf="" ;;
	esac
	if [ "$1" = with ]; then
		ASN_LMTP_WRAPPER=$(cg with) start_arm with "mail_plugins = \$mail_plugins
protocol lmtp {
  mail_plugins = \$mail_plugins
}
plugin {
  $dkim_conf
}"
	else
		ASN_LMTP_WRAPPER=$(cg bare) start_arm bare "mail_plugins =
protocol lmtp {
  mail_plugins =
}"
	fi
	eval "port=\$lmtp_port_$1"
	for s in $(seq 1 "$sessions"); do
		"$build/tests/lmtp-send" 127.0.0.1 "$port" "$user" "$root/$mails_dir"/m*.eml >"$root/send.out" 2>&1 ||
			{ echo "$0: $1: delivery failed: $(cat "$root/send.out")" >&2; exit 1; }
	done
	work="$root/$1"; dovecot_stop
	# the signed mails must have been trusted, else this measured a failure
	if [ "$1" = with ] && [ "$mails_dir" = bsre-dkim ] &&
	   grep -q "untrusted BSrE\|not verified yet" "$work/dovecot.log"; then
		echo "$0: $2: the signed BSrE mails were not trusted:" >&2
		grep "asn_bsre" "$work/dovecot.log" | head -3 >&2
		exit 1
	fi
	# callgrind writes its file as the process exits
	i=0
	while ! grep -qs '^summary:' "$root/cg-$1"/cg.* && [ $i -lt 100 ]; do
		sleep 0.2; i=$((i + 1))
	done
	sleep 1
	awk '/^summary:/ { n += $2 } END { printf "%.0f\n", n }' "$root/cg-$1"/cg.* >"$root/count-$1"
}

total=$((sessions * mails))
runs=${ASN_INSTR_RUNS:-3}
echo "$(dovecot --version | cut -d' ' -f1): $sessions sessions in turn x $mails mails, one recipient; instructions of the LMTP processes (callgrind), median of $runs runs per arm"
printf '%-14s %12s %12s %9s %11s  %s\n' kind "bare/mail" "plugins/mail" "bare/plg" "extra/mail" "(runs: bare/plg)"
for kind in ${ASN_INSTR_KINDS:-ordinary bsre bsre-dkim-file bsre-dkim-dns}; do
	: >"$root/runs-bare"; : >"$root/runs-with"; each=""
	for r in $(seq 1 "$runs"); do
		count bare "$kind"; count with "$kind"
		cat "$root/count-bare" >>"$root/runs-bare"; cat "$root/count-with" >>"$root/runs-with"
		each="$each $(awk -v b="$(cat "$root/count-bare")" -v w="$(cat "$root/count-with")" \
			'BEGIN { printf "%.4f", b / w }')"
	done
	b=$(median <"$root/runs-bare"); w=$(median <"$root/runs-with")
	awk -v k="$kind" -v b="$b" -v w="$w" -v n="$total" -v each="$each" 'BEGIN {
		printf "%-14s %12.0f %12.0f %9.4f %11.0f  (%s)\n", k, b / n, w / n, b / w, (w - b) / n,
			substr(each, 2) }'
done
kill "$dns_pid" 2>/dev/null
