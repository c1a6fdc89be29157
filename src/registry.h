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

/* NULL-terminated. */
extern const lk_predictor_type *const LK_PREDICTORS[];

#endif
