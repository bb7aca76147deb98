/* asn mail plugin: only the hook wiring.  The session state is in
   asn-user.c, the INBOX-only restriction in asn-restrict.c, the notice
   message in asn-notice.c. */
#include "lib.h"
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

void asn_plugin_init(struct module *module)
{
	mail_storage_hooks_add(module, &asn_mail_storage_hooks);
}

void asn_plugin_deinit(void)
{
	mail_storage_hooks_remove(&asn_mail_storage_hooks);
}
