# The portal tests' fixture and daemon (sourced after tap_setup): accounts
# of two OPDs (Diskominfo, BKD), BSrE events from tests/mail, verifiers
# siti (Diskominfo) and budi (BKD) with passwords of their own, ahmad
# (Diskominfo) still on his default password.
portal="$top_builddir/tools/asn-portal"
db="$work/db/asn.db"
q() { db_query "$1"; }	# either store (tap.sh)
printf "asn_bsre_authserv_id = mx.jatimprov.go.id\nasn_bsre_trust = authres\n" >>"$work/asnctl.conf"

asnctl init >/dev/null
asnctl import --opd Diskominfo --sheet "$work/sheet.csv" "$top_srcdir/tests/data/diskominfo.csv" >/dev/null
asnctl add --opd BKD --name "Budi Santoso" --nip 198001012005011001 --sheet "$work/sheet2.csv" >/dev/null
asnctl scan "$top_srcdir/tests/mail" >/dev/null
# pw_of EMAIL: the default password from the import's sheets
pw_of() { grep -h "^$1[;,]" "$work/sheet.csv" "$work/sheet2.csv" | cut -d';' -f2 | cut -d, -f2; }
# set_pw EMAIL NEW: the owner changes the default password
set_pw() { printf '%s\n%s\n' "$(pw_of "$1")" "$2" | asnctl passwd "$1" --stdin >/dev/null; }

siti=siti.rahma@jatimprov.go.id		# verifier of Diskominfo
budi=budi.santoso@jatimprov.go.id	# verifier of BKD
ahmad=ahmad.fauzi@jatimprov.go.id	# verifier, still on the default password
good='Kq#9zVw2Lp7Xm'
set_pw $siti "$good"
set_pw $budi "$good"
asnctl verifier add $siti --opd Diskominfo >/dev/null
asnctl verifier add $budi --opd BKD >/dev/null
asnctl verifier add $ahmad --opd Diskominfo >/dev/null
[ "$(q "select count(*) from verifiers")" = 3 ]; ok $? "fixture: three verifiers"

# portal_start PORT: asn-portal on 127.0.0.1:PORT with $work/asnctl.conf
# (ASN_PASSWDD_WRAPPER: valgrind, by run-tests, as for asn-passwdd); sets
# base and portal_pid, stops it at exit; the check that it answers.
portal_start() {
	base="http://127.0.0.1:$1"
	${ASN_PASSWDD_WRAPPER:-} "$portal" -c "$work/asnctl.conf" --listen "127.0.0.1:$1" \
		2>"$work/portal.log" &
	portal_pid=$!
	trap 'kill $portal_pid 2>/dev/null; wait $portal_pid 2>/dev/null; eval "${ASN_CLEANUP:-}"; rm -rf "$work"' EXIT
	started=1
	for i in $(seq 1 300); do
		curl -s -o /dev/null "$base/gaya.css" && { started=0; break; }
		kill -0 $portal_pid 2>/dev/null || break
		sleep 0.1
	done
	ok $started "asn-portal starts and answers"
	[ $started = 0 ] || sed 's/^/# /' "$work/portal.log" | head -20
	return $started
}
