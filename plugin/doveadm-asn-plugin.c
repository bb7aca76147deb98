/* doveadm asn status / progress: what asnctl status and progress say, for
   sites that drive Dovecot through doveadm and its HTTP API (asnStatus,
   asnProgress).  Settings: doveadm-asn-settings.c. */
#include "lib.h"
#include "module-dir.h"
#include "str.h"
#include "doveadm.h"
#include "doveadm-cmd.h"
#include "doveadm-print.h"
#include "doveadm-util.h"
#include "asn-bsre-report.h"
#include "doveadm-asn-settings.h"

#include <sysexits.h>

const char *doveadm_asn_plugin_version = DOVECOT_ABI_VERSION;

void doveadm_asn_plugin_init(struct module *module);
void doveadm_asn_plugin_deinit(void);

/* An admin asked: a bad setting fails the command instead of being
   replaced by its default. */
static int read_settings(struct doveadm_cmd_context *cctx, struct asn_settings *set)
{
	struct asn_error err;

	if (asn_doveadm_read_settings(cctx, set, &err) < 0) {
		i_error("asn: %s", err.msg);
		doveadm_exit_code = EX_CONFIG;
		return -1;
	}
	return 0;
}

static struct asn_store *open_store(const struct asn_settings *set)
{
	struct asn_store *store;
	struct asn_error err;
	enum asn_store_status status;

	if (asn_store_open(set, FALSE, &store, &err) < 0) {
		i_error("asn: %s", err.msg);
		status = asn_store_error_status(&err);
		doveadm_exit_code = status == ASN_STORE_ERR_MISSING ? EX_UNAVAILABLE :
			status == ASN_STORE_ERR_PERM ? EX_NOPERM : EX_TEMPFAIL;
		return NULL;
	}
	return store;
}

static const char *diagnosis_codes(const struct asn_bsre_progress *p)
{
	string_t *codes = t_str_new(128);

	for (unsigned int i = 0; i < p->diagnosis_count; i++) {
		if (i > 0)
			str_append_c(codes, ' ');
		str_append(codes, asn_bsre_diagnosis_name(p->diagnoses[i]));
	}
	return str_c(codes);
}

static void print_status(const struct asn_bsre_status *st)
{
	const struct asn_bsre_status_event *cert = st->certificate;
	string_t *events = t_str_new(256), *messages = t_str_new(256);
	char when[32];

	for (size_t i = 0; i < st->event_count; i++) {
		const struct asn_bsre_status_event *e = &st->events[i];

		str_printfa(events, "%s%s %s%s", i > 0 ? ", " : "",
			    asn_time_iso(e->received_at, when, sizeof(when)),
			    asn_bsre_event_name(e->type), e->trusted ? "" :
			    e->replayed ? " (replayed)" : " (untrusted)");
	}
	for (unsigned int i = 0; i < st->progress.diagnosis_count; i++) {
		str_printfa(messages, "%s%s", i > 0 ? " " : "",
			    asn_bsre_diagnosis_message(st->progress.diagnoses[i]));
	}
	doveadm_print(st->email);
	doveadm_print(asn_bsre_stage_name(st->progress.stage));
	doveadm_print(asn_bsre_stage_portal_word(st->progress.stage));
	doveadm_print(st->provisioned ? (st->must_change ? "default" : "changed") : "");
	doveadm_print(cert != NULL ? cert->serial : "");
	doveadm_print(cert != NULL ? cert->valid_until : "");
	doveadm_print(diagnosis_codes(&st->progress));
	doveadm_print(str_c(messages));
	doveadm_print(str_c(events));
}

static void cmd_asn_status(struct doveadm_cmd_context *cctx)
{
	struct asn_settings set;
	struct asn_bsre_status st;
	struct asn_store *store;
	struct asn_error err;
	const char *user;
	int found;

	if (!doveadm_cmd_param_str(cctx, "user", &user)) {
		i_error("asn status: -u USER is required");
		doveadm_exit_code = EX_USAGE;
		return;
	}
	if (read_settings(cctx, &set) < 0)
		return;
	if ((store = open_store(&set)) == NULL) {
		asn_settings_free(&set);
		return;
	}
	found = asn_bsre_status_load(store, &set, user, asn_now(), &st, &err);
	asn_store_close(&store);
	asn_settings_free(&set);
	if (found < 0) {
		i_error("asn: %s", err.msg);
		doveadm_exit_code = EX_TEMPFAIL;
		return;
	}
	if (found == 0) {
		i_error("asn status: %s: no such account and no BSrE mail for it", user);
		doveadm_exit_code = EX_NOUSER;
		return;
	}
	doveadm_print_init(DOVEADM_PRINT_TYPE_PAGER);
	doveadm_print_header_simple("email");
	doveadm_print_header_simple("stage");
	doveadm_print_header_simple("portal_status");
	doveadm_print_header_simple("password");
	doveadm_print_header_simple("certificate_serial");
	doveadm_print_header_simple("certificate_valid_until");
	doveadm_print_header_simple("diagnosis");
	doveadm_print_header_simple("advice");
	doveadm_print_header_simple("events");
	T_BEGIN {
		print_status(&st);
	} T_END;
	asn_bsre_status_free(&st);
}

static void cmd_asn_progress(struct doveadm_cmd_context *cctx)
{
	struct asn_bsre_progress_filter filter;
	struct asn_bsre_progress_report report;
	struct asn_settings set;
	struct asn_store *store;
	struct asn_error err;
	const char *value;

	i_zero(&filter);
	(void)doveadm_cmd_param_str(cctx, "opd", &filter.opd);
	if (doveadm_cmd_param_str(cctx, "stage", &value)) {
		if (asn_bsre_stage_parse(value, &filter.stage) < 0) {
			i_error("asn progress: --stage %s: not a stage", value);
			doveadm_exit_code = EX_USAGE;
			return;
		}
		filter.has_stage = TRUE;
	}
	if (doveadm_cmd_param_str(cctx, "diagnosis", &value)) {
		if (asn_bsre_diagnosis_parse(value, &filter.diagnosis) < 0) {
			i_error("asn progress: --diagnosis %s: not a diagnosis code", value);
			doveadm_exit_code = EX_USAGE;
			return;
		}
		filter.has_diagnosis = TRUE;
	}
	if (read_settings(cctx, &set) < 0)
		return;
	if ((store = open_store(&set)) == NULL) {
		asn_settings_free(&set);
		return;
	}
	if (asn_bsre_progress_report_build(store, &set, &filter, asn_now(), &report, &err) < 0) {
		i_error("asn: %s", err.msg);
		doveadm_exit_code = EX_TEMPFAIL;
		asn_store_close(&store);
		asn_settings_free(&set);
		return;
	}
	asn_store_close(&store);
	asn_settings_free(&set);

	doveadm_print_init(DOVEADM_PRINT_TYPE_TABLE);
	doveadm_print_header_simple("opd");
	doveadm_print_header_simple("users");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		doveadm_print_header_simple(asn_bsre_stage_name((enum asn_bsre_stage)s));
	doveadm_print_header_simple("flagged");
	for (size_t i = 0; i <= report.opd_count; i++) {
		const struct asn_bsre_opd_counts *c = i < report.opd_count ?
			&report.opds[i] : &report.total;

		doveadm_print(i < report.opd_count ? c->opd : "TOTAL");
		doveadm_print_num(c->users);
		for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
			doveadm_print_num(c->stages[s]);
		doveadm_print_num(c->flagged);
	}
	asn_bsre_progress_report_free(&report);
}

static struct doveadm_cmd_ver2 asn_commands[] = {
	{
		.name = "asn status",
		.cmd = cmd_asn_status,
		.usage = "-u <user>",
DOVEADM_CMD_PARAMS_START
DOVEADM_CMD_PARAM('u', "user", CMD_PARAM_STR, 0)
DOVEADM_CMD_PARAMS_END
	},
	{
		.name = "asn progress",
		.cmd = cmd_asn_progress,
		.usage = "[-o <opd>] [-s <stage>] [-d <diagnosis>]",
DOVEADM_CMD_PARAMS_START
DOVEADM_CMD_PARAM('o', "opd", CMD_PARAM_STR, 0)
DOVEADM_CMD_PARAM('s', "stage", CMD_PARAM_STR, 0)
DOVEADM_CMD_PARAM('d', "diagnosis", CMD_PARAM_STR, 0)
DOVEADM_CMD_PARAMS_END
	},
};

void doveadm_asn_plugin_init(struct module *module ATTR_UNUSED)
{
	for (unsigned int i = 0; i < N_ELEMENTS(asn_commands); i++)
		doveadm_cmd_register_ver2(&asn_commands[i]);
}

void doveadm_asn_plugin_deinit(void)
{
}
