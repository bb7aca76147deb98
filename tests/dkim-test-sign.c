/* The tests' DKIM signer (libopendkim's dkim_sign): see dkim-test-sign.h. */
#include "dkim-test-sign.h"

#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *dkim_test_sign(const char *key_pem, const char *selector, const char *domain,
		     const char *signhdrs, bool with_length, const char *message, size_t size)
{
	const char *none[] = { NULL }, *hdrs[32];
	unsigned int flags = DKIM_LIBFLAGS_FIXCRLF | (with_length ? DKIM_LIBFLAGS_SIGNLEN : 0);
	char *copy = NULL, *out = NULL;
	unsigned char *sighdr = NULL;
	size_t sighdr_len = 0, pos;
	DKIM_STAT status;
	DKIM *dkim = NULL;
	DKIM_LIB *lib = dkim_init(NULL, NULL);

	if (lib == NULL)
		return NULL;
	(void)dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags));
	if (signhdrs != NULL) {
		size_t n = 0;

		copy = strdup(signhdrs);
		for (char *save = NULL, *h = strtok_r(copy, ":", &save); h != NULL && n < 31;
		     h = strtok_r(NULL, ":", &save))
			hdrs[n++] = h;
		hdrs[n] = NULL;
		/* so that the tests can make signatures that leave From out */
		(void)dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_REQUIREDHDRS, none, sizeof(char **));
		(void)dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, hdrs, sizeof(char **));
	}
	dkim = dkim_sign(lib, (const unsigned char *)"test", NULL, (dkim_sigkey_t)key_pem,
			 (const unsigned char *)selector, (const unsigned char *)domain,
			 DKIM_CANON_RELAXED, DKIM_CANON_SIMPLE, DKIM_SIGN_RSASHA256, -1, &status);
	if (dkim == NULL)
		goto fail;
	status = dkim_chunk(dkim, (unsigned char *)message, size);
	if (status == DKIM_STAT_OK)
		status = dkim_chunk(dkim, NULL, 0);
	if (status == DKIM_STAT_OK)
		status = dkim_eom(dkim, NULL);
	if (status == DKIM_STAT_OK)
		status = dkim_getsighdr_d(dkim, strlen(DKIM_SIGNHEADER) + 2, &sighdr, &sighdr_len);
	if (status != DKIM_STAT_OK)
		goto fail;
	out = malloc(strlen(DKIM_SIGNHEADER) + 2 + sighdr_len + 1 + size + 1);
	if (out == NULL)
		goto fail;
	pos = (size_t)sprintf(out, "%s: ", DKIM_SIGNHEADER);
	for (size_t i = 0; i < sighdr_len; i++) {
		if (sighdr[i] != '\r')		/* folded with LF, as the message */
			out[pos++] = (char)sighdr[i];
	}
	out[pos++] = '\n';
	memcpy(out + pos, message, size);
	out[pos + size] = '\0';
	goto done;
fail:
	fprintf(stderr, "dkim_test_sign: %s (%s)\n", dkim_getresultstr(status),
		dkim == NULL || dkim_geterror(dkim) == NULL ? "" : dkim_geterror(dkim));
done:
	if (dkim != NULL)
		dkim_free(dkim);
	dkim_close(lib);
	free(copy);
	return out;
}
