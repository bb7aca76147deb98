/* Stages and diagnoses from a user's BSrE events. */
#include "tap.h"
#include "asn-bsre-progress.h"

#define DAY 86400
#define NOW ((time_t)1795305600)	/* 2026-11-22 */

struct ev {
	enum asn_bsre_event type;
	int days_ago;		/* received NOW - days_ago*DAY */
	bool trusted;
	const char *valid_until;
};

static const struct asn_bsre_progress_settings set = { DAY, DAY, 30 * DAY };

static const struct {
	const char *name;
	struct ev events[6];
	size_t count;
	bool must_change;
	enum asn_bsre_stage stage;
	const char *diagnoses;	/* names joined with ',' */
} cases[] = {
	{ "nothing yet, default password", { { 0 } }, 0, true, ASN_BSRE_STAGE_NONE,
	  "default_password_unchanged,no_bsre_mail" },
	{ "activation sent today", { { ASN_BSRE_ACCOUNT_ACTIVATION, 0, true, NULL } }, 1, false,
	  ASN_BSRE_STAGE_ACTIVATION_SENT, "" },
	{ "activation link expired", { { ASN_BSRE_ACCOUNT_ACTIVATION, 3, true, NULL } }, 1, false,
	  ASN_BSRE_STAGE_ACTIVATION_SENT, "activation_link_expired" },
	{ "activation resent after expiry", { { ASN_BSRE_ACCOUNT_ACTIVATION, 3, true, NULL },
	  { ASN_BSRE_ACCOUNT_ACTIVATION, 0, true, NULL } }, 2, false,
	  ASN_BSRE_STAGE_ACTIVATION_SENT, "" },
	{ "account active", { { ASN_BSRE_ACCOUNT_ACTIVATION, 5, true, NULL },
	  { ASN_BSRE_ACCOUNT_INFO, 4, true, NULL } }, 2, false, ASN_BSRE_STAGE_ACCOUNT_ACTIVE, "" },
	{ "passphrase link expired", { { ASN_BSRE_ACCOUNT_ACTIVATION, 9, true, NULL },
	  { ASN_BSRE_ACCOUNT_INFO, 8, true, NULL }, { ASN_BSRE_SET_PASSPHRASE, 7, true, NULL } },
	  3, false, ASN_BSRE_STAGE_PASSPHRASE_PENDING, "passphrase_link_expired" },
	{ "certificate issued", { { ASN_BSRE_SET_PASSPHRASE, 7, true, NULL },
	  { ASN_BSRE_CERTIFICATE_ISSUED, 6, true, "2027-11-01" } }, 2, false,
	  ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "" },
	{ "certificate expiring", { { ASN_BSRE_CERTIFICATE_ISSUED, 300, true, "2026-12-10" } }, 1,
	  false, ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "certificate_expiring" },
	{ "certificate expired", { { ASN_BSRE_CERTIFICATE_ISSUED, 400, true, "2026-10-01" } }, 1,
	  false, ASN_BSRE_STAGE_CERTIFICATE_EXPIRED, "certificate_expired" },
	{ "a year alone lasts to its end", { { ASN_BSRE_CERTIFICATE_ISSUED, 300, true, "2026" } }, 1,
	  false, ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "" },	/* 39 days left */
	{ "issued while the mailbox keeps its default password", { { ASN_BSRE_CERTIFICATE_ISSUED, 300, true, "2026" } }, 1,
	  true, ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "default_password_unchanged" },
	{ "renewal after issue", { { ASN_BSRE_CERTIFICATE_ISSUED, 400, true, "2026-12-01" },
	  { ASN_BSRE_RENEWAL, 2, true, NULL } }, 2, false, ASN_BSRE_STAGE_RENEWAL_PENDING, "" },
	{ "renewal then new certificate", { { ASN_BSRE_RENEWAL, 2, true, NULL },
	  { ASN_BSRE_CERTIFICATE_ISSUED, 1, true, "2027-12-01" } }, 2, false,
	  ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "" },
	{ "untrusted mails never move the stage", { { ASN_BSRE_ACCOUNT_ACTIVATION, 5, true, NULL },
	  { ASN_BSRE_CERTIFICATE_ISSUED, 1, false, "2030-01-01" } }, 2, false,
	  ASN_BSRE_STAGE_ACTIVATION_SENT, "activation_link_expired,suspicious_bsre_mail" },
	{ "only a phishing mail", { { ASN_BSRE_SET_PASSPHRASE, 1, false, NULL } }, 1, false,
	  ASN_BSRE_STAGE_NONE, "no_bsre_mail,suspicious_bsre_mail" },
	{ "events out of order are sorted", { { ASN_BSRE_CERTIFICATE_ISSUED, 1, true, "2028-01-01" },
	  { ASN_BSRE_ACCOUNT_ACTIVATION, 10, true, NULL } }, 2, false,
	  ASN_BSRE_STAGE_CERTIFICATE_ISSUED, "" },
	{ "reset and other mails change nothing", { { ASN_BSRE_ACCOUNT_INFO, 3, true, NULL },
	  { ASN_BSRE_PASSWORD_RESET, 2, true, NULL }, { ASN_BSRE_OTHER, 1, true, NULL } }, 3, false,
	  ASN_BSRE_STAGE_ACCOUNT_ACTIVE, "" },
};

static const char *or_empty(const char *s)
{
	return s == NULL ? "" : s;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct asn_bsre_event_record recs[6];
		struct asn_bsre_progress p;
		struct asn_str diags = { 0 };

		memset(recs, 0, sizeof(recs));	/* the fields a case leaves out */
		for (size_t e = 0; e < cases[i].count; e++) {
			recs[e].type = cases[i].events[e].type;
			recs[e].received_at = NOW - (time_t)cases[i].events[e].days_ago * DAY;
			recs[e].trusted = cases[i].events[e].trusted;
			recs[e].valid_until = cases[i].events[e].valid_until;
		}
		asn_bsre_progress_compute(recs, cases[i].count, cases[i].must_change, NOW, &set, &p);
		tap_ok(p.stage == cases[i].stage, "%s: stage %s (got %s)", cases[i].name,
		       asn_bsre_stage_name(cases[i].stage), asn_bsre_stage_name(p.stage));
		for (unsigned int d = 0; d < p.diagnosis_count; d++) {
			if (d > 0)
				asn_str_append_c(&diags, ',');
			asn_str_append(&diags, asn_bsre_diagnosis_name(p.diagnoses[d]));
		}
		tap_is_str(asn_str_c(&diags), cases[i].diagnoses, "%s: diagnoses", cases[i].name);
		asn_str_free(&diags);
	}
	for (int d = 0; d < ASN_BSRE_DIAG_COUNT; d++) {
		enum asn_bsre_diagnosis back;

		tap_ok(asn_bsre_diagnosis_parse(asn_bsre_diagnosis_name(d), &back) == 0 && (int)back == d &&
		       strlen(asn_bsre_diagnosis_message(d)) > 40,
		       "diagnosis %s: name round-trips, message in Bahasa Indonesia",
		       asn_bsre_diagnosis_name(d));
	}
	/* The one stage table: every stage up to the count has its names,
	   distinct, and the long name parses back. */
	for (int s = 0; s < ASN_BSRE_STAGE_COUNT; s++) {
		const char *name = or_empty(asn_bsre_stage_name(s));
		const char *short_name = or_empty(asn_bsre_stage_short_name(s));
		const char *portal = or_empty(asn_bsre_stage_portal_word(s));
		enum asn_bsre_stage back;
		bool distinct = true;

		for (int t = 0; t < s; t++) {
			if (strcmp(or_empty(asn_bsre_stage_name(t)), name) == 0 ||
			    strcmp(or_empty(asn_bsre_stage_short_name(t)), short_name) == 0 ||
			    strcmp(or_empty(asn_bsre_stage_portal_word(t)), portal) == 0)
				distinct = false;
		}
		tap_ok(name[0] != '\0' && portal[0] != '\0' &&
		       strcmp(name, "?") != 0 && strlen(short_name) >= 1 &&
		       strlen(short_name) <= 7 && distinct &&
		       asn_bsre_stage_parse(name, &back) == 0 && (int)back == s,
		       "stage %d (%s): long, short and portal names, distinct, parsed back",
		       s, name);
	}
	tap_is_str(asn_bsre_stage_name(ASN_BSRE_STAGE_COUNT), "?", "no stage past the count");
	tap_is_str(asn_bsre_stage_portal_word(ASN_BSRE_STAGE_CERTIFICATE_ISSUED), "ISSUE",
		   "stage certificate_issued is BSrE's ISSUE");
	tap_ok(asn_bsre_valid_until_time("2027-04-30") == 1809129599, "valid until: end of the day (%lld)",
	       (long long)asn_bsre_valid_until_time("2027-04-30"));
	tap_ok(asn_bsre_valid_until_time("bad") == 0 && asn_bsre_valid_until_time("") == 0,
	       "valid until: invalid is 0");
	return tap_done();
}
