# Installs what dovecot-asn needs to build and test on Debian 12 (sourced).
# Only installs what is missing; never starts the system's Dovecot.

ASN_DEB_PACKAGES="build-essential autoconf automake libtool pkg-config
 dovecot-dev dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-sqlite dovecot-sieve
 libsqlite3-dev sqlite3 libsodium-dev libpwquality-dev cracklib-runtime
 libssl-dev libcrypt-dev libetpan-dev libmicrohttpd-dev curl valgrind"

asn_install_deps() {
	missing=""
	for p in $ASN_DEB_PACKAGES; do
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
