#ifndef ASN_STORE_CASE_H
#define ASN_STORE_CASE_H

#include "asn-store.h"

/* Verifier cases in the account store: only their rows.  The words
   (kind, action), the checks of a note, the scope rule and the audit are
   in asn-case.h; callers outside the core go through it. */

struct asn_case {
	int64_t id;
	int64_t account_id;
	char *kind;		/* a code of asn-case.h's kinds */
	char *action;		/* a code of its actions, "" when none */
	char *note;		/* "" when none */
	time_t at;
	char *by;		/* the verifier's address */
	time_t resolved_at;	/* 0 while open */
	char *resolved_by;	/* "" while open */
};

struct asn_cases {
	struct asn_case *items;
	size_t count;
};

void asn_case_free(struct asn_case *c);
void asn_cases_free(struct asn_cases *cases);

/* Inserts an open case (sets c->id); kind, action and note as given. */
int asn_store_case_add(struct asn_store *store, struct asn_case *c, struct asn_error *err);
/* Returns 1 with the case and its person's OPD and address in
   *opd_r, *email_r (caller frees); 0 when there is no such case; -1 on
   error. */
int asn_store_case_find(struct asn_store *store, int64_t id, struct asn_case *c_r,
			char **opd_r, char **email_r, struct asn_error *err);
/* Closes an open case.  Returns 1 closed, 0 when it is not open (absent
   or closed already), -1 on error. */
int asn_store_case_close(struct asn_store *store, int64_t id, const char *by, time_t at,
			 struct asn_error *err);
/* A person's cases, oldest first (appends to cases_r). */
int asn_store_case_list(struct asn_store *store, int64_t account_id,
			struct asn_cases *cases_r, struct asn_error *err);
/* The latest time one of the person's cases was opened or closed: 1 with
   *at_r, 0 when they have no case, -1 on error. */
int asn_store_case_activity(struct asn_store *store, int64_t account_id, time_t *at_r,
			    struct asn_error *err);

#endif
