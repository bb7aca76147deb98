/* asnctl init: create or upgrade the database. */
#include "asnctl.h"

#include <getopt.h>
#include <string.h>

static int cmd_init(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	enum asn_store_status status;
	struct asn_error err;
	const char *group = NULL;
	int opt, from;

	while ((opt = getopt_long(argc, argv, "g:", options, NULL)) != -1) {
		switch (opt) {
		case 'g': group = optarg; break;
		default: return asnctl_usage(&asnctl_cmd_init);
		}
	}
	if (optind != argc)
		return asnctl_usage(&asnctl_cmd_init);
	if (asn_store_init(&ctl->set, group, &from, &err, &status) < 0) {
		asnctl_error("%s", err.msg);
		return status == ASN_STORE_OK ? EX_UNAVAILABLE : asnctl_store_exit(status);
	}
	if (from == 0)
		printf("%s: created (schema version %d)\n", ctl->set.db, ASN_SCHEMA_VERSION);
	else if (from < ASN_SCHEMA_VERSION)
		printf("%s: upgraded from schema version %d to %d\n", ctl->set.db, from,
		       ASN_SCHEMA_VERSION);
	else
		printf("%s: up to date (schema version %d)\n", ctl->set.db, from);
	return EX_OK;
}

const struct asnctl_command asnctl_cmd_init = {
	"init", cmd_init,
	"init [--group GROUP]",
	"Creates the database (directory mode 0750, file mode 0640) or upgrades its\n"
	"schema.  Running it again on an up-to-date database changes nothing.\n"
	"\n"
	"  --group GROUP   group owner of the directory and the file (e.g. the group\n"
	"                  of Dovecot's mail user, so it can record BSrE progress)\n"
};
