/* imap_asn: the IMAP side of the forced change.  Right after the login
   reply, a user still on the default password gets an untagged
   "* OK [ALERT] ..." saying so and how to change it.  Its own .so because
   it uses imap-only symbols (list it in protocol imap {} only). */
#include "imap-common.h"
#include "module-context.h"
#include "imap-client.h"
#include "str.h"
#include "asn-settings.h"
#include "plugin-settings.h"

#define IMAP_ASN_CONTEXT(obj) \
	MODULE_CONTEXT_REQUIRE(obj, imap_asn_imap_module)

struct imap_asn_client {
	union imap_module_context module_ctx;
};

void imap_asn_plugin_init(struct module *module);
void imap_asn_plugin_deinit(void);

const char *imap_asn_plugin_version = DOVECOT_ABI_VERSION;
const char imap_asn_plugin_binary_dependency[] = "imap";

static struct module *imap_asn_module;
static imap_client_created_func_t *next_hook_client_created;
static MODULE_CONTEXT_DEFINE_INIT(imap_asn_imap_module, &imap_module_register);

/* IMAP resp-text is one line of TEXT-CHAR: no CR, LF, or brackets trouble. */
static const char *imap_asn_alert_text(struct mail_user *user)
{
	const char *text = asn_plugin_user_get(user, "asn_alert");
	string_t *str;

	if (text == NULL)
		text = asn_setting_def_find("asn_alert")->default_value;
	if (text == NULL || text[0] == '\0')
		return NULL;
	str = t_str_new(strlen(text));
	for (const char *p = text; *p != '\0'; p++)
		str_append_c(str, *p == '\r' || *p == '\n' ? ' ' : *p);
	return str_c(str);
}

static void imap_asn_client_init(struct client *client)
{
	struct imap_asn_client *aclient = IMAP_ASN_CONTEXT(client);
	const char *error;
	bool must_change;

	aclient->module_ctx.super.init(client);
	/* an unreadable value already failed the session (asn-user.c) */
	if (client->user == NULL || client->user->session_restored ||
	    asn_plugin_user_get_bool(client->user, "asn_must_change",
				     &must_change, &error) < 0 || !must_change)
		return;
	T_BEGIN {
		const char *text = imap_asn_alert_text(client->user);

		if (text != NULL)
			client_send_line(client, t_strconcat("* OK [ALERT] ", text, NULL));
	} T_END;
}

static void imap_asn_client_created(struct client **clientp)
{
	struct client *client = *clientp;
	struct imap_asn_client *aclient;

	if (mail_user_is_plugin_loaded(client->user, imap_asn_module)) {
		aclient = p_new(client->pool, struct imap_asn_client, 1);
		aclient->module_ctx.super = client->v;
		client->v.init = imap_asn_client_init;
		MODULE_CONTEXT_SET(client, imap_asn_imap_module, aclient);
	}
	if (next_hook_client_created != NULL)
		next_hook_client_created(clientp);
}

void imap_asn_plugin_init(struct module *module)
{
	imap_asn_module = module;
	next_hook_client_created = imap_client_created_hook_set(imap_asn_client_created);
}

void imap_asn_plugin_deinit(void)
{
	imap_client_created_hook_set(next_hook_client_created);
}
