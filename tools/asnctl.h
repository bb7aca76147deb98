#ifndef ASNCTL_H
#define ASNCTL_H

#include <stdbool.h>
#include <sysexits.h>
#include "asn-settings.h"
#include "asn-store.h"
#include "asn-roster.h"
#include "tool-config.h"

struct asnctl {
	struct asn_settings set;
	struct asn_tool_config config;	/* where the settings came from */
	char *actor;		/* who runs us, for the audit */
};

struct asnctl_command {
	const char *name;
	int (*run)(struct asnctl *ctl, int argc, char **argv);
	const char *usage;	/* first line: synopsis */
	const char *help;
};

extern const struct asnctl_command asnctl_cmd_init, asnctl_cmd_import, asnctl_cmd_add,
	asnctl_cmd_show, asnctl_cmd_list, asnctl_cmd_passwd, asnctl_cmd_reset,
	asnctl_cmd_disable, asnctl_cmd_enable, asnctl_cmd_status, asnctl_cmd_progress,
	asnctl_cmd_scan, asnctl_cmd_replay, asnctl_cmd_verify;
extern const struct asnctl_command asnctl_cmd_verifier;
extern const struct asnctl_command asnctl_cmd_case;
extern const struct asnctl_command asnctl_cmd_notify;
extern const struct asnctl_command asnctl_cmd_migrate;

/* notify's delivery (asnctl-deliver.c): the doveadm to run ($ASN_DOVEADM,
   else configure's), and a whole message into USER's INBOX through
   `doveadm [-c DOVECOT_CONFIG] save -u USER -m INBOX`.  Returns 0, or -1
   with why (doveadm's own error went to stderr). */
const char *asnctl_doveadm_path(void);
int asnctl_deliver_inbox(const struct asnctl *ctl, const char *user, const char *message,
			 char *why, size_t why_size);

/* scan, and verify with PATH arguments: the walk over mail (asnctl-scan.c). */
int asnctl_scan_command(struct asnctl *ctl, int argc, char **argv, bool verify);
/* verify: the unverified events judged again from their DKIM facts, with
   counts on stdout; an exit code.  dkim NULL: asn_bsre_trust = authres. */
struct asn_bsre_trust;
struct asn_bsre_dkim;
int asnctl_verify_unverified(struct asnctl *ctl, struct asn_store *store,
			     const struct asn_bsre_trust *trust, struct asn_bsre_dkim *dkim,
			     bool dry_run, bool verbose);
/* How the recorded events stand, and what is left to do. */
void asnctl_verify_summary(struct asn_store *store);

struct asn_bsre_progress_report;
struct asn_bsre_progress_filter;
/* progress --html: writes the page to path ("-": stdout); an exit code. */
int asnctl_progress_html(const struct asn_bsre_progress_report *report,
			 const struct asn_bsre_progress_filter *filter, const char *path);

/* Messages: "asnctl: ..." on stderr. */
void asnctl_error(const char *fmt, ...) ASN_ATTR_FORMAT(1, 2);
void asnctl_warning(const char *fmt, ...) ASN_ATTR_FORMAT(1, 2);
/* Prints the command's synopsis on stderr; returns EX_USAGE. */
int asnctl_usage(const struct asnctl_command *cmd);
/* True when the command's arguments ask for --help (or -h) before "--". */
bool asnctl_wants_help(int argc, char **argv);

/* The exit code for a store failure (asn_store_error_status). */
int asnctl_store_exit(enum asn_store_status status);
/* Opens the store; prints the error.  Returns EX_OK or the exit code. */
int asnctl_open_store(struct asnctl *ctl, bool writable, struct asn_store **store_r);

/* Looks an account up by email or NIP; prints the error and returns the
   exit code (EX_NOUSER when absent), or 0 when found. */
int asnctl_find_account(struct asn_store *store, const char *user,
			struct asn_account *account_r);

/* The credential sheet: the only place a default password exists in
   clear.  Created 0600, never over an existing file, and never in a
   directory every user may write to without the sticky bit (EX_CANTCREAT). */
struct asnctl_sheet {
	char *path;
	int fd;
	char delim;
	struct asn_str buf;
};
int asnctl_sheet_create(struct asnctl_sheet *sheet, const char *path, char delim);
void asnctl_sheet_add(struct asnctl_sheet *sheet, const char *email, const char *password,
		      const char *nip, const char *name, const char *opd, time_t expires_at);
/* Writes and fsyncs; returns 0 or an exit code. */
int asnctl_sheet_finish(struct asnctl_sheet *sheet);
/* Removes a sheet whose accounts were not committed (also after
   asnctl_sheet_finish). */
void asnctl_sheet_abort(struct asnctl_sheet *sheet);
/* Forgets the sheet once the accounts are committed. */
void asnctl_sheet_release(struct asnctl_sheet *sheet);

/* Provisioning shared by import and add: derives addresses, generates and
   hashes passwords, writes accounts, audit and sheet in one transaction. */
struct asnctl_provision {
	const char *source;		/* file name or "add" */
	const char *letter_ref;
	const char *opd;
	const char *domain;
	const char *sheet_path;
	char sheet_delim;
	bool skip_invalid;
	bool dry_run;
	bool refuse_existing;	/* add: an existing NIP is an error */
};
int asnctl_provision(struct asnctl *ctl, struct asn_roster *roster,
		     const struct asnctl_provision *opts);

const char *asnctl_format_time(time_t t, char *buf, size_t size);

#endif
