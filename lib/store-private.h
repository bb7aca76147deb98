#ifndef ASN_STORE_PRIVATE_H
#define ASN_STORE_PRIVATE_H

#include "asn-store.h"

/* 'ASN1': marks the file as ours, so that init never migrates some other
   application's SQLite database. */
#define ASN_STORE_APPLICATION_ID 0x41534E31

extern const struct asn_migration asn_store_migrations[];
extern const unsigned int asn_store_migrations_count;

#endif
