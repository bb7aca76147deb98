/* The verifier's case record from the person's page: record a case
   (POST /orang/{person}/kasus) and mark one done (POST /kasus/{id}/tutup).
   The rules (words, notes, scope, audit) are lib/verifier/case.c's; here
   only the form and the answers. */
#include "portal.h"
#include "asn-case.h"
#include "asn-html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* The check's message is for admins (English, naming the field): the
   verifier reads what to do instead. */
static const char *input_message(const char *msg)
{
	if (strncmp(msg, "kind", 4) == 0)
		return "Pilih jenis kasus dari daftar.";
	if (strncmp(msg, "action", 6) == 0)
		return "Pilih tindakan dari daftar.";
	if (strstr(msg, "link") != NULL)
		return "Catatan tidak boleh memuat tautan (http://, https://): tautan BSrE "
			"bersifat rahasia.";
	if (strstr(msg, "other") != NULL)
		return "Untuk \"Lainnya\", tulis catatan yang menjelaskannya.";
	return "Catatan tidak sah: satu baris teks biasa, paling banyak 500 karakter.";
}

static void back_to(struct portal_reply *reply, const char *email)
{
	struct asn_str to = { NULL, 0, 0 };

	asn_str_append(&to, "/orang/");
	asn_url_encode(&to, email);
	reply->status = MHD_HTTP_SEE_OTHER;
	snprintf(reply->location, sizeof(reply->location), "%s", asn_str_c(&to));
	asn_str_free(&to);
}

void portal_case_add(struct portal *p, struct asn_store *store, const char *user,
		     const struct portal_request *req, const struct portal_caller *caller,
		     struct portal_reply *reply)
{
	struct asn_case_input in = {
		portal_request_field(req, "kind"), portal_request_field(req, "action"),
		portal_request_field(req, "note"),
	};
	struct asn_account account;
	struct asn_error err;
	int64_t id;
	int ret;

	if (asn_case_input_check(&in, &err) < 0) {
		portal_page_error(caller, MHD_HTTP_BAD_REQUEST, input_message(err.msg), reply);
		return;
	}
	ret = asn_case_add(store, &caller->verifier, user, ASN_LOOKUP_PORTAL, &in, asn_now(),
			   &id, &err);
	if (ret < 0) {
		portal_store_failed(p, caller, "recording a case", &err, reply);
		return;
	}
	if (ret == 0) {
		portal_page_error(caller, MHD_HTTP_NOT_FOUND, "Tidak ada ASN dengan alamat atau NIP "
				  "ini di OPD Anda.", reply);
		return;
	}
	asn_web_log(&p->log, LOG_INFO, "%s recorded case %lld (portal)", caller->session.email,
		    (long long)id);
	/* Back to the person by their address (USER may be a NIP). */
	if (asn_store_account_find(store, user, &account, &err) > 0) {
		back_to(reply, account.email);
		asn_account_free(&account);
	} else {
		back_to(reply, user);
	}
}

void portal_case_close(struct portal *p, struct asn_store *store, const char *id_text,
		       const struct portal_request *req, const struct portal_caller *caller,
		       struct portal_reply *reply)
{
	const char *person = portal_request_field(req, "orang");
	struct asn_error err;
	char *end = NULL;
	long long id = strtoll(id_text, &end, 10);
	bool already;
	int ret;

	if (end == id_text || *end != '\0' || id <= 0) {
		portal_page_error(caller, MHD_HTTP_NOT_FOUND, "Catatan tidak ditemukan.", reply);
		return;
	}
	ret = asn_case_close(store, &caller->verifier, id, asn_now(), &already, &err);
	if (ret < 0) {
		portal_store_failed(p, caller, "closing a case", &err, reply);
		return;
	}
	if (ret == 0) {
		/* Absent and out of scope alike. */
		portal_page_error(caller, MHD_HTTP_NOT_FOUND, "Catatan tidak ditemukan.", reply);
		return;
	}
	asn_web_log(&p->log, LOG_INFO, "%s closed case %lld (portal)%s", caller->session.email,
		    id, already ? ", closed already" : "");
	if (person != NULL && asn_web_text_ok(person, 254))
		back_to(reply, person);
	else
		back_to(reply, "");
}
