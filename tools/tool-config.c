/* The tools' settings: Dovecot's own configuration unless -c says
   otherwise (tool-config.h has the order). */
#include "tool-config.h"
#include "tool-doveconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static int read_file(struct asn_settings *set, const char *path, struct asn_error *err)
{
	if (asn_settings_read_file(set, path, err) < 0)
		return access(path, R_OK) < 0 ? EX_NOINPUT : EX_CONFIG;
	return EX_OK;
}

/* True when the file sets anything (the installed example is comments
   only): only then is ignoring it worth a warning. */
static bool file_sets_something(const char *path)
{
	struct asn_error err;
	size_t size, i = 0;
	char *data;
	bool found = false;

	if (asn_read_file(path, 1024 * 1024, &data, &size, &err) < 0)
		return false;
	while (i < size && !found) {
		while (i < size && (data[i] == ' ' || data[i] == '\t'))
			i++;
		found = i < size && data[i] != '#' && data[i] != '\n' && data[i] != '\r';
		while (i < size && data[i] != '\n')
			i++;
		i++;
	}
	free(data);
	return found;
}

int asn_tool_read_config(struct asn_settings *set, struct asn_tool_config *cfg,
			 struct asn_error *err)
{
	const char *doveconf = getenv("ASN_DOVECONF");
	struct asn_settings from_dovecot;
	bool missing;

	cfg->warning[0] = '\0';
	if (cfg->file != NULL) {
		snprintf(cfg->source, sizeof(cfg->source), "%s (-c)", cfg->file);
		return read_file(set, cfg->file, err);
	}
	if (doveconf == NULL || *doveconf == '\0')
		doveconf = ASN_DOVECONF_PATH;
	snprintf(cfg->source, sizeof(cfg->source), "%s%s%s", doveconf,
		 cfg->dovecot_config != NULL ? " -c " : "",
		 cfg->dovecot_config != NULL ? cfg->dovecot_config : "");
	if (asn_tool_doveconf(&from_dovecot, doveconf, cfg->dovecot_config, &missing, err) == 0) {
		asn_settings_free(set);
		*set = from_dovecot;
		if (file_sets_something(ASN_DEFAULT_CONFIG))
			snprintf(cfg->warning, sizeof(cfg->warning),
				 "%s is not read: the settings come from Dovecot's configuration "
				 "(%s); give -c %s to use that file instead",
				 ASN_DEFAULT_CONFIG, cfg->source, ASN_DEFAULT_CONFIG);
		return EX_OK;
	}
	if (missing && access(ASN_DEFAULT_CONFIG, F_OK) == 0) {
		/* no Dovecot on this host: the file that stands in for it */
		snprintf(cfg->source, sizeof(cfg->source), "%s (no %s on this host)",
			 ASN_DEFAULT_CONFIG, doveconf);
		return read_file(set, ASN_DEFAULT_CONFIG, err);
	}
	if (missing) {
		asn_error_prefix(err, "reading Dovecot's configuration: ");
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
			 " (no Dovecot here? give the settings with -c FILE)");
		return EX_UNAVAILABLE;
	}
	asn_error_prefix(err, "reading Dovecot's configuration: ");
	return EX_CONFIG;
}
