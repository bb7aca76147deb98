/* The progress report as HTML for people: the words of the procedure in
   Bahasa Indonesia, never the machine codes (those stay in JSON and CSV).
   One rendering for asnctl progress --html and the verifiers' portal. */
#include "asn-bsre-report.h"
#include "asn-html.h"

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
	const unsigned int width = 200, bar_h = 22, gap = 6, label_w = 130;
	unsigned int steps[5];

	funnel_steps(c, steps);
	/* viewBox: the drawing scales down to a phone's width. */
	asn_str_printfa(out, "<svg class=\"funnel\" xmlns=\"http://www.w3.org/2000/svg\" "
			"viewBox=\"0 0 %u %u\" role=\"img\" aria-label=\"Corong aktivasi\">",
			label_w + width + 50, 5 * (bar_h + gap));
	for (unsigned int i = 0; i < 5; i++) {
		unsigned int w = c->users == 0 ? 0 : (unsigned int)((unsigned long long)steps[i] *
								    width / c->users);
		unsigned int y = i * (bar_h + gap);

		asn_str_printfa(out, "<text x=\"0\" y=\"%u\" font-size=\"14\">%s</text>",
				y + bar_h - 7, labels[i]);
		asn_str_printfa(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
				"fill=\"%s\"/>", label_w + (width - w) / 2, y, w, bar_h, colors[i]);
		asn_str_printfa(out, "<text x=\"%u\" y=\"%u\" font-size=\"14\">%u</text>",
				label_w + width + 8, y + bar_h - 7, steps[i]);
	}
	asn_str_append(out, "</svg>");
}

void asn_bsre_counts_html(struct asn_str *out, const struct asn_bsre_opd_counts *c,
			  const char *title)
{
	asn_str_append(out, "<section class=\"opd\"><h2>");
	asn_html_text(out, title);
	asn_str_printfa(out, "</h2>\n<p class=\"facts\"><b>%u</b> ASN &middot; <b>%u</b> perlu "
			"tindakan (%u %s, %u %s) &middot; <b>%u</b> masih kata sandi bawaan "
			"&middot; <b>%u</b> sertifikat segera berakhir</p>\n", c->users, c->flagged,
			c->handled, asn_bsre_handling_label(true),
			c->unhandled, asn_bsre_handling_label(false),
			c->diagnoses[ASN_BSRE_DIAG_DEFAULT_PASSWORD_UNCHANGED],
			c->diagnoses[ASN_BSRE_DIAG_CERTIFICATE_EXPIRING]);
	funnel_svg(out, c);
	asn_str_append(out, "\n<table class=\"stages\"><tr><th>Tahap</th>"
		       "<th>Status di portal BSrE</th><th>ASN</th></tr>\n");
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		asn_str_printfa(out, "<tr><td>%s</td><td><small>%s</small></td><td>%u</td></tr>\n",
				asn_bsre_stage_label((enum asn_bsre_stage)s),
				asn_bsre_stage_portal_word((enum asn_bsre_stage)s), c->stages[s]);
	asn_str_append(out, "</table></section>\n");
}

void asn_bsre_flagged_html(struct asn_str *out, const struct asn_bsre_progress_report *r,
			   const char *person_href)
{
	asn_str_append(out, "<table class=\"flagged\"><thead><tr><th>Sejak</th><th>Nama</th>"
		       "<th>Email</th><th>NIP</th><th>OPD</th><th>Tahap</th>"
		       "<th>Masalah dan tindakan</th><th>Penanganan</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->flagged_count; i++) {
		const struct asn_bsre_flagged_user *f = &r->flagged[i];

		asn_str_append(out, "<tr><td data-k=\"Sejak\">");
		asn_html_date(out, f->since);
		asn_str_append(out, "</td><td data-k=\"Nama\">");
		if (person_href != NULL) {
			asn_str_append(out, "<a href=\"");
			asn_html_text(out, person_href);
			asn_url_encode(out, f->email);
			asn_str_append(out, "\">");
		}
		asn_html_text(out, f->name[0] != '\0' ? f->name : f->email);
		if (person_href != NULL)
			asn_str_append(out, "</a>");
		asn_str_append(out, "</td><td data-k=\"Email\">");
		asn_html_text(out, f->email);
		asn_str_append(out, "</td><td data-k=\"NIP\">");
		asn_html_text(out, f->nip);
		asn_str_append(out, "</td><td data-k=\"OPD\">");
		asn_html_text(out, f->opd[0] != '\0' ? f->opd : "(tanpa akun)");
		asn_str_printfa(out, "</td><td data-k=\"Tahap\">%s</td><td data-k=\"Masalah\">",
				asn_bsre_stage_label(f->stage));
		for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
			if ((f->diagnosis_mask & (1U << d)) == 0)
				continue;
			asn_str_printfa(out, "<div class=\"d\"><b>%s</b><br>%s</div>",
					asn_bsre_diagnosis_label((enum asn_bsre_diagnosis)d),
					asn_bsre_diagnosis_message((enum asn_bsre_diagnosis)d));
		}
		asn_str_printfa(out, "</td><td data-k=\"Penanganan\" class=\"%s\">%s</td></tr>\n",
				asn_bsre_handling_name(f->handled),
				asn_bsre_handling_label(f->handled));
	}
	asn_str_append(out, "</tbody></table>\n");
}

void asn_bsre_diagnosis_legend_html(struct asn_str *out)
{
	asn_str_append(out, "<table class=\"legend\">");
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
		asn_str_printfa(out, "<tr><th>%s</th><td>%s</td></tr>",
				asn_bsre_diagnosis_label((enum asn_bsre_diagnosis)d),
				asn_bsre_diagnosis_message((enum asn_bsre_diagnosis)d));
	asn_str_append(out, "</table>\n");
}
