/*
 * procfs/seq.h — a growable text buffer for the /proc views (Linux:
 * seq_file). Views only append; the caller owns and frees the buffer.
 */
#ifndef MMSIM_PROCFS_SEQ_H
#define MMSIM_PROCFS_SEQ_H

#include <stddef.h>

struct seq_buf {
	char *buf;
	size_t len, cap;
	int overflow;         /* set when the host ran out of memory */
	size_t pad_until;     /* seq_pad pads the text up to here */
};

/* Append formatted text; on host allocation failure sets overflow. */
void seq_printf(struct seq_buf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seq_puts(struct seq_buf *m, const char *s);
void seq_putc(struct seq_buf *m, char c);

/* Mark the column size bytes from here up to which seq_pad pads (Linux:
 * seq_setwidth). */
void seq_setwidth(struct seq_buf *m, size_t size);

/* Pad with spaces up to the width seq_setwidth set (nothing when the text
 * is already that long), then append c unless it is 0 (Linux: seq_pad). */
void seq_pad(struct seq_buf *m, char c);

/* Release the buffer and reset m to empty. */
void seq_release(struct seq_buf *m);

#endif
