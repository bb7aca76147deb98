/* asnctl scan: BSrE events from mail already delivered (Maildir, mbox or
   single message files), through the same decisions as the delivery
   plugin, so that a site that installs us late still has its history.
   asnctl verify PATH walks mail the same way to judge recorded events
   again (asnctl-verify.c). */
#include "asnctl.h"
#include "asnctl-dkim.h"
#include "asn-bsre-mail.h"
#include "asn-str-map.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_PEEK 8192
#define MESSAGE_MAX (64UL << 20)
#define COMMIT_EVERY 500

struct scan {
	struct asnctl *ctl;
	struct asn_store *store;
	struct asn_bsre_trust trust;
	const char *user, *layout;
	bool dry_run, verbose, in_transaction;
	unsigned int uncommitted;
	unsigned long files, mails, bsre, recorded, known, no_owner, unreadable;
	unsigned long replayed;
	/* verify: events judged again, changed by it, trusted by DKIM already
	   (kept), not recorded at all */
	bool verify;
	unsigned long rejudged, changed, kept_dkim, not_recorded, other_mail;
	int error;
	/* --dry-run: the user\tkey pairs this run would have recorded */
	struct asn_str_map *dry_seen;
};

/* Only a subject that may be a BSrE one is worth a MIME parse: the
   core's cheap test on the raw value (with its folded lines).  Returns 1
   maybe, 0 no (another subject, or none in the header), -1 when the data
   ends inside the header before the Subject field ends. */
static int subject_may_be_bsre(const char *data, size_t size)
{
	const char *p = data, *end = data + size;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len;

		if (eol == NULL)
			return -1;		/* cut inside the header */
		len = (size_t)(eol - p);
		if (len == 0 || (len == 1 && p[0] == '\r'))
			return 0;		/* end of the header, no Subject */
		if (len >= 8 && strncasecmp(p, "subject:", 8) == 0) {
			const char *v = p + 8;

			/* the field goes on over lines that start with white space */
			while (eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
				eol = memchr(eol + 1, '\n', (size_t)(end - eol - 1));
				if (eol == NULL)
					return -1;
			}
			if (eol + 1 >= end)
				return -1;	/* a continuation may follow the peek */
			return asn_bsre_subject_may_be_tagged(v, (size_t)(eol - v)) ? 1 : 0;
		}
		p = eol + 1;
	}
	return -1;
}

/* "/var/vmail/%d/%n" against "/var/vmail/jatimprov.go.id/siti/Maildir/cur/x":
   %d domain, %n local part, %u whole user. */
static bool layout_owner(const char *layout, const char *path, char *out, size_t size)
{
	char user[256] = "", local[256] = "", domain[256] = "";
	const char *p = path;

	for (const char *l = layout; *l != '\0'; l++) {
		if (l[0] == '%' && (l[1] == 'd' || l[1] == 'n' || l[1] == 'u')) {
			const char *slash = strchr(p, '/');
			size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
			char *dest = l[1] == 'd' ? domain : l[1] == 'n' ? local : user;

			if (len == 0 || len >= 256)
				return false;
			memcpy(dest, p, len);
			dest[len] = '\0';
			p += len;
			l++;
		} else if (*p++ != *l) {
			return false;
		}
	}
	if (*p != '/' && *p != '\0')
		return false;
	if (user[0] != '\0')
		snprintf(out, size, "%s", user);
	else if (local[0] != '\0' && domain[0] != '\0')
		snprintf(out, size, "%s@%s", local, domain);
	else
		return false;
	for (char *c = out; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	return true;
}

static int has_key(const struct asn_bsre_stored_event *event, void *context)
{
	return strcmp(event->message_key, context) == 0 ? 1 : 0;
}

/* --dry-run: would the real run find this mail already recorded?  The
   same test as the store's (user, message key) uniqueness: recorded
   before this run, or met earlier in it (a copy in another folder).
   Returns 1 known, 0 new, -1 on error. */
static int dry_run_known(struct scan *s, const char *owner, const char *key)
{
	struct asn_error err;
	char *lower = asn_xstrdup(owner), *pair;
	unsigned int unused;
	int ret;

	/* the store keeps owners in lower case */
	for (char *c = lower; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	pair = asn_xasprintf("%s\t%s", lower, key);
	if (asn_str_map_get(s->dry_seen, pair, &unused)) {
		ret = 1;
	} else {
		asn_str_map_set(s->dry_seen, pair, 1);
		ret = asn_store_bsre_events(s->store, lower, has_key, (void *)key, &err);
		if (ret < 0)
			asnctl_error("%s", err.msg);
	}
	free(pair);
	free(lower);
	return ret;
}

static void record_message(struct scan *s, const char *path, const char *data, size_t size,
			   time_t mtime, struct asn_bsre_mail *out);

struct stored_trust {
	const struct asn_bsre_mail *mail;
	bool found, same;
	char trusted_by[16];
};

static int find_stored(const struct asn_bsre_stored_event *event, void *context)
{
	struct stored_trust *st = context;

	if (strcmp(event->message_key, st->mail->message_key) != 0)
		return 0;
	st->found = true;
	/* the mail that was recorded, not another one with its Message-ID */
	st->same = event->type == st->mail->event && strcmp(event->subject, st->mail->subject) == 0 &&
		strcmp(event->sender, st->mail->sender) == 0;
	snprintf(st->trusted_by, sizeof(st->trusted_by), "%s", event->trusted_by);
	return 1;
}

/* verify PATH: the recorded event of this mail judged again by today's
   rules, unless DKIM trusted it already (a key rotated away since must
   not undo that). */
static void verify_recorded(struct scan *s, const char *path, const char *owner,
			    const struct asn_bsre_mail *mail)
{
	struct stored_trust st = { mail, false, false, "" };
	struct asn_error err;
	int ret;

	/* the store compares emails without case */
	ret = asn_store_bsre_events(s->store, owner, find_stored, &st, &err);
	if (ret < 0) {
		asnctl_error("%s: %s", path, err.msg);
		s->error = EX_TEMPFAIL;
	} else if (!st.found) {
		s->not_recorded++;
	} else if (!st.same) {
		s->other_mail++;
		asnctl_warning("%s: its Message-ID <%s> is %s's recorded event, but type, subject or "
			       "sender differ: that event is left as it is", path, mail->message_key,
			       owner);
	} else if (strcmp(st.trusted_by, "dkim") == 0) {
		s->kept_dkim++;
	} else {
		s->rejudged++;
		if (s->verbose)
			printf("%s: %s %s: %s (%s)\n", path, owner, asn_bsre_event_name(mail->event),
			       mail->trusted ? "trusted" : mail->replayed ? "REPLAYED" :
			       mail->unverified ? "UNVERIFIED" : "UNTRUSTED",
			       mail->trusted ? mail->trusted_by : mail->trust_reason);
		if (!s->dry_run) {
			ret = asn_store_bsre_event_retrust(s->store, owner, mail->message_key, mail,
							   &err);
			if (ret < 0) {
				asnctl_error("%s: %s", path, err.msg);
				s->error = EX_TEMPFAIL;
			}
			s->changed += ret > 0;
		}
	}
}

static void scan_message(struct scan *s, const char *path, const char *data, size_t size,
			 time_t mtime)
{
	struct asn_bsre_mail mail;

	record_message(s, path, data, size, mtime, &mail);
	asn_bsre_mail_clear(&mail);
}

static void record_message(struct scan *s, const char *path, const char *data, size_t size,
			   time_t mtime, struct asn_bsre_mail *out)
{
	struct asn_bsre_envelope env;
	struct asn_error err;
	char owner[256];
	time_t when;
	int added;

	s->mails++;
	/* The owner is known from the command line or the path before the
	   mail is read; else the mail's Delivered-To names it. */
	if (s->user != NULL)
		snprintf(owner, sizeof(owner), "%s", s->user);
	else if (s->layout == NULL || !layout_owner(s->layout, path, owner, sizeof(owner)))
		owner[0] = '\0';
	if (asn_bsre_analyze(data, size, &s->trust, owner[0] != '\0' ? owner : NULL,
			     s->ctl->set.bsre_body_max, out, &env, &err) < 0) {
		s->unreadable++;
		if (s->verbose)
			asnctl_warning("%s: %s", path, err.msg);
		return;
	}
	if (out->event == ASN_BSRE_NONE)
		return;
	s->bsre++;
	if (env.body.limited)
		asnctl_warning("%s: MIME parts nested deeper than %u levels or more than %u parts: "
			       "the rest of the mail is not read", path, ASN_BSRE_MIME_NESTING_MAX,
			       ASN_BSRE_MIME_PARTS_MAX);
	if (owner[0] == '\0' && env.delivered_to[0] != '\0')
		snprintf(owner, sizeof(owner), "%s", env.delivered_to);
	if (owner[0] == '\0') {
		s->no_owner++;
		asnctl_warning("%s: %s mail without an owner (no Delivered-To or X-Original-To; "
			       "use --user or --layout)", path, asn_bsre_event_name(out->event));
		return;
	}
	if (out->replayed) {
		s->replayed++;
		asnctl_warning("%s: %s mail from %s is not addressed to %s: recorded as replayed, "
			       "it moves nothing", path, asn_bsre_event_name(out->event), out->sender,
			       owner);
	}
	/* When our server took it: the newest Received line, else Date,
	   else the file's time. */
	when = env.received_at != 0 ? env.received_at : out->date != 0 ? out->date : mtime;
	if (s->verify) {
		verify_recorded(s, path, owner, out);
		return;
	}
	if (s->verbose)
		printf("%s: %s %s %s (%s)\n", path, owner, asn_bsre_event_name(out->event),
		       out->trusted ? "trusted" : out->replayed ? "REPLAYED" :
		       out->unverified ? "UNVERIFIED" : "UNTRUSTED", out->message_key);
	if (s->dry_run) {
		switch (dry_run_known(s, owner, out->message_key)) {
		case 1: s->known++; break;
		case 0: s->recorded++; break;
		default: s->error = EX_TEMPFAIL; break;
		}
		return;
	}
	if (!s->in_transaction) {
		if (asn_store_begin(s->store, &err) < 0) {
			asnctl_error("%s", err.msg);
			s->error = EX_TEMPFAIL;
			return;
		}
		s->in_transaction = true;
	}
	added = asn_store_bsre_event_add(s->store, owner, out, when, "scan", &err);
	if (added < 0) {
		asnctl_error("%s: %s", path, err.msg);
		s->error = EX_TEMPFAIL;
		return;
	}
	if (added > 0)
		s->recorded++;
	else
		s->known++;
	/* Commit now and then: deliveries must not wait for a long scan. */
	if (++s->uncommitted >= COMMIT_EVERY) {
		if (asn_store_commit(s->store, &err) < 0) {
			asnctl_error("%s", err.msg);
			s->error = EX_TEMPFAIL;
		}
		s->in_transaction = false;
		s->uncommitted = 0;
	}
}

/* An mbox: messages start at lines "From " after an empty line or at the
   start of the file. */
static void scan_mbox(struct scan *s, const char *path, const char *data, size_t size,
		      time_t mtime)
{
	const char *p = data, *end = data + size;

	while (p < end) {
		const char *body = memchr(p, '\n', (size_t)(end - p)), *next = NULL;

		if (body == NULL)
			break;
		body++;				/* past the "From " line */
		for (const char *q = body; q < end; ) {
			const char *nl = memchr(q, '\n', (size_t)(end - q));

			if (nl == NULL)
				break;
			if ((size_t)(end - nl) > 6 && memcmp(nl + 1, "From ", 5) == 0 &&
			    nl > body && nl[-1] == '\n') {
				next = nl + 1;
				break;
			}
			q = nl + 1;
		}
		if (subject_may_be_bsre(body, (size_t)((next != NULL ? next : end) - body)) != 0)
			scan_message(s, path, body, (size_t)((next != NULL ? next : end) - body),
				     mtime);
		else
			s->mails++;
		if (next == NULL)
			break;
		p = next;
	}
}

static bool skip_name(const char *name)
{
	/* Dovecot's own files next to the mail */
	return strncmp(name, "dovecot", 7) == 0 || strcmp(name, "maildirfolder") == 0 ||
		strcmp(name, "subscriptions") == 0 || strncmp(name, ".dovecot", 8) == 0;
}

static void read_whole(struct scan *s, int fd, const char *path, const char *peek, size_t have)
{
	struct stat st;
	size_t size;
	char *data;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		asnctl_warning("%s: %s", path, strerror(errno));
		s->unreadable++;
		return;
	}
	if ((size_t)st.st_size > MESSAGE_MAX) {
		asnctl_warning("%s: larger than %lu MB, skipped", path, MESSAGE_MAX >> 20);
		s->unreadable++;
		return;
	}
	if (have >= 5 && memcmp(peek, "From ", 5) == 0) {
		void *map = st.st_size > 0 ?
			mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;

		if (map == MAP_FAILED) {
			asnctl_warning("%s: %s", path, strerror(errno));
			s->unreadable++;
		} else {
			scan_mbox(s, path, map, (size_t)st.st_size, st.st_mtime);
			munmap(map, (size_t)st.st_size);
		}
		return;
	}
	/* the file may have changed since the peek: never past our buffer */
	size = (size_t)st.st_size > have ? (size_t)st.st_size : have;
	data = asn_xmalloc(size + 1);
	memcpy(data, peek, have);
	while (have < size && (n = read(fd, data + have, size - have)) > 0)
		have += (size_t)n;
	data[have] = '\0';
	scan_message(s, path, data, have, st.st_mtime);
	free(data);
}

/* Most files are ordinary mail, decided on one read of their start: no
   stat, no allocation. */
static void scan_file(struct scan *s, int dir_fd, const char *name, const char *path)
{
	char peek[HEADER_PEEK];
	ssize_t n;
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		asnctl_warning("%s: %s", path, strerror(errno));
		s->unreadable++;
		return;
	}
	s->files++;
	n = read(fd, peek, sizeof(peek));
	if (n < 0) {
		asnctl_warning("%s: %s", path, strerror(errno));
		s->unreadable++;
	} else if ((n < 5 || memcmp(peek, "From ", 5) != 0) &&
		   subject_may_be_bsre(peek, (size_t)n) == 0) {
		s->mails++;		/* ordinary mail */
	} else {
		read_whole(s, fd, path, peek, (size_t)n);
	}
	close(fd);
}

static int compare_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* path is a buffer of PATH_MAX holding the directory's path, which this
   extends in place for the children. */
static void scan_dir(struct scan *s, int dir_fd, char *path, unsigned int depth)
{
	struct dirent **entries = NULL;
	size_t len = strlen(path);
	int n;

	/* In name order: Maildir names start with the delivery time, and the
	   same tree gives the same result on every file system. */
	if ((n = scandirat(dir_fd, ".", &entries, NULL, compare_names)) < 0) {
		asnctl_warning("%s: %s", path, strerror(errno));
		s->unreadable++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		unsigned char type = entries[i]->d_type;

		if (s->error != 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    strcmp(name, "tmp") == 0 || skip_name(name) ||
		    len + 1 + strlen(name) >= PATH_MAX) {
			free(entries[i]);
			continue;
		}
		snprintf(path + len, PATH_MAX - len, "/%s", name);
		if (type == DT_UNKNOWN || type == DT_LNK) {
			struct stat st;

			type = fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? DT_UNKNOWN :
				S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_UNKNOWN;
		}
		if (type == DT_REG) {
			scan_file(s, dir_fd, name, path);
		} else if (type == DT_DIR && depth < 32) {
			int child = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

			if (child < 0) {
				asnctl_warning("%s: %s", path, strerror(errno));
				s->unreadable++;
			} else {
				scan_dir(s, child, path, depth + 1);
				close(child);
			}
		}
		path[len] = '\0';
		free(entries[i]);
	}
	free(entries);
}

static void scan_path(struct scan *s, const char *arg)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st) < 0) {
		asnctl_warning("%s: %s", path, strerror(errno));
		s->unreadable++;
		return;
	}
	if (S_ISREG(st.st_mode)) {
		scan_file(s, AT_FDCWD, path, path);
	} else if (S_ISDIR(st.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			asnctl_warning("%s: %s", path, strerror(errno));
			s->unreadable++;
			return;
		}
		scan_dir(s, fd, path, 0);
		close(fd);
	}
}

int asnctl_scan_command(struct asnctl *ctl, int argc, char **argv, bool verify)
{
	const struct asnctl_command *cmd = verify ? &asnctl_cmd_verify : &asnctl_cmd_scan;
	static const struct option options[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "layout", required_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct asn_bsre_trust_config trust;
	struct asn_bsre_dkim *dkim = NULL;
	struct asn_error err;
	struct scan s;
	int opt, ret;

	memset(&s, 0, sizeof(s));
	s.ctl = ctl;
	s.verify = verify;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'u': s.user = optarg; break;
		case 'l': s.layout = optarg; break;
		case 'n': s.dry_run = true; break;
		case 'v': s.verbose = true; break;
		default: return asnctl_usage(cmd);
		}
	}
	if (optind >= argc && !verify)
		return asnctl_usage(cmd);
	if (s.user != NULL && strchr(s.user, '@') == NULL) {
		asnctl_error("--user %s: expected an email address", s.user);
		return EX_USAGE;
	}
	if (s.layout != NULL && strstr(s.layout, "%u") == NULL &&
	    (strstr(s.layout, "%n") == NULL || strstr(s.layout, "%d") == NULL)) {
		asnctl_error("--layout %s: needs %%u, or %%n and %%d", s.layout);
		return EX_USAGE;
	}
	if (asn_bsre_trust_config_init(&trust, &ctl->set, &err) < 0) {
		asnctl_error("asn_bsre_subjects: %s", err.msg);
		asn_bsre_trust_config_free(&trust);
		return EX_CONFIG;
	}
	s.trust = trust.trust;
	ret = asnctl_dkim_open(ctl, &s.trust, &dkim);
	if (ret != EX_OK) {
		asn_bsre_trust_config_free(&trust);
		return ret;
	}
	asnctl_dkim_hook_mail(&s.trust, dkim);

	/* a dry run reads the store to count what is already there */
	ret = asnctl_open_store(ctl, !s.dry_run, &s.store);
	if (ret == EX_OK && verify)
		ret = asnctl_verify_unverified(ctl, s.store, &trust.trust, dkim, s.dry_run,
					       s.verbose);
	if (ret == EX_OK && verify && optind >= argc) {
		asnctl_verify_summary(s.store);
		asn_store_close(&s.store);
	} else if (ret == EX_OK) {
		if (s.dry_run)
			s.dry_seen = asn_str_map_new();
		for (int i = optind; i < argc && s.error == 0; i++) {
			size_t len = strlen(argv[i]);

			while (len > 1 && argv[i][len - 1] == '/')
				argv[i][--len] = '\0';
			scan_path(&s, argv[i]);
		}
		if (s.in_transaction) {
			if (s.error == 0 && asn_store_commit(s.store, &err) < 0) {
				asnctl_error("%s", err.msg);
				s.error = EX_TEMPFAIL;
			} else if (s.error != 0) {
				asn_store_rollback(s.store);
			}
		}
		if (verify) {
			printf("%lu files, %lu mails, %lu BSrE mails: %lu judged again (%lu %s), "
			       "%lu trusted by DKIM already, %lu not recorded (asnctl scan records "
			       "them), %lu not the recorded mail, %lu without owner, %lu unreadable\n",
			       s.files, s.mails, s.bsre, s.rejudged, s.changed,
			       s.dry_run ? "dry run: nothing changed" : "changed", s.kept_dkim,
			       s.not_recorded, s.other_mail, s.no_owner, s.unreadable);
			asnctl_verify_summary(s.store);
		} else {
			printf("%lu files, %lu mails, %lu BSrE mails: %lu %s, %lu already known, "
			       "%lu without owner, %lu unreadable\n", s.files, s.mails, s.bsre,
			       s.recorded, s.dry_run ? "would be recorded" : "recorded", s.known,
			       s.no_owner, s.unreadable);
		}
		asn_store_close(&s.store);
		asn_str_map_free(&s.dry_seen);
		ret = s.error != 0 ? s.error : EX_OK;
	}
	asn_bsre_dkim_deinit(&dkim);
	asn_bsre_trust_config_free(&trust);
	return ret;
}

static int cmd_scan(struct asnctl *ctl, int argc, char **argv)
{
	return asnctl_scan_command(ctl, argc, argv, false);
}

const struct asnctl_command asnctl_cmd_scan = {
	"scan", cmd_scan,
	"scan [--user EMAIL | --layout PATTERN] [--dry-run] [--verbose] PATH...",
	"Records BSrE events from mail already delivered: Maildirs, mbox files or\n"
	"single message files, walked recursively (Dovecot's index files and tmp/\n"
	"are skipped).  The owner of each mail is --user, else the user --layout\n"
	"finds in the path (e.g. /var/vmail/%d/%n, or %u for the whole user),\n"
	"else its Delivered-To or X-Original-To header.  The event time is the\n"
	"newest Received line, else the Date header, else the file's time.  Each\n"
	"mail counts once per user: scanning twice, or scanning what the plugin\n"
	"already saw, adds nothing.  A BSrE mail is judged as the delivery does\n"
	"(asn_bsre_trust), its DKIM signature with today's keys: a key rotated away\n"
	"since the mail came leaves it unverified, never trusted.\n"
};
