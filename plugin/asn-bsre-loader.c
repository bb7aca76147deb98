/* The recorder (asn-bsre/asn_bsre_recorder.so beside this plugin) is
   loaded on the first candidate only: it brings SQLite and OpenSSL, whose
   loading alone would cost every LMTP process more than all its ordinary
   deliveries (bench/lmtp-instructions.sh).  Loaded once per process, kept
   until the plugin goes. */
#include "lib.h"
#include "mail-deliver.h"
#include "asn-bsre-plugin.h"

#include <dlfcn.h>
#include <sys/stat.h>

#define RECORDER_SUBDIR "asn-bsre"
#define RECORDER_FILE "asn_bsre_recorder.so"

static char *recorder_path;
static void *recorder_handle;
static asn_bsre_recorder_track_func *recorder_track;
static bool recorder_failed;

void asn_bsre_recorder_init(const char *plugin_path)
{
	const char *slash = strrchr(plugin_path, '/');
	const char *dir = slash == NULL ? "." : t_strdup_until(plugin_path, slash);
	struct stat st;

	recorder_path = i_strconcat(dir, "/" RECORDER_SUBDIR "/" RECORDER_FILE, NULL);
	/* An install without it would lose every BSrE event: say so now,
	   not at the first BSrE mail.  It is loaded then as the mail user
	   (the process has dropped root), so it must be readable by all. */
	if (stat(recorder_path, &st) < 0)
		i_error("asn_bsre: %s: %m (BSrE mails will not be recorded)", recorder_path);
	else if ((st.st_mode & S_IROTH) == 0)
		i_error("asn_bsre: %s is not readable by the mail user (mode %04o): "
			"BSrE mails will not be recorded", recorder_path,
			(unsigned int)(st.st_mode & 07777));
}

void asn_bsre_recorder_deinit(void)
{
	if (recorder_handle != NULL)
		(void)dlclose(recorder_handle);
	recorder_handle = NULL;
	recorder_track = NULL;
	i_free(recorder_path);
}

static bool recorder_load(struct event *event)
{
	const char *const *version;

	if (recorder_track != NULL)
		return TRUE;
	if (recorder_failed)
		return FALSE;
	recorder_handle = dlopen(recorder_path, RTLD_NOW | RTLD_LOCAL);
	if (recorder_handle == NULL) {
		e_error(event, "asn_bsre: cannot load %s: %s: BSrE event not recorded",
			recorder_path, dlerror());
		recorder_failed = TRUE;
		return FALSE;
	}
	/* built with this plugin, for this Dovecot: anything else is refused */
	version = dlsym(recorder_handle, "asn_bsre_recorder_version");
	recorder_track = (asn_bsre_recorder_track_func *)
		dlsym(recorder_handle, "asn_bsre_recorder_track_delivery");
	if (version == NULL || strcmp(*version, ASN_BSRE_RECORDER_VERSION) != 0 ||
	    recorder_track == NULL) {
		e_error(event, "asn_bsre: %s is not the recorder of this plugin (version %s, "
			"wanted %s): BSrE event not recorded", recorder_path,
			version == NULL ? "none" : *version, ASN_BSRE_RECORDER_VERSION);
		(void)dlclose(recorder_handle);
		recorder_handle = NULL;
		recorder_track = NULL;
		recorder_failed = TRUE;
		return FALSE;
	}
	return TRUE;
}

void asn_bsre_recorder_track(struct mail_deliver_context *ctx)
{
	if (recorder_load(ctx->event))
		recorder_track(ctx);
}
