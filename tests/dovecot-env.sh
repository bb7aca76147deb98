# A private Dovecot for the tests (sourced after tap.sh and tap_setup):
# own base_dir, loopback high ports, the shipped conf.d files with their
# paths moved into $work.  Needs root (Dovecot's master drops privileges).
#
#   dovecot_start     writes $work/dovecot/dovecot.conf and starts it
#   dovecot_stop      stops it (also on exit)
#   doveadm_t ARGS    doveadm against it
# Sets IMAP_PORT, POP3_PORT, LMTP_PORT, DOVEADM_HTTP_PORT (the doveadm HTTP
# API, key "asn-test-key"; or uses them as they are when ASN_FIXED_PORTS is
# set, as the demo does).

# A private Dovecot needs root: a test without it is skipped whole.
[ "$(id -u)" = 0 ] || skip_all "a private Dovecot needs root"
# Dovecot's queries compare with the real clock: so must asnctl.
unset ASN_NOW

dovecot_conf_dir="$work/dovecot"
# The Dovecot line the tree was configured for (2.3 or 2.4; the tests'
# environment has it from configure), else the one installed: the
# configuration syntax differs.
if [ -z "${DOVECOT_LINE:-}" ]; then
	case "$(dovecot --version 2>/dev/null)" in
	2.3*) DOVECOT_LINE=2.3 ;;
	*) DOVECOT_LINE=2.4 ;;
	esac
fi
db="$work/db/asn.db"
mail_user=nobody

# The accounts of tests/data/diskominfo.csv, their default passwords in
# $work/sheet.csv: pw_of ADDRESS prints one.
import_test_accounts() {
	# the deliveries (LMTP as $mail_user) write the BSrE database
	asnctl init --group "$mail_group" >/dev/null &&
	asnctl import --opd Diskominfo --sheet "$work/sheet.csv" \
		"$top_srcdir/tests/data/diskominfo.csv" >/dev/null
}
pw_of() { grep "^$1;" "$work/sheet.csv" | cut -d';' -f2; }
mail_group=nogroup

# ASN_VALGRIND_LMTP=1: LMTP processes (and so the delivery plugin) run under
# valgrind, each writing $work/valgrind-lmtp.PID; valgrind_lmtp_clean
# says whether they reported anything.
valgrind_cmd() {
	echo "$(command -v valgrind) -q --leak-check=full --errors-for-leak-kinds=definite,indirect" \
		"--suppressions=$top_srcdir/tests/valgrind.supp --log-file=$work/valgrind-$1.%p"
}
# ASN_LMTP_WRAPPER="CMD ARGS": LMTP processes run under CMD (a benchmark's
# callgrind).
lmtp_wrapper_conf() {
	wrapper=${ASN_LMTP_WRAPPER:-}
	[ -n "${ASN_VALGRIND_LMTP:-}" ] && wrapper=$(valgrind_cmd lmtp)
	[ -n "$wrapper" ] || return 0
	# no memory limit under valgrind: 0 on 2.3, "unlimited" on 2.4
	limit=0
	[ "$DOVECOT_LINE" = 2.3 ] || limit=unlimited
	printf '  executable = %s /usr/lib/dovecot/lmtp\n  vsz_limit = %s\n' "$wrapper" "$limit"
	# a benchmark's clients come one at a time: one process serves them
	# all, as an idle process does on a site (no spare process started)
	[ -z "${ASN_LMTP_WRAPPER:-}" ] || echo "  process_limit = 1"
}
valgrind_lmtp_clean() {	# valgrind_lmtp_clean: TAP line when under valgrind
	[ -n "${ASN_VALGRIND_LMTP:-}" ] || return 0
	logs=$(ls "$work"/valgrind-* 2>/dev/null | wc -l)
	[ "$logs" -gt 0 ] && ! grep -q . "$work"/valgrind-*
	ok $? "valgrind: $logs LMTP/LDA processes with the plugin, no error, no leak"
	cat "$work"/valgrind-* 2>/dev/null | head -40 | sed 's/^/# /'
}

# dovecot_link_modules: the plugins as built, in a private module
# directory (a sanitizer build's plugins cannot load into Dovecot:
# ASN_PLUGIN_DIR then names a plain build's), and Dovecot's own plugins a
# test wants beside ours (ASN_SYSTEM_MODULES, e.g. Pigeonhole's sieve).
# Ours are copied, not linked: the build may sit where the mail user cannot
# read (/root/dovecot-asn, mode 0700), and valgrind >= 3.22 (Debian 13)
# reads a plugin's debug info lazily, after Dovecot has dropped to the mail
# user ("connection to image ... failed").
dovecot_link_modules() {
	mkdir -p "$work/modules"
	for so in lib90_asn_plugin.so lib95_imap_asn_plugin.so lib95_asn_bsre_plugin.so; do
		cp -fL "${ASN_PLUGIN_DIR:-$top_builddir/plugin/.libs}/$so" "$work/modules/$so"
	done
	# the BSrE recorder, which the delivery plugin loads from beside itself
	# on the first BSrE mail, as the mail user: copied, not linked (the
	# build may sit where the mail user cannot read, /root/dovecot-asn)
	mkdir -p "$work/modules/asn-bsre"
	cp -fL "${ASN_PLUGIN_DIR:-$top_builddir/plugin/.libs}/asn_bsre_recorder.so" \
		"$work/modules/asn-bsre/asn_bsre_recorder.so"
	for so in ${ASN_SYSTEM_MODULES:-}; do
		ln -sf "/usr/lib/dovecot/modules/$so" "$work/modules/$so"
	done
}

# dovecot_services_conf ADDRESS-KEY: the test instance's listeners and the
# shipped files, the same on both lines but for the listener's address
# setting (2.3: address, 2.4: listen).
dovecot_services_conf() {
	cat <<CONF
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    $1 = 127.0.0.1
    port = $LMTP_PORT
  }
$(lmtp_wrapper_conf)
}
service doveadm {
  unix_listener doveadm-server {
    mode = 0600
  }
  inet_listener http {
    $1 = 127.0.0.1
    port = ${DOVEADM_HTTP_PORT:-0}
  }
}
doveadm_api_key = asn-test-key
!include $dovecot_conf_dir/auth-asn.conf.ext
!include $dovecot_conf_dir/90-asn.conf
CONF
}

# dovecot_instance_conf, dovecot_instance_conf_tail: the test instance's
# own settings, the same on both lines.
dovecot_instance_conf() {
	cat <<CONF
instance_name = asn-test-$$
base_dir = $work/run
state_dir = $work/state
log_path = $work/dovecot.log
listen = 127.0.0.1
ssl = no
CONF
}
dovecot_instance_conf_tail() {
	cat <<CONF
mail_plugin_dir = $work/modules
first_valid_uid = 0
auth_failure_delay = 0
CONF
}

# ASN_DOVECOT_ASN_DB: the plugins' asn_db (default the test's SQLite file).
# ASN_DOVECOT_STORE=pgsql: Dovecot reads the accounts from the test's
# PostgreSQL (tests/pg-env.sh, started first) with the shipped pgsql files,
# as the login role asn_dovecot whose passfile is $work/dovecot.pgpass
# (owned by Dovecot's auth user); default sqlite.
dovecot_need_pgsql() {	# a test of Dovecot over PostgreSQL is skipped whole without it
	[ -e /usr/lib/dovecot/modules/libdriver_pgsql.so ] ||
		skip_all "Dovecot's pgsql driver is not installed (Debian: dovecot-pgsql)"
}
# A test that runs on either store (tap_setup --store) with
# ASN_TEST_STORE=pgsql: its Dovecot reads the accounts from the test's
# PostgreSQL (tap.sh started it) as the login role asn_dovecot (asn_auth),
# the deliveries write events as asn_mail (asn_deliver, its passfile the
# mail user's, their spool asnctl's), the plugins' asn_db (doveadm,
# as root) is the owner's, as asnctl's: the same test file, unchanged.
dovecot_pgsql_site() {
	dovecot_need_pgsql
	dovecot_auth_user=$(doveconf -h default_internal_user 2>/dev/null || echo dovecot)
	pg_env_add_login asn_dovecot "$work/dovecot.pgpass" "$dovecot_auth_user" >"$work/pg-roles.log" 2>&1 &&
	pg_env_add_login asn_mail "$work/mail.pgpass" "$mail_user" >>"$work/pg-roles.log" 2>&1 &&
	pg_psql -c "GRANT asn_auth TO asn_dovecot" -c "GRANT asn_deliver TO asn_mail" \
		>>"$work/pg-roles.log" 2>&1 ||
		{ echo "Bail out! Dovecot's PostgreSQL roles"; sed 's/^/# /' "$work/pg-roles.log"; exit 99; }
	ASN_DOVECOT_STORE=pgsql
	ASN_DOVECOT_ASN_DB="$ASN_TEST_PG_URI?passfile=$PGPASSFILE"
	dovecot_bsre_db="postgresql://asn_mail@127.0.0.1:$ASN_TEST_PG_PORT/asn?passfile=$work/mail.pgpass"
	# asnctl's (tap.sh), so that asnctl replay finds it; asnctl init
	# --group makes its directory the deliveries'
	dovecot_bsre_spool="$work/db/bsre/bsre.db.spool"
}
# the deliveries' own connection and spool (pgsql), else as shipped
dovecot_bsre_conf() {
	[ -n "${dovecot_bsre_db:-}" ] || { cat; return; }
	sed -e "s|#asn_bsre_db =\$|asn_bsre_db = $dovecot_bsre_db|" \
	    -e "s|#asn_bsre_spool =\$|asn_bsre_spool = $dovecot_bsre_spool|"
}
dovecot_pgsql_conf() {	# the shipped connection moved to the test's server
	sed -e "s|host=localhost port=5432|host=127.0.0.1 port=${ASN_TEST_PG_PORT:-}|" \
	    -e "s|^pgsql localhost {|pgsql 127.0.0.1 {|" -e "s|port = 5432|port = ${ASN_TEST_PG_PORT:-}|" \
	    -e "s|/etc/dovecot/asn-pgpass|$work/dovecot.pgpass|"
}

dovecot_write_conf_23() {
	mkdir -p "$dovecot_conf_dir" "$work/vmail" "$work/run"
	chown "$mail_user:$mail_group" "$work/vmail"
	# The shipped files, paths moved into the test directory.
	auth_file=auth-asn.conf.ext
	[ "${ASN_DOVECOT_STORE:-sqlite}" = pgsql ] && auth_file=auth-asn-pgsql.conf.ext
	sed -e "s|/etc/dovecot/dovecot-asn-|$dovecot_conf_dir/dovecot-asn-|" \
	    -e "s|uid=vmail gid=vmail home=/var/vmail|uid=$mail_user gid=$mail_group home=$work/vmail|" \
	    "$top_srcdir/conf.d/$auth_file" >"$dovecot_conf_dir/auth-asn.conf.ext"
	for f in dovecot-asn-sql.conf.ext dovecot-asn-sql-refuse.conf.ext; do
		sed -e "s|/var/lib/dovecot-asn/asn.db|$work/db/asn.db|" \
		    "$top_srcdir/conf.d/$f" >"$dovecot_conf_dir/$f"
	done
	for f in dovecot-asn-pgsql.conf.ext dovecot-asn-pgsql-refuse.conf.ext; do
		dovecot_pgsql_conf <"$top_srcdir/conf.d/$f" >"$dovecot_conf_dir/$f"
	done
	sed -e "s|#asn_db = /var/lib/dovecot-asn/asn.db|asn_db = ${ASN_DOVECOT_ASN_DB:-$work/db/asn.db}|" \
	    "$top_srcdir/conf.d/90-asn.conf" | dovecot_bsre_conf >"$dovecot_conf_dir/90-asn.conf"
	dovecot_link_modules
	cat >"$dovecot_conf_dir/dovecot.conf" <<CONF
$(dovecot_instance_conf)
disable_plaintext_auth = no
auth_mechanisms = plain login
protocols = imap pop3 lmtp
mail_location = maildir:~/Maildir
$(dovecot_instance_conf_tail)
$(dovecot_services_conf address)
${DOVECOT_EXTRA_CONF:-}
CONF
}

# 2.4: one auth file with inline SQL, the settings at top level, the
# settings module where the config process loads it (linked for the test's
# duration, as the doveadm plugin is).  A test's DOVECOT_EXTRA_CONF is
# written in 2.3 syntax; dovecot_conf_24 turns its plugin {} blocks and
# `mail_plugins = $mail_plugins X` lines into 2.4's.
dovecot_conf_24() {
	awk '
		/^[ \t]*plugin[ \t]*\{[ \t]*$/ { inplugin = 1; next }
		inplugin && /^[ \t]*\}[ \t]*$/ { inplugin = 0; next }
		/^[ \t]*mail_plugins[ \t]*=[ \t]*\$mail_plugins/ {
			match($0, /^[ \t]*/); ind = substr($0, 1, RLENGTH)
			sub(/^[ \t]*mail_plugins[ \t]*=[ \t]*\$mail_plugins[ \t]*/, "")
			print ind "mail_plugins {"
			n = split($0, p, /[ \t]+/)
			for (i = 1; i <= n; i++) if (p[i] != "") print ind "  " p[i] " = yes"
			print ind "}"
			next
		}
		{ if (inplugin) sub(/^  /, ""); print }'
}

# The links below are shared by the tests that run at once (make -j): each
# test marks its use, and the last one to leave removes the link; another
# one's exit would take it from under a running test (2.4's doveadm and
# dovecot-lda then fail to read the configuration).  Run from ASN_CLEANUP,
# before the exit trap's rm of $asn_settings_link and $doveadm_plugin.
dovecot_link_users="${TMPDIR:-/tmp}/asn-test-links"
dovecot_link_use() {	# dovecot_link_use LINK
	mkdir -p "$dovecot_link_users" &&
	: >"$dovecot_link_users/$(echo "$1" | tr / _).$$" &&
	ASN_CLEANUP="${ASN_CLEANUP:-} dovecot_link_leave $1;"
}
dovecot_link_leave() {	# dovecot_link_leave LINK: keeps it while another test runs
	mark="$dovecot_link_users/$(echo "$1" | tr / _)"
	rm -f "$mark.$$"
	for u in "$mark".*; do
		[ -e "$u" ] || continue
		if kill -0 "${u##*.}" 2>/dev/null; then
			[ "$1" = "${asn_settings_link:-}" ] && asn_settings_link=""
			[ "$1" = "${doveadm_plugin:-}" ] && doveadm_plugin=""
			return 0
		fi
		rm -f "$u"	# a test that ended without its trap
	done
}

dovecot_settings_module_link() {
	settings_module="/usr/lib/dovecot/modules/settings/lib10_asn_dovecot_settings.so"
	if [ -e "$settings_module" ] && [ ! -L "$settings_module" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$settings_module")" &&
	ln -sf "${ASN_PLUGIN_DIR:-$top_builddir/plugin/.libs}/lib10_asn_dovecot_settings.so" "$settings_module" &&
	asn_settings_link=$settings_module &&	# removed on exit: a dangling one stops Dovecot
	dovecot_link_use "$settings_module"
}

dovecot_write_conf_24() {
	mkdir -p "$dovecot_conf_dir" "$work/vmail" "$work/run"
	chown "$mail_user:$mail_group" "$work/vmail"
	auth_file=auth-asn.conf.ext
	[ "${ASN_DOVECOT_STORE:-sqlite}" = pgsql ] && auth_file=auth-asn-pgsql.conf.ext
	sed -e "s|/var/lib/dovecot-asn/asn.db|$work/db/asn.db|" \
	    -e "s|uid = vmail|uid = $mail_user|" -e "s|gid = vmail|gid = $mail_group|" \
	    -e "s|home = /var/vmail|home = $work/vmail|" \
	    "$top_srcdir/conf.d/2.4/$auth_file" | dovecot_pgsql_conf >"$dovecot_conf_dir/auth-asn.conf.ext"
	sed -e "s|#asn_db = /var/lib/dovecot-asn/asn.db|asn_db = ${ASN_DOVECOT_ASN_DB:-$work/db/asn.db}|" \
	    "$top_srcdir/conf.d/2.4/90-asn.conf" | dovecot_bsre_conf >"$dovecot_conf_dir/90-asn.conf"
	dovecot_link_modules
	dovecot_settings_module_link
	cat >"$dovecot_conf_dir/dovecot.conf" <<CONF
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
$(dovecot_instance_conf)
auth_allow_cleartext = yes
auth_mechanisms = plain login
protocols = imap pop3 lmtp
mail_driver = maildir
mail_path = ~/Maildir
$(dovecot_instance_conf_tail)
$(dovecot_services_conf listen)
$(printf '%s\n' "${DOVECOT_EXTRA_CONF:-}" | dovecot_conf_24)
CONF
}

dovecot_write_conf() {
	if [ "$DOVECOT_LINE" = 2.3 ]; then
		dovecot_write_conf_23
	else
		dovecot_write_conf_24
	fi
}

# ASN_CLEANUP: shell code a test adds to the exit trap (e.g. an umount).
dovecot_start() {
	# The database directory must be reachable by Dovecot's auth
	# processes, as on a real site.
	chmod 755 "$work"
	attempts="1 2 3 4 5"
	[ -n "${ASN_FIXED_PORTS:-}" ] && attempts=1
	for attempt in $attempts; do
		if [ -z "${ASN_FIXED_PORTS:-}" ]; then
			base=$(( 20000 + ($$ * 7 + attempt * 131) % 30000 ))
			IMAP_PORT=$base; POP3_PORT=$((base + 1)); LMTP_PORT=$((base + 2))
			DOVEADM_HTTP_PORT=$((base + 3))
		fi
		dovecot_write_conf
		: >"$work/dovecot.log"
		if dovecot -c "$dovecot_conf_dir/dovecot.conf" 2>>"$work/dovecot.log"; then
			# Wait until it listens.
			for i in $(seq 1 50); do
				if "$top_builddir/tests/imap-probe" 127.0.0.1 "$IMAP_PORT" x x >/dev/null 2>&1; then
					trap 'eval "${ASN_CLEANUP:-}"; dovecot_stop; rm -f ${asn_settings_link:-}; rm -rf "$work"' EXIT
					return 0
				fi
				grep -q "Address already in use" "$work/dovecot.log" && break
				sleep 0.1
			done
			dovecot_stop
		fi
	done
	echo "# dovecot did not start:"; sed 's/^/#   /' "$work/dovecot.log" | tail -20
	return 1
}

dovecot_stop() {
	if [ -f "$work/run/master.pid" ]; then
		pid=$(cat "$work/run/master.pid")
		kill "$pid" 2>/dev/null
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
}

# doveadm finds its plugins only in the directory it was built with: the
# doveadm plugin is linked there for the test's duration, unless a
# dovecot-asn is installed there already.
doveadm_plugin_link() {
	doveadm_plugin="/usr/lib/dovecot/modules/doveadm/lib10_doveadm_asn_plugin.so"
	if [ -e "$doveadm_plugin" ] && [ ! -L "$doveadm_plugin" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$doveadm_plugin")" &&
	ln -sf "${ASN_PLUGIN_DIR:-$top_builddir/plugin/.libs}/lib10_doveadm_asn_plugin.so" "$doveadm_plugin" &&
	dovecot_link_use "$doveadm_plugin" &&
	trap 'eval "${ASN_CLEANUP:-}"; dovecot_stop; rm -f "$doveadm_plugin" ${asn_settings_link:-}; rm -rf "$work"' EXIT
}

doveadm_t() {
	"$DOVEADM" -c "$dovecot_conf_dir/dovecot.conf" "$@"
}

imap_probe() {
	"$top_builddir/tests/imap-probe" 127.0.0.1 "$IMAP_PORT" "$@"
}

pop3_probe() {
	"$top_builddir/tests/pop3-probe" 127.0.0.1 "$POP3_PORT" "$@"
}

lmtp_probe() {	# lmtp_probe RCPT SUBJECT
	"$top_builddir/tests/lmtp-probe" 127.0.0.1 "$LMTP_PORT" sender@example.org "$@"
}

# on PostgreSQL (tap_setup --store, ASN_TEST_STORE=pgsql): see dovecot_pgsql_site
! store_is_pgsql || dovecot_pgsql_site
