/* asnctl progress --html: one self-contained page (inline CSS and SVG, no
   script, no external resource) that a verifier can open offline or mail
   on. */
#include "asnctl.h"
#include "asn-bsre-report.h"
#include "asn-case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void html_text(struct asn_str *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': asn_str_append(out, "&amp;"); break;
		case '<': asn_str_append(out, "&lt;"); break;
		case '>': asn_str_append(out, "&gt;"); break;
		case '"': asn_str_append(out, "&quot;"); break;
		case '\'': asn_str_append(out, "&#39;"); break;
		default: asn_str_append_c(out, *s); break;
		}
	}
}

/* Users who reached each step of BSrE's flow, from the stage counts. */
static void funnel_steps(const struct asn_bsre_opd_counts *c, unsigned int steps[5])
{
	const unsigned int *s = c->stages;
	unsigned int certificate = s[ASN_BSRE_STAGE_CERTIFICATE_ISSUED] +
		s[ASN_BSRE_STAGE_CERTIFICATE_EXPIRED] + s[ASN_BSRE_STAGE_RENEWAL_PENDING];
	unsigned int passphrase = certificate + s[ASN_BSRE_STAGE_PASSPHRASE_PENDING];
	unsigned int active = passphrase + s[ASN_BSRE_STAGE_ACCOUNT_ACTIVE];

	steps[0] = c->users;
	steps[1] = c->users - s[ASN_BSRE_STAGE_NONE];
	steps[2] = active;
	steps[3] = passphrase;
	steps[4] = certificate;
}

static void funnel_svg(struct asn_str *out, const struct asn_bsre_opd_counts *c)
{
	static const char *const labels[] = {
		"Akun email", "Aktivasi dikirim", "Akun BSrE aktif", "Passphrase diminta",
		"Sertifikat terbit",
	};
	static const char *const colors[] = {
		"#9e9e9e", "#64b5f6", "#4fc3f7", "#4db6ac", "#66bb6a",
	};
	const unsigned int width = 420, bar_h = 22, gap = 6, label_w = 150;
	unsigned int steps[5];

	funnel_steps(c, steps);
	asn_str_printfa(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
			"role=\"img\" aria-label=\"funnel\">", label_w + width + 70,
			5 * (bar_h + gap));
	for (unsigned int i = 0; i < 5; i++) {
		unsigned int w = c->users == 0 ? 0 : (unsigned int)((unsigned long long)steps[i] *
								    width / c->users);
		unsigned int y = i * (bar_h + gap);

		asn_str_printfa(out, "<text x=\"0\" y=\"%u\" font-size=\"12\">%s</text>",
				y + bar_h - 7, labels[i]);
		asn_str_printfa(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
				"fill=\"%s\"/>", label_w + (width - w) / 2, y, w, bar_h, colors[i]);
		asn_str_printfa(out, "<text x=\"%u\" y=\"%u\" font-size=\"12\">%u</text>",
				label_w + width + 8, y + bar_h - 7, steps[i]);
	}
	asn_str_append(out, "</svg>");
}

static void opd_section(struct asn_str *out, const struct asn_bsre_opd_counts *c,
			const char *title)
{
	asn_str_append(out, "<section><h2>");
	html_text(out, title);
	asn_str_printfa(out, "</h2><p>%u pengguna &middot; %u perlu dibantu: %u %s, %u %s</p>",
			c->users, c->flagged, c->handled, asn_case_handling_label(true),
			c->unhandled, asn_case_handling_label(false));
	funnel_svg(out, c);
	asn_str_append(out, "<table><tr>");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		asn_str_printfa(out, "<th>%s</th>", asn_bsre_stage_name((enum asn_bsre_stage)s));
	asn_str_append(out, "</tr><tr>");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		asn_str_printfa(out, "<td>%u</td>", c->stages[s]);
	asn_str_append(out, "</tr></table></section>\n");
}

int asnctl_progress_html(const struct asn_bsre_progress_report *r,
			 const struct asn_bsre_progress_filter *filter, const char *path)
{
	struct asn_str out = { NULL, 0, 0 };
	char when[64];
	int fd, ret = EX_OK;
	size_t done = 0;

	asn_str_append(&out, "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
		       "<title>Progres aktivasi BSrE</title><style>"
		       "body{font-family:sans-serif;margin:2em;color:#222}"
		       "section{margin-bottom:2em}table{border-collapse:collapse}"
		       "th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}"
		       "th{background:#f0f0f0}.d{color:#b71c1c}"
		       "</style></head><body>\n<h1>Progres aktivasi BSrE</h1>\n<p>Dibuat ");
	html_text(&out, asnctl_format_time(asn_now(), when, sizeof(when)));
	if (filter->opd != NULL) {
		asn_str_append(&out, " &middot; OPD ");
		html_text(&out, filter->opd);
	}
	if (filter->has_stage)
		asn_str_printfa(&out, " &middot; tahap %s", asn_bsre_stage_name(filter->stage));
	if (filter->has_diagnosis)
		asn_str_printfa(&out, " &middot; diagnosis %s",
				asn_bsre_diagnosis_name(filter->diagnosis));
	asn_str_append(&out, "</p>\n");
	opd_section(&out, &r->total, "Semua OPD");
	for (size_t i = 0; i < r->opd_count; i++)
		opd_section(&out, &r->opds[i],
			    r->opds[i].opd[0] != '\0' ? r->opds[i].opd : "(tanpa OPD)");

	asn_str_printfa(&out, "<section><h2>Pengguna yang perlu dibantu (%zu), terlama dulu</h2>"
			"<table><tr><th>Sejak</th><th>Email</th><th>Nama</th><th>OPD</th>"
			"<th>Tahap</th><th>Diagnosis</th><th>Penanganan</th></tr>\n",
			r->flagged_count);
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];

		asn_str_append(&out, "<tr><td>");
		html_text(&out, asnctl_format_time(f->since, when, sizeof(when)));
		asn_str_append(&out, "</td><td>");
		html_text(&out, f->email);
		asn_str_append(&out, "</td><td>");
		html_text(&out, f->name);
		asn_str_append(&out, "</td><td>");
		html_text(&out, f->opd);
		asn_str_printfa(&out, "</td><td>%s</td><td>", asn_bsre_stage_name(f->stage));
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
			if ((f->diagnosis_mask & (1U << d)) == 0)
				continue;
			asn_str_printfa(&out, "<div class=\"d\" title=\"");
			html_text(&out, asn_bsre_diagnosis_message((enum asn_bsre_diagnosis)d));
			asn_str_printfa(&out, "\">%s</div>",
					asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
		}
		asn_str_printfa(&out, "</td><td>%s</td></tr>\n",
				asn_case_handling_label(f->handled));
	}
	asn_str_append(&out, "</table></section>\n<section><h2>Arti diagnosis</h2><table>");
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
		asn_str_printfa(&out, "<tr><th>%s</th><td>",
				asn_bsre_diagnosis_name((enum asn_bsre_diagnosis)d));
		html_text(&out, asn_bsre_diagnosis_message((enum asn_bsre_diagnosis)d));
		asn_str_append(&out, "</td></tr>");
	}
	asn_str_append(&out, "</table></section>\n</body></html>\n");

	if (strcmp(path, "-") == 0)
		fd = STDOUT_FILENO;
	else if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		asnctl_error("%s: %s", path, strerror(errno));
		asn_str_free(&out);
		return EX_CANTCREAT;
	}
	while (done < out.len) {
		ssize_t n = write(fd, out.data + done, out.len - done);

		if (n <= 0) {
			asnctl_error("%s: %s", path, n < 0 ? strerror(errno) : "short write");
			ret = EX_IOERR;
			break;
		}
		done += (size_t)n;
	}
	if (fd != STDOUT_FILENO && close(fd) < 0 && ret == EX_OK) {
		asnctl_error("%s: %s", path, strerror(errno));
		ret = EX_IOERR;
	}
	asn_str_free(&out);
	return ret;
}
