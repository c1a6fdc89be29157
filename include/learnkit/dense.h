/* learnkit/dense.h — the fully connected layer every network is built from.
 *
 * A layer maps a batch X (batch x in) to Z = X W^T + b and A = f(Z)
 * (batch x out).  W (out x in), b (out) and, for PReLU, the slopes (out) are
 * views into a parameter arena (learnkit/optim.h) at offsets the layer
 * records, so a network's parameters stay one vector.
 *
 * The three GEMMs, all row-major on contiguous blocks:
 *     forward    Z  = X W^T + b
 *     weights    dW += dZ^T X          (accumulates: the caller zeroes g per batch)
 *     input      dX = dZ W
 *
 * A TIED layer has no weights of its own: it reads the weights of another
 * layer (in x out there, i.e. out x in transposed), so a tied decoder is the
 * encoder's W used with the other transpose, never a copy:
 *     forward    Z  = X W_enc + b
 *     weights    dW_enc += X^T dZ      (both uses accumulate into one gradient)
 *     input      dX = dZ W_enc^T */
#ifndef LEARNKIT_DENSE_H
#define LEARNKIT_DENSE_H

#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/blas.h>
#include <learnkit/activation.h>
#include <learnkit/optim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LK_NO_OFFSET ((size_t)-1)

typedef struct lk_dense {
    size_t in, out;
    lk_act act;
    size_t w;       /* arena offset of W (out x in), or of the tied encoder's (out_enc x in_enc) */
    size_t b;       /* arena offset of b (out values) */
    size_t gamma;   /* arena offset of PReLU slopes (out values), or LK_NO_OFFSET */
    int tied;       /* 1: W belongs to another layer and is used transposed */
} lk_dense;

typedef enum lk_init_kind {
    LK_INIT_AUTO = 0,   /* He for the ReLU family, Glorot otherwise */
    LK_INIT_HE,         /* normal, std sqrt(2 / in)                  */
    LK_INIT_HE_UNIFORM, /* uniform +- sqrt(6 / in)                   */
    LK_INIT_GLOROT,     /* uniform +- sqrt(6 / (in + out))           */
    LK_INIT_GLOROT_NORMAL, /* normal, std sqrt(2 / (in + out))       */
    LK_INIT_LECUN,      /* normal, std sqrt(1 / in)                  */
    LK_INIT_COUNT
} lk_init_kind;

/* Parse "auto", "he", "he-uniform", "glorot", "glorot-normal", "lecun". */
lk_status lk_init_parse(const char *text, lk_init_kind *out, const char *source, lk_error *err);
const char *lk_init_name(lk_init_kind kind);

/* Plan a layer in an arena of *n parameters (see lk_params_reserve). */
void lk_dense_plan(lk_dense *l, size_t *n, size_t in, size_t out, lk_act act);
/* Plan a layer tied to enc: in = enc->out, out = enc->in; only b (and PReLU
 * slopes) are reserved. */
void lk_dense_plan_tied(lk_dense *l, size_t *n, const lk_dense *enc, lk_act act);

/* Draw W by the scheme (LK_INIT_AUTO picks by the activation), zero b, set
 * PReLU slopes to act.gamma.  A tied layer only resets b and slopes. */
void lk_dense_init(const lk_dense *l, lk_params *p, lk_init_kind kind, gsl_rng *rng);

/* Views of the layer's parameters and gradients.  For a tied layer W is the
 * encoder's block (out_enc x in_enc). */
lk_mat lk_dense_w(const lk_dense *l, const lk_params *p);
lk_mat lk_dense_gw(const lk_dense *l, const lk_params *p);
lk_real *lk_dense_b(const lk_dense *l, const lk_params *p);
lk_real *lk_dense_gb(const lk_dense *l, const lk_params *p);
const lk_real *lk_dense_gamma(const lk_dense *l, const lk_params *p); /* NULL unless PReLU */

/* The affine map and activation every layer shares: Z <- X op(W) + 1 b^T,
 * A <- f(Z), with op(W) = W^T (W out x in) or W (W in x out, tw = LK_NOTRANS).
 * The bias is broadcast into Z first and the GEMM adds to it, so it costs no
 * pass of its own (a GEMM with beta = 0 clears Z first anyway).  b NULL: no
 * bias.  gamma: PReLU slopes or NULL.  A may equal Z.  LK_EINVAL (nothing
 * computed) when the shapes disagree. */
lk_status lk_affine_forward(const lk_mat *x, const lk_mat *w, lk_trans tw, const lk_real *b,
                           const lk_act *act, const lk_real *gamma, lk_mat *z, lk_mat *a);

/* Z <- X W^T + b and A <- f(Z).  X: batch x in; Z, A: batch x out (A may
 * equal Z when the caller needs no pre-activation, i.e. inference). */
void lk_dense_forward(const lk_dense *l, const lk_params *p, const lk_mat *x,
                      lk_mat *z, lk_mat *a);

/* dZ <- dA * f'(Z) (dZ may be dA), accumulating PReLU slope gradients. */
void lk_dense_backward_act(const lk_dense *l, lk_params *p, const lk_mat *z,
                           const lk_mat *a, const lk_mat *da, lk_mat *dz);

/* Given dZ, accumulate dW and db into the arena's gradient, and if dx is not
 * NULL set dX = dZ W (batch x in).  ones: dz->rows values equal to 1, held
 * by the caller, for the bias column sum as a GEMV. */
void lk_dense_backward(const lk_dense *l, lk_params *p, const lk_mat *x,
                       const lk_mat *dz, lk_mat *dx, const lk_real *ones);

#ifdef __cplusplus
}
#endif
#endif
