/* The portal's pages, in Bahasa Indonesia: plain HTML and one stylesheet
   of our own (no script, nothing from elsewhere: the province's network
   may be closed), readable from a phone's width up. */
#include "portal.h"
#include "asn-html.h"
#include "asn-case.h"
#include "asn-verifier-token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static void page_begin(struct portal_reply *reply, const struct portal_caller *caller,
		       const char *title, const char *current)
{
	static const struct {
		const char *href, *label;
	} nav[] = {
		{ "/ringkasan", "Ringkasan" },
		{ "/tindakan", "Perlu tindakan" },
		{ "/token", "Token API" },
	};
	struct asn_str *out = &reply->body;

	asn_str_append(out, "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		       "<title>");
	asn_html_text(out, title);
	asn_str_append(out, " &middot; Portal Verifikator</title>"
		       "<link rel=\"stylesheet\" href=\"/gaya.css\"></head>\n<body><header>"
		       "<span class=\"brand\">Portal Verifikator</span>");
	if (caller != NULL && caller->has_session) {
		asn_str_append(out, "<nav>");
		for (size_t i = 0; i < ASN_N_ELEMENTS(nav); i++)
			asn_str_printfa(out, "<a href=\"%s\"%s>%s</a>", nav[i].href,
					current != NULL && strcmp(current, nav[i].href) == 0 ?
					" aria-current=\"page\"" : "", nav[i].label);
		asn_str_append(out, "</nav><form class=\"logout\" method=\"post\" action=\"/keluar\">"
			       "<input type=\"hidden\" name=\"csrf\" value=\"");
		asn_str_append(out, caller->session.csrf);
		asn_str_append(out, "\"><span class=\"who\">");
		asn_html_text(out, caller->session.email);
		asn_str_append(out, "</span> <button type=\"submit\">Keluar</button></form>");
	}
	asn_str_append(out, "</header>\n<main>\n");
}

static void page_end(struct portal_reply *reply)
{
	asn_str_append(&reply->body, "</main>\n<footer>dovecot-asn &middot; data dari email "
		       "dinas; setiap pembukaan data pribadi dicatat.</footer>\n</body></html>\n");
}

void portal_page_error(const struct portal_caller *caller, unsigned int status,
		       const char *message, struct portal_reply *reply)
{
	asn_str_truncate(&reply->body, 0);
	reply->status = status;
	reply->content_type = NULL;
	page_begin(reply, caller, "Galat", NULL);
	asn_str_printfa(&reply->body, "<h1>%s</h1>\n<p class=\"error\">",
			status == 404 ? "Tidak ditemukan" : status >= 500 ? "Layanan tidak tersedia" :
			"Permintaan tidak dapat diproses");
	asn_html_text(&reply->body, message);
	asn_str_append(&reply->body, "</p>\n<p><a href=\"/ringkasan\">Kembali ke ringkasan</a></p>\n");
	page_end(reply);
}

void portal_page_login(struct portal *p ASN_UNUSED, const struct portal_caller *caller,
		       const char *message, unsigned int status, struct portal_reply *reply)
{
	char token[PORTAL_TOKEN_HEX + 1];

	asn_str_truncate(&reply->body, 0);
	reply->status = status;
	reply->content_type = NULL;
	/* The browser's token stays while it has one: another tab, or a
	   request the browser makes on its own, must not void the form on
	   screen. */
	if (caller->login_token[0] != '\0')
		memcpy(token, caller->login_token, sizeof(token));
	else
		portal_random_token(token);
	portal_set_cookie(reply, 1, caller, PORTAL_COOKIE_LOGIN, token, -1);
	page_begin(reply, NULL, "Masuk", NULL);
	asn_str_append(&reply->body, "<h1>Masuk</h1>\n<p>Masuk dengan alamat email dinas dan "
		       "kata sandinya. Portal ini hanya untuk verifikator instansi.</p>\n");
	if (message != NULL) {
		asn_str_append(&reply->body, "<p class=\"error\" role=\"alert\">");
		asn_html_text(&reply->body, message);
		asn_str_append(&reply->body, "</p>\n");
	}
	asn_str_printfa(&reply->body, "<form class=\"login\" method=\"post\" action=\"/masuk\">"
			"<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			"<label>Alamat email<input type=\"email\" name=\"user\" "
			"autocomplete=\"username\" required maxlength=\"%u\"></label>"
			"<label>Kata sandi<input type=\"password\" name=\"password\" "
			"autocomplete=\"current-password\" required maxlength=\"%u\"></label>"
			"<button type=\"submit\">Masuk</button></form>\n", token,
			PORTAL_VALUE_MAX, PORTAL_VALUE_MAX);
	page_end(reply);
}

void portal_store_failed(struct portal *p, const struct portal_caller *caller, const char *what,
			 const struct asn_error *err, struct portal_reply *reply)
{
	asn_web_log(&p->log, LOG_ERR, "503 %s for %s: %s", what, caller->session.email, err->msg);
	reply->retry_after = 5;
	portal_page_error(caller, MHD_HTTP_SERVICE_UNAVAILABLE,
			  "Layanan sedang sibuk. Coba lagi sebentar lagi.", reply);
}

void portal_page_summary(struct portal *p, struct asn_store *store,
			 const struct portal_caller *caller, struct portal_reply *reply)
{
	struct asn_bsre_progress_filter filter;
	struct asn_bsre_progress_report report;
	struct asn_error err;

	memset(&filter, 0, sizeof(filter));
	if (asn_verifier_progress_report(store, &p->set, &caller->verifier, &filter, asn_now(),
					 &report, &err) < 0) {
		portal_store_failed(p, caller, "summary", &err, reply);
		return;
	}
	reply->status = MHD_HTTP_OK;
	page_begin(reply, caller, "Ringkasan", "/ringkasan");
	asn_str_append(&reply->body, "<h1>Ringkasan aktivasi sertifikat elektronik</h1>\n"
		       "<p class=\"scope\">");
	if (caller->verifier.all_opd) {
		asn_str_append(&reply->body, "Semua OPD (admin).");
	} else {
		asn_str_append(&reply->body, "OPD Anda: ");
		for (size_t i = 0; i < caller->verifier.opds.count; i++) {
			if (i > 0)
				asn_str_append(&reply->body, ", ");
			asn_html_text(&reply->body, caller->verifier.opds.items[i]);
		}
		asn_str_append_c(&reply->body, '.');
	}
	asn_str_printfa(&reply->body, " <a href=\"/tindakan\">%u ASN perlu tindakan</a>.</p>\n",
			report.total.flagged);
	if (report.opd_count != 1)
		asn_bsre_counts_html(&reply->body, &report.total, "Semua OPD Anda");
	for (size_t i = 0; i < report.opd_count; i++)
		asn_bsre_counts_html(&reply->body, &report.opds[i], report.opds[i].opd[0] != '\0' ?
				     report.opds[i].opd : "(tanpa akun)");
	asn_str_append(&reply->body, "<details><summary>Arti setiap masalah</summary>\n");
	asn_bsre_diagnosis_legend_html(&reply->body);
	asn_str_append(&reply->body, "</details>\n");
	page_end(reply);
	asn_bsre_progress_report_free(&report);
}

bool portal_stuck_filter(struct MHD_Connection *conn, bool api,
			 struct asn_bsre_progress_filter *filter, char *error, size_t size)
{
	const char *stage_arg = api ? "stage" : "tahap";
	const char *diag_arg = api ? "diagnosis" : "masalah";
	const char *value;

	memset(filter, 0, sizeof(filter[0]));
	value = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "opd");
	if (value != NULL && value[0] != '\0')
		filter->opd = value;
	value = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, stage_arg);
	if (value != NULL && value[0] != '\0') {
		if (asn_bsre_stage_parse(value, &filter->stage) < 0) {
			snprintf(error, size, "Parameter %s: tahap tidak dikenal.", stage_arg);
			return false;
		}
		filter->has_stage = true;
	}
	value = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, diag_arg);
	if (value != NULL && value[0] != '\0') {
		if (asn_bsre_diagnosis_parse(value, &filter->diagnosis) < 0) {
			snprintf(error, size, "Parameter %s: masalah tidak dikenal.", diag_arg);
			return false;
		}
		filter->has_diagnosis = true;
	}
	value = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
	if (value != NULL && value[0] != '\0')
		filter->search = value;
	return true;
}

static void option(struct asn_str *out, const char *value, const char *label, bool selected)
{
	asn_str_append(out, "<option value=\"");
	asn_html_text(out, value);
	asn_str_printfa(out, "\"%s>", selected ? " selected" : "");
	asn_html_text(out, label);
	asn_str_append(out, "</option>");
}

static void stuck_form(struct asn_str *out, const struct asn_strv *opds,
		       const struct asn_bsre_progress_filter *f)
{
	asn_str_append(out, "<form class=\"filter\" method=\"get\" action=\"/tindakan\">"
		       "<label>OPD<select name=\"opd\">");
	option(out, "", "Semua", f->opd == NULL);
	for (size_t i = 0; i < opds->count; i++)
		option(out, opds->items[i], opds->items[i],
		       f->opd != NULL && strcmp(f->opd, opds->items[i]) == 0);
	asn_str_append(out, "</select></label><label>Tahap<select name=\"tahap\">");
	option(out, "", "Semua", !f->has_stage);
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		option(out, asn_bsre_stage_name((enum asn_bsre_stage)s),
		       asn_bsre_stage_label((enum asn_bsre_stage)s), f->has_stage && f->stage == s);
	asn_str_append(out, "</select></label><label>Masalah<select name=\"masalah\">");
	option(out, "", "Semua", !f->has_diagnosis);
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
		option(out, asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d),
		       asn_bsre_diagnosis_label((enum asn_bsre_diagnosis)d),
		       f->has_diagnosis && f->diagnosis == d);
	asn_str_printfa(out, "</select></label><label>Cari (nama, NIP, email)<input type=\"search\" "
			"name=\"q\" maxlength=\"%u\" value=\"", PORTAL_VALUE_MAX);
	if (f->search != NULL)
		asn_html_text(out, f->search);
	asn_str_append(out, "\"></label><button type=\"submit\">Tampilkan</button></form>\n");
}

/* The query of the list as shown, for the CSV link. */
static void csv_href(struct asn_str *out, const struct asn_bsre_progress_filter *f)
{
	asn_str_append(out, "/tindakan?format=csv");
	if (f->opd != NULL) {
		asn_str_append(out, "&amp;opd=");
		asn_url_encode(out, f->opd);
	}
	if (f->has_stage)
		asn_str_printfa(out, "&amp;tahap=%s", asn_bsre_stage_name(f->stage));
	if (f->has_diagnosis)
		asn_str_printfa(out, "&amp;masalah=%s", asn_bsre_diagnosis_name(f->diagnosis));
	if (f->search != NULL) {
		asn_str_append(out, "&amp;q=");
		asn_url_encode(out, f->search);
	}
}

void portal_page_stuck(struct portal *p, struct asn_store *store, struct MHD_Connection *conn,
		       const struct portal_caller *caller, struct portal_reply *reply)
{
	static const char *const allowed[] = { "opd", "tahap", "masalah", "q", "format", NULL };
	struct asn_bsre_progress_filter filter;
	struct asn_bsre_progress_report report;
	struct asn_strv opds;
	struct asn_error err;
	const char *format;
	char error[160];
	bool all;

	memset(&opds, 0, sizeof(opds));
	if (!portal_query_check(conn, allowed, error, sizeof(error)) ||
	    !portal_stuck_filter(conn, false, &filter, error, sizeof(error))) {
		portal_page_error(caller, MHD_HTTP_BAD_REQUEST, error, reply);
		return;
	}
	format = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format != NULL && format[0] != '\0' && strcmp(format, "csv") != 0) {
		portal_page_error(caller, MHD_HTTP_BAD_REQUEST, "Parameter format: hanya csv.", reply);
		return;
	}
	if (asn_verifier_progress_report(store, &p->set, &caller->verifier, &filter, asn_now(),
					 &report, &err) < 0) {
		portal_store_failed(p, caller, "stuck list", &err, reply);
		return;
	}
	reply->status = MHD_HTTP_OK;
	if (format != NULL && strcmp(format, "csv") == 0) {
		char detail[160];

		/* Personal data leaving the portal: in the audit, not only the
		   log. */
		snprintf(detail, sizeof(detail), "stuck list as CSV, %zu people",
			 report.flagged_count);
		if (asn_store_audit(store, caller->session.email, "portal-csv", NULL, detail,
				    &err) < 0) {
			asn_bsre_progress_report_free(&report);
			portal_store_failed(p, caller, "CSV audit", &err, reply);
			return;
		}
		reply->content_type = "text/csv; charset=utf-8";
		reply->filename = "perlu-tindakan.csv";
		asn_bsre_flagged_csv(&report, &reply->body);
		asn_web_log(&p->log, LOG_INFO, "%s downloaded the stuck list as CSV (%zu people)",
			    caller->session.email, report.flagged_count);
		asn_bsre_progress_report_free(&report);
		return;
	}
	if (asn_verifier_scope_opds(store, &caller->verifier, &opds, &all, &err) < 0) {
		asn_bsre_progress_report_free(&report);
		portal_store_failed(p, caller, "scope", &err, reply);
		return;
	}
	page_begin(reply, caller, "Perlu tindakan", "/tindakan");
	asn_str_append(&reply->body, "<h1>Perlu tindakan</h1>\n<p>ASN yang prosesnya tertahan, "
		       "yang terlama lebih dulu, dengan apa yang perlu dilakukan.</p>\n");
	stuck_form(&reply->body, &opds, &filter);
	asn_str_printfa(&reply->body, "<p class=\"count\"><b>%zu</b> ASN &middot; <a href=\"",
			report.flagged_count);
	csv_href(&reply->body, &filter);
	asn_str_append(&reply->body, "\">Unduh CSV</a></p>\n");
	if (report.flagged_count == 0)
		asn_str_append(&reply->body, "<p class=\"empty\">Tidak ada ASN yang perlu tindakan "
			       "untuk pilihan ini.</p>\n");
	else
		asn_bsre_flagged_html(&reply->body, &report, "/orang/");
	page_end(reply);
	asn_strv_free(&opds);
	asn_bsre_progress_report_free(&report);
}

static void fact(struct asn_str *out, const char *label, const char *value)
{
	asn_str_printfa(out, "<tr><th>%s</th><td>", label);
	asn_html_text(out, value != NULL && value[0] != '\0' ? value : "-");
	asn_str_append(out, "</td></tr>\n");
}

static void case_row(struct asn_str *out, const struct asn_case *c,
		     const struct portal_caller *caller, const char *email)
{
	asn_str_append(out, "<tr class=\"case\"><td data-k=\"Waktu\">");
	asn_html_date(out, c->at);
	asn_str_append(out, "</td><td data-k=\"Peristiwa\"><b>Catatan verifikator:</b> ");
	asn_html_text(out, asn_case_kind_label(c->kind));
	if (c->action[0] != '\0') {
		asn_str_append(out, " &middot; ");
		asn_html_text(out, asn_case_action_label(c->action));
	}
	if (c->note[0] != '\0') {
		asn_str_append(out, "<br><q>");
		asn_html_text(out, c->note);
		asn_str_append(out, "</q>");
	}
	asn_str_append(out, "</td><td data-k=\"Keterangan\">oleh ");
	asn_html_text(out, c->by);
	if (c->resolved_at != 0) {
		asn_str_append(out, "; selesai ");
		asn_html_date(out, c->resolved_at);
		asn_str_append(out, " oleh ");
		asn_html_text(out, c->resolved_by);
	} else {
		asn_str_printfa(out, "; <b>%s</b><form class=\"inline\" method=\"post\" "
				"action=\"/kasus/%lld/tutup\"><input type=\"hidden\" name=\"csrf\" "
				"value=\"%s\"><input type=\"hidden\" name=\"orang\" value=\"",
				asn_bsre_handling_label(true), (long long)c->id, caller->session.csrf);
		asn_html_text(out, email);
		asn_str_append(out, "\"><button type=\"submit\">Tandai selesai</button></form>");
	}
	asn_str_append(out, "</td></tr>\n");
}

/* The BSrE mails and the verifiers' cases, by time. */
static void timeline(struct asn_str *out, const struct asn_bsre_status *st,
		     const struct portal_caller *caller)
{
	size_t e = 0, c = 0;

	asn_str_append(out, "<table class=\"timeline\"><thead><tr><th>Waktu</th>"
		       "<th>Peristiwa</th><th>Keterangan</th></tr></thead><tbody>\n");
	while (e < st->event_count || c < st->cases.count) {
		if (c == st->cases.count ||
		    (e < st->event_count && st->events[e].received_at <= st->cases.items[c].at)) {
			const struct asn_bsre_status_event *ev = &st->events[e++];

			asn_str_append(out, "<tr><td data-k=\"Waktu\">");
			asn_html_date(out, ev->received_at);
			asn_str_append(out, "</td><td data-k=\"Peristiwa\">Email: ");
			asn_html_text(out, ev->subject);
			asn_str_printfa(out, "</td><td data-k=\"Keterangan\" class=\"%s\">%s</td>"
					"</tr>\n", asn_bsre_status_event_trust(ev),
					asn_bsre_status_event_trust_label(ev));
		} else {
			case_row(out, &st->cases.items[c++], caller, st->email);
		}
	}
	asn_str_append(out, "</tbody></table>\n");
}

static void word_options(struct asn_str *out, const struct asn_case_word *words,
			 unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		asn_str_printfa(out, "<option value=\"%s\">", words[i].code);
		asn_html_text(out, words[i].label);
		asn_str_append(out, "</option>");
	}
}

/* Recording what the mail cannot show: BSrE portal failures, what the
   verifier did. */
static void case_form(struct asn_str *out, const struct asn_bsre_status *st,
		      const struct portal_caller *caller)
{
	asn_str_append(out, "<h2>Catat penanganan</h2>\n<p>Untuk yang tidak terlihat dari email "
		       "(misalnya NIK tidak ditemukan di portal BSrE): kasusnya dan apa yang sudah "
		       "Anda lakukan. Jangan menulis tautan atau kata sandi.</p>\n"
		       "<form class=\"filter\" method=\"post\" action=\"/orang/");
	asn_url_encode(out, st->email);
	asn_str_printfa(out, "/kasus\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			"<label>Kasus<select name=\"kind\" required>", caller->session.csrf);
	word_options(out, asn_case_kinds, asn_case_kinds_count);
	asn_str_append(out, "</select></label><label>Tindakan<select name=\"action\">"
		       "<option value=\"\">(belum ada)</option>");
	word_options(out, asn_case_actions, asn_case_actions_count);
	asn_str_printfa(out, "</select></label><label>Catatan<input name=\"note\" maxlength=\"%d\">"
			"</label><button type=\"submit\">Simpan</button></form>\n",
			ASN_CASE_NOTE_MAX);
}

void portal_page_person(struct portal *p, struct asn_store *store, const char *user,
			const struct portal_caller *caller, struct portal_reply *reply)
{
	struct asn_bsre_status st;
	struct asn_error err;
	struct asn_str *out = &reply->body;
	int ret;

	if (!asn_web_text_ok(user, 254)) {
		portal_page_error(caller, MHD_HTTP_BAD_REQUEST, "Alamat atau NIP tidak sah.", reply);
		return;
	}
	ret = asn_verifier_status_load(store, &p->set, &caller->verifier, user,
				       ASN_LOOKUP_PORTAL, asn_now(), &st, &err);
	if (ret < 0) {
		portal_store_failed(p, caller, "person", &err, reply);
		return;
	}
	if (ret == 0) {
		/* Absent and out of scope alike. */
		portal_page_error(caller, MHD_HTTP_NOT_FOUND, "Tidak ada ASN dengan alamat atau NIP "
				  "ini di OPD Anda.", reply);
		return;
	}
	reply->status = MHD_HTTP_OK;
	page_begin(reply, caller, st.name != NULL && st.name[0] != '\0' ? st.name : st.email,
		   NULL);
	asn_str_append(out, "<h1>");
	asn_html_text(out, st.name != NULL && st.name[0] != '\0' ? st.name : st.email);
	asn_str_append(out, "</h1>\n<table class=\"facts\">\n");
	fact(out, "Email", st.email);
	fact(out, "NIP", st.nip);
	fact(out, "OPD", st.opd);
	fact(out, "Kata sandi email", st.disabled ? "akun dinonaktifkan" : st.must_change ?
	     "masih kata sandi bawaan (belum diganti)" : "sudah diganti oleh ASN");
	asn_str_printfa(out, "<tr><th>Tahap</th><td>%s <small>(portal BSrE: %s)</small></td></tr>\n",
			asn_bsre_stage_label(st.progress.stage),
			asn_bsre_stage_portal_word(st.progress.stage));
	if (st.certificate != NULL) {
		const struct asn_bsre_status_event *c = st.certificate;

		fact(out, "Sertifikat: nama", c->common_name);
		fact(out, "Sertifikat: organisasi", c->organization);
		fact(out, "Sertifikat: nomor seri", c->serial);
		fact(out, "Sertifikat: berlaku sampai", c->valid_until);
	}
	asn_str_append(out, "</table>\n<h2>Masalah dan tindakan</h2>\n");
	if (st.progress.diagnosis_count == 0)
		asn_str_append(out, "<p>Tidak ada masalah yang terlihat.</p>\n");
	for (unsigned int i = 0; i < st.progress.diagnosis_count; i++)
		asn_str_printfa(out, "<div class=\"d\"><b>%s</b><br>%s</div>\n",
				asn_bsre_diagnosis_label(st.progress.diagnoses[i]),
				asn_bsre_diagnosis_message(st.progress.diagnoses[i]));
	asn_str_append(out, "<h2>Riwayat</h2>\n");
	if (st.event_count == 0 && st.cases.count == 0) {
		asn_str_append(out, "<p>Belum ada email BSrE di kotak surat ini dan belum ada "
			       "catatan verifikator.</p>\n");
	} else {
		timeline(out, &st, caller);
	}
	case_form(out, &st, caller);
	page_end(reply);
	asn_web_log(&p->log, LOG_INFO, "%s looked at %s (portal)", caller->session.email, st.email);
	asn_bsre_status_free(&st);
}

void portal_page_tokens(struct portal *p, struct asn_store *store,
			const struct portal_caller *caller, const char *new_token,
			const char *message, struct portal_reply *reply)
{
	struct asn_api_token *tokens = NULL;
	struct asn_str *out = &reply->body;
	struct asn_error err;
	size_t count = 0;

	if (asn_store_api_token_list(store, caller->verifier.id, &tokens, &count, &err) < 0) {
		portal_store_failed(p, caller, "tokens", &err, reply);
		return;
	}
	reply->status = MHD_HTTP_OK;
	page_begin(reply, caller, "Token API", "/token");
	asn_str_append(out, "<h1>Token API</h1>\n<p>Untuk dasbor provinsi: token membaca API "
		       "portal ini (<code>GET /api/v1/...</code>, dengan kepala <code>Authorization: "
		       "Bearer TOKEN</code>) dengan hak baca yang sama dengan Anda. Simpan token "
		       "seperti kata sandi; cabut bila tidak dipakai lagi.</p>\n");
	if (message != NULL) {
		asn_str_append(out, "<p class=\"notice\" role=\"status\">");
		asn_html_text(out, message);
		asn_str_append(out, "</p>\n");
	}
	if (new_token != NULL)
		asn_str_printfa(out, "<div class=\"newtoken\"><p><b>Token baru</b> (hanya "
				"ditampilkan sekali ini, salin sekarang):</p><p><code>%s</code></p>"
				"</div>\n", new_token);
	if (count == 0) {
		asn_str_append(out, "<p>Belum ada token.</p>\n");
	} else {
		asn_str_append(out, "<table class=\"tokens\"><thead><tr><th>Nama</th><th>Dibuat</th>"
			       "<th>Terakhir dipakai</th><th></th></tr></thead><tbody>\n");
		for (size_t i = 0; i < count; i++) {
			asn_str_append(out, "<tr><td data-k=\"Nama\">");
			asn_html_text(out, tokens[i].name);
			asn_str_append(out, "</td><td data-k=\"Dibuat\">");
			asn_html_date(out, tokens[i].created_at);
			asn_str_append(out, "</td><td data-k=\"Terakhir dipakai\">");
			asn_html_date(out, tokens[i].last_used_at);
			asn_str_printfa(out, "</td><td><form method=\"post\" action=\"/token/cabut\">"
					"<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
					"<input type=\"hidden\" name=\"id\" value=\"%lld\">"
					"<button type=\"submit\">Cabut</button></form></td></tr>\n",
					caller->session.csrf, (long long)tokens[i].id);
			asn_api_token_free(&tokens[i]);
		}
		asn_str_append(out, "</tbody></table>\n");
	}
	free(tokens);
	asn_str_printfa(out, "<h2>Buat token</h2>\n<form class=\"filter\" method=\"post\" "
			"action=\"/token\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			"<label>Nama (untuk apa token ini)<input name=\"name\" required "
			"maxlength=\"%d\"></label><label>Kata sandi Anda<input type=\"password\" "
			"name=\"password\" autocomplete=\"current-password\" required></label>"
			"<button type=\"submit\">Buat token</button></form>\n",
			caller->session.csrf, ASN_API_TOKEN_NAME_MAX);
	page_end(reply);
}

const char *portal_stylesheet(void)
{
	return
	"*{box-sizing:border-box}"
	"body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1d1d1d;background:#f6f7f9}"
	"header{display:flex;flex-wrap:wrap;gap:.5em 1.2em;align-items:center;padding:.6em 1em;"
	"background:#0b4f8a;color:#fff}"
	"header a{color:#fff}.brand{font-weight:bold}"
	"nav{display:flex;gap:1em}nav a[aria-current]{font-weight:bold;text-decoration:none}"
	".logout{margin-left:auto;display:flex;gap:.5em;align-items:center}"
	".who{font-size:.85em;opacity:.9;overflow-wrap:anywhere}"
	"main{max-width:1200px;margin:0 auto;padding:1em}"
	"footer{max-width:1200px;margin:1em auto;padding:0 1.25em;font-size:.8em;color:#666}"
	"h1{font-size:1.4em}h2{font-size:1.15em}"
	"section.opd{background:#fff;border:1px solid #dde;border-radius:6px;padding:.8em;"
	"margin-bottom:1em}"
	"svg.funnel{width:100%;max-width:420px;display:block;margin:.5em 0}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{border:1px solid #dde;padding:.35em .5em;text-align:left;vertical-align:top}"
	"table.flagged td[data-k=\"Email\"]{overflow-wrap:anywhere;min-width:10em}"
	"table.flagged td[data-k=\"Masalah\"]{min-width:22em}"
	"form.inline{display:inline;margin-left:.5em}"
	"th{background:#eef2f6}"
	".d{margin:.2em 0 .5em}.d b{color:#a4161a}"
	".error{color:#a4161a;font-weight:bold}"
	".newtoken{background:#fff8e1;border:1px solid #e0c050;padding:.5em;overflow-wrap:anywhere}"
	".untrusted,.replayed{color:#a4161a}.unverified{color:#8a5a00}"
	"form.login{display:flex;flex-direction:column;gap:.8em;max-width:360px}"
	"form.filter{display:flex;flex-wrap:wrap;gap:.6em;align-items:flex-end;margin-bottom:.8em}"
	"label{display:flex;flex-direction:column;font-size:.9em;gap:.2em}"
	"input,select,button{font:inherit;padding:.4em;min-height:2.4em}"
	"button{background:#0b4f8a;color:#fff;border:0;border-radius:4px;padding:.4em 1em}"
	"header button{background:#fff;color:#0b4f8a}"
	"table.facts th{width:14em}"
	/* Phones: each row of a list becomes a card, its cells labelled. */
	"@media (max-width:700px){"
	"table.flagged thead,table.timeline thead{display:none}"
	"table.flagged tr,table.timeline tr{display:block;border:1px solid #dde;margin-bottom:.7em;"
	"background:#fff}"
	"table.flagged td,table.timeline td{display:block;border:0;border-bottom:1px solid #eef}"
	"table.flagged td::before,table.timeline td::before{content:attr(data-k);display:block;"
	"font-size:.75em;color:#666}"
	"table.facts th{width:auto}"
	"table.stages small,table.facts td{overflow-wrap:anywhere}"
	"table.flagged td[data-k=\"Masalah\"]{min-width:0}"
	"table.timeline td[data-k=\"Waktu\"]{display:inline-block;border:0}"
	"form.filter label,form.filter button{width:100%}"
	"}\n";
}
