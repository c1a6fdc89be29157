/* csv.c — comma-separated values: a label column and numeric features.
 *
 * Accepted: a UTF-8 byte-order mark, CRLF or LF line ends, blank lines,
 * double-quoted fields with "" for a quote, a header line (detected when a
 * feature field of the first line is not a number, or forced).  Refused, with
 * FILE:LINE:FIELD: ragged rows, fields that are not whole finite numbers
 * (NaN and infinities included), a label column beyond the row. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/io.h>
#include "readers.h"
#include "rmath.h"
#include "textrows.h"

/* Split one line (NUL-terminated, no line end) into fields in place.
 * Returns the number of fields, or -1 with *bad_field set for an unclosed
 * quote.  fields[k] point into the line. */
static long split_fields(char *line, char ***fields, size_t *cap, size_t *bad_field)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n == *cap) {
            size_t c = *cap ? 2 * *cap : 64;
            char **f = realloc(*fields, c * sizeof *f);
            if (!f)
                return -2;
            *fields = f;
            *cap = c;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') {
            char *w = ++p, *start = p;
            for (;;) {
                if (*p == '\0') {
                    *bad_field = n + 1;
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ',' && *p != '\0') {
                *bad_field = n + 1;
                return -1;
            }
            char sep = *p;
            *w = '\0';
            (*fields)[n++] = start;
            if (sep == '\0')
                return (long)n;
            p++;
            continue;
        }
        char *start = p;
        while (*p && *p != ',')
            p++;
        char sep = *p;
        char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        *end = '\0';
        (*fields)[n++] = start;
        if (sep == '\0')
            return (long)n;
        p++;
    }
}

void lki_csv_init(lki_csv *c, const char *source, const lk_data_options *o)
{
    memset(c, 0, sizeof *c);
    c->source = source;
    c->o = o;
    c->header_pending = o->header != LK_HEADER_NO;
}

void lki_csv_free(lki_csv *c)
{
    free(c->fields);
    free(c->row);
    c->fields = NULL;
    c->row = NULL;
}

int lki_csv_line(lki_csv *c, char *line, size_t len, size_t line_no, lk_error *err)
{
    const lk_data_options *o = c->o;
    const char *source = c->source;
    char place[48];
    if (strlen(line) != len) {
        lki_place(place, sizeof place, line_no, 0);
        return -(int)lk_error_set(err, LK_EFORMAT, source, place, "a NUL byte in text data");
    }
    const char *q = line;
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q == '\0')
        return 0;
    size_t bad_field = 0;
    long nf = split_fields(line, &c->fields, &c->cap, &bad_field);
    if (nf == -2)
        return -(int)lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    if (nf < 0) {
        lki_place(place, sizeof place, line_no, bad_field);
        return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                  "a quoted field must end with a quote before the next comma");
    }
    if (c->ncols == 0) {
        c->ncols = (size_t)nf;
        if (c->ncols < 2) {
            lki_place(place, sizeof place, line_no, 0);
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "expected a label and at least one feature, found %zu "
                                      "field", c->ncols);
        }
        long lc = o->label_col;
        if (lc == LK_LABEL_COL_FIRST)
            c->label = 0;
        else if (lc == LK_LABEL_COL_LAST)
            c->label = c->ncols - 1;
        else if (lc >= 1 && (size_t)lc <= c->ncols)
            c->label = (size_t)lc - 1;
        else {
            lki_place(place, sizeof place, line_no, 0);
            return -(int)lk_error_set(err, LK_EINVAL, source, place,
                                      "label column %ld, but the rows have %zu fields", lc,
                                      c->ncols);
        }
        if (!(c->row = malloc((c->ncols - 1) * sizeof *c->row)))
            return -(int)lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    } else if ((size_t)nf != c->ncols) {
        lki_place(place, sizeof place, line_no, 0);
        return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                  "expected %zu fields like the first row, found %ld", c->ncols,
                                  nf);
    }
    char **fields = c->fields;
    if (c->header_pending) {
        c->header_pending = 0;
        int is_header = o->header == LK_HEADER_YES;
        if (o->header == LK_HEADER_AUTO)
            for (size_t k = 0; k < c->ncols && !is_header; k++) {
                double v;
                if (k != c->label && !lki_parse_double(fields[k], &v))
                    is_header = 1;
            }
        if (is_header)
            return 0;
    }
    c->label_text = fields[c->label];
    if (c->skip)
        return 1;
    size_t j = 0;
    for (size_t k = 0; k < c->ncols; k++) {
        if (k == c->label)
            continue;
        double v;
        if (!lki_parse_double(fields[k], &v)) {
            lki_place(place, sizeof place, line_no, k + 1);
            char *e2;
            strtod(fields[k], &e2);
            int nonfinite = *fields[k] && e2 != fields[k] && *e2 == '\0';
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      nonfinite ? "\"%s\" is not a finite number"
                                                : "\"%s\" is not a number", fields[k]);
        }
        c->row[j++] = (lk_real)v;
    }
    return 1;
}

