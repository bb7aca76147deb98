/* libFuzzer entry: built once per target with -DASN_FUZZ_TARGET="csv". */
#include "fuzz-targets.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct asn_fuzz_target *target;

	if (target == NULL && (target = asn_fuzz_target_find(ASN_FUZZ_TARGET)) == NULL)
		abort();
	target->run(data, size);
	return 0;
}
