/* learnkit/perceptron.h — Rosenblatt's mistake-driven perceptron, binary
 * and multiclass, with optional averaging.
 *
 * Scores are z = W x + b with one row of W per score column:
 *   - two classes: ONE column (w, b), class 1 when z > 0.  A sample of class
 *     y with target t = 2y - 1 is a mistake when t z <= 0, and the update is
 *     w <- w + eta t x, b <- b + eta t (the textbook rule);
 *   - k > 2 classes: k columns; a mistake is argmax_j z_j != y (first index
 *     on ties), and the update is w_y += eta x, w_pred -= eta x (and b alike).
 * Both rules are the negative subgradient of the shared perceptron criterion
 * (lk_loss_eval with LK_LOSS_PERCEPTRON), which is what the code calls.
 *
 * Averaging (--averaged) returns the mean of the weights over every sample
 * visit, kept in O(1) per mistake by the running-sum trick (Daumé): besides
 * w keep u = sum_c c * delta_c (c the visit counter at each update); the
 * average after c visits is w - u / c.
 *
 * Training follows the protocol of learnkit/train.h: the caller owns the
 * epoch loop.
 *     lk_perceptron_trainer *t;
 *     lk_perceptron_trainer_alloc(&t, &p, &x, y, &cfg, rng, err);
 *     do s = lk_perceptron_iterate(t, err);
 *     while (s == LK_OK && lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
 *     lk_perceptron_trainer_finish(t);    p <- the averaged weights if asked
 *     lk_perceptron_trainer_free(t); */
#ifndef LEARNKIT_PERCEPTRON_H
#define LEARNKIT_PERCEPTRON_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/optim.h>
#include <learnkit/data.h>
#include <learnkit/model.h>
#include <learnkit/predictor.h>
#include <learnkit/train.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_perceptron {
    size_t d;           /* features */
    size_t k;           /* classes (>= 2) */
    size_t cols;        /* score columns: 1 when k == 2, else k */
    size_t off_w, off_b;
    lk_params params;   /* W (cols x d) and b (cols) */
} lk_perceptron;

/* A zero perceptron.  LK_EINVAL for d == 0 or k < 2; LK_ENOMEM. */
lk_status lk_perceptron_alloc(lk_perceptron *p, size_t d, size_t k, lk_error *err);
void lk_perceptron_free(lk_perceptron *p);

/* Views of W (cols x d) and b (cols values). */
lk_mat lk_perceptron_w(const lk_perceptron *p);
lk_real *lk_perceptron_b(const lk_perceptron *p);

/* One step of the rule on one sample x (d values) of class y < k: if it is
 * a mistake, update by eta and return 1; else return 0.  work holds
 * 3 * p->cols values of scratch. */
int lk_perceptron_step(lk_perceptron *p, const lk_real *x, uint32_t y, double eta,
                       lk_real *work);

/* scores (n x k) for x (n x d): class scores; with two classes (-z, z), so
 * the argmax is the prediction either way. */
lk_status lk_perceptron_scores(const lk_perceptron *p, const lk_mat *x, lk_mat *scores,
                               lk_error *err);

/* A new model of kind "perceptron" (arch.inputs, arch.classes, perceptron.w,
 * perceptron.b, and
 * prep and labels when not NULL), and its loader (checked as
 * learnkit/model.h says; nothing to free after an error).  The save/load
 * contract of lk_elm_save and lk_elm_load. */
lk_status lk_perceptron_save(const lk_perceptron *p, const lk_prep *prep,
                             const lk_labels *labels, lk_model **out, lk_error *err);
lk_status lk_perceptron_load(const lk_model *m, lk_perceptron *p, lk_error *err);
extern const lk_predictor_type lk_perceptron_predictor;

/* ---------------------------------------------------------------- training */

typedef struct lk_perceptron_config {
    double eta;         /* step size (> 0; irrelevant to the decisions from a zero start) */
    size_t epochs;      /* epoch budget */
    int averaged;       /* 1: finish with the averaged weights */
    int shuffle;        /* 1: visit samples in a fresh random order each epoch */
    /* NULL: x holds every training row.  Else iterative parameter mixing
     * (McDonald, Hall and Mann, NAACL 2010): x is this rank's share, each
     * epoch every rank runs the rule over its rows from the mixed weights,
     * then the weights are averaged over the ranks (and, when averaging,
     * the running sums too); mistakes are counted over every rank. */
    const lk_comm *comm;
} lk_perceptron_config;

/* eta 1, 10 epochs, not averaged, shuffled. */
lk_perceptron_config lk_perceptron_defaults(void);
const char *lk_perceptron_check(const lk_perceptron_config *cfg);

typedef struct lk_perceptron_trainer lk_perceptron_trainer;

/* Prepare to train p (allocated with x->cols features; its weights are the
 * start) on x (n x d) with classes y[i] < p->k.  rng is needed when
 * cfg->shuffle is set.  x and y must outlive the trainer. */
lk_status lk_perceptron_trainer_alloc(lk_perceptron_trainer **out, lk_perceptron *p,
                                      const lk_mat *x, const uint32_t *y,
                                      const lk_perceptron_config *cfg, gsl_rng *rng,
                                      lk_error *err);

/* One epoch over every sample (then, with several ranks, the mean of their
 * weights).  LK_EINVAL after lk_perceptron_trainer_finish or a failure;
 * LK_ENUMERIC when the epoch's loss is not finite; the error of a sum over
 * the ranks. */
lk_status lk_perceptron_iterate(lk_perceptron_trainer *t, lk_error *err);

/* LK_TRAIN_CONVERGED when the last epoch made no mistake (the data are
 * separated), LK_TRAIN_MAXITER when the epoch budget is spent,
 * LK_TRAIN_NOPROGRESS after a failed sum over the ranks, else
 * LK_TRAIN_CONTINUE. */
lk_train_state lk_perceptron_test(const lk_perceptron_trainer *t);

/* 1 if the last epoch made no mistake. */
int lk_perceptron_converged(const lk_perceptron_trainer *t);
size_t lk_perceptron_epochs(const lk_perceptron_trainer *t);
/* Mistakes (= updates) in the last epoch, and in all epochs. */
size_t lk_perceptron_mistakes(const lk_perceptron_trainer *t);
size_t lk_perceptron_total_mistakes(const lk_perceptron_trainer *t);
/* The mean perceptron criterion (shared loss module) of the last epoch, each
 * sample scored with the weights it met. */
double lk_perceptron_epoch_loss(const lk_perceptron_trainer *t);

/* Write the averaged weights into avg (allocated like p) without ending
 * training, for progress reports; without averaging, a copy of p. */
void lk_perceptron_average(const lk_perceptron_trainer *t, lk_perceptron *avg);
/* The same over every rank's visits (cfg.comm of several ranks: a
 * collective, the weights lk_perceptron_trainer_finish would make now,
 * the same on every rank); otherwise lk_perceptron_average.  A failed sum
 * is returned (avg unchanged). */
lk_status lk_perceptron_average_all(const lk_perceptron_trainer *t, lk_perceptron *avg,
                                    lk_error *err);

/* End training: with averaging, p <- the averaged weights.  Later calls do
 * nothing. */
void lk_perceptron_trainer_finish(lk_perceptron_trainer *t);

void lk_perceptron_trainer_free(lk_perceptron_trainer *t);

#ifdef __cplusplus
}
#endif
#endif
