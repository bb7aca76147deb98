/* The BSrE event spool: where events wait while the store cannot take
   them, so that tracking never fails or delays a delivery. */
#include "asn-bsre-spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Version 2 adds the trust's detail (trusted_by, unverified, reason, the
   DKIM facts); version 1 lines, from a build before DKIM, are still read:
   their trusted events are marked legacy. */
#define SPOOL_VERSION "2"
#define SPOOL_FIELDS_V1 14
#define SPOOL_FIELDS 18
/* DKIM facts hold a header of up to 64 KB, escaped */
#define SPOOL_LINE_MAX (256 * 1024)

static void append_escaped(struct asn_str *out, const char *s)
{
	asn_str_append_c(out, '\t');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\': asn_str_append(out, "\\\\"); break;
		case '\t': asn_str_append(out, "\\t"); break;
		case '\n': asn_str_append(out, "\\n"); break;
		case '\r': asn_str_append(out, "\\r"); break;
		default: asn_str_append_c(out, *s); break;
		}
	}
}

char *asn_bsre_spool_format_line(const struct asn_bsre_spooled *ev)
{
	const struct asn_bsre_mail *m = &ev->mail;
	struct asn_str out = { NULL, 0, 0 };
	char number[32];

	asn_str_append(&out, SPOOL_VERSION);
	append_escaped(&out, ev->email);
	snprintf(number, sizeof(number), "%lld", (long long)ev->received_at);
	append_escaped(&out, number);
	append_escaped(&out, ev->source);
	append_escaped(&out, asn_bsre_event_name(m->event));
	/* trust: 1 trusted, 0 not, 2 replayed (trusted but addressed to
	   someone else) */
	append_escaped(&out, m->trusted ? "1" : m->replayed ? "2" : "0");
	append_escaped(&out, m->message_key);
	append_escaped(&out, m->subject);
	append_escaped(&out, m->sender);
	append_escaped(&out, m->has_certificate ? "1" : "0");
	append_escaped(&out, m->certificate.serial);
	append_escaped(&out, m->certificate.common_name);
	append_escaped(&out, m->certificate.organization);
	append_escaped(&out, m->certificate.valid_until);
	append_escaped(&out, m->trusted ? m->trusted_by : "");
	append_escaped(&out, m->unverified ? "1" : "0");
	append_escaped(&out, m->trust_reason);
	append_escaped(&out, m->dkim_facts == NULL ? "" : m->dkim_facts);
	asn_str_append_c(&out, '\n');
	return out.data;
}

/* Unescapes field into out (size bytes); false when it does not fit or
   has a bad escape. */
static bool unescape(const char *start, const char *end, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = start; p < end; p++) {
		char c = *p;

		if (c == '\\') {
			if (++p == end)
				return false;
			switch (*p) {
			case '\\': c = '\\'; break;
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			default: return false;
			}
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

static bool parse_flag(const char *s, bool *value_r)
{
	if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
		return false;
	*value_r = s[0] == '1';
	return true;
}

int asn_bsre_spool_parse_line(const char *line, struct asn_bsre_spooled *out,
			      struct asn_error *err)
{
	static const char *const names[SPOOL_FIELDS] = {
		"version", "email", "received_at", "source", "type", "trusted",
		"message_key", "subject", "sender", "has_certificate", "serial",
		"common_name", "organization", "valid_until", "trusted_by", "unverified",
		"trust_reason", "dkim_facts",
	};
	struct asn_bsre_mail *m = &out->mail;
	char number[32], type[32], flag[4], flag2[4], flag3[4], version[4];
	char *facts = NULL;
	struct { char *buf; size_t size; } dest[SPOOL_FIELDS] = {
		{ version, sizeof(version) }, { out->email, sizeof(out->email) },
		{ number, sizeof(number) }, { out->source, sizeof(out->source) },
		{ type, sizeof(type) }, { flag, sizeof(flag) },
		{ m->message_key, sizeof(m->message_key) }, { m->subject, sizeof(m->subject) },
		{ m->sender, sizeof(m->sender) }, { flag2, sizeof(flag2) },
		{ m->certificate.serial, sizeof(m->certificate.serial) },
		{ m->certificate.common_name, sizeof(m->certificate.common_name) },
		{ m->certificate.organization, sizeof(m->certificate.organization) },
		{ m->certificate.valid_until, sizeof(m->certificate.valid_until) },
		{ m->trusted_by, sizeof(m->trusted_by) }, { flag3, sizeof(flag3) },
		{ m->trust_reason, sizeof(m->trust_reason) }, { NULL, SPOOL_LINE_MAX },
	};
	const char *p = line;
	char *end;
	long long received;
	unsigned int fields = SPOOL_FIELDS;

	memset(out, 0, sizeof(*out));
	strcpy(flag3, "0");
	if (strncmp(line, "1\t", 2) == 0) {
		fields = SPOOL_FIELDS_V1;
	} else if (strncmp(line, SPOOL_VERSION "\t", 2) != 0) {
		asn_error_set(err, "field version: '%.*s' is not a spool version this build reads",
			      (int)strcspn(line, "\t"), line);
		return -1;
	}
	for (unsigned int i = 0; i < fields; i++) {
		const char *tab = strchr(p, '\t');
		const char *field_end = tab != NULL ? tab : p + strlen(p);

		if ((tab == NULL) != (i == fields - 1)) {
			asn_error_set(err, "expected %u tab-separated fields", fields);
			goto fail;
		}
		if (dest[i].buf == NULL) {
			/* the facts: any length up to a line's */
			size_t size = (size_t)(field_end - p) + 1;

			facts = asn_xmalloc(size);
			if (size > SPOOL_LINE_MAX || !unescape(p, field_end, facts, size)) {
				asn_error_set(err, "field %s: too long or a bad escape", names[i]);
				goto fail;
			}
		} else if (!unescape(p, field_end, dest[i].buf, dest[i].size)) {
			asn_error_set(err, "field %s: too long or a bad escape", names[i]);
			goto fail;
		}
		p = field_end + 1;
	}
	/* Dovecot's user name: an address, or a bare name on some sites */
	if (out->email[0] == '\0') {
		asn_error_set(err, "field email: empty");
		goto fail;
	}
	errno = 0;
	received = strtoll(number, &end, 10);
	if (errno != 0 || end == number || *end != '\0' || received < 0) {
		asn_error_set(err, "field received_at: '%s' is not a time", number);
		goto fail;
	}
	out->received_at = (time_t)received;
	if (asn_bsre_event_parse(type, &m->event) < 0 || m->event == ASN_BSRE_NONE) {
		asn_error_set(err, "field type: '%s' is not an event type", type);
		goto fail;
	}
	m->replayed = strcmp(flag, "2") == 0;
	if ((!m->replayed && !parse_flag(flag, &m->trusted)) ||
	    !parse_flag(flag2, &m->has_certificate) || !parse_flag(flag3, &m->unverified)) {
		asn_error_set(err, "field trusted/has_certificate/unverified: expected 0 or 1 "
			      "(trusted: 2 replayed)");
		goto fail;
	}
	if (m->message_key[0] == '\0') {
		asn_error_set(err, "field message_key: empty");
		goto fail;
	}
	if (fields == SPOOL_FIELDS_V1) {
		/* trusted by the rule before DKIM */
		if (m->trusted)
			snprintf(m->trusted_by, sizeof(m->trusted_by), "legacy");
	} else if (m->trusted != (strcmp(m->trusted_by, "dkim") == 0 ||
				  strcmp(m->trusted_by, "authres") == 0 ||
				  strcmp(m->trusted_by, "legacy") == 0) ||
		   (!m->trusted && m->trusted_by[0] != '\0')) {
		asn_error_set(err, "field trusted_by: '%s' (dkim, authres or legacy for a trusted "
			      "event, empty for another)", m->trusted_by);
		goto fail;
	} else if ((m->unverified && (m->trusted || m->replayed)) ||
		   (facts != NULL && facts[0] != '\0' && !m->unverified)) {
		asn_error_set(err, "field unverified: only an untrusted event is unverified, and "
			      "only an unverified one has DKIM facts");
		goto fail;
	}
	if (facts != NULL && facts[0] != '\0') {
		m->dkim_facts = facts;
		facts = NULL;
	}
	free(facts);
	asn_bsre_from_domain(m->sender, m->sender_domain, sizeof(m->sender_domain));
	return 0;
fail:
	free(facts);
	return -1;
}

/* Files created here get the database's owner when root creates them, so
   that the delivery user can still use them. */
static void adopt_owner(int fd, const char *spool_path)
{
	char *db;
	struct stat st;
	size_t len = strlen(spool_path), suffix = strlen(".spool");

	if (geteuid() != 0 || len <= suffix)
		return;
	db = asn_xstrndup(spool_path, len - suffix);
	if (stat(db, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) < 0) {
		/* best effort: the delivery user reports it if it matters */
	}
	free(db);
}

static int open_current_spool(const char *path, struct asn_error *err)
{
	/* A replay may rename the spool between our open() and flock(): then
	   the fd we locked is no longer the spool, and we open again. */
	for (unsigned int attempt = 0; attempt < 2000; attempt++) {
		struct stat fd_st, path_st;
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);

		if (fd < 0) {
			asn_error_set(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (fstat(fd, &fd_st) == 0 && stat(path, &path_st) == 0 &&
			    fd_st.st_ino == path_st.st_ino && fd_st.st_dev == path_st.st_dev) {
				if (fd_st.st_size == 0)
					adopt_owner(fd, path);
				return fd;
			}
		}
		close(fd);
		usleep(500);
	}
	asn_error_set(err, "%s: still locked after 1 s", path);
	return -1;
}

char *asn_bsre_spool_reserve_path(const char *spool_path)
{
	return asn_xasprintf("%s.reserve", spool_path);
}

int asn_bsre_spool_reserve_ensure(const char *spool_path, struct asn_error *err)
{
	char *path = asn_bsre_spool_reserve_path(spool_path);
	struct stat st;
	int fd, rc;

	if (stat(path, &st) == 0) {
		free(path);
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		rc = errno;
		free(path);
		if (rc == EEXIST)
			return 0;
		asn_error_set(err, "%s.reserve: %s", spool_path, strerror(rc));
		return -1;
	}
	adopt_owner(fd, spool_path);
	rc = posix_fallocate(fd, 0, ASN_BSRE_SPOOL_RESERVE_SIZE);
	close(fd);
	if (rc != 0) {
		/* no room for the reserve either: try again next time */
		unlink(path);
		asn_error_set(err, "%s: %s", path, strerror(rc));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static int append_line(const char *spool_path, const char *line, size_t len,
		       struct asn_error *err, int *errno_r)
{
	ssize_t written;
	int fd, ret = 0;

	*errno_r = 0;
	if ((fd = open_current_spool(spool_path, err)) < 0) {
		*errno_r = errno;
		return -1;
	}
	written = write(fd, line, len);
	if (written != (ssize_t)len) {
		*errno_r = written < 0 ? errno : ENOSPC;
		asn_error_set(err, "%s: %s", spool_path,
			      written < 0 ? strerror(errno) : "short write (disk full?)");
		if (written > 0) {
			/* never leave half a line: the next append would join it */
			struct stat st;

			if (fstat(fd, &st) == 0)
				(void)!ftruncate(fd, st.st_size - written);
		}
		ret = -1;
	} else if (fdatasync(fd) < 0) {
		*errno_r = errno;
		asn_error_set(err, "%s: fdatasync: %s", spool_path, strerror(errno));
		ret = -1;
	}
	close(fd);
	return ret;
}

int asn_bsre_spool_append(const char *spool_path, const struct asn_bsre_spooled *event,
			  bool *used_reserve_r, struct asn_error *err)
{
	char *line = asn_bsre_spool_format_line(event);
	size_t len = strlen(line);
	int ret, error;

	if (used_reserve_r != NULL)
		*used_reserve_r = false;
	if (len > SPOOL_LINE_MAX) {
		asn_error_set(err, "spool line too long (%zu bytes)", len);
		free(line);
		return -1;
	}
	ret = append_line(spool_path, line, len, err, &error);
	if (ret < 0 && (error == ENOSPC || error == EDQUOT)) {
		char *reserve = asn_bsre_spool_reserve_path(spool_path);

		if (unlink(reserve) == 0) {
			ret = append_line(spool_path, line, len, err, &error);
			if (ret == 0 && used_reserve_r != NULL)
				*used_reserve_r = true;
		}
		free(reserve);
	}
	free(line);
	return ret;
}

static int read_all(int fd, struct asn_str *out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		asn_str_append_n(out, buf, (size_t)n);
	return n < 0 ? -1 : 0;
}

static void keep_bad_line(const char *spool_path, const char *line)
{
	char *bad = asn_xasprintf("%s.bad", spool_path);
	int fd = open(bad, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);

	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		(void)!write(fd, "\n", 1);
		close(fd);
	}
	free(bad);
}

/* Records every line of an already moved-aside spool file. */
static int replay_file(struct asn_store *store, const char *spool_path, const char *file,
		       struct asn_bsre_replay_stats *stats, struct asn_error *err)
{
	struct asn_str data = { NULL, 0, 0 };
	unsigned int line_no = 0;
	char *line, *next;
	int fd, ret = 0;

	if ((fd = open(file, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		asn_error_set(err, "%s: %s", file, strerror(errno));
		return -1;
	}
	/* Writers that opened it before the rename finish their line first. */
	if (flock(fd, LOCK_EX) < 0 || read_all(fd, &data) < 0) {
		asn_error_set(err, "%s: %s", file, strerror(errno));
		close(fd);
		return -1;
	}
	if (asn_store_begin(store, err) < 0) {
		close(fd);
		asn_str_free(&data);
		return -1;
	}
	for (line = data.data; line != NULL && *line != '\0' && ret == 0; line = next) {
		struct asn_bsre_spooled ev;
		struct asn_error line_err;
		int added;

		line_no++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		if (asn_bsre_spool_parse_line(line, &ev, &line_err) < 0) {
			/* Kept aside for a human: one bad line must not hold
			   back the others. */
			keep_bad_line(spool_path, line);
			stats->bad_lines++;
			continue;
		}
		added = asn_store_bsre_event_add(store, ev.email, &ev.mail, ev.received_at,
						 ev.source, err);
		asn_bsre_mail_clear(&ev.mail);
		if (added < 0) {
			asn_error_prefix(err, "%s:%u: ", file, line_no);
			ret = -1;
		} else if (added > 0) {
			stats->recorded++;
		} else {
			stats->duplicates++;
		}
	}
	if (ret == 0 && asn_store_commit(store, err) == 0) {
		if (unlink(file) < 0 && errno != ENOENT) {
			asn_error_set(err, "%s: %s", file, strerror(errno));
			ret = -1;
		}
	} else {
		if (ret == 0)
			ret = -1;
		asn_store_rollback(store);
	}
	close(fd);
	asn_str_free(&data);
	return ret;
}

int asn_bsre_spool_replay(struct asn_store *store, const char *spool_path,
			  struct asn_bsre_replay_stats *stats_r, struct asn_error *err)
{
	char *lock_path = asn_xasprintf("%s.lock", spool_path);
	char *replaying = asn_xasprintf("%s.replaying", spool_path);
	struct stat st;
	int lock_fd, ret = 0;

	memset(stats_r, 0, sizeof(*stats_r));
	if (stat(spool_path, &st) < 0 && stat(replaying, &st) < 0) {
		free(lock_path);
		free(replaying);
		return 0;
	}
	lock_fd = open(lock_path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		/* another replay is at it, or we may not: not our failure */
		if (lock_fd >= 0)
			close(lock_fd);
		free(lock_path);
		free(replaying);
		return 0;
	}
	adopt_owner(lock_fd, spool_path);
	/* A replay that died before its commit left its file: first that. */
	ret = replay_file(store, spool_path, replaying, stats_r, err);
	if (ret == 0) {
		if (rename(spool_path, replaying) == 0)
			ret = replay_file(store, spool_path, replaying, stats_r, err);
		else if (errno != ENOENT) {
			asn_error_set(err, "rename %s: %s", spool_path, strerror(errno));
			ret = -1;
		}
	}
	close(lock_fd);
	free(lock_path);
	free(replaying);
	if (ret < 0)
		return -1;
	return stats_r->recorded + stats_r->duplicates + stats_r->bad_lines > 0 ? 1 : 0;
}
