/* prep.c — feature scaling fitted on the training rows, applied to every
 * set, and saved in the model so prediction repeats it exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/data.h>
#include <learnkit/rows.h>
#include "prep_impl.h"
#include "model_check.h"

const char *lk_scale_name(lk_scale_kind k)
{
    static const char *const names[] = { "auto", "unit", "standard", "none" };
    return (unsigned)k < 4 ? names[k] : "?";
}

void lk_prep_free(lk_prep *p)
{
    if (!p)
        return;
    free(p->shift);
    free(p->scale);
    memset(p, 0, sizeof *p);
}

static lk_status prep_alloc(lk_prep *p, lk_scale_kind kind, size_t d, lk_error *err)
{
    p->kind = kind;
    p->d = d;
    p->shift = calloc(d ? d : 1, sizeof *p->shift);
    p->scale = malloc((d ? d : 1) * sizeof *p->scale);
    if (!p->shift || !p->scale) {
        lk_prep_free(p);
        return lk_error_set(err, LK_ENOMEM, "preprocessing", NULL, "out of memory");
    }
    for (size_t j = 0; j < d; j++)
        p->scale[j] = 1;
    return LK_OK;
}

lk_status lki_prep_alloc(lk_prep *p, lk_scale_kind kind, size_t d, lk_error *err)
{
    return prep_alloc(p, kind, d, err);
}

lk_status lk_prep_fit(lk_prep *p, lk_scale_kind kind, lk_format format, const lk_mat *x,
                      lk_error *err)
{
    /* The same sums a row-block source gathers, over one block. */
    memset(p, 0, sizeof *p);
    lk_prep_acc a;
    lk_status s = lk_prep_acc_init(&a, kind, format, x->cols, err);
    if (s == LK_OK)
        s = lk_prep_acc_add(&a, x, err);
    if (s == LK_OK)
        s = lk_prep_acc_finish(&a, x->cols, NULL, p, err);
    lk_prep_acc_free(&a);
    return s;
}

void lk_prep_apply(const lk_prep *p, lk_mat *x)
{
    if (p->kind == LK_SCALE_NONE)
        return;
    lk_real *shift = malloc(p->d * sizeof *shift), *scale = malloc(p->d * sizeof *scale);
    if (shift && scale) {
        for (size_t j = 0; j < p->d; j++) {
            shift[j] = (lk_real)p->shift[j];
            scale[j] = (lk_real)p->scale[j];
        }
        for (size_t i = 0; i < x->rows; i++) {
            lk_real *r = lk_mat_row(x, i);
            for (size_t j = 0; j < p->d && j < x->cols; j++)
                r[j] = (r[j] - shift[j]) * scale[j];
        }
    } else {
        /* Out of memory for two small vectors: the same, in double. */
        for (size_t i = 0; i < x->rows; i++) {
            lk_real *r = lk_mat_row(x, i);
            for (size_t j = 0; j < p->d && j < x->cols; j++)
                r[j] = (lk_real)((r[j] - p->shift[j]) * p->scale[j]);
        }
    }
    free(shift);
    free(scale);
}

lk_status lk_prep_save(const lk_prep *p, lk_model *m, lk_error *err)
{
    lk_status s = lk_model_put_str(m, "prep.scale", lk_scale_name(p->kind), err);
    if (s == LK_OK)
        s = lk_model_put_int(m, "prep.features", (int64_t)p->d, err);
    if (s == LK_OK)
        s = lk_model_put_dvec(m, "prep.shift", p->d, p->shift, err);
    if (s == LK_OK)
        s = lk_model_put_dvec(m, "prep.factor", p->d, p->scale, err);
    return s;
}

lk_status lk_prep_load(const lk_model *m, lk_prep *p, lk_error *err)
{
    memset(p, 0, sizeof *p);
    const char *name;
    size_t d;
    lk_status s = lk_model_get_str(m, "prep.scale", &name, err);
    if (s == LK_OK)
        s = lk_model_get_size(m, "prep.features", 1, INT32_MAX, &d, err);
    if (s != LK_OK)
        return s;
    lk_scale_kind kind = LK_SCALE_AUTO;
    for (int k = LK_SCALE_UNIT; k <= LK_SCALE_NONE; k++)
        if (strcmp(name, lk_scale_name((lk_scale_kind)k)) == 0)
            kind = (lk_scale_kind)k;
    if (kind == LK_SCALE_AUTO)
        return lki_model_bad(m, "prep.scale", err, "unknown scaling '%s'", name);
    /* A learner's model says how many inputs it takes: the same number. */
    int64_t inputs;
    if (lk_model_get_int(m, "arch.inputs", &inputs, NULL) == LK_OK && inputs != (int64_t)d)
        return lki_model_bad(m, "prep.features", err, "%zu, but arch.inputs is %lld", d,
                             (long long)inputs);
    /* The count comes from the file: allocate only once the arrays that are
     * really there agree with it. */
    static const char *const keys[2] = { "prep.shift", "prep.factor" };
    for (int k = 0; k < 2; k++)
        if ((s = lki_model_shape(m, keys[k], 1, d, err)) != LK_OK)
            return s;
    if ((s = prep_alloc(p, kind, d, err)) != LK_OK)
        return s;
    s = lk_model_get_dvec(m, "prep.shift", d, p->shift, err);
    if (s == LK_OK)
        s = lk_model_get_dvec(m, "prep.factor", d, p->scale, err);
    for (size_t j = 0; s == LK_OK && j < d; j++)
        if (!isfinite(p->shift[j]) || !isfinite(p->scale[j]))
            s = lki_model_bad(m, isfinite(p->shift[j]) ? "prep.factor" : "prep.shift", err,
                              "value %zu is not finite", j + 1);
    if (s != LK_OK)
        lk_prep_free(p);
    return s;
}
