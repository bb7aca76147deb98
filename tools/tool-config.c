/* Settings file loading shared by the tools. */
#include "tool-config.h"

#include <sysexits.h>
#include <unistd.h>

int asn_tool_read_config(struct asn_settings *set, const char **path_io,
			 struct asn_error *err)
{
	if (*path_io == NULL && access(ASN_DEFAULT_CONFIG, F_OK) == 0)
		*path_io = ASN_DEFAULT_CONFIG;
	if (*path_io != NULL && asn_settings_read_file(set, *path_io, err) < 0)
		return access(*path_io, R_OK) < 0 ? EX_NOINPUT : EX_CONFIG;
	return EX_OK;
}
