/* model.c — the versioned, checksummed, little-endian model container.
 * The format is documented in include/learnkit/model.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <learnkit/model.h>
#include <learnkit/io.h>

static const unsigned char MAGIC[8] = { 0x89, 'L', 'K', 'M', 0x0d, 0x0a, 0x1a, 0x0a };
#define KEY_MAX 255
#define HEADER_BYTES 16
#define ENTRY_HEAD 11       /* type + key length + payload length */
#define ARRAY_HEAD 17       /* element size + rows + cols */
/* Models are read whole; 16 GiB is far beyond any learner here. */
#define MODEL_MAX_BYTES ((size_t)1 << 34)

typedef struct entry {
    char *key;
    lk_entry_type type;
    int64_t i;
    double r;
    char *s;
    size_t n_strs;
    char **strs;
    size_t rows, cols, elem_size;
    void *data;
} entry;

struct lk_model {
    char *kind;
    char *source;       /* file it came from, for messages */
    int major, minor;
    size_t n, cap;
    entry *e;
};

/* ---------------------------------------------------------------- memory */

static char *dup_str(const char *s)
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
    m->kind = dup_str(kind ? kind : "");
    m->source = dup_str("<model>");
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
    if (!(e->key = dup_str(key)))
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
    if (!(e->s = dup_str(str)))
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
        if (!(e->strs[k] = dup_str(strs[k])))
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
        return lk_error_set(err, LK_ENOTFOUND, m->source, NULL,
                            "%s model has no entry '%s'", m->kind, key);
    if (e->type != type)
        return lk_error_set(err, LK_EFORMAT, m->source, NULL,
                            "entry '%s' is %s, expected %s", key, TYPE_NAMES[e->type],
                            TYPE_NAMES[type]);
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
        return lk_error_set(err, LK_EFORMAT, m->source, NULL,
                            "entry '%s' is %lld, expected %lld to %lld", key, (long long)v,
                            (long long)lo, (long long)hi);
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
        return lk_error_set(err, LK_EFORMAT, m->source, NULL,
                            "array '%s' is %zu x %zu, expected %zu x %zu", key, e->rows,
                            e->cols, rows, cols);
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
        return lk_error_set(err, LK_EFORMAT, m->source, NULL,
                            "array '%s' has %zu values, expected %zu", key, e->rows * e->cols,
                            n);
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

/* ---------------------------------------------------------------- writing */

typedef struct writer {
    unsigned char *p;
    size_t n;
} writer;

static void put_bytes(writer *w, const void *src, size_t n)
{
    if (w->p)
        memcpy(w->p + w->n, src, n);
    w->n += n;
}

static void put_le(writer *w, uint64_t v, int bytes)
{
    for (int k = 0; k < bytes; k++) {
        if (w->p)
            w->p[w->n] = (unsigned char)(v >> (8 * k));
        w->n++;
    }
}

static uint64_t bits_of_double(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t bits_of_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static size_t payload_size(const entry *e)
{
    switch (e->type) {
    case LK_ENTRY_INT:
    case LK_ENTRY_REAL:
        return 8;
    case LK_ENTRY_STR:
        return strlen(e->s);
    case LK_ENTRY_STRS: {
        size_t n = 4;
        for (size_t k = 0; k < e->n_strs; k++)
            n += 4 + strlen(e->strs[k]);
        return n;
    }
    case LK_ENTRY_ARRAY:
        return ARRAY_HEAD + e->rows * e->cols * e->elem_size;
    }
    return 0;
}

/* Two passes: with w->p NULL it only counts, then it writes. */
static void emit(const lk_model *m, writer *w)
{
    put_bytes(w, MAGIC, sizeof MAGIC);
    put_le(w, LK_MODEL_MAJOR, 2);
    put_le(w, LK_MODEL_MINOR, 2);
    put_le(w, m->n, 4);
    put_le(w, strlen(m->kind), 2);
    put_bytes(w, m->kind, strlen(m->kind));
    for (size_t k = 0; k < m->n; k++) {
        const entry *e = &m->e[k];
        put_le(w, (uint64_t)e->type, 1);
        put_le(w, strlen(e->key), 2);
        put_bytes(w, e->key, strlen(e->key));
        put_le(w, payload_size(e), 8);
        switch (e->type) {
        case LK_ENTRY_INT: put_le(w, (uint64_t)e->i, 8); break;
        case LK_ENTRY_REAL: put_le(w, bits_of_double(e->r), 8); break;
        case LK_ENTRY_STR: put_bytes(w, e->s, strlen(e->s)); break;
        case LK_ENTRY_STRS:
            put_le(w, e->n_strs, 4);
            for (size_t s = 0; s < e->n_strs; s++) {
                put_le(w, strlen(e->strs[s]), 4);
                put_bytes(w, e->strs[s], strlen(e->strs[s]));
            }
            break;
        case LK_ENTRY_ARRAY: {
            put_le(w, e->elem_size, 1);
            put_le(w, e->rows, 8);
            put_le(w, e->cols, 8);
            size_t count = e->rows * e->cols;
            if (!w->p) {
                w->n += count * e->elem_size;
                break;
            }
            for (size_t i = 0; i < count; i++) {
                if (e->elem_size == sizeof(float))
                    put_le(w, bits_of_float(((const float *)e->data)[i]), 4);
                else
                    put_le(w, bits_of_double(((const double *)e->data)[i]), 8);
            }
            break;
        }
        }
    }
}

lk_status lk_model_serialize(const lk_model *m, unsigned char **buf, size_t *n, lk_error *err)
{
    writer w = { NULL, 0 };
    emit(m, &w);
    size_t total = w.n + 4;
    unsigned char *p = malloc(total);
    if (!p)
        return lk_error_set(err, LK_ENOMEM, m->source, NULL, "cannot hold %zu bytes", total);
    w = (writer){ p, 0 };
    emit(m, &w);
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t done = 0; done < w.n;) {
        uInt chunk = w.n - done > (1u << 30) ? (1u << 30) : (uInt)(w.n - done);
        crc = crc32(crc, p + done, chunk);
        done += chunk;
    }
    put_le(&w, (uint32_t)crc, 4);
    *buf = p;
    *n = total;
    return LK_OK;
}

lk_status lk_model_save(const lk_model *m, const char *path, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    lk_status s = lk_model_serialize(m, &buf, &n, err);
    if (s != LK_OK)
        return s;
    s = lk_write_atomic(path, buf, n, err);
    free(buf);
    return s;
}

/* ---------------------------------------------------------------- reading */

typedef struct reader {
    const unsigned char *p;
    size_t n, at;
    const char *source;
    lk_error *err;
} reader;

static lk_status bad(reader *r, size_t at, const char *what)
{
    char place[40];
    snprintf(place, sizeof place, "byte %zu", at);
    return lk_error_set(r->err, LK_EFORMAT, r->source, place, "%s", what);
}

static int need(const reader *r, size_t k) { return r->n - r->at >= k; }

static uint64_t get_le(reader *r, int bytes)
{
    uint64_t v = 0;
    for (int k = 0; k < bytes; k++)
        v |= (uint64_t)r->p[r->at + k] << (8 * k);
    r->at += (size_t)bytes;
    return v;
}

static char *get_text(reader *r, size_t len)
{
    if (memchr(r->p + r->at, '\0', len))
        return NULL;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, r->p + r->at, len);
    s[len] = '\0';
    r->at += len;
    return s;
}

static lk_status read_payload(reader *r, entry *e, size_t len)
{
    size_t start = r->at;
    switch (e->type) {
    case LK_ENTRY_INT:
    case LK_ENTRY_REAL:
        if (len != 8)
            return bad(r, start, "a number entry must have 8 bytes");
        if (e->type == LK_ENTRY_INT) {
            e->i = (int64_t)get_le(r, 8);
        } else {
            uint64_t u = get_le(r, 8);
            memcpy(&e->r, &u, sizeof u);
        }
        return LK_OK;
    case LK_ENTRY_STR:
        if (!(e->s = get_text(r, len)))
            return bad(r, start, "a string contains a NUL byte");
        return LK_OK;
    case LK_ENTRY_STRS: {
        if (len < 4)
            return bad(r, start, "a string list needs its count");
        size_t end = start + len;
        size_t count = (size_t)get_le(r, 4);
        if (count > (len - 4) / 4)
            return bad(r, start, "string count exceeds the entry's bytes");
        e->strs = calloc(count ? count : 1, sizeof *e->strs);
        if (!e->strs)
            return lk_error_set(r->err, LK_ENOMEM, r->source, NULL, "out of memory");
        for (size_t k = 0; k < count; k++) {
            if (end - r->at < 4)
                return bad(r, r->at, "string list ends early");
            size_t sl = (size_t)get_le(r, 4);
            if (sl > end - r->at)
                return bad(r, r->at - 4, "string length exceeds the entry's bytes");
            if (!(e->strs[k] = get_text(r, sl)))
                return bad(r, r->at, "a string contains a NUL byte");
            e->n_strs = k + 1;
        }
        if (r->at != end)
            return bad(r, r->at, "string list has trailing bytes");
        return LK_OK;
    }
    case LK_ENTRY_ARRAY: {
        if (len < ARRAY_HEAD)
            return bad(r, start, "an array needs its element size and shape");
        size_t es = (size_t)get_le(r, 1);
        uint64_t rows = get_le(r, 8), cols = get_le(r, 8);
        if (es != 4 && es != 8)
            return bad(r, start, "array element size must be 4 or 8");
        /* Bound each factor before multiplying, so no product can wrap. */
        uint64_t avail = (len - ARRAY_HEAD) / es;
        if (rows && cols && (cols > avail || rows > avail / cols))
            return bad(r, start + 1, "array shape exceeds the entry's bytes");
        if (rows > SIZE_MAX / 2 || cols > SIZE_MAX / 2 || rows * cols * es != len - ARRAY_HEAD)
            return bad(r, start + 1, "array shape does not match the entry's bytes");
        e->rows = (size_t)rows;
        e->cols = (size_t)cols;
        e->elem_size = es;
        size_t count = e->rows * e->cols;
        e->data = malloc(count * es + 1);
        if (!e->data)
            return lk_error_set(r->err, LK_ENOMEM, r->source, NULL, "out of memory");
        for (size_t k = 0; k < count; k++) {
            if (es == 4) {
                uint32_t u = (uint32_t)get_le(r, 4);
                memcpy((float *)e->data + k, &u, 4);
            } else {
                uint64_t u = get_le(r, 8);
                memcpy((double *)e->data + k, &u, 8);
            }
        }
        return LK_OK;
    }
    }
    return bad(r, start, "unknown entry type");
}

static lk_status parse(reader *r, lk_model *m)
{
    if (r->n < HEADER_BYTES + 2 + 4)
        return bad(r, 0, "file too short to be a learnkit model");
    if (memcmp(r->p, MAGIC, sizeof MAGIC) != 0)
        return bad(r, 0, "not a learnkit model (bad magic; damaged by a text-mode transfer?)");
    uint32_t stored = (uint32_t)(r->p[r->n - 4] | r->p[r->n - 3] << 8 |
                                 r->p[r->n - 2] << 16 | (uint32_t)r->p[r->n - 1] << 24);
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t done = 0; done < r->n - 4;) {
        uInt chunk = r->n - 4 - done > (1u << 30) ? (1u << 30) : (uInt)(r->n - 4 - done);
        crc = crc32(crc, r->p + done, chunk);
        done += chunk;
    }
    if ((uint32_t)crc != stored)
        return bad(r, r->n - 4, "checksum mismatch: the file is damaged");
    r->n -= 4;      /* entries end where the checksum starts */
    r->at = sizeof MAGIC;
    m->major = (int)get_le(r, 2);
    m->minor = (int)get_le(r, 2);
    if (m->major != LK_MODEL_MAJOR)
        return lk_error_set(r->err, LK_EUNSUPPORTED, r->source, NULL,
                            "model format %d.%d; this learnkit reads %d.x", m->major,
                            m->minor, LK_MODEL_MAJOR);
    size_t count = (size_t)get_le(r, 4);
    size_t kind_len = (size_t)get_le(r, 2);
    if (!need(r, kind_len))
        return bad(r, r->at - 2, "kind longer than the file");
    free(m->kind);
    if (!(m->kind = get_text(r, kind_len)))
        return bad(r, r->at, "kind contains a NUL byte");
    if (count > (r->n - r->at) / ENTRY_HEAD)
        return bad(r, 12, "entry count exceeds the file's bytes");
    m->e = calloc(count ? count : 1, sizeof *m->e);
    if (!m->e)
        return lk_error_set(r->err, LK_ENOMEM, r->source, NULL, "out of memory");
    m->cap = count ? count : 1;
    for (size_t k = 0; k < count; k++) {
        size_t at = r->at;
        if (!need(r, 3))
            return bad(r, at, "entry header ends early");
        unsigned type = (unsigned)get_le(r, 1);
        size_t key_len = (size_t)get_le(r, 2);
        if (key_len == 0 || key_len > KEY_MAX || !need(r, key_len + 8))
            return bad(r, at + 1, "bad key length");
        entry *e = &m->e[m->n];
        if (!(e->key = get_text(r, key_len)))
            return bad(r, at + 3, "key contains a NUL byte");
        m->n++;
        if (type < LK_ENTRY_INT || type > LK_ENTRY_ARRAY)
            return bad(r, at, "unknown entry type");
        e->type = (lk_entry_type)type;
        for (size_t j = 0; j + 1 < m->n; j++)
            if (strcmp(m->e[j].key, e->key) == 0)
                return bad(r, at + 3, "duplicate key");
        uint64_t len = get_le(r, 8);
        if (len > r->n - r->at)
            return bad(r, r->at - 8, "entry length exceeds the file");
        lk_status s = read_payload(r, e, (size_t)len);
        if (s != LK_OK)
            return s;
    }
    if (r->at != r->n)
        return bad(r, r->at, "trailing bytes after the last entry");
    return LK_OK;
}

lk_status lk_model_parse(const unsigned char *buf, size_t n, const char *source,
                         lk_model **out, lk_error *err)
{
    *out = NULL;
    lk_model *m = lk_model_new("");
    if (!m)
        return lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    free(m->source);
    if (!(m->source = dup_str(source ? source : "<memory>"))) {
        lk_model_free(m);
        return lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    }
    reader r = { buf, n, 0, m->source, err };
    lk_status s = parse(&r, m);
    if (s != LK_OK) {
        lk_model_free(m);
        return s;
    }
    *out = m;
    return LK_OK;
}

lk_status lk_model_load(const char *path, lk_model **out, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    *out = NULL;
    lk_status s = lk_read_file(path, MODEL_MAX_BYTES, &buf, &n, err);
    if (s != LK_OK)
        return s;
    s = lk_model_parse(buf, n, path, out, err);
    free(buf);
    return s;
}
