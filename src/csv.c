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

lk_status lki_csv_parse(char *text, size_t len, const char *source, const lk_data_options *o,
                        lki_rows *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    lki_grow g = { 0 };
    char **fields = NULL;
    size_t cap = 0, ncols = 0, line_no = 0, label = 0;
    int header_pending = o->header != LK_HEADER_NO;
    size_t limit = o->max_bytes ? o->max_bytes : lki_default_max_bytes();
    char place[48];
    lk_status s = LK_OK;
    char *p = text, *end = text + len;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p, *stop = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line_no++;
        if (stop > line && stop[-1] == '\r')
            stop--;
        *stop = '\0';
        if (strlen(line) != (size_t)(stop - line)) {
            lki_place(place, sizeof place, line_no, 0);
            s = lk_error_set(err, LK_EFORMAT, source, place, "a NUL byte in text data");
            goto fail;
        }
        const char *q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0')
            continue;
        size_t bad_field = 0;
        long nf = split_fields(line, &fields, &cap, &bad_field);
        if (nf == -2) {
            s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
            goto fail;
        }
        if (nf < 0) {
            lki_place(place, sizeof place, line_no, bad_field);
            s = lk_error_set(err, LK_EFORMAT, source, place,
                             "a quoted field must end with a quote before the next comma");
            goto fail;
        }
        if (ncols == 0) {
            ncols = (size_t)nf;
            if (ncols < 2) {
                lki_place(place, sizeof place, line_no, 0);
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "expected a label and at least one feature, found %zu field",
                                 ncols);
                goto fail;
            }
            long lc = o->label_col;
            if (lc == LK_LABEL_COL_FIRST)
                label = 0;
            else if (lc == LK_LABEL_COL_LAST)
                label = ncols - 1;
            else if (lc >= 1 && (size_t)lc <= ncols)
                label = (size_t)lc - 1;
            else {
                lki_place(place, sizeof place, line_no, 0);
                s = lk_error_set(err, LK_EINVAL, source, place,
                                 "label column %ld, but the rows have %zu fields", lc, ncols);
                goto fail;
            }
        } else if ((size_t)nf != ncols) {
            lki_place(place, sizeof place, line_no, 0);
            s = lk_error_set(err, LK_EFORMAT, source, place,
                             "expected %zu fields like the first row, found %ld", ncols, nf);
            goto fail;
        }
        if (header_pending) {
            header_pending = 0;
            int is_header = o->header == LK_HEADER_YES;
            if (o->header == LK_HEADER_AUTO)
                for (size_t k = 0; k < ncols && !is_header; k++) {
                    double v;
                    if (k != label && !lki_parse_double(fields[k], &v))
                        is_header = 1;
                }
            if (is_header)
                continue;
        }
        if ((g.n + 1) * (ncols - 1) > limit / sizeof(lk_real)) {
            s = lk_error_set(err, LK_ETOOBIG, source, NULL,
                             "more than %zu bytes of features", limit);
            goto fail;
        }
        if (!lki_grow_label(&g, fields[label], strlen(fields[label]))) {
            s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < ncols; k++) {
            if (k == label)
                continue;
            double v;
            if (!lki_parse_double(fields[k], &v)) {
                lki_place(place, sizeof place, line_no, k + 1);
                char *e2;
                strtod(fields[k], &e2);
                int nonfinite = *fields[k] && e2 != fields[k] && *e2 == '\0';
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 nonfinite ? "\"%s\" is not a finite number"
                                           : "\"%s\" is not a number", fields[k]);
                goto fail;
            }
            if (!lki_grow_value(&g, (lk_real)v)) {
                s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
                goto fail;
            }
        }
    }
    free(fields);
    fields = NULL;
    if (g.n == 0) {
        s = lk_error_set(err, LK_EFORMAT, source, NULL, "no data rows");
        goto fail;
    }
    out->x = lk_mat_view(g.vals, g.n, ncols - 1, ncols - 1);
    /* Hand the value buffer over as an owning matrix (aligned copy). */
    lk_mat owned;
    if ((s = lk_mat_alloc(&owned, g.n, ncols - 1, err)) != LK_OK)
        goto fail;
    lk_mat_copy(&owned, &out->x, NULL);
    out->x = owned;
    out->labels = g.labels;
    out->n = g.n;
    out->d = ncols - 1;
    g.labels = NULL;
    g.n = 0;
    lki_grow_free(&g);
    return LK_OK;
fail:
    free(fields);
    lki_grow_free(&g);
    memset(out, 0, sizeof *out);
    return s;
}

lk_status lki_csv_read(const char *path, const lk_data_options *o, lki_rows *out, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    memset(out, 0, sizeof *out);
    lk_status s = lk_read_maybe_gz(path, o->max_bytes, &buf, &n, err);
    if (s != LK_OK)
        return s;
    s = lki_csv_parse((char *)buf, n, path, o, out, err);
    free(buf);
    return s;
}
