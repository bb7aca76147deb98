/* Status and progress for verifiers, from the store's events. */
#include "asn-bsre-report.h"
#include "asn-csv.h"
#include "asn-json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void asn_bsre_progress_settings_from(const struct asn_settings *set,
				     struct asn_bsre_progress_settings *out)
{
	out->activation_ttl = set->bsre_activation_ttl;
	out->passphrase_ttl = set->bsre_passphrase_ttl;
	out->expiry_warning = set->bsre_expiry_warning;
}

static char *dup_or_null(bool present, const char *s)
{
	return present ? asn_xstrdup(s) : NULL;
}

struct status_collect {
	struct asn_bsre_status *status;
	size_t size;
};

static int status_add_event(const struct asn_bsre_stored_event *ev, void *context)
{
	struct status_collect *c = context;
	struct asn_bsre_status *st = c->status;
	struct asn_bsre_status_event *out;

	if (st->event_count == c->size) {
		c->size = c->size == 0 ? 8 : c->size * 2;
		st->events = asn_xrealloc(st->events, c->size * sizeof(*st->events));
	}
	out = &st->events[st->event_count++];
	memset(out, 0, sizeof(*out));
	out->type = ev->type;
	out->received_at = ev->received_at;
	out->trusted = ev->trusted;
	out->replayed = ev->replayed;
	out->unverified = ev->unverified;
	out->trusted_by = asn_xstrdup(ev->trusted_by);
	out->trust_reason = asn_xstrdup(ev->trust_reason);
	out->subject = asn_xstrdup(ev->subject);
	out->sender = asn_xstrdup(ev->sender);
	out->source = asn_xstrdup(ev->source);
	out->has_certificate = ev->has_certificate;
	out->serial = dup_or_null(ev->has_certificate, ev->cert_serial);
	out->common_name = dup_or_null(ev->has_certificate, ev->cert_common_name);
	out->organization = dup_or_null(ev->has_certificate, ev->cert_organization);
	out->valid_until = dup_or_null(ev->has_certificate, ev->cert_valid_until);
	return 0;
}

int asn_bsre_status_load(struct asn_store *store, const struct asn_settings *set,
			 const char *user, time_t now, struct asn_bsre_status *st,
			 struct asn_error *err)
{
	struct asn_account account;
	struct status_collect collect = { st, 0 };
	struct asn_bsre_event_record *records;
	struct asn_bsre_progress_settings pset;
	int64_t account_id = 0;
	int found;

	memset(st, 0, sizeof(*st));
	found = asn_store_account_find(store, user, &account, err);
	if (found < 0)
		return -1;
	if (found > 0) {
		st->email = asn_xstrdup(account.email);
		st->provisioned = true;
		st->must_change = account.must_change;
		st->disabled = account.disabled;
		st->name = asn_xstrdup(account.name);
		st->nip = asn_xstrdup(account.nip);
		st->opd = asn_xstrdup(account.opd);
		account_id = account.id;
		asn_account_free(&account);
	} else {
		st->email = asn_xstrdup(user);
		for (char *p = st->email; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	if (asn_store_bsre_events(store, st->email, status_add_event, &collect, err) < 0) {
		asn_bsre_status_free(st);
		return -1;
	}
	if (!st->provisioned && st->event_count == 0) {
		asn_bsre_status_free(st);
		return 0;
	}
	records = asn_xcalloc(st->event_count + 1, sizeof(*records));
	for (size_t i = 0; i < st->event_count; i++) {
		const struct asn_bsre_status_event *e = &st->events[i];

		records[i].type = e->type;
		records[i].received_at = e->received_at;
		records[i].trusted = e->trusted;
		records[i].unverified = e->unverified;
		records[i].valid_until = e->valid_until != NULL ? e->valid_until : "";
		/* the latest trusted certificate: events are in time order */
		if (e->trusted && e->has_certificate && e->type == ASN_BSRE_CERTIFICATE_ISSUED)
			st->certificate = e;
	}
	asn_bsre_progress_settings_from(set, &pset);
	asn_bsre_progress_compute(records, st->event_count, st->must_change, now, &pset,
				  &st->progress);
	free(records);
	if (account_id != 0 && asn_store_case_list(store, account_id, &st->cases, err) < 0) {
		asn_bsre_status_free(st);
		return -1;
	}
	for (size_t i = 0; i < st->cases.count; i++) {
		if (st->cases.items[i].resolved_at == 0)
			st->open_cases++;
	}
	return 1;
}

void asn_bsre_status_free(struct asn_bsre_status *st)
{
	for (size_t i = 0; i < st->event_count; i++) {
		struct asn_bsre_status_event *e = &st->events[i];

		free(e->subject);
		free(e->trusted_by);
		free(e->trust_reason);
		free(e->sender);
		free(e->source);
		free(e->serial);
		free(e->common_name);
		free(e->organization);
		free(e->valid_until);
	}
	free(st->events);
	asn_cases_free(&st->cases);
	free(st->email);
	free(st->name);
	free(st->nip);
	free(st->opd);
	memset(st, 0, sizeof(*st));
}

static void json_key_string(struct asn_str *out, const char *key, const char *value)
{
	asn_str_printfa(out, "\"%s\":", key);
	if (value == NULL)
		asn_str_append(out, "null");
	else
		asn_json_string(out, value);
}

static void diagnosis_json(struct asn_str *out, const struct asn_bsre_progress *p)
{
	asn_str_append(out, "[");
	for (unsigned int i = 0; i < p->diagnosis_count; i++) {
		if (i > 0)
			asn_str_append_c(out, ',');
		asn_str_append_c(out, '{');
		json_key_string(out, "code", asn_bsre_diagnosis_name(p->diagnoses[i]));
		asn_str_append_c(out, ',');
		json_key_string(out, "message", asn_bsre_diagnosis_message(p->diagnoses[i]));
		asn_str_append_c(out, '}');
	}
	asn_str_append(out, "]");
}

const char *asn_bsre_status_event_trust(const struct asn_bsre_status_event *event)
{
	return event->trusted ? "trusted" : event->replayed ? "replayed" :
		event->unverified ? "unverified" : "untrusted";
}

const char *asn_bsre_status_event_trust_label(const struct asn_bsre_status_event *event)
{
	if (event->trusted)
		return strcmp(event->trusted_by, "dkim") == 0 ?
			"asli (tanda tangan DKIM BSrE sah)" : "asli";
	if (event->replayed)
		return "ditujukan ke alamat lain (diabaikan)";
	if (event->unverified)
		return "belum dapat diperiksa (menunggu pemeriksaan ulang)";
	return "tidak terverifikasi (mungkin palsu: jangan buka tautannya)";
}

void asn_bsre_case_json(const struct asn_case *c, struct asn_str *out)
{
	char when[32];

	asn_str_printfa(out, "{\"id\":%lld,", (long long)c->id);
	json_key_string(out, "kind", c->kind);
	asn_str_append_c(out, ',');
	json_key_string(out, "action", c->action[0] != '\0' ? c->action : NULL);
	asn_str_append_c(out, ',');
	json_key_string(out, "note", c->note);
	asn_str_append_c(out, ',');
	json_key_string(out, "at", asn_time_iso(c->at, when, sizeof(when)));
	asn_str_append_c(out, ',');
	json_key_string(out, "by", c->by);
	asn_str_printfa(out, ",\"open\":%s,", c->resolved_at == 0 ? "true" : "false");
	json_key_string(out, "resolved_at", c->resolved_at == 0 ? NULL :
			asn_time_iso(c->resolved_at, when, sizeof(when)));
	asn_str_append_c(out, ',');
	json_key_string(out, "resolved_by", c->resolved_at == 0 ? NULL : c->resolved_by);
	asn_str_append_c(out, '}');
}

void asn_bsre_status_json(const struct asn_bsre_status *st, struct asn_str *out)
{
	char when[32];

	asn_str_append_c(out, '{');
	json_key_string(out, "email", st->email);
	asn_str_append_c(out, ',');
	json_key_string(out, "name", st->provisioned ? st->name : NULL);
	asn_str_append_c(out, ',');
	json_key_string(out, "nip", st->provisioned ? st->nip : NULL);
	asn_str_append_c(out, ',');
	json_key_string(out, "opd", st->provisioned ? st->opd : NULL);
	asn_str_printfa(out, ",\"provisioned\":%s,\"must_change\":%s,",
			st->provisioned ? "true" : "false", st->must_change ? "true" : "false");
	json_key_string(out, "stage", asn_bsre_stage_name(st->progress.stage));
	asn_str_append_c(out, ',');
	json_key_string(out, "portal_status", asn_bsre_stage_portal_word(st->progress.stage));
	asn_str_append(out, ",\"events\":[");
	for (size_t i = 0; i < st->event_count; i++) {
		const struct asn_bsre_status_event *e = &st->events[i];

		if (i > 0)
			asn_str_append_c(out, ',');
		asn_str_append_c(out, '{');
		json_key_string(out, "type", asn_bsre_event_name(e->type));
		asn_str_append_c(out, ',');
		json_key_string(out, "received_at", asn_time_iso(e->received_at, when, sizeof(when)));
		asn_str_printfa(out, ",\"trusted\":%s,", e->trusted ? "true" : "false");
		if (e->replayed)
			asn_str_append(out, "\"replayed\":true,");
		json_key_string(out, "trust", asn_bsre_status_event_trust(e));
		asn_str_append_c(out, ',');
		json_key_string(out, "trusted_by", e->trusted_by[0] != '\0' ? e->trusted_by : NULL);
		asn_str_append_c(out, ',');
		json_key_string(out, "trust_reason",
				e->trust_reason[0] != '\0' ? e->trust_reason : NULL);
		asn_str_append_c(out, ',');
		json_key_string(out, "subject", e->subject);
		asn_str_append_c(out, ',');
		json_key_string(out, "sender", e->sender);
		asn_str_append_c(out, ',');
		json_key_string(out, "source", e->source);
		asn_str_append_c(out, '}');
	}
	asn_str_append(out, "],\"certificate\":");
	if (st->certificate == NULL) {
		asn_str_append(out, "null");
	} else {
		const struct asn_bsre_status_event *c = st->certificate;

		asn_str_append_c(out, '{');
		json_key_string(out, "serial", c->serial[0] != '\0' ? c->serial : NULL);
		asn_str_append_c(out, ',');
		json_key_string(out, "common_name", c->common_name[0] != '\0' ? c->common_name : NULL);
		asn_str_append_c(out, ',');
		json_key_string(out, "organization",
				c->organization[0] != '\0' ? c->organization : NULL);
		asn_str_append_c(out, ',');
		json_key_string(out, "valid_until", c->valid_until[0] != '\0' ? c->valid_until : NULL);
		asn_str_append_c(out, '}');
	}
	asn_str_append(out, ",\"diagnosis\":");
	diagnosis_json(out, &st->progress);
	asn_str_append(out, ",\"cases\":[");
	for (size_t i = 0; i < st->cases.count; i++) {
		if (i > 0)
			asn_str_append_c(out, ',');
		asn_bsre_case_json(&st->cases.items[i], out);
	}
	asn_str_append(out, "]}");
}

/* progress */

struct report_build {
	struct asn_bsre_progress_report *report;
	const struct asn_bsre_progress_filter *filter;
	struct asn_bsre_progress_settings pset;
	time_t now;
	size_t opd_size, flagged_size;
};

static struct asn_bsre_opd_counts *opd_slot(struct report_build *b, const char *opd)
{
	struct asn_bsre_progress_report *r = b->report;

	/* users arrive grouped by OPD */
	if (r->opd_count > 0 && strcmp(r->opds[r->opd_count - 1].opd, opd) == 0)
		return &r->opds[r->opd_count - 1];
	for (size_t i = 0; i < r->opd_count; i++) {
		if (strcmp(r->opds[i].opd, opd) == 0)
			return &r->opds[i];
	}
	if (r->opd_count == b->opd_size) {
		b->opd_size = b->opd_size == 0 ? 16 : b->opd_size * 2;
		r->opds = asn_xrealloc(r->opds, b->opd_size * sizeof(*r->opds));
	}
	memset(&r->opds[r->opd_count], 0, sizeof(r->opds[0]));
	r->opds[r->opd_count].opd = asn_xstrdup(opd);
	return &r->opds[r->opd_count++];
}

static void count_into(struct asn_bsre_opd_counts *c, const struct asn_bsre_progress *p,
		       bool handled)
{
	c->users++;
	c->stages[p->stage]++;
	for (unsigned int i = 0; i < p->diagnosis_count; i++)
		c->diagnoses[p->diagnoses[i]]++;
	if (p->diagnosis_count > 0) {
		c->flagged++;
		if (handled)
			c->handled++;
		else
			c->unhandled++;
	}
}

static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++) {
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	}
	return n == 0;
}

static bool matches_search(const struct asn_bsre_user *user, const char *search)
{
	if (search == NULL || search[0] == '\0')
		return true;
	return contains_nocase(user->email, search) || contains_nocase(user->name, search) ||
		contains_nocase(user->nip, search);
}

static int report_user(const struct asn_bsre_user *user, void *context)
{
	struct report_build *b = context;
	struct asn_bsre_progress_report *r = b->report;
	struct asn_bsre_progress p;
	unsigned int mask = 0;

	asn_bsre_progress_finish(user->fold, user->must_change, b->now, &b->pset, &p);
	for (unsigned int i = 0; i < p.diagnosis_count; i++)
		mask |= 1U << p.diagnoses[i];
	if (b->filter->opd_visible != NULL &&
	    !b->filter->opd_visible(user->opd, b->filter->opd_visible_context))
		return 0;
	if (!matches_search(user, b->filter->search))
		return 0;
	if (b->filter->has_stage && p.stage != b->filter->stage)
		return 0;
	if (b->filter->has_diagnosis && (mask & (1U << b->filter->diagnosis)) == 0)
		return 0;
	count_into(opd_slot(b, user->opd), &p, user->open_cases > 0);
	count_into(&r->total, &p, user->open_cases > 0);
	if (mask != 0) {
		struct asn_bsre_flagged_user *f;

		if (r->flagged_count == b->flagged_size) {
			b->flagged_size = b->flagged_size == 0 ? 64 : b->flagged_size * 2;
			r->flagged = asn_xrealloc(r->flagged, b->flagged_size * sizeof(*r->flagged));
		}
		f = &r->flagged[r->flagged_count++];
		f->email = asn_xstrdup(user->email);
		f->opd = asn_xstrdup(user->opd);
		f->name = asn_xstrdup(user->name);
		f->nip = asn_xstrdup(user->nip);
		f->stage = p.stage;
		f->diagnosis_mask = mask;
		f->handled = user->open_cases > 0;
		f->since = user->fold->last_event != 0 ? user->fold->last_event : user->created_at;
	}
	return 0;
}

static int compare_flagged(const void *a, const void *b)
{
	const struct asn_bsre_flagged_user *x = a, *y = b;

	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return strcmp(x->email, y->email);
}

static int compare_opds(const void *a, const void *b)
{
	const struct asn_bsre_opd_counts *x = a, *y = b;

	return strcmp(x->opd, y->opd);
}

int asn_bsre_progress_report_build(struct asn_store *store, const struct asn_settings *set,
				   const struct asn_bsre_progress_filter *filter, time_t now,
				   struct asn_bsre_progress_report *report_r,
				   struct asn_error *err)
{
	struct report_build b;

	memset(report_r, 0, sizeof(*report_r));
	memset(&b, 0, sizeof(b));
	b.report = report_r;
	b.filter = filter;
	b.now = now;
	asn_bsre_progress_settings_from(set, &b.pset);
	report_r->total.opd = asn_xstrdup("");
	if (asn_store_bsre_progress(store, filter->opd, now, report_user, &b, err) < 0) {
		asn_bsre_progress_report_free(report_r);
		return -1;
	}
	/* qsort's array must not be NULL, even empty: a scope or a filter
	   may leave nothing. */
	if (report_r->opd_count > 0)
		qsort(report_r->opds, report_r->opd_count, sizeof(*report_r->opds), compare_opds);
	if (report_r->flagged_count > 0)
		qsort(report_r->flagged, report_r->flagged_count, sizeof(*report_r->flagged),
		      compare_flagged);
	return 0;
}

void asn_bsre_progress_report_free(struct asn_bsre_progress_report *r)
{
	for (size_t i = 0; i < r->opd_count; i++)
		free(r->opds[i].opd);
	for (size_t i = 0; i < r->flagged_count; i++) {
		free(r->flagged[i].email);
		free(r->flagged[i].opd);
		free(r->flagged[i].name);
		free(r->flagged[i].nip);
	}
	free(r->opds);
	free(r->flagged);
	free(r->total.opd);
	memset(r, 0, sizeof(*r));
}

const char *asn_bsre_handling_label(bool handled)
{
	return handled ? "sedang ditangani" : "belum ditangani";
}

const char *asn_bsre_handling_name(bool handled)
{
	return handled ? "handled" : "unhandled";
}

static void counts_json(struct asn_str *out, const struct asn_bsre_opd_counts *c)
{
	asn_str_printfa(out, "\"users\":%u,\"stages\":{", c->users);
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		asn_str_printfa(out, "%s\"%s\":%u", s > 0 ? "," : "",
				asn_bsre_stage_name((enum asn_bsre_stage)s), c->stages[s]);
	asn_str_append(out, "},\"diagnoses\":{");
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
		asn_str_printfa(out, "%s\"%s\":%u", d > 0 ? "," : "",
				asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d), c->diagnoses[d]);
	asn_str_printfa(out, "},\"handled\":%u,\"unhandled\":%u", c->handled, c->unhandled);
}

void asn_bsre_progress_report_json(const struct asn_bsre_progress_report *r,
				   struct asn_str *out)
{
	char when[32];

	asn_str_append(out, "{\"total\":{");
	counts_json(out, &r->total);
	asn_str_append(out, "},\"opds\":[");
	for (size_t i = 0; i < r->opd_count; i++) {
		asn_str_append(out, i > 0 ? ",{" : "{");
		json_key_string(out, "opd", r->opds[i].opd);
		asn_str_append_c(out, ',');
		counts_json(out, &r->opds[i]);
		asn_str_append_c(out, '}');
	}
	asn_str_append(out, "],\"flagged\":[");
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];
		bool first = true;

		asn_str_append(out, i > 0 ? ",{" : "{");
		json_key_string(out, "email", f->email);
		asn_str_append_c(out, ',');
		json_key_string(out, "opd", f->opd);
		asn_str_append_c(out, ',');
		json_key_string(out, "name", f->name);
		asn_str_append_c(out, ',');
		json_key_string(out, "stage", asn_bsre_stage_name(f->stage));
		asn_str_append_c(out, ',');
		json_key_string(out, "since", f->since == 0 ? NULL :
				asn_time_iso(f->since, when, sizeof(when)));
		asn_str_append_c(out, ',');
		json_key_string(out, "handling", asn_bsre_handling_name(f->handled));
		asn_str_append(out, ",\"diagnosis\":[");
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
			if ((f->diagnosis_mask & (1U << d)) == 0)
				continue;
			asn_str_append(out, first ? "" : ",");
			asn_json_string(out, asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
			first = false;
		}
		asn_str_append(out, "]}");
	}
	asn_str_append(out, "]}");
}

static void diagnosis_codes(unsigned int mask, struct asn_str *codes)
{
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
		if ((mask & (1U << d)) != 0)
			asn_str_printfa(codes, "%s%s", codes->len > 0 ? " " : "",
					asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
	}
}

void asn_bsre_flagged_csv(const struct asn_bsre_progress_report *r, struct asn_str *out)
{
	char when[32];

	asn_str_append(out, "email,nip,name,opd,stage,since,diagnosis,handling\r\n");
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];
		const char *fields[] = { f->email, f->nip, f->name, f->opd };
		struct asn_str codes = { NULL, 0, 0 };

		for (size_t k = 0; k < ASN_N_ELEMENTS(fields); k++) {
			asn_csv_write_field(out, fields[k], ',');
			asn_str_append_c(out, ',');
		}
		asn_str_printfa(out, "%s,%s,", asn_bsre_stage_name(f->stage),
				f->since == 0 ? "" : asn_time_iso(f->since, when, sizeof(when)));
		diagnosis_codes(f->diagnosis_mask, &codes);
		asn_csv_write_field(out, asn_str_c(&codes), ',');
		asn_str_printfa(out, ",%s\r\n", asn_bsre_handling_name(f->handled));
		asn_str_free(&codes);
	}
}

void asn_bsre_progress_report_csv(const struct asn_bsre_progress_report *r,
				  struct asn_str *out)
{
	char when[32];

	asn_str_append(out, "opd,users");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		asn_str_printfa(out, ",%s", asn_bsre_stage_name((enum asn_bsre_stage)s));
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
		asn_str_printfa(out, ",%s", asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
	asn_str_append(out, ",handled,unhandled\r\n");
	for (size_t i = 0; i <= r->opd_count; i++) {
		const struct asn_bsre_opd_counts *c = i < r->opd_count ? &r->opds[i] : &r->total;

		asn_csv_write_field(out, i < r->opd_count ? c->opd : "TOTAL", ',');
		asn_str_printfa(out, ",%u", c->users);
		for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
			asn_str_printfa(out, ",%u", c->stages[s]);
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
			asn_str_printfa(out, ",%u", c->diagnoses[d]);
		asn_str_printfa(out, ",%u,%u\r\n", c->handled, c->unhandled);
	}
	asn_str_append(out, "\r\nemail,opd,name,stage,since,diagnosis,handling\r\n");
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];
		struct asn_str codes = { NULL, 0, 0 };

		diagnosis_codes(f->diagnosis_mask, &codes);
		asn_csv_write_field(out, f->email, ',');
		asn_str_append_c(out, ',');
		asn_csv_write_field(out, f->opd, ',');
		asn_str_append_c(out, ',');
		asn_csv_write_field(out, f->name, ',');
		asn_str_printfa(out, ",%s,%s,", asn_bsre_stage_name(f->stage),
				f->since == 0 ? "" : asn_time_iso(f->since, when, sizeof(when)));
		asn_csv_write_field(out, asn_str_c(&codes), ',');
		asn_str_printfa(out, ",%s\r\n", asn_bsre_handling_name(f->handled));
		asn_str_free(&codes);
	}
}
