/* model_file.c — the model container's file format: little-endian,
 * versioned, CRC-checked (documented in include/learnkit/model.h); atomic
 * save, and a reader that checks every count against the bytes left before
 * it allocates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <learnkit/model.h>
#include <learnkit/io.h>
#include "model_impl.h"

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
    put_bytes(w, LKI_MODEL_MAGIC, sizeof LKI_MODEL_MAGIC);
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
    if (memcmp(r->p, LKI_MODEL_MAGIC, sizeof LKI_MODEL_MAGIC) != 0)
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
    r->at = sizeof LKI_MODEL_MAGIC;
    m->major = (int)get_le(r, 2);
    m->minor = (int)get_le(r, 2);
    /* Format 1 named the inputs differently in some kinds: refused whole
     * rather than half read. */
    if (m->major < LK_MODEL_MAJOR)
        return lk_error_set(r->err, LK_EUNSUPPORTED, r->source, NULL,
                            "format %d.%d: retrain with this version", m->major, m->minor);
    if (m->major != LK_MODEL_MAJOR)
        return lk_error_set(r->err, LK_EUNSUPPORTED, r->source, NULL,
                            "format %d.%d: this version reads format %d.x only", m->major,
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
    if (!(m->source = lki_dup_str(source ? source : "<memory>"))) {
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
