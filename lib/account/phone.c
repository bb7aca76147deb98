/* Phone numbers as agencies write them, into E.164 for Indonesia. */
#include "asn-phone.h"

#include <ctype.h>
#include <string.h>

/* Subscriber numbers after +62: mobile 8xx has 9-12 digits, fixed lines
   (area code + number) 7-11.  Anything outside 7-13 is a typo. */
#define NATIONAL_MIN 7
#define NATIONAL_MAX 13

int asn_phone_normalize(const char *input, char out[ASN_PHONE_MAX],
			struct asn_error *err)
{
	char digits[64];
	size_t len = 0;
	bool plus = false;
	const char *national;
	const char *p = input;

	out[0] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\'')
		p++;
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (isdigit(c)) {
			if (len + 1 >= sizeof(digits)) {
				asn_error_set(err, "phone number '%s' is too long", input);
				return -1;
			}
			digits[len++] = (char)c;
		} else if (c == '+' && len == 0 && !plus) {
			plus = true;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
			   c == ')' || c == '/' || c == '\t') {
			continue;
		} else {
			asn_error_set(err, "phone number '%s' contains '%c'", input, c);
			return -1;
		}
	}
	digits[len] = '\0';
	if (len == 0) {
		if (plus) {
			asn_error_set(err, "phone number '%s' has no digits", input);
			return -1;
		}
		return 0;
	}

	if (strncmp(digits, "62", 2) == 0)
		national = digits + 2;
	else if (plus) {
		asn_error_set(err, "phone number '%s' is not an Indonesian number (+62)", input);
		return -1;
	} else if (digits[0] == '0')
		national = digits + 1;
	else if (digits[0] == '8')
		national = digits;
	else {
		asn_error_set(err, "phone number '%s' must start with 0, 8, 62 or +62", input);
		return -1;
	}
	if (national[0] == '0') {
		asn_error_set(err, "phone number '%s' has a 0 after the country code", input);
		return -1;
	}
	len = strlen(national);
	if (len < NATIONAL_MIN || len > NATIONAL_MAX) {
		asn_error_set(err, "phone number '%s' has %zu digits after +62, expected %d-%d",
			      input, len, NATIONAL_MIN, NATIONAL_MAX);
		return -1;
	}
	snprintf(out, ASN_PHONE_MAX, "+62%s", national);
	return 0;
}
