#ifndef ASN_STR_MAP_H
#define ASN_STR_MAP_H

#include <stdbool.h>

/* A string -> unsigned int map (OpenSSL's LHASH underneath): constant
   time lookups for the per-row checks of an import, which must stay
   linear in the number of rows.  Keys are copied. */
struct asn_str_map;

struct asn_str_map *asn_str_map_new(void);
void asn_str_map_free(struct asn_str_map **map);

/* Returns true with *value_r when key is present. */
bool asn_str_map_get(struct asn_str_map *map, const char *key, unsigned int *value_r);
/* Adds key, or replaces its value. */
void asn_str_map_set(struct asn_str_map *map, const char *key, unsigned int value);

#endif
