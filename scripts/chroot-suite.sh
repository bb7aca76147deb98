#!/bin/sh
# chroot-suite.sh RELEASE [CACHE-DIR]: the suite of this tree on another
# Debian release (trixie: Dovecot 2.4; bookworm: 2.3), as root, in a fresh
# debootstrap root.  The pristine root is cached as CACHE-DIR/RELEASE-minbase.tar
# (default /work/chroot, or $ASN_CHROOT_CACHE); a fresh machine builds it.
# The committed tree (HEAD) is cloned into the root's /root/dovecot-asn,
# built with --enable-werror and checked with make -C tests check.  Ends with
# "RELEASE: N passed, N failed, N skipped" (the TAP results of make check).
# The root is unpacked into a new CACHE-DIR/RELEASE-suite.XXXXXX and removed
# at the end.  Environment: ASN_CHROOT_KEEP=1 keeps it for a look;
# ASN_CHROOT_TESTS="test-x y.sh" runs only those tests.
set -u
release=${1:?usage: chroot-suite.sh RELEASE [CACHE-DIR]}
cache=${2:-${ASN_CHROOT_CACHE:-/work/chroot}}
src=$(cd "$(dirname "$0")/.." && pwd)
tar="$cache/$release-minbase.tar"
mirror=${ASN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

fail() { echo "chroot-suite: $*" >&2; echo "$release: 0 passed, 1 failed, 0 skipped"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mounts)"
mkdir -p "$cache" || fail "cannot create $cache"

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

tests_arg=""
[ -n "${ASN_CHROOT_TESTS:-}" ] && tests_arg="TESTS=\"$ASN_CHROOT_TESTS\""
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 CI="${CI:-}" /bin/sh -c "
	set -u
	src=/root/dovecot-asn; cd "\$src" && . scripts/deps.sh
	DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends ca-certificates git >/dev/null &&
		update-ca-certificates >/dev/null 2>&1
	asn_install_deps || exit 3
	ASN_E2E_NODE=/root/dovecot-asn/_e2e-node; export ASN_E2E_NODE
	asn_install_webmail_deps \"\$ASN_E2E_NODE\" || exit 3
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 4; }
	mkdir -p _build && cd _build &&
	../configure -q --with-dovecot=/usr/lib/dovecot --enable-werror >configure.out 2>&1 ||
		{ tail -20 configure.out; exit 4; }
	make -s -j\$(nproc) >build.out 2>&1 || { grep -E 'error|warning' build.out | head -40; exit 4; }
	make -C tests check $tests_arg >check.out 2>&1
	grep -E '^(FAIL|ERROR|XPASS|SKIP):' check.out | head -60
	exit 0
" 2>&1 | sed "s/^/[$release] /"
status=$?
log="$root/root/dovecot-asn/_build/tests"
if [ -f "$log/test-suite.log" ]; then
	# automake's own summary of make check
	awk -v r="$release" '
		/^# (PASS|XFAIL):/ { p += $3 } /^# SKIP:/ { s += $3 }
		/^# (FAIL|XPASS|ERROR):/ { f += $3 }
		END { printf "%s: %d passed, %d failed, %d skipped\n", r, p, f, s }' "$log/test-suite.log"
else
	echo "$release: 0 passed, 1 failed, 0 skipped (no test ran, status $status)"
fi
