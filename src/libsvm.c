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

