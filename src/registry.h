/* registry.h — the predictor types of every learner (private).
 * A learner adds its type here and to registry.c. */
#ifndef LEARNKIT_REGISTRY_H
#define LEARNKIT_REGISTRY_H

#include <learnkit/predictor.h>

extern const lk_predictor_type lk_elm_predictor;
extern const lk_predictor_type lk_lsq_predictor;

/* NULL-terminated. */
extern const lk_predictor_type *const LK_PREDICTORS[];

#endif
