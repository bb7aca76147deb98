/* BSrE events in their database and the spool that keeps them while it
   cannot: duplicates, progress input, a site from before tracking, spool lines,
   faults (locked, missing, old schema), replay, concurrent writers. */
#include "tap.h"
#include "asn-bsre-record.h"
#include "asn-store.h"
#include "sqlite-util.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/asn-test-bsre-store-XXXXXX";

static struct asn_bsre_spooled make_event(const char *email, const char *key,
					  enum asn_bsre_event type, time_t when)
{
	struct asn_bsre_spooled ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.email, sizeof(ev.email), "%s", email);
	snprintf(ev.source, sizeof(ev.source), "lmtp");
	ev.received_at = when;
	ev.mail.event = type;
	ev.mail.trusted = true;
	snprintf(ev.mail.trusted_by, sizeof(ev.mail.trusted_by), "dkim");
	snprintf(ev.mail.message_key, sizeof(ev.mail.message_key), "%s", key);
	snprintf(ev.mail.subject, sizeof(ev.mail.subject), "[BSrE] %s",
		 asn_bsre_event_name(type));
	snprintf(ev.mail.sender, sizeof(ev.mail.sender), "noreply@bssn.go.id");
	return ev;
}

struct collected {
	unsigned int users, events, unprovisioned;
	char first_email[256], last_opd[64];
	bool ordered;
};

static int collect_user(const struct asn_bsre_user *user, void *context)
{
	struct collected *c = context;

	if (c->users == 0)
		snprintf(c->first_email, sizeof(c->first_email), "%s", user->email);
	c->users++;
	c->events += (unsigned int)user->event_count;
	c->unprovisioned += user->provisioned ? 0 : 1;
	for (size_t i = 1; i < user->event_count; i++) {
		if (user->events[i].received_at < user->events[i - 1].received_at)
			c->ordered = false;
	}
	snprintf(c->last_opd, sizeof(c->last_opd), "%s", user->opd);
	return 0;
}

static int collect_event(const struct asn_bsre_stored_event *ev, void *context)
{
	struct asn_str *out = context;

	asn_str_printfa(out, "%s/%s/%s;", asn_bsre_event_name(ev->type),
			ev->trusted ? "t" : ev->replayed ? "r" : "u", ev->has_certificate ? ev->cert_valid_until : "-");
	return 0;
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
	tap_ok(asn_store_account_insert(store, &a, &err) == 0, "account %s added%s%s", email,
	       err.msg[0] != '\0' ? ": " : "", err.msg);
}

static void test_spool_lines(void)
{
	struct asn_bsre_spooled ev = make_event("a@x.go.id", "k\t1\\n", ASN_BSRE_CERTIFICATE_ISSUED, 42);
	struct asn_bsre_spooled back;
	struct asn_error err = { .msg = "" };
	char *line;
	static const struct {
		const char *line, *error;
	} bad[] = {
		{ "", "field version" },
		{ "3\ta@x\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t", "version" },
		/* version 2: trusted_by, unverified, trust_reason, dkim_facts */
		{ "2\ta@x\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t\t\t0\tpass\t", "trusted_by" },
		{ "2\ta@x\t1\tlmtp\tother\t0\tk\ts\tf\t0\t\t\t\t\tdkim\t0\t\t", "trusted_by" },
		{ "2\ta@x\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t\tdkim\t1\t\t", "unverified" },
		{ "2\ta@x\t1\tlmtp\tother\t0\tk\ts\tf\t0\t\t\t\t\t\t0\t\tF", "unverified" },
		{ "2\ta@x\t1\tlmtp\tother\t0\tk\ts\tf\t0\t\t\t\t\t\tx\t\t", "unverified" },
		{ "1\t\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t", "field email" },
		{ "1\ta@x\t-5\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t", "field received_at" },
		{ "1\ta@x\t1\tlmtp\tfoo\t1\tk\ts\tf\t0\t\t\t\t", "field type" },
		{ "1\ta@x\t1\tlmtp\tother\tyes\tk\ts\tf\t0\t\t\t\t", "trusted" },
		{ "1\ta@x\t1\tlmtp\tother\t1\t\ts\tf\t0\t\t\t\t", "message_key" },
		{ "1\ta@x\t1\tlmtp\tother\t1\tk\\q\ts\tf\t0\t\t\t\t", "bad escape" },
		{ "1\ta@x\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t\textra", "tab-separated" },
	};

	ev.mail.has_certificate = true;
	snprintf(ev.mail.trusted_by, sizeof(ev.mail.trusted_by), "dkim");
	snprintf(ev.mail.trust_reason, sizeof(ev.mail.trust_reason), "pass");
	snprintf(ev.mail.subject, sizeof(ev.mail.subject), "[BSrE] line\nbreak\r\\");
	snprintf(ev.mail.certificate.valid_until, sizeof(ev.mail.certificate.valid_until),
		 "2027-04-30");
	snprintf(ev.mail.certificate.common_name, sizeof(ev.mail.certificate.common_name),
		 "SITI\tRAHMA");
	line = asn_bsre_spool_format_line(&ev);
	tap_ok(strchr(line, '\n') == line + strlen(line) - 1, "spool: one line per event");
	line[strlen(line) - 1] = '\0';
	tap_ok(asn_bsre_spool_parse_line(line, &back, &err) == 0, "spool: line parses (%s)", err.msg);
	tap_is_str(back.mail.subject, ev.mail.subject, "spool: escapes round-trip (subject)");
	tap_is_str(back.mail.message_key, ev.mail.message_key, "spool: escapes round-trip (key)");
	tap_is_str(back.mail.certificate.common_name, "SITI\tRAHMA", "spool: certificate fields");
	tap_ok(back.received_at == 42 && back.mail.event == ASN_BSRE_CERTIFICATE_ISSUED &&
	       back.mail.trusted && back.mail.has_certificate, "spool: time, type, flags");
	tap_is_str(back.mail.sender_domain, "bssn.go.id", "spool: sender domain derived");
	free(line);
	ev.mail.trusted = false;
	ev.mail.replayed = true;
	line = asn_bsre_spool_format_line(&ev);
	line[strlen(line) - 1] = '\0';
	tap_ok(asn_bsre_spool_parse_line(line, &back, &err) == 0 && back.mail.replayed &&
	       !back.mail.trusted, "spool: a replayed event stays replayed, untrusted (%s)", err.msg);
	free(line);
	tap_ok(asn_bsre_spool_parse_line("1\ta@x\t1\tlmtp\tother\t1\tk\ts\tf\t0\t\t\t\t", &back,
					 &err) == 0 && back.mail.trusted &&
	       strcmp(back.mail.trusted_by, "legacy") == 0,
	       "spool: a version 1 line (before DKIM) is read, its trust marked legacy (%s)",
	       err.msg);
	ev.mail.replayed = false;
	ev.mail.unverified = true;
	ev.mail.trusted_by[0] = '\0';
	snprintf(ev.mail.trust_reason, sizeof(ev.mail.trust_reason), "dns_timeout");
	ev.mail.dkim_facts = strdup("asn-dkim-facts 1 1\nFrom: a\tb\r\n\t c\n\n");
	line = asn_bsre_spool_format_line(&ev);
	line[strlen(line) - 1] = '\0';
	tap_ok(strchr(line, '\n') == NULL &&
	       asn_bsre_spool_parse_line(line, &back, &err) == 0 && back.mail.unverified &&
	       !back.mail.trusted && strcmp(back.mail.trust_reason, "dns_timeout") == 0 &&
	       back.mail.dkim_facts != NULL &&
	       strcmp(back.mail.dkim_facts, ev.mail.dkim_facts) == 0,
	       "spool: an unverified event keeps its reason and DKIM facts (%s)", err.msg);
	asn_bsre_mail_clear(&back.mail);
	asn_bsre_mail_clear(&ev.mail);
	free(line);
	for (size_t i = 0; i < ASN_N_ELEMENTS(bad); i++) {
		tap_ok(asn_bsre_spool_parse_line(bad[i].line, &back, &err) < 0,
		       "spool: bad line %zu refused", i);
		tap_contains(err.msg, bad[i].error, "spool: bad line %zu names the problem", i);
	}
}

static int collect_unverified(const char *email, const char *key, const char *facts,
			      void *context)
{
	struct asn_str *out = context;

	asn_str_printfa(out, "%s %s %s;", email, key, facts == NULL ? "(none)" : facts);
	return 0;
}

/* An unverified event keeps its DKIM facts until a final verdict replaces
   them (asnctl verify), and the trust counts follow. */
static void test_unverified(struct asn_store *store)
{
	struct asn_bsre_spooled ev = make_event("Budi@jatimprov.go.id", "pending@bssn.go.id",
						ASN_BSRE_ACCOUNT_ACTIVATION, 4000);
	struct asn_bsre_trust_counts before, after;
	struct asn_str seen = { NULL, 0, 0 };
	struct asn_error err = { .msg = "" };
	int ret;

	ev.mail.trusted = false;
	ev.mail.trusted_by[0] = '\0';
	ev.mail.unverified = true;
	snprintf(ev.mail.trust_reason, sizeof(ev.mail.trust_reason), "dns_timeout");
	ev.mail.dkim_facts = asn_xstrdup("asn-dkim-facts 1 1\nFrom: x\n\n");
	tap_ok(asn_store_bsre_trust_counts(store, &before, &err) == 0 &&
	       asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "unverified event recorded (%s)", err.msg);
	tap_ok(asn_store_bsre_unverified(store, collect_unverified, &seen, &err) == 0,
	       "unverified events listed");
	tap_is_str(asn_str_c(&seen), "budi@jatimprov.go.id pending@bssn.go.id "
		   "asn-dkim-facts 1 1\nFrom: x\n\n;", "the unverified event, with its facts");
	asn_bsre_mail_clear(&ev.mail);
	ev.mail.trusted = true;
	ev.mail.unverified = false;
	snprintf(ev.mail.trusted_by, sizeof(ev.mail.trusted_by), "dkim");
	snprintf(ev.mail.trust_reason, sizeof(ev.mail.trust_reason), "pass");
	tap_ok(asn_store_bsre_event_retrust(store, "budi@JATIMPROV.go.id", "pending@bssn.go.id",
					    &ev.mail, &err) == 1,
	       "a final verdict replaces the unverified one (%s)", err.msg);
	tap_ok(asn_store_bsre_event_retrust(store, "budi@jatimprov.go.id", "pending@bssn.go.id",
					    &ev.mail, &err) == 0,
	       "the same verdict again changes nothing");
	asn_str_truncate(&seen, 0);
	tap_ok(asn_store_bsre_unverified(store, collect_unverified, &seen, &err) == 0 &&
	       asn_str_c(&seen)[0] == '\0', "no unverified event left, its facts dropped");
	/* counted first: tap_ok's arguments are evaluated in no set order */
	memset(&after, 0, sizeof(after));
	ret = asn_store_bsre_trust_counts(store, &after, &err);
	tap_ok(ret == 0 && after.dkim == before.dkim + 1 && after.unverified == before.unverified,
	       "trust counts: one more trusted by DKIM (%lu -> %lu)", before.dkim, after.dkim);
	asn_str_free(&seen);
}

static void test_concurrent_spool(const struct asn_settings *set, const char *bsre_path)
{
	enum { WRITERS = 6, EACH = 60 };
	char *spool = asn_settings_bsre_spool(set);
	struct asn_bsre_replay_stats stats, total = { 0, 0, 0 };
	struct asn_store *store;
	struct asn_error err = { .msg = "" };
	pid_t pids[WRITERS];
	int exits_ok = 0, before;

	before = count_rows(bsre_path, "SELECT count(*) FROM bsre_events");
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			for (int i = 0; i < EACH; i++) {
				char key[64];
				struct asn_bsre_spooled ev;
				struct asn_error e;

				snprintf(key, sizeof(key), "conc-%d-%d@test", w, i);
				ev = make_event("conc@x.go.id", key, ASN_BSRE_OTHER, 1000 + i);
				if (asn_bsre_spool_append(spool, &ev, NULL, &e) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	/* Replays run while the writers append: nothing may be lost or
	   counted twice. */
	tap_ok(asn_store_open(set, true, &store, &err) == 0, "concurrent spool: open (%s)",
	       err.msg);
	for (int round = 0; round < 200; round++) {
		if (asn_bsre_spool_replay(store, spool, &stats, &err) < 0)
			printf("# replay: %s\n", err.msg);
		total.recorded += stats.recorded;
		total.duplicates += stats.duplicates;
		usleep(1000);
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;

		waitpid(pids[w], &st, 0);
		exits_ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	tap_ok(asn_bsre_spool_replay(store, spool, &stats, &err) >= 0,
	       "concurrent spool: the last replay (%s)", err.msg);
	total.recorded += stats.recorded;
	total.duplicates += stats.duplicates;
	asn_store_close(&store);
	tap_ok(exits_ok == WRITERS, "concurrent spool: every writer appended");
	tap_ok(total.recorded == WRITERS * EACH && total.duplicates == 0,
	       "concurrent spool with replays: %u recorded, %u duplicates (want %d, 0)",
	       total.recorded, total.duplicates, WRITERS * EACH);
	tap_ok(count_rows(bsre_path, "SELECT count(*) FROM bsre_events") == before + WRITERS * EACH,
	       "concurrent spool: every event once in the store");
	tap_ok(access(spool, F_OK) < 0, "concurrent spool: spool gone after the replay");
	free(spool);
}

/* After a success the spool is replayed and the reserve made again: their
   failures are reported, not dropped, and the event stays recorded. */
static void test_record_aftercare(const struct asn_settings *set)
{
	char *spool = asn_settings_bsre_spool(set);
	char replaying[700], name[300];
	struct asn_bsre_record_result result;
	struct asn_bsre_spooled ev;
	struct asn_settings longer = *set;
	struct asn_error err = { .msg = "" };
	int from;

	/* a spool that cannot be read */
	mkdir(spool, 0700);
	ev = make_event("siti.rahma@jatimprov.go.id", "replay-fails@bssn.go.id", ASN_BSRE_OTHER, 5000);
	tap_ok(asn_bsre_record(set, &ev, &result, &err) == 0 && result.recorded,
	       "replay fails: the event is still recorded");
	tap_ok(result.replay_failed && result.replay_error.msg[0] != '\0',
	       "replay fails: reported (%s)", result.replay_error.msg);
	snprintf(replaying, sizeof(replaying), "%s.replaying", spool);
	rmdir(spool);
	rmdir(replaying);
	ev = make_event("siti.rahma@jatimprov.go.id", "replay-ok@bssn.go.id", ASN_BSRE_OTHER, 5001);
	tap_ok(asn_bsre_record(set, &ev, &result, &err) == 0 && !result.replay_failed &&
	       !result.reserve_failed, "replay and reserve fine: nothing reported");

	/* a reserve that cannot be made: its name is longer than a file
	   name may be, the database's (PostgreSQL: the spool's) is not */
	memset(name, 'b', 242);
	name[242] = '\0';
	longer.bsre_db = NULL;
	if (test_store_pgsql())
		longer.bsre_spool = asn_xasprintf("%s/bsre/%s.spool", dir, name);
	else
		longer.bsre_db = asn_xasprintf("%s/bsre/%s", dir, name);
	tap_ok(asn_store_init(&longer, NULL, &from, &err) == 0, "init a BSrE database (%s)", err.msg);
	ev = make_event("siti.rahma@jatimprov.go.id", "reserve-fails@bssn.go.id", ASN_BSRE_OTHER, 5002);
	tap_ok(asn_bsre_record(&longer, &ev, &result, &err) == 0 && result.recorded,
	       "reserve fails: the event is still recorded");
	tap_ok(result.reserve_failed && strstr(result.reserve_error.msg, ".reserve") != NULL,
	       "reserve fails: reported (%s)", result.reserve_error.msg);
	free(longer.bsre_db);
	if (test_store_pgsql())
		free(longer.bsre_spool);
	free(spool);
}

int main(void)
{
	struct asn_settings set;
	struct asn_store *store = NULL;
	struct asn_error err = { .msg = "" };
	struct asn_bsre_record_result result;
	struct asn_bsre_spooled ev;
	struct collected c;
	struct asn_str timeline = { NULL, 0, 0 };
	char file[512], bsre_file[600], sql[512], *spool;
	const char *path, *bsre;
	bool pg = test_store_pgsql();
	int from = -1;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/asn.db", dir);
	asn_settings_init(&set);
	path = test_db_settings(&set, dir, file);
	asn_settings_set(&set, "asn_db_busy_timeout", "1s", &err);
	/* PostgreSQL: the events in the same database, schema asn_bsre */
	snprintf(bsre_file, sizeof(bsre_file), "%s/bsre/bsre.db", dir);
	bsre = pg ? path : bsre_file;
	spool = asn_settings_bsre_spool(&set);

	test_spool_lines();

	/* A site from before BSrE tracking: accounts only; init adds the
	   BSrE database in its own directory, the accounts stay. */
	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0, "init");
	tap_ok(asn_store_open(&set, true, &store, &err) == 0, "open (%s)", err.msg);
	add_account(store, "siti.rahma@jatimprov.go.id", "198503122010012003", "Diskominfo");
	add_account(store, "budi@jatimprov.go.id", "198001012005011001", "BKD");
	asn_store_close(&store);
	if (pg) {
		tap_skip("SQLite only: BSrE database created 0660");
		snprintf(sql, sizeof(sql), "%s/bsre", dir);
		{
			struct stat st;

			tap_ok(stat(sql, &st) == 0 && (st.st_mode & 0777) == 0770,
			       "the spool's directory, 0770 for the delivery group (%o)",
			       st.st_mode & 0777);
		}
		exec(path, "DROP SCHEMA asn_bsre CASCADE");
	} else {
		struct stat st;

		tap_ok(stat(bsre, &st) == 0 && (st.st_mode & 0777) == 0660,
		       "BSrE database created 0660 (%o)", st.st_mode & 0777);
		snprintf(sql, sizeof(sql), "%s/bsre", dir);
		tap_ok(stat(sql, &st) == 0 && (st.st_mode & 0777) == 0770,
		       "in its own directory, 0770 for the delivery group (%o)", st.st_mode & 0777);
		unlink(bsre);
	}
	tap_ok(asn_store_open(&set, true, &store, &err) == 0,
	       "accounts open without the BSrE database");
	ev = make_event("x@y.go.id", "k", ASN_BSRE_OTHER, 1);
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, 1, "lmtp", &err) < 0 &&
	       asn_store_error_status(&err) == ASN_STORE_ERR_MISSING,
	       "BSrE calls say the BSrE database is missing");
	tap_contains(err.msg, "run 'asnctl init'", "and how to create it");
	asn_store_close(&store);
	tap_ok(asn_store_init(&set, NULL, &from, &err) == 0 && from == ASN_SCHEMA_VERSION,
	       "init again: accounts up to date (from %d), BSrE database created", from);
	tap_ok(count_rows(path, "SELECT count(*) FROM accounts") == 2, "init kept the accounts");
	if (pg)
		tap_ok(count_rows(bsre, "SELECT count(*) FROM information_schema.tables WHERE "
				  "table_schema = 'asn_bsre' AND table_name = 'accounts'") == 0,
		       "the BSrE schema holds no accounts");
	else
		tap_ok(count_rows(bsre, "SELECT count(*) FROM sqlite_master WHERE name = 'accounts'") == 0,
		       "the BSrE database holds no accounts");

	/* Events: one per user and mail. */
	tap_ok(asn_store_open(&set, true, &store, &err) == 0, "open (%s)", err.msg);
	ev = make_event("Siti.Rahma@jatimprov.go.id", "act1@bssn.go.id",
			ASN_BSRE_ACCOUNT_ACTIVATION, 1000);
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "event recorded");
	tap_ok(asn_store_bsre_event_add(store, "siti.rahma@jatimprov.go.id", &ev.mail, 2000, "scan",
					&err) == 0, "same mail again (other case, other source): no new event");
	ev = make_event("budi@jatimprov.go.id", "act1@bssn.go.id", ASN_BSRE_ACCOUNT_ACTIVATION, 900);
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "same Message-ID for another recipient: its own event");
	ev = make_event("siti.rahma@jatimprov.go.id", "cert@bssn.go.id",
			ASN_BSRE_CERTIFICATE_ISSUED, 3000);
	ev.mail.has_certificate = true;
	snprintf(ev.mail.certificate.valid_until, sizeof(ev.mail.certificate.valid_until), "2027-04-30");
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "certificate event recorded");
	ev = make_event("siti.rahma@jatimprov.go.id", "fake@evil", ASN_BSRE_SET_PASSPHRASE, 2000);
	ev.mail.trusted = false;
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "untrusted event recorded");
	ev = make_event("siti.rahma@jatimprov.go.id", "budi-renew@bssn.go.id", ASN_BSRE_RENEWAL, 2500);
	ev.mail.trusted = false;
	ev.mail.replayed = true;
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "replayed event recorded");
	ev = make_event("outsider@jatimprov.go.id", "o@bssn.go.id", ASN_BSRE_ACCOUNT_INFO, 5);
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "event of a user without an account recorded");

	tap_ok(asn_store_bsre_events(store, "SITI.RAHMA@jatimprov.go.id", collect_event, &timeline,
				     &err) == 0, "timeline read (%s)", err.msg);
	tap_is_str(asn_str_c(&timeline),
		   "account_activation/t/-;set_passphrase/u/-;renewal/r/-;"
		   "certificate_issued/t/2027-04-30;",
		   "timeline in time order, trust (replayed too) and certificate kept");
	asn_str_free(&timeline);

	memset(&c, 0, sizeof(c));
	c.ordered = true;
	tap_ok(asn_store_bsre_users(store, NULL, collect_user, &c, &err) == 0, "users: all");
	tap_ok(c.users == 3 && c.events == 6 && c.unprovisioned == 1 && c.ordered,
	       "users: 2 accounts and 1 user without one, 6 events in order (%u, %u, %u)",
	       c.users, c.events, c.unprovisioned);
	memset(&c, 0, sizeof(c));
	c.ordered = true;
	tap_ok(asn_store_bsre_users(store, "BKD", collect_user, &c, &err) == 0, "users: BKD");
	tap_ok(c.users == 1 && c.events == 1 && strcmp(c.first_email, "budi@jatimprov.go.id") == 0,
	       "users: one OPD only");
	test_unverified(store);
	/* A subject cut in the middle of a character and 8-bit bytes in a
	   Message-ID (anyone can send them): stored, with '?' there, on both
	   engines; a UTF-8 PostgreSQL would refuse them as they are. */
	ev = make_event("siti.rahma@jatimprov.go.id", "bad\xff\xfe@evil", ASN_BSRE_OTHER, 1500);
	snprintf(ev.mail.subject, sizeof(ev.mail.subject), "[BSrE] Aktivasi Sit\xC3");
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "lmtp", &err) == 1,
	       "an event with text that is not UTF-8 recorded (%s)", err.msg);
	tap_ok(count_rows(bsre, "SELECT count(*) FROM bsre_events WHERE message_key = 'bad??@evil' "
			  "AND subject = '[BSrE] Aktivasi Sit?'") == 1,
	       "its text stored as UTF-8, '?' for each stray byte");
	tap_ok(asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at, "scan", &err) == 0,
	       "and the same mail again is the same event");
	asn_store_close(&store);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM bsre_events WHERE source = 'scan'");
	tap_ok(count_rows(bsre, sql) == 0, "the duplicate did not overwrite the first record");
	{
		struct asn_store *only;

		tap_ok(asn_store_open_bsre(&set, &only, &err) == 0,
		       "a delivery opens the BSrE database alone (%s)", err.msg);
		tap_ok(asn_store_bsre_users(only, NULL, collect_user, &c, &err) < 0,
		       "and cannot read the accounts");
		asn_store_close(&only);
	}

	/* Faults: the event is spooled, then replayed by the next success.
	   PostgreSQL: the events' table locked past the delivery's bound. */
	if (pg) {
		PGconn *locker = test_pg_connect(bsre);

		PQclear(PQexec(locker, "BEGIN"));
		PQclear(PQexec(locker, "LOCK TABLE asn_bsre.bsre_events IN ACCESS EXCLUSIVE MODE"));
		ev = make_event("siti.rahma@jatimprov.go.id", "locked@bssn.go.id",
				ASN_BSRE_ACCOUNT_INFO, 4000);
		tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.spooled,
		       "locked table: event spooled");
		/* lock_timeout and the statement's bound are the same: either */
		tap_ok(strstr(result.store_error.msg, "lock timeout") != NULL ||
		       strstr(result.store_error.msg, "statement timeout") != NULL ||
		       strstr(result.store_error.msg, "no answer within") != NULL,
		       "locked table: reason kept for the log (%s)", result.store_error.msg);
		/* The delivery gave up at its deadline, counted from its start;
		   the server ends the INSERT it left by its own lock_timeout,
		   counted from the statement's: released before that, the
		   INSERT would still commit, and the spooled copy replay as a
		   duplicate (harmless, but not the 3 replayed counted below). */
		usleep(1200 * 1000);
		PQclear(PQexec(locker, "ROLLBACK"));
		PQfinish(locker);
	} else {
		sqlite3 *locker;
		struct asn_settings quick = set;

		quick.db_busy_timeout = 0;
		sqlite3_open(bsre, &locker);
		sqlite3_exec(locker, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		ev = make_event("siti.rahma@jatimprov.go.id", "locked@bssn.go.id",
				ASN_BSRE_ACCOUNT_INFO, 4000);
		tap_ok(asn_bsre_record(&quick, &ev, &result, &err) == 0 && result.spooled,
		       "locked database: event spooled");
		tap_contains(result.store_error.msg, "locked", "locked database: reason kept for the log");
		sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(locker);
	}
	exec(bsre, pg ? "UPDATE asn_bsre.schema_version SET version = 99" :
	     "PRAGMA user_version = 99");
	ev = make_event("siti.rahma@jatimprov.go.id", "schema@bssn.go.id", ASN_BSRE_OTHER, 4100);
	tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.spooled,
	       "database of another version: event spooled");
	tap_contains(result.store_error.msg, pg ? "schema version 99 is newer" : "schema newer",
		     "database of another version: reason");
	snprintf(sql, sizeof(sql), pg ? "UPDATE asn_bsre.schema_version SET version = %d" :
		 "PRAGMA user_version = %d", ASN_BSRE_SCHEMA_VERSION);
	exec(bsre, sql);
	if (pg) {
		exec(bsre, "ALTER SCHEMA asn_bsre RENAME TO asn_bsre_away");
		ev = make_event("siti.rahma@jatimprov.go.id", "missing@bssn.go.id", ASN_BSRE_OTHER, 4200);
		tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.spooled,
		       "schema missing: event spooled");
		tap_contains(result.store_error.msg, "no dovecot-asn schema asn_bsre",
			     "schema missing: reason");
		tap_ok(count_rows(bsre, "SELECT count(*) FROM information_schema.schemata "
				  "WHERE schema_name = 'asn_bsre'") == 0,
		       "schema missing: not created by the delivery");
		exec(bsre, "ALTER SCHEMA asn_bsre_away RENAME TO asn_bsre");
	} else {
		char moved[700];

		snprintf(moved, sizeof(moved), "%s.away", bsre);
		rename(bsre, moved);
		ev = make_event("siti.rahma@jatimprov.go.id", "missing@bssn.go.id", ASN_BSRE_OTHER, 4200);
		tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.spooled,
		       "database missing: event spooled");
		tap_contains(result.store_error.msg, "no such BSrE database", "database missing: reason");
		tap_ok(access(bsre, F_OK) < 0, "database missing: not created by the delivery");
		rename(moved, bsre);
	}
	{
		/* a line a human broke: kept aside, the rest replayed */
		FILE *f = fopen(spool, "a");

		fputs("1\tbroken\n", f);
		fclose(f);
	}
	ev = make_event("siti.rahma@jatimprov.go.id", "back@bssn.go.id", ASN_BSRE_OTHER, 4300);
	tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.recorded && !result.spooled,
	       "store back: event recorded (%s)", err.msg);
	tap_ok(result.replayed == 3, "store back: the 3 spooled events replayed (%u)", result.replayed);
	tap_ok(access(spool, F_OK) < 0, "store back: spool emptied");
	{
		char bad[600];

		snprintf(bad, sizeof(bad), "%s.bad", spool);
		tap_ok(access(bad, F_OK) == 0, "store back: the broken line kept in .bad");
	}
	tap_ok(count_rows(bsre, "SELECT count(*) FROM bsre_events WHERE message_key IN "
			  "('locked@bssn.go.id', 'schema@bssn.go.id', 'missing@bssn.go.id')") == 3,
	       "spooled events are in the store");
	tap_ok(asn_bsre_record(&set, &ev, &result, &err) == 0 && result.duplicate,
	       "recording the same event again: duplicate");

	test_concurrent_spool(&set, bsre);
	test_record_aftercare(&set);

	free(spool);
	asn_settings_free(&set);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cleanup failed\n");
	}
	return tap_done();
}
