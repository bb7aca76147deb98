/* asnctl: provisioning and administration of ASN mailboxes. */
#include "asn-config.h"
#include "asnctl.h"
#include "asn-password.h"
#include "tool-config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const struct asnctl_command *const commands[] = {
	&asnctl_cmd_init, &asnctl_cmd_import, &asnctl_cmd_add, &asnctl_cmd_show,
	&asnctl_cmd_list, &asnctl_cmd_passwd, &asnctl_cmd_reset, &asnctl_cmd_disable,
	&asnctl_cmd_enable, &asnctl_cmd_status, &asnctl_cmd_progress, &asnctl_cmd_scan,
	&asnctl_cmd_replay, &asnctl_cmd_verify,
	&asnctl_cmd_verifier,
	&asnctl_cmd_case,
	&asnctl_cmd_notify,
};

static void main_usage(FILE *out)
{
	fprintf(out,
		"usage: asnctl [-c FILE | --dovecot-config FILE] [--db DB] COMMAND [ARGS]\n"
		"\n"
		"Settings come from Dovecot's configuration (doveconf), as the plugins\n"
		"read them, unless -c names a settings file.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   read the settings from FILE only, not from Dovecot\n"
		"      --dovecot-config FILE\n"
		"                      Dovecot's configuration to ask (doveconf -c FILE)\n"
		"      --db DB         database (a path or a PostgreSQL connection), overrides asn_db\n"
		"  -h, --help          this help; 'asnctl COMMAND --help' for a command\n"
		"  -V, --version       print the version\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < ASN_N_ELEMENTS(commands); i++)
		fprintf(out, "  %s\n", commands[i]->usage);
}

static char *actor_name(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *sudo_user = getenv("SUDO_USER");
	const char *name = pw != NULL ? pw->pw_name : "?";

	if (sudo_user != NULL && *sudo_user != '\0' && strcmp(sudo_user, name) != 0)
		return asn_xasprintf("%s (sudo by %s)", name, sudo_user);
	return asn_xstrdup(name);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dovecot-config", required_argument, NULL, 'D' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct asnctl ctl;
	struct asn_error err;
	const char *db_override = NULL;
	int opt, ret;

	memset(&ctl, 0, sizeof(ctl));
	asn_settings_init(&ctl.set);
	while ((opt = getopt_long(argc, argv, "+c:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctl.config.file = optarg;
			break;
		case 'D':
			ctl.config.dovecot_config = optarg;
			break;
		case 'd':
			db_override = optarg;
			break;
		case 'h':
			main_usage(stdout);
			asn_settings_free(&ctl.set);
			return EX_OK;
		case 'V':
			printf("asnctl (dovecot-asn) " PACKAGE_VERSION "\n");
			asn_settings_free(&ctl.set);
			return EX_OK;
		default:
			main_usage(stderr);
			asn_settings_free(&ctl.set);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		main_usage(stderr);
		asn_settings_free(&ctl.set);
		return EX_USAGE;
	}

	/* Help needs no settings (nor a readable Dovecot configuration). */
	if (strcmp(argv[optind], "help") == 0) {
		main_usage(stdout);
		asn_settings_free(&ctl.set);
		return EX_OK;
	}
	for (size_t i = 0; i < ASN_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[optind], commands[i]->name) == 0 &&
		    asnctl_wants_help(argc - optind, argv + optind)) {
			printf("usage: asnctl %s\n\n%s", commands[i]->usage, commands[i]->help);
			asn_settings_free(&ctl.set);
			return EX_OK;
		}
	}
	if (ctl.config.file != NULL && ctl.config.dovecot_config != NULL) {
		asnctl_error("-c and --dovecot-config exclude each other: -c reads only its file");
		asn_settings_free(&ctl.set);
		return EX_USAGE;
	}
	ret = asn_tool_read_config(&ctl.set, &ctl.config, &err);
	if (ret != EX_OK) {
		asnctl_error("%s", err.msg);
		asn_settings_free(&ctl.set);
		return ret;
	}
	if (ctl.config.warning[0] != '\0')
		asnctl_warning("%s", ctl.config.warning);
	if (db_override != NULL) {
		/* A relative --db is relative to where the admin stands (a
		   PostgreSQL connection is taken as it is). */
		char cwd[4096];

		if (db_override[0] != '/' && !asn_settings_db_is_pgsql(db_override) &&
		    getcwd(cwd, sizeof(cwd)) != NULL) {
			char *abs = asn_xasprintf("%s/%s", cwd, db_override);

			asn_settings_set(&ctl.set, "asn_db", abs, &err);
			free(abs);
		} else {
			asn_settings_set(&ctl.set, "asn_db", db_override, &err);
		}
	}
	if (asn_settings_check(&ctl.set, &err) < 0 ||
	    asn_password_default_scheme_check(&ctl.set, &err) < 0) {
		asnctl_error("%s: %s", ctl.config.source, err.msg);
		asn_settings_free(&ctl.set);
		return EX_CONFIG;
	}
	if (asn_password_lib_init(&err) < 0) {
		asnctl_error("%s", err.msg);
		asn_settings_free(&ctl.set);
		return EX_SOFTWARE;
	}
	ctl.actor = actor_name();

	ret = -1;
	for (size_t i = 0; i < ASN_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[optind], commands[i]->name) == 0) {
			int cmd_argc = argc - optind;
			char **cmd_argv = argv + optind;

			optind = 0; /* re-initialise getopt for the command */
			ret = commands[i]->run(&ctl, cmd_argc, cmd_argv);
			break;
		}
	}
	if (ret < 0) {
		asnctl_error("unknown command '%s'", argv[optind]);
		main_usage(stderr);
		ret = EX_USAGE;
	}
	free(ctl.actor);
	asn_settings_free(&ctl.set);
	return ret;
}
