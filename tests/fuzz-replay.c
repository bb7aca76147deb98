/* Replays a fuzz corpus through the targets, one TAP line per input.
   usage: fuzz-replay TARGET FILE...
   A crash or sanitizer report fails the whole run (and so the test). */
#include "fuzz-targets.h"
#include "asn-util.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const struct asn_fuzz_target *target;
	unsigned int n = 0;

	if (argc < 3 || (target = asn_fuzz_target_find(argv[1])) == NULL) {
		fprintf(stderr, "usage: fuzz-replay bsre|mail|csv|nip|roster|settings FILE...\n");
		return 64;
	}
	for (int i = 2; i < argc; i++) {
		struct asn_error err;
		char *data;
		size_t size;

		if (asn_read_file(argv[i], 16 * 1024 * 1024, &data, &size, &err) < 0) {
			printf("not ok %u - %s: %s\n", ++n, argv[i], err.msg);
			continue;
		}
		target->run((const unsigned char *)data, size);
		free(data);
		printf("ok %u - %s %s\n", ++n, target->name, argv[i]);
		fflush(stdout);
	}
	return 0;
}
