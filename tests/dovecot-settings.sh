#!/bin/sh
# Our settings as Dovecot sees them, on the line the tree was built for.
# 2.4: doveconf knows the asn_* settings (the settings module) and refuses a
# bad value with the setting's name and the allowed values; the shipped
# files pass doveconf.  2.3: the shipped files pass doveconf (plugin {}
# settings are free text there; the plugin checks them).
. "$top_srcdir/tests/tap.sh"
tap_setup
. "$top_srcdir/tests/dovecot-env.sh"
trap 'eval "${ASN_CLEANUP:-}"; rm -f ${asn_settings_link:-}; rm -rf "$work"' EXIT
IMAP_PORT=1 POP3_PORT=2 LMTP_PORT=3 DOVEADM_HTTP_PORT=4
conf="$dovecot_conf_dir/dovecot.conf"

dovecot_write_conf
doveconf -c "$conf" -n >"$work/out" 2>&1
ok $? "doveconf $DOVECOT_LINE accepts the shipped conf.d files and the harness"
[ $? -eq 0 ] || sed 's/^/# /' "$work/out" | head -5

if [ "$DOVECOT_LINE" != 2.3 ]; then
	contains "$work/out" "asn_db = $work/db/asn.db" "doveconf -n lists the asn settings set"
	doveconf -c "$conf" -h asn_restrict >"$work/out" 2>&1
	contains "$work/out" "inbox" "doveconf knows asn_restrict's default"

	# refused ADDED-LINE WANTED-TEXT DESCRIPTION
	refused() {
		DOVECOT_EXTRA_CONF=$1
		dovecot_write_conf
		doveconf -c "$conf" -n >"$work/out" 2>&1
		[ $? -ne 0 ] && grep -qF "$2" "$work/out"
		ok $? "$3"
		[ $? -eq 0 ] || sed 's/^/# /' "$work/out" | head -5
	}
	refused "asn_restrict = None" "asn_restrict: 'None' is not inbox or none" \
		"asn_restrict = None (a typo of none) is refused, naming the allowed values"
	refused "asn_argon2_opslimit = 0" "asn_argon2_opslimit: '0' is out of range (1-64)" \
		"a number out of range is refused with the range"
	refused "asn_bsre_activation_ttl = soon" "asn_bsre_activation_ttl: 'soon' is not a duration" \
		"a bad duration is refused"
	refused "asn_notice = maybe" "asn_notice: 'maybe' is not yes or no" "a bad yes/no is refused"
	refused "protocol imap {
  asn_restrict = All
}" "asn_restrict: 'All' is not inbox or none" "a bad value inside a protocol block is refused"
	refused "asn_restrikt = none" "asn_restrikt" "a misspelt setting name is refused"
fi
tap_finish
