/* SPDX-License-Identifier: MIT */
/*
 * Mailbox readers for bulk intake: a Maildir (cur/ and new/) or an mbox
 * file, handing out the raw bytes of one message at a time. An mbox is
 * streamed, so memory stays bounded by the per-message cap however big
 * the file is.
 */
#ifndef KZ_MAILBOX_H
#define KZ_MAILBOX_H

#include <stddef.h>

struct kz_mailbox;

/*
 * Opens the Maildir dir: the files of its cur/ and new/ folders, sorted by
 * name (which starts with the delivery time), tmp/ and dot files left out.
 * max_msg caps one message (0: 50 MB). Caller owns *out; free with
 * kz_mailbox_free(). KZ_EINVAL when dir has neither cur/ nor new/,
 * KZ_EIO when it cannot be read, KZ_ENOMEM.
 */
int kz_mailbox_open_maildir(
    struct kz_mailbox **out, const char *dir, size_t max_msg);

/*
 * Opens the mbox file path: messages start at "From " lines (at the start
 * of the file, after a blank line, or shaped like "From sender date");
 * ">From " lines are unquoted (mboxrd). An empty file holds no message.
 * KZ_EINVAL when the file does not start with a "From " line, KZ_EIO.
 */
int kz_mailbox_open_mbox(
    struct kz_mailbox **out, const char *path, size_t max_msg);

/*
 * The next message. Returns 1 with *raw and *len set (borrowed, valid
 * until the next call), 0 at the end. A negative code concerns one
 * message, with a message naming it: KZ_ENOMEM when it is over the cap
 * (it is skipped, not read into memory), KZ_EIO when a Maildir file cannot
 * be read; call again to go on with the next one. When the mbox file
 * itself fails to read, KZ_EIO is returned once and then 0.
 */
int kz_mailbox_next(struct kz_mailbox *mb, const char **raw, size_t *len);

/*
 * Where the last message came from, for reports: "new/1767225600.M1P2.host"
 * for a Maildir, "message 3 at line 1207" for an mbox. Borrowed.
 */
const char *kz_mailbox_where(const struct kz_mailbox *mb);

/* How many messages were handed out or failed so far. */
size_t kz_mailbox_count(const struct kz_mailbox *mb);

void kz_mailbox_free(struct kz_mailbox *mb);

#endif
