# Two private Dovecots for the with/without-plugins benchmarks (sourced
# after src, build and root are set): the same shipped configuration,
# arms named "with" and "bare", each from a copy of $root/db.
#
#   start_arm NAME EXTRA-CONFIG   starts it; sets imap_port_NAME, lmtp_port_NAME
#                                 (EXTRA-CONFIG in 2.3 syntax: dovecot-env.sh
#                                 writes it for the Dovecot line installed, as
#                                 for the tests; `mail_plugins =` empties the
#                                 list on both lines)
#   bench_platform                "Dovecot VERSION (DISTRIBUTION)"
#   bench_accounts NAME;NIP...    the bench users' database; sets users
#   median                        the median of the numbers on stdin (median.sh)
#   bench_events ARM, bench_events_clear ARM   the BSrE events of ARM's last run
#   bench_store_name              "SQLite 3.40.1" or "PostgreSQL 15.x"
# ASN_BENCH_STORE=pgsql: the accounts (Dovecot's passdb and userdb, in both
# arms) and the BSrE events in one private PostgreSQL (tests/pg-env.sh)
# shared by the arms: Dovecot reads it as the login role asn_dovecot
# (asn_auth), the deliveries write as asn_mail (asn_deliver), as on a site.
# Default sqlite: each arm its copy of the SQLite files.
# A run that cannot start its Dovecots stops with a message and exit 1.

# tests/dovecot-env.sh skips a test it cannot run; a benchmark fails instead
skip_all() { echo "$0: cannot run: $1" >&2; exit 1; }

top_srcdir=$src; top_builddir=$build
DOVEADM=$(command -v doveadm); export top_srcdir top_builddir DOVEADM

arms_cleanup() {
	# what a benchmark adds (ASN_CLEANUP, as for the tests: e.g. its DNS server)
	eval "${ASN_CLEANUP:-}"
	for arm in with bare; do
		[ -f "$root/$arm/run/master.pid" ] && kill "$(cat "$root/$arm/run/master.pid" 2>/dev/null)" 2>/dev/null
	done
	sleep 1; rm -rf "$root"
	# Dovecot 2.4: the settings module dovecot-env.sh linked (never left dangling)
	rm -f ${asn_settings_link:-}
}
[ -n "${ASN_KEEP:-}" ] || trap arms_cleanup EXIT

bench_store=${ASN_BENCH_STORE:-sqlite}
case "$bench_store" in
sqlite) ;;
pgsql)
	[ -e /usr/lib/dovecot/modules/libdriver_pgsql.so ] ||
		skip_all "Dovecot's pgsql driver is not installed (Debian: dovecot-pgsql)"
	# A site's durability but for the commit's flush: fsync at checkpoints,
	# not at each commit (as SQLite's WAL with synchronous = NORMAL).
	ASN_TEST_PG_SETTINGS="fsync = on
full_page_writes = on
synchronous_commit = off
# what the deliveries' role sends (bench_pg_role_stats)
shared_preload_libraries = 'pg_stat_statements'
log_connections = on
${ASN_TEST_PG_SETTINGS:-}"
	work=$root/pg; mkdir -p "$work"
	. "$src/tests/pg-env.sh"
	pg_env_start || skip_all "PostgreSQL did not start"
	pg_psql -c "CREATE EXTENSION pg_stat_statements" >/dev/null || exit 1
	# pg_env_start's own exit trap would leave the Dovecots running
	[ -n "${ASN_KEEP:-}" ] && trap - EXIT || trap arms_cleanup EXIT
	dovecot_auth_user=$(doveconf -h default_internal_user 2>/dev/null || echo dovecot)
	;;
*) echo "$0: ASN_BENCH_STORE: sqlite or pgsql, not $bench_store" >&2; exit 1 ;;
esac

start_arm() {
	work="$root/$1"; dovecot_conf_dir="$work/dovecot"
	rm -rf "$work"; mkdir -p "$work/db"
	[ ! -d "$root/db" ] || cp -a "$root/db/." "$work/db/"
	. "$src/tests/dovecot-env.sh"
	DOVECOT_EXTRA_CONF="$2"
	if [ "$bench_store" = pgsql ]; then
		# the same lines in both arms: the bare one has no plugin to read them
		install -m 600 -o "$dovecot_auth_user" "$root/dovecot.pgpass" "$work/dovecot.pgpass"
		install -m 600 -o "$mail_user" "$root/mail.pgpass" "$work/mail.pgpass"
		mkdir -p "$work/spool" && chown "$mail_user:$mail_group" "$work/spool"
		ASN_DOVECOT_STORE=pgsql ASN_DOVECOT_ASN_DB=$ASN_TEST_PG_URI
		export ASN_DOVECOT_STORE ASN_DOVECOT_ASN_DB
		DOVECOT_EXTRA_CONF="$DOVECOT_EXTRA_CONF
plugin {
  asn_bsre_db = postgresql://asn_mail@127.0.0.1:$ASN_TEST_PG_PORT/asn?passfile=$work/mail.pgpass
  asn_bsre_spool = $work/spool/events.spool
}"
	fi
	dovecot_start >"$root/start-$1.out" ||
		{ echo "$0: Dovecot ($1) did not start:" >&2; cat "$root/start-$1.out" >&2; exit 1; }
	# dovecot_start sets its own exit trap
	[ -n "${ASN_KEEP:-}" ] && trap - EXIT || trap arms_cleanup EXIT
	eval "imap_port_$1=$IMAP_PORT; lmtp_port_$1=$LMTP_PORT"
}

# What the figures were measured on, for the first line of a benchmark's
# output: Dovecot's version and the distribution.
bench_platform() {
	printf 'Dovecot %s (%s)' "$(dovecot --version 2>/dev/null | cut -d' ' -f1)" \
		"$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown system}")"
}

# bench_accounts NAME;NIP...: one database with these bench users in
# $root/db (copied to each arm by start_arm), SHA512-CRYPT hashes; their
# addresses in $users
bench_accounts() {
	db_uri=$root/db/asn.db
	[ "$bench_store" = pgsql ] && db_uri=$ASN_TEST_PG_URI
	printf 'asn_db = %s\nasn_domain = bench.go.id\nasn_password_scheme = SHA512-CRYPT\n' \
		"$db_uri" >"$root/asnctl.conf"
	# on PostgreSQL asnctl keeps its own spool (default under /var/lib)
	[ "$bench_store" = sqlite ] ||
		printf 'asn_bsre_spool = %s/admin-spool/events.spool\n' "$root" >>"$root/asnctl.conf"
	"$build/tools/asnctl" -c "$root/asnctl.conf" init --group nogroup >/dev/null || exit 1
	{ echo 'Nama;NIP'; printf '%s\n' "$@"; } >"$root/list.csv"
	"$build/tools/asnctl" -c "$root/asnctl.conf" import --opd Bench --sheet "$root/sheet.csv" \
		"$root/list.csv" >/dev/null || exit 1
	users=$(cut -d';' -f1 "$root/sheet.csv" | grep '@' | tr -d '\357\273\277')
	[ "$bench_store" = pgsql ] || return 0
	# the site's login roles: Dovecot's auth, the deliveries
	{ pg_env_add_login asn_dovecot "$root/dovecot.pgpass" root &&
		pg_env_add_login asn_mail "$root/mail.pgpass" root &&
		pg_psql -c "GRANT asn_auth TO asn_dovecot" -c "GRANT asn_deliver TO asn_mail"
	} >"$root/roles.log" 2>&1 || { echo "$0: login roles:" >&2; cat "$root/roles.log" >&2; exit 1; }
}

# bench_events ARM: the BSrE events ARM's last run recorded (pgsql: the
# arms share one database, emptied before each run, and never run at once)
bench_events() {
	if [ "$bench_store" = pgsql ]; then
		pg_psql -At -c "SELECT count(*) FROM asn_bsre.bsre_events"
	else
		sqlite3 "$root/$1/db/bsre/bsre.db" 'SELECT count(*) FROM bsre_events' 2>/dev/null || echo 0
	fi
}
bench_events_clear() {	# bench_events_clear ARM: before a run
	if [ "$bench_store" = pgsql ]; then
		pg_psql -c "DELETE FROM asn_bsre.bsre_events" >/dev/null
	else
		sqlite3 "$root/$1/db/bsre/bsre.db" "DELETE FROM bsre_events" 2>/dev/null
	fi
}

# bench_pg_role_stats reset | bench_pg_role_stats ROLE MAILS KIND: the
# connections ROLE opened and the statements it ran since the reset, per
# mail (PostgreSQL: pg_stat_statements and the server's log)
bench_pg_role_stats() {
	if [ "$1" = reset ]; then
		pg_psql -c "SELECT pg_stat_statements_reset()" >/dev/null
		grep -c "connection authorized: user=" "$pg_env_dir/server.log" >"$root/conn.mark"
		return
	fi
	conns=$(tail -n +$(( $(cat "$root/conn.mark") + 1 )) "$pg_env_dir/server.log" |
		grep -c "connection authorized: user=$1 ")
	echo "  ($1 over the plugin arm's $2 $3 mails: $conns connections; statements: calls, per mail, server's mean time:"
	# and the server's time for each, mean (pg_stat_statements' execution)
	pg_psql -At -F ' ' -c "SELECT s.calls, round(s.calls::numeric / $2, 3),
			round(s.mean_exec_time::numeric, 3),
			regexp_replace(left(s.query, 52), '\\s+', ' ', 'g')
		FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = '$1' ORDER BY s.calls DESC" |
		awk '{ printf "  %8d %6.3f/mail %7.3f ms  ", $1, $2, $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); print }
		END { if (NR == 0) print "         none" }'
	echo "  )"
}

# The store, for the first line of a benchmark's output
bench_store_name() {
	if [ "$bench_store" = pgsql ]; then
		echo "PostgreSQL $("$ASN_TEST_PG_BIN/postgres" --version | awk '{ print $3 }')"
	else
		echo "SQLite $(sqlite3 --version | cut -d' ' -f1)"
	fi
}

. "$src/bench/median.sh"
