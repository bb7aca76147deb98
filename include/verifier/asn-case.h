#ifndef ASN_CASE_H
#define ASN_CASE_H

#include "asn-store-case.h"
#include "asn-verifier.h"

/* The verifier's case record: what the mail cannot show.  Three of the
   procedure's failure cases ("NIK tidak ditemukan", "NIP tidak
   ditemukan", "Aktivasi Gagal") happen on BSrE's portal only; the
   verifier records the case, what they did and when, on the person's
   page (asn-portal) or with `asnctl case`.

   The words are here once: a code (stored, in JSON and CSV, on the
   command line) and its label in Bahasa Indonesia (pages, text). */

struct asn_case_word {
	const char *code;
	const char *label;
};

/* The kinds and actions, in the order a form offers them; "other" last. */
extern const struct asn_case_word asn_case_kinds[];
extern const unsigned int asn_case_kinds_count;
extern const struct asn_case_word asn_case_actions[];
extern const unsigned int asn_case_actions_count;

/* The label of a code; the code itself when it is not one of the table
   (a row written by a newer version). */
const char *asn_case_kind_label(const char *code);
const char *asn_case_action_label(const char *code);
bool asn_case_kind_valid(const char *code);
bool asn_case_action_valid(const char *code);	/* "" (none) is valid */
/* A flagged person with an open case is "sedang ditangani", one without
   "belum ditangani" (the lists' words; the code is
   asn_bsre_handling_name's). */
const char *asn_case_handling_label(bool handled);

/* The longest note, in bytes. */
#define ASN_CASE_NOTE_MAX 500

/* What a verifier writes. */
struct asn_case_input {
	const char *kind;	/* a code of asn_case_kinds */
	const char *action;	/* a code of asn_case_actions; NULL or "": none */
	const char *note;	/* NULL or "": none */
};

/* Checks the input; -1 with a message that names the field ("kind",
   "action", "note") and says why.  A note is at most ASN_CASE_NOTE_MAX
   bytes of UTF-8 without control or invisible characters, and never holds
   a link ("http://", "https://"): BSrE's links are secrets and a note is
   no place for them (nor for a password).  "other" as kind or action
   needs a note that says what. */
int asn_case_input_check(const struct asn_case_input *in, struct asn_error *err);

/* Records a case about USER (an address or a NIP) as the verifier, at
   now, in one transaction with its audit row (action "case-add", actor:
   the verifier).  The person is looked up with asn_verifier_find_user
   (the lookup recorded in person_lookups): out of scope is not found,
   exactly as an absent address.  The input is checked first (call
   asn_case_input_check before to tell bad input, a 400, from a store
   failure): bad input stores nothing at all, no lookup row either.
   Returns 1 with the case's id, 0 when the verifier has no such person,
   -1 on error. */
int asn_case_add(struct asn_store *store, const struct asn_verifier *verifier,
		 const char *user, enum asn_lookup_via via, const struct asn_case_input *in,
		 time_t now, int64_t *id_r, struct asn_error *err);

/* Closes case ID as the verifier, audited ("case-close").  A case of a
   person out of scope is not found, as an absent id.  Returns 1 when
   found (*already_r: it was closed before, nothing changed), 0 when the
   verifier has no such case, -1 on error. */
int asn_case_close(struct asn_store *store, const struct asn_verifier *verifier, int64_t id,
		   time_t now, bool *already_r, struct asn_error *err);

/* USER's cases, oldest first, as the verifier (the lookup recorded as
   asn_verifier_find_user does).  Returns 1 with the cases (maybe none)
   and, when account_r is not NULL, the account; 0 when the verifier has
   no such person; -1 on error. */
int asn_case_list(struct asn_store *store, const struct asn_verifier *verifier,
		  const char *user, enum asn_lookup_via via, struct asn_cases *cases_r,
		  struct asn_account *account_r, struct asn_error *err);

/* Held notices.  A person whose case was opened or closed within the hold
   window (asn_case_notice_hold) is being handled by a verifier: asnctl
   notify sends them no notice while it lasts, so that the ASN is not told
   to call someone who is already on it.  Held while
   now < activity + hold_secs, so the hold ends exactly hold_secs after
   the latest activity (an activity in the future, a clock ahead, holds
   too); hold_secs 0 holds nothing, nor does activity 0 (no case).
   An open case older than the window holds no more: a case forgotten
   open must not silence the notices for ever. */
bool asn_case_held(time_t activity, time_t now, unsigned int hold_secs, time_t *until_r);
/* The same from the store for one account.  Returns 1 held (*until_r:
   when the hold ends), 0 not held, -1 on error. */
int asn_case_holds_notices(struct asn_store *store, int64_t account_id, time_t now,
			   unsigned int hold_secs, time_t *until_r, struct asn_error *err);

#endif
