/* model.c — the model container in memory: typed named entries, their
 * setters and their shape-checked getters.  The file format is in
 * model_file.c and documented in include/learnkit/model.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/model.h>
#include "model_impl.h"

const unsigned char LKI_MODEL_MAGIC[8] = { 0x89, 'L', 'K', 'M', 0x0d, 0x0a, 0x1a, 0x0a };

/* ---------------------------------------------------------------- memory */

char *lki_dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void entry_clear(entry *e)
{
    free(e->key);
    free(e->s);
    for (size_t k = 0; k < e->n_strs; k++)
        free(e->strs[k]);
    free(e->strs);
    free(e->data);
    memset(e, 0, sizeof *e);
}

lk_model *lk_model_new(const char *kind)
{
    lk_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->kind = lki_dup_str(kind ? kind : "");
    m->source = lki_dup_str("<model>");
    m->major = LK_MODEL_MAJOR;
    m->minor = LK_MODEL_MINOR;
    if (!m->kind || !m->source) {
        lk_model_free(m);
        return NULL;
    }
    return m;
}

void lk_model_free(lk_model *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n; k++)
        entry_clear(&m->e[k]);
    free(m->e);
    free(m->kind);
    free(m->source);
    free(m);
}

const char *lk_model_kind(const lk_model *m) { return m->kind; }
const char *lk_model_source(const lk_model *m) { return m->source; }

void lk_model_version(const lk_model *m, int *major, int *minor)
{
    *major = m->major;
    *minor = m->minor;
}

static entry *find(const lk_model *m, const char *key)
{
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->e[k].key, key) == 0)
            return &m->e[k];
    return NULL;
}

/* A fresh entry for key: the existing one emptied, or a new one at the end. */
static lk_status slot(lk_model *m, const char *key, entry **out, lk_error *err)
{
    size_t len = key ? strlen(key) : 0;
    if (len == 0 || len > KEY_MAX)
        return lk_error_set(err, LK_EINVAL, m->source, NULL,
                            "model key must have 1 to %d bytes", KEY_MAX);
    entry *e = find(m, key);
    if (e) {
        char *k = e->key;
        e->key = NULL;
        entry_clear(e);
        e->key = k;
        *out = e;
        return LK_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        entry *grown = realloc(m->e, cap * sizeof *grown);
        if (!grown)
            return lk_error_set(err, LK_ENOMEM, m->source, NULL, "out of memory");
        m->e = grown;
        m->cap = cap;
    }
    e = &m->e[m->n];
    memset(e, 0, sizeof *e);
    if (!(e->key = lki_dup_str(key)))
        return lk_error_set(err, LK_ENOMEM, m->source, NULL, "out of memory");
    m->n++;
    *out = e;
    return LK_OK;
}

lk_status lk_model_put_int(lk_model *m, const char *key, int64_t v, lk_error *err)
{
    entry *e;
    lk_status s = slot(m, key, &e, err);
    if (s == LK_OK) {
        e->type = LK_ENTRY_INT;
        e->i = v;
    }
    return s;
}

lk_status lk_model_put_real(lk_model *m, const char *key, double v, lk_error *err)
{
    entry *e;
    lk_status s = slot(m, key, &e, err);
    if (s == LK_OK) {
        e->type = LK_ENTRY_REAL;
        e->r = v;
    }
    return s;
}

lk_status lk_model_put_str(lk_model *m, const char *key, const char *str, lk_error *err)
{
    entry *e;
    lk_status s = slot(m, key, &e, err);
    if (s != LK_OK)
        return s;
    e->type = LK_ENTRY_STR;
    if (!(e->s = lki_dup_str(str)))
        return lk_error_set(err, LK_ENOMEM, m->source, NULL, "out of memory");
    return LK_OK;
}

lk_status lk_model_put_strs(lk_model *m, const char *key, size_t n, const char *const *strs,
                            lk_error *err)
{
    entry *e;
    lk_status s = slot(m, key, &e, err);
    if (s != LK_OK)
        return s;
    e->type = LK_ENTRY_STRS;
    e->strs = calloc(n ? n : 1, sizeof *e->strs);
    if (!e->strs)
        return lk_error_set(err, LK_ENOMEM, m->source, NULL, "out of memory");
    for (size_t k = 0; k < n; k++) {
        if (!(e->strs[k] = lki_dup_str(strs[k])))
            return lk_error_set(err, LK_ENOMEM, m->source, NULL, "out of memory");
        e->n_strs = k + 1;
    }
    return LK_OK;
}

static lk_status put_array(lk_model *m, const char *key, size_t rows, size_t cols,
                           size_t elem_size, entry **out, lk_error *err)
{
    entry *e;
    lk_status s = slot(m, key, &e, err);
    if (s != LK_OK)
        return s;
    e->type = LK_ENTRY_ARRAY;
    e->rows = rows;
    e->cols = cols;
    e->elem_size = elem_size;
    if (cols && rows > SIZE_MAX / cols / elem_size)
        return lk_error_set(err, LK_ENOMEM, m->source, key, "array too large");
    e->data = malloc(rows * cols * elem_size + 1);
    if (!e->data)
        return lk_error_set(err, LK_ENOMEM, m->source, key, "out of memory");
    *out = e;
    return LK_OK;
}

lk_status lk_model_put_mat(lk_model *m, const char *key, const lk_mat *a, lk_error *err)
{
    entry *e;
    lk_status s = put_array(m, key, a->rows, a->cols, sizeof(lk_real), &e, err);
    if (s != LK_OK)
        return s;
    lk_real *d = e->data;
    for (size_t i = 0; i < a->rows; i++)
        memcpy(d + i * a->cols, lk_mat_row(a, i), a->cols * sizeof(lk_real));
    return LK_OK;
}

lk_status lk_model_put_vec(lk_model *m, const char *key, size_t n, const lk_real *v,
                           lk_error *err)
{
    lk_mat view = lk_mat_view((lk_real *)v, 1, n, n);
    return lk_model_put_mat(m, key, &view, err);
}

lk_status lk_model_put_dvec(lk_model *m, const char *key, size_t n, const double *v,
                            lk_error *err)
{
    entry *e;
    lk_status s = put_array(m, key, 1, n, sizeof(double), &e, err);
    if (s == LK_OK && n)
        memcpy(e->data, v, n * sizeof(double));
    return s;
}

/* ---------------------------------------------------------------- getters */

int lk_model_has(const lk_model *m, const char *key) { return find(m, key) != NULL; }

static lk_status get(const lk_model *m, const char *key, lk_entry_type type, entry **out,
                     lk_error *err)
{
    static const char *const TYPE_NAMES[] = { "?", "an integer", "a real", "a string",
                                              "a list of strings", "an array" };
    entry *e = find(m, key);
    if (!e)
        return lk_error_set(err, LK_ENOTFOUND, m->source, key,
                            "missing: a model of kind '%s' needs this entry", m->kind);
    if (e->type != type)
        return lk_error_set(err, LK_EFORMAT, m->source, key, "expected %s, found %s",
                            TYPE_NAMES[type], TYPE_NAMES[e->type]);
    *out = e;
    return LK_OK;
}

lk_status lk_model_get_int(const lk_model *m, const char *key, int64_t *out, lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_INT, &e, err);
    if (s == LK_OK)
        *out = e->i;
    return s;
}

lk_status lk_model_get_size(const lk_model *m, const char *key, int64_t lo, int64_t hi,
                            size_t *out, lk_error *err)
{
    int64_t v;
    lk_status s = lk_model_get_int(m, key, &v, err);
    if (s != LK_OK)
        return s;
    if (v < lo || v > hi)
        return lk_error_set(err, LK_EFORMAT, m->source, key, "expected %lld to %lld, found %lld",
                            (long long)lo, (long long)hi, (long long)v);
    *out = (size_t)v;
    return LK_OK;
}

lk_status lk_model_get_real(const lk_model *m, const char *key, double *out, lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_REAL, &e, err);
    if (s == LK_OK)
        *out = e->r;
    return s;
}

lk_status lk_model_get_str(const lk_model *m, const char *key, const char **out,
                           lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_STR, &e, err);
    if (s == LK_OK)
        *out = e->s;
    return s;
}

lk_status lk_model_get_strs(const lk_model *m, const char *key, size_t *n,
                            const char *const **out, lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_STRS, &e, err);
    if (s == LK_OK) {
        *n = e->n_strs;
        *out = (const char *const *)e->strs;
    }
    return s;
}

lk_status lk_model_get_shape(const lk_model *m, const char *key, size_t *rows, size_t *cols,
                             lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_ARRAY, &e, err);
    if (s == LK_OK) {
        *rows = e->rows;
        *cols = e->cols;
    }
    return s;
}

static double elem(const entry *e, size_t k)
{
    if (e->elem_size == sizeof(float))
        return ((const float *)e->data)[k];
    return ((const double *)e->data)[k];
}

lk_status lk_model_get_mat(const lk_model *m, const char *key, size_t rows, size_t cols,
                           lk_mat *dst, lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_ARRAY, &e, err);
    if (s != LK_OK)
        return s;
    if (e->rows != rows || e->cols != cols || dst->rows != rows || dst->cols != cols)
        return lk_error_set(err, LK_EFORMAT, m->source, key, "expected %zu x %zu, found %zu x %zu",
                            rows, cols, e->rows, e->cols);
    for (size_t i = 0; i < rows; i++) {
        lk_real *r = lk_mat_row(dst, i);
        if (e->elem_size == sizeof(lk_real))
            memcpy(r, (const char *)e->data + i * cols * sizeof(lk_real),
                   cols * sizeof(lk_real));
        else
            for (size_t j = 0; j < cols; j++)
                r[j] = (lk_real)elem(e, i * cols + j);
    }
    return LK_OK;
}

lk_status lk_model_get_dvec(const lk_model *m, const char *key, size_t n, double *dst,
                            lk_error *err)
{
    entry *e;
    lk_status s = get(m, key, LK_ENTRY_ARRAY, &e, err);
    if (s != LK_OK)
        return s;
    if (e->rows * e->cols != n)
        return lk_error_set(err, LK_EFORMAT, m->source, key, "expected %zu values, found %zu", n,
                            e->rows * e->cols);
    for (size_t k = 0; k < n; k++)
        dst[k] = elem(e, k);
    return LK_OK;
}

size_t lk_model_count(const lk_model *m) { return m->n; }

lk_status lk_model_entry(const lk_model *m, size_t i, lk_entry_info *info)
{
    if (i >= m->n)
        return LK_EINVAL;
    const entry *e = &m->e[i];
    *info = (lk_entry_info){ .key = e->key, .type = e->type, .i = e->i, .r = e->r,
                             .s = e->s, .n_strs = e->n_strs,
                             .strs = (const char *const *)e->strs, .rows = e->rows,
                             .cols = e->cols, .elem_size = e->elem_size };
    return LK_OK;
}

double lk_model_array_value(const lk_model *m, size_t i, size_t k)
{
    if (i >= m->n || m->e[i].type != LK_ENTRY_ARRAY || k >= m->e[i].rows * m->e[i].cols)
        return 0;
    return elem(&m->e[i], k);
}

