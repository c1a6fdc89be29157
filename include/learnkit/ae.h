/* learnkit/ae.h — autoencoders: backprop-trained (on lk_net, learnkit/net.h)
 * and closed form (ELM autoencoder, marginalized denoising autoencoder).
 *
 * A backprop autoencoder is an lk_net of two layers, encoder (in -> hidden)
 * and decoder (hidden -> in), the decoder optionally tied to the encoder's W
 * (lk_net_add_tied: the same W used transposed, one gradient).  It is trained
 * by lk_net_trainer with the inputs as targets; denoising sets the trainer's
 * corrupt hook to lk_ae_corrupt with an lk_ae_noise context, so each batch's
 * input copy is corrupted while the target stays clean.
 *
 * Closed form, all in double:
 *   lk_ae_elm: random orthogonal A (hidden x in), random b, H = f(X A^T + b),
 *     beta (hidden x in) = (H^T H + I/C)^-1 H^T X; the encoder is x -> f(beta x).
 *   lk_ae_mda: the mDA of Chen et al. (2012): with x~ = [x; 1] and masking
 *     probability p, q = [1-p, ..., 1-p, 1], S = X~^T X~,
 *     Q = S .* q q^T with diagonal q_i S_ii, P = S(1:d, :) .* q^T,
 *     W (d x d+1) = P (Q + reg I)^-1, by Cholesky. */
#ifndef LEARNKIT_AE_H
#define LEARNKIT_AE_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/blas.h>
#include <learnkit/activation.h>
#include <learnkit/net.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_ae_noise_kind { LK_AE_NOISE_NONE, LK_AE_NOISE_MASK, LK_AE_NOISE_GAUSS } lk_ae_noise_kind;

/* Masking: each input zeroed with probability level; gauss: N(0, level^2) added. */
typedef struct lk_ae_noise {
    lk_ae_noise_kind kind;
    double level;
} lk_ae_noise;

/* An lk_net_corrupt_fn; ctx is a const lk_ae_noise *. */
void lk_ae_corrupt(lk_mat *xb, void *ctx, gsl_rng *rng);

/* Plan and finish a one-hidden-layer autoencoder n_in -> hidden -> n_in
 * (weights zeroed: call lk_net_init).  LK_EINVAL for zero sizes; LK_ENOMEM. */
lk_status lk_ae_build(lk_net *net, size_t n_in, size_t hidden, lk_act enc, lk_act dec,
                      int tied, lk_error *err);

/* Codes of x under the encoder (layer 0) of net: out is x->rows x hidden. */
lk_status lk_ae_encode(const lk_net *net, const lk_mat *x, lk_mat *out, lk_error *err);

/* ELM autoencoder.  x: n x d.  beta: hidden x d (allocated by the caller).
 * C > 0 the ridge constant.  LK_ENUMERIC when the Gram matrix is singular. */
lk_status lk_ae_elm(const lk_mat *x, size_t hidden, lk_act act, double C, gsl_rng *rng,
                    lk_mat *beta, lk_error *err);

/* Marginalized denoising autoencoder.  x: n x d; p in [0, 1); reg >= 0 added
 * to Q's diagonal (except the bias entry).  w: d x (d + 1), its last column the
 * bias; reconstruction x -> W [x; 1]. */
lk_status lk_ae_mda(const lk_mat *x, double p, double reg, lk_matd *w, lk_error *err);

/* Ridge solve in double: B (k x m) = (A^T A + lambda I)^-1 A^T Y for A n x k,
 * Y n x m. */
lk_status lk_ae_ridge(const lk_matd *a, const lk_matd *y, double lambda, lk_matd *b,
                      lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
