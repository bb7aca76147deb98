/* The portal's JSON API: the pages' data with the same scope and the same
   session (cookie; unsafe methods with X-CSRF-Token).  Codes, not words:
   machines read it. */
#include "portal.h"
#include "asn-json.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

void portal_api_error(unsigned int status, const char *code, const char *message,
		      struct portal_reply *reply)
{
	asn_str_truncate(&reply->body, 0);
	reply->status = status;
	reply->content_type = "application/json";
	asn_str_append(&reply->body, "{\"error\":");
	asn_json_string(&reply->body, code);
	asn_str_append(&reply->body, ",\"message\":");
	asn_json_string(&reply->body, message);
	asn_str_append(&reply->body, "}\n");
}

static void store_failed(struct portal *p, const struct portal_caller *caller, const char *what,
			 const struct asn_error *err, struct portal_reply *reply)
{
	asn_web_log(&p->log, LOG_ERR, "503 API %s for %s: %s", what, caller->session.email,
		    err->msg);
	reply->retry_after = 5;
	portal_api_error(MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
			 "Layanan sedang sibuk. Coba lagi sebentar lagi.", reply);
}

static bool build(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		  const struct portal_caller *caller, const char *const *allowed,
		  struct asn_bsre_progress_report *report, struct portal_reply *reply)
{
	struct asn_bsre_progress_filter filter;
	struct asn_error err;
	char error[160];

	if (!portal_query_check(conn, allowed, error, sizeof(error)) ||
	    !portal_stuck_filter(conn, true, &filter, error, sizeof(error))) {
		portal_api_error(MHD_HTTP_BAD_REQUEST, "bad_request", error, reply);
		return false;
	}
	if (asn_verifier_progress_report(store, &p->set, &caller->verifier, &filter, asn_now(),
					 report, &err) < 0) {
		store_failed(p, caller, "report", &err, reply);
		return false;
	}
	return true;
}

void portal_api_progress(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
			 const struct portal_caller *caller, struct portal_reply *reply)
{
	static const char *const allowed[] = { "opd", NULL };
	struct asn_bsre_progress_report report;

	if (!build(p, store, conn, caller, allowed, &report, reply))
		return;
	reply->status = MHD_HTTP_OK;
	reply->content_type = "application/json";
	asn_bsre_progress_report_json(&report, &reply->body);
	asn_str_append_c(&reply->body, '\n');
	asn_bsre_progress_report_free(&report);
}

void portal_api_stuck(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		      const struct portal_caller *caller, struct portal_reply *reply)
{
	static const char *const allowed[] = { "opd", "stage", "diagnosis", "q", NULL };
	struct asn_bsre_progress_report report;
	struct asn_str *out = &reply->body;
	char when[32];

	if (!build(p, store, conn, caller, allowed, &report, reply))
		return;
	reply->status = MHD_HTTP_OK;
	reply->content_type = "application/json";
	asn_str_printfa(out, "{\"count\":%zu,\"stuck\":[", report.flagged_count);
	for (size_t i = 0; i < report.flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &report.flagged[i];
		bool first = true;

		asn_str_append(out, i > 0 ? ",{\"email\":" : "{\"email\":");
		asn_json_string(out, f->email);
		asn_str_append(out, ",\"nip\":");
		asn_json_string(out, f->nip);
		asn_str_append(out, ",\"name\":");
		asn_json_string(out, f->name);
		asn_str_append(out, ",\"opd\":");
		asn_json_string(out, f->opd);
		asn_str_printfa(out, ",\"stage\":\"%s\",\"portal_status\":\"%s\",\"since\":",
				asn_bsre_stage_name(f->stage), asn_bsre_stage_portal_word(f->stage));
		if (f->since == 0)
			asn_str_append(out, "null");
		else
			asn_json_string(out, asn_time_iso(f->since, when, sizeof(when)));
		asn_str_append(out, ",\"diagnosis\":[");
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
			if ((f->diagnosis_mask & (1U << d)) == 0)
				continue;
			asn_str_append(out, first ? "\"" : ",\"");
			asn_str_append(out, asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
			asn_str_append_c(out, '"');
			first = false;
		}
		asn_str_printfa(out, "],\"handling\":\"%s\"}", asn_bsre_handling_name(f->handled));
	}
	asn_str_append(out, "]}\n");
	asn_bsre_progress_report_free(&report);
}

void portal_api_user(struct portal *p, struct asn_store *store, const char *user,
		     const struct portal_caller *caller, struct portal_reply *reply)
{
	struct asn_bsre_status st;
	struct asn_error err;
	int ret;

	if (!asn_web_text_ok(user, 254)) {
		portal_api_error(MHD_HTTP_BAD_REQUEST, "bad_request", "Alamat atau NIP tidak sah.",
				 reply);
		return;
	}
	ret = asn_verifier_status_load(store, &p->set, &caller->verifier, user, ASN_LOOKUP_API,
				       asn_now(), &st, &err);
	if (ret < 0) {
		store_failed(p, caller, "user", &err, reply);
		return;
	}
	if (ret == 0) {
		portal_api_error(MHD_HTTP_NOT_FOUND, "not_found", "Tidak ditemukan.", reply);
		return;
	}
	reply->status = MHD_HTTP_OK;
	reply->content_type = "application/json";
	asn_bsre_status_json(&st, &reply->body);
	asn_str_append_c(&reply->body, '\n');
	asn_web_log(&p->log, LOG_INFO, "%s looked at %s (API)", caller->session.email, st.email);
	asn_bsre_status_free(&st);
}
