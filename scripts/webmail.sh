# A private Roundcube (Debian's roundcube-core, PHP's built-in server) with
# the dovecot-asn password driver, for the webmail test and ./demo
# --webmail (sourced; needs src, the source tree).
#
#   asn_webmail_start DIR IMAP-PORT PASSWDD-PORT WEB-PORT
#       configuration in DIR (ROUNDCUBE_CONFIG_DIR: nothing in /etc is
#       touched), the shipped config lines, an SQLite database, the driver
#       linked into the password plugin unless one is installed there;
#       sets asn_webmail_pid (a process group) and asn_webmail_driver_link
#       (the link made, or empty)
#   asn_webmail_stop    stops the server, removes the link it made

asn_webmail_drivers=/usr/share/roundcube/plugins/password/drivers

asn_webmail_start() {
	dir=$1
	mkdir -p "$dir/config" "$dir/db" "$dir/logs" "$dir/temp" || return 1
	ln -sf /etc/roundcube/defaults.inc.php /etc/roundcube/mimetypes.php "$dir/config/"
	cat >"$dir/config/config.inc.php" <<PHP
<?php
\$config = [];
\$config['db_dsnw'] = 'sqlite:///$dir/db/roundcube.db?mode=0646';
\$config['imap_host'] = '127.0.0.1:$2';
\$config['smtp_host'] = '127.0.0.1:9';
\$config['des_key'] = '$(head -c 18 /dev/urandom | base64)';
\$config['log_dir'] = '$dir/logs/';
\$config['temp_dir'] = '$dir/temp/';
\$config['language'] = 'id_ID';
\$config['plugins'] = [];
include '$src/contrib/roundcube/config.inc.php';
\$config['password_asnpasswdd_url'] = 'http://127.0.0.1:$3/password';
PHP
	rm -f "$dir/db/roundcube.db"
	sqlite3 "$dir/db/roundcube.db" </usr/share/roundcube/SQL/sqlite.initial.sql || return 1
	asn_webmail_driver_link=""
	driver="$asn_webmail_drivers/asnpasswdd.php"
	if [ ! -e "$driver" ] || [ -L "$driver" ]; then
		ln -sf "$src/contrib/roundcube/asnpasswdd.php" "$driver" &&
			asn_webmail_driver_link=$driver
	fi
	# setsid: PHP's workers outlive their parent; stop the whole group
	ROUNDCUBE_CONFIG_DIR="$dir/config" PHP_CLI_SERVER_WORKERS=4 \
		setsid php -S "127.0.0.1:$4" -t /var/lib/roundcube/public_html \
		>"$dir/php.log" 2>&1 </dev/null &
	asn_webmail_pid=$!
	for i in $(seq 1 100); do
		curl -s "http://127.0.0.1:$4/" 2>/dev/null | grep -q rcmloginuser && return 0
		sleep 0.1
	done
	return 1
}

asn_webmail_stop() {
	[ -n "${asn_webmail_pid:-}" ] && kill -- "-$asn_webmail_pid" 2>/dev/null
	[ -n "${asn_webmail_driver_link:-}" ] && rm -f "$asn_webmail_driver_link"
	asn_webmail_pid=""; asn_webmail_driver_link=""
}
