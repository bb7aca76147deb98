#ifndef ASN_PLUGIN_H
#define ASN_PLUGIN_H

#include "module-context.h"
#include "mail-user.h"

struct mailbox;
struct mailbox_list;
struct mail_namespace;

/* Per-session state of the asn mail plugin. */
struct asn_mail_user {
	union mail_user_module_context module_ctx;

	/* The userdb's asn_must_change: the default password is in use. */
	bool must_change;
	/* Only INBOX exists for this session (must_change, asn_restrict =
	   inbox, and a service a person logs in to). */
	bool restricted;
	/* The one line users see when something is refused. */
	const char *hint;
	/* Userdb: when the default password was set and when it expires
	   (Unix seconds, 0 when unknown). */
	time_t password_set_at;
	time_t password_expires_at;

	/* Put the notice in INBOX (once per default password). */
	bool notice_wanted;
	const char *name;		/* userdb asn_name, may be empty */
};

#define ASN_USER_CONTEXT(obj) \
	MODULE_CONTEXT(obj, asn_mail_user_module)
extern MODULE_CONTEXT_DEFINE(asn_mail_user_module, &mail_user_module_register);

extern const char *asn_plugin_version;

void asn_mail_user_created(struct mail_user *user);
void asn_mailbox_allocated(struct mailbox *box);
void asn_mailbox_list_created(struct mailbox_list *list);
void asn_mail_namespaces_created(struct mail_namespace *namespaces);

/* Services a person logs in to; deliveries and admin tools are never
   restricted. */
bool asn_service_is_interactive(const char *service);

#endif
