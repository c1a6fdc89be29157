/* learnkit/mlp.h — the multilayer perceptron classifier.
 *
 * An MLP is an lk_net (learnkit/net.h) whose hidden layers use the chosen
 * activations and whose output layer has one unit per class with the
 * activation its loss needs:
 *     softmax-ce  softmax        bce  sigmoid
 *     mse         sigmoid        perceptron  identity
 * (an explicit output activation may be given instead; lk_loss_check
 * decides whether it fits).  Targets are one-hot rows (lk_onehot, learnkit/data.h).  Training is the
 * generic lk_net_trainer loop; this module adds what is specific to
 * classification: building the network from sizes and activation names,
 * accuracy, and the "mlp" model file and predictor.
 *
 * Model file entries (kind "mlp"): arch.inputs, arch.classes, arch.sizes,
 * arch.activations, arch.tied, w.L, b.L, gamma.L, with batch norm
 * arch.batchnorm and bn.*.L (see lk_net_save), and arch.loss (the loss
 * name). */
#ifndef LEARNKIT_MLP_H
#define LEARNKIT_MLP_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/data.h>
#include <learnkit/net.h>
#include <learnkit/predictor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The hidden width when none is given: rows / 100 within [100, 500], so a
 * few hundred rows get scikit-learn's 100 units and MNIST's 60000 the
 * classic 500. */
#define LK_MLP_HIDDEN_MIN 100
#define LK_MLP_HIDDEN_MAX 500
size_t lk_mlp_auto_hidden(size_t rows);

/* The output activation a loss pairs with by default (table above). */
lk_act lk_mlp_output_act(lk_loss_kind loss);

/* Plan and allocate (not initialize) an MLP: n_in inputs, n_hidden hidden
 * layers of the given widths, n_out outputs.  acts holds n_acts activations:
 * 1 (used for every hidden layer) or n_hidden.  out_act: the output
 * activation, or NULL for the loss's default.  LK_EINVAL naming the problem
 * for a bad count, a width of 0, PReLU on the output, or an output
 * activation that does not fit the loss. */
lk_status lk_mlp_build(lk_net *net, size_t n_in, size_t n_hidden, const size_t *hidden,
                       size_t n_acts, const lk_act *acts, size_t n_out,
                       const lk_act *out_act, lk_loss_kind loss, lk_error *err);

/* Fraction of rows of x whose argmax output equals y, in batches of the
 * workspace's size. */
double lk_mlp_accuracy(const lk_net *net, lk_net_work *w, const lk_mat *x, const uint32_t *y);

/* A new "mlp" model holding arch.inputs, arch.classes (the output width),
 * the network, the loss name and, when not NULL, the preprocessing and
 * label map (*out NULL and LK_ENOMEM on failure). */
lk_status lk_mlp_save(const lk_net *net, lk_loss_kind loss, const lk_prep *prep,
                      const lk_labels *labels, lk_model **out, lk_error *err);

/* Rebuild the network of an "mlp" model; *loss receives its loss (may be
 * NULL).  Checked as learnkit/model.h says, by lk_mlp_build's own rules (no
 * softmax hidden layer, an output that fits the loss); LK_EFORMAT with the
 * file as source and the key as place; nothing to free after an error. */
lk_status lk_mlp_load(const lk_model *m, lk_net *net, lk_loss_kind *loss, lk_error *err);

/* The predictor of kind "mlp" (scores: the output activations). */
extern const lk_predictor_type lk_mlp_predictor;

#ifdef __cplusplus
}
#endif
#endif
