/* ridge_impl.h — what the primal (ridge.c) and dual (ridge_dual.c) ridge
 * share; not part of the public API. */
#ifndef LEARNKIT_RIDGE_IMPL_H
#define LEARNKIT_RIDGE_IMPL_H

#include <learnkit/ridge.h>

/* One row's leave-one-out residuals (t - fit) / (1 - h) for one lambda:
 * their squares are added to *press, and a miss (argmax of the LOO
 * prediction t - residual against truth) to *errors.  A leverage h at 1 (an
 * interpolated row) makes *press infinite and counts a miss. */
void ridge_loo_score(const lk_real *t, size_t k, size_t truth, double h, const double *fit,
                     double *press, size_t *errors);

#endif
