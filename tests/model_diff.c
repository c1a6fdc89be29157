/* model_diff.c — `model_diff TOL A B`: whether two model files hold the
 * same model to a relative TOL, for the scripts that compare a streamed or
 * data-parallel fit with the one in memory.  The same entries, kinds and
 * shapes; integers and strings equal; each array (and real) within TOL of
 * A's, relative to the largest magnitude in A's array, where the arrays of
 * one layer (PREFIX.w.L and PREFIX.b.L) count as one: a bias that is zero
 * up to rounding (an mDA on centred inputs) is measured against its
 * layer's weights, as the solver made them, one matrix [W b].  Prints the largest
 * relative difference and the entry holding it; exit 0 within TOL, 1
 * beyond it or for a structural difference, 2 for an unreadable file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit.h>

static int find(const lk_model *m, const char *key, lk_entry_info *e)
{
    for (size_t i = 0; i < lk_model_count(m); i++)
        if (lk_model_entry(m, i, e) == LK_OK && strcmp(e->key, key) == 0)
            return (int)i;
    return -1;
}

/* The layer a key belongs to ("enc.w.0" and "enc.b.0": "enc.0"), or the
 * key itself. */
static void group_of(const char *key, char *g, size_t n)
{
    const char *d1 = strchr(key, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (d2 && !strchr(d2 + 1, '.') && strspn(d2 + 1, "0123456789") == strlen(d2 + 1) &&
        d2[1] && (size_t)(d1 - key) + strlen(d2) < n)
        snprintf(g, n, "%.*s%s", (int)(d1 - key), key, d2);
    else
        snprintf(g, n, "%s", key);
}

/* The largest magnitude in the arrays of a's layer that holds key. */
static double group_top(const lk_model *a, const char *key)
{
    char g[256], h[256];
    group_of(key, g, sizeof g);
    double top = 0;
    for (size_t i = 0; i < lk_model_count(a); i++) {
        lk_entry_info e;
        if (lk_model_entry(a, i, &e) != LK_OK || e.type != LK_ENTRY_ARRAY)
            continue;
        group_of(e.key, h, sizeof h);
        for (size_t k = 0; strcmp(g, h) == 0 && k < e.rows * e.cols; k++)
            top = fmax(top, fabs(lk_model_array_value(a, i, k)));
    }
    return top;
}

/* The relative difference of entry i of a and entry j of b, or -1 when
 * they differ in kind, shape or exact value. */
static double entry_diff(const lk_model *a, size_t i, const lk_entry_info *ea, const lk_model *b,
                         size_t j, const lk_entry_info *eb)
{
    if (ea->type != eb->type)
        return -1;
    switch (ea->type) {
    case LK_ENTRY_INT:
        return ea->i == eb->i ? 0 : -1;
    case LK_ENTRY_STR:
        return strcmp(ea->s, eb->s) == 0 ? 0 : -1;
    case LK_ENTRY_STRS:
        if (ea->n_strs != eb->n_strs)
            return -1;
        for (size_t k = 0; k < ea->n_strs; k++)
            if (strcmp(ea->strs[k], eb->strs[k]))
                return -1;
        return 0;
    case LK_ENTRY_REAL:
        return fabs(ea->r - eb->r) / (fabs(ea->r) > 0 ? fabs(ea->r) : 1);
    case LK_ENTRY_ARRAY: {
        if (ea->rows != eb->rows || ea->cols != eb->cols)
            return -1;
        double top = group_top(a, ea->key), diff = 0;
        for (size_t k = 0; k < ea->rows * ea->cols; k++) {
            double x = lk_model_array_value(a, i, k), y = lk_model_array_value(b, j, k);
            diff = fmax(diff, fabs(x - y));
            if (isnan(x) != isnan(y))
                return -1;
        }
        return diff / (top > 0 ? top : 1);
    }
    }
    return -1;
}

int main(int argc, char **argv)
{
    char *end;
    double tol = argc == 4 ? strtod(argv[1], &end) : 0;
    if (argc != 4 || *end || !(tol >= 0)) {
        fprintf(stderr, "usage: model_diff TOL A.lkm B.lkm\n");
        return 2;
    }
    lk_model *a = NULL, *b = NULL;
    lk_error err;
    if (lk_model_load(argv[2], &a, &err) != LK_OK || lk_model_load(argv[3], &b, &err) != LK_OK) {
        char buf[1024];
        fprintf(stderr, "model_diff: %s\n", lk_error_format(&err, buf, sizeof buf));
        lk_model_free(a);
        return 2;
    }
    int rc = 0;
    double worst = 0;
    const char *where = "";
    if (strcmp(lk_model_kind(a), lk_model_kind(b)) || lk_model_count(a) != lk_model_count(b)) {
        printf("model_diff: kinds %s and %s, %zu and %zu entries\n", lk_model_kind(a),
               lk_model_kind(b), lk_model_count(a), lk_model_count(b));
        rc = 1;
    }
    for (size_t i = 0; rc == 0 && i < lk_model_count(a); i++) {
        lk_entry_info ea, eb;
        lk_model_entry(a, i, &ea);
        int j = find(b, ea.key, &eb);
        double d = j < 0 ? -1 : entry_diff(a, i, &ea, b, (size_t)j, &eb);
        if (d < 0) {
            printf("model_diff: %s differs in kind, shape or exact value\n", ea.key);
            rc = 1;
        } else if (d > worst) {
            worst = d;
            where = ea.key;
        }
    }
    if (rc == 0) {
        printf("max relative difference %.3g (%s)\n", worst, *where ? where : "none");
        rc = worst <= tol ? 0 : 1;
    }
    lk_model_free(a);
    lk_model_free(b);
    return rc;
}
