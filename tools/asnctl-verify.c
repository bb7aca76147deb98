/* asnctl verify: BSrE events judged again.  The unverified ones (their
   DKIM check met a DNS failure at delivery) from the facts they kept;
   with PATH arguments, the recorded events of the mail found there
   (asnctl-scan.c's walk), e.g. those trusted before DKIM. */
#include "asnctl.h"
#include "asnctl-dkim.h"
#include "asn-bsre-mail.h"

#include <stdlib.h>
#include <string.h>

struct pending {
	struct asn_strv emails, keys, facts;	/* facts: "" when none were kept */
};

static int collect(const char *email, const char *key, const char *facts, void *context)
{
	struct pending *p = context;

	asn_strv_add(&p->emails, email);
	asn_strv_add(&p->keys, key);
	asn_strv_add(&p->facts, facts == NULL ? "" : facts);
	return 0;
}

struct tally {
	unsigned long trusted, untrusted, unverified, no_facts, unreadable;
};

/* One unverified event: the rest of the decision from the header it kept,
   DKIM from its facts.  Returns 0, or -1 on a store error. */
static int judge_again(struct asnctl *ctl, struct asn_store *store,
		       const struct asn_bsre_trust *trust, struct asn_bsre_dkim *dkim,
		       const char *email, const char *key, const char *facts, bool dry_run,
		       bool verbose, struct tally *t)
{
	struct asnctl_dkim_facts hook = { dkim, facts };
	struct asn_bsre_trust judged = *trust;
	struct asn_bsre_mail mail;
	struct asn_error err;
	const char *header = strchr(facts, '\n');
	int ret = 0;

	if (dkim != NULL)
		asnctl_dkim_hook_facts(&judged, &hook);
	if (header == NULL ||
	    asn_bsre_analyze(header + 1, strlen(header + 1), &judged, email,
			     ctl->set.bsre_body_max, &mail, NULL, &err) < 0 ||
	    mail.event == ASN_BSRE_NONE || strcmp(mail.message_key, key) != 0) {
		asnctl_warning("%s <%s>: its DKIM facts cannot be read: left unverified", email, key);
		t->unreadable++;
		return 0;
	}
	if (mail.trusted)
		t->trusted++;
	else if (mail.unverified)
		t->unverified++;
	else
		t->untrusted++;
	if (verbose)
		printf("%s <%s>: %s (%s)\n", email, key, mail.trusted ? "trusted" :
		       mail.replayed ? "REPLAYED" : mail.unverified ? "UNVERIFIED" : "UNTRUSTED",
		       mail.trusted ? mail.trusted_by : mail.trust_reason);
	if (!dry_run && asn_store_bsre_event_retrust(store, email, key, &mail, &err) < 0) {
		asnctl_error("%s <%s>: %s", email, key, err.msg);
		ret = -1;
	}
	asn_bsre_mail_clear(&mail);
	return ret;
}

int asnctl_verify_unverified(struct asnctl *ctl, struct asn_store *store,
			     const struct asn_bsre_trust *trust, struct asn_bsre_dkim *dkim,
			     bool dry_run, bool verbose)
{
	struct pending p;
	struct tally t;
	struct asn_error err;
	bool in_transaction = false;
	int ret = EX_OK;

	memset(&p, 0, sizeof(p));
	memset(&t, 0, sizeof(t));
	/* gathered first: the rows are updated after the walk */
	if (asn_store_bsre_unverified(store, collect, &p, &err) < 0) {
		asnctl_error("%s", err.msg);
		ret = EX_TEMPFAIL;
	}
	if (ret == EX_OK && !dry_run && p.emails.count > 0) {
		if (asn_store_begin(store, &err) < 0) {
			asnctl_error("%s", err.msg);
			ret = EX_TEMPFAIL;
		}
		in_transaction = ret == EX_OK;
	}
	for (size_t i = 0; ret == EX_OK && i < p.emails.count; i++) {
		if (p.facts.items[i][0] == '\0') {
			t.no_facts++;
			continue;
		}
		if (judge_again(ctl, store, trust, dkim, p.emails.items[i], p.keys.items[i],
				p.facts.items[i], dry_run, verbose, &t) < 0)
			ret = EX_TEMPFAIL;
	}
	if (in_transaction) {
		if (ret == EX_OK && asn_store_commit(store, &err) < 0) {
			asnctl_error("%s", err.msg);
			ret = EX_TEMPFAIL;
		} else if (ret != EX_OK) {
			asn_store_rollback(store);
		}
	}
	if (ret == EX_OK)
		printf("%zu unverified BSrE events judged again%s: %lu trusted, %lu untrusted, "
		       "%lu still unverified, %lu without DKIM facts, %lu unreadable\n",
		       p.emails.count, dry_run ? " (dry run: nothing changed)" : "", t.trusted,
		       t.untrusted, t.unverified, t.no_facts, t.unreadable);
	asn_strv_free(&p.emails);
	asn_strv_free(&p.keys);
	asn_strv_free(&p.facts);
	return ret;
}

void asnctl_verify_summary(struct asn_store *store)
{
	struct asn_bsre_trust_counts c;
	struct asn_error err;

	if (asn_store_bsre_trust_counts(store, &c, &err) < 0) {
		asnctl_error("%s", err.msg);
		return;
	}
	printf("recorded: %lu trusted by DKIM, %lu by Authentication-Results, %lu before DKIM "
	       "(legacy), %lu unverified, %lu untrusted, %lu replayed\n", c.dkim, c.authres,
	       c.legacy, c.unverified, c.untrusted, c.replayed);
	if (c.legacy > 0)
		printf("to judge the events trusted before DKIM again, give their mail: "
		       "asnctl verify --layout /var/vmail/%%d/%%n /var/vmail\n");
}

static int cmd_verify(struct asnctl *ctl, int argc, char **argv)
{
	return asnctl_scan_command(ctl, argc, argv, true);
}

const struct asnctl_command asnctl_cmd_verify = {
	"verify", cmd_verify,
	"verify [--user EMAIL | --layout PATTERN] [--dry-run] [--verbose] [PATH...]",
	"Judges BSrE events again.  First the unverified ones, whose DKIM check met\n"
	"a temporary failure (the DNS did not answer) when they came: from the\n"
	"facts they kept (their header and whether the body matched its signed\n"
	"hash; never the body), with today's keys.  A final verdict drops the\n"
	"facts.  Run it from cron (every 10 minutes is plenty).  Then, with PATH\n"
	"arguments walked as asnctl scan walks them, the recorded events of the\n"
	"mail found there, except those DKIM trusted already: e.g. the events\n"
	"trusted before DKIM (legacy), after an upgrade.\n"
};
