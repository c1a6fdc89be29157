/* learnkit/optim.h — the parameter arena and the optimizers that step it.
 *
 * Every learnable value of a model (all weight matrices, biases, PReLU
 * slopes) lives in ONE contiguous block w, with the gradients in a parallel
 * block g of the same length.  Layers hold views into the arena.  Optimizers,
 * gradient clipping, L2, gradient checks and model saving are then each one
 * loop over one vector.
 *
 * Optimizers are type objects (GSL style): a name, how much state each
 * parameter needs, and a step function.  The caller owns the training loop:
 *     lk_optim_init(&opt, &lk_optim_adam, &cfg, params.n, err);
 *     for (...) { compute params.g; lk_optim_step(&opt, params.w, params.g); }
 *     lk_optim_free(&opt);
 * The state is allocated once, by lk_optim_init; a step allocates nothing. */
#ifndef LEARNKIT_OPTIM_H
#define LEARNKIT_OPTIM_H

#include <stddef.h>
#include <learnkit/mat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- arena */

typedef struct lk_params {
    size_t n;       /* number of parameters in use */
    lk_real *w;     /* values, n elements, 64-byte aligned */
    lk_real *g;     /* gradients, n elements, parallel to w */
} lk_params;

/* Offsets are planned first, then the arena is allocated once:
 *     size_t n = 0;
 *     size_t w1 = lk_params_reserve(&n, 500, 784);   offset of a 500x784 block
 *     size_t b1 = lk_params_reserve(&n, 1, 500);
 *     lk_params_alloc(&p, n, err);
 * Each block starts on a 64-byte boundary, so views are aligned. */
size_t lk_params_reserve(size_t *n, size_t rows, size_t cols);

/* Allocate w and g with n zeroed elements each. */
lk_status lk_params_alloc(lk_params *p, size_t n, lk_error *err);
void lk_params_free(lk_params *p);

/* Views of a block of values or of its gradient (rows x cols, ld = cols). */
lk_mat lk_params_w(const lk_params *p, size_t offset, size_t rows, size_t cols);
lk_mat lk_params_g(const lk_params *p, size_t offset, size_t rows, size_t cols);

void lk_params_zero_grad(lk_params *p);

/* ||g||_2 over the whole arena. */
double lk_params_grad_norm(const lk_params *p);

/* Global gradient-norm clipping: if ||g|| > max_norm, scale g to max_norm.
 * Returns the norm before clipping.  max_norm <= 0 disables clipping. */
double lk_params_clip(lk_params *p, double max_norm);

/* ---------------------------------------------------------------- optimizers */

typedef struct lk_optim_config {
    double lr;          /* learning rate (step size)                      */
    double momentum;    /* momentum: velocity decay mu                    */
    int nesterov;       /* momentum: 1 for Nesterov's look-ahead form     */
    double beta1;       /* Adam: first-moment decay                        */
    double beta2;       /* Adam: second-moment decay                       */
    double eps;         /* Adam: denominator guard                         */
} lk_optim_config;

typedef struct lk_optim_type {
    const char *name;
    size_t state_per_param;   /* lk_real slots of state per parameter */
    double default_lr;
    /* One step over n parameters; t counts steps from 1. */
    void (*step)(const lk_optim_config *cfg, unsigned long t, size_t n,
                 lk_real *w, const lk_real *g, lk_real *state);
} lk_optim_type;

/* Plain SGD: w <- w - lr g. */
extern const lk_optim_type lk_optim_sgd;
/* Heavy ball: v <- mu v - lr g; w <- w + v.
 * Nesterov (Sutskever's form): v <- mu v - lr g; w <- w + mu v - lr g. */
extern const lk_optim_type lk_optim_momentum;
/* Adam (Kingma & Ba 2015) with bias correction folded into the step size:
 * m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
 * w <- w - lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps). */
extern const lk_optim_type lk_optim_adam;

/* Look an optimizer up by name ("sgd", "momentum", "adam"); LK_EINVAL with
 * the list of names otherwise. */
lk_status lk_optim_parse(const char *name, const lk_optim_type **out,
                         const char *source, lk_error *err);

/* Defaults for a type: its default learning rate, momentum 0.9, no Nesterov,
 * beta1 0.9, beta2 0.999, eps 1e-8. */
lk_optim_config lk_optim_defaults(const lk_optim_type *type);

/* Check a configuration; NULL if fine, else a sentence naming the bad value. */
const char *lk_optim_check(const lk_optim_config *cfg);

typedef struct lk_optim {
    const lk_optim_type *type;
    lk_optim_config cfg;
    size_t n;
    unsigned long t;    /* steps taken */
    lk_real *state;     /* n * state_per_param values, zeroed at init */
} lk_optim;

lk_status lk_optim_init(lk_optim *o, const lk_optim_type *type,
                        const lk_optim_config *cfg, size_t n, lk_error *err);
void lk_optim_step(lk_optim *o, lk_real *w, const lk_real *g);
/* Forget the moments and the step count (for a new training run). */
void lk_optim_reset(lk_optim *o);
void lk_optim_free(lk_optim *o);

#ifdef __cplusplus
}
#endif
#endif
