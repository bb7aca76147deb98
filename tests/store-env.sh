#!/bin/sh
# LOG_COMPILER of the unit tests: runs the test program as it is; with
# ASN_TEST_STORE=pgsql, a test of the store ($ASN_STORE_UNIT_TESTS, from
# Makefile.am) runs beside a private PostgreSQL (tests/pg-env.sh, as
# tap.sh's tap_setup --store starts it: ASN_TEST_PG_URI, PGPASSFILE, the
# roles asnctl init grants to), stopped after.  The program takes its
# asn_db from ASN_TEST_PG_URI and empties the database itself
# (tests/sqlite-util.h: test_db).
case " ${ASN_STORE_UNIT_TESTS:-} " in
*" $(basename "$1") "*) ;;
*) exec "$@" ;;
esac
[ "${ASN_TEST_STORE:-sqlite}" = pgsql ] || exec "$@"
. "$top_srcdir/tests/tap.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/asn-unit-XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
tap_store_setup
"$@"
