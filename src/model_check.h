/* model_check.h — the checks every loader runs on a model's entries
 * (private).  One convention for every complaint: LK_EFORMAT with the file
 * the model came from as the source and the key as the place, so the CLI
 * prints "learnkit: m.lkm:elm.beta: expected 1000 x 10, found 10 x 1000". */
#ifndef LEARNKIT_MODEL_CHECK_H
#define LEARNKIT_MODEL_CHECK_H

#include <learnkit/activation.h>
#include <learnkit/data.h>
#include <learnkit/model.h>

/* LK_EFORMAT at key, the text formatted like printf. */
lk_status lki_model_bad(const lk_model *m, const char *key, lk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* LK_EFORMAT at "kind" unless the model is of this kind. */
lk_status lki_model_kind(const lk_model *m, const char *kind, lk_error *err);

/* The activation named by a string entry (LK_EFORMAT at key for an unknown
 * name or parameter). */
lk_status lki_model_act(const lk_model *m, const char *key, lk_act *out, lk_error *err);

/* An array entry of exactly rows x cols: call it before allocating from
 * counts, so a hostile count never drives an allocation. */
lk_status lki_model_shape(const lk_model *m, const char *key, size_t rows, size_t cols,
                          lk_error *err);

/* lk_model_get_mat, then LK_EFORMAT at key unless every value is finite. */
lk_status lki_model_get_finite(const lk_model *m, const char *key, size_t rows, size_t cols,
                               lk_mat *dst, lk_error *err);

/* A loader's common keys: the kind, arch.inputs in [1, INT32_MAX] and, when
 * k is not NULL, arch.classes in [min_k, INT32_MAX]. */
lk_status lki_model_io(const lk_model *m, const char *kind, size_t *d, size_t min_k, size_t *k,
                       lk_error *err);

/* What every learner's save starts with: a new model of a kind holding
 * arch.inputs = d and arch.classes = k (unless k is 0).  *out is NULL after
 * an error. */
lk_status lki_model_begin(const char *kind, size_t d, size_t k, lk_model **out, lk_error *err);

/* What it ends with: when s is LK_OK, the preprocessing and label map (each
 * when not NULL) put after the learner's entries; then s, or the error,
 * with *out freed and NULL. */
lk_status lki_model_end(lk_model **out, lk_status s, const lk_prep *prep,
                        const lk_labels *labels, lk_error *err);

#endif
