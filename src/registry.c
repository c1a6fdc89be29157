/* registry.c — the list of model kinds learnkit can load.  One line per
 * learner; each learner's file defines its lk_predictor_type. */
#include <learnkit/ae.h>
#include <learnkit/logreg.h>
#include <learnkit/perceptron.h>
#include "registry.h"

extern const lk_predictor_type lk_mlp_predictor;

const lk_predictor_type *const LK_PREDICTORS[] = {
    &lk_elm_predictor,
    &lk_lsq_predictor,
    &lk_mlp_predictor,
    &lk_logreg_predictor,
    &lk_perceptron_predictor,
    &lk_ae_predictor,
    NULL
};
