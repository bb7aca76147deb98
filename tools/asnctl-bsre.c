/* asnctl status, progress, replay: what verifiers see of BSrE activation. */
#include "asnctl.h"
#include "asn-bsre-report.h"
#include "asn-bsre-spool.h"
#include "asn-case.h"
#include "asn-json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* A moment of a verifier case in the timeline: opened or closed. */
struct case_moment {
	time_t at;
	const struct asn_case *c;
	bool closed;
};

static int compare_moments(const void *a, const void *b)
{
	const struct case_moment *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->c->id != y->c->id)
		return x->c->id < y->c->id ? -1 : 1;
	return (int)x->closed - (int)y->closed;
}

static void case_moment_text(const struct case_moment *m)
{
	const struct asn_case *c = m->c;
	char when[64], id[24];

	snprintf(id, sizeof(id), "#%lld", (long long)c->id);
	printf("  %s  %-19s %-10s %s", asnctl_format_time(m->at, when, sizeof(when)),
	       m->closed ? "case_closed" : "case_opened", id, asn_case_kind_label(c->kind));
	if (!m->closed && c->action[0] != '\0')
		printf("; %s", asn_case_action_label(c->action));
	if (!m->closed && c->note[0] != '\0')
		printf(": %s", c->note);
	printf(" (%s)\n", m->closed ? c->resolved_by : c->by);
}

static void event_text(const struct asn_bsre_status_event *e)
{
	char when[64], trust[16];
	const char *detail = e->trusted ? e->trusted_by : e->trust_reason;

	/* what is not trusted in capitals, for the eye */
	snprintf(trust, sizeof(trust), "%s", asn_bsre_status_event_trust(e));
	for (char *c = trust; !e->trusted && *c != '\0'; c++)
		*c = (char)(*c - 'a' + 'A');
	printf("  %s  %-19s %-10s %s <%s>%s%s%s\n",
	       asnctl_format_time(e->received_at, when, sizeof(when)),
	       asn_bsre_event_name(e->type), trust, e->subject, e->sender,
	       detail[0] != '\0' ? " (" : "", detail, detail[0] != '\0' ? ")" : "");
}

/* BSrE's events and the verifiers' cases, by time (an event first when
   they tie: the mail is what the verifier reacted to). */
static void timeline_text(const struct asn_bsre_status *st)
{
	struct case_moment *moments = asn_xcalloc(st->cases.count * 2 + 1, sizeof(*moments));
	size_t n = 0, i = 0, j = 0;

	for (size_t k = 0; k < st->cases.count; k++) {
		const struct asn_case *c = &st->cases.items[k];

		moments[n++] = (struct case_moment){ c->at, c, false };
		if (c->resolved_at != 0)
			moments[n++] = (struct case_moment){ c->resolved_at, c, true };
	}
	qsort(moments, n, sizeof(*moments), compare_moments);
	while (i < st->event_count || j < n) {
		if (j == n || (i < st->event_count && st->events[i].received_at <= moments[j].at))
			event_text(&st->events[i++]);
		else
			case_moment_text(&moments[j++]);
	}
	free(moments);
}

static void status_text(const struct asn_bsre_status *st)
{
	printf("email:        %s\n", st->email);
	if (st->provisioned) {
		printf("name:         %s\n", st->name);
		printf("nip:          %s\n", st->nip);
		printf("opd:          %s\n", st->opd);
		printf("password:     %s\n", st->must_change ? "default (not changed yet)" : "changed");
	} else {
		printf("account:      not provisioned by asnctl\n");
	}
	printf("stage:        %s (BSrE portal: %s)\n", asn_bsre_stage_name(st->progress.stage),
	       asn_bsre_stage_portal_word(st->progress.stage));
	if (st->certificate != NULL) {
		const struct asn_bsre_status_event *c = st->certificate;

		printf("certificate:  serial %s, %s, %s, valid until %s\n",
		       c->serial[0] != '\0' ? c->serial : "?",
		       c->common_name[0] != '\0' ? c->common_name : "?",
		       c->organization[0] != '\0' ? c->organization : "?",
		       c->valid_until[0] != '\0' ? c->valid_until : "?");
	} else {
		printf("certificate:  -\n");
	}
	if (st->cases.count > 0)
		printf("cases:        %u open of %zu (%s)\n", st->open_cases, st->cases.count,
		       asn_case_handling_label(st->open_cases > 0));
	printf("events:       %s\n", st->event_count + st->cases.count == 0 ? "none" : "");
	timeline_text(st);
	printf("diagnosis:    %s\n", st->progress.diagnosis_count == 0 ? "none" : "");
	for (unsigned int i = 0; i < st->progress.diagnosis_count; i++) {
		enum asn_bsre_diagnosis d = st->progress.diagnoses[i];

		printf("  %s: %s\n", asn_bsre_diagnosis_name(d), asn_bsre_diagnosis_message(d));
	}
}

/* The settings a trust verdict depends on, shown by status so that an
   admin sees what asnctl judged with (and where that came from) when it
   runs apart from Dovecot.  A setting this build does not have is left
   out: a new trust setting is one line here. */
static const char *const trust_settings[] = {
	"asn_bsre_trust",
	"asn_bsre_authserv_id",
	"asn_bsre_senders",
};

/* Each trust setting this build has, as an admin writes its value. */
static void each_trust_setting(const struct asnctl *ctl,
			       void (*fn)(const char *key, const char *value, void *context),
			       void *context)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(trust_settings); i++) {
		const struct asn_setting_def *def = asn_setting_def_find(trust_settings[i]);
		char *value;

		if (def == NULL)
			continue;
		value = asn_settings_value(&ctl->set, def);
		fn(def->key, value, context);
		free(value);
	}
}

static void trust_setting_line(const char *key, const char *value, void *context)
{
	(void)context;
	printf("  %s = %s\n", key, value);
}

static void trust_settings_text(const struct asnctl *ctl)
{
	printf("settings:     trust from %s\n", ctl->config.source);
	each_trust_setting(ctl, trust_setting_line, NULL);
}

static void trust_setting_member(const char *key, const char *value, void *context)
{
	struct asn_str *out = context;

	asn_str_append_c(out, ',');
	asn_json_string(out, key);
	asn_str_append_c(out, ':');
	asn_json_string(out, value);
}

/* The same as one more member of the status object. */
static void trust_settings_json(const struct asnctl *ctl, struct asn_str *out)
{
	asn_str_append(out, ",\"trust_settings\":{\"source\":");
	asn_json_string(out, ctl->config.source);
	each_trust_setting(ctl, trust_setting_member, out);
	asn_str_append(out, "}}");
}

static int cmd_status(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_bsre_status st;
	struct asn_store *store;
	struct asn_error err;
	bool json = false;
	int opt, ret, found;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		default: return asnctl_usage(&asnctl_cmd_status);
		}
	}
	if (optind + 1 != argc)
		return asnctl_usage(&asnctl_cmd_status);
	if ((ret = asnctl_open_store(ctl, false, &store)) != EX_OK)
		return ret;
	found = asn_bsre_status_load(store, &ctl->set, argv[optind], asn_now(), &st, &err);
	asn_store_close(&store);
	if (found < 0) {
		asnctl_error("%s", err.msg);
		return EX_UNAVAILABLE;
	}
	if (found == 0) {
		asnctl_error("%s: no such account and no BSrE mail for it", argv[optind]);
		return EX_NOUSER;
	}
	if (json) {
		struct asn_str out = { NULL, 0, 0 };

		asn_bsre_status_json(&st, &out);
		/* the object's closing brace moves after our member */
		if (out.len > 0 && out.data[out.len - 1] == '}') {
			asn_str_truncate(&out, out.len - 1);
			trust_settings_json(ctl, &out);
		}
		printf("%s\n", asn_str_c(&out));
		asn_str_free(&out);
	} else {
		status_text(&st);
		trust_settings_text(ctl);
	}
	asn_bsre_status_free(&st);
	return EX_OK;
}

const struct asnctl_command asnctl_cmd_status = {
	"status", cmd_status,
	"status USER [--json]",
	"Shows a user's BSrE activation: stage (with the word BSrE's portal uses),\n"
	"the BSrE mails received in time order with their trust verdict, the latest\n"
	"trusted certificate, and the diagnosis with what to do, in Bahasa\n"
	"Indonesia.  USER is an email address or a NIP; users without an account\n"
	"here are shown when they received BSrE mail.  Last, the trust settings\n"
	"the verdicts of asnctl scan depend on, and where they came from\n"
	"(doveconf, or the -c file).\n"
};

static void progress_text(const struct asn_bsre_progress_report *r)
{
	char when[64];

	printf("%-32s %6s", "OPD", "users");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		printf(" %7s", asn_bsre_stage_short_name((enum asn_bsre_stage)s));
	printf(" %7s %7s %9s\n", "flagged", "handled", "unhandled");
	for (size_t i = 0; i <= r->opd_count; i++) {
		const struct asn_bsre_opd_counts *c = i < r->opd_count ? &r->opds[i] : &r->total;

		printf("%-32.32s %6u", i < r->opd_count ? (c->opd[0] != '\0' ? c->opd : "(none)") :
		       "TOTAL", c->users);
		for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
			printf(" %7u", c->stages[s]);
		printf(" %7u %7u %9u\n", c->flagged, c->handled, c->unhandled);
	}
	if (r->flagged_count == 0)
		return;
	printf("\nUsers with a diagnosis, oldest first:\n");
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];

		printf("  %s  %-36s %-24.24s %-19s %-9s", asnctl_format_time(f->since, when,
										 sizeof(when)),
		       f->email, f->opd, asn_bsre_stage_name(f->stage),
		       asn_bsre_handling_name(f->handled));
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
			if ((f->diagnosis_mask & (1U << d)) != 0)
				printf(" %s", asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
		}
		printf("\n");
	}
}

static int cmd_progress(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "opd", required_argument, NULL, 'o' },
		{ "stage", required_argument, NULL, 's' },
		{ "diagnosis", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "html", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_bsre_progress_filter filter;
	struct asn_bsre_progress_report report;
	struct asn_store *store;
	struct asn_error err;
	const char *html = NULL;
	char format = 't';
	int opt, ret;

	memset(&filter, 0, sizeof(filter));
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			filter.opd = optarg;
			break;
		case 's':
			if (asn_bsre_stage_parse(optarg, &filter.stage) < 0) {
				asnctl_error("--stage %s: not a stage (none, activation_sent, "
					     "account_active, passphrase_pending, certificate_issued, "
					     "certificate_expired, renewal_pending)", optarg);
				return EX_USAGE;
			}
			filter.has_stage = true;
			break;
		case 'g':
			if (asn_bsre_diagnosis_parse(optarg, &filter.diagnosis) < 0) {
				asnctl_error("--diagnosis %s: not a diagnosis code (default_password_"
					     "unchanged, no_bsre_mail, activation_link_expired, "
					     "passphrase_link_expired, certificate_expiring, "
					     "certificate_expired, suspicious_bsre_mail)", optarg);
				return EX_USAGE;
			}
			filter.has_diagnosis = true;
			break;
		case 'j': format = 'j'; break;
		case 'c': format = 'c'; break;
		case 'H': format = 'h'; html = optarg; break;
		default: return asnctl_usage(&asnctl_cmd_progress);
		}
	}
	if (optind != argc)
		return asnctl_usage(&asnctl_cmd_progress);
	/* writable: the report keeps the accounts' BSrE progress up to date
	   (asn_store_bsre_progress), and folds it itself where it may not */
	if ((ret = asnctl_open_store(ctl, true, &store)) != EX_OK)
		return ret;
	ret = asn_bsre_progress_report_build(store, &ctl->set, &filter, asn_now(), &report, &err);
	asn_store_close(&store);
	if (ret < 0) {
		asnctl_error("%s", err.msg);
		return EX_UNAVAILABLE;
	}
	ret = EX_OK;
	if (format == 't') {
		progress_text(&report);
	} else if (format == 'h') {
		ret = asnctl_progress_html(&report, &filter, html);
	} else {
		struct asn_str out = { NULL, 0, 0 };

		if (format == 'j') {
			asn_bsre_progress_report_json(&report, &out);
			asn_str_append_c(&out, '\n');
		} else {
			asn_bsre_progress_report_csv(&report, &out);
		}
		fputs(asn_str_c(&out), stdout);
		asn_str_free(&out);
	}
	asn_bsre_progress_report_free(&report);
	return ret;
}

const struct asnctl_command asnctl_cmd_progress = {
	"progress", cmd_progress,
	"progress [--opd O] [--stage S] [--diagnosis CODE] [--json|--csv|--html FILE]",
	"Counts users per BSrE stage per OPD, then lists the users with a diagnosis,\n"
	"oldest first (since their latest BSrE mail, or since the account was made).\n"
	"Users with BSrE mail but no account here are counted under OPD \"\".\n"
	"--stage and --diagnosis keep only the users in that stage or with that\n"
	"diagnosis.  --html writes one self-contained page with a funnel per OPD,\n"
	"readable offline.\n"
};

static int cmd_replay(struct asnctl *ctl, int argc, char **argv)
{
	struct asn_bsre_replay_stats stats;
	struct asn_store *store;
	struct asn_error err;
	char *spool;
	int ret;

	if (getopt_long(argc, argv, "", (const struct option[]){ { NULL, 0, NULL, 0 } },
			NULL) != -1 || optind != argc)
		return asnctl_usage(&asnctl_cmd_replay);
	if ((ret = asnctl_open_store(ctl, true, &store)) != EX_OK)
		return ret;
	spool = asn_settings_bsre_spool(&ctl->set);
	ret = asn_bsre_spool_replay(store, spool, &stats, &err);
	asn_store_close(&store);
	if (ret < 0) {
		asnctl_error("%s (the events stay in the spool)", err.msg);
		free(spool);
		return EX_TEMPFAIL;
	}
	if (ret == 0)
		printf("nothing to replay (%s is empty or another replay is running)\n", spool);
	else
		printf("replayed %s: %u recorded, %u already known, %u unreadable lines kept in "
		       "%s.bad\n", spool, stats.recorded, stats.duplicates, stats.bad_lines, spool);
	free(spool);
	return stats.bad_lines > 0 ? EX_DATAERR : EX_OK;
}

const struct asnctl_command asnctl_cmd_replay = {
	"replay", cmd_replay,
	"replay",
	"Records the BSrE events that deliveries spooled while the database was\n"
	"unavailable (the spool beside the BSrE database, bsre.db.spool).  The next\n"
	"successful delivery does the same; this is for when no BSrE mail is\n"
	"expected soon.  Unreadable lines are moved to bsre.db.spool.bad and make\n"
	"the exit status 65.\n"
};
