# Installs what dovecot-asn needs to build and test on Debian 12 and 13 (sourced).
# Only installs what is missing; never starts the system's Dovecot.

ASN_DEB_PACKAGES="build-essential autoconf automake libtool pkg-config
 dovecot-dev dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-sqlite dovecot-sieve
 libsqlite3-dev sqlite3 libsodium-dev libpwquality-dev cracklib-runtime
 libssl-dev libcrypt-dev libetpan-dev libmicrohttpd-dev libjansson-dev curl valgrind
 libopendkim-dev opendkim-tools dnsmasq-base"
# The site test's Postfix in front of the test Dovecot (tests/postfix-site.sh),
# and its SMTP client (swaks, STARTTLS through Net::SSLeay).
ASN_DEB_PACKAGES="$ASN_DEB_PACKAGES postfix openssl swaks libnet-ssleay-perl"
# The PostgreSQL store (libpq), Dovecot's pgsql driver, and the server the
# tests start privately (tests/pg-env.sh: initdb into a temp dir; citext
# is in the server package).  Debian 12: PostgreSQL 15, Debian 13: 17.
ASN_DEB_PACKAGES="$ASN_DEB_PACKAGES libpq-dev postgresql dovecot-pgsql"

# The webmail and the browser of the end-to-end test (and ./demo --webmail).
# Not nodejs/npm here: a machine that has Node from elsewhere conflicts
# with Debian's npm; they are added only when node is missing.
# php-cgi of the release's PHP (the webmail test runs php-cgi under
# Roundcube): php8.2-cgi on Debian 12, php8.4-cgi on Debian 13.
asn_php_cgi_package() (
	. /etc/os-release 2>/dev/null
	case "${VERSION_CODENAME:-}" in
	bookworm) echo php8.2-cgi ;;
	trixie) echo php8.4-cgi ;;
	*) echo php-cgi ;;
	esac
)

ASN_DEB_WEBMAIL_PACKAGES="roundcube-core roundcube-sqlite3 roundcube-plugins php-cli php-sqlite3
 $(asn_php_cgi_package) chromium"

asn_install_deps() {
	# Debian's postfix, freshly installed, would write /etc/postfix/main.cf
	# for a system MTA; the tests run a private instance of their own.
	if [ "$(id -u)" = 0 ] && ! command -v postfix >/dev/null &&
		command -v debconf-set-selections >/dev/null; then
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	fi
	asn_install_packages $ASN_DEB_PACKAGES
}

# asn_install_webmail_deps [NODE-DIR]: Roundcube, PHP, Chromium; with
# NODE-DIR, also Node.js (if missing) and, there, the npm packages pinned by
# tests/e2e/package-lock.json (npm ci: exactly the locked versions, checked
# against the lock's hashes; never a browser download: the test drives
# Debian's Chromium).  A NODE-DIR installed from another lock is replaced.
asn_install_webmail_deps() {
	# Debian's roundcube would otherwise try to set up a PostgreSQL
	# database; the tests and the demo use their own SQLite one.
	if command -v debconf-set-selections >/dev/null; then
		echo "roundcube-core roundcube/dbconfig-install boolean false" | debconf-set-selections
	fi
	extra=""
	[ -n "${1:-}" ] && ! command -v node >/dev/null && extra="nodejs npm"
	asn_install_packages $ASN_DEB_WEBMAIL_PACKAGES $extra || return 1
	[ -z "${1:-}" ] && return 0
	# $src: the tree's top, set by the scripts that source this one
	lock_dir="$src/tests/e2e"
	if cmp -s "$lock_dir/package-lock.json" "$1/package-lock.json" &&
		[ -d "$1/node_modules/playwright-core" ]; then
		return 0
	fi
	mkdir -p "$1" &&
	cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$1/" &&
	(cd "$1" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent \
		>/dev/null) || { echo "npm ci in $1 (tests/e2e/package-lock.json) failed" >&2; return 1; }
}

asn_install_packages() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages:$missing (run as root to install them)" >&2
		return 1
	fi
	echo "installing:$missing"
	# Installing dovecot-core would start the system's Dovecot; we only
	# want its binaries.  Deny service starts during the install.
	added_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		added_policy=yes
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
	status=$?
	[ -n "$added_policy" ] && rm -f /usr/sbin/policy-rc.d
	if [ $status -ne 0 ]; then
		echo "apt-get install failed" >&2
		return 1
	fi
	return 0
}
