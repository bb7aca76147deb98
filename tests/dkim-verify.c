/* Test helper: the DKIM verdict of the message on stdin, as the delivery
   will take it (asn_bsre_dkim_verify):
     dkim-verify [-r RESOLVER] [-k KEYFILE] [-t SECONDS] [-s "SENDERS"] [-l]
                 [-w FACTS | -F]
   (-l: later, after the fact: asn_bsre_dkim_recheck; -w: the facts of an
   unverified mail written to FACTS; -F: stdin holds such facts, checked
   with asn_bsre_dkim_verify_facts)
   prints "VERDICT REASON" then the admin's message; exit 0, 1 on error. */
#include "asn-bsre-dkim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct asn_bsre_dkim_options options = { .timeout_secs = 5, .resolver = "" };
	const char *senders_arg = "bssn.go.id";
	const char *senders[8];
	struct asn_bsre_dkim_result result;
	struct asn_bsre_dkim *ctx = NULL;
	struct asn_error err;
	size_t size = 0, n, count = 0;
	char buf[65536], *msg = NULL, *copy, *save = NULL;
	bool later = false, from_facts = false;
	const char *facts_path = NULL;
	char *facts = NULL;
	int c, ret;

	while ((c = getopt(argc, argv, "r:k:t:s:lw:F")) != -1) {
		switch (c) {
		case 'r': options.resolver = optarg; break;
		case 'k': options.keys_path = optarg; break;
		case 't': options.timeout_secs = (unsigned int)atoi(optarg); break;
		case 's': senders_arg = optarg; break;
		case 'l': later = true; break;
		case 'w': facts_path = optarg; break;
		case 'F': from_facts = true; break;
		default: return 2;
		}
	}
	copy = strdup(senders_arg);
	for (char *w = strtok_r(copy, " ", &save); w != NULL && count < 7; w = strtok_r(NULL, " ", &save))
		senders[count++] = w;
	senders[count] = NULL;
	options.senders = senders;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		msg = realloc(msg, size + n);
		memcpy(msg + size, buf, n);
		size += n;
	}
	if (asn_bsre_dkim_init(&options, &ctx, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		free(copy);
		free(msg);
		return 1;
	}
	msg = realloc(msg, size + 1);
	msg[size] = '\0';
	if (from_facts)
		ret = asn_bsre_dkim_verify_facts(ctx, msg, &result, &err);
	else if (later)
		ret = asn_bsre_dkim_recheck(ctx, msg, size, &result, &facts, &err);
	else
		ret = asn_bsre_dkim_verify(ctx, msg, size, &result, &facts, &err);
	if (facts_path != NULL && facts != NULL) {
		FILE *f = fopen(facts_path, "w");

		if (f == NULL || fputs(facts, f) < 0 || fclose(f) != 0)
			ret = -1;
	}
	free(facts);
	printf("%s %s\n%s\n", asn_bsre_dkim_verdict_name(result.verdict), result.reason,
	       result.message);
	asn_bsre_dkim_deinit(&ctx);
	free(copy);
	free(msg);
	return ret < 0 ? 1 : 0;
}
