/* predictor.c — the registry of model kinds and the generic predictor. */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <learnkit/predictor.h>
#include "registry.h"

struct lk_predictor {
    const lk_predictor_type *type;
    void *state;
    size_t n_in, n_out;
};

const lk_predictor_type *lk_predictor_find(const char *kind)
{
    for (size_t k = 0; LK_PREDICTORS[k]; k++)
        if (strcmp(LK_PREDICTORS[k]->kind, kind) == 0)
            return LK_PREDICTORS[k];
    return NULL;
}

lk_status lk_predictor_load(const lk_model *m, lk_predictor **out, lk_error *err)
{
    *out = NULL;
    const lk_predictor_type *t = lk_predictor_find(lk_model_kind(m));
    if (!t)
        return lk_error_set(err, LK_EUNSUPPORTED, lk_model_source(m), "kind",
                            "unknown model kind '%s'", lk_model_kind(m));
    lk_predictor *p = calloc(1, sizeof *p);
    if (!p)
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    p->type = t;
    lk_status s = t->load(m, &p->state, &p->n_in, &p->n_out, err);
    if (s != LK_OK) {
        free(p);
        return s;
    }
    *out = p;
    return LK_OK;
}

lk_status lki_learner_load(const lk_model *m, size_t size, lki_load_fn load, void **state,
                           size_t *n_in, size_t *n_out, lk_error *err)
{
    void *x = malloc(size);
    if (!x)
        return lk_error_set(err, LK_ENOMEM, lk_model_source(m), NULL, "out of memory");
    lk_status s = load(m, x, err);
    if (s != LK_OK) {
        free(x);
        return s;
    }
    /* The loader has read and checked both. */
    int64_t d = 0, k = 0;
    lk_model_get_int(m, "arch.inputs", &d, NULL);
    lk_model_get_int(m, "arch.classes", &k, NULL);
    *state = x;
    *n_in = (size_t)d;
    *n_out = (size_t)k;
    return LK_OK;
}

size_t lk_predictor_inputs(const lk_predictor *p) { return p->n_in; }
size_t lk_predictor_outputs(const lk_predictor *p) { return p->n_out; }
int lk_predictor_is_probability(const lk_predictor *p)
{
    return p->type->probability_of ? p->type->probability_of(p->state) : p->type->probability;
}

lk_status lk_predictor_scores(const lk_predictor *p, const lk_mat *x, lk_mat *scores,
                              lk_error *err)
{
    if (x->cols != p->n_in)
        return lk_error_set(err, LK_EINVAL, "data", NULL,
                            "the model expects %zu features per sample, the data has %zu",
                            p->n_in, x->cols);
    if (scores->rows != x->rows || scores->cols != p->n_out)
        return lk_error_set(err, LK_EINVAL, "scores", NULL, "output matrix of the wrong shape");
    return p->type->scores(p->state, x, scores, err);
}

void lk_predictor_free(lk_predictor *p)
{
    if (!p)
        return;
    if (p->type->free)
        p->type->free(p->state);
    free(p);
}
