# TAP helpers for the CLI tests (sourced).
tap_n=0
tap_failed=0

# ok CONDITION-EXIT-STATUS DESCRIPTION: returns the check's own status, so
# that "ok $? ...; [ $? -eq 0 ] || diagnostics" shows them when it fails.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
		return 0
	fi
	echo "not ok $tap_n - $2"
	tap_failed=$((tap_failed + 1))
	return 1
}

# skip REASON: one check not run here.  Counted as a SKIP by automake and
# by ./run-tests, which fails in CI (CI=true) on any skip.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

# skip_all REASON: the whole test cannot run here (a SKIP, as above).
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# run EXPECTED-EXIT DESCRIPTION -- COMMAND...: runs, keeps stdout/stderr in
# $out/$err files, checks the exit code.
run() {
	want=$1; desc=$2; shift 3
	"$@" >"$work/stdout" 2>"$work/stderr"
	got=$?
	[ "$got" -eq "$want" ]
	ok $? "$desc (exit $got, want $want)"
	if [ "$got" -ne "$want" ]; then
		sed 's/^/# stdout: /' "$work/stdout" | head -20
		sed 's/^/# stderr: /' "$work/stderr" | head -20
	fi
}

contains() {	# contains FILE TEXT DESCRIPTION
	grep -qF -- "$2" "$1"
	r=$?
	ok $r "$3"
	[ $r -eq 0 ] || { echo "# '$2' not in:"; sed 's/^/#   /' "$1" | head -20; }
}

lacks() {	# lacks FILE TEXT DESCRIPTION (a missing FILE fails: grep's 2 is no 1)
	grep -qF -- "$2" "$1"
	r=$?
	[ $r -eq 1 ]
	ok $? "$3"
	[ $r -eq 1 ] || { [ $r -eq 0 ] && echo "# '$2' found in $1" || echo "# cannot read $1"; }
}

golden() {	# golden FILE NAME DESCRIPTION: compare with tests/golden/NAME
	if [ -n "${ASN_UPDATE_GOLDEN:-}" ]; then
		cp "$1" "$top_srcdir/tests/golden/$2"
	fi
	diff -u "$top_srcdir/tests/golden/$2" "$1" >"$work/diff" 2>&1
	r=$?
	ok $r "$3 (golden $2)"
	[ $r -eq 0 ] || sed 's/^/# /' "$work/diff" | head -40
}

# asn_real_binary PROGRAM: the program itself, not libtool's wrapper script
# (which only runs from its build tree).
asn_real_binary() {
	if [ "$(head -c 2 "$1")" = "#!" ] && [ -x "$(dirname "$1")/.libs/$(basename "$1")" ]; then
		echo "$(dirname "$1")/.libs/$(basename "$1")"
	else
		echo "$1"
	fi
}

tap_setup() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/asn-cli-XXXXXX")
	trap 'rm -rf "$work"' EXIT
	# Cheap Argon2 for speed, except where a test says otherwise; a fixed
	# clock for golden output.
	cat >"$work/asnctl.conf" <<CONF
asn_db = $work/db/asn.db
asn_domain = jatimprov.go.id
asn_argon2_memlimit = 1M
asn_argon2_opslimit = 1
CONF
	ASN_NOW=1795338000	# 2026-11-22 09:00 UTC
	export ASN_NOW
	asnctl() { "$ASNCTL" -c "$work/asnctl.conf" "$@"; }
}

tap_finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
