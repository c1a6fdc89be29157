/* learnkit/net.h — a network of dense layers, its loss, its optimizer and an
 * epoch loop over (inputs, targets).
 *
 * This is the part every backprop learner shares: the multilayer perceptron
 * (learnkit/mlp.h) trains one on one-hot class targets, an autoencoder on its
 * own inputs (possibly with a tied decoder).  Nothing here knows about
 * classes.
 *
 * A network is planned layer by layer, then its parameter arena is
 * allocated once:
 *     lk_net net;
 *     lk_net_begin(&net, 784);
 *     lk_net_add(&net, 500, relu, err);
 *     lk_net_add(&net, 10, softmax, err);
 *     lk_net_finish(&net, err);                 one lk_params arena
 *     lk_net_init(&net, LK_INIT_AUTO, rng);     He / Glorot by activation
 * Layer l maps batch x sizes[l] to batch x sizes[l+1].  A tied layer
 * (lk_net_add_tied) uses an earlier layer's W transposed (dense.h).
 *
 * Training follows the protocol of learnkit/train.h, and the caller owns
 * the loop and decides what to print:
 *     lk_net_trainer *tr;
 *     lk_net_trainer_alloc(&tr, &net, &cfg, &x, &y, rng, err);
 *     do {
 *         s = lk_net_iterate(tr, &stats, err);    one epoch; LK_ENUMERIC on NaN loss
 *         ...print stats...
 *     } while (s == LK_OK && lk_net_test(tr) == LK_TRAIN_CONTINUE);
 *     lk_net_trainer_finish(tr);     restores the best weights (early stopping)
 *     lk_net_trainer_free(tr);
 * Every buffer (shuffled copies, activations, deltas, optimizer state, the
 * best weights) is allocated by lk_net_trainer_alloc; an epoch allocates
 * nothing.  Each epoch draws a permutation from the rng, gathers the rows
 * into the shuffled copies, and runs mini-batches as zero-copy row views of
 * them.
 *
 * The math on a batch of B rows (row-major GEMMs, no per-sample loop):
 *     Z(l) = A(l-1) W(l)^T + b(l),  A(l) = f(Z(l)),  A(-1) = X
 *     D(L) = dLoss/dZ(L)  (fused for softmax-CE and sigmoid-BCE)
 *     D(l) = (D(l+1) W(l+1)) * f'(Z(l))
 *     dW(l) = D(l)^T A(l-1),  db(l) = column sums of D(l)
 * The loss is the batch mean (learnkit/loss.h) plus l2/2 ||W||^2 over weight
 * matrices only (not biases, not PReLU slopes). */
#ifndef LEARNKIT_NET_H
#define LEARNKIT_NET_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/activation.h>
#include <learnkit/loss.h>
#include <learnkit/optim.h>
#include <learnkit/dense.h>
#include <learnkit/model.h>
#include <learnkit/train.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- network */

/* What a layer adds to its dense map, in training or in both modes:
 *   batch normalization of the pre-activation (Ioffe & Szegedy 2015):
 *     training   y = scale * (z - mean_B) / sqrt(var_B + eps) + shift, with
 *                the batch's mean and (biased) variance per unit; the
 *                running averages mean <- 0.9 mean + 0.1 mean_B, var <-
 *                0.9 var + 0.1 var_B B/(B-1) are updated by training steps;
 *     inference  y = scale * (z - mean) / sqrt(var + eps) + shift;
 *   then A = f(y).  scale and shift are arena entries (optimized, clipped,
 *   checked like weights; l2 does not apply); the running averages live in
 *   net->bn_stats.  eps = 1e-5.  The layer's bias b is then redundant: the
 *   mean subtraction cancels it, its gradient is zero, and it keeps its
 *   initial value.  The training passes need a workspace allocated after
 *   lk_net_add_batchnorm.
 *   inverted dropout of the activations, training only: each value of A is
 *   kept with probability 1 - p and scaled by 1/(1 - p), else zeroed, the
 *   mask drawn from the trainer's rng; inference uses A as it is.  p = 0
 *   costs nothing (no buffer, no draw).
 *   penalties on a sigmoid layer's activations (learnkit/loss.h), added to
 *   the loss in both lk_net_backprop and training: the KL sparsity penalty
 *   toward a mean activation rho with weight beta, and the contractive
 *   penalty lambda ||J||_F^2 on the layer's Jacobian. */
typedef struct lk_net_extra {
    double dropout;     /* p in [0, 1); 0: none */
    double rho, beta;   /* KL sparsity target and weight; beta 0: none */
    double contractive; /* lambda; 0: none */
    size_t bn_scale;    /* arena offset of the scale (out values), or LK_NO_OFFSET */
    size_t bn_shift;    /* arena offset of the shift (out values) */
    size_t bn_stat;     /* offset in bn_stats of the running mean; the variance follows */
} lk_net_extra;

#define LK_BN_EPS 1e-5
#define LK_BN_MOMENTUM 0.1

typedef struct lk_net {
    size_t n_layers;
    lk_dense *layers;   /* n_layers layers, malloc'ed */
    size_t *sizes;      /* n_layers + 1 widths: sizes[0] inputs, sizes[n_layers] outputs */
    size_t cap;
    size_t n_params;    /* planned arena size */
    lk_params params;   /* allocated by lk_net_finish */
    lk_net_extra *extra;/* cap entries once a layer has dropout or batch norm, else NULL */
    lk_real *bn_stats;  /* running means and variances of the batch-norm layers */
    size_t n_bn_stats;
} lk_net;

/* Start planning a network with n_in inputs. */
void lk_net_begin(lk_net *net, size_t n_in);
/* Append a layer of `out` units.  LK_EINVAL for out == 0 or after finish;
 * LK_ENOMEM. */
lk_status lk_net_add(lk_net *net, size_t out, lk_act act, lk_error *err);
/* Append a layer tied to layer `enc` (its W transposed): it must map
 * enc's out back to enc's in, so the current width must be enc's out. */
lk_status lk_net_add_tied(lk_net *net, size_t enc, lk_act act, lk_error *err);
/* Allocate the arena (zeroed). */
lk_status lk_net_finish(lk_net *net, lk_error *err);
void lk_net_free(lk_net *net);

size_t lk_net_inputs(const lk_net *net);
size_t lk_net_outputs(const lk_net *net);
const lk_act *lk_net_output_act(const lk_net *net);

/* Initialize every layer by kind (LK_INIT_AUTO: He for the ReLU family,
 * Glorot otherwise), in layer order from rng. */
void lk_net_init(lk_net *net, lk_init_kind kind, gsl_rng *rng);

/* Batch-normalize the pre-activation of layer l (see lk_net_extra), before
 * or after lk_net_finish (a finished arena grows, every existing value kept;
 * workspaces and optimizers made before must be made again).  scale 1,
 * shift 0, running mean 0 and variance 1.  LK_EINVAL for a missing layer, a
 * tied or softmax one, or one already normalized; LK_ENOMEM. */
lk_status lk_net_add_batchnorm(lk_net *net, size_t l, lk_error *err);
int lk_net_has_batchnorm(const lk_net *net, size_t l);
/* Dropout probability p in [0, 1) on the outputs of hidden layer l (not the
 * last), in training; set it before allocating workspaces.  LK_EINVAL
 * otherwise; LK_ENOMEM. */
lk_status lk_net_set_dropout(lk_net *net, size_t l, double p, lk_error *err);

/* Penalties on the activations of layer l (sigmoid, not tied, not the
 * last layer): KL sparsity toward rho in (0, 1) with weight beta >= 0, and
 * the contractive penalty lambda >= 0 (see lk_net_extra); set them before
 * allocating workspaces.  LK_EINVAL naming the problem otherwise. */
lk_status lk_net_set_penalty(lk_net *net, size_t l, double rho, double beta, double lambda,
                             lk_error *err);

/* Number of weight-matrix values (what --l2 applies to), counting a tied
 * matrix once. */
size_t lk_net_weight_count(const lk_net *net);

/* Store the architecture and every parameter into m under prefix ("" or
 * "enc."): PREFIXarch.sizes (int list as reals), PREFIXarch.activations
 * (names as strings), PREFIXarch.tied, and PREFIXw.L, PREFIXb.L, PREFIXgamma.L;
 * with batch norm also PREFIXarch.batchnorm (a 0/1 per layer) and
 * PREFIXbn.scale.L, PREFIXbn.shift.L, PREFIXbn.mean.L, PREFIXbn.var.L.
 * Dropout and penalties shape training only and are not saved. */
lk_status lk_net_save(const lk_net *net, lk_model *m, const char *prefix, lk_error *err);
/* Rebuild a network (planned, finished, parameters loaded) from m, checking
 * every size, name and shape before anything is allocated from them, and
 * every parameter finite; LK_EFORMAT with the file as source and the key as
 * place otherwise (net freed: nothing to free after an error). */
lk_status lk_net_load(const lk_model *m, const char *prefix, lk_net *net, lk_error *err);

/* ---------------------------------------------------------------- layers */

/* One layer of a finished network on its own (net_layers.c): what a stack
 * trained greedily, layer by layer (learnkit/ae_stack.h), is made of. */

/* Layer l applied to the rows of x, f(x W^T + b), in row blocks: out is
 * x->rows x its width.  pre, when not NULL, receives x W^T + b (for an mDA
 * layer: the reconstruction).  LK_EINVAL for a missing layer or shapes that
 * do not fit, with nothing written. */
lk_status lk_net_apply_layer(const lk_net *net, size_t l, const lk_mat *x, lk_mat *pre,
                             lk_mat *out, lk_error *err);

/* Copy layer `from` of src into layer `to` of dst: W, b and PReLU slopes.
 * Both must have the same input and output widths and the same activation
 * (name and parameter), and neither be tied; LK_EINVAL naming both
 * otherwise, with nothing copied. */
lk_status lk_net_copy_layer(lk_net *dst, size_t to, const lk_net *src, size_t from,
                            lk_error *err);

/* Set layer l of a finished network from a weight matrix (out x in) and a
 * bias (out values, or NULL for zeros); for untied layers without PReLU
 * slopes (LK_EINVAL otherwise, or for a missing layer). */
lk_status lk_net_set_layer(lk_net *net, size_t l, const lk_mat *w, const lk_real *b,
                           lk_error *err);

/* ---------------------------------------------------------------- workspace */

/* Per-layer pre-activations, activations and deltas for batches of up to
 * `batch` rows. */
typedef struct lk_net_work {
    size_t batch;
    size_t n_layers;
    lk_mat *z, *a, *d;  /* n_layers each: batch x sizes[l+1] */
    lk_real *ones;      /* batch ones, for bias gradients as a GEMV */
    /* Only for layers with batch norm or dropout (NULL arrays otherwise):
     * xhat  batch x out, the normalized pre-activations (training);
     * bnv   3 x out: batch mean, 1/std, and a sum for the backward pass;
     * mask  batch x out, the dropout multipliers (0 or 1/(1-p));
     * ad    batch x out, the activations after dropout;
     * pen   2 x out, scratch of the penalties. */
    lk_mat *xhat, *bnv, *mask, *ad, *pen;
} lk_net_work;

lk_status lk_net_work_alloc(lk_net_work *w, const lk_net *net, size_t batch, lk_error *err);
void lk_net_work_free(lk_net_work *w);

/* Forward pass of x (rows <= w->batch, cols = inputs) in inference mode
 * (batch norm by the running averages, no dropout); returns a view of
 * the output activations (x->rows x outputs) inside w. */
lk_mat lk_net_forward(const lk_net *net, lk_net_work *w, const lk_mat *x);

/* Forward and backward on one batch: sets params.g to the gradient of the
 * mean loss against targets y (plus l2 on weights) and returns that loss.
 * Batch-norm layers use the batch's statistics (without updating the
 * running ones); no dropout.  A deterministic function of the parameters,
 * for gradient checks. */
double lk_net_backprop(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                       const lk_mat *x, const lk_mat *y);

/* lk_net_backprop as a training step: dropout masks drawn from rng, and the
 * batch-norm running averages updated from the batch. */
double lk_net_backprop_train(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                             const lk_mat *x, const lk_mat *y, gsl_rng *rng);

/* Mean loss (without l2) of the whole of x against y, in batches of
 * w->batch rows. */
double lk_net_loss(const lk_net *net, lk_net_work *w, lk_loss_kind loss, const lk_mat *x,
                   const lk_mat *y);

/* Outputs of the network for x (out: x->rows x outputs), in batches. */
void lk_net_predict(const lk_net *net, lk_net_work *w, const lk_mat *x, lk_mat *out);

/* ---------------------------------------------------------------- training */

/* Corruption hook for denoising: called on each mini-batch's input copy
 * (xb, a scratch buffer the trainer owns) before the forward pass; the
 * targets stay clean.  Randomness only from rng. */
typedef void (*lk_net_corrupt_fn)(lk_mat *xb, void *ctx, gsl_rng *rng);

typedef struct lk_net_config {
    lk_loss_kind loss;
    const lk_optim_type *optim;
    lk_optim_config optim_cfg;
    size_t batch;           /* rows per mini-batch (the last one may be shorter) */
    size_t epochs;          /* maximum number of epochs */
    double l2;              /* lambda of lambda/2 ||W||^2, weights only */
    double clip_norm;       /* global gradient-norm clip; <= 0: none */
    double validation;      /* fraction of rows held out for early stopping; 0: none */
    size_t patience;        /* epochs without validation improvement before stopping */
    lk_net_corrupt_fn corrupt; /* NULL: inputs used as they are */
    void *corrupt_ctx;
    int skip_errors;        /* 1: targets are not classes (an autoencoder's inputs):
                               no argmax pass per batch, stats.errors stays 0 */
    double tol;             /* stall rule: stop once the epoch's training loss has */
    size_t stall_epochs;    /* missed best - tol this many epochs in a row; 0: off */
    /* NULL: x holds every training row.  Else synchronous data-parallel
     * training: x is this rank's share, every rank runs the same loop, the
     * global batch of `batch` rows is split among the ranks in proportion
     * to their rows, each step sums the ranks' gradients (weighed by their
     * rows in the step) in one reduction of the parameter arena's gradient,
     * and every rank applies the same optimizer step, so the parameters
     * (broadcast from rank 0 at the start) stay equal everywhere.  Each
     * rank shuffles and holds out validation rows among its own rows;
     * losses and counts are summed over the ranks. */
    const lk_comm *comm;
} lk_net_config;

/* Adam, lr 0.001, batch 100, 10 epochs, softmax-CE, no l2, no clipping, no
 * validation, patience 5, no stall rule. */
lk_net_config lk_net_config_default(void);

/* The default stopping rule, for callers that leave the epoch count to the
 * data: about LK_NET_AUTO_UPDATES optimizer steps, at most
 * LK_NET_AUTO_MAX_EPOCHS epochs,
 *     epochs = min(LK_NET_AUTO_MAX_EPOCHS, ceil(LK_NET_AUTO_UPDATES / ceil(rows / batch))),
 * cut short by the stall rule (tol LK_NET_STALL_TOL, LK_NET_STALL_EPOCHS
 * epochs: scikit-learn's MLPClassifier rule).  On 60000 rows in batches of
 * 100 that is 15 epochs; on a few hundred rows, up to 200 epochs ended by the
 * stall rule: each trains to convergence.  lk_net_config_auto sets epochs,
 * tol and stall_epochs of cfg for rows (after any validation split). */
#define LK_NET_AUTO_UPDATES 9000
#define LK_NET_AUTO_MAX_EPOCHS 200
#define LK_NET_STALL_TOL 1e-4
#define LK_NET_STALL_EPOCHS 10
size_t lk_net_auto_epochs(size_t rows, size_t batch);
void lk_net_config_auto(lk_net_config *cfg, size_t rows);

/* NULL if fine, else a sentence naming the bad value. */
const char *lk_net_config_check(const lk_net_config *cfg);

typedef struct lk_net_epoch_stats {
    size_t epoch;           /* 1-based */
    double loss;            /* mean training loss over the epoch's batches (with l2) */
    double val_loss;        /* validation loss after the epoch, or NAN without one */
    int improved;           /* validation loss is the best so far */
    size_t errors;          /* training rows whose argmax output missed the argmax
                               target during the epoch (lk_loss_errors; one
                               output column: 0.5 threshold for sigmoid outputs) */
    size_t rows;            /* training rows seen in the epoch */
    size_t grad_layers;     /* number of values in grad_norm */
    const double *grad_norm;/* per layer: mean over batches of ||dW(l)||_2 (Frobenius,
                               before clipping); valid until the next epoch */
} lk_net_epoch_stats;

typedef struct lk_net_trainer {
    lk_net *net;
    lk_net_config cfg;
    gsl_rng *rng;
    lk_optim opt;
    lk_net_work work;
    const lk_mat *x, *y;    /* borrowed training rows and targets */
    size_t *train_idx;      /* rows of x used for training (n_train)  */
    size_t n_train, n_val;  /* this rank's rows for training and for validation */
    int validating;         /* some rank holds validation rows */
    size_t *perm;           /* n_train: this epoch's order */
    lk_mat xs, ys;          /* shuffled copies, n_train rows */
    lk_mat xv, yv;          /* validation rows */
    lk_mat xc;              /* batch x inputs: corrupted input copy (cfg.corrupt) */
    lk_real *best;          /* best weights so far (validation), params.n */
    lk_real *best_stats;    /* their batch-norm running averages, n_bn_stats */
    double best_loss;
    size_t best_epoch;
    size_t since_best;
    double best_train_loss; /* stall rule */
    size_t since_train_best;
    size_t epoch;
    double *grad_norm;      /* n_layers */
    lk_train_state state;   /* CONTINUE, or EARLYSTOP (patience), NOPROGRESS (a
                               non-finite loss) */
    uint64_t *rank_rows;    /* data-parallel: n_train of every rank; NULL otherwise */
    size_t rank_batch;      /* data-parallel: this rank's rows per step */
    size_t steps;           /* data-parallel: steps per epoch, the same on every rank */
    gsl_rng *rank_rng;      /* data-parallel: this rank's own generator (rng points at it) */
} lk_net_trainer;

/* A trainer (*out, freed by lk_net_trainer_free) with every buffer
 * allocated and the optimizer set up.  x (n x inputs) and y (n x outputs)
 * are borrowed and must outlive the trainer.  With cfg->validation > 0 a
 * seeded random fraction of the rows (at least one, leaving at least one)
 * is held out.  The network keeps its current weights (initialize it
 * first, or load them).  LK_EINVAL for a configuration lk_net_config_check
 * refuses, a loss that does not fit the output activation (lk_loss_check:
 * the place is "loss"), or data that does not fit the network; LK_ENOMEM. */
lk_status lk_net_trainer_alloc(lk_net_trainer **out, lk_net *net, const lk_net_config *cfg,
                               const lk_mat *x, const lk_mat *y, gsl_rng *rng, lk_error *err);

/* One epoch: shuffle, every mini-batch forward/backward/clip/step; stats
 * (may be NULL) receives its figures.  A non-finite batch loss stops with
 * LK_ENUMERIC naming the epoch and batch (the weights are then not usable);
 * after that or after early stopping, LK_EINVAL. */
lk_status lk_net_iterate(lk_net_trainer *tr, lk_net_epoch_stats *stats, lk_error *err);

/* LK_TRAIN_EARLYSTOP once the validation loss has not improved for
 * cfg.patience epochs, LK_TRAIN_CONVERGED once the stall rule has met
 * (cfg.stall_epochs), LK_TRAIN_NOPROGRESS after a non-finite loss,
 * LK_TRAIN_MAXITER when the epoch budget is spent, else LK_TRAIN_CONTINUE. */
lk_train_state lk_net_test(const lk_net_trainer *tr);

/* With validation, put the best weights seen back into the network; returns
 * the epoch they come from (the last epoch without validation). */
size_t lk_net_trainer_finish(lk_net_trainer *tr);

void lk_net_trainer_free(lk_net_trainer *tr);

#ifdef __cplusplus
}
#endif
#endif
