/* logreg_impl.h — what the softmax regression's trainer (logreg_train.c)
 * shares with its model and objective (logreg.c). */
#ifndef LEARNKIT_LOGREG_IMPL_H
#define LEARNKIT_LOGREG_IMPL_H

#include <learnkit/logreg.h>

/* Rows per chunk of the objective: each chunk's forward and backward GEMMs
 * run while its rows of X are still in the last-level cache (4096 MNIST
 * rows are 12.5 MB of floats), so X streams from memory once per evaluation
 * instead of twice; measured 15-25% less CPU time per evaluation than one
 * pair of GEMMs over all 60000 rows, while the chunks stay large enough for
 * BLAS threading to pay. */
#define LKI_LOGREG_CHUNK_ROWS 4096

/* One chunk of rows x (targets t): its share of the mean loss, and (dz
 * non-NULL) its gradient added to m->params.g; z, a, dz are chunk x k
 * workspaces, ones chunk values of 1.  The one piece of the objective that
 * the matrix objective, the trainer's passes over row blocks and Adam's
 * mini-batches all run. */
double lki_logreg_chunk(lk_logreg *m, const lk_mat *x, const lk_mat *t, double share,
                        lk_mat *z, lk_mat *a, lk_mat *dz, const lk_real *ones);

/* The L2 term of J, and its gradient added to m->params.g when grad. */
double lki_logreg_penalty(lk_logreg *m, double l2, int grad);

#endif
