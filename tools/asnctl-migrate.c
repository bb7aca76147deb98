/* asnctl migrate: a SQLite site moved into PostgreSQL (asn-store-copy.h). */
#include "asnctl.h"
#include "asn-store-copy.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void print_progress(const char *table, uint64_t done, uint64_t total, void *context)
{
	(void)context;
	fprintf(stderr, "asnctl: migrate: %s: %" PRIu64 " of %" PRIu64 " rows\n",
		table, done, total);
}

static void print_counts(const struct asn_store_copy_report *report)
{
	uint64_t source = 0, target = 0;

	printf("%-18s %12s %12s\n", "table", "sqlite", "postgresql");
	for (unsigned int i = 0; i < ASN_STORE_COPY_TABLES; i++) {
		const struct asn_store_copy_count *c = &report->tables[i];

		printf("%-18s %12" PRIu64 " %12" PRIu64 "\n", c->table, c->source, c->target);
		source += c->source;
		target += c->target;
	}
	printf("%-18s %12" PRIu64 " %12" PRIu64 "\n", "total", source, target);
}

static int cmd_migrate(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "to", required_argument, NULL, 't' },
		{ "progress-every", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_store_copy_report report;
	struct asn_error err;
	const char *to = NULL;
	uint64_t every = 50000;
	char *end, *bsre_db;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "t:p:", options, NULL)) != -1) {
		switch (opt) {
		case 't': to = optarg; break;
		case 'p':
			every = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0') {
				asnctl_error("--progress-every: '%s' is not a number of rows", optarg);
				return EX_USAGE;
			}
			break;
		default: return asnctl_usage(&asnctl_cmd_migrate);
		}
	}
	if (optind != argc || to == NULL)
		return asnctl_usage(&asnctl_cmd_migrate);
	if (asn_settings_db_is_pgsql(ctl->set.db)) {
		asnctl_error("asn_db is a PostgreSQL database already (%s): migrate moves a "
			     "SQLite site", ctl->config.source[0] != '\0' ? ctl->config.source : "asn_db");
		return EX_CONFIG;
	}
	if (asn_store_copy_check_target(to, &err) < 0) {
		asnctl_error("--to: %s", err.msg);
		return EX_USAGE;
	}
	bsre_db = asn_settings_bsre_db(&ctl->set);
	fprintf(stderr, "asnctl: migrate: %s and %s, read-only\n", ctl->set.db, bsre_db);
	free(bsre_db);

	ret = asn_store_copy_to_pgsql(&ctl->set, to, every, every != 0 ? print_progress : NULL,
				      NULL, &report, &err);
	if (report.created_schema)
		fprintf(stderr, "asnctl: migrate: %s: created the schemas asn and asn_bsre\n",
			report.target);
	free(report.target);
	if (ret > 0) {
		asnctl_error("%s", err.msg);
		return EX_CANTCREAT;
	}
	if (ret < 0) {
		asnctl_error("%s", err.msg);
		if (asn_store_error_status(&err) == ASN_STORE_ERR_CONFLICT)
			/* rows the target refuses: retrying will not help */
			return EX_DATAERR;
		return asnctl_store_exit(asn_store_error_status(&err));
	}
	print_counts(&report);
	printf("migrated: the counts match and the transaction is committed; the SQLite files "
	       "are unchanged\n");
	return EX_OK;
}

const struct asnctl_command asnctl_cmd_migrate = {
	"migrate", cmd_migrate,
	"migrate --to CONNINFO [--progress-every N]",
	"Moves this SQLite site (asn_db and its BSrE events database) into the\n"
	"PostgreSQL database CONNINFO (postgresql://ROLE@HOST:PORT/DB or key=value;\n"
	"the password in a passfile, never in CONNINFO), in one transaction: every\n"
	"table with its ids, the identity sequences past them, then the row counts of\n"
	"both sides compared and printed before the commit.  A database without the\n"
	"schema gets it first, as 'asnctl init' would.  The SQLite files are opened\n"
	"read-only and never changed; stop the services writing them first.\n"
	"\n"
	"Refused, changing nothing: a target that already holds rows (exit 73), a\n"
	"site that is on PostgreSQL already (78), a SQLite schema that is not the\n"
	"current one (69: run 'asnctl init' first).  Rows PostgreSQL refuses end the\n"
	"transaction (65): the target holds none of them.\n"
	"\n"
	"  --to CONNINFO        the PostgreSQL database\n"
	"  --progress-every N   a line on stderr every N rows of a table (default\n"
	"                       50000; 0: none)\n"
	"\n"
	"Then point asn_db at CONNINFO (and asn_bsre_db at the deliveries' role).\n"
};
