/* asnctl passwd, asnctl reset: the admin tool's password change paths.
   Both go through asn_policy_check, like every other path. */
#include "asnctl.h"
#include "asn-change.h"
#include "asn-policy.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line without its newline. Returns 0, or -1 at EOF/error. */
static int read_line(FILE *in, char *buf, size_t size)
{
	size_t len;

	if (fgets(buf, (int)size, in) == NULL)
		return -1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (!feof(in)) {
		/* too long: drain, refuse */
		int c;

		while ((c = fgetc(in)) != EOF && c != '\n')
			;
		asn_secure_zero(buf, size);
		return -2;
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

static int prompt_secret(const char *prompt, char *buf, size_t size)
{
	struct termios old, noecho;
	FILE *tty = fopen("/dev/tty", "r+");
	int ret;

	if (tty == NULL)
		return -1;
	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &noecho);
	}
	ret = read_line(tty, buf, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return ret;
}

static int cmd_passwd(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "stdin", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	char current[ASN_PASSWORD_MAX + 2], new_pw[ASN_PASSWORD_MAX + 2];
	char again[ASN_PASSWORD_MAX + 2], msg[256];
	struct asn_store *store = NULL;
	struct asn_account account;
	struct asn_policy policy;
	struct asn_change_outcome outcome;
	struct asn_error err;
	bool from_stdin = false;
	int opt, ret;

	memset(&account, 0, sizeof(account));
	memset(current, 0, sizeof(current));
	memset(new_pw, 0, sizeof(new_pw));
	memset(again, 0, sizeof(again));
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': from_stdin = true; break;
		default: return asnctl_usage(&asnctl_cmd_passwd);
		}
	}
	if (optind + 1 != argc)
		return asnctl_usage(&asnctl_cmd_passwd);

	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK)
		return ret;
	/* An admin tool may say that an account does not exist. */
	ret = asnctl_find_account(store, argv[optind], &account);
	if (ret != EX_OK)
		goto out;

	if (from_stdin) {
		if (read_line(stdin, current, sizeof(current)) != 0 ||
		    read_line(stdin, new_pw, sizeof(new_pw)) != 0) {
			asnctl_error("--stdin: expected the current and the new password on two "
				     "lines (at most %d bytes each)", ASN_PASSWORD_MAX);
			ret = EX_DATAERR;
			goto out;
		}
	} else {
		if (prompt_secret("Current password: ", current, sizeof(current)) != 0 ||
		    prompt_secret("New password: ", new_pw, sizeof(new_pw)) != 0 ||
		    prompt_secret("Retype new password: ", again, sizeof(again)) != 0) {
			asnctl_error("cannot read the passwords from the terminal "
				     "(use --stdin in scripts)");
			ret = EX_NOINPUT;
			goto out;
		}
		if (strcmp(new_pw, again) != 0) {
			asnctl_error("the new passwords do not match; nothing changed");
			ret = EX_DATAERR;
			goto out;
		}
	}

	if (asn_policy_init(&policy, &ctl->set, &err) < 0) {
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	{
		struct asn_change_request req = {
			.user = account.email, .current = current, .new_password = new_pw,
			.actor = ctl->actor, .via = "asnctl",
		};

		switch (asn_password_change(store, &ctl->set, &policy, &req, &outcome, &err)) {
		case ASN_CHANGE_OK:
			printf("%s: password changed\n", account.email);
			ret = EX_OK;
			break;
		case ASN_CHANGE_DENIED:
			asnctl_error("%s: the current password is wrong; nothing changed", account.email);
			ret = EX_NOPERM;
			break;
		case ASN_CHANGE_DISABLED:
			asnctl_error("%s: the account is disabled", account.email);
			ret = EX_NOPERM;
			break;
		case ASN_CHANGE_EXPIRED:
			asnctl_error("%s: the default password expired; give a new one with "
				     "'asnctl reset'", account.email);
			ret = EX_NOPERM;
			break;
		case ASN_CHANGE_REFUSED:
			asnctl_error("new password refused (%s): %s", asn_policy_code_name(outcome.code),
				     asn_policy_message(outcome.code, "en", &ctl->set, msg, sizeof(msg)));
			ret = EX_DATAERR;
			break;
		case ASN_CHANGE_ERROR:
			asnctl_error("%s", err.msg);
			ret = outcome.store_status != ASN_STORE_OK ?
				asnctl_store_exit(outcome.store_status) : EX_SOFTWARE;
			break;
		}
	}
	asn_policy_deinit(&policy);
out:
	asn_secure_zero(current, sizeof(current));
	asn_secure_zero(new_pw, sizeof(new_pw));
	asn_secure_zero(again, sizeof(again));
	asn_account_free(&account);
	asn_store_close(&store);
	return ret;
}

const struct asnctl_command asnctl_cmd_passwd = {
	"passwd", cmd_passwd,
	"passwd USER [--stdin]",
	"Changes a password knowing the current one, under the password policy\n"
	"(length, character classes, dictionary, no name/NIP/address, none of the\n"
	"last asn_password_history passwords).  Clears must_change.\n"
	"\n"
	"  --stdin   read the current and the new password from two lines of\n"
	"            standard input instead of prompting on the terminal\n"
};

static int cmd_reset(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "sheet", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	char password[ASN_PASSWORD_MAX + 1], hash[ASN_PASSWORD_HASH_MAX];
	struct asn_store *store = NULL;
	struct asn_account account;
	struct asnctl_sheet sheet;
	struct asn_policy policy;
	struct asn_error err;
	const char *sheet_path = NULL;
	time_t expires;
	int opt, ret;

	memset(&account, 0, sizeof(account));
	memset(password, 0, sizeof(password));
	memset(hash, 0, sizeof(hash));
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': sheet_path = optarg; break;
		default: return asnctl_usage(&asnctl_cmd_reset);
		}
	}
	if (optind + 1 != argc || sheet_path == NULL)
		return asnctl_usage(&asnctl_cmd_reset);

	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK)
		return ret;
	ret = asnctl_find_account(store, argv[optind], &account);
	if (ret != EX_OK)
		goto out;
	ret = asnctl_sheet_create(&sheet, sheet_path, ',');
	if (ret != EX_OK)
		goto out;
	if (asn_policy_init(&policy, &ctl->set, &err) < 0) {
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	{
		struct asn_policy_context pctx = {
			.email = account.email, .name = account.name, .nip = account.nip,
		};
		ret = asn_policy_generate(&policy, &pctx, password, &err);
	}
	asn_policy_deinit(&policy);
	if (ret < 0 || asn_password_hash_default(&ctl->set, password, hash, &err) < 0) {
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	expires = asn_now() + (time_t)ctl->set.initial_password_ttl;
	asnctl_sheet_add(&sheet, account.email, password, account.nip, account.name,
			 account.opd, expires);
	if (asn_store_begin(store, &err) < 0 ||
	    asn_store_account_set_password(store, &account, hash, true, expires,
					   ctl->set.password_history, &err) < 0 ||
	    asn_store_audit(store, ctl->actor, "reset", &account,
			    "new default password", &err) < 0) {
		asn_store_rollback(store);
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = asnctl_store_exit(asn_store_error_status(&err));
		goto out;
	}
	ret = asnctl_sheet_finish(&sheet);
	if (ret != EX_OK) {
		asn_store_rollback(store);
		asnctl_sheet_abort(&sheet);
		goto out;
	}
	if (asn_store_commit(store, &err) < 0) {
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = asnctl_store_exit(asn_store_error_status(&err));
		goto out;
	}
	asnctl_sheet_release(&sheet);
	printf("%s: new default password in %s (must be changed at next login%s)\n",
	       account.email, sheet_path, account.disabled ? "; the account is still disabled" : "");
	ret = EX_OK;
out:
	asn_secure_zero(password, sizeof(password));
	asn_secure_zero(hash, sizeof(hash));
	asn_account_free(&account);
	asn_store_close(&store);
	return ret;
}

const struct asnctl_command asnctl_cmd_reset = {
	"reset", cmd_reset,
	"reset USER --sheet FILE",
	"Gives an account a new random default password (written to the credential\n"
	"sheet FILE, mode 0600, never overwritten), sets must_change again and\n"
	"restarts the asn_initial_password_ttl.  For verifiers and admins when an\n"
	"ASN lost the default password or it expired.  Audited.  FILE's directory\n"
	"must not be writable by every user unless it has the sticky bit, as /tmp\n"
	"has (exit 73).\n"
};
