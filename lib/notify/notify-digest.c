/* The verifiers' daily digest: what changed in their OPDs since the last
   one, and the progress counts of those OPDs. */
#include "asn-notify.h"
#include "asn-verifier.h"

#include <stdlib.h>
#include <string.h>

struct change_list {
	struct asn_notify_digest *digest;
	size_t size;
	time_t since, now;
};

static void add_change(struct change_list *list, enum asn_notify_change_kind kind,
		       size_t person, enum asn_notify_condition condition, time_t at)
{
	struct asn_notify_digest *d = list->digest;

	/* within (since, now]: since 0 (never told) takes all that holds */
	if (at > list->now || (list->since != 0 && at <= list->since))
		return;
	if (d->change_count == list->size) {
		list->size = list->size == 0 ? 16 : list->size * 2;
		d->changes = asn_xrealloc(d->changes, list->size * sizeof(*d->changes));
	}
	d->changes[d->change_count].kind = kind;
	d->changes[d->change_count].person = person;
	d->changes[d->change_count].condition = condition;
	d->changes[d->change_count].at = at;
	d->change_count++;
}

static int compare_changes(const void *a, const void *b)
{
	const struct asn_notify_change *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person ? 1 : 0;
}

static void counts_add(struct asn_bsre_opd_counts *sum, const struct asn_bsre_opd_counts *c)
{
	sum->users += c->users;
	sum->flagged += c->flagged;
	for (unsigned int s = 0; s < ASN_BSRE_STAGE_COUNT; s++)
		sum->stages[s] += c->stages[s];
	for (unsigned int d = 0; d < ASN_BSRE_DIAG_COUNT; d++)
		sum->diagnoses[d] += c->diagnoses[d];
}

void asn_notify_digest_build(const struct asn_verifier *verifier,
			     const struct asn_notify_digest_person *people, size_t count,
			     const struct asn_bsre_progress_report *report,
			     time_t since, time_t now, struct asn_notify_digest *digest_r)
{
	struct change_list list = { digest_r, 0, since, now };

	memset(digest_r, 0, sizeof(*digest_r));
	for (size_t i = 0; i < count; i++) {
		const struct asn_notify_assessment *a = people[i].assessment;

		/* the scope is lib/verifier's rule, nothing of its own */
		if (!asn_verifier_sees_opd(verifier, people[i].person->opd))
			continue;
		for (unsigned int j = 0; j < a->due_count; j++) {
			const struct asn_notify_due *due = &a->due[j];

			if (due->condition == ASN_NOTIFY_CERTIFICATE_EXPIRING)
				add_change(&list, ASN_NOTIFY_NEWLY_EXPIRING, i, due->condition,
					   due->since);
			else
				add_change(&list, ASN_NOTIFY_NEWLY_STUCK, i, due->condition,
					   due->since);
		}
		if (a->issued_at != 0)
			add_change(&list, ASN_NOTIFY_NEWLY_ISSUED, i, ASN_NOTIFY_CONDITION_COUNT,
				   a->issued_at);
	}
	if (digest_r->change_count > 0)
		qsort(digest_r->changes, digest_r->change_count, sizeof(*digest_r->changes),
		      compare_changes);
	for (size_t i = 0; i < report->opd_count; i++) {
		if (!asn_verifier_sees_opd(verifier, report->opds[i].opd))
			continue;
		counts_add(&digest_r->counts, &report->opds[i]);
		digest_r->opd_count++;
	}
}

void asn_notify_digest_free(struct asn_notify_digest *digest)
{
	free(digest->changes);
	memset(digest, 0, sizeof(*digest));
}
