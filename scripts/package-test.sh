#!/bin/sh
# package-test.sh RELEASE [CACHE-DIR]: the Debian packages of this tree, the
# way an admin meets them.  Builds them from the committed tree (HEAD) twice
# (VERSION and VERSION+pkgtest1, for the upgrade), runs lintian, installs
# the first build with apt into a pristine debootstrap root of RELEASE,
# enables dovecot-asn as README.Debian says, starts that Dovecot in a
# network namespace of its own (loopback only, no port of the host), and
# checks: asnctl import of a small CSV, an IMAP login with the default
# password gets the ALERT and only INBOX, a BSrE mail over LMTP shows in
# asnctl status; then upgrades to the second build (accounts and events
# kept, login still works), removes, purges (the databases kept; deleted
# when the debconf question says so), and lists what is left.
# Ends with "package-test RELEASE: N passed, N failed".
# The packages depend on the release's Dovecot ABI: RELEASE the host's own,
# they are built on the host; another release (trixie from bookworm, or the
# other way), in a root of that release with the build dependencies
# (apt-get build-dep), lintian still the host's.  The pristine root is
# chroot-suite.sh's cache: CACHE-DIR/RELEASE-minbase.tar (default
# $ASN_CHROOT_CACHE or /var/cache/dovecot-asn-ci), apt's downloads in
# CACHE-DIR/RELEASE-apt/.  ASN_PKGTEST_KEEP=1 keeps the root and the build;
# ASN_PKGTEST_ROUNDCUBE=1 also installs the Roundcube driver with Roundcube.
# ASN_PKGTEST_RESULTS=FILE: one line per check appended to FILE, as
# run-tests keeps them (RESULT, package-test.sh, N, description).
set -u
release=${1:?usage: package-test.sh RELEASE [CACHE-DIR]}
cache=${2:-${ASN_CHROOT_CACHE:-/var/cache/dovecot-asn-ci}}
src=$(cd "$(dirname "$0")/.." && pwd)
tar="$cache/$release-minbase.tar"
mirror=${ASN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
passed=0 failed=0

record() {	# record RESULT DESCRIPTION: the check numbered passed + failed
	[ -n "${ASN_PKGTEST_RESULTS:-}" ] || return 0
	printf '%s\tpackage-test.sh\t%s\t%s\n' "$1" "$((passed + failed))" "$2" >>"$ASN_PKGTEST_RESULTS"
}
fail() { echo "package-test: $*" >&2; passed=$((passed + 1)); record ERROR "$*"; passed=$((passed - 1)); echo "package-test $release: $passed passed, $((failed + 1)) failed"; exit 1; }
ok() {	# ok STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); echo "ok - $2"; record PASS "$2"
	else failed=$((failed + 1)); echo "not ok - $2"; record FAIL "$2"; return 1; fi
}
# gate: what follows needs the check that just failed
gate() { echo "package-test $release: $passed passed, $failed failed (stopped: the rest needs that)"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (chroot, mounts, unshare)"
host_release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
for tool in dpkg-buildpackage dh lintian unshare; do
	command -v $tool >/dev/null || fail "$tool missing (apt-get install devscripts debhelper lintian)"
done
mkdir -p "$cache" || fail "cannot create $cache"
if [ ! -f "$tar" ]; then	# as chroot-suite.sh caches it
	rm -rf "$cache/$release-new"
	debootstrap --variant=minbase "$release" "$cache/$release-new" "$mirror" \
		>"$cache/$release-debootstrap.log" 2>&1 || fail "debootstrap failed"
	tar -C "$cache/$release-new" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar" || fail "cannot write $tar"
	rm -rf "$cache/$release-new"
fi

work=$(mktemp -d "$cache/$release-pkgtest.XXXXXX") || fail "cannot create a directory in $cache"
root=$work/root
mounted=""
cleanup() {
	for m in $mounted; do umount -l "$m" 2>/dev/null; done
	if [ -z "${ASN_PKGTEST_KEEP:-}" ] && ! grep -q " $work/" /proc/mounts; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
start=$(date +%s)

# new_root DIR: the pristine root unpacked in DIR, proc and dev mounted,
# apt's downloads cached, no service starting while packages install (it
# would bind the host's ports)
new_root() {
	mkdir -p "$1" && tar -C "$1" -xf "$tar" || fail "cannot unpack $tar"
	mount -t proc proc "$1/proc" && mounted="$1/proc $mounted" &&
	mount --bind /dev "$1/dev" && mounted="$1/dev $mounted" &&
	mount --bind /dev/pts "$1/dev/pts" && mounted="$1/dev/pts $mounted" ||
		fail "cannot mount proc/dev in $1"
	mkdir -p "$cache/$release-apt/partial" &&
	mount --bind "$cache/$release-apt" "$1/var/cache/apt/archives" &&
		mounted="$1/var/cache/apt/archives $mounted" || fail "cannot mount $cache/$release-apt"
	cp /etc/resolv.conf "$1/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d" && chmod 755 "$1/usr/sbin/policy-rc.d"
}
chroot_env() { _r=$1; shift; chroot "$_r" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# --- build: VERSION, then VERSION+pkgtest1 (the upgrade)
if [ "$release" = "$host_release" ]; then
	broot="" bsrc="$work/src"
else	# a root of RELEASE with the build dependencies
	broot=$work/buildroot bsrc=$work/buildroot/root/src
	new_root "$broot"
fi
git clone -q "$src" "$bsrc" || fail "git clone of $src failed"
if [ -n "$broot" ]; then
	chroot_env "$broot" sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends dpkg-dev &&
		cd /root/src && apt-get build-dep -y -q ./' >"$work/build-deps.log" 2>&1
	ok $? "$release root: apt-get build-dep ./ (log: build-deps.log)" || gate
fi
build() {	# build OUT-DIR
	if [ -n "$broot" ]; then
		chroot_env "$broot" sh -c 'cd /root/src && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b' \
			>"$work/build-${1##*/}.log" 2>&1 || return 1
		out=$broot/root
	else
		(cd "$bsrc" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
			dpkg-buildpackage -us -uc -b >"$work/build-${1##*/}.log" 2>&1) || return 1
		out=$work
	fi
	mkdir -p "$1" && mv "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$1"/
}
build "$work/v1"; ok $? "dpkg-buildpackage -us -uc -b (log: build-v1.log)" || gate
v1=$(dpkg-parsechangelog -l "$bsrc/debian/changelog" -S Version)
lintian "$work"/v1/*.changes >"$work/lintian.out" 2>&1
grep -E '^[EW]:' "$work/lintian.out" | sed 's/^/# /'
! grep -qE '^[EW]:' "$work/lintian.out"; ok $? "lintian: no error, no warning without an override"
# the upgrade's version: a changelog entry on top (no devscripts needed)
{ printf 'dovecot-asn (%s+pkgtest1) unstable; urgency=medium\n\n  * package-test: the upgrade.\n\n -- %s  %s\n\n' \
	"$v1" "$(dpkg-parsechangelog -l "$bsrc/debian/changelog" -S Maintainer)" "$(date -R)"
  cat "$bsrc/debian/changelog"; } >"$work/changelog.new" && mv "$work/changelog.new" "$bsrc/debian/changelog"
build "$work/v2"; ok $? "a second build, $v1+pkgtest1, for the upgrade" || gate

# --- a pristine root
new_root "$root"
mkdir -p "$root/root/v1" "$root/root/v2" &&
	cp "$work"/v1/*.deb "$root/root/v1/" && cp "$work"/v2/*.deb "$root/root/v2/" &&
	cp "$src/tests/data/diskominfo.csv" "$src/tests/mail/activation.eml" "$root/root/" ||
	fail "cannot copy into $root"
in_root() { chroot_env "$root" "$@"; }
# in_netns CMD...: in a network namespace of its own (loopback only)
in_netns() { unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
	chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

in_root apt-get update -q >"$work/apt.log" 2>&1
# what the README installs: the plugins and tools, Dovecot's IMAP and LMTP
in_root sh -c 'apt-get install -y -q --no-install-recommends \
	/root/v1/dovecot-asn_*.deb /root/v1/dovecot-asn-tools_*.deb \
	dovecot-imapd dovecot-lmtpd' >>"$work/apt.log" 2>&1
ok $? "apt-get install ./dovecot-asn*.deb dovecot-imapd dovecot-lmtpd (log: apt.log)" || gate
in_root sh -c 'getent group vmail && stat -c "%a %U:%G" /var/lib/dovecot-asn /var/lib/dovecot-asn/asn.db \
	/var/lib/dovecot-asn/bsre /var/lib/dovecot-asn/bsre/bsre.db /var/vmail' >"$work/perm" 2>&1
printf 'vmail:x:%s\n750 root:vmail\n640 root:vmail\n770 root:vmail\n660 root:vmail\n750 vmail:vmail\n' \
	"$(in_root getent group vmail | cut -d: -f3-)" | cmp -s - "$work/perm"
ok $? "postinst: group vmail, /var/lib/dovecot-asn 0750, asn.db 0640, bsre/ 0770, bsre.db 0660, /var/vmail"
[ $? -eq 0 ] || sed 's/^/# /' "$work/perm"
[ "$(in_root id -u vmail)" -ge "$(in_root doveconf -h first_valid_uid)" ]
ok $? "the vmail uid is one Dovecot accepts (first_valid_uid)"
[ -f "$root/lib/systemd/system/asnctl-verify.timer" ] &&
	[ -L "$root/etc/systemd/system/timers.target.wants/asnctl-verify.timer" ] &&
	grep -q "^ExecStart=/usr/bin/asnctl verify$" "$root/lib/systemd/system/asnctl-verify.service"
ok $? "asnctl-verify.timer installed and enabled, its service runs /usr/bin/asnctl verify"
[ -f "$root/lib/systemd/system/asn-portal.service" ] &&
	! ls "$root"/etc/systemd/system/*/asn-portal.service >/dev/null 2>&1 &&
	grep -q "^ExecStart=/usr/sbin/asn-portal --syslog$" "$root/lib/systemd/system/asn-portal.service" &&
	in_root asn-portal --version >/dev/null
ok $? "asn-portal and its unit installed, not enabled (the site sets up its proxy first)"
[ -f "$root/lib/systemd/system/asnctl-notify.timer" ] &&
	[ -L "$root/etc/systemd/system/timers.target.wants/asnctl-notify.timer" ] &&
	grep -q "^ExecStart=/usr/bin/asnctl notify$" "$root/lib/systemd/system/asnctl-notify.service"
ok $? "asnctl-notify.timer installed and enabled, its service runs /usr/bin/asnctl notify"
in_root doveconf -h -f protocol=lmtp mail_plugins >"$work/plugins-before" 2>&1 &&
	! grep -q asn "$work/plugins-before"; ok $? "installed inert: Dovecot loads no asn plugin yet"

# --- enable, as README.Debian and the README say
in_root sh -c '
	sed -i "s/^!include auth-system.conf.ext/#&\n!include auth-asn.conf.ext/" /etc/dovecot/conf.d/10-auth.conf &&
	ln -s asn.conf.ext /etc/dovecot/conf.d/90-asn.conf &&
	if [ "$(dovecot --version | cut -c1-4)" = "2.4." ]; then
		sed -i -e "s|^mail_driver = .*|mail_driver = maildir|" -e "s|^mail_path = .*|mail_path = ~/Maildir|" \
			-e "s|^mail_inbox_path = |#&|" /etc/dovecot/conf.d/10-mail.conf &&
		sed -i "/^ *auth_username_format = /s/^/#/" /etc/dovecot/conf.d/20-lmtp.conf
	else
		sed -i "s|^mail_location = .*|mail_location = maildir:~/Maildir|" /etc/dovecot/conf.d/10-mail.conf
	fi &&
	doveconf -n >/dev/null' >"$work/enable.out" 2>&1
ok $? "enabled: 10-auth.conf includes auth-asn.conf.ext, 90-asn.conf links asn.conf.ext, doveconf -n" ||
	{ sed 's/^/# /' "$work/enable.out"; gate; }
# test-only: a log file (no syslog in the root) and LMTP on loopback TCP
# (2.4 names the listener's address listen)
addr=address
[ "$(in_root dovecot --version | cut -c1-4)" = "2.4." ] && addr=listen
cat >"$root/etc/dovecot/local.conf" <<EOF
log_path = /var/log/dovecot.log
service lmtp {
  inet_listener lmtp {
    $addr = 127.0.0.1
    port = 24
  }
}
EOF

in_root asnctl import --domain jatimprov.go.id --opd Diskominfo --sheet /root/sheet.csv \
	/root/diskominfo.csv >"$work/import.out" 2>&1
ok $? "asnctl import of a small CSV" || { sed 's/^/# /' "$work/import.out"; gate; }
user=siti.rahma@jatimprov.go.id
pass=$(grep "^$user;" "$root/root/sheet.csv" | cut -d';' -f2)

# the client side, in the root's bash (minbase has no IMAP/LMTP client)
cat >"$root/root/smoke.sh" <<'EOF'
#!/bin/bash
# smoke.sh imap USER PASS | lmtp USER FILE: one session, the server's lines on stdout
crlf() { printf '%s\r\n' "$1" >&3; }
upto() { while IFS= read -t 20 -r line <&3; do echo "${line%$'\r'}"; case $line in "$1"*) return 0 ;; esac; done; return 1; }
case $1 in
imap)
	exec 3<>/dev/tcp/127.0.0.1/143 || exit 1
	upto "* OK"
	crlf "a AUTHENTICATE PLAIN $(printf '\0%s\0%s' "$2" "$3" | base64 -w0)"; upto "a "
	crlf 'b LIST "" "*"'; upto "b "
	crlf "c LOGOUT"; upto "c " ;;
lmtp)
	exec 3<>/dev/tcp/127.0.0.1/24 || exit 1
	upto "220"
	crlf "LHLO localhost"; upto "250 "
	crlf "MAIL FROM:<noreply@bssn.go.id>"; upto "250"
	crlf "RCPT TO:<$2>"; upto "250"
	crlf "DATA"; upto "354"
	sed -e 's/^\./../' -e 's/$/\r/' "$3" >&3
	crlf "."; upto "250"
	crlf "QUIT"; upto "221" ;;
esac
EOF
chmod 755 "$root/root/smoke.sh"

# smoke USER PASS TAG: Dovecot started in its own namespace, IMAP, LMTP, stop
smoke() {
	in_netns /bin/sh -c '
		dovecot || exit 1
		sleep 1
		/root/smoke.sh imap "$1" "$2" >/root/imap-$3.out 2>&1
		/root/smoke.sh lmtp "$1" /root/activation.eml >/root/lmtp-$3.out 2>&1
		doveadm stop' sh "$@" >"$work/dovecot-$3.out" 2>&1
}
smoke "$user" "$pass" v1; ok $? "that Dovecot started in its own network namespace and stopped"
grep -q '^a OK' "$root/root/imap-v1.out" && ! grep -q 'initialization failed' "$root/root/imap-v1.out"; ok $? "IMAP login with the default password"
grep -q '^\* OK \[ALERT\] ' "$root/root/imap-v1.out"; ok $? "and the ALERT"
[ "$(grep -c '^\* LIST' "$root/root/imap-v1.out")" = 1 ] && grep -q '^\* LIST.* "\{0,1\}INBOX"\{0,1\}$' "$root/root/imap-v1.out"
ok $? "LIST shows only INBOX"
grep -q '^250 .*Saved' "$root/root/lmtp-v1.out"; ok $? "a BSrE mail over LMTP delivered"
ls "$root/var/vmail/jatimprov.go.id/siti.rahma/Maildir/new" 2>/dev/null | grep -q .
ok $? "the mail is in Maildir under /var/vmail/DOMAIN/USER"
in_root asnctl status "$user" >"$work/status-v1" 2>&1
grep -q account_activation "$work/status-v1"; ok $? "asnctl status shows it"
for f in imap-v1 lmtp-v1; do sed "s/^/# $f: /" "$root/root/$f.out"; done | grep -v "$pass" | head -40
[ "$failed" -eq 0 ] || { sed 's/^/# status: /' "$work/status-v1"; tail -20 "$root/var/log/dovecot.log" | sed 's/^/# log: /'; }

# --- upgrade to the second build: the databases stay, the login works
accounts=$(in_root asnctl list --csv 2>/dev/null | wc -l)
in_root sh -c 'apt-get install -y -q --no-install-recommends \
	/root/v2/dovecot-asn_*.deb /root/v2/dovecot-asn-tools_*.deb' >"$work/upgrade.log" 2>&1
ok $? "upgrade to $v1+pkgtest1 (log: upgrade.log)"
grep -q "up to date (schema version" "$work/upgrade.log"; ok $? "postinst: asnctl init found the schema up to date"
[ "$(in_root asnctl list --csv 2>/dev/null | wc -l)" = "$accounts" ]; ok $? "the accounts are kept ($accounts lines)"
[ -L "$root/etc/dovecot/conf.d/90-asn.conf" ]; ok $? "the enabling link is kept"
smoke "$user" "$pass" v2
grep -q '^\* OK \[ALERT\] ' "$root/root/imap-v2.out"; ok $? "after the upgrade: login with the ALERT"
in_root asnctl status "$user" >"$work/status-v2" 2>&1
grep -q account_activation "$work/status-v2"; ok $? "and the BSrE event is still there"

# --- ASN_PKGTEST_ROUNDCUBE=1: the webmail driver with Debian's Roundcube
# (optional: Roundcube pulls PHP and a web server, about 60 packages)
if [ -n "${ASN_PKGTEST_ROUNDCUBE:-}" ]; then
	echo "roundcube-core roundcube/dbconfig-install boolean false" | in_root debconf-set-selections
	in_root sh -c 'apt-get install -y -q --no-install-recommends /root/v2/roundcube-plugin-dovecot-asn_*.deb roundcube-sqlite3' \
		>"$work/roundcube.log" 2>&1
	ok $? "apt-get install ./roundcube-plugin-dovecot-asn*.deb (log: roundcube.log)"
	in_root php -l /usr/share/roundcube/plugins/password/drivers/asnpasswdd.php >"$work/php-l" 2>&1
	ok $? "Roundcube's password plugin finds the asnpasswdd driver (php -l through the link)"
	in_root apt-get purge -y -q roundcube-plugin-dovecot-asn >>"$work/roundcube.log" 2>&1 &&
		[ ! -e "$root/usr/share/roundcube/plugins/password/drivers/asnpasswdd.php" ] &&
		[ ! -e "$root/usr/share/dovecot-asn/roundcube" ]
	ok $? "purged: the driver and its link are gone"
fi

# --- remove, then purge
in_root apt-get remove -y -q dovecot-asn >"$work/remove.log" 2>&1; ok $? "apt-get remove dovecot-asn"
[ ! -e "$root/etc/dovecot/conf.d/90-asn.conf" ]; ok $? "remove: the 90-asn.conf link is gone"
in_root doveconf -n >/dev/null 2>&1; ok $? "and Dovecot's configuration still parses (auth-asn.conf.ext kept)"
in_root sed -i "s/^#\(!include auth-system.conf.ext\)/\1/; /^!include auth-asn.conf.ext/d" /etc/dovecot/conf.d/10-auth.conf
in_root apt-get purge -y -q dovecot-asn dovecot-asn-tools >"$work/purge.log" 2>&1; ok $? "apt-get purge dovecot-asn dovecot-asn-tools"
in_root doveconf -n >/dev/null 2>&1; ok $? "after purge (10-auth.conf restored as README.Debian says) Dovecot's configuration parses"
grep -q "kept the databases in /var/lib/dovecot-asn" "$work/purge.log"; ok $? "purge says it keeps the databases"
[ -f "$root/var/lib/dovecot-asn/asn.db" ]; ok $? "and keeps them"
# a reinstallation reuses the kept databases; the debconf question, said
# yes to, deletes them on purge
in_root sh -c 'apt-get install -y -q --no-install-recommends /root/v2/dovecot-asn-tools_*.deb' >"$work/reinstall.log" 2>&1 &&
	[ "$(in_root asnctl list --csv 2>/dev/null | wc -l)" = "$accounts" ]
ok $? "reinstalled dovecot-asn-tools finds the kept accounts"
echo "dovecot-asn-tools dovecot-asn-tools/purge_databases boolean true" | in_root debconf-set-selections &&
	in_root apt-get purge -y -q dovecot-asn-tools >"$work/purge2.log" 2>&1 &&
	[ ! -e "$root/var/lib/dovecot-asn" ]
ok $? "purge with the debconf question answered yes deletes /var/lib/dovecot-asn"
left=$(cd "$root" && ls -d etc/dovecot/*asn* etc/dovecot/conf.d/*asn* usr/lib/dovecot/modules/*asn* \
	usr/lib/dovecot/modules/*/*asn* usr/bin/asnctl usr/sbin/asn-passwdd usr/sbin/asn-portal lib/systemd/system/asn-p*.service \
	lib/systemd/system/asnctl-verify.* lib/systemd/system/asnctl-notify.* etc/systemd/system/*/asn-p*.service \
	etc/systemd/system/*/asnctl-verify.* etc/systemd/system/*/asnctl-notify.* 2>/dev/null)
[ -z "$left" ]; ok $? "nothing else of dovecot-asn is left"
[ -z "$left" ] || echo "$left" | sed 's/^/# left: /'
echo "# kept by design: the vmail user and group, /var/vmail"
echo "# $(($(date +%s) - start)) s"
echo "package-test $release: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
