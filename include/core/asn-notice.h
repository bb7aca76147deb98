#ifndef ASN_NOTICE_H
#define ASN_NOTICE_H

#include "asn-settings.h"

/* The notice: a message for INBOX telling the user, in Bahasa Indonesia,
   that the default password must be changed, how, by when, and the
   policy the new one must meet (generated from the settings).  The
   session plugin stores it; nothing here needs Dovecot. */

struct asn_notice {
	const char *username;		/* the mail address */
	const char *name;		/* userdb asn_name; NULL or "": the address */
	const char *host_domain;	/* for the From when username has no domain */
	time_t date;			/* the Date header */
	time_t password_set_at;		/* one notice per default password */
	time_t password_expires_at;	/* the deadline; 0 when unknown */
};

/* The whole message, headers and body, lines ending in CRLF; uses the
   settings asn_notice_from, asn_webmail_url and the password policy's.
   Caller frees. */
char *asn_notice_format(const struct asn_notice *notice, const struct asn_settings *set);

/* The headers of a message the system puts in a mailbox (this notice,
   asnctl notify's): From asn_notice_from (empty: postmaster@ the domain of
   `to`, else of host_domain), To, Subject (ASCII), Date, Message-ID
   (without <>), Auto-Submitted, MIME UTF-8 8bit; ends with the blank line. */
void asn_notice_append_headers(struct asn_str *msg, const char *to, const char *host_domain,
			       const char *subject, const char *message_id, time_t date,
			       const struct asn_settings *set);

/* "6 Desember 2026 pukul 16.00 WIB" in the local time zone, into buf. */
const char *asn_notice_date_id(time_t t, char *buf, size_t size);

#endif
