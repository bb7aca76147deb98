/* asn mail plugin: only the hook wiring.  The session state is in
   asn-user.c, the INBOX-only restriction in asn-restrict.c, the notice
   message in asn-notice.c. */
#include "lib.h"
#include "master-service.h"
#include "mail-storage-hooks.h"
#include "asn-plugin.h"

void asn_plugin_init(struct module *module);
void asn_plugin_deinit(void);

const char *asn_plugin_version = DOVECOT_ABI_VERSION;

static struct mail_storage_hooks asn_mail_storage_hooks = {
	.mail_user_created = asn_mail_user_created,
	.mail_namespaces_created = asn_mail_namespaces_created,
	.mailbox_list_created = asn_mailbox_list_created,
	.mailbox_allocated = asn_mailbox_allocated,
};

static bool hooked;

void asn_plugin_init(struct module *module)
{
	/* Deliveries, doveadm and the indexer are never restricted
	   (asn-user.c): hooked there, the plugin would only cost Dovecot a
	   hook chain per delivery.  A process serves one service. */
	if (!asn_service_is_interactive(master_service_get_name(master_service)))
		return;
	mail_storage_hooks_add(module, &asn_mail_storage_hooks);
	hooked = TRUE;
}

void asn_plugin_deinit(void)
{
	if (hooked)
		mail_storage_hooks_remove(&asn_mail_storage_hooks);
	hooked = FALSE;
}
