/* learnkit/predictor.h — one interface to every saved model's predictions.
 *
 * Each learner registers a predictor type for its model kind.  predict, eval
 * and inspect load any model file through it without knowing the learner:
 *     lk_predictor *p;
 *     lk_predictor_load(model, &p, err);     // model from lk_model_load
 *     lk_predictor_scores(p, &x, &scores, err); // x already preprocessed
 *     lk_predictor_free(p);
 * Scores are one row per sample and one column per class; the predicted
 * class is the argmax (probabilities for learners with a softmax or sigmoid
 * output, raw scores otherwise: lk_predictor_is_probability tells). */
#ifndef LEARNKIT_PREDICTOR_H
#define LEARNKIT_PREDICTOR_H

#include <learnkit/mat.h>
#include <learnkit/model.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_predictor_type {
    const char *kind;          /* the model kind it reads: "mlp", "elm", ... */
    /* Build the learner's state from a model (shapes all checked). */
    lk_status (*load)(const lk_model *m, void **state, size_t *n_in, size_t *n_out,
                      lk_error *err);
    /* scores (x->rows x n_out) <- the learner's outputs for x (x->cols = n_in). */
    lk_status (*scores)(const void *state, const lk_mat *x, lk_mat *scores, lk_error *err);
    void (*free)(void *state);
    int probability;           /* 1 if scores are probabilities */
    /* If set, decides `probability` per model instead (an MLP's outputs are
     * probabilities only behind a softmax or sigmoid output layer). */
    int (*probability_of)(const void *state);
} lk_predictor_type;

typedef struct lk_predictor lk_predictor;

/* The type registered for a kind, or NULL. */
const lk_predictor_type *lk_predictor_find(const char *kind);

/* Load the predictor of a model's kind; LK_EUNSUPPORTED for an unknown kind. */
lk_status lk_predictor_load(const lk_model *m, lk_predictor **out, lk_error *err);
size_t lk_predictor_inputs(const lk_predictor *p);
size_t lk_predictor_outputs(const lk_predictor *p);
int lk_predictor_is_probability(const lk_predictor *p);
/* scores must be x->rows x outputs; LK_EINVAL naming both widths when x has
 * the wrong number of columns. */
lk_status lk_predictor_scores(const lk_predictor *p, const lk_mat *x, lk_mat *scores,
                              lk_error *err);
void lk_predictor_free(lk_predictor *p);

#ifdef __cplusplus
}
#endif
#endif
