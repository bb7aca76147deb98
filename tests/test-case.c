/* Verifier cases: the words (code <-> label), the checks of what a
   verifier writes, the scope rule and the audit of add/close/list, and the
   hold a case puts on notices, at the window's edges. */
#include "tap.h"
#include "asn-case.h"
#include "store-private.h"	/* the connection, to trace its queries */
#include "sqlite-util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/asn-test-case-XXXXXX";
static char file_path[256];
static const char *path;	/* asn_db: the file, or PostgreSQL's URI */

/* The procedure's words, written out here once more on purpose: a change
   to a label is a change verifiers see, and must be one on purpose. */
static void test_words(void)
{
	static const struct {
		bool kind;
		const char *code, *label;
	} words[] = {
		{ true, "nik_not_found", "NIK tidak ditemukan" },
		{ true, "nik_registered", "NIK telah terdaftar" },
		{ true, "nip_not_found", "NIP tidak ditemukan" },
		{ true, "activation_failed", "Aktivasi Gagal" },
		{ true, "link_not_received", "Tautan aktivasi tidak diterima" },
		{ true, "link_expired", "Tautan kedaluwarsa" },
		{ true, "passphrase_not_set", "Passphrase belum diatur" },
		{ true, "other", "Lainnya" },
		{ false, "link_resent", "Tautan dikirim ulang" },
		{ false, "data_sent_to_bsre", "Data dikirim ke BSrE" },
		{ false, "asn_called", "ASN dihubungi" },
		{ false, "other", "Lainnya" },
	};
	unsigned int kinds = 0, actions = 0;

	for (size_t i = 0; i < ASN_N_ELEMENTS(words); i++) {
		const struct asn_case_word *table = words[i].kind ? asn_case_kinds : asn_case_actions;
		unsigned int count = words[i].kind ? asn_case_kinds_count : asn_case_actions_count;
		unsigned int *seen = words[i].kind ? &kinds : &actions;
		const char *label = words[i].kind ? asn_case_kind_label(words[i].code) :
			asn_case_action_label(words[i].code);
		bool valid = words[i].kind ? asn_case_kind_valid(words[i].code) :
			asn_case_action_valid(words[i].code);
		const char *back = NULL;

		/* label -> code through the table: the round trip */
		for (unsigned int t = 0; t < count; t++) {
			if (strcmp(table[t].label, label) == 0)
				back = table[t].code;
		}
		tap_ok(valid, "words %zu: %s is a %s", i, words[i].code,
		       words[i].kind ? "kind" : "action");
		tap_is_str(label, words[i].label, "words %zu: %s's label", i, words[i].code);
		tap_is_str(back != NULL ? back : "(none)", words[i].code,
			   "words %zu: the label leads back to the code", i);
		(*seen)++;
	}
	tap_ok(kinds == asn_case_kinds_count && actions == asn_case_actions_count,
	       "every kind and action of the table is checked here (%u/%u, %u/%u)", kinds,
	       asn_case_kinds_count, actions, asn_case_actions_count);
	tap_ok(strcmp(asn_case_kinds[asn_case_kinds_count - 1].code, "other") == 0 &&
	       strcmp(asn_case_actions[asn_case_actions_count - 1].code, "other") == 0,
	       "other comes last in a form");
	tap_ok(!asn_case_kind_valid("nik_hilang") && !asn_case_kind_valid("") &&
	       !asn_case_kind_valid(NULL) && !asn_case_kind_valid("NIK_NOT_FOUND"),
	       "unknown, empty and capitalised kinds are not kinds");
	tap_ok(asn_case_action_valid("") && asn_case_action_valid(NULL) &&
	       !asn_case_action_valid("resent"), "no action is an action; an unknown one is not");
	tap_is_str(asn_case_kind_label("from_a_newer_version"), "from_a_newer_version",
		   "an unknown code is shown as it is");
	tap_is_str(asn_case_handling_label(true), "sedang ditangani", "handled, in words");
	tap_is_str(asn_case_handling_label(false), "belum ditangani", "unhandled, in words");
}

static void test_input_check(void)
{
	char long_note[ASN_CASE_NOTE_MAX + 2];
	char max_note[ASN_CASE_NOTE_MAX + 1];
	const struct {
		const char *kind, *action, *note;
		const char *error;	/* NULL: accepted */
	} cases[] = {
		{ "nik_not_found", NULL, NULL, NULL },
		{ "nik_not_found", "", "", NULL },
		{ "nip_not_found", "data_sent_to_bsre", "NIP 1980... dikirim ke BSrE", NULL },
		{ "other", "asn_called", "ASN cuti", NULL },
		{ "link_expired", "other", "dikirim lewat WhatsApp", NULL },
		{ "activation_failed", NULL, "Gagal di langkah OTP, kata BSrE \"ulangi\"", NULL },
		{ "link_expired", NULL, "sudah kedaluwarsa — dikirim ulang", NULL },	/* UTF-8 */
		{ "link_expired", NULL, max_note, NULL },
		{ "nik_hilang", NULL, NULL, "kind 'nik_hilang' is not one of: nik_not_found," },
		{ "", NULL, NULL, "kind '' is not one of" },
		{ NULL, NULL, NULL, "kind '' is not one of" },
		{ "nik_not_found", "resent", NULL, "action 'resent' is not one of: link_resent," },
		{ "other", NULL, NULL, "note: \"other\" (Lainnya) needs a note" },
		{ "other", NULL, "  ", "note: \"other\" (Lainnya) needs a note" },
		{ "nik_registered", "other", "", "note: \"other\" (Lainnya) needs a note" },
		{ "link_expired", NULL, "https://esign.bssn.go.id/x?token=1", "note: no links" },
		{ "link_expired", NULL, "tautan: Http://x", "note: no links" },
		{ "link_expired", NULL, "lihat hTTpS://x", "note: no links" },
		{ "link_expired", NULL, long_note, "note: 501 bytes, at most 500" },
		{ "link_expired", NULL, "caf\xe9", "note: not valid UTF-8" },
		{ "link_expired", NULL, "satu\ndua", "note: " },
		{ "link_expired", NULL, "tab\there", "note: " },
		{ "link_expired", NULL, "bidi \xe2\x80\xae" "kebalik", "note: " },
		{ "link_expired", NULL, "nol\xe2\x80\x8blebar", "note: " },
	};

	memset(long_note, 'x', sizeof(long_note) - 1);
	long_note[sizeof(long_note) - 1] = '\0';
	memset(max_note, 'y', sizeof(max_note) - 1);
	max_note[sizeof(max_note) - 1] = '\0';
	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_case_input in = { cases[i].kind, cases[i].action, cases[i].note };
		struct asn_error err = { .msg = "" };
		int ret = asn_case_input_check(&in, &err);

		if (cases[i].error == NULL) {
			tap_ok(ret == 0, "input %zu accepted (%s)", i, err.msg);
		} else {
			tap_ok(ret < 0, "input %zu refused", i);
			tap_ok(strncmp(err.msg, cases[i].error, strlen(cases[i].error)) == 0,
			       "input %zu: the message names the field: '%s'", i, err.msg);
		}
	}
}

static void add_account(struct asn_store *store, const char *email, const char *nip,
			const char *opd)
{
	struct asn_account a;
	struct asn_error err;

	memset(&a, 0, sizeof(a));
	a.email = (char *)email;
	a.password = (char *)"{ARGON2ID}$argon2id$x";
	a.nip = (char *)nip;
	a.name = (char *)"Someone";
	a.opd = (char *)opd;
	a.password_set_at = a.created_at = 1000;
	if (asn_store_account_insert(store, &a, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
}

static void add_verifier(struct asn_store *store, const char *email, bool all, const char *opd)
{
	struct asn_verifier v;
	struct asn_error err;

	memset(&v, 0, sizeof(v));
	v.email = (char *)email;
	v.name = v.phone = (char *)"";
	v.all_opd = all;
	v.created_at = 1000;
	if (opd != NULL)
		asn_strv_add(&v.opds, opd);
	if (asn_store_verifier_add(store, &v, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	asn_strv_free(&v.opds);
}

static struct asn_verifier verifier(struct asn_store *store, const char *email)
{
	struct asn_verifier v;
	struct asn_error err;

	if (asn_store_verifier_find(store, email, &v, &err) != 1) {
		printf("Bail out! no verifier %s\n", email);
		exit(1);
	}
	return v;
}

/* The statements a call runs, bound values left out. */
static struct asn_str trace;

static int trace_stmt(unsigned int type, void *ctx, void *p, void *x)
{
	(void)ctx; (void)x;
	if (type == SQLITE_TRACE_STMT) {
		asn_str_append(&trace, sqlite3_sql(p));
		asn_str_append_c(&trace, '\n');
	}
	return 0;
}

/* SQLite's trace: the statements are the same on PostgreSQL (one
   statement layer), where these checks are skipped. */
static void trace_start(struct asn_store *store)
{
	asn_str_truncate(&trace, 0);
	if (store->backend != ASN_STORE_PGSQL)
		sqlite3_trace_v2(store->db, SQLITE_TRACE_STMT, trace_stmt, NULL);
}

static char *trace_stop(struct asn_store *store)
{
	if (store->backend != ASN_STORE_PGSQL)
		sqlite3_trace_v2(store->db, 0, NULL, NULL);
	return asn_xstrdup(asn_str_c(&trace));
}

static void trace_same(const char *got, const char *want, const char *name)
{
	if (test_store_pgsql())
		tap_skip("SQLite only (its statement trace)");
	else
		tap_is_str(got, want, "%s", name);
}

static int rows(const char *sql)
{
	return count_rows(path, sql);
}

static void test_scope(struct asn_store *store)
{
	static const struct {
		const char *verifier, *user;
		int found;
	} cases[] = {
		{ "kominfo@x.go.id", "a1@x.go.id", 1 },
		{ "kominfo@x.go.id", "198001012005011001", 1 },	/* by NIP */
		{ "kominfo@x.go.id", "b1@x.go.id", 0 },		/* another OPD */
		{ "kominfo@x.go.id", "198001012005011002", 0 },	/* its NIP */
		{ "kominfo@x.go.id", "nobody@x.go.id", 0 },		/* absent */
		{ "kominfo@x.go.id", "n1@x.go.id", 0 },		/* no OPD */
		{ "admin@x.go.id", "b1@x.go.id", 1 },
		{ "admin@x.go.id", "n1@x.go.id", 1 },
		{ "admin@x.go.id", "nobody@x.go.id", 0 },
	};
	struct asn_case_input in = { "nik_not_found", "data_sent_to_bsre", "dikirim" };
	int cases_before = rows("SELECT count(*) FROM verifier_cases");
	int added = 0;

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		struct asn_verifier v = verifier(store, cases[i].verifier);
		struct asn_error err = { .msg = "" };
		struct asn_cases list;
		struct asn_account account;
		int64_t id = -1;
		int lookups = rows("SELECT count(*) FROM person_lookups");
		int audits = rows("SELECT count(*) FROM audit WHERE action = 'case-add'");
		int ret, listed;

		ret = asn_case_add(store, &v, cases[i].user, ASN_LOOKUP_PORTAL, &in, 5000, &id,
				   &err);
		tap_ok(ret == cases[i].found, "scope %zu: %s %s a case of %s (%d %s)", i,
		       cases[i].verifier, cases[i].found ? "adds" : "cannot add", cases[i].user,
		       ret, err.msg);
		tap_ok(ret > 0 ? id > 0 : id == 0, "scope %zu: an id only when added", i);
		tap_ok(rows("SELECT count(*) FROM person_lookups") == lookups + 1,
		       "scope %zu: the look at the person recorded, found or not", i);
		tap_ok(rows("SELECT count(*) FROM audit WHERE action = 'case-add'") ==
		       audits + (ret > 0 ? 1 : 0), "scope %zu: audited when added, only then", i);
		added += ret > 0 ? 1 : 0;
		listed = asn_case_list(store, &v, cases[i].user, ASN_LOOKUP_PORTAL, &list, &account,
				       &err);
		tap_ok(listed == cases[i].found, "scope %zu: %s %s's cases", i,
		       cases[i].found ? "lists" : "cannot list", cases[i].user);
		if (listed > 0) {
			tap_ok(list.count >= 1 && list.items[list.count - 1].id == id &&
			       strcmp(list.items[list.count - 1].by, cases[i].verifier) == 0,
			       "scope %zu: the list has the case, by its verifier", i);
			asn_cases_free(&list);
			asn_account_free(&account);
		} else {
			tap_ok(list.count == 0 && list.items == NULL, "scope %zu: nothing listed", i);
		}
		asn_verifier_free(&v);
	}
	tap_ok(rows("SELECT count(*) FROM verifier_cases") == cases_before + added,
	       "only the cases in scope were stored (%d)", added);
	tap_ok(rows("SELECT count(*) FROM audit WHERE action = 'case-add' AND "
		    "actor = 'kominfo@x.go.id' AND email = 'a1@x.go.id' AND "
		    "detail LIKE 'case %: nik_not_found, data_sent_to_bsre'") == 2,
	       "the audit: the verifier as actor, the person, the case's words");
	tap_ok(rows("SELECT count(*) FROM audit WHERE detail LIKE '%dikirim%'") == 0,
	       "the audit never holds the note");
}

/* An out-of-scope person costs what an absent one does: the same
   statements, the same answer. */
static void test_same_queries(struct asn_store *store)
{
	struct asn_verifier v = verifier(store, "kominfo@x.go.id");
	struct asn_case_input in = { "nik_registered", NULL, NULL };
	struct asn_error err;
	struct asn_cases list;
	char *other, *absent, *close_other, *close_absent;
	int64_t id, b1_case;
	bool already;
	int r1, r2, c1, c2;

	trace_start(store);
	r1 = asn_case_add(store, &v, "b1@x.go.id", ASN_LOOKUP_API, &in, 5000, &id, &err);
	other = trace_stop(store);
	trace_start(store);
	r2 = asn_case_add(store, &v, "nobody@x.go.id", ASN_LOOKUP_API, &in, 5000, &id, &err);
	absent = trace_stop(store);
	tap_ok(r1 == 0 && r2 == 0, "add: another OPD and absent both not found");
	trace_same(other, absent, "add: another OPD runs the queries of an absent address");
	free(other);
	free(absent);

	trace_start(store);
	r1 = asn_case_list(store, &v, "b1@x.go.id", ASN_LOOKUP_API, &list, NULL, &err);
	other = trace_stop(store);
	trace_start(store);
	r2 = asn_case_list(store, &v, "nobody@x.go.id", ASN_LOOKUP_API, &list, NULL, &err);
	absent = trace_stop(store);
	tap_ok(r1 == 0 && r2 == 0, "list: another OPD and absent both not found");
	trace_same(other, absent, "list: another OPD runs the queries of an absent address");
	free(other);
	free(absent);

	b1_case = rows("SELECT max(c.id) FROM verifier_cases c JOIN accounts a "
		       "ON a.id = c.account_id WHERE a.email = 'b1@x.go.id'");
	trace_start(store);
	c1 = asn_case_close(store, &v, b1_case, 6000, &already, &err);
	close_other = trace_stop(store);
	trace_start(store);
	c2 = asn_case_close(store, &v, 999999, 6000, &already, &err);
	close_absent = trace_stop(store);
	tap_ok(b1_case > 0 && c1 == 0 && c2 == 0, "close: another OPD's case and an absent id "
	       "both not found");
	trace_same(close_other, close_absent, "close: the same queries");
	tap_ok(rows("SELECT count(*) FROM verifier_cases WHERE resolved_at IS NOT NULL") == 0,
	       "nothing closed out of scope");
	free(close_other);
	free(close_absent);
	asn_verifier_free(&v);
}

static void test_close(struct asn_store *store)
{
	struct asn_verifier v = verifier(store, "kominfo@x.go.id");
	struct asn_error err;
	int64_t id = rows("SELECT min(c.id) FROM verifier_cases c JOIN accounts a "
			  "ON a.id = c.account_id WHERE a.email = 'a1@x.go.id'");
	bool already = true;

	tap_ok(asn_case_close(store, &v, id, 7000, &already, &err) == 1 && !already,
	       "close a case in scope");
	tap_ok(asn_case_close(store, &v, id, 7100, &already, &err) == 1 && already,
	       "close it again: found, closed already");
	tap_ok(rows("SELECT count(*) FROM audit WHERE action = 'case-close' AND "
		    "actor = 'kominfo@x.go.id' AND email = 'a1@x.go.id'") == 1,
	       "one close audited, the repeat not");
	tap_ok(rows("SELECT resolved_at FROM verifier_cases WHERE resolved_by = "
		    "'kominfo@x.go.id'") == 7000, "the case keeps when and by whom it closed");
	asn_verifier_free(&v);
}

static void test_bad_input_stores_nothing(struct asn_store *store)
{
	static const struct asn_case_input bad[] = {
		{ "nik_hilang", NULL, NULL },
		{ "link_expired", NULL, "https://esign.bssn.go.id/activate?token=SECRET" },
		{ "other", NULL, "" },
		{ "link_expired", NULL, "dua\nbaris" },
	};
	struct asn_verifier v = verifier(store, "kominfo@x.go.id");
	int cases = rows("SELECT count(*) FROM verifier_cases");
	int lookups = rows("SELECT count(*) FROM person_lookups");
	int audits = rows("SELECT count(*) FROM audit");

	for (size_t i = 0; i < ASN_N_ELEMENTS(bad); i++) {
		struct asn_error err = { .msg = "" };
		int64_t id = -1;

		tap_ok(asn_case_add(store, &v, "a1@x.go.id", ASN_LOOKUP_PORTAL, &bad[i], 8000, &id,
				    &err) < 0 && id == 0 && err.msg[0] != '\0',
		       "bad input %zu refused: %s", i, err.msg);
	}
	tap_ok(rows("SELECT count(*) FROM verifier_cases") == cases &&
	       rows("SELECT count(*) FROM person_lookups") == lookups &&
	       rows("SELECT count(*) FROM audit") == audits,
	       "bad input stored no case, no lookup, no audit row");
	tap_ok(rows("SELECT count(*) FROM verifier_cases WHERE note LIKE '%SECRET%'") == 0,
	       "the link never reached the store");
	asn_verifier_free(&v);
}

static void test_hold(struct asn_store *store)
{
	static const struct {
		time_t activity, now;
		unsigned int hold;
		bool held;
	} cases[] = {
		{ 1000, 1000, 600, true },		/* the moment it happens */
		{ 1000, 1599, 600, true },		/* the last second */
		{ 1000, 1600, 600, false },		/* the window's end */
		{ 1000, 1601, 600, false },
		{ 1000, 900, 600, true },		/* a clock behind the case's */
		{ 1000, 1000, 0, false },		/* hold 0: nothing held */
		{ 0, 100, 600, false },			/* no case */
		{ 1000, 1000 + 7 * 86400 - 1, 7 * 86400, true },
		{ 1000, 1000 + 7 * 86400, 7 * 86400, false },
	};
	struct asn_settings set;
	struct asn_error err;
	int64_t a1 = rows("SELECT id FROM accounts WHERE email = 'a1@x.go.id'");
	int64_t c1 = rows("SELECT id FROM accounts WHERE email = 'c1@x.go.id'");
	time_t until;

	for (size_t i = 0; i < ASN_N_ELEMENTS(cases); i++) {
		bool held = asn_case_held(cases[i].activity, cases[i].now, cases[i].hold, &until);

		tap_ok(held == cases[i].held, "hold %zu: activity %lld, now %lld, hold %u: %s", i,
		       (long long)cases[i].activity, (long long)cases[i].now, cases[i].hold,
		       cases[i].held ? "held" : "not held");
		tap_ok(held ? until == cases[i].activity + (time_t)cases[i].hold : until == 0,
		       "hold %zu: until the window's end, or 0", i);
	}

	/* From the store: a1's latest activity is the close at 7000 (the
	   cases were opened at 5000), c1 has none. */
	tap_ok(asn_case_holds_notices(store, a1, 7000 + 99, 100, &until, &err) == 1 &&
	       until == 7100, "store: held until the close + hold");
	tap_ok(asn_case_holds_notices(store, a1, 7100, 100, &until, &err) == 0,
	       "store: released at the window's end");
	tap_ok(asn_case_holds_notices(store, c1, 7000, 100, &until, &err) == 0 && until == 0,
	       "store: a person without cases is never held");
	asn_settings_init(&set);
	tap_ok(set.case_notice_hold == 7 * 86400, "asn_case_notice_hold defaults to 7 days (%u)",
	       set.case_notice_hold);
	tap_ok(asn_settings_set(&set, "asn_case_notice_hold", "367d", &err) < 0,
	       "asn_case_notice_hold over a year is refused");
	asn_settings_free(&set);
}

int main(void)
{
	struct asn_settings set;
	struct asn_store *store = NULL;
	struct asn_error err = { .msg = "" };
	int from = -1;

	test_words();
	test_input_check();

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file_path, sizeof(file_path), "%s/asn.db", dir);
	asn_settings_init(&set);
	path = test_db_settings(&set, dir, file_path);
	if (asn_store_init(&set, NULL, &from, &err) < 0 ||
	    asn_store_open(&set, true, &store, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	add_account(store, "a1@x.go.id", "198001012005011001", "Diskominfo");
	add_account(store, "b1@x.go.id", "198001012005011002", "Dinas Kesehatan");
	add_account(store, "c1@x.go.id", "198001012005011003", "BKD");
	add_account(store, "n1@x.go.id", "198001012005011004", "");
	add_verifier(store, "kominfo@x.go.id", false, "Diskominfo");
	add_verifier(store, "admin@x.go.id", true, NULL);

	test_scope(store);
	test_same_queries(store);
	test_close(store);
	test_bad_input_stores_nothing(store);
	test_hold(store);

	asn_store_close(&store);
	asn_str_free(&trace);
	asn_settings_free(&set);
	{
		static const char *const suffixes[] = { "", "-wal", "-shm" };
		char file[300];

		for (size_t i = 0; i < ASN_N_ELEMENTS(suffixes); i++) {
			snprintf(file, sizeof(file), "%s%s", file_path, suffixes[i]);
			unlink(file);
		}
		snprintf(file, sizeof(file), "%s/bsre/bsre.db", dir);
		unlink(file);
		snprintf(file, sizeof(file), "%s/bsre", dir);
		rmdir(file);
	}
	rmdir(dir);
	return tap_done();
}
