/* labels.c — the map from original labels (any integers or strings) to
 * classes 0..K-1, and its place in model files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "labels.h"
#include "model_check.h"
#include "rmath.h"

/* A label is an integer when the whole text parses as one (strtoll, no
 * trailing text): then labels sort numerically (-1 < 2 < 10). */
static int as_integer(const char *s, long long *v)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *end == '\0' && errno == 0;
}

typedef struct keyed {
    const char *text;
    long long num;
} keyed;

static int by_number(const void *a, const void *b)
{
    long long x = ((const keyed *)a)->num, y = ((const keyed *)b)->num;
    return (x > y) - (x < y);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->text, ((const keyed *)b)->text);
}

void lk_labels_free(lk_labels *l)
{
    if (!l)
        return;
    for (size_t c = 0; c < l->k; c++)
        free(l->names[c]);
    free(l->names);
    l->names = NULL;
    l->k = 0;
}

/* Canonical text of an integer label ("+1" and "01" are the class "1"). */
static char *canonical(const char *s, int numeric)
{
    long long v;
    if (numeric && as_integer(s, &v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", v);
        return strdup(buf);
    }
    return strdup(s);
}

lk_status lki_labels_build(char **const *sets, const size_t *counts, size_t n_sets,
                           lk_labels *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (size_t s = 0; s < n_sets; s++)
        total += counts[s];
    keyed *all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return lk_error_set(err, LK_ENOMEM, "labels", NULL, "out of memory");
    int numeric = 1;
    size_t k = 0;
    for (size_t s = 0; s < n_sets; s++)
        for (size_t i = 0; i < counts[s]; i++) {
            all[k].text = sets[s][i];
            if (!as_integer(all[k].text, &all[k].num))
                numeric = 0;
            k++;
        }
    qsort(all, total, sizeof *all, numeric ? by_number : by_text);
    out->names = malloc((total ? total : 1) * sizeof *out->names);
    if (!out->names) {
        free(all);
        return lk_error_set(err, LK_ENOMEM, "labels", NULL, "out of memory");
    }
    for (size_t i = 0; i < total; i++) {
        int same = i > 0 && (numeric ? all[i].num == all[i - 1].num
                                     : strcmp(all[i].text, all[i - 1].text) == 0);
        if (same)
            continue;
        if (!(out->names[out->k] = canonical(all[i].text, numeric))) {
            free(all);
            lk_labels_free(out);
            return lk_error_set(err, LK_ENOMEM, "labels", NULL, "out of memory");
        }
        out->k++;
    }
    free(all);
    return LK_OK;
}

int lki_labels_numeric(const lk_labels *l)
{
    long long v;
    for (size_t c = 0; c < l->k; c++)
        if (!as_integer(l->names[c], &v))
            return 0;
    return 1;
}

int lki_labels_find(const lk_labels *l, int numeric, const char *text, uint32_t *c)
{
    /* Binary search over the sorted class names, numerically when every
     * name is an integer (the order lki_labels_build produced). */
    long long key = 0;
    int key_numeric = numeric && as_integer(text, &key);
    size_t lo = 0, hi = l->k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp;
        if (key_numeric) {
            long long m = 0;
            as_integer(l->names[mid], &m);
            cmp = (key > m) - (key < m);
        } else {
            cmp = strcmp(text, l->names[mid]);
        }
        if (cmp == 0) {
            *c = (uint32_t)mid;
            return 1;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

lk_status lk_labels_from_texts(char **const *sets, const size_t *counts, size_t n_sets,
                               lk_labels *out, lk_error *err)
{
    return lki_labels_build(sets, counts, n_sets, out, err);
}

int lk_labels_lookup(const lk_labels *l, const char *text, uint32_t *c)
{
    return lki_labels_find(l, lki_labels_numeric(l), text, c);
}

lk_status lki_labels_map(const lk_labels *l, char *const *texts, size_t n, uint32_t *y,
                         const char *source, lk_error *err)
{
    int numeric = lki_labels_numeric(l);
    for (size_t i = 0; i < n; i++) {
        if (!lki_labels_find(l, numeric, texts[i], &y[i])) {
            char place[32];
            snprintf(place, sizeof place, "row %zu", i + 1);
            return lk_error_set(err, LK_EFORMAT, source, place,
                                "label '%s' is not one of the model's %zu classes", texts[i], l->k);
        }
    }
    return LK_OK;
}

lk_status lk_labels_save(const lk_labels *l, lk_model *m, lk_error *err)
{
    return lk_model_put_strs(m, "labels", l->k, (const char *const *)l->names, err);
}

lk_status lk_labels_load(const lk_model *m, lk_labels *l, lk_error *err)
{
    memset(l, 0, sizeof *l);
    size_t n;
    const char *const *names;
    lk_status s = lk_model_get_strs(m, "labels", &n, &names, err);
    if (s != LK_OK)
        return s;
    if (n == 0)
        return lki_model_bad(m, "labels", err, "the model has no classes");
    /* A learner's model says how many classes it scores: the same number. */
    int64_t k;
    if (lk_model_get_int(m, "arch.classes", &k, NULL) == LK_OK && k != (int64_t)n)
        return lki_model_bad(m, "labels", err, "%zu class names, but arch.classes is %lld", n,
                             (long long)k);
    /* Classes are looked up by binary search: the names must be distinct and
     * in the order lki_labels_build gives them. */
    int numeric = 1;
    long long a, b;
    for (size_t c = 0; c < n && numeric; c++)
        numeric = as_integer(names[c], &a);
    for (size_t c = 1; c < n; c++) {
        int ordered = numeric ? (as_integer(names[c - 1], &a), as_integer(names[c], &b), a < b)
                              : strcmp(names[c - 1], names[c]) < 0;
        if (!ordered)
            return lki_model_bad(m, "labels", err,
                                 "class names '%s' and '%s' are repeated or out of order",
                                 names[c - 1], names[c]);
    }
    l->names = calloc(n, sizeof *l->names);
    if (!l->names)
        return lk_error_set(err, LK_ENOMEM, lk_model_source(m), "labels", "out of memory");
    for (size_t c = 0; c < n; c++) {
        if (!(l->names[c] = strdup(names[c]))) {
            l->k = c;
            lk_labels_free(l);
            return lk_error_set(err, LK_ENOMEM, lk_model_source(m), "labels", "out of memory");
        }
    }
    l->k = n;
    return LK_OK;
}
