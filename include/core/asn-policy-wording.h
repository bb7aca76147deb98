#ifndef ASN_POLICY_WORDING_H
#define ASN_POLICY_WORDING_H

#include "asn-settings.h"

/* How the password policy is told to people, generated from the settings
   that asn_policy_check (lib/account/policy.c) enforces, so that what a
   user reads is what is checked.  In the core without other libraries:
   the session plugin words the notice with it. */

/* The rule for character classes (asn_password_min_classes) as one
   sentence, in Bahasa Indonesia ("id") or English ("en"), into buf. */
const char *asn_policy_wording_classes(const struct asn_settings *set, const char *lang,
				       char *buf, size_t size);

/* The rules for a new password as a list for a plain-text mail, in Bahasa
   Indonesia: lines "  - ...;" ending in CRLF, the last with a full stop. */
void asn_policy_wording(const struct asn_settings *set, struct asn_str *out);

#endif
