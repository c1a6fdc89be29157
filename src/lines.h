/* lines.h — text files (plain or gzipped) one line at a time (private).
 *
 * A buffer allocated at open holds whole lines; it grows only for a line
 * longer than any before.  Line ends (LF, CRLF) are cut off and the line is
 * NUL-terminated in place; a UTF-8 byte-order mark before the first line is
 * skipped. */
#ifndef LEARNKIT_LINES_H
#define LEARNKIT_LINES_H

#include <stddef.h>
#include <zlib.h>
#include <learnkit/error.h>

typedef struct lki_lines {
    const char *source;
    gzFile gz;
    char *buf;
    size_t cap, len, pos;   /* bytes held, and where the next line starts */
    int eof;
    size_t line_no;         /* of the line last returned */
    double bytes;           /* consumed since open */
} lki_lines;

lk_status lki_lines_open(lki_lines *l, const char *path, lk_error *err);
/* 1 with *line and *len, 0 at the end, or minus an lk_status. */
int lki_lines_next(lki_lines *l, char **line, size_t *len, lk_error *err);
lk_status lki_lines_rewind(lki_lines *l, lk_error *err);
void lki_lines_close(lki_lines *l);

#endif
