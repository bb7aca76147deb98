/* While the default password is in use only INBOX exists: other mailboxes
   are neither listed nor opened, created, renamed or deleted.  The user
   can read the notice and change the password in the webmail; nothing
   else is lost, and the restriction ends at the next login after the
   change.  IMAP NOTIFY (RFC 5465) learns of mailboxes from the list's
   notify records, not from its iteration: those are filtered too. */
#include "lib.h"
#include "mail-storage-private.h"
#include "mailbox-list-private.h"
#include "asn-plugin.h"

#define ASN_LIST_CONTEXT(obj) \
	MODULE_CONTEXT(obj, asn_mailbox_list_module)
#define ASN_BOX_CONTEXT(obj) \
	MODULE_CONTEXT(obj, asn_storage_module)

struct asn_mailbox_list {
	union mailbox_list_module_context module_ctx;
};

struct asn_mailbox {
	union mailbox_module_context module_ctx;
};

static MODULE_CONTEXT_DEFINE_INIT(asn_mailbox_list_module, &mailbox_list_module_register);
static MODULE_CONTEXT_DEFINE_INIT(asn_storage_module, &mail_storage_module_register);

static struct asn_mail_user *asn_restricted_user(struct mail_user *user)
{
	struct asn_mail_user *auser = ASN_USER_CONTEXT(user);

	return auser != NULL && auser->restricted ? auser : NULL;
}

static bool asn_is_inbox_vname(struct mailbox_list *list, const char *vname)
{
	return (list->ns->flags & NAMESPACE_FLAG_INBOX_USER) != 0 &&
		strcasecmp(vname, "INBOX") == 0;
}

static int asn_refuse(struct mailbox *box)
{
	struct asn_mail_user *auser = ASN_USER_CONTEXT(box->storage->user);

	mail_storage_set_error(box->storage, MAIL_ERROR_PERM, auser->hint);
	return -1;
}

static int asn_mailbox_open(struct mailbox *box)
{
	return asn_refuse(box);
}

static int asn_mailbox_create(struct mailbox *box,
			      const struct mailbox_update *update ATTR_UNUSED,
			      bool directory ATTR_UNUSED)
{
	return asn_refuse(box);
}

static int asn_mailbox_delete(struct mailbox *box)
{
	return asn_refuse(box);
}

static int asn_mailbox_rename(struct mailbox *src, struct mailbox *dest ATTR_UNUSED)
{
	return asn_refuse(src);
}

static int asn_mailbox_update(struct mailbox *box,
			      const struct mailbox_update *update ATTR_UNUSED)
{
	return asn_refuse(box);
}

void asn_mailbox_allocated(struct mailbox *box)
{
	struct mailbox_vfuncs *v = box->vlast;
	struct asn_mailbox *abox;
	bool inbox;

	if (asn_restricted_user(box->storage->user) == NULL)
		return;
	inbox = box->inbox_user;
	abox = p_new(box->pool, struct asn_mailbox, 1);
	abox->module_ctx.super = *v;
	box->vlast = &abox->module_ctx.super;
	/* INBOX stays usable, but cannot be renamed or deleted away. */
	if (!inbox) {
		v->open = asn_mailbox_open;
		v->create_box = asn_mailbox_create;
		v->update_box = asn_mailbox_update;
	}
	v->delete_box = asn_mailbox_delete;
	v->rename_box = asn_mailbox_rename;
	MODULE_CONTEXT_SET(box, asn_storage_module, abox);
}

static const struct mailbox_info *
asn_mailbox_list_iter_next(struct mailbox_list_iterate_context *ctx)
{
	struct asn_mailbox_list *alist = ASN_LIST_CONTEXT(ctx->list);
	const struct mailbox_info *info;

	for (;;) {
		/* As in the acl plugin: mailbox_list_iter_next() normally
		   holds the data stack frame we bypass here. */
		T_BEGIN {
			info = alist->module_ctx.super.iter_next(ctx);
		} T_END;
		if (info == NULL || asn_is_inbox_vname(ctx->list, info->vname))
			return info;
	}
}

/* A record is kept only when every name in it is INBOX (a rename away
   from or into INBOX would name the other mailbox). */
static int
asn_mailbox_list_notify_next(struct mailbox_list_notify *notify,
			     const struct mailbox_list_notify_rec **rec_r)
{
	struct asn_mailbox_list *alist = ASN_LIST_CONTEXT(notify->list);
	const struct mailbox_list_notify_rec *rec;
	int ret;

	if (alist->module_ctx.super.notify_next == NULL)
		return -1;
	while ((ret = alist->module_ctx.super.notify_next(notify, &rec)) > 0) {
		if (asn_is_inbox_vname(notify->list, rec->vname) &&
		    (rec->old_vname == NULL ||
		     asn_is_inbox_vname(notify->list, rec->old_vname))) {
			*rec_r = rec;
			return ret;
		}
	}
	return ret;
}

void asn_mailbox_list_created(struct mailbox_list *list)
{
	struct mailbox_list_vfuncs *v = list->vlast;
	struct asn_mailbox_list *alist;

	if (asn_restricted_user(list->ns->user) == NULL)
		return;
	alist = p_new(list->pool, struct asn_mailbox_list, 1);
	alist->module_ctx.super = *v;
	list->vlast = &alist->module_ctx.super;
	v->iter_next = asn_mailbox_list_iter_next;
	/* The list index, which implements NOTIFY, may hook in after us:
	   Dovecot's hook building then puts its function in our super. */
	v->notify_next = asn_mailbox_list_notify_next;
	MODULE_CONTEXT_SET(list, asn_mailbox_list_module, alist);
}
