/* learnkit/ae_stack.h — a stack of autoencoders trained greedily, layer by
 * layer, and optionally a softmax classifier on its last codes.
 *
 * Layer l is trained on the codes of layer l-1 (layer 0 on the inputs) by
 * one of the solvers of learnkit/ae.h, then turned into layer l of the
 * stack's encoder network (lk_ae_stack.enc):
 *   backprop  an lk_ae_build autoencoder (tied or not, denoising with
 *             cfg.noise), trained for cfg.train.epochs epochs by lk_net's
 *             trainer with the codes as targets; its encoder is the layer,
 *             the whole autoencoder is kept in st->layers[l];
 *   elm       lk_ae_elm with cfg.C: the layer is f(beta x), zero bias;
 *   mda       lk_ae_mda with masking probability cfg.noise.level and
 *             regularizer cfg.mda_reg: the layer is tanh(W x + c), as wide as
 *             its input whatever cfg.hidden says (lk_ae_mda_layer).
 * With cfg.classify, a multinomial logistic regression (learnkit/logreg.h,
 * cfg.clf, run by its own convergence test) is trained on the last codes
 * and kept as the stack's one-layer softmax net (lk_ae_logreg_layer).
 *
 * Training follows the protocol of learnkit/train.h, one step per iterate
 * (every backprop epoch, every closed-form layer solve, each encoding of
 * rows, the test reconstruction error, every classifier iteration), each
 * described by an lk_ae_progress:
 *     lk_ae_stack_trainer *t;
 *     lk_ae_stack_trainer_alloc(&t, &cfg, &data, rng, err);
 *     do s = lk_ae_stack_iterate(t, &progress, err);      ...report...
 *     while (s == LK_OK && lk_ae_stack_test(t) == LK_TRAIN_CONTINUE);
 *     lk_ae_stack_trainer_finish(t, &st, &res, err);      the stack is the caller's
 *     lk_ae_stack_trainer_free(t);
 * or in one call, lk_ae_stack_fit, with a callback after each step.  The
 * library prints nothing.  Randomness only from the rng, in a fixed order:
 * same seed, same stack, byte for byte.
 *
 * Streamed.  The closed-form solvers (elm, mda) also train from rows in
 * blocks (lk_ae_stack_data.blocks, learnkit/rows.h: a file read block by
 * block), in memory independent of the number of rows: each layer is one
 * pass over the source, layer l > 0 reading the rows encoded by the
 * trained layers below as each block arrives (no codes are kept, so there
 * are no ENCODE steps), and the test MSE is one pass over the test blocks.
 * The first layer is the one of the rows in memory, byte for byte (the
 * solvers sum in chunks of their own); the layers above, up to the
 * rounding of codes computed a block at a time.  With cfg.classify the
 * softmax trains from the blocks too (lk_logreg_trainer_alloc_blocks),
 * each evaluation of its objective one pass over the training rows
 * encoded by every layer as each block arrives, with each row's class
 * from its block; its training and test accuracies are one pass each.  In
 * memory it trains on the kept codes as one block: the same 4096-row
 * chunks, so the same classifier up to the rounding of the codes.
 * Backprop (epochs over shuffled rows) does not stream. */
#ifndef LEARNKIT_AE_STACK_H
#define LEARNKIT_AE_STACK_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <learnkit/ae.h>
#include <learnkit/logreg.h>
#include <learnkit/net.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LK_AE_STACK_MAX_LAYERS 16

/* The mDA regularizer lk_ae_stack_defaults uses: added to Q's diagonal, it
 * keeps the solve defined for a constant input (an always-zero MNIST pixel)
 * while moving W by a relative 1e-5 at most on inputs of unit scale. */
#define LK_AE_MDA_REG 1e-5

typedef struct lk_ae_stack_config {
    lk_ae_solver solver;
    size_t n_layers;                        /* 1 to LK_AE_STACK_MAX_LAYERS */
    size_t hidden[LK_AE_STACK_MAX_LAYERS];  /* code widths (mda: unused, the codes are as
                                               wide as the inputs) */
    lk_act act;             /* encoder and decoder activation (mda: tanh whatever this says) */
    int tied;               /* backprop: the decoder uses the encoder's W transposed */
    lk_ae_noise noise;      /* backprop: corruption of each batch; mda: masking only,
                               level the masking probability */
    lk_net_config train;    /* backprop, per layer: loss (mse or bce), optimizer, batch,
                               epochs; its corrupt hook and skip_errors are set by the fit */
    double sparsity;        /* backprop: KL sparsity target rho in (0, 1) for every
                               layer's codes (0: none; learnkit/loss.h) */
    double sparsity_weight; /* its weight beta >= 0 */
    double contractive;     /* backprop: contractive penalty lambda >= 0 (0: none) */
    double C;               /* elm: ridge constant, > 0 */
    double mda_reg;         /* mda: added to Q's diagonal, >= 0 (LK_AE_MDA_REG) */
    int classify;           /* train the softmax on the last codes (needs labels) */
    lk_logreg_config clf;   /* its configuration (L-BFGS, up to 1000 iterations) */
    /* NULL: the data hold every training row.  Else they are this rank's
     * share and every rank runs the same fit: a closed-form layer sums its
     * scatter matrices over the ranks, a backprop layer trains by
     * synchronous data-parallel steps (lk_net_config.comm), the classifier
     * by summed losses and gradients (lk_logreg_config.comm), and every
     * figure (test MSE, accuracies) is a ratio of sums over the ranks; the
     * random draws are the same on every rank, so every rank ends with the
     * one stack.  The comm fields of train and clf are set from this one. */
    const lk_comm *comm;
} lk_ae_stack_config;

/* One backprop layer of 500 sigmoid codes, MSE, Adam, batch 100, 10 epochs,
 * no noise, C = 1000, mda_reg = LK_AE_MDA_REG, no classifier. */
lk_ae_stack_config lk_ae_stack_defaults(void);

/* NULL if the configuration can be trained, else a sentence naming the bad
 * value.  Pure: no allocation, no data.  The activation and loss are
 * checked whatever the solver: the activation must suit a decoder (an
 * output layer: not softmax, no learnable slopes) under the loss, mse or
 * bce. */
const char *lk_ae_stack_check(const lk_ae_stack_config *cfg);

/* What lk_ae_stack_fit reports after each step. */
typedef enum lk_ae_step {
    LK_AE_STEP_EPOCH,       /* a backprop epoch of layer `layer`: epoch, epochs, loss */
    LK_AE_STEP_SOLVE,       /* a closed-form layer solved */
    LK_AE_STEP_TEST,        /* test reconstruction error of layer 0 computed */
    LK_AE_STEP_ENCODE,      /* rows encoded by layer `layer` (training or test rows) */
    LK_AE_STEP_CLASSIFY     /* a classifier iteration: epoch = iteration, epochs = cap,
                               loss = its objective */
} lk_ae_step;

typedef struct lk_ae_progress {
    lk_ae_step step;
    size_t layer;           /* 0-based */
    size_t epoch, epochs;   /* EPOCH and CLASSIFY (1-based) */
    double loss;            /* EPOCH and CLASSIFY */
    int test_rows;          /* ENCODE: 1 for the test rows, 0 for the training rows */
    int last;               /* ENCODE: the codes are the classifier's */
    double gflop;           /* floating-point work of the step, 1e9 operations (multiply
                               and add apart): training work only, 0 for TEST, for
                               test rows and for the classifier's codes */
} lk_ae_progress;

/* Called after each step; a non-zero return stops the fit (LK_EINVAL,
 * "stopped by the caller"). */
typedef int (*lk_ae_stack_callback)(const lk_ae_progress *p, void *ctx);

/* The rows a stack is trained on, borrowed: x (and xt), or blocks (and
 * test_blocks) with x and xt NULL. */
struct lk_blocks;
typedef struct lk_ae_stack_data {
    const lk_mat *x;        /* n x d training rows, n > 0 */
    const uint32_t *y;      /* n classes below n_classes (classify only) */
    size_t n_classes;
    const lk_mat *xt;       /* test rows (NULL or 0 rows: none), d columns */
    const uint32_t *yt;     /* their classes (classify only) */
    /* Streamed: the training rows as a block source of d = blocks->d
     * columns (with cfg.comm, this rank's share; the rows of all ranks
     * must not be none), and the test rows (NULL: none; d columns); with
     * classify, their blocks carry the classes (below n_classes, which
     * says how many) and y, yt are unused.  The trainer reads one source
     * at a time, each pass from a rewind, so both may be views of one
     * file. */
    const struct lk_blocks *blocks;
    const struct lk_blocks *test_blocks;
} lk_ae_stack_data;

typedef struct lk_ae_stack_result {
    double test_mse;            /* layer 0's reconstruction MSE per value on the test
                                   rows (backprop, mda), NAN otherwise */
    double train_accuracy;      /* the classifier's, NAN without one (or without rows) */
    double test_accuracy;
    size_t clf_iterations;      /* classifier iterations run */
    lk_train_state clf_stop;   /* why they stopped */
} lk_ae_stack_result;

typedef struct lk_ae_stack_trainer lk_ae_stack_trainer;

/* A trainer for a stack on data by cfg, which is checked first (LK_EINVAL
 * with lk_ae_stack_check's sentence); LK_EINVAL for data that does not fit
 * (no rows, test rows of another width, classes missing with classify,
 * both a matrix and blocks); LK_EUNSUPPORTED for blocks with the backprop
 * solver; LK_ENOMEM.  Blocks without classes under classify fail at the
 * classifier's first step.  cfg is copied; the rows of data are borrowed
 * and must outlive the trainer. */
lk_status lk_ae_stack_trainer_alloc(lk_ae_stack_trainer **out, const lk_ae_stack_config *cfg,
                                    const lk_ae_stack_data *data, gsl_rng *rng, lk_error *err);

/* One step; *p (may be NULL) describes it.  LK_ENOMEM, LK_ENUMERIC from the
 * solvers; LK_EINVAL once the stack is trained or a step has failed. */
lk_status lk_ae_stack_iterate(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err);

/* LK_TRAIN_CONVERGED once every layer (and the classifier) is trained,
 * LK_TRAIN_NOPROGRESS after a failed step, else LK_TRAIN_CONTINUE. */
lk_train_state lk_ae_stack_test(const lk_ae_stack_trainer *t);

/* Hand the trained stack over (*st, freed with lk_ae_stack_free) with its
 * figures (*res, may be NULL).  LK_EINVAL before the stack is trained. */
lk_status lk_ae_stack_trainer_finish(lk_ae_stack_trainer *t, lk_ae_stack *st,
                                     lk_ae_stack_result *res, lk_error *err);

void lk_ae_stack_trainer_free(lk_ae_stack_trainer *t);

/* The whole loop in one call: train a stack (*st, freed with
 * lk_ae_stack_free) on data by cfg, calling cb (may be NULL) after each
 * step.  The errors of lk_ae_stack_trainer_alloc and lk_ae_stack_iterate;
 * on failure *st is empty (zeroed). */
lk_status lk_ae_stack_fit(const lk_ae_stack_config *cfg, const lk_ae_stack_data *data,
                          gsl_rng *rng, lk_ae_stack_callback cb, void *ctx, lk_ae_stack *st,
                          lk_ae_stack_result *res, lk_error *err);

/* Layer l of net (d x d wide, untied, no PReLU slopes) set to the mDA map
 * w (d x (d + 1), from lk_ae_mda): weights its first d columns, bias its
 * last, rounded to lk_real.  LK_EINVAL for shapes that do not fit. */
lk_status lk_ae_mda_layer(lk_net *net, size_t l, const lk_matd *w, lk_error *err);

/* A trained logistic regression as a new one-layer softmax network *out
 * (m->d inputs, m->k outputs, the same W and b): the stack's classifier.
 * LK_ENOMEM. */
lk_status lk_ae_logreg_layer(const lk_logreg *m, lk_net *out, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
