#!/bin/sh
# chroot-suite.sh RELEASE [CACHE-DIR]: the plain suite of this tree on
# another Debian release (trixie: Dovecot 2.4; bookworm: 2.3), as root, in
# a fresh debootstrap root, the way a newcomer runs it: the committed tree
# (HEAD) cloned into the root's /root/dovecot-asn and `./run-tests --quick`
# there (it installs the packages, builds with CI's flags when CI=true, runs
# make check).  Ends with "RELEASE: N passed, N failed, N skipped".
# Cached between runs under CACHE-DIR (default $ASN_CHROOT_CACHE or
# /var/cache/dovecot-asn-ci): the pristine root as RELEASE-minbase.tar
# (rebuilt when older than 30 days; a fresh machine builds it) and the
# downloaded packages in RELEASE-apt/.  The root is unpacked into a new
# CACHE-DIR/RELEASE-suite.XXXXXX and removed at the end.
# Environment: ASN_CHROOT_KEEP=1 keeps the root for a look;
# ASN_CHROOT_TESTS="test-x y.sh" runs only those tests;
# ASN_CHROOT_RESULTS=DIR receives the root's _results/plain.txt (one line
# per check, as run-tests reads them) and its logs.
set -u
release=${1:?usage: chroot-suite.sh RELEASE [CACHE-DIR]}
cache=${2:-${ASN_CHROOT_CACHE:-/var/cache/dovecot-asn-ci}}
src=$(cd "$(dirname "$0")/.." && pwd)
tar="$cache/$release-minbase.tar"
mirror=${ASN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

fail() { echo "chroot-suite: $*" >&2; echo "$release: 0 passed, 1 failed, 0 skipped"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mounts)"
mkdir -p "$cache" || fail "cannot create $cache"

[ -f "$tar" ] && [ -n "$(find "$tar" -mtime +30)" ] && rm -f "$tar"
if [ ! -f "$tar" ]; then
	command -v debootstrap >/dev/null ||
		{ apt-get install -y -q --no-install-recommends debootstrap >/dev/null || fail "no debootstrap"; }
	rm -rf "$cache/$release-new"
	debootstrap --variant=minbase "$release" "$cache/$release-new" "$mirror" \
		>"$cache/$release-debootstrap.log" 2>&1 ||
		fail "debootstrap failed (see $cache/$release-debootstrap.log)"
	tar -C "$cache/$release-new" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar" ||
		fail "cannot write $tar"
	rm -rf "$cache/$release-new"
fi

mounted=""
umount_all() {
	for m in $mounted; do umount -l "$m" 2>/dev/null; done
	mounted=""
}
cleanup() {
	umount_all
	# only once nothing is mounted below it (rm would cross into /dev)
	if [ -z "${ASN_CHROOT_KEEP:-}" ] && [ -n "${root:-}" ] &&
		! grep -q " $root/" /proc/mounts; then
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

root=$(mktemp -d "$cache/$release-suite.XXXXXX") || fail "cannot create a root in $cache"
tar -C "$root" -xf "$tar" || fail "cannot unpack $tar"

mount -t proc proc "$root/proc" && mounted="$root/proc $mounted" &&
mount --rbind /sys "$root/sys" && mounted="$root/sys $mounted" &&
mount --bind /dev "$root/dev" && mounted="$root/dev $mounted" &&
mount --bind /dev/pts "$root/dev/pts" && mounted="$root/dev/pts $mounted" &&
mount --bind /dev/shm "$root/dev/shm" && mounted="$root/dev/shm $mounted" ||
	fail "cannot mount proc/sys/dev in $root"
# the packages downloaded by an earlier run (apt keeps what it fetched)
mkdir -p "$cache/$release-apt/partial" &&
mount --bind "$cache/$release-apt" "$root/var/cache/apt/archives" &&
	mounted="$root/var/cache/apt/archives $mounted" ||
	fail "cannot mount $cache/$release-apt"
# Only this CI set-up needs these: the network's resolver and its HTTPS
# proxy CA (npm), and no service starts while packages install.
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
[ -f /etc/npmrc ] && cp /etc/npmrc "$root/etc/npmrc"

git clone -q "$src" "$root/root/dovecot-asn" || fail "git clone of $src failed"

chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 CI="${CI:-}" ASN_CHROOT_TESTS="${ASN_CHROOT_TESTS:-}" /bin/sh -c '
	DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends ca-certificates >/dev/null &&
		update-ca-certificates >/dev/null 2>&1
	cd /root/dovecot-asn &&
	exec ./run-tests --quick ${ASN_CHROOT_TESTS:+--tests "$ASN_CHROOT_TESTS"}
' 2>&1 | tee "$root/suite.out" | sed "s/^/[$release] /"
out="$root/root/dovecot-asn/_results"
if [ -n "${ASN_CHROOT_RESULTS:-}" ] && [ -d "$out" ]; then
	mkdir -p "$ASN_CHROOT_RESULTS" &&
		cp -r "$out/plain.txt" "$out/plain" "$ASN_CHROOT_RESULTS"/ 2>/dev/null
fi
# run-tests' own count line, named by the release (one tally, run-tests')
final=$(grep -E '^[0-9]+ passed, ' "$root/suite.out" | tail -1)
echo "$release: ${final:-0 passed, 1 failed, 0 skipped (no test ran)}"
