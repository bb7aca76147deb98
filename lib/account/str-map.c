/* String maps for the import's per-row checks. */
#include "asn-str-map.h"
#include "asn-util.h"

#include <openssl/lhash.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;
	unsigned int value;
	struct entry *next;	/* every entry, for asn_str_map_free */
};

/* The entries are freed through their own list, not OPENSSL_LH_doall():
   OpenSSL 3.3 and later (Debian 13) call a "thunk" there that only the
   typed LHASH_OF() macros set, and the untyped table would jump to NULL. */
struct asn_str_map {
	OPENSSL_LHASH *table;
	struct entry *entries;
};

/* FNV-1a: every byte counts (agency lists differ in the last ones,
   "siti.rahma2" "siti.rahma3"). */
static unsigned long entry_hash(const void *data)
{
	const struct entry *e = data;
	unsigned long h = 14695981039346656037UL;

	for (const unsigned char *p = (const unsigned char *)e->key; *p != '\0'; p++) {
		h ^= *p;
		h *= 1099511628211UL;
	}
	return h;
}

static int entry_compare(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

struct asn_str_map *asn_str_map_new(void)
{
	struct asn_str_map *map = asn_xcalloc(1, sizeof(*map));

	map->table = OPENSSL_LH_new(entry_hash, entry_compare);
	if (map->table == NULL)
		abort();
	return map;
}

void asn_str_map_free(struct asn_str_map **map)
{
	if (*map == NULL)
		return;
	OPENSSL_LH_free((*map)->table);
	for (struct entry *e = (*map)->entries, *next; e != NULL; e = next) {
		next = e->next;
		free(e->key);
		free(e);
	}
	free(*map);
	*map = NULL;
}

bool asn_str_map_get(struct asn_str_map *map, const char *key, unsigned int *value_r)
{
	struct entry probe = { .key = (char *)key };
	const struct entry *found = OPENSSL_LH_retrieve(map->table, &probe);

	if (found == NULL)
		return false;
	if (value_r != NULL)
		*value_r = found->value;
	return true;
}

void asn_str_map_set(struct asn_str_map *map, const char *key, unsigned int value)
{
	struct entry probe = { .key = (char *)key };
	struct entry *found = OPENSSL_LH_retrieve(map->table, &probe);

	if (found != NULL) {
		found->value = value;
		return;
	}
	found = asn_xmalloc(sizeof(*found));
	found->key = asn_xstrdup(key);
	found->value = value;
	(void)OPENSSL_LH_insert(map->table, found);
	if (OPENSSL_LH_error(map->table) != 0)
		abort();	/* out of memory, as asn_xmalloc */
	found->next = map->entries;
	map->entries = found;
}
