#!/bin/sh
# Replays every fuzz corpus (tests/corpus/TARGET/*) through its target.
# TAP: the replayer prints one line per input; we renumber across targets.
set -u
replay="${top_builddir}/tests/fuzz-replay"
# Under ASan: full stacks, so that tests/lsan.supp can name the libetpan
# function (libetpan has no frame pointers); options given win.
ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS
n=0
failed=0
for dir in "${top_srcdir}"/tests/corpus/*/; do
	target=$(basename "$dir")
	set -- "$dir"*
	[ -e "$1" ] || continue
	out=$("$replay" "$target" "$@" 2>&1)
	status=$?
	count=$(printf '%s\n' "$out" | grep -c '^ok ')
	if [ "$status" -eq 0 ] && [ "$count" -eq "$#" ]; then
		n=$((n + 1)); echo "ok $n - fuzz corpus $target: $# inputs replayed"
	else
		n=$((n + 1)); echo "not ok $n - fuzz corpus $target (exit $status, $count/$# inputs)"
		printf '%s\n' "$out" | grep -v '^ok ' | sed 's/^/# /' | tail -20
		failed=1
	fi
done
echo "1..$n"
exit $failed
