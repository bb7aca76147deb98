/* CSV reader and writer. */
#include "asn-csv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct asn_csv_reader {
	const char *data;
	size_t size, pos;
	unsigned int line;
	char delim;
};

static char detect_delimiter(const char *data, size_t size)
{
	static const char candidates[] = { ';', ',', '\t' };
	size_t counts[3] = { 0, 0, 0 };
	bool quoted = false;

	for (size_t i = 0; i < size; i++) {
		char c = data[i];

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted)
			continue;
		if (c == '\n' || c == '\r')
			break;
		for (size_t j = 0; j < 3; j++) {
			if (c == candidates[j])
				counts[j]++;
		}
	}
	/* Ties go to ';' first: "Nama;Jabatan, Golongan" is more likely
	   than the reverse in this locale. */
	size_t best = 0;
	for (size_t j = 1; j < 3; j++) {
		if (counts[j] > counts[best])
			best = j;
	}
	return counts[best] == 0 ? ',' : candidates[best];
}

struct asn_csv_reader *asn_csv_reader_new(const char *data, size_t size)
{
	struct asn_csv_reader *reader = asn_xcalloc(1, sizeof(*reader));

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		size -= 3;
	}
	reader->data = data;
	reader->size = size;
	reader->line = 1;
	reader->delim = detect_delimiter(data, size);
	return reader;
}

void asn_csv_reader_free(struct asn_csv_reader **reader)
{
	free(*reader);
	*reader = NULL;
}

char asn_csv_reader_delimiter(const struct asn_csv_reader *reader)
{
	return reader->delim;
}

void asn_csv_record_clear(struct asn_csv_record *rec)
{
	for (size_t i = 0; i < rec->field_count; i++) {
		asn_secure_zero(rec->fields[i], strlen(rec->fields[i]));
		free(rec->fields[i]);
	}
	free(rec->fields);
	memset(rec, 0, sizeof(*rec));
}

static void record_add(struct asn_csv_record *rec, struct asn_str *field)
{
	rec->fields = asn_xrealloc(rec->fields, (rec->field_count + 1) * sizeof(char *));
	rec->fields[rec->field_count++] = asn_xstrndup(field->data == NULL ? "" : field->data,
						       field->len);
	asn_str_truncate(field, 0);
}

static bool record_is_blank(const struct asn_csv_record *rec)
{
	for (size_t i = 0; i < rec->field_count; i++) {
		if (!asn_str_is_empty(rec->fields[i]))
			return false;
	}
	return true;
}

/* Consumes one line break (CRLF, LF or CR) at pos, if any. */
static bool eat_newline(struct asn_csv_reader *r)
{
	if (r->pos < r->size && r->data[r->pos] == '\r') {
		r->pos++;
		if (r->pos < r->size && r->data[r->pos] == '\n')
			r->pos++;
		r->line++;
		return true;
	}
	if (r->pos < r->size && r->data[r->pos] == '\n') {
		r->pos++;
		r->line++;
		return true;
	}
	return false;
}

static int read_record(struct asn_csv_reader *r, struct asn_csv_record *rec,
		       struct asn_error *err)
{
	struct asn_str field = { 0 };

	memset(rec, 0, sizeof(*rec));
	rec->line = r->line;
	for (;;) {
		bool was_quoted = false;

		if (r->pos < r->size && r->data[r->pos] == '"') {
			unsigned int quote_line = r->line;

			was_quoted = true;
			r->pos++;
			for (;;) {
				if (r->pos >= r->size) {
					asn_error_set(err, "line %u: quoted field is not closed "
						      "(a '\"' is missing)", quote_line);
					asn_str_free(&field);
					asn_csv_record_clear(rec);
					return -1;
				}
				char c = r->data[r->pos];
				if (c == '"') {
					if (r->pos + 1 < r->size && r->data[r->pos + 1] == '"') {
						asn_str_append_c(&field, '"');
						r->pos += 2;
						continue;
					}
					r->pos++;
					break;
				}
				if (c == '\r' || c == '\n') {
					/* Keep embedded newlines as LF. */
					eat_newline(r);
					asn_str_append_c(&field, '\n');
					continue;
				}
				asn_str_append_c(&field, c);
				r->pos++;
			}
		}
		/* Unquoted part (or text after a closing quote, which RFC 4180
		   forbids; spreadsheets never write it, so refuse it). */
		while (r->pos < r->size) {
			char c = r->data[r->pos];

			if (c == r->delim || c == '\r' || c == '\n')
				break;
			if (was_quoted) {
				asn_error_set(err, "line %u: text after the closing quote of field %zu",
					      r->line, rec->field_count + 1);
				asn_str_free(&field);
				asn_csv_record_clear(rec);
				return -1;
			}
			if (c == '"') {
				asn_error_set(err, "line %u: stray '\"' inside unquoted field %zu",
					      r->line, rec->field_count + 1);
				asn_str_free(&field);
				asn_csv_record_clear(rec);
				return -1;
			}
			asn_str_append_c(&field, c);
			r->pos++;
		}
		record_add(rec, &field);
		if (r->pos < r->size && r->data[r->pos] == r->delim) {
			r->pos++;
			continue;
		}
		eat_newline(r);
		break;
	}
	asn_str_free(&field);
	return 1;
}

int asn_csv_next(struct asn_csv_reader *reader, struct asn_csv_record *rec,
		 struct asn_error *err)
{
	while (reader->pos < reader->size) {
		int ret = read_record(reader, rec, err);

		if (ret < 0)
			return -1;
		if (!record_is_blank(rec))
			return 1;
		asn_csv_record_clear(rec);
	}
	memset(rec, 0, sizeof(*rec));
	return 0;
}

/* = @ tab CR always start a formula; + and - only when not followed by a
   plain number ("+6281234567890" is a phone number, not an attack). */
static bool is_formula(const char *field)
{
	if (field[0] == '=' || field[0] == '@' || field[0] == '\t' || field[0] == '\r')
		return true;
	if (field[0] != '+' && field[0] != '-')
		return false;
	if (field[1] == '\0')
		return false;
	for (const char *p = field + 1; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) && *p != ' ')
			return true;
	}
	return false;
}

/* A spreadsheet that splits on ';' (Excel with Indonesian settings) or on
   tabs makes a cell of what follows one, quoted or not: a formula there
   gets the same quote.  NULL when the field needs none. */
static char *defuse_inner_formulas(const char *field)
{
	struct asn_str out = { NULL, 0, 0 };
	bool changed = false;

	for (const char *p = field; *p != '\0'; p++) {
		asn_str_append_c(&out, *p);
		if (*p == ';' || *p == '\t') {
			const char *next = p + 1;

			while (*next == ' ')
				next++;
			if (*next != '\0' && is_formula(next)) {
				asn_str_append_c(&out, '\'');
				changed = true;
			}
		}
	}
	if (!changed) {
		asn_str_free(&out);
		return NULL;
	}
	return out.data;
}

void asn_csv_write_field(struct asn_str *out, const char *field, char delim)
{
	bool quote = false;
	char *defused = defuse_inner_formulas(field);

	if (defused != NULL) {
		asn_csv_write_field(out, defused, delim);
		free(defused);
		return;
	}
	if (is_formula(field)) {
		/* Opened in a spreadsheet this would run as a formula. */
		char *safe = asn_xasprintf("'%s", field);

		asn_csv_write_field(out, safe, delim);
		free(safe);
		return;
	}
	for (const char *p = field; *p != '\0'; p++) {
		if (*p == delim || *p == '"' || *p == '\n' || *p == '\r') {
			quote = true;
			break;
		}
	}
	if (!quote) {
		asn_str_append(out, field);
		return;
	}
	asn_str_append_c(out, '"');
	for (const char *p = field; *p != '\0'; p++) {
		if (*p == '"')
			asn_str_append_c(out, '"');
		asn_str_append_c(out, *p);
	}
	asn_str_append_c(out, '"');
}

/* The length of the valid UTF-8 sequence at p[i] (1 to 4), or 0 when the
   bytes there are not one (overlong forms, surrogates and beyond U+10FFFF
   included). */
static size_t utf8_sequence(const unsigned char *p, size_t i, size_t size)
{
	unsigned char c = p[i];
	size_t n;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	else if ((c & 0xE0) == 0xC0) {
		n = 1; cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2; cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3; cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t j = 1; j <= n; j++) {
		if (i + j >= size || (p[i + j] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i + j] & 0x3F);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n + 1;
}

bool asn_utf8_valid(const char *data, size_t size)
{
	const unsigned char *p = (const unsigned char *)data;

	for (size_t i = 0, n; i < size; i += n) {
		if ((n = utf8_sequence(p, i, size)) == 0)
			return false;
	}
	return true;
}

char *asn_utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t size = strlen(s);
	char *out = asn_xmalloc(size + 1), *o = out;

	for (size_t i = 0, n; i < size; i += n) {
		if ((n = utf8_sequence(p, i, size)) == 0) {
			*o++ = '?';
			n = 1;
		} else {
			memcpy(o, p + i, n);
			o += n;
		}
	}
	*o = '\0';
	return out;
}

static const unsigned short cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

char *asn_cp1252_to_utf8(const char *data, size_t size, size_t *size_r)
{
	struct asn_str out = { 0 };

	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)data[i];
		unsigned int cp = c;

		if (c < 0x80) {
			asn_str_append_c(&out, (char)c);
			continue;
		}
		if (c < 0xA0)
			cp = cp1252_high[c - 0x80];
		if (cp < 0x800) {
			asn_str_append_c(&out, (char)(0xC0 | (cp >> 6)));
			asn_str_append_c(&out, (char)(0x80 | (cp & 0x3F)));
		} else {
			asn_str_append_c(&out, (char)(0xE0 | (cp >> 12)));
			asn_str_append_c(&out, (char)(0x80 | ((cp >> 6) & 0x3F)));
			asn_str_append_c(&out, (char)(0x80 | (cp & 0x3F)));
		}
	}
	asn_str_c(&out);
	*size_r = out.len;
	return out.data;
}

/* Decodes the UTF-8 sequence at *p (already validated) and advances. */
static unsigned int utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned int cp;
	size_t n;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		cp = s[0] & 0x1F; n = 1;
	} else if ((s[0] & 0xF0) == 0xE0) {
		cp = s[0] & 0x0F; n = 2;
	} else {
		cp = s[0] & 0x07; n = 3;
	}
	for (size_t i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			/* Not UTF-8 after all: step over the lead byte only. */
			*p = s + 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	return cp;
}

const char *asn_text_hidden_char(const char *utf8, unsigned int *cp_r)
{
	const unsigned char *p = (const unsigned char *)utf8;

	while (*p != '\0') {
		unsigned int cp = utf8_next(&p);
		const char *kind = NULL;

		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			kind = "a control character";
		else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
			 cp == 0x200E || cp == 0x200F || cp == 0x061C)
			kind = "a bidirectional control, which reorders how the text is shown";
		else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
			 cp == 0x180E || (cp >= 0x2061 && cp <= 0x2064) ||
			 (cp >= 0x206A && cp <= 0x206F))
			kind = "an invisible zero-width character";
		else if (cp == 0x00AD)
			kind = "an invisible soft hyphen";
		else if (cp == 0x2028 || cp == 0x2029)
			kind = "a line separator";
		else if ((cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F))
			kind = "an invisible format character";
		if (kind != NULL) {
			*cp_r = cp;
			return kind;
		}
	}
	return NULL;
}

/* Calls back with each physical line (CRLF, LF or CR ends one, as the
   reader counts them), without its line break. */
static void each_line(const char *data, size_t size,
		      void (*callback)(const char *line, size_t len, unsigned int number,
				       void *context), void *context)
{
	unsigned int number = 1;
	size_t start = 0, i = 0;

	while (i < size) {
		if (data[i] != '\r' && data[i] != '\n') {
			i++;
			continue;
		}
		callback(data + start, i - start, number++, context);
		if (data[i] == '\r' && i + 1 < size && data[i + 1] == '\n')
			i++;
		start = ++i;
	}
	if (start < size)
		callback(data + start, size - start, number, context);
}

static void survey_line(const char *line, size_t len, unsigned int number, void *context)
{
	struct asn_encoding_survey *survey = context;

	if (!asn_utf8_valid(line, len)) {
		if (survey->first_not_utf8 == 0)
			survey->first_not_utf8 = number;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)line[i] >= 0x80) {
			if (survey->first_utf8 == 0)
				survey->first_utf8 = number;
			break;
		}
	}
}

void asn_encoding_survey(const char *data, size_t size, struct asn_encoding_survey *survey_r)
{
	survey_r->first_not_utf8 = 0;
	survey_r->first_utf8 = 0;
	each_line(data, size, survey_line, survey_r);
}

struct line_convert {
	struct asn_str out;
	const char *data;
	size_t size;
};

static void convert_line(const char *line, size_t len, unsigned int number, void *context)
{
	struct line_convert *conv = context;
	const char *end = line + len, *data_end = conv->data + conv->size;

	(void)number;
	if (asn_utf8_valid(line, len)) {
		asn_str_append_n(&conv->out, line, len);
	} else {
		size_t size;
		char *utf8 = asn_cp1252_to_utf8(line, len, &size);

		asn_str_append_n(&conv->out, utf8, size);
		free(utf8);
	}
	/* The line break as it was. */
	if (end < data_end)
		asn_str_append_n(&conv->out, end,
				 end[0] == '\r' && end + 1 < data_end && end[1] == '\n' ? 2 : 1);
}

char *asn_mixed_to_utf8(const char *data, size_t size, size_t *size_r)
{
	struct line_convert conv = { .data = data, .size = size };

	each_line(data, size, convert_line, &conv);
	asn_str_c(&conv.out);
	*size_r = conv.out.len;
	return conv.out.data;
}
