/* asnctl case: the verifier's case record, on behalf of a named verifier
   (--as), so that the scope rule and the audit are those of the portal. */
#include "asnctl.h"
#include "asn-bsre-report.h"
#include "asn-case.h"
#include "asn-json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct case_sub {
	const char *name;
	int (*run)(struct asnctl *ctl, const struct case_sub *sub, int argc, char **argv);
	const char *usage;
};

static int sub_usage(const struct case_sub *sub)
{
	fprintf(stderr, "usage: asnctl %s\n(see 'asnctl case --help')\n", sub->usage);
	return EX_USAGE;
}

static int store_error(const struct asn_error *err)
{
	asnctl_error("%s", err->msg);
	return asnctl_store_exit(asn_store_error_status(err));
}

/* Opens the store and finds the verifier we act as.  Returns EX_OK with
   both, or the exit code (the error printed, nothing open). */
static int open_as(struct asnctl *ctl, const char *as, bool writable,
		   struct asn_store **store_r, struct asn_verifier *verifier_r)
{
	struct asn_error err;
	int ret, found;

	ret = asnctl_open_store(ctl, writable, store_r);
	if (ret != EX_OK)
		return ret;
	found = asn_store_verifier_find(*store_r, as, verifier_r, &err);
	if (found > 0)
		return EX_OK;
	if (found < 0) {
		ret = store_error(&err);
	} else {
		asnctl_error("--as: no verifier '%s' (see 'asnctl verifier list')", as);
		ret = EX_NOUSER;
	}
	asn_store_close(store_r);
	return ret;
}

/* What asnctl says of a person the verifier has not: the words of an
   absent account, whatever the reason. */
static int no_person(const char *user)
{
	asnctl_error("no account '%s' (give an email address or an 18-digit NIP)", user);
	return EX_NOUSER;
}

static int cmd_add(struct asnctl *ctl, const struct case_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "action", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		{ "as", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_case_input in = { NULL, NULL, NULL };
	struct asn_verifier v;
	struct asn_store *store;
	struct asn_error err;
	const char *as = NULL;
	int64_t id;
	int opt, ret, found;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'k': in.kind = optarg; break;
		case 'a': in.action = optarg; break;
		case 'n': in.note = optarg; break;
		case 's': as = optarg; break;
		default: return sub_usage(sub);
		}
	}
	if (optind + 1 != argc || in.kind == NULL || as == NULL) {
		if (optind + 1 == argc)
			asnctl_error("%s is required", in.kind == NULL ? "--kind" : "--as");
		return sub_usage(sub);
	}
	/* Bad input is refused before anything is opened or recorded. */
	if (asn_case_input_check(&in, &err) < 0) {
		asnctl_error("--%s", err.msg);
		return EX_DATAERR;
	}
	ret = open_as(ctl, as, true, &store, &v);
	if (ret != EX_OK)
		return ret;
	found = asn_case_add(store, &v, argv[optind], ASN_LOOKUP_ASNCTL, &in, asn_now(), &id,
			     &err);
	if (found < 0)
		ret = store_error(&err);
	else if (found == 0)
		ret = no_person(argv[optind]);
	else
		printf("case #%lld opened: %s\n", (long long)id, asn_case_kind_label(in.kind));
	asn_verifier_free(&v);
	asn_store_close(&store);
	return ret;
}

static int cmd_close(struct asnctl *ctl, const struct case_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_verifier v;
	struct asn_store *store;
	struct asn_error err;
	const char *as = NULL;
	long long id;
	char *end;
	bool already;
	int opt, ret, found;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': as = optarg; break;
		default: return sub_usage(sub);
		}
	}
	if (optind + 1 != argc || as == NULL) {
		if (optind + 1 == argc)
			asnctl_error("--as is required");
		return sub_usage(sub);
	}
	id = strtoll(argv[optind], &end, 10);
	if (argv[optind][0] < '1' || argv[optind][0] > '9' || *end != '\0' || id <= 0) {
		asnctl_error("ID '%s': a case number (see 'asnctl case list')", argv[optind]);
		return EX_USAGE;
	}
	ret = open_as(ctl, as, true, &store, &v);
	if (ret != EX_OK)
		return ret;
	found = asn_case_close(store, &v, (int64_t)id, asn_now(), &already, &err);
	if (found < 0) {
		ret = store_error(&err);
	} else if (found == 0) {
		asnctl_error("no case #%lld", id);
		ret = EX_NOUSER;
	} else {
		printf("case #%lld %s\n", id, already ? "was closed already" : "closed");
	}
	asn_verifier_free(&v);
	asn_store_close(&store);
	return ret;
}

static void list_text(const struct asn_account *account, const struct asn_cases *cases)
{
	char at[64], closed[64];

	printf("%s (%s)\n", account->email, account->name);
	if (cases->count == 0) {
		printf("no case\n");
		return;
	}
	printf("%-5s %-21s %-21s %-30s %-24s %s\n", "ID", "OPENED", "CLOSED", "KIND", "ACTION",
	       "NOTE");
	for (size_t i = 0; i < cases->count; i++) {
		const struct asn_case *c = &cases->items[i];

		printf("#%-4lld %-21s %-21s %-30s %-24s %s\n", (long long)c->id,
		       asnctl_format_time(c->at, at, sizeof(at)),
		       c->resolved_at == 0 ? "-" :
		       asnctl_format_time(c->resolved_at, closed, sizeof(closed)),
		       asn_case_kind_label(c->kind),
		       c->action[0] == '\0' ? "-" : asn_case_action_label(c->action),
		       c->note[0] == '\0' ? "-" : c->note);
		printf("      by %s%s%s\n", c->by, c->resolved_at == 0 ? "" : ", closed by ",
		       c->resolved_at == 0 ? "" : c->resolved_by);
	}
}

static int cmd_list(struct asnctl *ctl, const struct case_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "as", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_verifier v;
	struct asn_account account;
	struct asn_cases cases;
	struct asn_store *store;
	struct asn_error err;
	const char *as = NULL;
	bool json = false;
	int opt, ret, found;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 's': as = optarg; break;
		default: return sub_usage(sub);
		}
	}
	if (optind + 1 != argc || as == NULL) {
		if (optind + 1 == argc)
			asnctl_error("--as is required");
		return sub_usage(sub);
	}
	/* writable: the lookup is recorded */
	ret = open_as(ctl, as, true, &store, &v);
	if (ret != EX_OK)
		return ret;
	found = asn_case_list(store, &v, argv[optind], ASN_LOOKUP_ASNCTL, &cases, &account, &err);
	if (found < 0) {
		ret = store_error(&err);
	} else if (found == 0) {
		ret = no_person(argv[optind]);
	} else if (json) {
		struct asn_str out = { NULL, 0, 0 };

		asn_str_append(&out, "{\"email\":");
		asn_json_string(&out, account.email);
		asn_str_append(&out, ",\"cases\":[");
		for (size_t i = 0; i < cases.count; i++) {
			asn_str_append(&out, i == 0 ? "\n  " : ",\n  ");
			asn_bsre_case_json(&cases.items[i], &out);
		}
		asn_str_append(&out, cases.count == 0 ? "]}\n" : "\n]}\n");
		fputs(asn_str_c(&out), stdout);
		asn_str_free(&out);
	} else {
		list_text(&account, &cases);
	}
	if (found > 0) {
		asn_cases_free(&cases);
		asn_account_free(&account);
	}
	asn_verifier_free(&v);
	asn_store_close(&store);
	return ret;
}

static const struct case_sub subs[] = {
	{ "add", cmd_add, "case add USER --kind KIND [--action ACTION] [--note TEXT] "
	  "--as VERIFIER" },
	{ "close", cmd_close, "case close ID --as VERIFIER" },
	{ "list", cmd_list, "case list USER [--json] --as VERIFIER" },
};

static int cmd_case(struct asnctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return asnctl_usage(&asnctl_cmd_case);
	for (size_t i = 0; i < ASN_N_ELEMENTS(subs); i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 0;
			return subs[i].run(ctl, &subs[i], argc - 1, argv + 1);
		}
	}
	asnctl_error("unknown case command '%s'", argv[1]);
	return asnctl_usage(&asnctl_cmd_case);
}

const struct asnctl_command asnctl_cmd_case = {
	"case", cmd_case,
	"case (add|close|list) ... --as VERIFIER",
	"A verifier's record of what the mail cannot show (BSrE's portal said\n"
	"\"NIK tidak ditemukan\", the link was resent, ...), on behalf of the\n"
	"verifier --as names: their scope applies (a person of another OPD is\n"
	"\"no account\") and the audit names them.\n"
	"\n"
	"  case add USER --kind KIND [--action ACTION] [--note TEXT] --as VERIFIER\n"
	"      KIND: nik_not_found, nik_registered, nip_not_found, activation_failed,\n"
	"      link_not_received, link_expired, passphrase_not_set, other.\n"
	"      ACTION: link_resent, data_sent_to_bsre, asn_called, other.\n"
	"      other needs --note.  A note is one line of plain text, at most 500\n"
	"      bytes, and never a link or a password.\n"
	"  case close ID --as VERIFIER\n"
	"  case list USER [--json] --as VERIFIER\n"
	"\n"
	"A case opened or closed within asn_case_notice_hold (7d) holds the\n"
	"notices of asnctl notify to that person.  Every change goes to the\n"
	"audit; every look at a person to person_lookups.\n"
};
