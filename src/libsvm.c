/* libsvm.c — the sparse text format of the LIBSVM dataset collection:
 *     label index:value index:value ...   [# comment]
 * with 1-based, strictly increasing indices.  Rows become dense rows as wide
 * as the largest index (or min_features).  Index 0, decreasing or repeated
 * indices, malformed pairs and non-finite values are refused with
 * FILE:LINE:FIELD, field 1 being the label. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/io.h>
#include "readers.h"
#include "rmath.h"
#include "textrows.h"

typedef struct entry {
    size_t row, col;
    lk_real v;
} entry;

lk_status lki_libsvm_parse(char *text, size_t len, const char *source, size_t min_features,
                           size_t max_bytes, lki_rows *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    lki_grow g = { 0 };
    entry *e = NULL;
    size_t n_e = 0, cap_e = 0, max_col = 0, line_no = 0;
    char place[48];
    lk_status s = LK_OK;
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p, *stop = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line_no++;
        *stop = '\0';
        if (strlen(line) != (size_t)(stop - line)) {
            lki_place(place, sizeof place, line_no, 0);
            s = lk_error_set(err, LK_EFORMAT, source, place, "a NUL byte in text data");
            goto fail;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        size_t field = 0, prev = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
            field++;
            if (field == 1) {
                /* A label must be a number: a row that starts with a pair
                 * has lost its label, and must not become a class "1:0.5". */
                double lv;
                if (!lki_parse_double(tok, &lv)) {
                    lki_place(place, sizeof place, line_no, field);
                    s = lk_error_set(err, LK_EFORMAT, source, place,
                                     "label \"%s\" is not a number", tok);
                    goto fail;
                }
                if (!lki_grow_label(&g, tok, strlen(tok))) {
                    s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
                    goto fail;
                }
                continue;
            }
            lki_place(place, sizeof place, line_no, field);
            char *colon = strchr(tok, ':'), *iend;
            if (!colon || colon == tok) {
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "\"%s\" is not an INDEX:VALUE pair", tok);
                goto fail;
            }
            *colon = '\0';
            errno = 0;
            unsigned long long idx = strtoull(tok, &iend, 10);
            if (*iend != '\0' || tok[0] == '-' || tok[0] == '+' || errno == ERANGE) {
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "index \"%s\" is not a whole number", tok);
                goto fail;
            }
            if (idx == 0) {
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "index 0 (LIBSVM indices start at 1)");
                goto fail;
            }
            if (idx <= prev) {
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "index %llu after %zu (indices must increase)", idx, prev);
                goto fail;
            }
            double v;
            if (!lki_parse_double(colon + 1, &v)) {
                s = lk_error_set(err, LK_EFORMAT, source, place,
                                 "value \"%s\" is not a finite number", colon + 1);
                goto fail;
            }
            if (idx > ((size_t)1 << 40)) {
                s = lk_error_set(err, LK_ETOOBIG, source, place, "index %llu is too large", idx);
                goto fail;
            }
            prev = (size_t)idx;
            if (n_e == cap_e) {
                size_t c = cap_e ? 2 * cap_e : 4096;
                entry *grown = realloc(e, c * sizeof *grown);
                if (!grown) {
                    s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
                    goto fail;
                }
                e = grown;
                cap_e = c;
            }
            e[n_e++] = (entry){ g.n - 1, (size_t)idx - 1, (lk_real)v };
            if (idx > max_col)
                max_col = (size_t)idx;
        }
    }
    if (g.n == 0) {
        s = lk_error_set(err, LK_EFORMAT, source, NULL, "no data rows");
        goto fail;
    }
    size_t d = max_col > min_features ? max_col : min_features;
    if (d == 0) {
        s = lk_error_set(err, LK_EFORMAT, source, NULL, "no features in any row");
        goto fail;
    }
    size_t limit = max_bytes ? max_bytes : lki_default_max_bytes();
    if (g.n > limit / sizeof(lk_real) / d) {
        s = lk_error_set(err, LK_ETOOBIG, source, NULL,
                         "%zu rows of %zu features need %.1f GiB as dense rows, more than "
                         "the %.1f GiB allowed", g.n, d,
                         (double)g.n * (double)d * sizeof(lk_real) / (1u << 30),
                         (double)limit / (1u << 30));
        goto fail;
    }
    if ((s = lk_mat_alloc(&out->x, g.n, d, err)) != LK_OK)
        goto fail;
    for (size_t k = 0; k < n_e; k++)
        LK_AT(&out->x, e[k].row, e[k].col) = e[k].v;
    out->labels = g.labels;
    out->n = g.n;
    out->d = d;
    g.labels = NULL;
    g.n = 0;
    lki_grow_free(&g);
    free(e);
    return LK_OK;
fail:
    lki_grow_free(&g);
    free(e);
    memset(out, 0, sizeof *out);
    return s;
}

lk_status lki_libsvm_read(const char *path, size_t min_features, size_t max_bytes,
                          lki_rows *out, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    memset(out, 0, sizeof *out);
    lk_status s = lk_read_maybe_gz(path, max_bytes, &buf, &n, err);
    if (s != LK_OK)
        return s;
    s = lki_libsvm_parse((char *)buf, n, path, min_features, max_bytes, out, err);
    free(buf);
    return s;
}
