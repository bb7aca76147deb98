<?php
// dovecot-asn: the lines a Roundcube site adds to its config.inc.php
// (Debian: /etc/roundcube/config.inc.php) for the forced change at the
// first webmail login through asn-passwdd.

$config['plugins'][] = 'password';

// The dovecot-asn driver (asnpasswdd.php, beside this file): shows the
// ASN why a password is refused.
$config['password_driver'] = 'asnpasswdd';
$config['password_asnpasswdd_url'] = 'http://127.0.0.1:8089/password';
// The driver names the ASN's address in X-Forwarded-For; asn-passwdd
// believes it from the webmail's address only: in Dovecot's 90-asn.conf
// (which asn-passwdd reads through doveconf),
//   asn_passwdd_trusted_proxies = 127.0.0.1 ::1
// (Behind a reverse proxy, list it in Roundcube's proxy_whitelist too, so
// that Roundcube itself knows the ASN's address.)

// Or the stock driver, which says only "could not save" on a refusal:
// $config['password_driver'] = 'httpapi';
// $config['password_httpapi_url'] = 'http://127.0.0.1:8089/password';
// $config['password_httpapi_method'] = 'POST';
// $config['password_httpapi_var_user'] = 'user';
// $config['password_httpapi_var_curpass'] = 'curpass';
// $config['password_httpapi_var_newpass'] = 'newpass';
// $config['password_httpapi_expect'] = '/^ok$/';

// The change page at the first webmail login, before anything else.
$config['password_force_new_user'] = true;
// asn-passwdd checks the current password itself: ask for it.
$config['password_confirm_current'] = true;
// Roundcube's own first check, kept equal to asn_password_min_length so
// that it never contradicts the policy; the policy decides the rest.
$config['password_minimum_length'] = 12;
$config['password_minimum_score'] = 0;
