/* learnkit/lsq.h — the closed-form least-squares classifier.
 *
 * Ridge regression of the one-hot targets on the inputs, with a bias per
 * class that is not penalized:
 *     (X~^T X~ + I/C) W = X~^T T~,   c = mean(T) - W^T mean(X),
 * where X~ and T~ are centered (learnkit/ridge.h: X^T X summed over row
 * blocks, Cholesky in double).  Scores are X W + c; the class is the argmax.
 * With c_auto (the default), C is chosen from the grid of lk_ridge_c_grid
 * by exact leave-one-out error, from one eigendecomposition of X~^T X~
 * (lk_ridge_select_c). */
#ifndef LEARNKIT_LSQ_H
#define LEARNKIT_LSQ_H

#include <stdint.h>
#include <learnkit/mat.h>
#include <learnkit/data.h>
#include <learnkit/model.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_lsq_params {
    double C;        /* lambda = 1/C > 0 */
    int c_auto;
    /* NULL: x holds every training row; else x is this rank's share, every
     * rank calls lk_lsq_fit, and every rank gets the one-process model
     * (the sums are combined over the ranks: see learnkit/ridge.h). */
    const lk_comm *comm;
} lk_lsq_params;

/* c_auto: C by leave-one-out (the data decide how much to regularize);
 * C = 1 (scikit-learn's RidgeClassifier alpha = 1) when c_auto is cleared. */
lk_lsq_params lk_lsq_params_default(void);
/* NULL if valid, else a sentence naming the bad parameter. */
const char *lk_lsq_check(const lk_lsq_params *p);

typedef struct lk_lsq {
    size_t d, k;
    lk_mat w;          /* d x k */
    lk_real *bias;     /* k */
} lk_lsq;

typedef struct lk_lsq_report {
    double seconds, select_seconds, flops;
    double C;          /* the C used */
    double loo_error;  /* c_auto: LOO error rate at the chosen C */
} lk_lsq_report;

/* Fit on x (n x d), classes y[i] < k.  m is freed by lk_lsq_free (also
 * after an error).  LK_EINVAL, LK_ENOMEM, LK_ENUMERIC. */
lk_status lk_lsq_fit(lk_lsq *m, const lk_lsq_params *p, const lk_mat *x, const uint32_t *y,
                     size_t k, lk_lsq_report *report, lk_error *err);
void lk_lsq_free(lk_lsq *m);

/* The same fit from row blocks (learnkit/rows.h), each of src->d columns
 * with classes < k: one pass (two with c_auto). */
struct lk_blocks;
lk_status lk_lsq_fit_blocks(lk_lsq *m, const lk_lsq_params *p, const struct lk_blocks *src,
                            size_t k, lk_lsq_report *report, lk_error *err);

/* scores (x->rows x k) <- x W + c. */
lk_status lk_lsq_scores(const lk_lsq *m, const lk_mat *x, lk_mat *scores, lk_error *err);

/* A new model of kind "lsq" (arch.inputs, arch.classes, lsq.w, lsq.bias,
 * and prep and labels when not NULL), and its loader (checked as
 * learnkit/model.h says; m freed by lk_lsq_free, nothing to free after an
 * error).  The save/load contract of lk_elm_save and lk_elm_load. */
lk_status lk_lsq_save(const lk_lsq *m, const lk_prep *prep, const lk_labels *labels,
                      lk_model **out, lk_error *err);
lk_status lk_lsq_load(const lk_model *model, lk_lsq *m, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
