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
 * Closed form, the sums (H^T H, H^T X, S) formed by the streamed ridge of
 * learnkit/ridge.h: float products on shifted rows, accumulated and
 * corrected in double; the solves in double:
 *   lk_ae_elm: random orthogonal A (hidden x in), random b, H = f(X A^T + b),
 *     beta (hidden x in) = (H^T H + I/C)^-1 H^T X by the streamed ridge of
 *     learnkit/ridge.h (H in blocks, never whole); the encoder is x -> f(beta x).
 *   lk_ae_mda: the mDA of Chen et al. (2012): with x~ = [x; 1] and masking
 *     probability p, q = [1-p, ..., 1-p, 1], S = X~^T X~,
 *     Q = S .* q q^T with diagonal q_i S_ii, P = S(1:d, :) .* q^T,
 *     W (d x d+1) = P (Q + reg I)^-1, by Cholesky.
 * Both read their rows from an lk_blocks source (learnkit/rows.h: a file
 * streamed, or a matrix in memory) in one pass: lk_ae_elm_blocks and
 * lk_ae_mda_blocks; lk_ae_elm and lk_ae_mda are those on a matrix.  With a
 * communicator, each rank passes over its own share of the rows and the
 * sums are added over the ranks (the ridge's one reduction), so every rank
 * solves for the model of one process on all the rows.
 *
 * A trained stack is an lk_ae_stack: its encoders as one lk_net (layer l
 * maps the codes of layer l-1 to those of layer l), whatever the solver:
 *   backprop  layer l is the trained encoder f(W x + b);
 *   elm       layer l is f(beta x), beta the ELM autoencoder's output
 *             weights, with a zero bias;
 *   mda       layer l is tanh(W x + c), W (d x d) and c the mDA map.
 * Backprop stacks also keep each layer's whole autoencoder (encoder and
 * decoder, tied or not), and a stack trained with a classifier keeps the
 * softmax layer on its last codes.  lk_ae_save / lk_ae_load put it in a
 * model of kind "ae":
 *   arch.inputs        the input width (the first of enc.arch.sizes)
 *   arch.classes       with a classifier: its number of outputs
 *   arch.solver        "backprop", "elm" or "mda"
 *   enc.*              the encoder network (lk_net_save with prefix "enc.")
 *   dec.L.activation   backprop: layer L's decoder activation
 *   dec.L.tied         1 if it uses the encoder's W transposed
 *   dec.L.w            untied: its weights (inputs x codes)
 *   dec.L.b            its bias (inputs); dec.L.gamma for PReLU
 *   clf.*              the classifier (lk_net_save with prefix "clf.")
 * and the "ae" predictor classifies with encoder then softmax; it refuses a
 * stack without a classifier. */
#ifndef LEARNKIT_AE_H
#define LEARNKIT_AE_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/blas.h>
#include <learnkit/activation.h>
#include <learnkit/data.h>
#include <learnkit/net.h>
#include <learnkit/predictor.h>

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
 * (weights zeroed: call lk_net_init).  LK_EINVAL for zero sizes, a softmax
 * encoder or decoder, or a tied decoder on a PReLU encoder (the rules
 * lk_ae_load applies to a file); LK_ENOMEM. */
lk_status lk_ae_build(lk_net *net, size_t n_in, size_t hidden, lk_act enc, lk_act dec,
                      int tied, lk_error *err);

/* ELM autoencoder.  x: n x d.  beta: hidden x d (allocated by the caller).
 * C > 0 the ridge constant.  LK_ENUMERIC when the Gram matrix is singular. */
lk_status lk_ae_elm(const lk_mat *x, size_t hidden, lk_act act, double C, gsl_rng *rng,
                    lk_mat *beta, lk_error *err);

/* Marginalized denoising autoencoder.  x: n x d, n > 0; p in [0, 1); reg >= 0
 * added to Q's diagonal (except the bias entry).  w: d x (d + 1), its last
 * column the bias; reconstruction x -> W [x; 1].  LK_ENUMERIC when Q is
 * singular (reg = 0 and a constant input, say). */
lk_status lk_ae_mda(const lk_mat *x, double p, double reg, lk_matd *w, lk_error *err);

/* The same fits from row blocks of src->d columns (rewound, then read to
 * the end once; the blocks' classes are not used), memory independent of
 * the number of rows.  The rows are summed in chunks of 2048 whatever the
 * source's blocks, so the same rows in blocks of any size give the same
 * bytes (a matrix is a source of one block: lk_ae_elm and lk_ae_mda are
 * these).  comm NULL: the blocks are all the rows.  Else they
 * are this rank's share, every rank calls with the same arguments (a
 * collective), and every rank gets the model of one process on all the
 * rows: the sums are reduced once, and mDA's bias entry of S counts the
 * rows of every rank.  A rank may have no rows; no rows on any rank is
 * LK_EINVAL.  lk_ae_elm_blocks draws A and b from rng before it reads a
 * row, so the same seed on every rank gives the same draws.  The errors
 * of lk_ae_elm and lk_ae_mda, the source's, and the first failing rank's
 * on every rank. */
struct lk_blocks;
lk_status lk_ae_elm_blocks(const struct lk_blocks *src, size_t hidden, lk_act act, double C,
                           gsl_rng *rng, const lk_comm *comm, lk_mat *beta, lk_error *err);
lk_status lk_ae_mda_blocks(const struct lk_blocks *src, double p, double reg,
                           const lk_comm *comm, lk_matd *w, lk_error *err);

/* Floating-point operations of lk_ae_elm and lk_ae_mda on n rows of d values
 * (multiply and add counted apart): what their GEMMs, SYRKs and
 * factorizations do. */
double lk_ae_elm_flops(size_t n, size_t d, size_t hidden);
double lk_ae_mda_flops(size_t n, size_t d);

/* ---------------------------------------------------------------- stacks */

typedef enum lk_ae_solver { LK_AE_BACKPROP, LK_AE_ELM, LK_AE_MDA } lk_ae_solver;

/* "backprop", "elm", "mda"; NULL when out of range. */
const char *lk_ae_solver_name(lk_ae_solver s);

typedef struct lk_ae_stack {
    lk_ae_solver solver;
    lk_net enc;         /* L encoder layers, finished */
    lk_net *layers;     /* backprop: L autoencoders (lk_ae_build), layer 0 of
                           each equal to enc's layer l; NULL otherwise */
    int has_clf;
    lk_net clf;         /* one softmax layer on the last codes, if has_clf */
} lk_ae_stack;

void lk_ae_stack_free(lk_ae_stack *st);

/* Initialize the first enc->n_layers layers of net (for example an MLP
 * built by lk_mlp_build) from a stack's encoders, by lk_net_copy_layer: the
 * pretrain-then-fine-tune start.  LK_EINVAL naming the layer and both widths
 * or activations when they differ, or when net has too few layers. */
lk_status lk_ae_init_net(lk_net *net, const lk_net *enc, lk_error *err);

/* A new model of kind "ae" holding the stack and, when not NULL, the
 * preprocessing and label map.  LK_EINVAL for an inconsistent stack. */
lk_status lk_ae_save(const lk_ae_stack *st, const lk_prep *prep, const lk_labels *labels,
                     lk_model **out, lk_error *err);

/* Rebuild a stack from a model of kind "ae", checked as learnkit/model.h
 * says: the solver name, every width, activation (by lk_ae_build's rules)
 * and array shape before allocating, finite parameters (LK_EFORMAT with the
 * file as source and the key as place, LK_ENOTFOUND for a missing entry;
 * nothing to free after an error). */
lk_status lk_ae_load(const lk_model *m, lk_ae_stack *st, lk_error *err);

/* The predictor of kind "ae" (learnkit/predictor.h): encoders then the
 * softmax; loading refuses a stack without a classifier (LK_EUNSUPPORTED). */
extern const lk_predictor_type lk_ae_predictor;

#ifdef __cplusplus
}
#endif
#endif
