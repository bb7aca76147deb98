/* The password policy: libpwquality for length, dictionary and simple
   patterns; our own checks for the context (name, NIP, address) and
   history, which libpwquality cannot know about. */
#include "asn-policy.h"
#include "asn-email.h"
#include "asn-policy-wording.h"
#include "asn-csv.h"

#include <ctype.h>
#include <pthread.h>
#include <pwquality.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT_WORD_MIN 3
#define NIP_RUN_MIN 6

/* libpwquality and cracklib beneath it are not thread-safe (static
   buffers, the dictionary's shared state), and asn-passwdd checks on
   several threads: one check at a time.  Our own checks and the history's
   hash verifications run outside it. */
static pthread_mutex_t pwquality_lock = PTHREAD_MUTEX_INITIALIZER;

/* Words at the core of the passwords people choose here, which cracklib's
   English dictionary does not refuse once decorated ("Password#2024Ab",
   "Merdeka#1945"): refused anywhere in the password, also behind
   substitutions (P@ssw0rd).  A site adds its own with
   asn_password_blocklist. */
static const char *const builtin_blocklist[] = {
	"password", "passw", "pass", "sandi", "katasandi", "rahasia", "kunci",
	"admin", "administrator", "root", "login", "masuk", "user", "test",
	"qwerty", "asdf", "zxcv", "qwer", "1234", "4321", "abcd",
	"welcome", "selamat", "default", "bawaan", "changeme", "ganti",
	"indonesia", "merdeka", "garuda", "pancasila", "nusantara", "jakarta",
	"surabaya", "bandung", "semarang", "yogya", "jogja", "bali", "makassar",
	"medan", "jatim", "jateng", "jabar", "provinsi", "prov", "pemprov", "pemkab",
	"pemkot", "kominfo", "diskominfo", "dinas", "kantor", "pegawai", "asn",
	"bsre", "bssn", "email", "surel", "mail", "webmail", "roundcube", "dovecot",
	"bismillah", "alhamdulillah", "allah", "sayang", "cinta", "love", "iloveyou",
	"sunshine", "monkey", "dragon", "master", "princess", "football",
	"januari", "februari", "maret", "april", "juni", "juli", "agustus",
	"september", "oktober", "november", "desember", "senin", "selasa", "rabu",
	"kamis", "jumat", "sabtu", "minggu",
	NULL
};

static bool contains_word(const char *plain, const char *unleet, const char *word);

/* One word a line, '#' comments; words shorter than 4 characters would
   refuse too much and are ignored. */
static int load_blocklist(struct asn_policy *policy, const char *path, struct asn_error *err)
{
	char *data, *line, *next;
	size_t size;

	if (asn_read_file(path, 16 * 1024 * 1024, &data, &size, err) < 0) {
		asn_error_prefix(err, "asn_password_blocklist: ");
		return -1;
	}
	for (line = data; line != NULL; line = next) {
		char *word;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		word = asn_str_clean(line);
		if (word[0] != '#' && strlen(word) >= 4) {
			char *folded = asn_ascii_fold(word);

			asn_strv_add_take(&policy->blocklist, folded);
		}
		free(word);
	}
	free(data);
	return 0;
}

/* libpwquality's settings; the dictionary (cracklib) on or off, all else
   the same. */
static pwquality_settings_t *pwq_settings_new(const struct asn_settings *set, bool dict_check,
					      struct asn_error *err)
{
	pwquality_settings_t *pwq = pwquality_default_settings();

	if (pwq == NULL) {
		asn_error_set(err, "libpwquality: out of memory");
		return NULL;
	}
	/* Credits off: length means characters, as users are told. Classes
	   are checked here, so that the message names what is missing. */
	if (pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, (int)set->password_min_length) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_DIG_CREDIT, 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_UP_CREDIT, 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_LOW_CREDIT, 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_OTH_CREDIT, 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_MIN_CLASS, 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_MAX_REPEAT, 3) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_MAX_SEQUENCE, 4) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, dict_check ? 1 : 0) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_USER_CHECK, 1) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_GECOS_CHECK, 0) != 0) {
		asn_error_set(err, "libpwquality: cannot apply settings");
		pwquality_free_settings(pwq);
		return NULL;
	}
	return pwq;
}

int asn_policy_init(struct asn_policy *policy, const struct asn_settings *set,
		    struct asn_error *err)
{
	memset(policy, 0, sizeof(*policy));
	policy->set = set;
	policy->pwq = pwq_settings_new(set, set->password_dictcheck, err);
	if (policy->pwq == NULL)
		return -1;
	policy->pwq_generated = pwq_settings_new(set, false, err);
	if (policy->pwq_generated == NULL) {
		asn_policy_deinit(policy);
		return -1;
	}
	for (size_t i = 0; builtin_blocklist[i] != NULL; i++)
		asn_strv_add(&policy->blocklist, builtin_blocklist[i]);
	if (set->password_blocklist[0] != '\0' &&
	    load_blocklist(policy, set->password_blocklist, err) < 0) {
		asn_policy_deinit(policy);
		return -1;
	}
	return 0;
}

void asn_policy_deinit(struct asn_policy *policy)
{
	if (policy->pwq != NULL)
		pwquality_free_settings(policy->pwq);
	if (policy->pwq_generated != NULL)
		pwquality_free_settings(policy->pwq_generated);
	policy->pwq = NULL;
	policy->pwq_generated = NULL;
	asn_strv_free(&policy->blocklist);
}

static bool check_blocklist(const struct asn_policy *policy, const char *plain,
			    const char *unleet)
{
	for (size_t i = 0; i < policy->blocklist.count; i++) {
		if (contains_word(plain, unleet, policy->blocklist.items[i]))
			return true;
	}
	return false;
}

/* Lowercase ASCII, and a second form with common substitutions undone
   ("S1t1R@hma" -> "sitirahma"), so that decorations do not hide a name. */
static void normalize_forms(const char *password, char **plain_r, char **unleet_r)
{
	char *plain = asn_ascii_fold(password);
	char *unleet = asn_xstrdup(plain);

	for (char *p = unleet; *p != '\0'; p++) {
		switch (*p) {
		case '4': case '@': *p = 'a'; break;
		case '3': *p = 'e'; break;
		case '1': case '!': *p = 'i'; break;
		case '0': *p = 'o'; break;
		case '5': case '$': *p = 's'; break;
		case '7': *p = 't'; break;
		default: break;
		}
	}
	*plain_r = plain;
	*unleet_r = unleet;
}

static bool contains_word(const char *plain, const char *unleet, const char *word)
{
	return strstr(plain, word) != NULL || strstr(unleet, word) != NULL;
}

/* Words of at least CONTEXT_WORD_MIN letters in s, folded to ASCII. */
static void split_words(const char *s, struct asn_strv *words)
{
	char *folded = asn_ascii_fold(s);
	char *p = folded;

	while (*p != '\0') {
		char *start;

		while (*p != '\0' && !isalnum((unsigned char)*p))
			p++;
		start = p;
		while (isalnum((unsigned char)*p))
			p++;
		if ((size_t)(p - start) >= CONTEXT_WORD_MIN) {
			char *word = asn_xstrndup(start, (size_t)(p - start));

			if (!asn_strv_contains(words, word))
				asn_strv_add_take(words, word);
			else
				free(word);
		}
	}
	free(folded);
}

static enum asn_policy_code check_context(const char *plain, const char *unleet,
					  const struct asn_policy_context *ctx)
{
	enum asn_policy_code code = ASN_POLICY_OK;
	struct asn_strv words = { 0 };
	if (ctx->name != NULL) {
		split_words(ctx->name, &words);
		for (size_t i = 0; i < words.count && code == ASN_POLICY_OK; i++) {
			if (contains_word(plain, unleet, words.items[i]))
				code = ASN_POLICY_CONTAINS_NAME;
		}
		asn_strv_free(&words);
	}
	if (code == ASN_POLICY_OK && ctx->email != NULL) {
		const char *at = strchr(ctx->email, '@');
		/* Domain labels such as "go" and "id" are too short to count;
		   "jatimprov" or "kominfo" are not. */
		split_words(ctx->email, &words);
		if (at != NULL) {
			char *local = asn_xstrndup(ctx->email, (size_t)(at - ctx->email));

			for (char *p = local; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			if (strlen(local) >= CONTEXT_WORD_MIN && !asn_strv_contains(&words, local))
				asn_strv_add_take(&words, local);
			else
				free(local);
		}
		for (size_t i = 0; i < words.count && code == ASN_POLICY_OK; i++) {
			if (contains_word(plain, unleet, words.items[i]))
				code = ASN_POLICY_CONTAINS_EMAIL;
		}
		asn_strv_free(&words);
	}
	if (code == ASN_POLICY_OK && ctx->nip != NULL && strlen(ctx->nip) == 18) {
		const char *nip = ctx->nip;
		char forms[3][9];

		/* Any run of NIP_RUN_MIN digits of the NIP. */
		for (size_t i = 0; i + NIP_RUN_MIN <= 18 && code == ASN_POLICY_OK; i++) {
			char run[NIP_RUN_MIN + 1];

			memcpy(run, nip + i, NIP_RUN_MIN);
			run[NIP_RUN_MIN] = '\0';
			if (strstr(plain, run) != NULL)
				code = ASN_POLICY_CONTAINS_NIP;
		}
		/* The birth date as people write it: DDMMYYYY, DDMMYY. */
		snprintf(forms[0], sizeof(forms[0]), "%.2s%.2s%.4s", nip + 6, nip + 4, nip);
		snprintf(forms[1], sizeof(forms[1]), "%.2s%.2s%.2s", nip + 6, nip + 4, nip + 2);
		snprintf(forms[2], sizeof(forms[2]), "%.2s%.2s%.2s", nip + 2, nip + 4, nip + 6);
		for (size_t i = 0; i < 3 && code == ASN_POLICY_OK; i++) {
			if (strstr(plain, forms[i]) != NULL)
				code = ASN_POLICY_CONTAINS_NIP;
		}
	}
	return code;
}

static unsigned int count_classes(const char *password)
{
	bool upper = false, lower = false, digit = false, other = false;

	for (const unsigned char *p = (const unsigned char *)password; *p != '\0'; p++) {
		if (isupper(*p))
			upper = true;
		else if (islower(*p))
			lower = true;
		else if (isdigit(*p))
			digit = true;
		else
			other = true;
	}
	return (unsigned int)upper + lower + digit + other;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n;
}

/* generated: the password was drawn at random by asn_policy_generate,
   see there. */
static int policy_check(struct asn_policy *policy, const char *password,
			const struct asn_policy_context *ctx, bool generated,
			struct asn_error *err)
{
	const struct asn_settings *set = policy->set;
	enum asn_policy_code code;
	void *auxerror = NULL;
	char pwq_error[PWQ_MAX_ERROR_MESSAGE_LEN];
	char user[ASN_EMAIL_LOCAL_MAX + 1] = "";
	int ret;

	for (const unsigned char *p = (const unsigned char *)password; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return ASN_POLICY_INVALID_CHARS;
	}
	/* Bytes that are not UTF-8 (Latin-1 from an old form, a cut
	   sequence) differ by keyboard and browser: not typeable twice. */
	if (!asn_utf8_valid(password, strlen(password)))
		return ASN_POLICY_NOT_UTF8;
	if (utf8_length(password) < set->password_min_length)
		return ASN_POLICY_TOO_SHORT;
	if (strlen(password) > ASN_PASSWORD_MAX)
		return ASN_POLICY_TOO_LONG;
	if (count_classes(password) < set->password_min_classes)
		return ASN_POLICY_CLASSES;
	/* The lowercase and de-substituted forms, made once for the context
	   and blocklist checks. */
	{
		char *plain, *unleet;

		normalize_forms(password, &plain, &unleet);
		code = check_context(plain, unleet, ctx);
		if (code == ASN_POLICY_OK && set->password_dictcheck &&
		    check_blocklist(policy, plain, unleet))
			code = ASN_POLICY_DICTIONARY;
		asn_secure_zero(plain, strlen(plain));
		asn_secure_zero(unleet, strlen(unleet));
		free(plain);
		free(unleet);
	}
	if (code != ASN_POLICY_OK)
		return code;

	if (ctx->email != NULL) {
		const char *at = strchr(ctx->email, '@');
		size_t len = at == NULL ? strlen(ctx->email) : (size_t)(at - ctx->email);

		snprintf(user, sizeof(user), "%.*s", (int)len, ctx->email);
	}
	pthread_mutex_lock(&pwquality_lock);
	ret = pwquality_check(generated ? policy->pwq_generated : policy->pwq, password, NULL,
			      user[0] == '\0' ? NULL : user, &auxerror);
	/* auxerror may point into cracklib's static buffer */
	if (ret < 0)
		(void)pwquality_strerror(pwq_error, sizeof(pwq_error), ret, auxerror);
	pthread_mutex_unlock(&pwquality_lock);
	if (ret < 0) {

		switch (ret) {
		case PWQ_ERROR_MIN_LENGTH:
			return ASN_POLICY_TOO_SHORT;
		case PWQ_ERROR_CRACKLIB_CHECK:
			return ASN_POLICY_DICTIONARY;
		case PWQ_ERROR_USER_CHECK:
			return ASN_POLICY_CONTAINS_EMAIL;
		case PWQ_ERROR_MAX_CONSECUTIVE:
		case PWQ_ERROR_MAX_SEQUENCE:
		case PWQ_ERROR_MAX_CLASS_REPEAT:
		case PWQ_ERROR_PALINDROME:
		case PWQ_ERROR_MIN_CLASSES:
			return ASN_POLICY_SIMPLE;
		case PWQ_ERROR_MEM_ALLOC:
		case PWQ_ERROR_CFGFILE_OPEN:
		case PWQ_ERROR_CFGFILE_MALFORMED:
		case PWQ_ERROR_FATAL_FAILURE:
		case PWQ_ERROR_UNKNOWN_SETTING:
		case PWQ_ERROR_INTEGER:
		case PWQ_ERROR_NON_INT_SETTING:
		case PWQ_ERROR_NON_STR_SETTING:
		case PWQ_ERROR_RNG:
		case PWQ_ERROR_GENERATION_FAILED:
		case PWQ_ERROR_EMPTY_PASSWORD:
			asn_error_set(err, "libpwquality: %s", pwq_error);
			return -1;
		default:
			return ASN_POLICY_SIMPLE;
		}
	}

	if (ctx->previous_hashes != NULL) {
		for (size_t i = 0; ctx->previous_hashes[i] != NULL; i++) {
			ret = asn_password_verify(ctx->previous_hashes[i], password, err);
			if (ret < 0)
				return -1;
			if (ret > 0) {
				if (i > 0)
					return ASN_POLICY_REUSED;
				return ctx->current_is_default ? ASN_POLICY_SAME_AS_DEFAULT :
					ASN_POLICY_SAME_AS_CURRENT;
			}
		}
	}
	return ASN_POLICY_OK;
}

int asn_policy_check(struct asn_policy *policy, const char *password,
		     const struct asn_policy_context *ctx, struct asn_error *err)
{
	return policy_check(policy, password, ctx, false, err);
}

int asn_policy_generate(struct asn_policy *policy, const struct asn_policy_context *ctx,
			char out[ASN_PASSWORD_MAX + 1], struct asn_error *err)
{
	struct asn_policy_context gen_ctx = *ctx;

	/* A fresh random password cannot be one of the old ones; verifying
	   Argon2 hashes here would only cost time.  Nor is it made from a
	   word: cracklib's dictionary, which catches the words and their
	   decorations that people choose, is not consulted (everything else
	   is: classes, context, the blocklist, repeats and sequences).  Its
	   lookup re-opens and seeks through the dictionary files, about
	   0.6 ms a password, which made it the largest part of an import
	   after the hashing.  Of 300,000 random passwords of 14 characters
	   it refused 35, none for a word, all under its "too
	   simplistic/systematic" rule: leaving it out changes what the
	   generator may draw by about 0.0002 bit. */
	gen_ctx.previous_hashes = NULL;
	for (unsigned int attempt = 0; attempt < 1000; attempt++) {
		int ret;

		if (asn_password_random(out, policy->set->default_password_length, err) < 0)
			return -1;
		ret = policy_check(policy, out, &gen_ctx, true, err);
		if (ret < 0)
			return -1;
		if (ret == ASN_POLICY_OK)
			return 0;
	}
	asn_secure_zero(out, ASN_PASSWORD_MAX + 1);
	asn_error_set(err, "could not generate a password that passes the policy");
	return -1;
}

struct policy_text {
	enum asn_policy_code code;
	const char *name;
	const char *id;
	const char *en;
};

/* User-facing messages: keep them in this one table so that they can be
   reviewed and translated together. %u is the minimum length. */
static const struct policy_text policy_texts[] = {
	{ ASN_POLICY_OK, "ok", "Kata sandi memenuhi ketentuan.",
	  "The password meets the policy." },
	{ ASN_POLICY_TOO_SHORT, "too_short",
	  "Kata sandi terlalu pendek: minimal %u karakter.",
	  "The password is too short: at least %u characters." },
	{ ASN_POLICY_TOO_LONG, "too_long",
	  "Kata sandi terlalu panjang.",
	  "The password is too long." },
	/* worded from asn_password_min_classes: asn_policy_wording_classes */
	{ ASN_POLICY_CLASSES, "classes", NULL, NULL },
	{ ASN_POLICY_CONTAINS_NAME, "contains_name",
	  "Kata sandi tidak boleh memuat nama Anda.",
	  "The password must not contain the user's name." },
	{ ASN_POLICY_CONTAINS_NIP, "contains_nip",
	  "Kata sandi tidak boleh memuat NIP atau tanggal lahir Anda.",
	  "The password must not contain the NIP or the birth date." },
	{ ASN_POLICY_CONTAINS_EMAIL, "contains_email",
	  "Kata sandi tidak boleh memuat alamat email atau nama domain.",
	  "The password must not contain the mail address or the domain name." },
	{ ASN_POLICY_DICTIONARY, "dictionary",
	  "Kata sandi mudah ditebak karena memuat kata umum dari kamus.",
	  "The password is based on a dictionary word." },
	{ ASN_POLICY_SIMPLE, "simple",
	  "Kata sandi terlalu sederhana: terlalu banyak karakter berulang atau berurutan.",
	  "The password is too simple: repeated or sequential characters." },
	{ ASN_POLICY_SAME_AS_DEFAULT, "same_as_default",
	  "Kata sandi baru tidak boleh sama dengan kata sandi bawaan.",
	  "The new password must differ from the default password." },
	{ ASN_POLICY_SAME_AS_CURRENT, "same_as_current",
	  "Kata sandi baru tidak boleh sama dengan kata sandi saat ini.",
	  "The new password must differ from the current password." },
	{ ASN_POLICY_REUSED, "reused",
	  "Kata sandi ini pernah Anda gunakan. Pilih kata sandi yang belum pernah dipakai.",
	  "The password was used before." },
	{ ASN_POLICY_INVALID_CHARS, "invalid_chars",
	  "Kata sandi memuat karakter yang tidak diizinkan.",
	  "The password contains control characters." },
	{ ASN_POLICY_NOT_UTF8, "not_utf8",
	  "Kata sandi memuat karakter yang tidak dapat diketik ulang dengan pasti. Gunakan huruf, angka, dan tanda baca biasa.",
	  "The password is not valid UTF-8." },
};

static const struct policy_text *policy_text(enum asn_policy_code code)
{
	for (size_t i = 0; i < ASN_N_ELEMENTS(policy_texts); i++) {
		if (policy_texts[i].code == code)
			return &policy_texts[i];
	}
	return &policy_texts[0];
}

const char *asn_policy_code_name(enum asn_policy_code code)
{
	return policy_text(code)->name;
}

const char *asn_policy_message(enum asn_policy_code code, const char *lang,
			       const struct asn_settings *set, char *buf, size_t size)
{
	const struct policy_text *text = policy_text(code);
	const char *fmt = lang != NULL && strcmp(lang, "en") == 0 ? text->en : text->id;

	if (code == ASN_POLICY_CLASSES)
		return asn_policy_wording_classes(set, lang, buf, size);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, size, fmt, set->password_min_length);
#pragma GCC diagnostic pop
	return buf;
}
