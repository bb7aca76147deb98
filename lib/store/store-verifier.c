/* Verifiers, their OPDs and the lookups they make, in the account store. */
#include "store-private.h"
#include "asn-store-verifier.h"

#include <stdlib.h>
#include <string.h>

void asn_verifier_free(struct asn_verifier *verifier)
{
	free(verifier->email);
	free(verifier->name);
	free(verifier->phone);
	asn_strv_free(&verifier->opds);
	memset(verifier, 0, sizeof(*verifier));
}

/* Runs a one-value query (?1 text or int64) and collects column 0. */
static int collect_strings(struct asn_store *store, const char *sql, int64_t id,
			   struct asn_strv *out, const char *what, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	if (asn_db_prepare(store, sql, &stmt, err) < 0)
		return -1;
	if (id != 0)
		asn_db_bind_int(stmt, 1, id);
	while ((rc = asn_db_step(stmt, what, err)) > 0)
		asn_strv_add_take(out, asn_db_column_dup(stmt, 0));
	asn_db_finalize(&stmt);
	if (rc < 0)
		return -1;
	return 0;
}

static int verifier_opds(struct asn_store *store, struct asn_verifier *verifier,
			 struct asn_error *err)
{
	return collect_strings(store, "SELECT opd FROM verifier_opds WHERE verifier_id = ?1 "
			       "ORDER BY opd", verifier->id, &verifier->opds,
			       "reading a verifier's OPDs", err);
}

#define VERIFIER_COLUMNS "id, email, name, phone, all_opd, created_at"

static void verifier_from_row(struct asn_db_stmt *stmt, struct asn_verifier *verifier)
{
	memset(verifier, 0, sizeof(*verifier));
	verifier->id = asn_db_column_int(stmt, 0);
	verifier->email = asn_db_column_dup(stmt, 1);
	verifier->name = asn_db_column_dup(stmt, 2);
	verifier->phone = asn_db_column_dup(stmt, 3);
	verifier->all_opd = asn_db_column_int(stmt, 4) != 0;
	verifier->created_at = (time_t)asn_db_column_int(stmt, 5);
}

int asn_store_verifier_add(struct asn_store *store, struct asn_verifier *verifier,
			   struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "INSERT INTO verifiers (email, name, phone, all_opd, created_at) "
			      "VALUES (?, ?, ?, ?, ?) RETURNING id", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, verifier->email);
	asn_db_bind_text(stmt, 2, verifier->name);
	asn_db_bind_text(stmt, 3, verifier->phone);
	asn_db_bind_int(stmt, 4, verifier->all_opd ? 1 : 0);
	asn_db_bind_int(stmt, 5, verifier->created_at);
	if (asn_db_insert_id(stmt, "adding verifier", &verifier->id, err) < 0) {
		if (asn_store_error_status(err) == ASN_STORE_ERR_CONFLICT) {
			asn_error_set(err, "%s is a verifier already", verifier->email);
			return asn_store_failed(ASN_STORE_ERR_CONFLICT, err);
		}
		return -1;
	}
	for (size_t i = 0; i < verifier->opds.count; i++) {
		if (asn_store_verifier_opd_add(store, verifier->id,
					       verifier->opds.items[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Runs a change and says whether it changed a row. */
static int change_rows(struct asn_store *store, struct asn_db_stmt *stmt, const char *what,
		       struct asn_error *err)
{
	if (asn_db_done(stmt, what, err) < 0)
		return -1;
	return store->changes > 0 ? 1 : 0;
}

int asn_store_verifier_remove(struct asn_store *store, const char *email,
			      struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "DELETE FROM verifiers WHERE email = ?1", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	return change_rows(store, stmt, "removing verifier", err);
}

int asn_store_verifier_find(struct asn_store *store, const char *email,
			    struct asn_verifier *verifier_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	memset(verifier_r, 0, sizeof(*verifier_r));
	if (asn_db_prepare(store, "SELECT " VERIFIER_COLUMNS " FROM verifiers WHERE email = ?1",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, email);
	rc = asn_db_step(stmt, "verifier lookup", err);
	if (rc <= 0) {
		asn_db_finalize(&stmt);
		return rc == 0 ? 0 : -1;
	}
	verifier_from_row(stmt, verifier_r);
	asn_db_finalize(&stmt);
	if (verifier_opds(store, verifier_r, err) < 0) {
		asn_verifier_free(verifier_r);
		return -1;
	}
	return 1;
}

int asn_store_verifier_opd_add(struct asn_store *store, int64_t verifier_id,
			       const char *opd, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "INSERT INTO verifier_opds (verifier_id, opd) "
			      "VALUES (?, ?) ON CONFLICT DO NOTHING", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, verifier_id);
	asn_db_bind_text(stmt, 2, opd);
	return change_rows(store, stmt, "adding a verifier's OPD", err);
}

int asn_store_verifier_opd_remove(struct asn_store *store, int64_t verifier_id,
				  const char *opd, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "DELETE FROM verifier_opds WHERE verifier_id = ? AND opd = ?",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, verifier_id);
	asn_db_bind_text(stmt, 2, opd);
	return change_rows(store, stmt, "removing a verifier's OPD", err);
}

int asn_store_verifier_iterate(struct asn_store *store, asn_verifier_callback *callback,
			       void *context, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc, ret = 0;

	if (asn_db_prepare(store, "SELECT " VERIFIER_COLUMNS " FROM verifiers ORDER BY email",
			      &stmt, err) < 0)
		return -1;
	while ((rc = asn_db_step(stmt, "listing verifiers", err)) > 0) {
		struct asn_verifier verifier;

		verifier_from_row(stmt, &verifier);
		if (verifier_opds(store, &verifier, err) < 0) {
			asn_verifier_free(&verifier);
			asn_db_finalize(&stmt);
			return -1;
		}
		ret = callback(&verifier, context);
		asn_verifier_free(&verifier);
		if (ret < 0)
			break;
	}
	asn_db_finalize(&stmt);
	if (ret < 0)
		return -1;
	if (rc < 0)
		return -1;
	return 0;
}

int asn_store_opds(struct asn_store *store, struct asn_strv *opds_r, struct asn_error *err)
{
	struct asn_strv every;

	memset(&every, 0, sizeof(every));
	if (asn_store_every_opd(store, &every, err) < 0) {
		asn_strv_free(&every);
		return -1;
	}
	for (size_t i = 0; i < every.count; i++) {
		if (every.items[i][0] != '\0')
			asn_strv_add(opds_r, every.items[i]);
	}
	asn_strv_free(&every);
	return 0;
}

int asn_store_opd_exists(struct asn_store *store, const char *opd, char **similar_r,
			 struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	*similar_r = NULL;
	/* The exact spelling first, else the nearest by case and spaces. */
	if (asn_db_prepare(store, "SELECT opd, opd = ?1 FROM accounts "
			      "WHERE lower(trim(opd)) = lower(trim(?1)) "
			      "ORDER BY opd = ?1 DESC LIMIT 1", &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, opd);
	rc = asn_db_step(stmt, "OPD lookup", err);
	if (rc > 0) {
		bool exact = asn_db_column_int(stmt, 1) != 0;

		if (!exact)
			*similar_r = asn_db_column_dup(stmt, 0);
		asn_db_finalize(&stmt);
		return exact ? 1 : 0;
	}
	asn_db_finalize(&stmt);
	return rc == 0 ? 0 : -1;
}

const char *asn_lookup_via_name(enum asn_lookup_via via)
{
	switch (via) {
	case ASN_LOOKUP_ASNCTL: return "asnctl";
	case ASN_LOOKUP_PORTAL: return "portal";
	case ASN_LOOKUP_API: return "api";
	}
	return "?";
}

int asn_store_person_lookup_add(struct asn_store *store, const char *verifier,
				const char *query, int64_t account_id,
				enum asn_lookup_via via, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	/* The account's address as it is now: the row keeps whom it was
	   after the account is gone. */
	if (asn_db_prepare(store, "INSERT INTO person_lookups "
			      "(at, verifier, query, account_id, email, via) VALUES (?1, ?2, ?3, ?4, "
			      "coalesce((SELECT email FROM accounts WHERE id = ?4), ''), ?5)",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, asn_now());
	asn_db_bind_text(stmt, 2, verifier);
	asn_db_bind_text(stmt, 3, query);
	if (account_id != 0)
		asn_db_bind_int(stmt, 4, account_id);
	else
		asn_db_bind_null(stmt, 4);
	asn_db_bind_text(stmt, 5, asn_lookup_via_name(via));
	return asn_db_done(stmt, "recording a person lookup", err);
}

void asn_api_token_free(struct asn_api_token *token)
{
	free(token->name);
	memset(token, 0, sizeof(*token));
}

int asn_store_api_token_add(struct asn_store *store, int64_t verifier_id, const char *name,
			    const char *hash, int64_t *id_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;

	if (asn_db_prepare(store, "INSERT INTO api_tokens (verifier_id, name, hash, created_at) "
			      "VALUES (?1, ?2, ?3, ?4) RETURNING id", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, verifier_id);
	asn_db_bind_text(stmt, 2, name);
	asn_db_bind_text(stmt, 3, hash);
	asn_db_bind_int(stmt, 4, asn_now());
	return asn_db_insert_id(stmt, "adding an API token", id_r, err);
}

int asn_store_api_token_use(struct asn_store *store, const char *hash, char **email_r,
			    struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int64_t id;
	int rc;

	*email_r = NULL;
	if (asn_db_prepare(store, "SELECT t.id, v.email FROM api_tokens t "
			      "JOIN verifiers v ON v.id = t.verifier_id WHERE t.hash = ?1",
			      &stmt, err) < 0)
		return -1;
	asn_db_bind_text(stmt, 1, hash);
	rc = asn_db_step(stmt, "API token lookup", err);
	if (rc <= 0) {
		asn_db_finalize(&stmt);
		return rc == 0 ? 0 : -1;
	}
	id = asn_db_column_int(stmt, 0);
	*email_r = asn_db_column_dup(stmt, 1);
	asn_db_finalize(&stmt);
	if (asn_db_prepare(store, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
			      &stmt, err) < 0 ||
	    (asn_db_bind_int(stmt, 1, id), asn_db_bind_int(stmt, 2, asn_now()),
	     asn_db_done(stmt, "noting an API token's use", err)) < 0) {
		free(*email_r);
		*email_r = NULL;
		return -1;
	}
	return 1;
}

int asn_store_api_token_list(struct asn_store *store, int64_t verifier_id,
			     struct asn_api_token **tokens_r, size_t *count_r,
			     struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	if (asn_db_prepare(store, "SELECT id, name, created_at, last_used_at FROM api_tokens "
			      "WHERE verifier_id = ?1 ORDER BY id", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, verifier_id);
	while ((rc = asn_db_step(stmt, "listing API tokens", err)) > 0) {
		struct asn_api_token *t;

		*tokens_r = asn_xrealloc(*tokens_r, (*count_r + 1) * sizeof(**tokens_r));
		t = &(*tokens_r)[(*count_r)++];
		t->id = asn_db_column_int(stmt, 0);
		t->name = asn_db_column_dup(stmt, 1);
		t->created_at = (time_t)asn_db_column_int(stmt, 2);
		t->last_used_at = (time_t)asn_db_column_int(stmt, 3);
	}
	asn_db_finalize(&stmt);
	if (rc < 0)
		return -1;
	return 0;
}

int asn_store_api_token_remove(struct asn_store *store, int64_t verifier_id, int64_t id,
			       char **name_r, struct asn_error *err)
{
	struct asn_db_stmt *stmt;
	int rc;

	*name_r = NULL;
	if (asn_db_prepare(store, "DELETE FROM api_tokens WHERE verifier_id = ?1 AND id = ?2 "
			      "RETURNING name", &stmt, err) < 0)
		return -1;
	asn_db_bind_int(stmt, 1, verifier_id);
	asn_db_bind_int(stmt, 2, id);
	rc = asn_db_step(stmt, "removing an API token", err);
	if (rc > 0) {
		*name_r = asn_db_column_dup(stmt, 0);
		rc = asn_db_step(stmt, "removing an API token", err);
	}
	asn_db_finalize(&stmt);
	if (rc < 0) {
		free(*name_r);
		*name_r = NULL;
		return -1;
	}
	return *name_r != NULL ? 1 : 0;
}
