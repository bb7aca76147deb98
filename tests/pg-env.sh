# A private PostgreSQL for the tests (sourced after tap.sh and tap_setup,
# before dovecot-env.sh's dovecot_start): Debian's server binaries, a
# cluster initdb'd into a temp dir, loopback only, on a free high port.
#
#   pg_env_start   initdb, start, create the role asn_owner and its database
#                  asn; exports what a client needs (below)
#   pg_env_stop    stops the server and removes its directory (also on exit,
#                  when the test fails, and on INT/TERM/HUP)
#   pg_psql ARGS   psql as the superuser on database asn, stops on an error
#   pg_env_add_login ROLE PASSFILE OWNER
#                  a login role and its own passfile (e.g. Dovecot's role,
#                  its passfile owned by Dovecot's auth user); grants: caller
# Call pg_env_start before dovecot_start: it adds pg_env_stop to
# ASN_CLEANUP, which dovecot_start's exit trap runs.
#
# Exported by pg_env_start:
#   ASN_TEST_PG_URI   postgresql://asn_owner@127.0.0.1:PORT/asn (owner of
#                     the database; no password in it: the passfile has it)
#   PGPASSFILE        $work/pgpass (0600): passwords of postgres and
#                     asn_owner for 127.0.0.1:PORT
#   PGHOST PGPORT     127.0.0.1 and the port (libpq's defaults for psql,
#                     pg_dump... and for a conninfo that names no host)
#   ASN_TEST_PG_PORT  the port;  ASN_TEST_PG_SUPERUSER  postgres
#   ASN_TEST_PG_BIN   the server's bin directory (psql, pg_ctl...)
# PGUSER and PGDATABASE are left unset: code under test must name its role
# and database itself.
#
# No server binaries (Debian: package postgresql): the test is skipped
# whole.  As root (CI runs the suite as root in a chroot) the server runs
# as the user postgres (or nobody): initdb refuses root.

# ASN_TEST_PG_SETTINGS: lines added to postgresql.conf (the benchmarks: a
# cache the size of their data).
# ASN_PG_BINDIR: another server build (e.g. PGDG packages); default the
# newest of Debian's.
ASN_TEST_PG_BIN=${ASN_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -1)}
[ -n "$ASN_TEST_PG_BIN" ] && [ -x "$ASN_TEST_PG_BIN/initdb" ] && [ -x "$ASN_TEST_PG_BIN/psql" ] ||
	skip_all "no PostgreSQL server (/usr/lib/postgresql/*/bin; Debian: apt-get install postgresql)"
ASN_TEST_PG_SUPERUSER=postgres
export ASN_TEST_PG_BIN ASN_TEST_PG_SUPERUSER

pg_env_dir=""

# pg_env_as CMD ARGS: CMD as the server's user (root cannot run it).
# From its own directory: the test's may be closed to that user (CI builds
# in /root).
pg_env_as() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$pg_env_dir" &&
			setpriv --reuid="$pg_env_user" --regid="$pg_env_group" --init-groups -- "$@")
	else
		(cd "$pg_env_dir" && "$@")
	fi
}

pg_env_password() {	# 24 random characters, [A-Za-z0-9]
	LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24
}

pg_env_start() {
	pg_env_user=$(id -un); pg_env_group=$(id -gn)
	if [ "$(id -u)" = 0 ]; then
		if id postgres >/dev/null 2>&1; then pg_env_user=postgres; else pg_env_user=nobody; fi
		pg_env_group=$(id -gn "$pg_env_user")
	fi
	# Its own directory, not under $work (0700, root's): the server's
	# user owns it; the unix socket sits there too, out of everyone's way.
	pg_env_dir=$(mktemp -d "${TMPDIR:-/tmp}/asn-pg-XXXXXX") || return 1
	chown "$pg_env_user:$pg_env_group" "$pg_env_dir" && chmod 700 "$pg_env_dir" || return 1
	trap 'pg_env_stop; rm -rf "$work"' EXIT
	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
	# dovecot_start replaces the exit trap with its own, which runs this
	ASN_CLEANUP="${ASN_CLEANUP:-} pg_env_stop;"

	super_pw=$(pg_env_password); owner_pw=$(pg_env_password)
	printf '%s\n' "$super_pw" >"$pg_env_dir/superpw"
	chown "$pg_env_user" "$pg_env_dir/superpw"; chmod 600 "$pg_env_dir/superpw"
	# -N: no fsync, a throwaway cluster; C.UTF-8 as the site's must be
	# byte-identical whatever the host's locale.
	if ! pg_env_as "$ASN_TEST_PG_BIN/initdb" -D "$pg_env_dir/data" -N -U "$ASN_TEST_PG_SUPERUSER" \
		--pwfile="$pg_env_dir/superpw" --auth-local=trust --auth-host=scram-sha-256 \
		-E UTF8 --locale=C.UTF-8 >"$pg_env_dir/initdb.log" 2>&1; then
		echo "# initdb failed:"; sed 's/^/#   /' "$pg_env_dir/initdb.log" | tail -20
		return 1
	fi
	rm -f "$pg_env_dir/superpw"
	# Local (socket) connections are trusted: the socket is in a 0700
	# directory of the server's user.  TCP from loopback only, with
	# scram-sha-256 (initdb's --auth-host), as a site's would be.
	cat >>"$pg_env_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_env_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 16MB
log_min_messages = warning
log_line_prefix = '%m [%p] %u@%d '
CONF
	# a caller's own (the benchmarks: a cache the size of their data)
	[ -z "${ASN_TEST_PG_SETTINGS:-}" ] || printf '%s\n' "$ASN_TEST_PG_SETTINGS" >>"$pg_env_dir/data/postgresql.conf"
	for attempt in 1 2 3 4 5; do
		ASN_TEST_PG_PORT=$(( 20000 + ($$ * 11 + attempt * 173 + 5000) % 30000 ))
		: >"$pg_env_dir/server.log"; chown "$pg_env_user" "$pg_env_dir/server.log"
		# -w -t: returns once the server accepts connections, or fails
		if pg_env_as "$ASN_TEST_PG_BIN/pg_ctl" -D "$pg_env_dir/data" -l "$pg_env_dir/server.log" \
			-o "-p $ASN_TEST_PG_PORT" -w -t 60 start >"$pg_env_dir/pg_ctl.log" 2>&1; then
			break
		fi
		ASN_TEST_PG_PORT=""
		grep -q "already in use" "$pg_env_dir/server.log" || break
	done
	if [ -z "$ASN_TEST_PG_PORT" ]; then
		echo "# PostgreSQL did not start:"
		cat "$pg_env_dir/pg_ctl.log" "$pg_env_dir/server.log" | sed 's/^/#   /' | tail -20
		return 1
	fi

	PGHOST=127.0.0.1; PGPORT=$ASN_TEST_PG_PORT; PGPASSFILE=$work/pgpass
	ASN_TEST_PG_URI="postgresql://asn_owner@127.0.0.1:$ASN_TEST_PG_PORT/asn"
	export PGHOST PGPORT PGPASSFILE ASN_TEST_PG_PORT ASN_TEST_PG_URI
	(umask 077 && printf '127.0.0.1:%s:*:%s:%s\n127.0.0.1:%s:*:asn_owner:%s\n' \
		"$PGPORT" "$ASN_TEST_PG_SUPERUSER" "$super_pw" "$PGPORT" "$owner_pw" >"$PGPASSFILE")
	# The owner gets the database, not superuser, and the group roles that
	# asnctl init grants exist already: what a site's DBA does (asnctl
	# init would need CREATEROLE to create them).
	pg_psql -d postgres -c "CREATE ROLE asn_owner LOGIN PASSWORD '$owner_pw'" \
		-c "CREATE DATABASE asn OWNER asn_owner" \
		-c "CREATE ROLE asn_auth NOLOGIN" -c "CREATE ROLE asn_deliver NOLOGIN" \
		-c "CREATE ROLE asn_portal NOLOGIN" -c "CREATE ROLE asn_passwd NOLOGIN" \
		>"$pg_env_dir/create.log" 2>&1 ||
		{ echo "# creating asn_owner and asn failed:"; sed 's/^/#   /' "$pg_env_dir/create.log"; return 1; }
	unset super_pw owner_pw
	return 0
}

pg_psql() {
	"$ASN_TEST_PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ASN_TEST_PG_PORT" \
		-U "$ASN_TEST_PG_SUPERUSER" -d asn "$@"
}

# pg_env_add_login ROLE PASSFILE OWNER: a login role with a random
# password, written to PASSFILE (0600, owned by OWNER, e.g. Dovecot's auth
# process user) for 127.0.0.1:PORT.  The grants are the caller's.
pg_env_add_login() {
	pw=$(pg_env_password)
	pg_psql -c "CREATE ROLE $1 LOGIN PASSWORD '$pw'" || return 1
	(umask 077 && printf '127.0.0.1:%s:asn:%s:%s\n' "$ASN_TEST_PG_PORT" "$1" "$pw" >"$2") &&
		chown "$3" "$2"
}

pg_env_stop() {
	[ -n "$pg_env_dir" ] || return 0
	# a test that failed while the server was frozen
	kill -CONT $(pg_env_pids) 2>/dev/null
	# a signal in the middle (a harness's timeout) must not leave the
	# directory, or a server, behind
	trap '' HUP INT TERM
	if [ -f "$pg_env_dir/data/postmaster.pid" ]; then
		# fast: disconnects clients (Dovecot's auth) rather than waiting
		pg_env_as "$ASN_TEST_PG_BIN/pg_ctl" -D "$pg_env_dir/data" -m fast -w -t 30 stop \
			>/dev/null 2>&1 ||
			pg_env_as "$ASN_TEST_PG_BIN/pg_ctl" -D "$pg_env_dir/data" -m immediate -w -t 10 stop \
				>/dev/null 2>&1
	fi
	rm -rf "$pg_env_dir"
	pg_env_dir=""
	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
}

# pg_env_server_stop, pg_env_server_start: the database going away and
# coming back on the same port, its data kept (what the deliveries must
# live through).
pg_env_server_stop() {
	pg_env_as "$ASN_TEST_PG_BIN/pg_ctl" -D "$pg_env_dir/data" -m fast -w -t 30 stop >/dev/null 2>&1
}
pg_env_server_start() {
	pg_env_as "$ASN_TEST_PG_BIN/pg_ctl" -D "$pg_env_dir/data" -l "$pg_env_dir/server.log" \
		-o "-p $ASN_TEST_PG_PORT" -w -t 60 start >/dev/null 2>&1
}
pg_env_postmaster() {	# the server's process id
	head -1 "$pg_env_dir/data/postmaster.pid" 2>/dev/null
}
pg_env_pids() {	# the postmaster and its children (the connections' backends)
	pm=$(pg_env_postmaster) || return 1
	echo "$pm" $(pgrep -P "$pm")
}
