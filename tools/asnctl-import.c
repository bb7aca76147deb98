/* asnctl import, asnctl add: new accounts from a list or one by one. */
#include "asnctl.h"
#include "asn-csv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LIST_MAX_SIZE (64 * 1024 * 1024)

static int parse_encoding(const char *name, enum asn_encoding *encoding_r)
{
	if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
		*encoding_r = ASN_ENCODING_UTF8;
	else if (strcasecmp(name, "windows-1252") == 0 || strcasecmp(name, "cp1252") == 0)
		*encoding_r = ASN_ENCODING_WINDOWS_1252;
	else if (strcasecmp(name, "mixed") == 0)
		*encoding_r = ASN_ENCODING_MIXED;
	else
		return -1;
	return 0;
}

/* What the list's rows get checked for, for the values given as options:
   UTF-8, and no control, bidirectional or invisible character. */
static bool text_option_ok(const char *option, const char *value)
{
	const char *kind;
	unsigned int cp;

	if (!asn_utf8_valid(value, strlen(value))) {
		asnctl_error("%s: not valid UTF-8", option);
		return false;
	}
	kind = asn_text_hidden_char(value, &cp);
	if (kind != NULL) {
		asnctl_error("%s: contains U+%04X, %s; remove it", option, cp, kind);
		return false;
	}
	return true;
}

static int cmd_import(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "opd", required_argument, NULL, 'o' },
		{ "letter", required_argument, NULL, 'l' },
		{ "sheet", required_argument, NULL, 's' },
		{ "skip-invalid", no_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "encoding", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	enum asn_encoding encoding = ASN_ENCODING_AUTO;
	struct asnctl_provision opts;
	struct asn_roster roster;
	struct asn_error err;
	const char *path;
	char *data;
	size_t size;
	int opt, ret;

	memset(&opts, 0, sizeof(opts));
	opts.domain = ctl->set.domain;
	while ((opt = getopt_long(argc, argv, "d:o:l:s:kne:", options, NULL)) != -1) {
		switch (opt) {
		case 'd': opts.domain = optarg; break;
		case 'o': opts.opd = optarg; break;
		case 'l': opts.letter_ref = optarg; break;
		case 's': opts.sheet_path = optarg; break;
		case 'k': opts.skip_invalid = true; break;
		case 'n': opts.dry_run = true; break;
		case 'e':
			if (parse_encoding(optarg, &encoding) < 0) {
				asnctl_error("--encoding: '%s' is not utf-8, windows-1252 or mixed",
					     optarg);
				return EX_USAGE;
			}
			break;
		default: return asnctl_usage(&asnctl_cmd_import);
		}
	}
	if (optind + 1 != argc || (opts.sheet_path == NULL && !opts.dry_run))
		return asnctl_usage(&asnctl_cmd_import);
	if (opts.domain != NULL && opts.domain[0] != '\0' && !asn_domain_valid(opts.domain)) {
		asnctl_error("--domain: '%s' is not a domain name", opts.domain);
		return EX_USAGE;
	}
	if (opts.opd != NULL && !text_option_ok("--opd", opts.opd))
		return EX_DATAERR;
	path = argv[optind];
	opts.source = path;

	if (asn_read_file(path, LIST_MAX_SIZE, &data, &size, &err) < 0) {
		asnctl_error("%s", err.msg);
		return EX_NOINPUT;
	}
	if (asn_roster_parse_encoded(data, size, encoding, opts.opd, asn_now(), &roster, &err) < 0) {
		/* err is "line N: ..." */
		if (strncmp(err.msg, "line ", 5) == 0)
			fprintf(stderr, "%s:%s\n", path, err.msg + 5);
		else
			fprintf(stderr, "%s: %s\n", path, err.msg);
		free(data);
		return EX_DATAERR;
	}
	free(data);
	if (roster.converted_from_cp1252)
		asnctl_warning("%s is not UTF-8; read it as Windows-1252 (Excel's \"CSV\")", path);
	else if (encoding == ASN_ENCODING_MIXED && roster.cp1252_first_line != 0)
		asnctl_warning("%s: read the lines that are not UTF-8 as Windows-1252 "
			       "(the first is line %u)", path, roster.cp1252_first_line);
	/* Same separator in the sheet as in the list, so it opens alike. */
	opts.sheet_delim = roster.delimiter == '\t' ? ',' : roster.delimiter;
	ret = asnctl_provision(ctl, &roster, &opts);
	asn_roster_free(&roster);
	return ret;
}

const struct asnctl_command asnctl_cmd_import = {
	"import", cmd_import,
	"import [--domain D] [--opd NAME] [--letter REF] --sheet FILE [--skip-invalid] [--dry-run]\n"
	"       [--encoding utf-8|windows-1252|mixed] LIST.csv",
	"Creates mailboxes for the civil servants in an agency's list.\n"
	"\n"
	"The list is CSV (',' ';' or tab, UTF-8 with or without BOM; Windows-1252 is\n"
	"converted; a file mixing the two is refused) with a header row naming at\n"
	"least Nama/Name and NIP; Jabatan, Nomor Kontak/No HP, Email and OPD/Unit\n"
	"Kerja are used when present.\n"
	"\n"
	"  --domain D      domain of derived addresses (default asn_domain)\n"
	"  --opd NAME      OPD of rows without an OPD column or value\n"
	"  --letter REF    reference of the agency's request letter, for the audit\n"
	"  --sheet FILE    credential sheet to create (mode 0600, never overwritten)\n"
	"  --skip-invalid  import the valid rows even if others are rejected\n"
	"  --dry-run       check the list and show the addresses; write nothing\n"
	"  --encoding E    read the list as utf-8 (refuse other lines), windows-1252\n"
	"                  (every line), or mixed (each line UTF-8 if it is, else\n"
	"                  Windows-1252); default: detect, refuse a mixed file\n"
	"\n"
	"All or nothing by default: if any row is invalid every bad row is reported\n"
	"as LIST.csv:LINE: reason and nothing is written (exit 65); names, positions\n"
	"and OPDs with control, bidirectional or invisible characters are refused.\n"
	"Rows whose NIP already has an account are left untouched and counted as\n"
	"existing.  The sheet's directory must not be writable by every user unless\n"
	"it has the sticky bit, as /tmp has (exit 73).\n"
};

static int cmd_add(struct asnctl *ctl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'N' },
		{ "nip", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' },
		{ "position", required_argument, NULL, 'j' },
		{ "opd", required_argument, NULL, 'o' },
		{ "domain", required_argument, NULL, 'd' },
		{ "sheet", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *nip = NULL, *email = NULL, *phone = "", *position = "";
	const char *opd = NULL;
	struct asnctl_provision opts;
	struct asn_roster roster;
	struct asn_person person;
	struct asn_nip parsed;
	struct asn_error err;
	char normalized[ASN_EMAIL_MAX + 1];
	int opt, ret;

	memset(&opts, 0, sizeof(opts));
	opts.domain = ctl->set.domain;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'N': name = optarg; break;
		case 'n': nip = optarg; break;
		case 'e': email = optarg; break;
		case 'p': phone = optarg; break;
		case 'j': position = optarg; break;
		case 'o': opd = optarg; break;
		case 'd': opts.domain = optarg; break;
		case 's': opts.sheet_path = optarg; break;
		default: return asnctl_usage(&asnctl_cmd_add);
		}
	}
	if (optind != argc || name == NULL || nip == NULL || opts.sheet_path == NULL)
		return asnctl_usage(&asnctl_cmd_add);

	memset(&person, 0, sizeof(person));
	if (asn_str_is_empty(name)) {
		asnctl_error("--name: empty");
		return EX_DATAERR;
	}
	if (!text_option_ok("--name", name) || !text_option_ok("--position", position) ||
	    (opd != NULL && !text_option_ok("--opd", opd)))
		return EX_DATAERR;
	if (asn_nip_parse(nip, asn_now(), &parsed, &err) < 0) {
		asnctl_error("--nip: %s", err.msg);
		return EX_DATAERR;
	}
	memcpy(person.nip, parsed.digits, sizeof(person.nip));
	if (asn_phone_normalize(phone, person.phone, &err) < 0) {
		asnctl_error("--phone: %s", err.msg);
		return EX_DATAERR;
	}
	if (email != NULL) {
		if (asn_email_normalize(email, normalized, &err) < 0) {
			asnctl_error("--email: %s", err.msg);
			return EX_DATAERR;
		}
		person.email = asn_xstrdup(normalized);
	}
	if (opd == NULL || asn_str_is_empty(opd)) {
		asnctl_error("--opd: required");
		free(person.email);
		return EX_USAGE;
	}
	person.line = 0;
	person.name = asn_str_clean(name);
	person.position = asn_str_clean(position);
	person.opd = asn_str_clean(opd);

	memset(&roster, 0, sizeof(roster));
	roster.people = asn_xmalloc(sizeof(person));
	roster.people[0] = person;
	roster.count = 1;
	roster.header[ASN_COL_NAME] = asn_xstrdup("--name");
	roster.header[ASN_COL_EMAIL] = asn_xstrdup("--email");
	roster.header[ASN_COL_NIP] = asn_xstrdup("--nip");

	opts.source = "add";
	opts.opd = roster.people[0].opd;
	opts.sheet_delim = ',';
	opts.refuse_existing = true;
	ret = asnctl_provision(ctl, &roster, &opts);
	asn_roster_free(&roster);
	return ret;
}

const struct asnctl_command asnctl_cmd_add = {
	"add", cmd_add,
	"add --name N --nip NIP [--email E] [--phone P] [--position J] --opd O [--domain D] --sheet FILE",
	"Creates one mailbox, as import does for a list.\n"
	"\n"
	"Without --email the address is derived from the name (first.last@DOMAIN).\n"
	"The default password is written to the credential sheet FILE (mode 0600).\n"
};
