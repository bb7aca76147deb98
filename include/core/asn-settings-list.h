/* The dovecot-asn settings, one line each: the only place where a
   setting's name, type, field of struct asn_settings, default, bounds
   (inclusive, after unit conversion) and description are written.  Read by
   lib/core/settings.c (the core's table: asnctl, asn-passwdd, the plugins
   on Dovecot 2.3) and plugin/asn-dovecot-settings.c (the declarations to
   Dovecot 2.4, so that doveconf knows and checks them).
   The includer defines ASN_SETTING(name, type, field, default, min, max,
   description) and, if it wants them, ASN_USERDB_FIELD(name, default,
   description); no include guard: each use includes it again, and both
   macros are undefined at its end. */

#ifndef ASN_USERDB_FIELD
#  define ASN_USERDB_FIELD(name, def, desc)
#endif

ASN_SETTING(asn_db, ASN_SETTING_STRING, db, ASN_DEFAULT_DB, 0, 0,
	"SQLite database path, or a PostgreSQL connection (postgresql://...)")
ASN_SETTING(asn_domain, ASN_SETTING_STRING, domain, "", 0, 0,
	"mail domain of derived addresses (first.last@DOMAIN)")
ASN_SETTING(asn_db_busy_timeout, ASN_SETTING_DURATION, db_busy_timeout, "5s", 0, 600,
	"how long to wait for a locked database")
ASN_SETTING(asn_initial_password_ttl, ASN_SETTING_DURATION, initial_password_ttl, "14d",
	3600, 366ULL * 86400, "validity of a default password")
ASN_SETTING(asn_password_scheme, ASN_SETTING_SCHEME, password_scheme, "ARGON2ID", 0, 0,
	"ARGON2ID or SHA512-CRYPT")
ASN_SETTING(asn_default_password_scheme, ASN_SETTING_STRING, default_password_scheme, "", 0, 0,
	"scheme of generated default passwords only: ARGON2ID, SHA512-CRYPT or empty (asn_password_scheme); a cheaper one needs >= 80 bits of generated randomness")
ASN_SETTING(asn_argon2_opslimit, ASN_SETTING_UINT, argon2_opslimit, "3", 1, 64,
	"Argon2id passes (t)")
ASN_SETTING(asn_argon2_memlimit, ASN_SETTING_SIZE, argon2_memlimit, "64M",
	8ULL * 1024, 4ULL * 1024 * 1024 * 1024, "Argon2id memory (m)")
ASN_SETTING(asn_sha512_crypt_rounds, ASN_SETTING_UINT, sha512_crypt_rounds, "5000",
	1000, 999999999, "SHA512-CRYPT rounds")
ASN_SETTING(asn_password_min_length, ASN_SETTING_UINT, password_min_length, "12", 8, 128,
	"minimum password length")
ASN_SETTING(asn_password_min_classes, ASN_SETTING_UINT, password_min_classes, "4", 1, 4,
	"character classes required (upper, lower, digit, special)")
ASN_SETTING(asn_password_history, ASN_SETTING_UINT, password_history, "5", 0, 24,
	"earlier passwords that cannot be reused")
ASN_SETTING(asn_password_dictcheck, ASN_SETTING_BOOL, password_dictcheck, "yes", 0, 0,
	"refuse dictionary words (cracklib)")
ASN_SETTING(asn_password_blocklist, ASN_SETTING_STRING, password_blocklist, "", 0, 0,
	"file of extra refused words, one a line (with asn_password_dictcheck)")
ASN_SETTING(asn_default_password_length, ASN_SETTING_UINT, default_password_length, "14",
	12, 64, "length of generated default passwords")
ASN_SETTING(asn_hash_threads, ASN_SETTING_UINT, hash_threads, "0", 0, 256,
	"threads hashing during import, 0 = one per core")
ASN_SETTING(asn_restrict, ASN_SETTING_STRING, restrict_mode, "inbox", 0, 0,
	"while the default password is in use: inbox (only INBOX exists) or none")
ASN_SETTING(asn_alert, ASN_SETTING_STRING, alert,
	"Anda masih memakai kata sandi bawaan. Segera ganti melalui webmail: "
	"Pengaturan > Kata Sandi. Sebelum diganti, hanya INBOX yang dapat dibuka "
	"dan email tidak dapat dikirim.", 0, 0,
	"IMAP [ALERT] after login while the default password is in use")
ASN_SETTING(asn_hint, ASN_SETTING_STRING, hint,
	"Ganti dahulu kata sandi bawaan Anda melalui webmail (Pengaturan > Kata Sandi); "
	"sebelum itu hanya INBOX yang dapat dibuka.", 0, 0,
	"reply to a refused folder operation")
ASN_SETTING(asn_notice, ASN_SETTING_BOOL, notice, "yes", 0, 0,
	"put a notice message in INBOX once (per default password)")
ASN_SETTING(asn_notice_from, ASN_SETTING_STRING, notice_from, "", 0, 0,
	"From of the notice; empty: postmaster@ the user's domain")
ASN_SETTING(asn_webmail_url, ASN_SETTING_STRING, webmail_url, "", 0, 0,
	"webmail address named in the notice")
ASN_SETTING(asn_passwdd_listen, ASN_SETTING_STRING, passwdd_listen, "127.0.0.1:8089", 0, 0,
	"address of asn-passwdd (ADDR:PORT, [IPv6]:PORT)")
ASN_SETTING(asn_passwdd_max_user_failures, ASN_SETTING_UINT, passwdd_max_user_failures, "5",
	0, 1000, "wrong current passwords per user in the window before 429 (0 = no limit)")
ASN_SETTING(asn_passwdd_max_client_failures, ASN_SETTING_UINT, passwdd_max_client_failures,
	"30", 0, 100000, "failures per client address in the window before 429 (0 = no limit)")
ASN_SETTING(asn_passwdd_failure_window, ASN_SETTING_DURATION, passwdd_failure_window, "15m",
	1, 86400, "window of the failure counts")
ASN_SETTING(asn_passwdd_trusted_proxies, ASN_SETTING_STRING, passwdd_trusted_proxies, "", 0, 0,
	"addresses (space separated) whose X-Forwarded-For names the client, e.g. the webmail's")
ASN_SETTING(asn_passwdd_request_timeout, ASN_SETTING_DURATION, passwdd_request_timeout, "10s",
	1, 300, "longest time to receive a whole request, however the client trickles it")
ASN_SETTING(asn_portal_listen, ASN_SETTING_STRING, portal_listen, "127.0.0.1:8090", 0, 0,
	"address of asn-portal, the verifiers' portal (ADDR:PORT, [IPv6]:PORT)")
ASN_SETTING(asn_portal_trusted_proxies, ASN_SETTING_STRING, portal_trusted_proxies, "", 0, 0,
	"addresses whose X-Forwarded-For names the client (the HTTPS reverse proxy's)")
ASN_SETTING(asn_portal_session_idle, ASN_SETTING_DURATION, portal_session_idle, "30m",
	60, 86400, "a portal session unused this long ends")
ASN_SETTING(asn_portal_session_max, ASN_SETTING_DURATION, portal_session_max, "12h",
	60, 7 * 86400, "a portal session ends this long after its login, used or not")
ASN_SETTING(asn_portal_max_user_failures, ASN_SETTING_UINT, portal_max_user_failures, "5",
	0, 1000, "wrong portal passwords per user in the window before 429 (0 = no limit)")
ASN_SETTING(asn_portal_max_client_failures, ASN_SETTING_UINT, portal_max_client_failures,
	"30", 0, 100000, "portal login failures per client address in the window before 429")
ASN_SETTING(asn_portal_failure_window, ASN_SETTING_DURATION, portal_failure_window, "15m",
	1, 86400, "window of the portal's failure counts")
ASN_SETTING(asn_portal_request_timeout, ASN_SETTING_DURATION, portal_request_timeout, "10s",
	1, 300, "longest time to receive a whole portal request, however the client trickles it")
ASN_SETTING(asn_bsre_senders, ASN_SETTING_STRING, bsre_senders, "bssn.go.id", 0, 0,
	"trusted BSrE sender domains (subdomains included), space separated")
ASN_SETTING(asn_bsre_authserv_id, ASN_SETTING_STRING, bsre_authserv_id, "", 0, 0,
	"authserv-id of this site's Authentication-Results; set: DKIM pass is required")
ASN_SETTING(asn_bsre_trust, ASN_SETTING_STRING, bsre_trust, "dkim", 0, 0,
	"what makes a BSrE mail trusted: dkim (its own DKIM signature, verified here), "
	"authres (this site's Authentication-Results under asn_bsre_authserv_id: only safe "
	"when the MTA strips or verifies every such header) or dkim+authres (either one)")
ASN_SETTING(asn_bsre_dkim_timeout, ASN_SETTING_DURATION, bsre_dkim_timeout, "5s", 1, 60,
	"longest wait for a BSrE mail's DKIM keys; then the mail is recorded unverified")
ASN_SETTING(asn_bsre_dkim_resolver, ASN_SETTING_STRING, bsre_dkim_resolver, "", 0, 0,
	"DNS server asked for DKIM keys: ADDRESS, ADDRESS:PORT or [IPv6]:PORT; "
	"empty: the nameservers of /etc/resolv.conf")
ASN_SETTING(asn_bsre_dkim_keys, ASN_SETTING_STRING, bsre_dkim_keys, "", 0, 0,
	"file of DKIM keys used instead of DNS, one 'selector._domainkey.domain TXT-record' "
	"a line; empty: DNS")
ASN_SETTING(asn_bsre_activation_ttl, ASN_SETTING_DURATION, bsre_activation_ttl, "1d", 60,
	366ULL * 86400, "validity of BSrE's activation link")
ASN_SETTING(asn_bsre_passphrase_ttl, ASN_SETTING_DURATION, bsre_passphrase_ttl, "1d", 60,
	366ULL * 86400, "validity of BSrE's set-passphrase link")
ASN_SETTING(asn_bsre_expiry_warning, ASN_SETTING_DURATION, bsre_expiry_warning, "30d", 0,
	366ULL * 86400, "warn this long before a certificate expires")
ASN_SETTING(asn_notify_passphrase_after, ASN_SETTING_DURATION, notify_passphrase_after, "3d",
	3600, 366ULL * 86400, "asnctl notify: tell an ASN this long after Set Passphrase without a certificate")
ASN_SETTING(asn_notify_default_password_after, ASN_SETTING_DURATION,
	notify_default_password_after, "3d", 3600, 366ULL * 86400,
	"asnctl notify: tell an ASN still on the default password this long after it was set")
ASN_SETTING(asn_portal_url, ASN_SETTING_STRING, portal_url, "", 0, 0,
	"verifiers' portal address in their daily digest; empty: no link")
ASN_SETTING(asn_bsre_db, ASN_SETTING_STRING, bsre_db, "", 0, 0,
	"BSrE events database, written by deliveries (empty: bsre/bsre.db beside asn_db)")
ASN_SETTING(asn_bsre_subjects, ASN_SETTING_STRING, bsre_subjects, ASN_BSRE_DEFAULT_SUBJECTS, 0, 0,
	"subject patterns after the [BSrE] tag: EVENT:word|word; ... (first match wins)")
ASN_SETTING(asn_bsre_spool, ASN_SETTING_STRING, bsre_spool, "", 0, 0,
	"file where deliveries keep BSrE events the database could not take (empty: asn_bsre_db.spool; on PostgreSQL /var/lib/dovecot-asn/bsre/events.spool)")
ASN_SETTING(asn_bsre_busy_timeout, ASN_SETTING_DURATION, bsre_busy_timeout, "1s", 0, 60,
	"how long a delivery waits for a locked database before spooling the event")
ASN_SETTING(asn_case_notice_hold, ASN_SETTING_DURATION, case_notice_hold, "7d", 0,
	366ULL * 86400, "a verifier's case opened or closed this recently holds asnctl notify's notices")
ASN_SETTING(asn_bsre_body_max, ASN_SETTING_SIZE, bsre_body_max, "256k", 4096, 16ULL << 20,
	"at most this much of a BSrE mail's body is decoded")

/* Fields of the userdb (user_query) that the plugins read.  Dovecot 2.3
   passes any extra field on as a plugin setting; 2.4 silently ignores a
   field that is not a declared setting, so these are declared there too.
   Not settings an admin writes, and not in the core's table. */
ASN_USERDB_FIELD(asn_must_change, "no",
	"yes while the account still has its default password")
ASN_USERDB_FIELD(asn_name, "", "the account's display name (the notice's greeting)")
ASN_USERDB_FIELD(asn_password_set_at, "", "when the password was set (Unix time)")
ASN_USERDB_FIELD(asn_password_expires, "",
	"when the default password expires (Unix time; empty: never)")

#undef ASN_SETTING
#undef ASN_USERDB_FIELD
