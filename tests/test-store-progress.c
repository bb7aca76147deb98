/* The BSrE progress kept per account (asn_store_bsre_progress) says what
   the events say: at each step of a site's life (events before and after
   a refresh, a mailbox without account that gets one, a verdict changed
   by asnctl verify, a read-only reader, a tool's event committed late, a
   burst of deliveries larger than a refresh's batch), the
   fold of every user read from the accounts equals the fold of their
   events read one by one (asn_store_bsre_users), the oracle. */
#include "tap.h"
#include "asn-store.h"
#include "sqlite-util.h"

#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/asn-test-store-progress-XXXXXX";

/* fixed clocks: the events recorded at T0 + n, the reports an hour later
   (past the refresh's margin) unless said otherwise */
#define T0 1790000000
#define LATER (T0 + 3600)

struct user_fold {
	char email[128], opd[64];
	struct asn_bsre_fold fold;
	bool provisioned;
};

struct folds {
	struct user_fold users[32];
	unsigned int count;
};

static int from_events(const struct asn_bsre_user *user, void *context)
{
	struct folds *f = context;
	struct user_fold *u = &f->users[f->count++];

	snprintf(u->email, sizeof(u->email), "%s", user->email);
	snprintf(u->opd, sizeof(u->opd), "%s", user->opd);
	u->provisioned = user->provisioned;
	asn_bsre_progress_fold(user->events, user->event_count, &u->fold);
	return 0;
}

static int from_progress(const struct asn_bsre_user *user, void *context)
{
	struct folds *f = context;
	struct user_fold *u = &f->users[f->count++];

	snprintf(u->email, sizeof(u->email), "%s", user->email);
	snprintf(u->opd, sizeof(u->opd), "%s", user->opd);
	u->provisioned = user->provisioned;
	u->fold = *user->fold;
	return 0;
}

static bool fold_equal(const struct asn_bsre_fold *a, const struct asn_bsre_fold *b)
{
	return a->stage == b->stage && a->any_trusted == b->any_trusted &&
		a->any_untrusted == b->any_untrusted && a->any_unverified == b->any_unverified &&
		a->active_after_activation == b->active_after_activation &&
		a->issued_after_passphrase == b->issued_after_passphrase &&
		a->last_activation == b->last_activation &&
		a->last_passphrase == b->last_passphrase &&
		a->certificate_valid_until == b->certificate_valid_until &&
		a->last_event == b->last_event;
}

/* every user of the report (opd, NULL: all) has the oracle's fold */
static void check_same(struct asn_store *store, const char *opd, time_t now, const char *step)
{
	struct folds want = { .count = 0 }, got = { .count = 0 };
	struct asn_error err = { .msg = "" };
	unsigned int same = 0;

	if (asn_store_bsre_users(store, opd, from_events, &want, &err) < 0 ||
	    asn_store_bsre_progress(store, opd, now, from_progress, &got, &err) < 0) {
		tap_ok(false, "%s: reading failed: %s", step, err.msg);
		return;
	}
	for (unsigned int i = 0; i < want.count; i++) {
		for (unsigned int j = 0; j < got.count; j++) {
			if (strcasecmp(want.users[i].email, got.users[j].email) == 0 &&
			    strcmp(want.users[i].opd, got.users[j].opd) == 0 &&
			    want.users[i].provisioned == got.users[j].provisioned &&
			    fold_equal(&want.users[i].fold, &got.users[j].fold)) {
				same++;
				break;
			}
		}
	}
	tap_ok(want.count == got.count && same == want.count,
	       "%s: the kept progress of %u users is their events' (%u of %u equal)",
	       step, want.count, same, got.count);
}

static void add_account(struct asn_store *store, const char *email, const char *nip,
			const char *opd)
{
	struct asn_account a;
	struct asn_error err = { .msg = "" };

	memset(&a, 0, sizeof(a));
	a.email = (char *)email;
	a.password = (char *)"{PLAIN}x";
	a.nip = (char *)nip;
	a.name = (char *)"Test";
	a.opd = (char *)opd;
	a.must_change = true;
	a.password_set_at = 1;
	a.created_at = 1;
	if (asn_store_account_insert(store, &a, &err) < 0)
		tap_ok(false, "account %s: %s", email, err.msg);
}

/* an event recorded at recorded (ASN_NOW: the store stamps it so) */
static void add_event(struct asn_store *store, const char *email, const char *key,
		      enum asn_bsre_event type, bool trusted, time_t recorded)
{
	struct asn_bsre_mail mail;
	struct asn_error err = { .msg = "" };
	char now[32];

	memset(&mail, 0, sizeof(mail));
	mail.event = type;
	mail.trusted = trusted;
	mail.unverified = !trusted;
	snprintf(mail.trusted_by, sizeof(mail.trusted_by), "%s", trusted ? "dkim" : "");
	snprintf(mail.message_key, sizeof(mail.message_key), "%s", key);
	snprintf(mail.subject, sizeof(mail.subject), "[BSrE] %s", asn_bsre_event_name(type));
	snprintf(mail.sender, sizeof(mail.sender), "noreply@bssn.go.id");
	if (type == ASN_BSRE_CERTIFICATE_ISSUED) {
		mail.has_certificate = true;
		snprintf(mail.certificate.valid_until, sizeof(mail.certificate.valid_until),
			 "2027-04-30");
	}
	snprintf(now, sizeof(now), "%lld", (long long)recorded);
	setenv("ASN_NOW", now, 1);
	if (asn_store_bsre_event_add(store, email, &mail, recorded, "lmtp", &err) != 1)
		tap_ok(false, "event %s for %s: %s", key, email, err.msg);
	unsetenv("ASN_NOW");
}

static int64_t through_id(const char *db)
{
	return count_rows(db, test_store_pgsql() ? "SELECT through_id FROM asn.bsre_fold_state" :
			  "SELECT through_id FROM bsre_fold_state");
}

static int64_t max_event_id(const char *db, const char *bsre_file)
{
	return test_store_pgsql() ? count_rows(db, "SELECT max(id) FROM asn_bsre.bsre_events") :
		count_rows(bsre_file, "SELECT max(id) FROM bsre_events");
}

static int64_t unfolded(const char *db)
{
	return count_rows(db, test_store_pgsql() ?
			  "SELECT count(*) FROM asn.accounts WHERE bsre_stage IS NULL" :
			  "SELECT count(*) FROM accounts WHERE bsre_stage IS NULL");
}

int main(void)
{
	struct asn_settings set;
	struct asn_store *store = NULL, *reader = NULL, *delivery = NULL;
	char sql[256], bsre_file[600];
	struct asn_error err = { .msg = "" };
	struct asn_bsre_mail verdict;
	char file[512];
	const char *db;
	int from;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/asn.db", dir);
	asn_settings_init(&set);
	db = test_db_settings(&set, dir, file);
	snprintf(bsre_file, sizeof(bsre_file), "%s/bsre/bsre.db", dir);
	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0, "init (%s)", err.msg);
	tap_ok(asn_store_open(&set, true, &store, &err) == 0, "open (%s)", err.msg);
	add_account(store, "siti@jatimprov.go.id", "198503122010012003", "Diskominfo");
	add_account(store, "budi@jatimprov.go.id", "198001012005011001", "BKD");
	add_account(store, "rina@jatimprov.go.id", "199001012015012001", "BKD");

	/* accounts never folded, events before any refresh */
	add_event(store, "siti@jatimprov.go.id", "a1", ASN_BSRE_ACCOUNT_ACTIVATION, true, T0 + 1);
	add_event(store, "siti@jatimprov.go.id", "p1", ASN_BSRE_SET_PASSPHRASE, true, T0 + 2);
	add_event(store, "budi@jatimprov.go.id", "a2", ASN_BSRE_ACCOUNT_ACTIVATION, true, T0 + 3);
	add_event(store, "ghost@jatimprov.go.id", "a3", ASN_BSRE_ACCOUNT_ACTIVATION, true, T0 + 4);
	check_same(store, NULL, LATER, "first refresh, all OPDs and a mailbox without account");
	tap_ok(unfolded(db) == 0, "every account folded (%lld left)", (long long)unfolded(db));
	tap_ok(through_id(db) == 4, "the refresh went through the 4 events (%lld)",
	       (long long)through_id(db));

	/* new events after the refresh, one OPD's report */
	add_event(store, "budi@jatimprov.go.id", "i2", ASN_BSRE_ACCOUNT_INFO, true, T0 + 10);
	add_event(store, "rina@jatimprov.go.id", "x1", ASN_BSRE_SET_PASSPHRASE, false, T0 + 11);
	check_same(store, "BKD", LATER, "events after a refresh, one OPD");
	check_same(store, NULL, LATER, "and all OPDs");

	/* recent events: folded at every refresh until they are old */
	add_event(store, "siti@jatimprov.go.id", "c1", ASN_BSRE_CERTIFICATE_ISSUED, true, LATER);
	check_same(store, NULL, LATER + 1, "an event of the last minutes");
	tap_ok(through_id(db) == 6, "the refresh stops before it (%lld)", (long long)through_id(db));
	check_same(store, NULL, LATER + 3600, "and folds it again once old");
	tap_ok(through_id(db) == 7, "then goes past it (%lld)", (long long)through_id(db));

	/* the mailbox without account gets one */
	add_account(store, "ghost@jatimprov.go.id", "199201012016011002", "Diskominfo");
	check_same(store, NULL, LATER + 3600, "a mailbox without account that got one");
	check_same(store, "Diskominfo", LATER + 3600, "in its OPD");

	/* asnctl verify's new verdict changes no id */
	memset(&verdict, 0, sizeof(verdict));
	verdict.trusted = true;
	snprintf(verdict.trusted_by, sizeof(verdict.trusted_by), "dkim");
	tap_ok(asn_store_bsre_event_retrust(store, "rina@jatimprov.go.id", "x1", &verdict,
					    &err) == 1, "an unverified event trusted (%s)", err.msg);
	check_same(store, "BKD", LATER + 3600, "a verdict changed");

	/* a read-only reader folds the news itself, and writes nothing */
	add_event(store, "budi@jatimprov.go.id", "p2", ASN_BSRE_SET_PASSPHRASE, true, T0 + 20);
	add_event(store, "nobody@jatimprov.go.id", "a4", ASN_BSRE_ACCOUNT_ACTIVATION, true, T0 + 21);
	tap_ok(asn_store_open(&set, false, &reader, &err) == 0, "open read-only (%s)", err.msg);
	check_same(reader, NULL, LATER + 3600, "a read-only reader");
	check_same(reader, "BKD", LATER + 3600, "a read-only reader, one OPD");
	tap_ok(through_id(db) == 7, "which kept nothing (%lld)", (long long)through_id(db));
	asn_store_close(&reader);
	check_same(store, NULL, LATER + 3600, "the next writable report");
	tap_ok(through_id(db) == 9, "keeps it (%lld)", (long long)through_id(db));

	/* a tool's event (asnctl scan) that commits after the refresh passed
	   its id: on PostgreSQL a long transaction's ids do */
	add_event(store, "rina@jatimprov.go.id", "c3", ASN_BSRE_CERTIFICATE_ISSUED, true, T0 + 30);
	snprintf(sql, sizeof(sql), "UPDATE %sbsre_fold_state SET through_id = %lld",
		 test_store_pgsql() ? "asn." : "", (long long)max_event_id(db, bsre_file));
	exec(db, sql);
	check_same(store, "BKD", LATER + 3600, "a tool's event the refresh had passed");

	/* a burst of deliveries, more than a refresh's batch within its
	   margin: the newest, past the first batch, are folded too */
	tap_ok(asn_store_open_bsre(&set, &delivery, &err) == 0, "a delivery's store (%s)", err.msg);
	for (unsigned int i = 0; i < 2100; i++) {
		char key[32];

		snprintf(key, sizeof(key), "burst%u", i);
		add_event(delivery, "burst@jatimprov.go.id", key, ASN_BSRE_OTHER, true,
			  LATER + 7200);
	}
	add_event(delivery, "budi@jatimprov.go.id", "c2", ASN_BSRE_CERTIFICATE_ISSUED, true,
		  LATER + 7200);
	asn_store_close(&delivery);
	check_same(store, "BKD", LATER + 7201, "a burst of recent deliveries");

	asn_store_close(&store);
	asn_settings_free(&set);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cleanup failed\n");
	}
	return tap_done();
}
