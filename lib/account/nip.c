/* NIP validation: each part of the number has its own error, so an admin
   fixing a list from an agency knows which digits were mistyped. */
#include "asn-nip.h"

#include <ctype.h>
#include <string.h>

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static int digits_value(const char *p, size_t len)
{
	int value = 0;

	for (size_t i = 0; i < len; i++)
		value = value * 10 + (p[i] - '0');
	return value;
}

/* Excel turns an 18-digit number into "1.98503E+17": the digits are lost
   and only a re-export with the column formatted as text can help. */
static bool looks_like_scientific(const char *s)
{
	const char *e = strpbrk(s, "eE");

	return e != NULL && strchr(s, '.') != NULL && (e[1] == '+' || isdigit((unsigned char)e[1]));
}

int asn_nip_parse(const char *input, time_t today, struct asn_nip *nip_r,
		  struct asn_error *err)
{
	struct asn_nip nip;
	struct tm tm;
	size_t len = 0;
	const char *p = input;
	int today_year, today_month, today_day;

	memset(&nip, 0, sizeof(nip));
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\'')
		p++;
	if (*p == '\0') {
		asn_error_set(err, "NIP is empty");
		return -1;
	}
	if (looks_like_scientific(p)) {
		asn_error_set(err, "NIP '%s' was converted to a number by a spreadsheet "
			      "and lost its digits; format the NIP column as text and export again", input);
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-' || *p == '\t')
			continue;
		if (!isdigit((unsigned char)*p)) {
			asn_error_set(err, "NIP '%s' contains '%c': only digits are allowed", input, *p);
			return -1;
		}
		if (len == ASN_NIP_LEN) {
			len++;
			break;
		}
		nip.digits[len++] = *p;
	}
	if (len != ASN_NIP_LEN) {
		size_t count = len;

		if (len > ASN_NIP_LEN) {
			count = 0;
			for (p = input; *p != '\0'; p++)
				count += isdigit((unsigned char)*p) ? 1 : 0;
		}
		asn_error_set(err, "NIP '%s' has %zu digits, expected 18", input, count);
		return -1;
	}

	gmtime_r(&today, &tm);
	today_year = tm.tm_year + 1900;
	today_month = tm.tm_mon + 1;
	today_day = tm.tm_mday;

	nip.birth_year = digits_value(nip.digits, 4);
	nip.birth_month = digits_value(nip.digits + 4, 2);
	nip.birth_day = digits_value(nip.digits + 6, 2);
	nip.tmt_year = digits_value(nip.digits + 8, 4);
	nip.tmt_month = digits_value(nip.digits + 12, 2);
	nip.gender = nip.digits[14] - '0';
	nip.serial = digits_value(nip.digits + 15, 3);

	if (nip.birth_year < 1900 || nip.birth_month < 1 || nip.birth_month > 12 ||
	    nip.birth_day < 1 ||
	    nip.birth_day > days_in_month(nip.birth_year, nip.birth_month)) {
		asn_error_set(err, "NIP %s: birth date %.8s (digits 1-8, YYYYMMDD) is not a valid date",
			      nip.digits, nip.digits);
		return -1;
	}
	if (nip.birth_year > today_year ||
	    (nip.birth_year == today_year &&
	     (nip.birth_month > today_month ||
	      (nip.birth_month == today_month && nip.birth_day > today_day)))) {
		asn_error_set(err, "NIP %s: birth date %.8s (digits 1-8) is in the future",
			      nip.digits, nip.digits);
		return -1;
	}
	if (nip.tmt_year < 1900 || nip.tmt_month < 1 || nip.tmt_month > 12) {
		asn_error_set(err, "NIP %s: TMT CPNS %.6s (digits 9-14, YYYYMM) is not a valid month",
			      nip.digits, nip.digits + 8);
		return -1;
	}
	if (nip.tmt_year * 12 + nip.tmt_month <= nip.birth_year * 12 + nip.birth_month) {
		asn_error_set(err, "NIP %s: TMT CPNS %.6s (digits 9-14) is not after the birth date %.8s",
			      nip.digits, nip.digits + 8, nip.digits);
		return -1;
	}
	/* Appointments are announced ahead of their TMT, but not years ahead. */
	if (nip.tmt_year * 12 + nip.tmt_month > (today_year + 1) * 12 + today_month) {
		asn_error_set(err, "NIP %s: TMT CPNS %.6s (digits 9-14) is more than a year in the future",
			      nip.digits, nip.digits + 8);
		return -1;
	}
	if (nip.gender != 1 && nip.gender != 2) {
		asn_error_set(err, "NIP %s: gender digit (digit 15) is %d, expected 1 (male) or 2 (female)",
			      nip.digits, nip.gender);
		return -1;
	}
	if (nip.serial == 0) {
		asn_error_set(err, "NIP %s: serial number (digits 16-18) is 000, expected 001-999",
			      nip.digits);
		return -1;
	}
	*nip_r = nip;
	return 0;
}
