/* Creating accounts: the part of import and add that writes. */
#include "asnctl.h"
#include "asn-hash-pool.h"
#include "asn-policy.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pending {
	struct asn_person *person;
	char email[ASN_EMAIL_MAX + 1];
	char password[ASN_PASSWORD_MAX + 1];
};

/* The checks' lookups (a NIP, an address given, an address derived: per
   row) run in read transactions of this many rows: one transaction each
   rather than one per lookup, and no snapshot held for long.  A row that
   someone adds meanwhile is still refused by the insert's uniqueness: the
   import then fails and changes nothing. */
#define CHECK_BATCH_ROWS 1000

struct read_batch {
	bool open;
	unsigned int rows;
};

/* Before a row's lookups: a read transaction open, a new one every
   CHECK_BATCH_ROWS rows. */
static int check_batch(struct asn_store *store, struct read_batch *batch, struct asn_error *err)
{
	if (batch->open && ++batch->rows < CHECK_BATCH_ROWS)
		return 0;
	if (batch->open) {
		batch->open = false;
		if (asn_store_commit(store, err) < 0)
			return -1;
	}
	if (asn_store_begin_read(store, err) < 0)
		return -1;
	batch->open = true;
	batch->rows = 0;
	return 0;
}

static int compare_problems(const void *a, const void *b)
{
	const struct asn_roster_problem *pa = a, *pb = b;

	return pa->line < pb->line ? -1 : pa->line > pb->line ? 1 : 0;
}

static void progress_bar(size_t done, size_t total, void *context)
{
	const char *label = context;
	unsigned int width = 30, filled = total == 0 ? width : (unsigned int)(done * width / total);

	fprintf(stderr, "\r%s %zu/%zu [", label, done, total);
	for (unsigned int i = 0; i < width; i++)
		fputc(i < filled ? '#' : '.', stderr);
	fprintf(stderr, "] %3u%%", total == 0 ? 100 : (unsigned int)(done * 100 / total));
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int address_in_store(const char *address, void *context, struct asn_error *err)
{
	struct asn_store *store = context;
	char *owner = NULL;
	int ret = asn_store_email_owner(store, address, &owner, err);

	free(owner);
	return ret;
}

static void print_problems(struct asn_roster *roster, const char *source)
{
	qsort(roster->problems, roster->problem_count, sizeof(*roster->problems),
	      compare_problems);
	for (size_t i = 0; i < roster->problem_count; i++) {
		if (roster->problems[i].line == 0)
			asnctl_error("%s: %s", source, roster->problems[i].message);
		else
			fprintf(stderr, "%s:%u: %s\n", source, roster->problems[i].line,
				roster->problems[i].message);
	}
}

static void wipe_pending(struct pending *pending, size_t count)
{
	for (size_t i = 0; i < count; i++)
		asn_secure_zero(pending[i].password, sizeof(pending[i].password));
}

static int write_accounts(struct asnctl *ctl, struct asn_store *store,
			  const struct asnctl_provision *opts, struct pending *pending,
			  size_t count, char (*hashes)[ASN_PASSWORD_HASH_MAX],
			  unsigned int existing, unsigned int rejected,
			  struct asnctl_sheet *sheet)
{
	struct asn_import_record rec = {
		.source = opts->source, .letter_ref = opts->letter_ref,
		.opd = opts->opd, .actor = ctl->actor,
	};
	struct asn_error err;
	time_t now = asn_now();
	time_t expires = now + (time_t)ctl->set.initial_password_ttl;
	int64_t import_id;
	int ret;

	if (asn_store_begin(store, &err) < 0 ||
	    asn_store_import_begin(store, &rec, &import_id, &err) < 0)
		goto fail;
	for (size_t i = 0; i < count; i++) {
		struct asn_person *person = pending[i].person;
		struct asn_account account = {
			.email = pending[i].email,
			.password = hashes[i],
			.nip = person->nip,
			.name = person->name,
			.position = person->position,
			.phone = person->phone,
			.opd = person->opd,
			.must_change = true,
			.password_set_at = now,
			.initial_password_expires_at = expires,
			.created_at = now,
			.import_id = import_id,
		};
		char detail[512];

		if (asn_store_account_insert(store, &account, &err) < 0)
			goto fail_rollback;
		snprintf(detail, sizeof(detail), "%s #%lld from %s%s%s",
			 strcmp(opts->source, "add") == 0 ? "add" : "import",
			 (long long)import_id, opts->source,
			 opts->letter_ref != NULL ? ", letter " : "",
			 opts->letter_ref != NULL ? opts->letter_ref : "");
		if (asn_store_audit(store, ctl->actor, strcmp(opts->source, "add") == 0 ?
				    "add" : "import", &account, detail, &err) < 0)
			goto fail_rollback;
		asnctl_sheet_add(sheet, pending[i].email, pending[i].password, person->nip,
				 person->name, person->opd, expires);
	}
	if (asn_store_import_finish(store, import_id, (unsigned int)count, existing,
				    rejected, &err) < 0)
		goto fail_rollback;
	/* The sheet is on disk before the accounts exist: a crash between
	   the two leaves a sheet with unusable passwords, never accounts
	   whose passwords nobody has. */
	ret = asnctl_sheet_finish(sheet);
	if (ret != EX_OK) {
		asn_store_rollback(store);
		asnctl_sheet_abort(sheet);
		return ret;
	}
	if (asn_store_commit(store, &err) < 0) {
		asnctl_sheet_abort(sheet);
		asnctl_error("%s", err.msg);
		return asnctl_store_exit(asn_store_error_status(&err));
	}
	asnctl_sheet_release(sheet);
	return EX_OK;

fail_rollback:
	asn_store_rollback(store);
fail:
	asnctl_sheet_abort(sheet);
	asnctl_error("%s", err.msg);
	return asnctl_store_exit(asn_store_error_status(&err));
}

int asnctl_provision(struct asnctl *ctl, struct asn_roster *roster,
		     const struct asnctl_provision *opts)
{
	struct asn_store *store = NULL;
	struct asn_policy policy;
	struct asn_error err;
	struct asnctl_sheet sheet;
	struct pending *pending;
	enum { ROW_SKIP, ROW_CREATE } *state;
	struct asn_address_book *book;
	char (*hashes)[ASN_PASSWORD_HASH_MAX] = NULL;
	const char **passwords = NULL;
	struct asn_hash_pool *pool;
	struct read_batch batch = { .open = false };
	bool generate_failed = false;
	unsigned int existing = 0;
	size_t count = 0;
	int ret;

	ret = asnctl_open_store(ctl, !opts->dry_run, &store);
	if (ret != EX_OK)
		return ret;
	asn_store_keep_statements(store);
	pending = asn_xcalloc(roster->count + 1, sizeof(*pending));
	state = asn_xcalloc(roster->count + 1, sizeof(*state));
	book = asn_address_book_new(address_in_store, store);

	/* Decide every row before anything is written.  First the rows that
	   exist and the addresses the list gives, so that no derived address
	   takes one of those, wherever it is in the list. */
	for (size_t i = 0; i < roster->count; i++) {
		struct asn_person *person = &roster->people[i];

		if (check_batch(store, &batch, &err) < 0)
			goto store_error;
		ret = asn_store_nip_exists(store, person->nip, &err);
		if (ret < 0)
			goto store_error;
		if (ret > 0) {
			if (opts->refuse_existing) {
				asn_roster_add_problem(roster, person->line, "%s: %s already has an account",
						       roster->header[ASN_COL_NIP], person->nip);
				continue;
			}
			existing++;
			continue;
		}
		if (person->email != NULL) {
			char *owner = NULL;

			ret = asn_store_email_owner(store, person->email, &owner, &err);
			if (ret < 0)
				goto store_error;
			if (ret > 0) {
				asn_roster_add_problem(roster, person->line, "%s: %s already belongs to NIP %s",
						       roster->header[ASN_COL_EMAIL], person->email, owner);
				free(owner);
				continue;
			}
			asn_address_book_reserve(book, person->email);
		}
		state[i] = ROW_CREATE;
	}
	/* Then the addresses derived from names, in list order. */
	for (size_t i = 0; i < roster->count; i++) {
		struct asn_person *person = &roster->people[i];
		char local[ASN_EMAIL_LOCAL_MAX + 1];

		if (state[i] != ROW_CREATE)
			continue;
		if (check_batch(store, &batch, &err) < 0)
			goto store_error;
		if (person->email != NULL) {
			snprintf(pending[count].email, sizeof(pending[count].email), "%s",
				 person->email);
		} else {
			if (opts->domain == NULL || opts->domain[0] == '\0') {
				asnctl_error("%s has no Email column: give --domain or set asn_domain",
					     opts->source);
				ret = EX_USAGE;
				goto out;
			}
			if (asn_email_local_from_name(person->name, local, &err) < 0) {
				asn_roster_add_problem(roster, person->line, "%s: %s",
						       roster->header[ASN_COL_NAME], err.msg);
				continue;
			}
			if (asn_address_book_derive(book, local, opts->domain,
						    pending[count].email, &err) < 0)
				goto store_error;
		}
		pending[count++].person = person;
	}
	if (batch.open) {
		batch.open = false;
		if (asn_store_commit(store, &err) < 0)
			goto store_error;
	}

	if (roster->problem_count > 0) {
		print_problems(roster, opts->source);
		if (!opts->skip_invalid) {
			fprintf(stderr, "%s: %zu row%s rejected, nothing imported "
				"(fix the list, or import the valid rows with --skip-invalid)\n",
				opts->source, roster->problem_count,
				roster->problem_count == 1 ? "" : "s");
			ret = EX_DATAERR;
			goto out;
		}
	}
	if (opts->dry_run) {
		for (size_t i = 0; i < count; i++)
			printf("would create %s\t%s\t%s\n", pending[i].email,
			       pending[i].person->nip, pending[i].person->name);
		printf("%s: %zu to create, %u existing, %zu rejected (dry run, nothing written)\n",
		       opts->source, count, existing, roster->problem_count);
		ret = EX_OK;
		goto out;
	}
	if (count == 0) {
		printf("%s: 0 created, %u existing, %zu rejected\n", opts->source, existing,
		       roster->problem_count);
		ret = EX_OK;
		goto out;
	}

	/* The sheet first: if it cannot be created, no hashing is wasted. */
	ret = asnctl_sheet_create(&sheet, opts->sheet_path, opts->sheet_delim);
	if (ret != EX_OK)
		goto out;
	if (asn_policy_init(&policy, &ctl->set, &err) < 0) {
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	/* Generation (the policy checks, single-threaded) overlaps hashing:
	   passwords are handed to the pool as they are made. */
	passwords = asn_xcalloc(count, sizeof(*passwords));
	for (size_t i = 0; i < count; i++)
		passwords[i] = pending[i].password;
	hashes = asn_xcalloc(count, sizeof(*hashes));
	pool = asn_hash_pool_start(&ctl->set, passwords, hashes, count, ctl->set.hash_threads);
	for (size_t i = 0; i < count; i++) {
		struct asn_policy_context pctx = {
			.email = pending[i].email,
			.name = pending[i].person->name,
			.nip = pending[i].person->nip,
		};

		if (asn_policy_generate(&policy, &pctx, pending[i].password, &err) < 0) {
			generate_failed = true;
			break;
		}
		if (i % 16 == 15 || i + 1 == count)
			asn_hash_pool_publish(pool, i + 1);
	}
	asn_policy_deinit(&policy);
	if (generate_failed) {
		struct asn_error pool_err;

		(void)asn_hash_pool_finish(&pool, NULL, NULL, &pool_err);
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	if (asn_hash_pool_finish(&pool, isatty(STDERR_FILENO) ? progress_bar : NULL,
				 (void *)"hashing", &err) < 0) {
		asnctl_sheet_abort(&sheet);
		asnctl_error("%s", err.msg);
		ret = EX_SOFTWARE;
		goto out;
	}
	ret = write_accounts(ctl, store, opts, pending, count, hashes, existing,
			     (unsigned int)roster->problem_count, &sheet);
	if (ret == EX_OK) {
		printf("%s: %zu created, %u existing, %zu rejected\n", opts->source, count,
		       existing, roster->problem_count);
		printf("credential sheet: %s (mode 0600; hand it over securely, then delete it)\n",
		       opts->sheet_path);
	}
	goto out;

store_error:
	asnctl_error("%s", err.msg);
	ret = asnctl_store_exit(asn_store_error_status(&err));
out:
	if (batch.open)
		asn_store_rollback(store);
	wipe_pending(pending, roster->count);
	free(pending);
	free(state);
	asn_address_book_free(&book);
	free(passwords);
	if (hashes != NULL) {
		asn_secure_zero(hashes, count * sizeof(*hashes));
		free(hashes);
	}
	asn_store_close(&store);
	return ret;
}
