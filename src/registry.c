/* registry.c — the list of model kinds learnkit can load.  One line per
 * learner; each learner's file defines its lk_predictor_type. */
#include "registry.h"
#include <learnkit/logreg.h>
#include <learnkit/perceptron.h>

/* extern const lk_predictor_type lk_mlp_predictor;  -- one per learner */
extern const lk_predictor_type lk_mlp_predictor;

const lk_predictor_type *const LK_PREDICTORS[] = {
    /* &lk_mlp_predictor, */
    &lk_elm_predictor,
    &lk_lsq_predictor,
    &lk_mlp_predictor,
    &lk_logreg_predictor,
    &lk_perceptron_predictor,
    NULL
};
