/* net_impl.h — what the network's files share privately: the limits of its
 * planning (net.c) that its loader (net_file.c) checks, so that a file can
 * describe no network that could not have been built, the data-parallel
 * epoch (net_parallel.c) behind the training loop (net_train.c), and the
 * layer compatibility test of net_layers.c and the autoencoders'
 * pretrained start (ae.c). */
#ifndef LEARNKIT_NET_IMPL_H
#define LEARNKIT_NET_IMPL_H

#define NET_MAX_LAYERS 1024
#define NET_MAX_WIDTH ((size_t)1 << 30)

#include <learnkit/net.h>

/* Data-parallel training (net_parallel.c), called by net_train.c when the
 * configuration has a world of more than one rank: after the trainer is
 * set up on this rank's rows, learn every rank's rows, plan the steps and
 * broadcast rank 0's parameters; then one epoch of steps, leaving the sum
 * of the loss over every rank's rows in *total and the misses in *errors. */
lk_status lki_net_parallel_init(lk_net_trainer *tr, lk_error *err);
lk_status lki_net_parallel_epoch(lk_net_trainer *tr, double *total, size_t *errors,
                                 size_t *batches, lk_error *err);

/* LK_OK when layer `from` of src could be copied into layer `to` of dst
 * (both exist): the same widths and activation, neither tied; else
 * LK_EINVAL from source, the message naming src's layer as `other`
 * ("the encoder's"). */
lk_status lki_net_layer_fits(const lk_net *dst, size_t to, const lk_net *src, size_t from,
                             const char *source, const char *other, lk_error *err);

#endif
