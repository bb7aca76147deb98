# A private Postfix in front of the private Dovecot (sourced after
# dovecot-env.sh): Debian's postfix with its own config_directory,
# queue_directory and data_directory under $work, on loopback high ports,
# running the shipped contrib/postfix/main.cf and master.cf and talking to
# the Dovecot through the shipped 91-asn-postfix.conf sockets.  The
# system's Postfix (/etc/postfix, /var/spool/postfix) is never read,
# written, started or stopped: every command names this instance's
# configuration directory (postfix -c).
#
#   postfix_prepare   writes the configuration and the queue, adds the
#                     Dovecot side to DOVECOT_EXTRA_CONF: call before
#                     dovecot_start
#   postfix_start     starts it; sets SMTP_PORT (port 25's service) and
#                     SUBMISSION_PORT (the shipped submission service)
#   postfix_stop      stops it (also on exit)
#   postfix_queue     prints its queue (postqueue -p)
#   swaks_t ARGS      swaks against it (--server 127.0.0.1)

# A missing tool skips the whole test, naming it (CI counts a skip as a
# failure: intended).
for tool in postfix postqueue openssl swaks; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "$tool is not installed (Debian: postfix, openssl, swaks; scripts/deps.sh)"
done
perl -MNet::SSLeay -e 1 2>/dev/null ||
	skip_all "swaks cannot STARTTLS: Net::SSLeay is not installed (Debian: libnet-ssleay-perl)"

pf_dir="$work/postfix"
pf_conf="$pf_dir/etc"
pf_queue="$pf_dir/spool"
pf_log="$pf_dir/maillog"

postfix_t() { postfix -c "$pf_conf" "$@"; }
postfix_queue() { postqueue -c "$pf_conf" -p; }
swaks_t() { swaks --server 127.0.0.1 --helo client.example --timeout 20 "$@"; }

# postfix_write_conf: main.cf = what only the test instance needs (its
# directories, loopback, the throwaway certificate), then the shipped
# main.cf as a site appends it; master.cf = Postfix's internal services,
# port 25's smtpd, then the shipped submission service on its port.
# Debian runs smtpd chrooted ("y"); this instance does not (a chroot needs
# Debian's init script to copy files in), the only change made to the
# shipped lines besides the port.
postfix_write_conf() {
	cat >"$pf_conf/main.cf" <<CONF
# the test instance (tests/postfix-env.sh)
compatibility_level = 3.6
queue_directory = $pf_queue
data_directory = $pf_dir/data
maillog_file = $pf_log
maillog_file_prefixes = $pf_dir
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.jatimprov.go.id
mydestination =
mynetworks = 127.0.0.1/32
alias_maps =
alias_database =
smtputf8_enable = no
smtpd_tls_cert_file = $pf_dir/cert.pem
smtpd_tls_key_file = $pf_dir/key.pem
smtpd_tls_security_level = may
# a loaded test machine may need more than the default ~6 s (3 polls) for
# the first address verification probe; the reply is the same
address_verify_poll_count = 10

# contrib/postfix/main.cf
$(cat "$top_srcdir/contrib/postfix/main.cf")
${POSTFIX_EXTRA_CONF:-}
CONF
	cat >"$pf_conf/master.cf" <<CONF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
postlog   unix-dgram n - n - 1 postlogd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
# contrib/postfix/master.cf
$(sed -e "s|^submission inet n       -       y |127.0.0.1:$SUBMISSION_PORT inet n - n |" \
	"$top_srcdir/contrib/postfix/master.cf")
CONF
}

postfix_prepare() {
	mkdir -p "$pf_conf" "$pf_queue" "$pf_dir/data" || return 1
	# Postfix's processes (user postfix) must reach the queue, and Dovecot's
	# auth and LMTP processes their sockets in it.
	chmod 755 "$work" "$pf_dir"
	chown postfix "$pf_dir/data"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.jatimprov.go.id" \
		-keyout "$pf_dir/key.pem" -out "$pf_dir/cert.pem" >/dev/null 2>&1 || return 1
	SMTP_PORT=0 SUBMISSION_PORT=0
	postfix_write_conf
	# postfix check creates the queue's directories with Postfix's owners
	# and modes (post-install create-missing); its errors go to the log.
	postfix_t check >/dev/null 2>&1 || {
		echo "# postfix check failed:"; sed 's/^/#   /' "$pf_log" 2>/dev/null | tail -20
		return 1
	}
	# The Dovecot side: the shipped sockets, moved into this queue.
	pf_dovecot_conf="91-asn-postfix.conf"
	[ "$DOVECOT_LINE" = 2.3 ] || pf_dovecot_conf="2.4/91-asn-postfix.conf"
	sed -e "s|/var/spool/postfix/|$pf_queue/|" "$top_srcdir/conf.d/$pf_dovecot_conf" \
		>"$pf_dir/91-asn-postfix.conf"
	DOVECOT_EXTRA_CONF="${DOVECOT_EXTRA_CONF:-}
!include $pf_dir/91-asn-postfix.conf"
	# dovecot_start's exit trap runs ASN_CLEANUP
	ASN_CLEANUP="postfix_stop; ${ASN_CLEANUP:-}"
}

# postfix_start: free ports found as the Dovecot harness finds them (a
# busy one makes master fail to bind: next attempt).  postfix start waits
# until master has bound its listeners (master -w).
postfix_start() {
	for attempt in 1 2 3 4 5; do
		base=$(( 20000 + ($$ * 11 + attempt * 173 + 17) % 30000 ))
		SMTP_PORT=$base; SUBMISSION_PORT=$((base + 1))
		postfix_write_conf
		: >"$pf_log"
		if postfix_t start >/dev/null 2>&1; then
			return 0
		fi
		grep -q "Address already in use" "$pf_log" || break
	done
	echo "# postfix did not start:"; sed 's/^/#   /' "$pf_log" | tail -20
	return 1
}

postfix_stop() {
	[ -f "$pf_queue/pid/master.pid" ] || return 0
	pid=$(tr -d ' ' <"$pf_queue/pid/master.pid")
	postfix_t stop >/dev/null 2>&1
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# master lingers only if stop failed: end it (our own instance's pid)
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	rm -f "$pf_queue/pid/master.pid"
}

# postfix_queue_settle SECONDS: waits until the queue is empty (address
# verification probes pass through it); 0 when it is.
postfix_queue_settle() {
	i=0
	while [ "$i" -lt "$(( $1 * 10 ))" ]; do
		postfix_queue 2>&1 | grep -q "Mail queue is empty" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
