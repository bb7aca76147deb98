/* asnctl init: create or upgrade the database. */
#include "asnctl.h"
#include "asn-bsre-spool.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The BSrE progress kept per account (schema step 6) folded now, once,
   rather than by the first report after an upgrade or a migration: at a
   national site, seconds to a minute.  Reports fold it themselves when
   this could not. */
static void refresh_progress(struct asnctl *ctl)
{
	struct asn_store *store = NULL;
	struct asn_error err;

	if (asn_store_open(&ctl->set, true, &store, &err) < 0 ||
	    asn_store_bsre_progress_refresh(store, asn_now(), &err) < 0)
		asnctl_warning("keeping the BSrE progress: %s", err.msg);
	asn_store_close(&store);
}

static int cmd_init(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "sql", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_error err;
	const char *group = NULL;
	bool sql = false;
	int opt, from;

	while ((opt = getopt_long(argc, argv, "g:", options, NULL)) != -1) {
		switch (opt) {
		case 'g': group = optarg; break;
		case 's': sql = true; break;
		default: return asnctl_usage(&asnctl_cmd_init);
		}
	}
	if (optind != argc)
		return asnctl_usage(&asnctl_cmd_init);
	if (sql) {
		/* for a DBA: changes nothing, needs no database */
		char *text = asn_store_pg_sql();

		fputs(text, stdout);
		free(text);
		return EX_OK;
	}
	if (asn_store_init(&ctl->set, group, &from, &err) < 0) {
		asnctl_error("%s", err.msg);
		return asnctl_store_exit(asn_store_error_status(&err));
	}
	if (from == 0)
		printf("%s: created (schema version %d)\n", ctl->set.db, ASN_SCHEMA_VERSION);
	else if (from < ASN_SCHEMA_VERSION)
		printf("%s: upgraded from schema version %d to %d\n", ctl->set.db, from,
		       ASN_SCHEMA_VERSION);
	else
		printf("%s: up to date (schema version %d)\n", ctl->set.db, from);
	refresh_progress(ctl);
	{
		char *bsre_db = asn_settings_bsre_db(&ctl->set);
		char *spool = asn_settings_bsre_spool(&ctl->set);

		printf("%s: BSrE events, schema version %d\n", bsre_db, ASN_BSRE_SCHEMA_VERSION);
		/* room for the spool when the disk fills up */
		if (asn_bsre_spool_reserve_ensure(spool, &err) < 0)
			asnctl_warning("%s", err.msg);
		free(spool);
		free(bsre_db);
	}
	return EX_OK;
}

const struct asnctl_command asnctl_cmd_init = {
	"init", cmd_init,
	"init [--group GROUP] [--sql]",
	"Creates the account database (directory mode 0750, file mode 0640) and the\n"
	"BSrE events database (bsre/, directory 0770, file 0660, with a 1 MB reserve\n"
	"for its spool), or upgrades their schemas.  Running it again on up-to-date\n"
	"databases changes nothing.\n"
	"\n"
	"On PostgreSQL (asn_db a connection) it creates the schemas asn and asn_bsre\n"
	"in one transaction, and the roles asn_auth, asn_deliver, asn_portal and\n"
	"asn_passwd with their grants (creating roles needs CREATEROLE), and the\n"
	"spool's directory.\n"
	"\n"
	"  --group GROUP   group owner of the directories and files: the group of\n"
	"                  Dovecot's mail user, which reads accounts and writes events\n"
	"  --sql           print the PostgreSQL schema and roles as SQL for a DBA to\n"
	"                  run, and change nothing\n"
};
