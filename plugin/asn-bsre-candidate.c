/* Is a delivered mail a BSrE candidate?  Asked of every delivery, so
   ordinary mail must cost next to nothing: the raw header bytes first,
   before Dovecot parses the header (the Subject lookup would make it),
   then the Subject.  The rule itself is the core's (bsre-candidate.c). */
#include "lib.h"
#include "istream.h"
#include "mail-storage-private.h"
#include "asn-bsre-plugin.h"

/* The raw header, read this far at most before the Subject lookup decides. */
#define RAW_HEADER_MAX (64 * 1024)

/* The delivered bytes.  A delivery's source mail lives in a raw mailbox
   over the message Dovecot received (LMTP's DATA, dovecot-lda's input),
   which is the mailbox's input stream: reading that, rather than opening
   the mail's own stream, spares every delivery the stream's set-up and
   a buffer of its own (about a quarter of what the plugins cost an
   ordinary mail, counted with bench/lmtp-instructions.sh).  Other mails
   (none today) go through mail_get_stream(). */
static struct istream *source_stream(struct mail *mail)
{
	struct istream *input = mail->box->input;

	if (input != NULL)
		return input->v_offset == 0 ? input : NULL;
	if (mail_get_stream(mail, NULL, NULL, &input) < 0 || input->v_offset != 0)
		return NULL;
	return input;
}

/* FALSE only when the whole header was read and no Subject may hold a tag. */
static bool raw_header_may_be_candidate(struct mail *mail)
{
	enum asn_bsre_raw_verdict verdict = ASN_BSRE_RAW_MORE;
	struct istream *input;
	const unsigned char *data;
	size_t size = 0;
	int ret;

	if ((input = source_stream(mail)) == NULL)
		return TRUE;
	/* A little more each turn, as the stream has it: copying the whole
	   mail into the stream's buffer would cost more than the header
	   parse this test saves. */
	while (verdict == ASN_BSRE_RAW_MORE && size < RAW_HEADER_MAX) {
		ret = i_stream_read_bytes(input, &data, &size, size + 1);
		if (ret < 0 && input->stream_errno != 0)
			return TRUE;
		verdict = asn_bsre_header_may_be_tagged((const char *)data, size, ret < 0);
		if (ret < 0)
			break;
	}
	return verdict != ASN_BSRE_RAW_NO;
}

bool asn_bsre_mail_is_candidate(struct mail *mail)
{
	const char *subject;

	if (!raw_header_may_be_candidate(mail) ||
	    mail_get_first_header(mail, "Subject", &subject) <= 0 ||
	    !asn_bsre_subject_may_be_tagged(subject, strlen(subject)))
		return FALSE;
	if (mail_get_first_header_utf8(mail, "Subject", &subject) <= 0)
		return FALSE;
	return asn_bsre_subject_tag(subject) != ASN_BSRE_TAG_NONE;
}
