/* Helpers shared by asnctl's commands. */
#include "asnctl.h"
#include "asn-csv.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void asnctl_error(const char *fmt, ...)
{
	va_list args;

	fflush(stdout);
	fputs("asnctl: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

void asnctl_warning(const char *fmt, ...)
{
	va_list args;

	fflush(stdout);
	fputs("asnctl: warning: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

int asnctl_usage(const struct asnctl_command *cmd)
{
	fprintf(stderr, "usage: asnctl %s\n(see 'asnctl %s --help')\n", cmd->usage, cmd->name);
	return EX_USAGE;
}

bool asnctl_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

int asnctl_store_exit(enum asn_store_status status)
{
	switch (status) {
	case ASN_STORE_OK:
		return EX_OK;
	case ASN_STORE_ERR_BUSY:
	case ASN_STORE_ERR_CONFLICT:
		return EX_TEMPFAIL;
	case ASN_STORE_ERR_PERM:
		return EX_NOPERM;
	case ASN_STORE_ERR_MISSING:
	case ASN_STORE_ERR_SCHEMA:
		return EX_UNAVAILABLE;
	case ASN_STORE_ERR_OTHER:
		break;
	}
	return EX_UNAVAILABLE;
}

int asnctl_open_store(struct asnctl *ctl, bool writable, struct asn_store **store_r)
{
	struct asn_error err;

	if (asn_store_open(&ctl->set, writable, store_r, &err) < 0) {
		asnctl_error("%s", err.msg);
		return asnctl_store_exit(asn_store_error_status(&err));
	}
	return EX_OK;
}

int asnctl_find_account(struct asn_store *store, const char *user,
			struct asn_account *account_r)
{
	struct asn_error err;
	int ret = asn_store_account_find(store, user, account_r, &err);

	if (ret < 0) {
		asnctl_error("%s", err.msg);
		return asnctl_store_exit(asn_store_error_status(&err));
	}
	if (ret == 0) {
		asnctl_error("no account '%s' (give an email address or an 18-digit NIP)", user);
		return EX_NOUSER;
	}
	return EX_OK;
}

const char *asnctl_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm);
	return buf;
}

/* The sheet holds every new password.  In a directory every user may
   write to, any of them could rename or remove it and put their own file
   in its place, for the admin to hand over; the sticky bit (as /tmp has)
   leaves that to the file's owner, and the sheet is created O_EXCL, 0600.
   The directory itself is checked, not its parents. */
static int check_sheet_directory(const char *path)
{
	char *copy = asn_xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;
	int ret = EX_OK;

	/* A directory that cannot be read is the open's to report. */
	if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH) != 0 &&
	    (st.st_mode & S_ISVTX) == 0) {
		asnctl_error("%s: the directory %s (mode %04o) is writable by every user and "
			     "has no sticky bit: another user could rename or replace the "
			     "credential sheet; write it to a private directory (or chmod +t %s)",
			     path, dir, (unsigned int)(st.st_mode & 07777), dir);
		ret = EX_CANTCREAT;
	}
	free(copy);
	return ret;
}

int asnctl_sheet_create(struct asnctl_sheet *sheet, const char *path, char delim)
{
	static const char *const columns[] = {
		"email", "password", "nip", "name", "opd", "password_expires"
	};
	int ret;

	memset(sheet, 0, sizeof(*sheet));
	sheet->fd = -1;
	ret = check_sheet_directory(path);
	if (ret != EX_OK)
		return ret;
	sheet->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sheet->fd < 0) {
		if (errno == EEXIST) {
			asnctl_error("%s: the credential sheet already exists; it is never "
				     "overwritten (choose a new name)", path);
			return EX_CANTCREAT;
		}
		asnctl_error("%s: %s", path, strerror(errno));
		return errno == EACCES ? EX_NOPERM : EX_CANTCREAT;
	}
	/* The umask cannot widen it, but a default ACL could: be explicit. */
	if (fchmod(sheet->fd, 0600) < 0) {
		asnctl_error("%s: chmod: %s", path, strerror(errno));
		close(sheet->fd);
		unlink(path);
		return EX_CANTCREAT;
	}
	sheet->path = asn_xstrdup(path);
	sheet->delim = delim;
	/* A BOM: Excel then reads the names' accents as UTF-8. */
	asn_str_append(&sheet->buf, "\xEF\xBB\xBF");
	for (size_t i = 0; i < ASN_N_ELEMENTS(columns); i++) {
		if (i > 0)
			asn_str_append_c(&sheet->buf, delim);
		asn_str_append(&sheet->buf, columns[i]);
	}
	asn_str_append(&sheet->buf, "\r\n");
	return EX_OK;
}

void asnctl_sheet_add(struct asnctl_sheet *sheet, const char *email, const char *password,
		      const char *nip, const char *name, const char *opd, time_t expires_at)
{
	char expires[64];
	const char *fields[6];

	asnctl_format_time(expires_at, expires, sizeof(expires));
	fields[0] = email;
	fields[1] = password;
	fields[2] = nip;
	fields[3] = name;
	fields[4] = opd;
	fields[5] = expires;
	for (size_t i = 0; i < 6; i++) {
		if (i > 0)
			asn_str_append_c(&sheet->buf, sheet->delim);
		asn_csv_write_field(&sheet->buf, fields[i], sheet->delim);
	}
	asn_str_append(&sheet->buf, "\r\n");
}

int asnctl_sheet_finish(struct asnctl_sheet *sheet)
{
	const char *p = sheet->buf.data;
	size_t left = sheet->buf.len;

	while (left > 0) {
		ssize_t ret = write(sheet->fd, p, left);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			asnctl_error("%s: write: %s", sheet->path, strerror(errno));
			return EX_IOERR;
		}
		p += ret;
		left -= (size_t)ret;
	}
	if (fsync(sheet->fd) < 0) {
		asnctl_error("%s: fsync: %s", sheet->path, strerror(errno));
		return EX_IOERR;
	}
	if (close(sheet->fd) < 0) {
		sheet->fd = -1;
		asnctl_error("%s: close: %s", sheet->path, strerror(errno));
		return EX_IOERR;
	}
	sheet->fd = -1;
	asn_str_free(&sheet->buf);
	return EX_OK;
}

void asnctl_sheet_release(struct asnctl_sheet *sheet)
{
	free(sheet->path);
	sheet->path = NULL;
}

void asnctl_sheet_abort(struct asnctl_sheet *sheet)
{
	if (sheet->fd >= 0)
		close(sheet->fd);
	sheet->fd = -1;
	if (sheet->path != NULL)
		unlink(sheet->path);
	asn_str_free(&sheet->buf);
	free(sheet->path);
	sheet->path = NULL;
}
