/* Portal API tokens: made from OpenSSL's CSPRNG, stored as SHA-256. */
#include "asn-verifier-token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

static int token_hash(const char *token, char out[65], struct asn_error *err)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_Digest(token, strlen(token), digest, &len, EVP_sha256(), NULL) != 1 ||
	    len != 32) {
		asn_error_set(err, "SHA-256 failed");
		return -1;
	}
	hex(digest, 32, out);
	return 0;
}

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > ASN_API_TOKEN_NAME_MAX)
		return false;
	for (const unsigned char *s = (const unsigned char *)name; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

static int audit(struct asn_store *store, const struct asn_verifier *verifier,
		 const char *action, const char *detail, struct asn_error *err)
{
	struct asn_account account;
	int ret;

	memset(&account, 0, sizeof(account));
	account.email = verifier->email;
	ret = asn_store_audit(store, verifier->email, action, &account, detail, err);
	return ret;
}

int asn_verifier_token_create(struct asn_store *store, const struct asn_verifier *verifier,
			      const char *name, char token_r[ASN_API_TOKEN_LEN + 1],
			      struct asn_error *err)
{
	struct asn_api_token *tokens = NULL;
	size_t count = 0;
	unsigned char random[32];
	char hash[65];
	int64_t id;

	token_r[0] = '\0';
	if (!name_ok(name)) {
		asn_error_set(err, "token name: 1 to %d characters of text",
			      ASN_API_TOKEN_NAME_MAX);
		return -1;
	}
	if (asn_store_api_token_list(store, verifier->id, &tokens, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		asn_api_token_free(&tokens[i]);
	free(tokens);
	if (count >= ASN_API_TOKENS_MAX) {
		asn_error_set(err, "at most %d tokens per verifier; revoke one first",
			      ASN_API_TOKENS_MAX);
		return -1;
	}
	if (RAND_bytes(random, sizeof(random)) != 1) {
		asn_error_set(err, "no random bytes (OpenSSL)");
		return -1;
	}
	memcpy(token_r, ASN_API_TOKEN_PREFIX, sizeof(ASN_API_TOKEN_PREFIX) - 1);
	hex(random, sizeof(random), token_r + sizeof(ASN_API_TOKEN_PREFIX) - 1);
	asn_secure_zero(random, sizeof(random));
	if (token_hash(token_r, hash, err) < 0 ||
	    asn_store_begin(store, err) < 0) {
		asn_secure_zero(token_r, ASN_API_TOKEN_LEN + 1);
		return -1;
	}
	if (asn_store_api_token_add(store, verifier->id, name, hash, &id, err) < 0 ||
	    audit(store, verifier, "api-token-create", name, err) < 0 ||
	    asn_store_commit(store, err) < 0) {
		asn_store_rollback(store);
		asn_secure_zero(token_r, ASN_API_TOKEN_LEN + 1);
		return -1;
	}
	return 0;
}

int asn_verifier_token_resolve(struct asn_store *store, const char *token, char **email_r,
			       struct asn_error *err)
{
	size_t prefix = sizeof(ASN_API_TOKEN_PREFIX) - 1;
	char hash[65];

	*email_r = NULL;
	if (strlen(token) != ASN_API_TOKEN_LEN || strncmp(token, ASN_API_TOKEN_PREFIX, prefix) != 0 ||
	    strspn(token + prefix, "0123456789abcdef") != 64)
		return 0;
	if (token_hash(token, hash, err) < 0)
		return -1;
	/* By its hash: a lookup of a secret by equality of its digest tells
	   nothing through timing. */
	return asn_store_api_token_use(store, hash, email_r, err);
}

int asn_verifier_token_revoke(struct asn_store *store, const struct asn_verifier *verifier,
			      int64_t id, struct asn_error *err)
{
	char *name = NULL;
	int ret;

	if (asn_store_begin(store, err) < 0)
		return -1;
	ret = asn_store_api_token_remove(store, verifier->id, id, &name, err);
	if (ret > 0 && audit(store, verifier, "api-token-revoke", name, err) < 0)
		ret = -1;
	free(name);
	if (ret < 0) {
		asn_store_rollback(store);
		return -1;
	}
	if (asn_store_commit(store, err) < 0)
		return -1;
	return ret;
}
