#ifndef ASN_UTIL_H
#define ASN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define ASN_ATTR_FORMAT(a, b) __attribute__((format(printf, a, b)))
#define ASN_N_ELEMENTS(arr) (sizeof(arr) / sizeof((arr)[0]))
#define ASN_UNUSED __attribute__((unused))

/* An error message owned by the caller.  Functions in the core return
   -1 on error, 0 for "not found / no" and 1 for success where that
   distinction matters, and fill in an asn_error on -1; the error comes
   last among the parameters.  A fixed buffer keeps the core thread-safe
   (hashing runs on worker threads) without a memory pool. */
struct asn_error {
	char msg[512];
	/* What kind of failure, in the terms of the layer that failed (the
	   store's enum asn_store_status); 0 when it does not say. */
	int code;
};

/* Sets the message and clears the code. */
void asn_error_set(struct asn_error *err, const char *fmt, ...)
	ASN_ATTR_FORMAT(2, 3);
/* Puts text before the message; the code stays. */
void asn_error_prefix(struct asn_error *err, const char *fmt, ...)
	ASN_ATTR_FORMAT(2, 3);

/* Allocation that never returns NULL: out of memory is fatal. */
void *asn_xmalloc(size_t size);
void *asn_xcalloc(size_t nmemb, size_t size);
void *asn_xrealloc(void *ptr, size_t size);
char *asn_xstrdup(const char *str);
char *asn_xstrndup(const char *str, size_t len);
char *asn_xasprintf(const char *fmt, ...) ASN_ATTR_FORMAT(1, 2);

/* Growable string. */
struct asn_str {
	char *data;
	size_t len, size;
};
void asn_str_append(struct asn_str *str, const char *s);
void asn_str_append_n(struct asn_str *str, const char *s, size_t n);
void asn_str_append_c(struct asn_str *str, char c);
void asn_str_printfa(struct asn_str *str, const char *fmt, ...)
	ASN_ATTR_FORMAT(2, 3);
void asn_str_truncate(struct asn_str *str, size_t len);
/* The string, never NULL (an empty one is allocated). */
const char *asn_str_c(struct asn_str *str);
/* Zeroes the buffer before freeing it: it may have held a secret. */
void asn_str_free(struct asn_str *str);

/* Growable array of strings. */
struct asn_strv {
	char **items;
	size_t count, size;
};
void asn_strv_add(struct asn_strv *v, const char *s);
void asn_strv_add_take(struct asn_strv *v, char *s);
bool asn_strv_contains(const struct asn_strv *v, const char *s);
void asn_strv_free(struct asn_strv *v);

/* Whitespace trimmed copy, collapsed internal whitespace.  Caller frees. */
char *asn_str_clean(const char *s);
/* True for NULL and for whitespace only. */
bool asn_str_is_empty(const char *s);

/* Time "now" in seconds.  ASN_NOW in the environment (a positive number
   of seconds) fixes the clock (reproducible output in tests and golden
   files). */
time_t asn_now(void);
/* "2026-11-22T07:11:00Z" into buf (at least 21 bytes). */
const char *asn_time_iso(time_t t, char *buf, size_t size);

/* Reads a whole file (up to max_size bytes), NUL-terminated; caller frees
   *data_r.  Returns 0, or -1 with err naming the path and errno's text
   (or that the file is larger than max_size). */
int asn_read_file(const char *path, size_t max_size, char **data_r,
		  size_t *size_r, struct asn_error *err);

/* Overwrites sensitive memory in a way the compiler keeps. */
void asn_secure_zero(void *ptr, size_t len);

#endif
