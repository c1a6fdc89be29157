/* model_check.c — the checks every loader runs on a model's entries, with
 * one way of reporting them (see model_check.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "model_check.h"

lk_status lki_model_bad(const lk_model *m, const char *key, lk_error *err, const char *fmt, ...)
{
    char text[LK_ERROR_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return lk_error_set(err, LK_EFORMAT, lk_model_source(m), key, "%s", text);
}

lk_status lki_model_kind(const lk_model *m, const char *kind, lk_error *err)
{
    if (strcmp(lk_model_kind(m), kind) != 0)
        return lki_model_bad(m, "kind", err, "expected a model of kind '%s', found '%s'", kind,
                             lk_model_kind(m));
    return LK_OK;
}

lk_status lki_model_act(const lk_model *m, const char *key, lk_act *out, lk_error *err)
{
    const char *name;
    lk_status s = lk_model_get_str(m, key, &name, err);
    if (s != LK_OK)
        return s;
    lk_error e;
    if (lk_act_parse(name, out, NULL, &e) != LK_OK)
        return lki_model_bad(m, key, err, "%s", e.text);
    return LK_OK;
}

lk_status lki_model_shape(const lk_model *m, const char *key, size_t rows, size_t cols,
                          lk_error *err)
{
    size_t r, c;
    lk_status s = lk_model_get_shape(m, key, &r, &c, err);
    if (s == LK_OK && (r != rows || c != cols))
        s = lki_model_bad(m, key, err, "expected %zu x %zu, found %zu x %zu", rows, cols, r, c);
    return s;
}

lk_status lki_model_get_finite(const lk_model *m, const char *key, size_t rows, size_t cols,
                               lk_mat *dst, lk_error *err)
{
    lk_status s = lk_model_get_mat(m, key, rows, cols, dst, err);
    if (s == LK_OK && !lk_mat_all_finite(dst))
        s = lki_model_bad(m, key, err, "holds NaN or infinite values");
    return s;
}

lk_status lki_model_io(const lk_model *m, const char *kind, size_t *d, size_t min_k, size_t *k,
                       lk_error *err)
{
    lk_status s;
    if ((s = lki_model_kind(m, kind, err)) != LK_OK ||
        (s = lk_model_get_size(m, "arch.inputs", 1, INT32_MAX, d, err)) != LK_OK)
        return s;
    if (k)
        s = lk_model_get_size(m, "arch.classes", (int64_t)min_k, INT32_MAX, k, err);
    return s;
}

lk_status lki_model_begin(const char *kind, size_t d, size_t k, lk_model **out, lk_error *err)
{
    *out = NULL;
    lk_model *m = lk_model_new(kind);
    if (!m)
        return lk_error_set(err, LK_ENOMEM, kind, NULL, "out of memory");
    lk_status s = lk_model_put_int(m, "arch.inputs", (int64_t)d, err);
    if (s == LK_OK && k)
        s = lk_model_put_int(m, "arch.classes", (int64_t)k, err);
    if (s != LK_OK) {
        lk_model_free(m);
        return s;
    }
    *out = m;
    return LK_OK;
}

lk_status lki_model_end(lk_model **out, lk_status s, const lk_prep *prep,
                        const lk_labels *labels, lk_error *err)
{
    if (s == LK_OK && prep)
        s = lk_prep_save(prep, *out, err);
    if (s == LK_OK && labels)
        s = lk_labels_save(labels, *out, err);
    if (s != LK_OK) {
        lk_model_free(*out);
        *out = NULL;
    }
    return s;
}
