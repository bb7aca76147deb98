/* asnctl show, list, disable, enable. */
#include "asnctl.h"
#include "asn-change.h"
#include "asn-csv.h"
#include "asn-json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *scheme_of(const char *hash, char *buf, size_t size)
{
	const char *end = strchr(hash, '}');

	if (hash[0] != '{' || end == NULL)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%.*s", (int)(end - hash - 1), hash + 1);
	return buf;
}

static void json_time(struct asn_str *out, time_t t)
{
	char buf[32];

	if (t == 0)
		asn_str_append(out, "null");
	else
		asn_str_printfa(out, "\"%s\"", asn_time_iso(t, buf, sizeof(buf)));
}

static void account_json(struct asn_str *out, const struct asn_account *a, time_t now)
{
	char scheme[32];

	asn_str_append(out, "{\"email\":");
	asn_json_string(out, a->email);
	asn_str_append(out, ",\"nip\":");
	asn_json_string(out, a->nip);
	asn_str_append(out, ",\"name\":");
	asn_json_string(out, a->name);
	asn_str_append(out, ",\"position\":");
	asn_json_string(out, a->position);
	asn_str_append(out, ",\"phone\":");
	asn_json_string(out, a->phone);
	asn_str_append(out, ",\"opd\":");
	asn_json_string(out, a->opd);
	asn_str_printfa(out, ",\"must_change\":%s,\"disabled\":%s",
			a->must_change ? "true" : "false", a->disabled ? "true" : "false");
	asn_str_printfa(out, ",\"initial_password_expired\":%s",
			asn_account_default_expired(a, now) ? "true" : "false");
	asn_str_append(out, ",\"password_scheme\":");
	asn_json_string(out, scheme_of(a->password, scheme, sizeof(scheme)));
	asn_str_append(out, ",\"password_set_at\":");
	json_time(out, a->password_set_at);
	asn_str_append(out, ",\"initial_password_expires_at\":");
	json_time(out, a->initial_password_expires_at);
	asn_str_append(out, ",\"created_at\":");
	json_time(out, a->created_at);
	if (a->import_id != 0)
		asn_str_printfa(out, ",\"import_id\":%lld", (long long)a->import_id);
	else
		asn_str_append(out, ",\"import_id\":null");
	asn_str_append_c(out, '}');
}

static void account_text(const struct asn_account *a, time_t now)
{
	char t1[64], scheme[32];
	bool expired = asn_account_default_expired(a, now);

	printf("email:                       %s\n", a->email);
	printf("nip:                         %s\n", a->nip);
	printf("name:                        %s\n", a->name);
	printf("position:                    %s\n", a->position);
	printf("phone:                       %s\n", a->phone);
	printf("opd:                         %s\n", a->opd);
	printf("must_change:                 %s\n", a->must_change ? "yes" : "no");
	printf("disabled:                    %s\n", a->disabled ? "yes" : "no");
	printf("password_scheme:             %s\n", scheme_of(a->password, scheme, sizeof(scheme)));
	printf("password_set_at:             %s\n",
	       asnctl_format_time(a->password_set_at, t1, sizeof(t1)));
	printf("initial_password_expires_at: %s%s\n",
	       asnctl_format_time(a->initial_password_expires_at, t1, sizeof(t1)),
	       expired ? " (expired: reset it)" : "");
	printf("created_at:                  %s\n",
	       asnctl_format_time(a->created_at, t1, sizeof(t1)));
	if (a->import_id != 0)
		printf("import:                      #%lld\n", (long long)a->import_id);
}

static int cmd_show(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_store *store;
	struct asn_account account;
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		default: return asnctl_usage(&asnctl_cmd_show);
		}
	}
	if (optind + 1 != argc)
		return asnctl_usage(&asnctl_cmd_show);
	ret = asnctl_open_store(ctl, false, &store);
	if (ret != EX_OK)
		return ret;
	ret = asnctl_find_account(store, argv[optind], &account);
	if (ret == EX_OK) {
		if (json) {
			struct asn_str out = { 0 };

			account_json(&out, &account, asn_now());
			printf("%s\n", asn_str_c(&out));
			asn_str_free(&out);
		} else {
			account_text(&account, asn_now());
		}
		asn_account_free(&account);
	}
	asn_store_close(&store);
	return ret;
}

const struct asnctl_command asnctl_cmd_show = {
	"show", cmd_show,
	"show USER [--json]",
	"Shows an account (USER is an email address or a NIP): every field but the\n"
	"password hash.  --json prints one JSON object with booleans as booleans and\n"
	"times in ISO 8601 (UTC).\n"
};

enum list_format { LIST_TEXT, LIST_JSON, LIST_CSV };

struct list_context {
	enum list_format format;
	struct asn_str out;
	size_t count;
	time_t now;
};

static int list_one(const struct asn_account *a, void *context)
{
	struct list_context *ctx = context;
	char t1[32], t2[32];

	switch (ctx->format) {
	case LIST_JSON:
		asn_str_append(&ctx->out, ctx->count == 0 ? "\n  " : ",\n  ");
		account_json(&ctx->out, a, ctx->now);
		break;
	case LIST_CSV: {
		const char *fields[] = {
			a->email, a->nip, a->name, a->position, a->phone, a->opd,
			a->must_change ? "1" : "0", a->disabled ? "1" : "0",
			a->initial_password_expires_at == 0 ? "" :
				asn_time_iso(a->initial_password_expires_at, t1, sizeof(t1)),
			asn_time_iso(a->created_at, t2, sizeof(t2)),
		};

		for (size_t i = 0; i < ASN_N_ELEMENTS(fields); i++) {
			if (i > 0)
				asn_str_append_c(&ctx->out, ',');
			asn_csv_write_field(&ctx->out, fields[i], ',');
		}
		asn_str_append(&ctx->out, "\r\n");
		break;
	}
	case LIST_TEXT: {
		const char *state = a->disabled ? "disabled" :
			!a->must_change ? "active" :
			asn_account_default_expired(a, ctx->now) ? "expired" : "must_change";

		asn_str_printfa(&ctx->out, "%-40s %-18s %-11s %-24.24s %s\n", a->email, a->nip,
				state, a->opd, a->name);
		break;
	}
	}
	ctx->count++;
	/* Large lists: do not hold the whole output. */
	if (ctx->out.len > 65536) {
		fputs(asn_str_c(&ctx->out), stdout);
		asn_str_truncate(&ctx->out, 0);
	}
	return 0;
}

static int cmd_list(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "opd", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_context ctx;
	struct asn_store *store;
	struct asn_error err;
	const char *opd = NULL;
	int opt, ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.now = asn_now();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o': opd = optarg; break;
		case 'j':
			if (ctx.format == LIST_CSV)
				return asnctl_usage(&asnctl_cmd_list);
			ctx.format = LIST_JSON;
			break;
		case 'c':
			if (ctx.format == LIST_JSON)
				return asnctl_usage(&asnctl_cmd_list);
			ctx.format = LIST_CSV;
			break;
		default: return asnctl_usage(&asnctl_cmd_list);
		}
	}
	if (optind != argc)
		return asnctl_usage(&asnctl_cmd_list);
	ret = asnctl_open_store(ctl, false, &store);
	if (ret != EX_OK)
		return ret;
	if (ctx.format == LIST_JSON)
		asn_str_append(&ctx.out, "[");
	else if (ctx.format == LIST_CSV)
		asn_str_append(&ctx.out, "email,nip,name,position,phone,opd,must_change,disabled,"
			       "initial_password_expires_at,created_at\r\n");
	else
		asn_str_printfa(&ctx.out, "%-40s %-18s %-11s %-24s %s\n", "EMAIL", "NIP",
				"STATE", "OPD", "NAME");
	if (asn_store_account_iterate(store, opd, list_one, &ctx, &err) < 0) {
		asnctl_error("%s", err.msg);
		ret = asnctl_store_exit(asn_store_error_status(&err));
	} else {
		if (ctx.format == LIST_JSON)
			asn_str_append(&ctx.out, ctx.count == 0 ? "]\n" : "\n]\n");
		fputs(asn_str_c(&ctx.out), stdout);
	}
	asn_str_free(&ctx.out);
	asn_store_close(&store);
	return ret;
}

const struct asnctl_command asnctl_cmd_list = {
	"list", cmd_list,
	"list [--opd O] [--json|--csv]",
	"Lists accounts, ordered by OPD then address.  STATE is active, must_change\n"
	"(still on the default password), expired (default password expired) or\n"
	"disabled.\n"
};

static int set_disabled(struct asnctl *ctl, int argc, char **argv, bool disable,
			const struct asnctl_command *cmd)
{
	static const struct option options[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_store *store;
	struct asn_account account;
	struct asn_error err;
	const char *reason = "";
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r': reason = optarg; break;
		default: return asnctl_usage(cmd);
		}
	}
	if (optind + 1 != argc)
		return asnctl_usage(cmd);
	ret = asnctl_open_store(ctl, true, &store);
	if (ret != EX_OK)
		return ret;
	ret = asnctl_find_account(store, argv[optind], &account);
	if (ret != EX_OK) {
		asn_store_close(&store);
		return ret;
	}
	if (account.disabled == disable) {
		printf("%s: already %s\n", account.email, disable ? "disabled" : "enabled");
	} else if (asn_store_begin(store, &err) < 0 ||
		   asn_store_account_set_disabled(store, account.id, disable, &err) < 0 ||
		   asn_store_audit(store, ctl->actor, disable ? "disable" : "enable", &account,
				   reason, &err) < 0 ||
		   asn_store_commit(store, &err) < 0) {
		asn_store_rollback(store);
		asnctl_error("%s", err.msg);
		ret = asnctl_store_exit(asn_store_error_status(&err));
	} else {
		printf("%s: %s\n", account.email, disable ? "disabled" : "enabled");
	}
	asn_account_free(&account);
	asn_store_close(&store);
	return ret;
}

static int cmd_disable(struct asnctl *ctl, int argc, char **argv)
{
	return set_disabled(ctl, argc, argv, true, &asnctl_cmd_disable);
}

static int cmd_enable(struct asnctl *ctl, int argc, char **argv)
{
	return set_disabled(ctl, argc, argv, false, &asnctl_cmd_enable);
}

const struct asnctl_command asnctl_cmd_disable = {
	"disable", cmd_disable,
	"disable USER [--reason TEXT]",
	"Disables an account: the shipped passdb query refuses its logins.\n"
	"The reason goes to the audit.\n"
};

const struct asnctl_command asnctl_cmd_enable = {
	"enable", cmd_enable,
	"enable USER [--reason TEXT]",
	"Enables a disabled account again.\n"
};
