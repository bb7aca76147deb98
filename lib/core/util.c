/* Small helpers: errors, allocation, strings, time. */
#include "asn-util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void asn_error_set(struct asn_error *err, const char *fmt, ...)
{
	va_list args;

	if (err == NULL)
		return;
	va_start(args, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, args);
	va_end(args);
	err->code = 0;
}

void asn_error_prefix(struct asn_error *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list args;

	if (err == NULL)
		return;
	va_start(args, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, args);
	va_end(args);
	memcpy(old, err->msg, sizeof(old));
	/* Truncating a long message is fine: it is for people to read. */
	size_t plen = strnlen(prefix, sizeof(prefix));
	if (plen >= sizeof(err->msg))
		plen = sizeof(err->msg) - 1;
	memcpy(err->msg, prefix, plen);
	size_t olen = strnlen(old, sizeof(old) - 1);
	if (olen > sizeof(err->msg) - 1 - plen)
		olen = sizeof(err->msg) - 1 - plen;
	memcpy(err->msg + plen, old, olen);
	err->msg[plen + olen] = '\0';
}

static void asn_oom(void)
{
	static const char msg[] = "asn: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *asn_xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		asn_oom();
	return p;
}

void *asn_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		asn_oom();
	return p;
}

void *asn_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size == 0 ? 1 : size);

	if (p == NULL)
		asn_oom();
	return p;
}

char *asn_xstrdup(const char *str)
{
	return asn_xstrndup(str, strlen(str));
}

char *asn_xstrndup(const char *str, size_t len)
{
	char *p = asn_xmalloc(len + 1);

	memcpy(p, str, len);
	p[len] = '\0';
	return p;
}

char *asn_xasprintf(const char *fmt, ...)
{
	va_list args, args2;
	char *p;
	int len;

	va_start(args, fmt);
	va_copy(args2, args);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (len < 0)
		asn_oom();
	p = asn_xmalloc((size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, args2);
	va_end(args2);
	return p;
}

static void asn_str_reserve(struct asn_str *str, size_t extra)
{
	size_t need = str->len + extra + 1;

	if (need <= str->size)
		return;
	if (str->size == 0)
		str->size = 64;
	while (str->size < need)
		str->size *= 2;
	str->data = asn_xrealloc(str->data, str->size);
}

void asn_str_append_n(struct asn_str *str, const char *s, size_t n)
{
	asn_str_reserve(str, n);
	memcpy(str->data + str->len, s, n);
	str->len += n;
	str->data[str->len] = '\0';
}

void asn_str_append(struct asn_str *str, const char *s)
{
	asn_str_append_n(str, s, strlen(s));
}

void asn_str_append_c(struct asn_str *str, char c)
{
	asn_str_append_n(str, &c, 1);
}

void asn_str_printfa(struct asn_str *str, const char *fmt, ...)
{
	va_list args, args2;
	int len;

	va_start(args, fmt);
	va_copy(args2, args);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (len < 0)
		asn_oom();
	asn_str_reserve(str, (size_t)len);
	vsnprintf(str->data + str->len, (size_t)len + 1, fmt, args2);
	va_end(args2);
	str->len += (size_t)len;
}

void asn_str_truncate(struct asn_str *str, size_t len)
{
	if (len < str->len) {
		str->len = len;
		str->data[len] = '\0';
	}
}

const char *asn_str_c(struct asn_str *str)
{
	if (str->data == NULL)
		asn_str_reserve(str, 0), str->data[0] = '\0';
	return str->data;
}

void asn_str_free(struct asn_str *str)
{
	if (str->data != NULL)
		asn_secure_zero(str->data, str->size);
	free(str->data);
	str->data = NULL;
	str->len = str->size = 0;
}

void asn_strv_add_take(struct asn_strv *v, char *s)
{
	if (v->count + 1 >= v->size) {
		v->size = v->size == 0 ? 8 : v->size * 2;
		v->items = asn_xrealloc(v->items, v->size * sizeof(*v->items));
	}
	v->items[v->count++] = s;
	v->items[v->count] = NULL;
}

void asn_strv_add(struct asn_strv *v, const char *s)
{
	asn_strv_add_take(v, asn_xstrdup(s));
}

bool asn_strv_contains(const struct asn_strv *v, const char *s)
{
	for (size_t i = 0; i < v->count; i++) {
		if (strcmp(v->items[i], s) == 0)
			return true;
	}
	return false;
}

void asn_strv_free(struct asn_strv *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->count = v->size = 0;
}

char *asn_str_clean(const char *s)
{
	struct asn_str out = { 0 };
	bool space = false;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space)
			asn_str_append_c(&out, ' ');
		space = false;
		asn_str_append_c(&out, *s);
	}
	asn_str_c(&out);
	return out.data;
}

bool asn_str_is_empty(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s))
			return false;
	}
	return true;
}

time_t asn_now(void)
{
	const char *fixed = getenv("ASN_NOW");

	if (fixed != NULL && *fixed != '\0') {
		char *end;
		long long v = strtoll(fixed, &end, 10);

		if (*end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

const char *asn_time_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

int asn_read_file(const char *path, size_t max_size, char **data_r,
		  size_t *size_r, struct asn_error *err)
{
	struct asn_str buf = { 0 };
	char chunk[65536];
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		asn_error_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((ret = read(fd, chunk, sizeof(chunk))) != 0) {
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			asn_error_set(err, "%s: read: %s", path, strerror(errno));
			close(fd);
			asn_str_free(&buf);
			return -1;
		}
		if (buf.len + (size_t)ret > max_size) {
			asn_error_set(err, "%s: larger than %zu bytes", path, max_size);
			close(fd);
			asn_str_free(&buf);
			return -1;
		}
		asn_str_append_n(&buf, chunk, (size_t)ret);
	}
	close(fd);
	asn_str_c(&buf);
	*data_r = buf.data;
	*size_r = buf.len;
	return 0;
}

void asn_secure_zero(void *ptr, size_t len)
{
	volatile unsigned char *p = ptr;

	while (len-- > 0)
		*p++ = 0;
}
