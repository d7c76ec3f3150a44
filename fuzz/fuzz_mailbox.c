/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the mbox reader: the input is written to a file
 * and read back message by message with a small per-message cap, so
 * From_ splitting, >From unquoting and the over-cap path all run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "format/mailbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/kz-fuzz-mbox-XXXXXX";
	struct kz_mailbox *mb;
	const char *raw;
	size_t len, total = 0;
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (kz_mailbox_open_mbox(&mb, path, 4096) == 0) {
		while ((rc = kz_mailbox_next(mb, &raw, &len)) != 0) {
			if (rc > 0) {
				if (len > 4096)
					abort();
				total += len;
			}
			if (kz_mailbox_count(mb) > size + 1)
				abort(); /* more messages than bytes: a loop */
		}
		kz_mailbox_free(mb);
	}
	unlink(path);
	(void)total;
	return 0;
}
