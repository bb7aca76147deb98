#ifndef ASN_TAP_H
#define ASN_TAP_H

/* Minimal TAP producer for table-driven tests: one "ok N - name" line per
   check, the plan at the end; automake's tap-driver counts each. */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned int tap_count __attribute__((unused)), tap_failed __attribute__((unused));

__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list args;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%s %u - ", cond ? "ok" : "not ok", tap_count);
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	putchar('\n');
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 3, 4)))
static inline bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	char name[512];
	va_list args;
	bool same = (got == NULL && want == NULL) ||
		(got != NULL && want != NULL && strcmp(got, want) == 0);

	va_start(args, fmt);
	vsnprintf(name, sizeof(name), fmt, args);
	va_end(args);
	if (!tap_ok(same, "%s", name))
		printf("#   got:  '%s'\n#   want: '%s'\n", got == NULL ? "(null)" : got,
		       want == NULL ? "(null)" : want);
	return same;
}

__attribute__((format(printf, 3, 4)))
static inline bool tap_contains(const char *got, const char *needle, const char *fmt, ...)
{
	char name[512];
	va_list args;
	bool found = got != NULL && strstr(got, needle) != NULL;

	va_start(args, fmt);
	vsnprintf(name, sizeof(name), fmt, args);
	va_end(args);
	if (!tap_ok(found, "%s", name))
		printf("#   got:  '%s'\n#   should contain: '%s'\n", got == NULL ? "(null)" : got,
		       needle);
	return found;
}

/* One check not run here (counted as a SKIP). */
static inline void tap_skip(const char *reason)
{
	tap_count++;
	printf("ok %u # SKIP %s\n", tap_count, reason);
	fflush(stdout);
}

static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	return tap_failed == 0 ? 0 : 1;
}

#endif
