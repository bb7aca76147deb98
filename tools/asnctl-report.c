/* asnctl progress --html: one self-contained page (inline CSS and SVG, no
   script, no external resource) that a verifier can open offline or mail
   on. */
#include "asnctl.h"
#include "asn-bsre-report.h"
#include "asn-html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		       "th{background:#f0f0f0}.d{margin-bottom:4px}.d b{color:#b71c1c}"
		       "svg.funnel{max-width:420px;width:100%}"
		       "</style></head><body>\n<h1>Progres aktivasi BSrE</h1>\n<p>Dibuat ");
	asn_html_text(&out, asnctl_format_time(asn_now(), when, sizeof(when)));
	if (filter->opd != NULL) {
		asn_str_append(&out, " &middot; OPD ");
		asn_html_text(&out, filter->opd);
	}
	if (filter->has_stage)
		asn_str_printfa(&out, " &middot; tahap: %s", asn_bsre_stage_label(filter->stage));
	if (filter->has_diagnosis)
		asn_str_printfa(&out, " &middot; masalah: %s",
				asn_bsre_diagnosis_label(filter->diagnosis));
	asn_str_append(&out, "</p>\n");
	asn_bsre_counts_html(&out, &r->total, "Semua OPD");
	for (size_t i = 0; i < r->opd_count; i++)
		asn_bsre_counts_html(&out, &r->opds[i],
				     r->opds[i].opd[0] != '\0' ? r->opds[i].opd : "(tanpa OPD)");
	asn_str_printfa(&out, "<section><h2>Perlu tindakan (%zu), terlama dulu</h2>\n",
			r->flagged_count);
	asn_bsre_flagged_html(&out, r, NULL);
	asn_str_append(&out, "</section>\n<section><h2>Arti diagnosis</h2>\n");
	asn_bsre_diagnosis_legend_html(&out);
	asn_str_append(&out, "</section>\n</body></html>\n");

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
