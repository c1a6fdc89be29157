/* net_extra.h — batch normalization and dropout inside the network's
 * passes (private; the contract is lk_net_extra in learnkit/net.h). */
#ifndef LEARNKIT_NET_EXTRA_H
#define LEARNKIT_NET_EXTRA_H

#include <gsl/gsl_rng.h>
#include <learnkit/net.h>

/* Resize net->extra (when present) to cap entries, new ones empty. */
lk_status lki_net_extra_grow(lk_net *net, size_t cap);
/* Batch-norm parameters back to scale 1, shift 0; running mean 0, variance 1. */
void lki_bn_reset(lk_net *net);
/* The extra entry of layer l with batch norm, or NULL. */
const lk_net_extra *lki_bn_of(const lk_net *net, size_t l);
/* Whether layer l carries a sparsity or contractive penalty. */
int lki_has_penalty(const lk_net *net, size_t l);
/* Add layer l's penalties (activations a, rows of the batch) to the loss:
 * returns their value, adds their gradients to da and the arena. */
double lki_penalty(lk_net *net, size_t l, const lk_mat *a, lk_mat *da, lk_mat *scratch);
/* Dropout probability of layer l (0 without). */
double lki_dropout_of(const lk_net *net, size_t l);

/* Training: z (rows x out, pre-activations) becomes y; xhat receives the
 * normalized values, bnv rows 0 and 1 the batch mean and 1/std; with stats
 * (the layer's running mean then variance) not NULL they are updated. */
void lki_bn_forward_train(const lk_real *scale, const lk_real *shift, lk_mat *z, lk_mat *xhat,
                          lk_mat *bnv, const lk_real *ones, lk_real *stats);
/* Inference: z becomes y by the running statistics. */
void lki_bn_forward_infer(const lk_real *scale, const lk_real *shift, const lk_real *stats,
                          lk_mat *z);
/* dy (rows x out, d loss / d y) becomes d loss / d z in place; the scale
 * and shift gradients are added to gscale, gshift. */
void lki_bn_backward(const lk_real *scale, const lk_mat *xhat, lk_mat *bnv, lk_mat *dy,
                     const lk_real *ones, lk_real *gscale, lk_real *gshift);

/* Inverted dropout: mask <- 0 or 1/(1-p) drawn from rng, ad <- a * mask. */
void lki_dropout_forward(const lk_mat *a, lk_mat *mask, lk_mat *ad, double p, gsl_rng *rng);
/* da <- da * mask. */
void lki_dropout_backward(const lk_mat *mask, lk_mat *da);

/* Saving and loading the batch-norm entries under prefix:
 * PREFIXarch.batchnorm (one 0/1 per layer), PREFIXbn.scale.L,
 * PREFIXbn.shift.L, PREFIXbn.mean.L, PREFIXbn.var.L.  Nothing is written
 * for a network without batch norm; a file without them loads as such. */
lk_status lki_net_save_extra(const lk_net *net, lk_model *m, const char *prefix, lk_error *err);
lk_status lki_net_load_extra(lk_net *net, const lk_model *m, const char *prefix, lk_error *err);

#endif
