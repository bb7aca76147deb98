/* asnctl verifier: verifiers, the OPDs they serve, and lookups as one. */
#include "asnctl.h"
#include "asn-email.h"
#include "asn-json.h"
#include "asn-phone.h"
#include "asn-verifier.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct verifier_sub {
	const char *name;
	int (*run)(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv);
	const char *usage;
};

static int sub_usage(const struct verifier_sub *sub)
{
	fprintf(stderr, "usage: asnctl %s\n(see 'asnctl verifier --help')\n", sub->usage);
	return EX_USAGE;
}

static int store_error(const struct asn_error *err)
{
	asnctl_error("%s", err->msg);
	return asnctl_store_exit(asn_store_error_status(err));
}

/* An OPD to serve: it must have accounts (a typo would otherwise give a
   verifier an empty scope without a word), unless allowed empty. */
static int check_opd(struct asn_store *store, const char *opd, bool allow_empty)
{
	struct asn_error err;
	char *similar = NULL;
	int ret;

	if (asn_str_is_empty(opd)) {
		asnctl_error("--opd: an OPD must not be empty");
		return EX_USAGE;
	}
	ret = asn_store_opd_exists(store, opd, &similar, &err);
	if (ret < 0)
		return store_error(&err);
	if (ret == 0 && !allow_empty) {
		if (similar != NULL)
			asnctl_error("--opd '%s': no account has this OPD; did you mean '%s'? "
				     "(--allow-empty-opd to add it anyway)", opd, similar);
		else
			asnctl_error("--opd '%s': no account has this OPD (a typo? see 'asnctl "
				     "list'; --allow-empty-opd to add it anyway)", opd);
		free(similar);
		return EX_DATAERR;
	}
	free(similar);
	return EX_OK;
}

/* Audits a change to a verifier: against their account when they have
   one, else by address only. */
static int audit(struct asnctl *ctl, struct asn_store *store, const char *action,
		 const char *email, const char *detail, struct asn_error *err)
{
	struct asn_account account;
	int found = asn_store_account_find(store, email, &account, err);

	if (found < 0)
		return -1;
	if (found == 0) {
		memset(&account, 0, sizeof(account));
		account.email = (char *)email;
		return asn_store_audit(store, ctl->actor, action, &account, detail, err);
	}
	found = asn_store_audit(store, ctl->actor, action, &account, detail, err);
	asn_account_free(&account);
	return found;
}

static void scope_text(struct asn_str *out, const struct asn_verifier *v)
{
	if (v->all_opd) {
		asn_str_append(out, "(all OPDs)");
		return;
	}
	for (size_t i = 0; i < v->opds.count; i++) {
		if (i > 0)
			asn_str_append(out, "; ");
		asn_str_append(out, v->opds.items[i]);
	}
}

static int cmd_add(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "opd", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "phone", required_argument, NULL, 'p' },
		{ "allow-empty-opd", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_verifier v;
	struct asn_account account;
	struct asn_store *store;
	struct asn_error err;
	struct asn_strv opds = { 0 };
	struct asn_str detail = { 0 };
	char email[ASN_EMAIL_MAX + 1], phone[ASN_PHONE_MAX];
	const char *name = NULL, *phone_arg = "";
	bool all = false, allow_empty = false;
	int opt, ret, found;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (!asn_strv_contains(&opds, optarg))
				asn_strv_add(&opds, optarg);
			break;
		case 'a': all = true; break;
		case 'n': name = optarg; break;
		case 'p': phone_arg = optarg; break;
		case 'e': allow_empty = true; break;
		default:
			asn_strv_free(&opds);
			return sub_usage(sub);
		}
	}
	if (optind + 1 != argc || all == (opds.count > 0)) {
		if (optind + 1 == argc)
			asnctl_error("give --opd (one or more) or --all, not both");
		asn_strv_free(&opds);
		return sub_usage(sub);
	}
	if (asn_email_normalize(argv[optind], email, &err) < 0) {
		asnctl_error("%s", err.msg);
		asn_strv_free(&opds);
		return EX_DATAERR;
	}
	if (asn_phone_normalize(phone_arg, phone, &err) < 0) {
		asnctl_error("--phone: %s", err.msg);
		asn_strv_free(&opds);
		return EX_DATAERR;
	}
	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK) {
		asn_strv_free(&opds);
		return ret;
	}
	for (size_t i = 0; i < opds.count && ret == EX_OK; i++)
		ret = check_opd(store, opds.items[i], allow_empty);
	found = ret != EX_OK ? 0 : asn_store_account_find(store, email, &account, &err);
	if (found < 0)
		ret = store_error(&err);
	else if (ret == EX_OK && found == 0 && !all) {
		/* An OPD's verifier logs in with their own mailbox: it must be
		   one of ours.  Admins (--all) may be any of the site's. */
		asnctl_error("no account '%s': a verifier of an OPD must be an account here "
			     "(only --all admins may be another address)", email);
		ret = EX_NOUSER;
	}
	if (ret != EX_OK) {
		if (found > 0)
			asn_account_free(&account);
		asn_strv_free(&opds);
		asn_store_close(&store);
		return ret;
	}

	memset(&v, 0, sizeof(v));
	v.email = email;
	/* The name the notices give: the account's unless told otherwise. */
	v.name = (char *)(name != NULL ? name : found > 0 ? account.name : "");
	v.phone = phone;
	v.all_opd = all;
	v.created_at = asn_now();
	v.opds = opds;
	if (all)
		asn_str_append(&detail, "all OPDs");
	else
		scope_text(&detail, &v);
	if (asn_store_begin(store, &err) < 0 ||
	    asn_store_verifier_add(store, &v, &err) < 0 ||
	    audit(ctl, store, "verifier-add", email, asn_str_c(&detail), &err) < 0 ||
	    asn_store_commit(store, &err) < 0) {
		asn_store_rollback(store);
		if (asn_store_error_status(&err) == ASN_STORE_ERR_CONFLICT) {
			asnctl_error("%s (see 'asnctl verifier opd' to change their OPDs)", err.msg);
			ret = EX_DATAERR;
		} else {
			ret = store_error(&err);
		}
	} else {
		printf("%s: verifier of %s\n", email, asn_str_c(&detail));
	}
	if (found > 0)
		asn_account_free(&account);
	asn_str_free(&detail);
	asn_strv_free(&opds);
	asn_store_close(&store);
	return ret;
}

static int cmd_remove(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv)
{
	struct asn_store *store;
	struct asn_error err;
	int ret, removed;

	if (getopt_long(argc, argv, "", (const struct option[]){ { NULL, 0, NULL, 0 } },
			NULL) != -1 || optind + 1 != argc)
		return sub_usage(sub);
	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK)
		return ret;
	if (asn_store_begin(store, &err) < 0 ||
	    (removed = asn_store_verifier_remove(store, argv[optind], &err)) < 0 ||
	    (removed > 0 && audit(ctl, store, "verifier-remove", argv[optind], "", &err) < 0) ||
	    asn_store_commit(store, &err) < 0) {
		asn_store_rollback(store);
		ret = store_error(&err);
	} else if (removed == 0) {
		asnctl_error("no verifier '%s'", argv[optind]);
		ret = EX_NOUSER;
	} else {
		printf("%s: no longer a verifier\n", argv[optind]);
	}
	asn_store_close(&store);
	return ret;
}

struct list_context {
	bool json;
	size_t count;
	struct asn_str out;
};

static int list_one(const struct asn_verifier *v, void *context)
{
	struct list_context *ctx = context;
	char t[32];

	if (ctx->json) {
		asn_str_append(&ctx->out, ctx->count == 0 ? "\n  {\"email\":" : ",\n  {\"email\":");
		asn_json_string(&ctx->out, v->email);
		asn_str_append(&ctx->out, ",\"name\":");
		asn_json_string(&ctx->out, v->name);
		asn_str_append(&ctx->out, ",\"phone\":");
		asn_json_string(&ctx->out, v->phone);
		asn_str_printfa(&ctx->out, ",\"all_opd\":%s,\"opds\":[",
				v->all_opd ? "true" : "false");
		for (size_t i = 0; i < v->opds.count; i++) {
			if (i > 0)
				asn_str_append_c(&ctx->out, ',');
			asn_json_string(&ctx->out, v->opds.items[i]);
		}
		asn_str_printfa(&ctx->out, "],\"created_at\":\"%s\"}",
				asn_time_iso(v->created_at, t, sizeof(t)));
	} else {
		asn_str_printfa(&ctx->out, "%-40s %-16s %-24.24s ", v->email,
				v->phone[0] == '\0' ? "-" : v->phone,
				v->name[0] == '\0' ? "-" : v->name);
		scope_text(&ctx->out, v);
		asn_str_append_c(&ctx->out, '\n');
	}
	ctx->count++;
	return 0;
}

static int cmd_list(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_context ctx;
	struct asn_store *store;
	struct asn_error err;
	int opt, ret;

	memset(&ctx, 0, sizeof(ctx));
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j': ctx.json = true; break;
		default: return sub_usage(sub);
		}
	}
	if (optind != argc)
		return sub_usage(sub);
	ret = asnctl_open_store(ctl, false, &store);
	if (ret != EX_OK)
		return ret;
	if (ctx.json)
		asn_str_append(&ctx.out, "[");
	else
		asn_str_printfa(&ctx.out, "%-40s %-16s %-24s %s\n", "EMAIL", "PHONE", "NAME", "OPDS");
	if (asn_store_verifier_iterate(store, list_one, &ctx, &err) < 0) {
		ret = store_error(&err);
	} else {
		if (ctx.json)
			asn_str_append(&ctx.out, ctx.count == 0 ? "]\n" : "\n]\n");
		fputs(asn_str_c(&ctx.out), stdout);
	}
	asn_str_free(&ctx.out);
	asn_store_close(&store);
	return ret;
}

/* verifier opd EMAIL --add OPD --remove OPD ...: in the order given. */
static int cmd_opd(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv)
{
	static const struct option options[] = {
		{ "add", required_argument, NULL, 'a' },
		{ "remove", required_argument, NULL, 'r' },
		{ "allow-empty-opd", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_strv changes = { 0 };	/* "+OPD" or "-OPD" */
	struct asn_verifier v;
	struct asn_store *store;
	struct asn_error err;
	bool allow_empty = false;
	int opt, ret, found;
	size_t left;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'a':
		case 'r': {
			char *change = asn_xasprintf("%c%s", opt == 'a' ? '+' : '-', optarg);

			asn_strv_add_take(&changes, change);
			break;
		}
		case 'e': allow_empty = true; break;
		default:
			asn_strv_free(&changes);
			return sub_usage(sub);
		}
	}
	if (optind + 1 != argc || changes.count == 0) {
		asn_strv_free(&changes);
		return sub_usage(sub);
	}
	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK) {
		asn_strv_free(&changes);
		return ret;
	}
	found = asn_store_verifier_find(store, argv[optind], &v, &err);
	if (found < 0) {
		ret = store_error(&err);
	} else if (found == 0) {
		asnctl_error("no verifier '%s'", argv[optind]);
		ret = EX_NOUSER;
	} else if (v.all_opd) {
		asnctl_error("%s serves all OPDs (--all): remove and add them again to "
			     "give them OPDs", v.email);
		ret = EX_DATAERR;
	}
	for (size_t i = 0; i < changes.count && ret == EX_OK; i++) {
		if (changes.items[i][0] == '+')
			ret = check_opd(store, changes.items[i] + 1, allow_empty);
	}
	if (ret != EX_OK)
		goto out;

	if (asn_store_begin(store, &err) < 0) {
		ret = store_error(&err);
		goto out;
	}
	left = v.opds.count;
	for (size_t i = 0; i < changes.count; i++) {
		const char *opd = changes.items[i] + 1;
		bool add = changes.items[i][0] == '+';
		int changed = add ? asn_store_verifier_opd_add(store, v.id, opd, &err) :
			asn_store_verifier_opd_remove(store, v.id, opd, &err);

		if (changed < 0 ||
		    (changed > 0 && audit(ctl, store, add ? "verifier-opd-add" :
					  "verifier-opd-remove", v.email, opd, &err) < 0)) {
			ret = store_error(&err);
			break;
		}
		if (changed > 0)
			left = add ? left + 1 : left - 1;
		printf("%s: %s %s%s\n", v.email, add ? "serves" : "no longer serves", opd,
		       changed > 0 ? "" : add ? " (already)" : " (was not one of theirs)");
	}
	if (ret == EX_OK && left == 0) {
		/* A verifier of nothing is a mistake: removing is explicit. */
		asnctl_error("%s would serve no OPD; nothing changed (use 'asnctl verifier "
			     "remove' to remove them)", v.email);
		ret = EX_DATAERR;
	}
	if (ret != EX_OK)
		asn_store_rollback(store);
	else if (asn_store_commit(store, &err) < 0)
		ret = store_error(&err);
out:
	if (found > 0)
		asn_verifier_free(&v);
	asn_strv_free(&changes);
	asn_store_close(&store);
	return ret;
}

/* verifier lookup VERIFIER USER: what that verifier would see of USER,
   recorded as their lookup (via "asnctl"). */
static int cmd_lookup(struct asnctl *ctl, const struct verifier_sub *sub, int argc, char **argv)
{
	struct asn_verifier v;
	struct asn_account account;
	struct asn_store *store;
	struct asn_error err;
	int ret, found;

	if (getopt_long(argc, argv, "", (const struct option[]){ { NULL, 0, NULL, 0 } },
			NULL) != -1 || optind + 2 != argc)
		return sub_usage(sub);
	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK)
		return ret;
	found = asn_store_verifier_find(store, argv[optind], &v, &err);
	if (found <= 0) {
		if (found < 0)
			ret = store_error(&err);
		else {
			asnctl_error("no verifier '%s'", argv[optind]);
			ret = EX_NOUSER;
		}
		asn_store_close(&store);
		return ret;
	}
	found = asn_verifier_find_user(store, &v, argv[optind + 1], ASN_LOOKUP_ASNCTL,
				       &account, &err);
	if (found < 0) {
		ret = store_error(&err);
	} else if (found == 0) {
		/* The words of asnctl show for an absent account. */
		asnctl_error("no account '%s' (give an email address or an 18-digit NIP)",
			     argv[optind + 1]);
		ret = EX_NOUSER;
	} else {
		printf("email: %s\nnip:   %s\nname:  %s\nphone: %s\nopd:   %s\n", account.email,
		       account.nip, account.name, account.phone, account.opd);
		asn_account_free(&account);
	}
	asn_verifier_free(&v);
	asn_store_close(&store);
	return ret;
}

static const struct verifier_sub subs[] = {
	{ "add", cmd_add, "verifier add EMAIL (--opd OPD [--opd OPD ...] | --all) [--name NAME] "
	  "[--phone PHONE] [--allow-empty-opd]" },
	{ "remove", cmd_remove, "verifier remove EMAIL" },
	{ "list", cmd_list, "verifier list [--json]" },
	{ "opd", cmd_opd, "verifier opd EMAIL (--add OPD | --remove OPD)... [--allow-empty-opd]" },
	{ "lookup", cmd_lookup, "verifier lookup VERIFIER USER" },
};

static int cmd_verifier(struct asnctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return asnctl_usage(&asnctl_cmd_verifier);
	for (size_t i = 0; i < ASN_N_ELEMENTS(subs); i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 0;
			return subs[i].run(ctl, &subs[i], argc - 1, argv + 1);
		}
	}
	asnctl_error("unknown verifier command '%s'", argv[1]);
	return asnctl_usage(&asnctl_cmd_verifier);
}

const struct asnctl_command asnctl_cmd_verifier = {
	"verifier", cmd_verifier,
	"verifier (add|remove|list|opd|lookup) ...",
	"Verifiers (\"verifikator instansi\") and the OPDs they serve.  A verifier\n"
	"sees only the people of their OPDs: anyone else is \"no account\", exactly\n"
	"as an address that does not exist.\n"
	"\n"
	"  verifier add EMAIL (--opd OPD [--opd OPD ...] | --all) [--name NAME]\n"
	"               [--phone PHONE] [--allow-empty-opd]\n"
	"      EMAIL must be an account here (the verifier's own mailbox), except\n"
	"      for --all (an admin, every OPD), which may be any address.  An OPD\n"
	"      that no account has is refused as a likely typo unless\n"
	"      --allow-empty-opd.  NAME defaults to the account's; PHONE (for the\n"
	"      notices) is checked and written in +62 form.\n"
	"  verifier remove EMAIL\n"
	"  verifier list [--json]\n"
	"  verifier opd EMAIL (--add OPD | --remove OPD)... [--allow-empty-opd]\n"
	"      changes an OPD verifier's OPDs, in the order given; one left at least.\n"
	"  verifier lookup VERIFIER USER\n"
	"      shows USER (address or NIP) as VERIFIER would see them, and records\n"
	"      the lookup in person_lookups.\n"
	"\n"
	"Every change goes to the audit; every lookup to person_lookups.\n"
};
