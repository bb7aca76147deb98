/* Mailbox addresses: derivation from names, validation of given ones. */
#include "asn-email.h"
#include "asn-str-map.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* U+00C0..U+00FF folded to ASCII ('\0' = drop). */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* U+0100..U+017F (Latin Extended-A): base letters in pairs. */
static const char latin_ext_a[] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
	"ii" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooooo" "rrrrrr" "ssssssss"
	"tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
_Static_assert(sizeof(latin_ext_a) - 1 == 128, "one letter per code point");

char *asn_ascii_fold(const char *utf8)
{
	struct asn_str out = { 0 };
	const unsigned char *p = (const unsigned char *)utf8;

	while (*p != '\0') {
		unsigned int cp;
		size_t n;

		if (*p < 0x80) {
			asn_str_append_c(&out, (char)tolower(*p));
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F; n = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F; n = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07; n = 3;
		} else {
			p++;
			continue;
		}
		p++;
		for (size_t i = 0; i < n; i++) {
			if ((*p & 0xC0) != 0x80)
				break;
			cp = (cp << 6) | (*p & 0x3F);
			p++;
		}
		if (cp >= 0xC0 && cp <= 0xFF)
			asn_str_append(&out, latin1_fold[cp - 0xC0]);
		else if (cp >= 0x100 && cp < 0x100 + sizeof(latin_ext_a) - 1)
			asn_str_append_c(&out, latin_ext_a[cp - 0x100]);
		else if (cp == 0x2019 || cp == 0x2018)
			asn_str_append_c(&out, '\'');
		else if (cp == 0xA0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009)
			asn_str_append_c(&out, ' ');
		else if (cp == 0x2010 || cp == 0x2013 || cp == 0x2014)
			asn_str_append_c(&out, '-');
	}
	asn_str_c(&out);
	return out.data;
}

/* Titles written before the name, compared without dots. */
static const char *const prefix_titles[] = {
	"dr", "drs", "dra", "ir", "h", "hj", "prof", "drg", "kh", "hc",
	"prof.dr", "ust", "ustadz", "ustadzah", "apt", "ns", "bd", "ners",
	NULL
};

static bool is_prefix_title(const char *token)
{
	char plain[32];
	size_t len = strlen(token);

	if (len == 0 || len >= sizeof(plain))
		return false;
	memcpy(plain, token, len + 1);
	if (plain[len - 1] == '.')
		plain[--len] = '\0';
	for (size_t i = 0; prefix_titles[i] != NULL; i++) {
		if (strcmp(plain, prefix_titles[i]) == 0)
			return true;
	}
	return false;
}

/* A degree is letters separated by dots, with at least one inner dot:
   "s.t." "s.kom" "m.eng." "a.md.kep" "s.e". A lone "moh." (an abbreviated
   name) has no inner dot and stays. */
static bool is_degree_token(const char *token)
{
	size_t segment = 0, segments = 0;
	bool inner_dot = false;

	for (const char *p = token; *p != '\0'; p++) {
		if (isalpha((unsigned char)*p)) {
			segment++;
			if (segment > 5)
				return false;
		} else if (*p == '.') {
			if (segment == 0)
				return false;
			segments++;
			if (p[1] != '\0')
				inner_dot = true;
			segment = 0;
		} else {
			return false;
		}
	}
	return inner_dot && segments >= 1;
}

/* Keeps [a-z0-9] of a token. */
static void token_letters(const char *token, char *out, size_t size)
{
	size_t len = 0;

	for (const char *p = token; *p != '\0' && len + 1 < size; p++) {
		if (isalnum((unsigned char)*p))
			out[len++] = *p;
	}
	out[len] = '\0';
}

int asn_email_local_from_name(const char *name, char out[ASN_EMAIL_LOCAL_MAX + 1],
			      struct asn_error *err)
{
	char *folded = asn_ascii_fold(name);
	char *comma, *save = NULL, *token;
	struct asn_strv words = { 0 };
	bool leading = true;
	size_t first;

	comma = strchr(folded, ',');
	if (comma != NULL)
		*comma = '\0';
	for (token = strtok_r(folded, " \t\n", &save); token != NULL;
	     token = strtok_r(NULL, " \t\n", &save)) {
		char letters[ASN_EMAIL_LOCAL_MAX + 1];

		if (leading && is_prefix_title(token))
			continue;
		if (is_degree_token(token))
			continue;
		leading = false;
		token_letters(token, letters, sizeof(letters));
		if (letters[0] != '\0')
			asn_strv_add(&words, letters);
	}
	free(folded);

	if (words.count == 0) {
		asn_error_set(err, "name '%s' has no letters left after removing titles", name);
		asn_strv_free(&words);
		return -1;
	}
	first = 0;
	/* Initials ("M.") and the Balinese gender markers I / Ni are not
	   what people call each other. */
	while (first + 1 < words.count &&
	       (strlen(words.items[first]) == 1 || strcmp(words.items[first], "ni") == 0))
		first++;
	if (first == words.count - 1)
		snprintf(out, ASN_EMAIL_LOCAL_MAX + 1, "%s", words.items[first]);
	else {
		/* Truncate each part so that first.last fits in 60, leaving
		   room for a collision suffix. */
		snprintf(out, ASN_EMAIL_LOCAL_MAX + 1, "%.29s.%.29s",
			 words.items[first], words.items[words.count - 1]);
	}
	asn_strv_free(&words);
	return 0;
}

bool asn_domain_valid(const char *domain)
{
	size_t label = 0, labels = 0, len = strlen(domain);

	if (len == 0 || len > 253)
		return false;
	for (const char *p = domain; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			labels++;
			label = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '-'))
			return false;
		if (label == 0 && *p == '-')
			return false;
		label++;
	}
	return labels >= 2;
}

int asn_email_normalize(const char *input, char out[ASN_EMAIL_MAX + 1],
			struct asn_error *err)
{
	char *clean = asn_str_clean(input);
	const char *at = strchr(clean, '@');
	size_t local_len;

	for (char *p = clean; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (at == NULL || strchr(at + 1, '@') != NULL) {
		asn_error_set(err, "email '%s' must contain exactly one '@'", input);
		free(clean);
		return -1;
	}
	local_len = (size_t)(at - clean);
	if (local_len == 0 || local_len > ASN_EMAIL_LOCAL_MAX) {
		asn_error_set(err, "email '%s': the part before '@' must be 1-%d characters",
			      input, ASN_EMAIL_LOCAL_MAX);
		free(clean);
		return -1;
	}
	for (const char *p = clean; p < at; p++) {
		if (!(isalnum((unsigned char)*p) || strchr("._+-", *p) != NULL)) {
			asn_error_set(err, "email '%s' contains '%c' before the '@'", input, *p);
			free(clean);
			return -1;
		}
	}
	if (clean[0] == '.' || at[-1] == '.' || strstr(clean, "..") != NULL) {
		asn_error_set(err, "email '%s' has a misplaced dot", input);
		free(clean);
		return -1;
	}
	if (!asn_domain_valid(at + 1)) {
		asn_error_set(err, "email '%s' has an invalid domain", input);
		free(clean);
		return -1;
	}
	if (strlen(clean) > ASN_EMAIL_MAX) {
		asn_error_set(err, "email '%s' is too long", input);
		free(clean);
		return -1;
	}
	snprintf(out, ASN_EMAIL_MAX + 1, "%s", clean);
	free(clean);
	return 0;
}

struct asn_address_book {
	struct asn_str_map *reserved;	/* addresses of this import */
	struct asn_str_map *next;	/* "local@domain" -> next suffix to try */
	asn_address_taken_fn *taken;
	void *context;
};

struct asn_address_book *asn_address_book_new(asn_address_taken_fn *taken, void *context)
{
	struct asn_address_book *book = asn_xcalloc(1, sizeof(*book));

	book->reserved = asn_str_map_new();
	book->next = asn_str_map_new();
	book->taken = taken;
	book->context = context;
	return book;
}

void asn_address_book_free(struct asn_address_book **book)
{
	if (*book == NULL)
		return;
	asn_str_map_free(&(*book)->reserved);
	asn_str_map_free(&(*book)->next);
	free(*book);
	*book = NULL;
}

void asn_address_book_reserve(struct asn_address_book *book, const char *address)
{
	asn_str_map_set(book->reserved, address, 1);
}

bool asn_address_book_reserved(struct asn_address_book *book, const char *address)
{
	return asn_str_map_get(book->reserved, address, NULL);
}

int asn_address_book_derive(struct asn_address_book *book, const char *local,
			    const char *domain, char out[ASN_EMAIL_MAX + 1],
			    struct asn_error *err)
{
	char base[ASN_EMAIL_MAX + 1];
	unsigned int n = 1;

	snprintf(base, sizeof(base), "%s@%s", local, domain);
	/* Suffixes below next were reserved or taken when last tried, and
	   still are: reservations only grow, the store is not written
	   during the derivation. */
	(void)asn_str_map_get(book->next, base, &n);
	/* Five digits at most: first.last is cut to 59 characters, the local
	   part may have 64. */
	for (; n < 100000; n++) {
		int ret;

		if (n == 1)
			snprintf(out, ASN_EMAIL_MAX + 1, "%s", base);
		else
			snprintf(out, ASN_EMAIL_MAX + 1, "%s%u@%s", local, n, domain);
		if (asn_address_book_reserved(book, out))
			continue;
		ret = book->taken(out, book->context, err);
		if (ret < 0)
			return -1;
		if (ret > 0)
			continue;
		asn_str_map_set(book->next, base, n + 1);
		asn_address_book_reserve(book, out);
		return 0;
	}
	asn_str_map_set(book->next, base, n);
	asn_error_set(err, "no free address for %s", base);
	return -1;
}
