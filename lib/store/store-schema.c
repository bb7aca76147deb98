/* The schema, as migration steps.  Never edit a released step: add one. */
#include "store-private.h"

const struct asn_migration asn_store_migrations[] = {
	{
		"accounts, imports, password history, audit",
		"CREATE TABLE imports (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  imported_at INTEGER NOT NULL,\n"
		"  actor TEXT NOT NULL,\n"
		"  source TEXT NOT NULL,\n"
		"  letter_ref TEXT NOT NULL DEFAULT '',\n"
		"  opd TEXT NOT NULL DEFAULT '',\n"
		"  created INTEGER NOT NULL DEFAULT 0,\n"
		"  existing INTEGER NOT NULL DEFAULT 0,\n"
		"  rejected INTEGER NOT NULL DEFAULT 0\n"
		");\n"
		"CREATE TABLE accounts (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
		"  password TEXT NOT NULL,\n"
		"  must_change INTEGER NOT NULL DEFAULT 1 CHECK (must_change IN (0, 1)),\n"
		"  nip TEXT NOT NULL UNIQUE CHECK (length(nip) = 18),\n"
		"  name TEXT NOT NULL,\n"
		"  position TEXT NOT NULL DEFAULT '',\n"
		"  phone TEXT NOT NULL DEFAULT '',\n"
		"  opd TEXT NOT NULL DEFAULT '',\n"
		"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
		"  password_set_at INTEGER NOT NULL,\n"
		"  initial_password_expires_at INTEGER,\n"
		"  created_at INTEGER NOT NULL,\n"
		"  import_id INTEGER REFERENCES imports(id)\n"
		");\n"
		"CREATE INDEX accounts_opd ON accounts(opd, email);\n"
		"CREATE TABLE password_history (\n"
		"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,\n"
		"  password TEXT NOT NULL,\n"
		"  set_at INTEGER NOT NULL,\n"
		"  retired_at INTEGER NOT NULL\n"
		");\n"
		"CREATE INDEX password_history_account ON password_history(account_id, retired_at);\n"
		"CREATE TABLE audit (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  at INTEGER NOT NULL,\n"
		"  actor TEXT NOT NULL,\n"
		"  action TEXT NOT NULL,\n"
		"  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,\n"
		"  email TEXT NOT NULL DEFAULT '',\n"
		"  detail TEXT NOT NULL DEFAULT ''\n"
		");\n"
		"CREATE INDEX audit_account ON audit(account_id, at);\n"
	},
	{
		"verifiers, their OPDs, person lookups",
		/* A verifier is a mailbox address: an account's for an OPD's
		   verifier, any of the site's for an admin (all_opd), so no
		   foreign key to accounts.  Their OPDs are the accounts' opd
		   strings, compared exactly. */
		"CREATE TABLE verifiers (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
		"  name TEXT NOT NULL DEFAULT '',\n"
		"  phone TEXT NOT NULL DEFAULT '',\n"
		"  all_opd INTEGER NOT NULL DEFAULT 0 CHECK (all_opd IN (0, 1)),\n"
		"  created_at INTEGER NOT NULL\n"
		");\n"
		"CREATE TABLE verifier_opds (\n"
		"  verifier_id INTEGER NOT NULL REFERENCES verifiers(id) ON DELETE CASCADE,\n"
		"  opd TEXT NOT NULL CHECK (opd != ''),\n"
		"  PRIMARY KEY (verifier_id, opd)\n"
		") WITHOUT ROWID;\n"
		/* Reads of personal data, apart from the audit of changes:
		   many more rows, another question (who looked at whom), and
		   a retention of its own.  The verifier's address is kept as
		   text: the row outlives the verifier's removal. */
		"CREATE TABLE person_lookups (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  at INTEGER NOT NULL,\n"
		"  verifier TEXT NOT NULL COLLATE NOCASE,\n"
		"  query TEXT NOT NULL,\n"
		"  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,\n"
		"  email TEXT NOT NULL DEFAULT '',\n"
		"  via TEXT NOT NULL CHECK (via IN ('asnctl', 'portal', 'api'))\n"
		");\n"
		"CREATE INDEX person_lookups_verifier ON person_lookups(verifier, at);\n"
		"CREATE INDEX person_lookups_account ON person_lookups(account_id, at);\n"
	},
	{
		"verifier cases",
		/* What a verifier recorded about a person that the mail cannot
		   show (asn-case.h).  kind and action are codes of the core's
		   word table, checked there, not here: a new word needs no
		   migration.  by and resolved_by are addresses kept as text,
		   like person_lookups: the row outlives the verifier. */
		"CREATE TABLE verifier_cases (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,\n"
		"  kind TEXT NOT NULL CHECK (kind != ''),\n"
		"  action TEXT NOT NULL DEFAULT '',\n"
		"  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),\n"
		"  at INTEGER NOT NULL,\n"
		"  by TEXT NOT NULL COLLATE NOCASE,\n"
		"  resolved_at INTEGER,\n"
		"  resolved_by TEXT COLLATE NOCASE,\n"
		"  CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))\n"
		");\n"
		"CREATE INDEX verifier_cases_account ON verifier_cases(account_id, at);\n"
	},
	{
		"portal API tokens",
		/* A verifier's tokens for the portal's API (the province's
		   dashboards): only a hash of each (SHA-256, hex), never the
		   token.  They go with the verifier: one removed and added
		   again does not get old tokens back. */
		"CREATE TABLE api_tokens (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  verifier_id INTEGER NOT NULL REFERENCES verifiers(id) ON DELETE CASCADE,\n"
		"  name TEXT NOT NULL CHECK (name != ''),\n"
		"  hash TEXT NOT NULL UNIQUE,\n"
		"  created_at INTEGER NOT NULL,\n"
		"  last_used_at INTEGER NOT NULL DEFAULT 0\n"
		");\n"
		"CREATE INDEX api_tokens_verifier ON api_tokens(verifier_id);\n"
	},
	{
		"notices sent",
		/* What asnctl notify put in a mailbox: one row per recipient,
		   condition and occurrence (the time of the mail or password
		   that started it; a digest: its own time), so the same is never
		   sent twice and a new occurrence is.  Written only once the
		   mailbox took the message.  The recipient is kept as text: an
		   ASN or a verifier, whose row may go. */
		"CREATE TABLE notices_sent (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  recipient TEXT NOT NULL COLLATE NOCASE,\n"
		"  condition TEXT NOT NULL,\n"
		"  occurrence TEXT NOT NULL,\n"
		"  sent_at INTEGER NOT NULL,\n"
		"  UNIQUE (recipient, condition, occurrence)\n"
		");\n"
	},
	{
		"BSrE progress kept per account",
		/* What a person's BSrE events say (asn_bsre_fold), kept on the
		   account so that a report of an OPD reads its accounts alone,
		   not their events too: at a national site an OPD's events
		   are scattered over the whole events table.  Kept by the
		   readers, not the deliveries (which may not touch the
		   accounts): events newer than bsre_fold_state's through_id
		   are folded in before a report.  bsre_stage NULL: not folded
		   yet.  bsre_orphans: mailboxes with events and no account. */
		"ALTER TABLE accounts ADD COLUMN bsre_stage TEXT;\n"
		"ALTER TABLE accounts ADD COLUMN bsre_flags INTEGER;\n"
		"ALTER TABLE accounts ADD COLUMN bsre_activation_at INTEGER;\n"
		"ALTER TABLE accounts ADD COLUMN bsre_passphrase_at INTEGER;\n"
		"ALTER TABLE accounts ADD COLUMN bsre_cert_until INTEGER;\n"
		"ALTER TABLE accounts ADD COLUMN bsre_last_event_at INTEGER;\n"
		"CREATE TABLE bsre_fold_state (\n"
		"  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
		"  through_id INTEGER NOT NULL\n"
		");\n"
		/* on the column the queries test: on (id), SQLite's planner
		   scanned the whole table instead */
		"CREATE INDEX accounts_unfolded ON accounts(bsre_stage) WHERE bsre_stage IS NULL;\n"
		/* through_id -1: never refreshed (store-progress.c) */
		"INSERT INTO bsre_fold_state VALUES (1, -1);\n"
		"CREATE TABLE bsre_orphans (\n"
		"  email TEXT PRIMARY KEY COLLATE NOCASE\n"
		") WITHOUT ROWID;\n"
	},
};

const unsigned int asn_store_migrations_count =
	sizeof(asn_store_migrations) / sizeof(asn_store_migrations[0]);

/* The BSrE events database: its own file in its own directory, because
   the delivery processes (the mail uid) write it and must not be able to
   touch the accounts and their hashes. */
const struct asn_migration asn_bsre_migrations[] = {
	{
		"BSrE events",
		/* One row per BSrE mail per user: (email, message_key) makes a
		   redelivery, a replay or a second scan a no-op.  Emails are
		   kept for any mailbox user, provisioned here or not.  No link,
		   token, password or body text is ever stored. */
		"CREATE TABLE bsre_events (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  email TEXT NOT NULL COLLATE NOCASE,\n"
		"  message_key TEXT NOT NULL,\n"
		"  type TEXT NOT NULL,\n"
		"  received_at INTEGER NOT NULL,\n"
		"  trusted INTEGER NOT NULL CHECK (trusted IN (0, 1)),\n"
		"  subject TEXT NOT NULL DEFAULT '',\n"
		"  sender TEXT NOT NULL DEFAULT '',\n"
		"  source TEXT NOT NULL,\n"
		"  recorded_at INTEGER NOT NULL,\n"
		"  cert_serial TEXT,\n"
		"  cert_common_name TEXT,\n"
		"  cert_organization TEXT,\n"
		"  cert_valid_until TEXT,\n"
		"  UNIQUE (email, message_key)\n"
		");\n"
		"CREATE INDEX bsre_events_email ON bsre_events(email, received_at);\n"
	},
	{
		"replayed BSrE events",
		/* A trusted BSrE mail addressed to someone else than the
		   mailbox's owner: kept with trusted = 0, so that it moves no
		   stage for any reader, old or new. */
		"ALTER TABLE bsre_events ADD COLUMN replayed INTEGER NOT NULL DEFAULT 0 "
		"CHECK (replayed IN (0, 1));\n"
	},
	{
		"BSrE trust by DKIM",
		/* How an event was trusted (dkim, authres; legacy: before DKIM,
		   by the site's Authentication-Results or the From domain alone),
		   or why not (trust_reason); unverified: the DKIM check met a
		   temporary failure, and dkim_facts (the header and the body
		   hash's match, never the body) wait for asnctl verify, to be
		   dropped once the verdict is final. */
		"ALTER TABLE bsre_events ADD COLUMN trusted_by TEXT NOT NULL DEFAULT '';\n"
		"ALTER TABLE bsre_events ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0 "
		"CHECK (unverified IN (0, 1));\n"
		"ALTER TABLE bsre_events ADD COLUMN trust_reason TEXT NOT NULL DEFAULT '';\n"
		"ALTER TABLE bsre_events ADD COLUMN dkim_facts TEXT;\n"
		"UPDATE bsre_events SET trusted_by = 'legacy' WHERE trusted = 1;\n"
		"CREATE INDEX bsre_events_unverified ON bsre_events(unverified) "
		"WHERE unverified = 1;\n"
	},
};

const unsigned int asn_bsre_migrations_count =
	sizeof(asn_bsre_migrations) / sizeof(asn_bsre_migrations[0]);
