/* registry.h — the predictor types of every learner (private).
 * A learner adds its type here and to registry.c. */
#ifndef LEARNKIT_REGISTRY_H
#define LEARNKIT_REGISTRY_H

#include <learnkit/predictor.h>

extern const lk_predictor_type lk_elm_predictor;
extern const lk_predictor_type lk_lsq_predictor;

/* The scores and free callbacks of a predictor whose state is a malloc'd
 * lk_net (mlp, and ae's encoders plus softmax): predicts in batches of at
 * most 256 rows with a workspace sized once per call. */
lk_status lki_net_scores(const void *state, const lk_mat *x, lk_mat *scores, lk_error *err);
void lki_net_free(void *state);

/* The predictor of a learner whose state is one struct, loaded by
 * lk_X_load(model, x, err), scored by a function of the shape of
 * lk_elm_scores and released by lk_X_free; its widths are the model's
 * arch.inputs and arch.classes, which the loader checked.  The macro writes
 * the three typed callbacks and the type; lki_learner_load is what they
 * share. */
typedef lk_status (*lki_load_fn)(const lk_model *m, void *x, lk_error *err);
lk_status lki_learner_load(const lk_model *m, size_t size, lki_load_fn load, void **state,
                           size_t *n_in, size_t *n_out, lk_error *err);

#define LKI_LEARNER_PREDICTOR(NAME, KIND, TYPE, SCORES, PROBABILITY)                          \
    static lk_status NAME##_pred_load_into(const lk_model *m, void *x, lk_error *err)        \
    {                                                                                          \
        return lk_##NAME##_load(m, (TYPE *)x, err);                                            \
    }                                                                                          \
    static lk_status NAME##_pred_load(const lk_model *m, void **state, size_t *n_in,          \
                                      size_t *n_out, lk_error *err)                            \
    {                                                                                          \
        return lki_learner_load(m, sizeof(TYPE), NAME##_pred_load_into, state, n_in, n_out,    \
                                err);                                                          \
    }                                                                                          \
    static lk_status NAME##_pred_scores(const void *state, const lk_mat *x, lk_mat *scores,   \
                                        lk_error *err)                                         \
    {                                                                                          \
        return SCORES((const TYPE *)state, x, scores, err);                                    \
    }                                                                                          \
    static void NAME##_pred_free(void *state)                                                  \
    {                                                                                          \
        if (state)                                                                             \
            lk_##NAME##_free(state);                                                           \
        free(state);                                                                           \
    }                                                                                          \
    const lk_predictor_type lk_##NAME##_predictor = { KIND, NAME##_pred_load,                 \
                                                      NAME##_pred_scores, NAME##_pred_free,    \
                                                      PROBABILITY, NULL }

/* NULL-terminated. */
extern const lk_predictor_type *const LK_PREDICTORS[];

#endif
