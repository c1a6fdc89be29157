/* learnkit/loss.h — the one loss module every learner shares.
 *
 * A loss compares a batch of network outputs with a batch of targets (both
 * rows x K, row-major).  Its value is the MEAN over rows of the per-sample
 * loss, and every gradient is the gradient of that mean: the 1/rows factor is
 * applied here and nowhere else.
 *
 *   mse         1/2 ||y - a||^2 per sample
 *   bce         -sum_k y log a + (1 - y) log(1 - a)      (a = sigmoid(z))
 *   softmax-ce  -sum_k y log a                           (a = softmax(z))
 *   perceptron  max_k z_k - z_y   (multiclass; for one output column with
 *               targets in {0,1}: max(0, -t z) with t = 2y - 1)
 *
 * lk_loss_eval() takes the output layer's pre-activation Z, its activation
 * and output A, and returns the mean loss and dZ, the gradient with respect
 * to Z.  Softmax with cross-entropy and sigmoid with binary cross-entropy are
 * fused (dZ = (A - Y) / rows, and the value computed from Z by log-sum-exp),
 * which is both exact and stable; other pairs go through lk_act_backward.
 *
 * The L2 penalty lambda/2 ||W||^2 is separate (it applies to weights, not
 * outputs): lk_l2_value and lk_l2_grad. */
#ifndef LEARNKIT_LOSS_H
#define LEARNKIT_LOSS_H

#include <learnkit/mat.h>
#include <learnkit/activation.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_loss_kind {
    LK_LOSS_MSE = 0,
    LK_LOSS_BCE,
    LK_LOSS_SOFTMAX_CE,
    LK_LOSS_PERCEPTRON,
    LK_LOSS_COUNT
} lk_loss_kind;

/* Parse "mse", "bce", "softmax-ce", "perceptron". */
lk_status lk_loss_parse(const char *text, lk_loss_kind *out, const char *source, lk_error *err);
const char *lk_loss_name(lk_loss_kind kind);

/* Check that a loss fits an output activation: softmax-ce needs softmax,
 * bce needs sigmoid (outputs in (0,1)), perceptron needs identity; mse fits
 * any; an activation with learnable parameters (PReLU) is refused on the
 * output layer, because lk_loss_eval has no access to them.  Returns NULL if
 * fine, else a sentence saying what is wrong. */
const char *lk_loss_check(lk_loss_kind kind, const lk_act *out_act);

/* Mean loss over the rows of Z/A against targets Y; if dz is non-NULL it
 * receives d(mean loss)/dZ (same shape as Z; may alias nothing else).
 * For the perceptron criterion targets are one-hot rows (or one 0/1 column).
 * Non-finite values propagate: callers test the returned value. */
double lk_loss_eval(lk_loss_kind kind, const lk_act *out_act, const lk_mat *z,
                    const lk_mat *a, const lk_mat *y, lk_mat *dz);

/* Number of rows whose argmax of A differs from the argmax of Y: the
 * misclassification count of a batch.  With one column, a row is predicted
 * positive when a >= threshold (0.5 for sigmoid outputs, 0 for scores) and
 * its target is positive when y >= 0.5. */
size_t lk_loss_errors(const lk_mat *a, const lk_mat *y, lk_real threshold);

/* Index of the largest of n values (the first one on ties). */
size_t lk_argmax(const lk_real *v, size_t n);

/* lambda/2 * ||w||^2 over n values, and g <- g + lambda * w. */
double lk_l2_value(double lambda, size_t n, const lk_real *w);
void lk_l2_grad(double lambda, size_t n, const lk_real *w, lk_real *g);

/* ---------------------------------------------------------------- hidden-layer penalties
 *
 * Penalties on a batch of hidden activations H (rows x units) of a sigmoid
 * layer H = sigmoid(X W^T + b), W units x inputs.  Each returns its value
 * and ADDS its gradient with respect to H into dh (and, for the
 * contractive one, with respect to W into gw); the network then carries dh
 * through the activation's derivative as usual.
 *
 *   KL sparsity  beta sum_j KL(rho || rho_j),  rho_j = mean_i H_ij:
 *                  rho log(rho / rho_j) + (1 - rho) log((1 - rho) / (1 - rho_j)),
 *                dH_ij += beta / rows (-rho / rho_j + (1 - rho) / (1 - rho_j))
 *                (rho_j clamped to [1e-7, 1 - 1e-7] so a dead unit stays finite);
 *   contractive  lambda mean_i ||J(x_i)||_F^2, the encoder's Jacobian
 *                J = diag(h (1 - h)) W in closed form for the sigmoid:
 *                lambda / rows sum_ij (H_ij (1 - H_ij))^2 ||W_j||^2,
 *                dH_ij += lambda / rows 2 ||W_j||^2 H_ij (1 - H_ij)(1 - 2 H_ij),
 *                dW_j  += 2 lambda (mean_i (H_ij (1 - H_ij))^2) W_j.
 * The penalties are part of the training objective (gradient-checked with
 * it); reported losses include them.  scratch: 2 x units values. */
double lk_sparsity_penalty(double rho, double beta, const lk_mat *h, lk_mat *dh,
                           lk_real *scratch);
double lk_contractive_penalty(double lambda, const lk_mat *h, const lk_mat *w, lk_mat *dh,
                              lk_mat *gw, lk_real *scratch);

#ifdef __cplusplus
}
#endif
#endif
