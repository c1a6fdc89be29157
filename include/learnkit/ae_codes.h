/* learnkit/ae_codes.h — what a trained autoencoder stack gives other tools:
 * the codes of rows (dimensionality reduction) and the reconstruction
 * error of each row (an outlier score), with the ROC AUC that measures how
 * well a score ranks one class above the others.
 *
 * Codes are the last encoder's outputs, whatever the solver (learnkit/ae.h):
 * backprop f(W x + b), elm f(beta x), mda tanh(W x + c), layer after layer.
 *
 * The reconstruction of a row:
 *   backprop  every encoder, then every decoder in reverse order: the whole
 *             stack's output for the row;
 *   mda       the first layer's W [x; 1] (the map the mDA fitted; its tanh
 *             codes have no decoder back to x);
 *   elm       none: the ELM autoencoder keeps only beta, not the random
 *             hidden layer its decoder starts from (LK_EUNSUPPORTED).
 * A row's score is the mean over its values of the squared difference
 * between the row and its reconstruction, so the mean score of a one-layer
 * stack over a set is the test_mse `learnkit ae` reports for it.
 *
 * Both work in blocks of rows with a workspace sized once per call. */
#ifndef LEARNKIT_AE_CODES_H
#define LEARNKIT_AE_CODES_H

#include <stddef.h>
#include <learnkit/ae.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Codes of x (rows x inputs) under every encoder of st: out is x->rows x
 * the last encoder's width (allocated by the caller).  LK_EINVAL naming
 * both shapes when they do not fit; LK_ENOMEM. */
lk_status lk_ae_codes(const lk_ae_stack *st, const lk_mat *x, lk_mat *out, lk_error *err);

/* Whether st can reconstruct its inputs (backprop and mda stacks). */
int lk_ae_can_reconstruct(const lk_ae_stack *st);

/* Reconstruction error of each row of x: score[i], x->rows values.
 * LK_EUNSUPPORTED for an ELM stack, LK_EINVAL for a width that does not
 * fit, LK_ENOMEM. */
lk_status lk_ae_scores(const lk_ae_stack *st, const lk_mat *x, double *score, lk_error *err);

/* Area under the ROC curve of scores against which rows are positive
 * (positive[i] != 0): the probability that a random positive row scores
 * above a random negative one, ties counting one half (the Mann-Whitney
 * statistic with mid-ranks).  LK_EINVAL when either class is empty;
 * LK_ENOMEM. */
lk_status lk_roc_auc(const double *score, const int *positive, size_t n, double *auc,
                     lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
