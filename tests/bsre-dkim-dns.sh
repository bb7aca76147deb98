#!/bin/sh
# DKIM keys of BSrE mails over real DNS: a private dnsmasq on a loopback
# high port serves a key made by opendkim-genkey; mails are signed by
# tests/dkim-sign (libopendkim) and judged by tests/dkim-verify
# (asn_bsre_dkim_verify, the delivery's check).  Trusted over DNS (over TCP
# for a truncated answer); NXDOMAIN
# for the selector is untrusted; a REFUSED answer, a server that is gone
# and one that never answers leave the mail unverified (never trusted).
. "$top_srcdir/tests/tap.sh"
tap_setup

. "$top_srcdir/tests/dkim-env.sh"
dkim_require
command -v perl >/dev/null || skip_all "missing: perl"

sign="$dkim_sign"
verify="$top_builddir/tests/dkim-verify"
dkim_genkey sel1 bssn.go.id
# a 4096-bit key: its record does not fit in a 512-byte answer
dkim_genkey big bssn.go.id 4096
strings=$(dkim_record_strings sel1)
big_strings=$(dkim_record_strings big)

mail() {	# mail FROM-DOMAIN: a BSrE mail
	printf 'From: BSrE <info.bsre@%s>\nTo: siti@jatimprov.go.id\nSubject: [BSrE] Sertifikat Elektronik Terbit\nMessage-ID: <dns-1@%s>\n\nSerial Number : 1234\n' "$1" "$1"
}
mail bssn.go.id | "$sign" "$work/keys/sel1.private" sel1 bssn.go.id >"$work/good.eml"
mail bssn.go.id | "$sign" "$work/keys/sel1.private" gone bssn.go.id >"$work/gone.eml"
mail bssn.go.id | "$sign" "$work/keys/big.private" big bssn.go.id >"$work/big.eml"
mail kominfo.go.id | "$sign" "$work/keys/sel1.private" sel1 kominfo.go.id >"$work/refused.eml"

# verdict FILE RESOLVER [TIMEOUT]: "VERDICT REASON" of the mail
verdict() {
	"$verify" -r "$2" -t "${3:-5}" -s "bssn.go.id kominfo.go.id" <"$1" >"$work/verdict" 2>&1
	head -1 "$work/verdict"
}

# dnsmasq: the key under bssn.go.id (in two strings, as DNS splits long
# records), authoritative there (--local: other names NXDOMAIN), no
# upstream (kominfo.go.id gets REFUSED); UDP answers cut at 512 bytes, so
# that the big key comes over TCP.
dns_start --local=/bssn.go.id/ --edns-packet-max=512 \
	--txt-record="sel1._domainkey.bssn.go.id,$strings" \
	--txt-record="big._domainkey.bssn.go.id,$big_strings"
port=$dns_port
trap 'kill $dns_pid ${quiet_pid:-} 2>/dev/null; rm -rf "$work"' EXIT

got=$(verdict "$work/good.eml" "127.0.0.1:$port")
[ "$got" = "trusted pass" ]
ok $? "a signed BSrE mail is trusted with its key from DNS (got: $got)" || sed 's/^/# /' "$work/verdict"

got=$(verdict "$work/big.eml" "127.0.0.1:$port")
[ "$got" = "trusted pass" ]
ok $? "a key too big for UDP is fetched over TCP (got: $got)" || sed 's/^/# /' "$work/verdict"

got=$(verdict "$work/gone.eml" "127.0.0.1:$port")
[ "$got" = "untrusted key_missing" ]
ok $? "NXDOMAIN for the selector is untrusted (got: $got)" || sed 's/^/# /' "$work/verdict"

"$verify" -r "127.0.0.1:$port" -l <"$work/gone.eml" >"$work/verdict" 2>&1
got=$(head -1 "$work/verdict")
[ "$got" = "unverified key_gone" ]
ok $? "checked again later, a selector gone from DNS is unverified (got: $got)" ||
	sed 's/^/# /' "$work/verdict"

got=$(verdict "$work/refused.eml" "127.0.0.1:$port")
[ "$got" = "unverified dns_error" ]
ok $? "a REFUSED answer leaves the mail unverified (got: $got)" || sed 's/^/# /' "$work/verdict"

sed 's/Serial Number : 1234/Serial Number : 9999/' "$work/good.eml" >"$work/changed.eml"
got=$(verdict "$work/changed.eml" "127.0.0.1:$port")
[ "$got" = "untrusted body_changed" ]
ok $? "the same mail with a changed body is untrusted (got: $got)" || sed 's/^/# /' "$work/verdict"

dns_stop
got=$(verdict "$work/good.eml" "127.0.0.1:$port")
[ "$got" = "unverified resolver_unreachable" ]
ok $? "with dnsmasq stopped the mail is unverified (got: $got)" || sed 's/^/# /' "$work/verdict"

# what the delivery keeps of it (the facts: header, body-hash match) is
# checked once the DNS answers again, without the body
"$verify" -r "127.0.0.1:$port" -w "$work/facts" <"$work/good.eml" >/dev/null 2>&1
sed 's/Serial Number : 1234/Serial Number : 9999/' "$work/good.eml" |
	"$verify" -r "127.0.0.1:$port" -w "$work/changed-facts" >/dev/null 2>&1
[ -s "$work/facts" ] && ! grep -q "Serial Number" "$work/facts"
ok $? "its DKIM facts are kept, without the body"
dns_start --local=/bssn.go.id/ --txt-record="sel1._domainkey.bssn.go.id,$strings"
"$verify" -r "127.0.0.1:$dns_port" -F <"$work/facts" >"$work/verdict" 2>&1
got=$(head -1 "$work/verdict")
[ "$got" = "trusted pass" ]
ok $? "DNS back: the facts alone make it trusted (got: $got)" || sed 's/^/# /' "$work/verdict"
"$verify" -r "127.0.0.1:$dns_port" -F <"$work/changed-facts" >"$work/verdict" 2>&1
got=$(head -1 "$work/verdict")
[ "$got" = "untrusted body_changed" ]
ok $? "and those of a mail whose body was changed make it untrusted (got: $got)" ||
	sed 's/^/# /' "$work/verdict"
dns_stop

# a resolver that takes the query and never answers: unverified when the
# timeout ends (how long it took is not asserted)
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Proto => "udp")
		or die "bind: $!";
	open(my $f, ">", $ARGV[0]) or die; print $f $s->sockport, "\n"; close($f);
	sleep 60;' "$work/quiet.port" &
quiet_pid=$!
for i in $(seq 1 50); do [ -s "$work/quiet.port" ] && break; sleep 0.1; done
got=$(verdict "$work/good.eml" "127.0.0.1:$(cat "$work/quiet.port")" 1)
[ "$got" = "unverified dns_timeout" ]
ok $? "a resolver that never answers leaves the mail unverified (got: $got)" ||
	sed 's/^/# /' "$work/verdict"

tap_finish
