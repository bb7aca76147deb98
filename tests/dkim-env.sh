# DKIM keys served by a private DNS server, for the tests that need them:
#   dkim_require            skip_all naming what is missing (dnsmasq,
#                           opendkim-genkey)
#   dkim_genkey SEL DOMAIN [BITS]   a key pair in $work/keys/SEL.{private,txt}
#   dkim_record_strings SEL the record's strings, comma separated and
#                           unquoted, as dnsmasq's --txt-record takes them
#   dns_start DNSMASQ-ARGS...  dnsmasq on 127.0.0.1:$dns_port (a free high
#                           port), no upstream, no hosts; $dns_pid
#   dns_stop
# tests/dkim-sign signs a mail with such a key (libopendkim).

dkim_sign="$top_builddir/tests/dkim-sign"

dkim_require() {
	dkim_missing=""
	dnsmasq=$(command -v dnsmasq || ls /usr/sbin/dnsmasq 2>/dev/null)
	[ -n "$dnsmasq" ] || dkim_missing="$dkim_missing dnsmasq (Debian: dnsmasq-base)"
	command -v opendkim-genkey >/dev/null ||
		dkim_missing="$dkim_missing opendkim-genkey (Debian: opendkim-tools)"
	if [ -n "$dkim_missing" ]; then
		echo "$(basename "$0"): missing:$dkim_missing" >&2
		skip_all "missing:$dkim_missing"
	fi
}

dkim_genkey() {
	mkdir -p "$work/keys"
	opendkim-genkey --bits="${3:-1024}" --domain="$2" --selector="$1" --directory="$work/keys" ||
		{ echo "Bail out! opendkim-genkey failed"; exit 1; }
}

dkim_record_strings() {
	tr -d '\n\t' <"$work/keys/$1.txt" | sed 's/^[^(]*( *//; s/ *).*$//; s/" *"/,/g; s/"//g'
}

dns_pid=""
dns_start() {
	dns_pid=""
	for attempt in 1 2 3 4 5; do
		dns_port=$(( 20000 + ($$ * 11 + attempt * 173) % 30000 ))
		"$dnsmasq" --keep-in-foreground --port="$dns_port" --listen-address=127.0.0.1 \
			--bind-interfaces --no-resolv --no-hosts --user="$(id -un)" --pid-file= \
			--conf-file=/dev/null "$@" 2>"$work/dnsmasq.log" &
		dns_pid=$!
		sleep 0.3
		if kill -0 "$dns_pid" 2>/dev/null; then
			return 0
		fi
		dns_pid=""
	done
	echo "Bail out! dnsmasq did not start"
	sed 's/^/# /' "$work/dnsmasq.log"
	exit 1
}

dns_stop() {
	[ -n "$dns_pid" ] || return 0
	kill "$dns_pid" 2>/dev/null
	wait "$dns_pid" 2>/dev/null
	dns_pid=""
}
