/* Portal sessions: a table in memory of the hashes of live session ids.
   A session ends at logout, after asn_portal_session_idle unused, or
   asn_portal_session_max after its login, whichever comes first.  An
   account holds at most PORTAL_SESSIONS_PER_ACCOUNT: its own oldest gives
   way to a new login; another account's live session never does (a
   verifier logging in over and over must not log the others out). */
#include "portal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SESSIONS_MAX 4096

struct session_entry {
	unsigned char hash[crypto_generichash_BYTES];
	struct portal_session session;
	time_t created, used;
	uint64_t touched;	/* order of use, for "the oldest" within a second */
	bool live;
};

struct portal_sessions {
	pthread_mutex_t lock;
	unsigned int idle, max;
	uint64_t clock;
	struct session_entry entries[SESSIONS_MAX];
};

void portal_random_token(char out[PORTAL_TOKEN_HEX + 1])
{
	unsigned char bytes[PORTAL_TOKEN_HEX / 2];

	randombytes_buf(bytes, sizeof(bytes));
	sodium_bin2hex(out, PORTAL_TOKEN_HEX + 1, bytes, sizeof(bytes));
	sodium_memzero(bytes, sizeof(bytes));
}

bool portal_token_equal(const char *a, const char *b)
{
	size_t len = strlen(a);

	if (len != PORTAL_TOKEN_HEX || strlen(b) != PORTAL_TOKEN_HEX)
		return false;
	return sodium_memcmp(a, b, len) == 0;
}

static void id_hash(const char *id, unsigned char hash[crypto_generichash_BYTES])
{
	crypto_generichash(hash, crypto_generichash_BYTES, (const unsigned char *)id, strlen(id),
			   NULL, 0);
}

struct portal_sessions *portal_sessions_new(unsigned int idle_secs, unsigned int max_secs)
{
	struct portal_sessions *sessions = asn_xcalloc(1, sizeof(*sessions));

	pthread_mutex_init(&sessions->lock, NULL);
	sessions->idle = idle_secs;
	sessions->max = max_secs;
	return sessions;
}

void portal_sessions_free(struct portal_sessions **_sessions)
{
	struct portal_sessions *sessions = *_sessions;

	*_sessions = NULL;
	if (sessions == NULL)
		return;
	pthread_mutex_destroy(&sessions->lock);
	sodium_memzero(sessions->entries, sizeof(sessions->entries));
	free(sessions);
}

static bool expired(const struct portal_sessions *sessions, const struct session_entry *e,
		    time_t now)
{
	return now - e->used >= (time_t)sessions->idle ||
		now - e->created >= (time_t)sessions->max;
}

void portal_password_tag(const char *password_hash, unsigned char tag[32])
{
	crypto_generichash(tag, 32, (const unsigned char *)password_hash, strlen(password_hash),
			   NULL, 0);
}

bool portal_session_create(struct portal_sessions *sessions, const char *email,
			   const char *password_hash, time_t now, char id_r[PORTAL_TOKEN_HEX + 1],
			   struct portal_session *session_r)
{
	struct session_entry *free_slot = NULL, *own_oldest = NULL, *slot;
	unsigned int own = 0;

	memset(session_r, 0, sizeof(*session_r));
	snprintf(session_r->email, sizeof(session_r->email), "%s", email);
	portal_password_tag(password_hash, session_r->password_tag);
	portal_random_token(session_r->csrf);
	portal_random_token(id_r);

	pthread_mutex_lock(&sessions->lock);
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct session_entry *e = &sessions->entries[i];

		if (e->live && expired(sessions, e, now))
			sodium_memzero(e, sizeof(*e));
		if (!e->live) {
			if (free_slot == NULL)
				free_slot = e;
			continue;
		}
		if (strcasecmp(e->session.email, email) == 0) {
			own++;
			if (own_oldest == NULL || e->touched < own_oldest->touched)
				own_oldest = e;
		}
	}
	slot = own >= PORTAL_SESSIONS_PER_ACCOUNT ? own_oldest : free_slot;
	if (slot == NULL) {
		pthread_mutex_unlock(&sessions->lock);
		sodium_memzero(id_r, PORTAL_TOKEN_HEX + 1);
		return false;
	}
	memset(slot, 0, sizeof(*slot));
	id_hash(id_r, slot->hash);
	slot->session = *session_r;
	slot->created = slot->used = now;
	slot->touched = ++sessions->clock;
	slot->live = true;
	pthread_mutex_unlock(&sessions->lock);
	return true;
}

/* Every live entry is compared, so the time taken does not say where (or
   whether) an id matched. */
static struct session_entry *find(struct portal_sessions *sessions, const char *id)
{
	unsigned char hash[crypto_generichash_BYTES];
	struct session_entry *found = NULL;

	if (strlen(id) != PORTAL_TOKEN_HEX)
		return NULL;
	id_hash(id, hash);
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct session_entry *e = &sessions->entries[i];

		if (sodium_memcmp(e->hash, hash, sizeof(hash)) == 0 && e->live)
			found = e;
	}
	return found;
}

bool portal_session_get(struct portal_sessions *sessions, const char *id, time_t now,
			struct portal_session *session_r)
{
	struct session_entry *e;
	bool live = false;

	pthread_mutex_lock(&sessions->lock);
	e = find(sessions, id);
	if (e != NULL && expired(sessions, e, now)) {
		sodium_memzero(e, sizeof(*e));
	} else if (e != NULL) {
		e->used = now;
		e->touched = ++sessions->clock;
		*session_r = e->session;
		live = true;
	}
	pthread_mutex_unlock(&sessions->lock);
	return live;
}

void portal_session_end(struct portal_sessions *sessions, const char *id)
{
	struct session_entry *e;

	pthread_mutex_lock(&sessions->lock);
	e = find(sessions, id);
	if (e != NULL)
		sodium_memzero(e, sizeof(*e));
	pthread_mutex_unlock(&sessions->lock);
}
