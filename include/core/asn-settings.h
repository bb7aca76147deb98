#ifndef ASN_SETTINGS_H
#define ASN_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include "asn-util.h"

/* One vocabulary for every component: the Dovecot plugins read these names
   from the plugin {} block, the tools from `key = value` files. */

#define ASN_DEFAULT_DB "/var/lib/dovecot-asn/asn.db"
/* where deliveries spool events when PostgreSQL cannot take them */
#define ASN_DEFAULT_PG_SPOOL "/var/lib/dovecot-asn/bsre/events.spool"

/* The subject patterns of BSrE mails (asn_bsre_subjects), in match order:
   "Reset Passphrase" is a reset, not a set-passphrase mail. */
#define ASN_BSRE_DEFAULT_SUBJECTS \
	"account_activation:aktivasi akun|aktifasi akun|aktivasi|aktifasi; " \
	"account_info:informasi akun; password_reset:reset|lupa; " \
	"set_passphrase:set passphrase|setting passphrase|passphrase; " \
	"certificate_issued:sertifikat elektronik terbit|sertifikat terbit; " \
	"issuance_succeeded:permohonan penerbitan berhasil; renewal:perpanjang|renewal"

enum asn_password_scheme {
	ASN_SCHEME_ARGON2ID,
	ASN_SCHEME_SHA512_CRYPT,
};

struct asn_settings {
	char *db;				/* asn_db */
	char *domain;				/* asn_domain */
	unsigned int db_busy_timeout;		/* asn_db_busy_timeout, seconds */
	unsigned int initial_password_ttl;	/* asn_initial_password_ttl, seconds */
	enum asn_password_scheme password_scheme; /* asn_password_scheme */
	char *default_password_scheme;		/* asn_default_password_scheme, "" = the same */
	unsigned int argon2_opslimit;		/* asn_argon2_opslimit */
	unsigned long long argon2_memlimit;	/* asn_argon2_memlimit, bytes */
	unsigned int sha512_crypt_rounds;	/* asn_sha512_crypt_rounds */
	unsigned int password_min_length;	/* asn_password_min_length */
	unsigned int password_min_classes;	/* asn_password_min_classes */
	unsigned int password_history;		/* asn_password_history */
	bool password_dictcheck;		/* asn_password_dictcheck */
	char *password_blocklist;		/* asn_password_blocklist, a file */
	unsigned int default_password_length;	/* asn_default_password_length */
	unsigned int hash_threads;		/* asn_hash_threads, 0 = all cores */

	/* The Dovecot plugins (forced change). */
	char *restrict_mode;			/* asn_restrict: inbox | none */
	char *alert;				/* asn_alert: IMAP [ALERT] text */
	char *hint;				/* asn_hint: refusal text */
	bool notice;				/* asn_notice */
	char *notice_from;			/* asn_notice_from */
	char *webmail_url;			/* asn_webmail_url */

	/* asn-passwdd */
	char *passwdd_listen;			/* asn_passwdd_listen, ADDR:PORT */
	unsigned int passwdd_max_user_failures;	/* asn_passwdd_max_user_failures */
	unsigned int passwdd_max_client_failures; /* asn_passwdd_max_client_failures */
	unsigned int passwdd_failure_window;	/* asn_passwdd_failure_window, seconds */
	char *passwdd_trusted_proxies;		/* asn_passwdd_trusted_proxies, addresses */
	unsigned int passwdd_request_timeout;	/* asn_passwdd_request_timeout, seconds */
	/* asn-portal */
	char *portal_listen;
	char *portal_trusted_proxies;
	unsigned int portal_session_idle;	/* seconds */
	unsigned int portal_session_max;	/* seconds */
	unsigned int portal_max_user_failures;
	unsigned int portal_max_client_failures;
	unsigned int portal_failure_window;	/* seconds */
	unsigned int portal_request_timeout;	/* seconds */

	/* BSrE tracking */
	char *bsre_senders;			/* asn_bsre_senders: domains, space separated */
	char *bsre_authserv_id;			/* asn_bsre_authserv_id */
	char *bsre_trust;			/* asn_bsre_trust: dkim | authres | dkim+authres */
	unsigned int bsre_dkim_timeout;		/* asn_bsre_dkim_timeout, seconds */
	char *bsre_dkim_resolver;		/* asn_bsre_dkim_resolver: "" = system */
	char *bsre_dkim_keys;			/* asn_bsre_dkim_keys: a file, "" = DNS */
	unsigned int bsre_activation_ttl;	/* asn_bsre_activation_ttl, seconds */
	unsigned int bsre_passphrase_ttl;	/* asn_bsre_passphrase_ttl */
	unsigned int bsre_expiry_warning;	/* asn_bsre_expiry_warning */
	char *bsre_db;				/* asn_bsre_db, "" = beside asn_db */
	char *bsre_spool;			/* asn_bsre_spool, "" = beside the events */
	char *bsre_subjects;			/* asn_bsre_subjects: EVENT:word|word; ... */
	unsigned int bsre_busy_timeout;		/* asn_bsre_busy_timeout, seconds */
	unsigned long long bsre_body_max;	/* asn_bsre_body_max, bytes */
	unsigned int case_notice_hold;		/* asn_case_notice_hold, seconds */

	/* asnctl notify */
	unsigned int notify_passphrase_after;	/* asn_notify_passphrase_after, seconds */
	unsigned int notify_default_password_after; /* asn_notify_default_password_after */
	char *portal_url;			/* asn_portal_url, "" = no link */
};

enum asn_setting_type {
	ASN_SETTING_STRING,
	ASN_SETTING_UINT,
	ASN_SETTING_DURATION,
	ASN_SETTING_SIZE,
	ASN_SETTING_BOOL,
	ASN_SETTING_SCHEME,
};

struct asn_setting_def {
	const char *key;
	enum asn_setting_type type;
	size_t offset;
	const char *default_value;
	/* Inclusive bounds for numbers (after unit conversion). */
	unsigned long long min, max;
	const char *description;
};

extern const struct asn_setting_def asn_setting_defs[];
/* The definition of key, or NULL when it is not one of ours. */
const struct asn_setting_def *asn_setting_def_find(const char *key);

void asn_settings_init(struct asn_settings *set);
void asn_settings_free(struct asn_settings *set);

/* Returns 1 when applied, 0 when the key is not one of ours, -1 when the
   value is invalid (message says why, without the key's location). */
int asn_settings_set(struct asn_settings *set, const char *key,
		     const char *value, struct asn_error *err);

/* Where asn_settings_load finds a value: NULL when the key is not set. */
typedef const char *asn_settings_lookup_func(const char *key, void *context);
/* Told of an invalid value (problem says which and why): returns 0 to keep
   the default and read on, -1 to stop. */
typedef int asn_settings_invalid_func(const struct asn_error *problem, void *context);

/* Initialises set and applies each of our keys that lookup finds: the one
   loop of the readers that are not files (the mail plugins' and doveadm's
   plugin {} block).  invalid NULL stops at the first invalid value.
   Returns 0, or -1 with err when stopped (set is freed then). */
int asn_settings_load(struct asn_settings *set, asn_settings_lookup_func *lookup,
		      asn_settings_invalid_func *invalid, void *context,
		      struct asn_error *err);

/* Reads `key = value` lines ('#' comments, blank lines, optional double
   quotes around the value).  Errors name FILE:LINE.  Returns 0 or -1;
   a missing file is -1 with errno left as ENOENT. */
int asn_settings_read_file(struct asn_settings *set, const char *path,
			   struct asn_error *err);
/* The same over a buffer; `name` is used in messages in place of FILE. */
int asn_settings_parse(struct asn_settings *set, const char *name,
		       const char *data, size_t size, struct asn_error *err);

/* Checks combinations (e.g. the generated password length against the
   policy minimum). */
int asn_settings_check(const struct asn_settings *set, struct asn_error *err);

int asn_parse_duration(const char *str, unsigned long long *secs_r);
int asn_parse_size(const char *str, unsigned long long *bytes_r);
int asn_parse_bool(const char *str, bool *value_r);
/* The value of def in set as an admin would write it (durations in
   seconds, sizes in bytes).  Caller frees. */
char *asn_settings_value(const struct asn_settings *set, const struct asn_setting_def *def);
/* asn_db names a PostgreSQL database (a postgresql:// URI or libpq's
   key=value form) rather than an SQLite file. */
bool asn_settings_db_is_pgsql(const char *db);
/* asn_bsre_db, or "DIR/bsre/bsre.db" for asn_db "DIR/FILE"; on
   PostgreSQL asn_db itself (the events are a schema of that database;
   asn_bsre_db is then the connection deliveries use).  Caller frees. */
char *asn_settings_bsre_db(const struct asn_settings *set);
/* asn_bsre_spool, or where it is by default.  Caller frees. */
char *asn_settings_bsre_spool(const struct asn_settings *set);

#endif
