/* Failure counters for asn-passwdd and asn-portal: a small table of keys
   with the times of their recent failures.  An account with too many failures inside the
   window gets 429 until the oldest of them leaves the window: guessing
   current passwords through the service is as slow as through IMAP.  The
   key is the account ("a:ID", whichever name, email or NIP, was typed) or,
   for a name that is no account, the name ("n:NAME").
   The per-account count is the hard limit: an attempt is counted (reserved)
   under the lock before its password is verified, so N parallel guesses
   cannot all see "below the limit".  The per-address count only tells the
   caller that an address is over its limit; it never refuses by itself, as
   every user behind one webmail (or one NAT) shares an address. */
#include "asn-web.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LIMITS_MAX_KEYS 65536
#define KEY_MAX 256

struct failure_entry {
	char key[KEY_MAX];
	time_t *times;		/* ring of the last max failures */
	unsigned int count, next;
	time_t last;
};

struct asn_web_limits {
	pthread_mutex_t lock;
	unsigned int max_account, max_client, window;
	struct failure_entry *entries;
	size_t count, size;
};

struct asn_web_limits *asn_web_limits_new(unsigned int max_account, unsigned int max_client,
					  unsigned int window_secs)
{
	struct asn_web_limits *limits = asn_xcalloc(1, sizeof(*limits));

	pthread_mutex_init(&limits->lock, NULL);
	limits->max_account = max_account;
	limits->max_client = max_client;
	limits->window = window_secs;
	return limits;
}

void asn_web_limits_free(struct asn_web_limits **_limits)
{
	struct asn_web_limits *limits = *_limits;

	*_limits = NULL;
	for (size_t i = 0; i < limits->count; i++)
		free(limits->entries[i].times);
	free(limits->entries);
	pthread_mutex_destroy(&limits->lock);
	free(limits);
}

static struct failure_entry *find(struct asn_web_limits *limits, const char *key)
{
	for (size_t i = 0; i < limits->count; i++) {
		if (strcmp(limits->entries[i].key, key) == 0)
			return &limits->entries[i];
	}
	return NULL;
}

/* Drops entries whose last failure left the window. */
static void expire(struct asn_web_limits *limits, time_t now)
{
	size_t i = 0;

	while (i < limits->count) {
		if (limits->entries[i].last + (time_t)limits->window <= now) {
			free(limits->entries[i].times);
			limits->entries[i] = limits->entries[--limits->count];
		} else {
			i++;
		}
	}
}

/* Seconds until this key has fewer than max failures in the window. */
static unsigned int blocked_for(const struct failure_entry *e, unsigned int max,
				unsigned int window, time_t now)
{
	time_t oldest, until;

	if (e == NULL || max == 0 || e->count < max)
		return 0;
	/* The ring holds the last max failures; the oldest is at next. */
	oldest = e->times[e->next];
	until = oldest + (time_t)window;
	return until > now ? (unsigned int)(until - now) : 0;
}

static void record(struct asn_web_limits *limits, const char *key, unsigned int max, time_t now)
{
	struct failure_entry *e = find(limits, key);

	if (max == 0)
		return;
	if (e == NULL) {
		if (limits->count >= LIMITS_MAX_KEYS) {
			/* Full (names made up by the thousand, within the
			   window): the oldest made-up name gives way, so that
			   an account's count is never the one dropped. */
			size_t victim = limits->count;

			for (size_t i = 0; i < limits->count; i++) {
				if (strncmp(limits->entries[i].key, "a:n:", 4) == 0 &&
				    (victim == limits->count ||
				     limits->entries[i].last < limits->entries[victim].last))
					victim = i;
			}
			if (victim == limits->count)
				return;	/* only accounts and clients: fail open */
			free(limits->entries[victim].times);
			limits->entries[victim] = limits->entries[--limits->count];
		}
		if (limits->count == limits->size) {
			limits->size = limits->size == 0 ? 64 : limits->size * 2;
			limits->entries = asn_xrealloc(limits->entries,
						       limits->size * sizeof(*limits->entries));
		}
		e = &limits->entries[limits->count++];
		memset(e, 0, sizeof(*e));
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->times = asn_xcalloc(max, sizeof(time_t));
	}
	e->times[e->next] = now;
	e->next = (e->next + 1) % max;
	if (e->count < max)
		e->count++;
	e->last = now;
}

unsigned int asn_web_limits_reserve(struct asn_web_limits *limits, const char *account,
				    const char *client, time_t now,
				    unsigned int *client_wait_r)
{
	char key[KEY_MAX];
	unsigned int wait;

	pthread_mutex_lock(&limits->lock);
	expire(limits, now);
	snprintf(key, sizeof(key), "c:%s", client);
	*client_wait_r = blocked_for(find(limits, key), limits->max_client, limits->window, now);
	snprintf(key, sizeof(key), "a:%s", account);
	wait = blocked_for(find(limits, key), limits->max_account, limits->window, now);
	if (wait == 0)
		record(limits, key, limits->max_account, now);
	pthread_mutex_unlock(&limits->lock);
	return wait;
}

void asn_web_limits_release(struct asn_web_limits *limits, const char *account)
{
	char key[KEY_MAX];
	struct failure_entry *e;

	pthread_mutex_lock(&limits->lock);
	snprintf(key, sizeof(key), "a:%s", account);
	e = find(limits, key);
	/* Take back the newest failure: the times differ by the few seconds
	   parallel attempts take, if at all. */
	if (e != NULL && e->count > 0 && limits->max_account > 0) {
		e->next = (e->next + limits->max_account - 1) % limits->max_account;
		e->count--;
	}
	pthread_mutex_unlock(&limits->lock);
}

void asn_web_limits_fail_client(struct asn_web_limits *limits, const char *client, time_t now)
{
	char key[KEY_MAX];

	pthread_mutex_lock(&limits->lock);
	snprintf(key, sizeof(key), "c:%s", client);
	record(limits, key, limits->max_client, now);
	pthread_mutex_unlock(&limits->lock);
}

void asn_web_limits_success(struct asn_web_limits *limits, const char *account)
{
	char key[KEY_MAX];
	struct failure_entry *e;

	pthread_mutex_lock(&limits->lock);
	snprintf(key, sizeof(key), "a:%s", account);
	e = find(limits, key);
	if (e != NULL) {
		free(e->times);
		*e = limits->entries[--limits->count];
	}
	pthread_mutex_unlock(&limits->lock);
}
