#ifndef ASN_FUZZ_TARGETS_H
#define ASN_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* One entry point per parser; the libFuzzer build and the corpus replayer
   (run by make check) call the same functions. */
struct asn_fuzz_target {
	const char *name;
	void (*run)(const uint8_t *data, size_t size);
};

extern const struct asn_fuzz_target asn_fuzz_targets[];
const struct asn_fuzz_target *asn_fuzz_target_find(const char *name);

#endif
