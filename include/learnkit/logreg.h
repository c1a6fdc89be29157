/* learnkit/logreg.h — multinomial logistic (softmax) regression with L2.
 *
 * The model is one dense layer (learnkit/dense.h) with a softmax output:
 *     P(class | x) = softmax(W x + b),   W: k x d,  b: k
 * trained on the objective
 *     J(W, b) = mean_i CE(softmax(W x_i + b), onehot(y_i)) + l2/2 ||W||^2
 * (the bias is not penalized).  Two classes are a softmax of two.
 *
 * J and its gradient over the whole training set cost two GEMMs
 * (Z = X W^T + b, dW = dZ^T X) and one pass of the shared fused
 * softmax cross-entropy (lk_loss_eval), so a full-batch solver is cheap:
 *
 *   lbfgs  GSL's quasi-Newton vector_bfgs2 (gsl_multimin).  GSL works on
 *          double vectors; the parameters stay in the lk_real arena and are
 *          converted at the boundary (k (d + 1) values, negligible beside the
 *          GEMMs).  The loss is accumulated in double by the loss module.
 *   adam   mini-batches of a reshuffled copy through the shared optimizer;
 *          one iteration is one epoch.
 *
 * Training follows the protocol of learnkit/train.h; the caller owns the loop:
 *     lk_logreg_trainer *t;
 *     lk_logreg_trainer_alloc(&t, &model, &x, y, &cfg, rng, err);
 *     do { s = lk_logreg_iterate(t, err); ... print progress ... }
 *     while (s == LK_OK && lk_logreg_test(t) == LK_TRAIN_CONTINUE);
 *     lk_logreg_trainer_free(t);
 * After every iteration the model holds the current parameters. */
#ifndef LEARNKIT_LOGREG_H
#define LEARNKIT_LOGREG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/optim.h>
#include <learnkit/dense.h>
#include <learnkit/data.h>
#include <learnkit/model.h>
#include <learnkit/predictor.h>
#include <learnkit/train.h>
#include <learnkit/comm.h>
#include <learnkit/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_logreg_solver { LK_LOGREG_LBFGS = 0, LK_LOGREG_ADAM, LK_LOGREG_SOLVER_COUNT }
    lk_logreg_solver;

/* "lbfgs" or "adam"; LK_EINVAL naming both otherwise. */
lk_status lk_logreg_solver_parse(const char *text, lk_logreg_solver *out, const char *source,
                                 lk_error *err);
const char *lk_logreg_solver_name(lk_logreg_solver s);

typedef struct lk_logreg_config {
    lk_logreg_solver solver;
    double l2;          /* lambda of l2/2 ||W||^2 beside the MEAN loss           */
    size_t max_iter;    /* lbfgs: quasi-Newton iterations; adam: epochs          */
    double gtol;        /* stop when ||grad J||_2 < gtol (0: never)               */
    double rtol;        /* lbfgs: stop when the loss falls by less than rtol * |J|
                           over one iteration (0: never)                          */
    double step;        /* lbfgs: length of the first trial step                 */
    double line_tol;    /* lbfgs: line-search accuracy (GSL's tol, in (0,1))      */
    double lr;          /* adam: learning rate                                   */
    size_t batch;       /* adam: mini-batch size                                 */
    /* lbfgs: NULL when x holds every training row; else x is this rank's
     * share and every rank runs the trainer: the feature statistics, the
     * loss and the gradient are summed over the ranks (each weighed by its
     * share of the rows), so every rank takes the same quasi-Newton steps
     * and holds the one-process iterate.  adam refuses a world of many. */
    const lk_comm *comm;
} lk_logreg_config;

/* The defaults: lbfgs, l2 3e-5, at most 300 iterations, gtol 1e-5, rtol
 * 1e-6, step 1, line_tol 0.6; adam lr 1e-3, batch 128.  The cap is there
 * for safety: the tolerances end the run at convergence (scikit-learn's
 * digits split: 174 iterations, where the former cap of 40 stopped 0.7
 * points short).  Measured on MNIST: with line_tol 0.6 an iteration costs
 * about 2.4 evaluations instead of 3.5 at GSL's advised 0.1 for the same
 * loss per evaluation; l2 3e-5 is close to scikit-learn's C = 1 (1/60000)
 * while keeping the problem well conditioned. */
lk_logreg_config lk_logreg_defaults(void);

/* NULL if the configuration is valid, else a sentence naming the bad value. */
const char *lk_logreg_check(const lk_logreg_config *cfg);

typedef struct lk_logreg {
    size_t d, k;        /* features, classes (k >= 2) */
    lk_dense layer;     /* d -> k, softmax */
    lk_params params;   /* W and b (and their gradient) */
} lk_logreg;

/* A zero model of d features and k >= 2 classes.  LK_EINVAL for d == 0 or
 * k < 2, LK_ENOMEM. */
lk_status lk_logreg_alloc(lk_logreg *m, size_t d, size_t k, lk_error *err);
void lk_logreg_free(lk_logreg *m);

/* J at the model's parameters on x (n x d) against one-hot targets t
 * (n x k); z and a are n x k workspaces (Z and softmax(Z) on return).  If
 * dz (n x k) is non-NULL the gradient of J goes to m->params.g (overwritten)
 * using ones (n values equal to 1).  Returns J (NaN or inf if it is). */
double lk_logreg_objective(lk_logreg *m, const lk_mat *x, const lk_mat *t, double l2,
                           lk_mat *z, lk_mat *a, lk_mat *dz, const lk_real *ones);

/* proba (n x k) <- softmax(x W^T + b). */
lk_status lk_logreg_proba(const lk_logreg *m, const lk_mat *x, lk_mat *proba, lk_error *err);

/* A new model of kind "logreg" (arch.inputs, arch.classes, arch.output
 * "softmax", logreg.w, logreg.b, and prep and labels when not NULL), and its loader
 * (checked as learnkit/model.h says; m allocated here, nothing to free after
 * an error).  The save/load contract of lk_elm_save and lk_elm_load. */
lk_status lk_logreg_save(const lk_logreg *m, const lk_prep *prep, const lk_labels *labels,
                         lk_model **out, lk_error *err);
lk_status lk_logreg_load(const lk_model *model, lk_logreg *m, lk_error *err);

/* The predictor of kind "logreg" (probabilities). */
extern const lk_predictor_type lk_logreg_predictor;

/* ---------------------------------------------------------------- training */


typedef struct lk_logreg_trainer lk_logreg_trainer;

/* Prepare to train m (already allocated with x->cols features; its current
 * parameters are the starting point) on x (n x d) with classes y[i] < m->k.
 * Workspaces are sized here once: chunks of 4096 x k for lbfgs, a shuffled
 * copy of x for adam.  x and y must outlive the trainer.  rng drives adam's
 * shuffles (may be NULL for lbfgs).  Computes the initial loss. */
lk_status lk_logreg_trainer_alloc(lk_logreg_trainer **out, lk_logreg *m, const lk_mat *x,
                                  const uint32_t *y, const lk_logreg_config *cfg, gsl_rng *rng,
                                  lk_error *err);

/* The same on the rows of src, a source of row blocks (learnkit/rows.h: a
 * matrix in memory, or a file read block by block) whose classes are below
 * m->k (m allocated with src->d features and the class count): every
 * evaluation of J and its gradient is one pass over src, rewound first,
 * its blocks cut into chunks of at most 4096 rows, through the very code
 * the matrix trainer runs.  The workspaces are one chunk's (chunk x k) and
 * the solver's, allocated here once: the memory does not depend on the
 * number of rows.  A first pass counts the rows, checks their classes and
 * gathers the preconditioning's sums.  lbfgs only (adam shuffles rows in
 * memory: LK_EUNSUPPORTED).  With cfg->comm, src is this rank's share (it
 * may be empty when others are not).  src and its state must outlive the
 * trainer.  A failure of a later pass (a bad row, I/O) is returned by the
 * iterate with the source's message and place. */
lk_status lk_logreg_trainer_alloc_blocks(lk_logreg_trainer **out, lk_logreg *m,
                                         const lk_blocks *src, const lk_logreg_config *cfg,
                                         lk_error *err);

/* One quasi-Newton iteration or one epoch.  LK_ENUMERIC when the loss turns
 * non-finite or the line search fails for another reason than lack of
 * progress. */
lk_status lk_logreg_iterate(lk_logreg_trainer *t, lk_error *err);

/* Whether to go on, after an iterate: LK_TRAIN_CONTINUE, CONVERGED
 * (||grad|| < gtol, or a relative decrease < rtol), NOPROGRESS (the line
 * search can make no further progress: the precision of the gradient is
 * reached) or MAXITER. */
lk_train_state lk_logreg_test(const lk_logreg_trainer *t);

size_t lk_logreg_iterations(const lk_logreg_trainer *t);
/* J and ||grad J|| at the current parameters (full training set). */
double lk_logreg_loss(const lk_logreg_trainer *t);
double lk_logreg_grad_norm(const lk_logreg_trainer *t);
/* Number of J (+ gradient) evaluations over the full set so far. */
size_t lk_logreg_evaluations(const lk_logreg_trainer *t);
/* Floating-point operations of the GEMMs so far (for GFLOP/s reports). */
double lk_logreg_flops(const lk_logreg_trainer *t);

void lk_logreg_trainer_free(lk_logreg_trainer *t);

#ifdef __cplusplus
}
#endif
#endif
