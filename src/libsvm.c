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

void lki_svm_free(lki_svm *s)
{
    free(s->col);
    free(s->val);
    s->col = NULL;
    s->val = NULL;
    s->m = s->cap = 0;
}

int lki_svm_line(lki_svm *sv, char *line, size_t len, size_t line_no, lk_error *err)
{
    const char *source = sv->source;
    char place[48];
    sv->m = 0;
    sv->label_text = NULL;
    if (strlen(line) != len) {
        lki_place(place, sizeof place, line_no, 0);
        return -(int)lk_error_set(err, LK_EFORMAT, source, place, "a NUL byte in text data");
    }
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    size_t field = 0, prev = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
        field++;
        lki_place(place, sizeof place, line_no, field);
        if (field == 1) {
            /* A label must be a number: a row that starts with a pair
             * has lost its label, and must not become a class "1:0.5". */
            double lv;
            if (!lki_parse_double(tok, &lv))
                return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                          "label \"%s\" is not a number", tok);
            sv->label_text = tok;
            continue;
        }
        char *colon = strchr(tok, ':'), *iend;
        if (!colon || colon == tok)
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "\"%s\" is not an INDEX:VALUE pair", tok);
        *colon = '\0';
        errno = 0;
        unsigned long long idx = strtoull(tok, &iend, 10);
        if (*iend != '\0' || tok[0] == '-' || tok[0] == '+' || errno == ERANGE)
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "index \"%s\" is not a whole number", tok);
        if (idx == 0)
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "index 0 (LIBSVM indices start at 1)");
        if (idx <= prev)
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "index %llu after %zu (indices must increase)", idx, prev);
        double v;
        if (!lki_parse_double(colon + 1, &v))
            return -(int)lk_error_set(err, LK_EFORMAT, source, place,
                                      "value \"%s\" is not a finite number", colon + 1);
        if (idx > ((size_t)1 << 40))
            return -(int)lk_error_set(err, LK_ETOOBIG, source, place, "index %llu is too large",
                                      idx);
        prev = (size_t)idx;
        if (sv->m == sv->cap) {
            size_t c = sv->cap ? 2 * sv->cap : 1024;
            size_t *col = realloc(sv->col, c * sizeof *col);
            if (col)
                sv->col = col;
            lk_real *val = col ? realloc(sv->val, c * sizeof *val) : NULL;
            if (!val)
                return -(int)lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
            sv->val = val;
            sv->cap = c;
        }
        sv->col[sv->m] = (size_t)idx - 1;
        sv->val[sv->m++] = (lk_real)v;
    }
    return field > 0;
}

typedef struct entry {
    size_t row, col;
    lk_real v;
} entry;

lk_status lki_libsvm_parse(char *text, size_t len, const char *source, size_t min_features,
                           size_t max_bytes, lki_rows *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    lki_grow g = { 0 };
    lki_svm sv = { .source = source };
    entry *e = NULL;
    size_t n_e = 0, cap_e = 0, max_col = 0, line_no = 0;
    lk_status s = LK_OK;
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p, *stop = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line_no++;
        *stop = '\0';
        int got = lki_svm_line(&sv, line, (size_t)(stop - line), line_no, err);
        if (got < 0) {
            s = (lk_status)-got;
            goto fail;
        }
        if (got == 0)
            continue;
        if (!lki_grow_label(&g, sv.label_text, strlen(sv.label_text))) {
            s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
            goto fail;
        }
        if (n_e + sv.m > cap_e) {
            size_t c = cap_e ? 2 * cap_e : 4096;
            while (c < n_e + sv.m)
                c *= 2;
            entry *grown = realloc(e, c * sizeof *grown);
            if (!grown) {
                s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
                goto fail;
            }
            e = grown;
            cap_e = c;
        }
        for (size_t j = 0; j < sv.m; j++) {
            e[n_e++] = (entry){ g.n - 1, sv.col[j], sv.val[j] };
            if (sv.col[j] + 1 > max_col)
                max_col = sv.col[j] + 1;
        }
    }
    lki_svm_free(&sv);
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
    lki_svm_free(&sv);
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
