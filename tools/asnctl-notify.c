/* asnctl notify: stuck ASN told in their INBOX what to do, once per
   occurrence; verifiers a daily digest of their OPDs.  What is due and the
   texts are lib/notify's; here the gathering, the delivery and the
   remembering. */
#include "asnctl.h"
#include "asn-case.h"
#include "asn-notify.h"
#include "asn-store-notice.h"
#include "asn-verifier.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DIGEST_CONDITION "digest"

/* An account's password facts, looked up while walking the BSrE users. */
struct account_facts {
	char *email;
	bool disabled;
	time_t password_set_at, password_expires_at;
};

/* One ASN with something to say about them (a notice or a digest line). */
struct entry {
	struct asn_notify_person person;
	struct asn_notify_assessment assessment;
	time_t case_activity_at;	/* the latest case opened or closed, 0: none */
};

struct notify_run {
	struct asnctl *ctl;
	struct asn_store *store;
	struct asn_notify_settings nset;
	time_t now;
	bool dry_run;

	struct account_facts *accounts;
	size_t account_count, account_size;
	struct entry *entries;
	size_t entry_count, entry_size;
	struct asn_verifier *verifiers;
	size_t verifier_count, verifier_size;

	unsigned int sent, digests, failed, quiet_verifiers;
};

/* The verifier's case record holds notices (asn_case_held): while a
   verifier works on a person's case, the ASN is not told to call the one
   already on it.  The hold is the person's, whatever the condition. */
static bool held_by_case(const struct notify_run *run, const struct entry *e)
{
	time_t until;

	return asn_case_held(e->case_activity_at, run->now, run->ctl->set.case_notice_hold,
			     &until);
}

static int store_error(const struct asn_error *err)
{
	asnctl_error("%s", err->msg);
	return asnctl_store_exit(asn_store_error_status(err));
}

static int collect_account(const struct asn_account *account, void *context)
{
	struct notify_run *run = context;
	struct account_facts *f;

	if (run->account_count == run->account_size) {
		run->account_size = run->account_size == 0 ? 64 : run->account_size * 2;
		run->accounts = asn_xrealloc(run->accounts,
					     run->account_size * sizeof(*run->accounts));
	}
	f = &run->accounts[run->account_count++];
	f->email = asn_xstrdup(account->email);
	f->disabled = account->disabled;
	f->password_set_at = account->password_set_at;
	f->password_expires_at = account->initial_password_expires_at;
	return 0;
}

static int compare_facts(const void *a, const void *b)
{
	const struct account_facts *x = a, *y = b;

	/* the store compares addresses without case */
	return strcasecmp(x->email, y->email);
}

static const struct account_facts *find_facts(struct notify_run *run, const char *email)
{
	struct account_facts key = { (char *)email, false, 0, 0 };

	return bsearch(&key, run->accounts, run->account_count, sizeof(key), compare_facts);
}

static int collect_user(const struct asn_bsre_user *user, void *context)
{
	struct notify_run *run = context;
	const struct account_facts *facts;
	struct asn_notify_person person;
	struct asn_notify_assessment a;
	struct entry *e;

	/* only ASN with an account here, and not disabled: told by name,
	   through their OPD's verifiers */
	if (!user->provisioned || user->disabled)
		return 0;
	facts = find_facts(run, user->email);
	if (facts == NULL || facts->disabled)
		return 0;
	memset(&person, 0, sizeof(person));
	person.email = user->email;
	person.name = user->name;
	person.opd = user->opd;
	person.must_change = user->must_change;
	person.password_set_at = facts->password_set_at;
	person.password_expires_at = user->must_change ? facts->password_expires_at : 0;
	person.events = user->events;
	person.event_count = user->event_count;
	asn_notify_assess(&person, &run->nset, run->now, &a);
	if (a.due_count == 0 && a.issued_at == 0)
		return 0;

	if (run->entry_count == run->entry_size) {
		run->entry_size = run->entry_size == 0 ? 64 : run->entry_size * 2;
		run->entries = asn_xrealloc(run->entries, run->entry_size * sizeof(*run->entries));
	}
	e = &run->entries[run->entry_count++];
	e->person = person;
	e->person.email = asn_xstrdup(user->email);
	e->person.name = asn_xstrdup(user->name);
	e->person.opd = asn_xstrdup(user->opd);
	/* the events were needed for the assessment only */
	e->person.events = NULL;
	e->person.event_count = 0;
	e->assessment = a;
	e->case_activity_at = user->case_activity_at;
	return 0;
}

static int collect_verifier(const struct asn_verifier *v, void *context)
{
	struct notify_run *run = context;
	struct asn_verifier *copy;

	if (run->verifier_count == run->verifier_size) {
		run->verifier_size = run->verifier_size == 0 ? 16 : run->verifier_size * 2;
		run->verifiers = asn_xrealloc(run->verifiers,
					      run->verifier_size * sizeof(*run->verifiers));
	}
	copy = &run->verifiers[run->verifier_count++];
	*copy = *v;
	copy->email = asn_xstrdup(v->email);
	copy->name = asn_xstrdup(v->name);
	copy->phone = asn_xstrdup(v->phone);
	memset(&copy->opds, 0, sizeof(copy->opds));
	for (size_t i = 0; i < v->opds.count; i++)
		asn_strv_add(&copy->opds, v->opds.items[i]);
	return 0;
}

static void run_free(struct notify_run *run)
{
	for (size_t i = 0; i < run->account_count; i++)
		free(run->accounts[i].email);
	for (size_t i = 0; i < run->entry_count; i++) {
		free((char *)run->entries[i].person.email);
		free((char *)run->entries[i].person.name);
		free((char *)run->entries[i].person.opd);
	}
	for (size_t i = 0; i < run->verifier_count; i++)
		asn_verifier_free(&run->verifiers[i]);
	free(run->accounts);
	free(run->entries);
	free(run->verifiers);
}

/* Puts one message in the recipient's INBOX and remembers it; a mailbox
   that does not take it is reported and left for the next run.  Returns
   0, or an exit code when the store fails. */
static int send_one(struct notify_run *run, const char *recipient, const char *condition,
		    const char *occurrence, const char *subject, const char *message,
		    unsigned int *sent)
{
	struct asn_error err;
	char why[512];

	if (run->dry_run) {
		printf("%s\t%s\t%s\n", recipient, condition, subject);
		(*sent)++;
		return 0;
	}
	if (asnctl_deliver_inbox(run->ctl, recipient, message, why, sizeof(why)) < 0) {
		asnctl_error("%s: %s not delivered (%s): tried again next run", recipient,
			     condition, why);
		run->failed++;
		return 0;
	}
	if (asn_store_notice_mark_sent(run->store, recipient, condition, occurrence, run->now,
				       &err) < 0)
		return store_error(&err);
	printf("%s\t%s\t%s\n", recipient, condition, subject);
	(*sent)++;
	return 0;
}

static int notify_asn(struct notify_run *run)
{
	struct asn_error err;
	int ret;

	for (size_t i = 0; i < run->entry_count; i++) {
		const struct entry *e = &run->entries[i];

		for (unsigned int j = 0; j < e->assessment.due_count; j++) {
			const struct asn_notify_due *due = &e->assessment.due[j];
			const char *condition = asn_notify_condition_name(due->condition);
			char *message;

			if (held_by_case(run, e)) {
				if (run->dry_run)
					printf("%s\t%s\t(held: a verifier's case is open or "
					       "recent)\n", e->person.email, condition);
				continue;
			}
			ret = asn_store_notice_was_sent(run->store, e->person.email, condition,
							due->occurrence, &err);
			if (ret < 0)
				return store_error(&err);
			if (ret > 0)
				continue;
			message = asn_notify_format_notice(&e->person, due, run->verifiers,
							   run->verifier_count, &run->ctl->set,
							   run->now);
			ret = send_one(run, e->person.email, condition, due->occurrence,
				       asn_notify_subject(due->condition), message, &run->sent);
			free(message);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

static int notify_verifiers(struct notify_run *run)
{
	struct asn_bsre_progress_filter filter;
	struct asn_bsre_progress_report report;
	struct asn_notify_digest_person *people;
	struct asn_error err;
	char occurrence[24], when[32];
	int ret = 0;

	memset(&filter, 0, sizeof(filter));
	if (asn_bsre_progress_report_build(run->store, &run->ctl->set, &filter, run->now,
					   &report, &err) < 0)
		return store_error(&err);
	people = asn_xcalloc(run->entry_count + 1, sizeof(*people));
	for (size_t i = 0; i < run->entry_count; i++) {
		people[i].person = &run->entries[i].person;
		people[i].assessment = &run->entries[i].assessment;
	}
	snprintf(occurrence, sizeof(occurrence), "%lld", (long long)run->now);
	for (size_t i = 0; i < run->verifier_count && ret == 0; i++) {
		const struct asn_verifier *v = &run->verifiers[i];
		struct asn_notify_digest digest;
		time_t since;
		char *message;

		if (asn_store_notice_last_sent(run->store, v->email, DIGEST_CONDITION, &since,
					       &err) < 0) {
			ret = store_error(&err);
			break;
		}
		asn_notify_digest_build(v, people, run->entry_count, &report, since, run->now,
					&digest);
		if (digest.change_count == 0) {
			run->quiet_verifiers++;
			if (run->dry_run)
				printf("%s\t%s\t(none: nothing changed since %s)\n", v->email,
				       DIGEST_CONDITION, since == 0 ? "ever" :
				       asnctl_format_time(since, when, sizeof(when)));
			asn_notify_digest_free(&digest);
			continue;
		}
		message = asn_notify_format_digest(v, &digest, people, &run->ctl->set, since,
						   run->now);
		ret = send_one(run, v->email, DIGEST_CONDITION, occurrence,
			       asn_notify_digest_subject(), message, &run->digests);
		free(message);
		asn_notify_digest_free(&digest);
	}
	free(people);
	asn_bsre_progress_report_free(&report);
	return ret;
}

static int gather(struct notify_run *run)
{
	struct asn_error err;

	if (asn_store_account_iterate(run->store, NULL, collect_account, run, &err) < 0)
		return store_error(&err);
	if (run->account_count > 0)
		qsort(run->accounts, run->account_count, sizeof(*run->accounts), compare_facts);
	if (asn_store_bsre_users(run->store, NULL, collect_user, run, &err) < 0)
		return store_error(&err);
	if (asn_store_verifier_iterate(run->store, collect_verifier, run, &err) < 0)
		return store_error(&err);
	return 0;
}

static int cmd_notify(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct notify_run run;
	bool do_asn = true, do_verifiers = true;
	int opt, ret;

	memset(&run, 0, sizeof(run));
	run.ctl = ctl;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			run.dry_run = true;
			break;
		case 'o':
			if (strcmp(optarg, "asn") == 0) {
				do_verifiers = false;
			} else if (strcmp(optarg, "verifiers") == 0) {
				do_asn = false;
			} else {
				asnctl_error("--only %s: give asn or verifiers", optarg);
				return EX_USAGE;
			}
			break;
		default:
			return asnctl_usage(&asnctl_cmd_notify);
		}
	}
	if (optind != argc)
		return asnctl_usage(&asnctl_cmd_notify);
	if (!run.dry_run && access(asnctl_doveadm_path(), X_OK) < 0) {
		asnctl_error("%s: cannot run it (doveadm puts the notices in the mailboxes; "
			     "ASN_DOVEADM names another)", asnctl_doveadm_path());
		return EX_UNAVAILABLE;
	}
	ret = asnctl_open_store(ctl, !run.dry_run, &run.store);
	if (ret != EX_OK)
		return ret;
	run.now = asn_now();
	asn_notify_settings_from(&ctl->set, &run.nset);
	/* the daily run keeps the accounts' BSrE progress folded, so that
	   the reports of a site whose readers may not write (doveadm) fold
	   at most a day's events themselves */
	if (!run.dry_run) {
		struct asn_error err;

		if (asn_store_bsre_progress_refresh(run.store, run.now, &err) < 0)
			asnctl_warning("keeping the BSrE progress: %s", err.msg);
	}

	ret = gather(&run);
	if (ret == 0 && do_asn)
		ret = notify_asn(&run);
	if (ret == 0 && do_verifiers)
		ret = notify_verifiers(&run);
	if (ret == 0) {
		printf("%s%u notices, %u digests %s", run.dry_run ? "dry run: " : "", run.sent,
		       run.digests, run.dry_run ? "would be sent" : "sent");
		if (do_verifiers)
			printf(", %u verifiers without change", run.quiet_verifiers);
		if (run.failed > 0)
			printf(", %u not delivered (tried again next run)", run.failed);
		printf("\n");
		if (run.failed > 0)
			ret = EX_TEMPFAIL;
	}
	asn_store_close(&run.store);
	run_free(&run);
	return ret;
}

const struct asnctl_command asnctl_cmd_notify = {
	"notify", cmd_notify,
	"notify [--dry-run] [--only asn|verifiers]",
	"Tells, in their own INBOX (through doveadm save, no SMTP), in Bahasa\n"
	"Indonesia:\n"
	"  - each stuck ASN what to do, naming their OPD's verifiers, once per\n"
	"    occurrence of: activation link expired and nothing since; Set\n"
	"    Passphrase without a certificate after asn_notify_passphrase_after;\n"
	"    certificate expiring within asn_bsre_expiry_warning; default password\n"
	"    still in use asn_notify_default_password_after after it was set;\n"
	"  - each verifier, what changed in their OPDs since their last digest\n"
	"    (newly stuck, newly issued, expiring) with the numbers and\n"
	"    asn_portal_url; no digest when nothing changed.\n"
	"What was sent is remembered in the database (notices_sent): never twice.\n"
	"A mailbox that does not take its message is reported, not remembered,\n"
	"and tried again next run (exit 75).  Run daily (asnctl-notify.timer).\n"
	"\n"
	"  --dry-run        list what would be sent (recipient, condition,\n"
	"                   subject), and the verifiers without a digest; change\n"
	"                   nothing\n"
	"  --only asn|verifiers\n"
	"                   only the notices to ASN, or only the digests\n",
};
