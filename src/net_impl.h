/* net_impl.h — limits shared by the network's planning (net.c) and its
 * loader (net_file.c), so that a file can describe no network that could
 * not have been built; the layer compatibility test shared by
 * net_layers.c and the autoencoders' pretrained start (ae.c). */
#ifndef LEARNKIT_NET_IMPL_H
#define LEARNKIT_NET_IMPL_H

#define NET_MAX_LAYERS 1024
#define NET_MAX_WIDTH ((size_t)1 << 30)

#include <learnkit/net.h>

/* LK_OK when layer `from` of src could be copied into layer `to` of dst
 * (both exist): the same widths and activation, neither tied; else
 * LK_EINVAL from source, the message naming src's layer as `other`
 * ("the encoder's"). */
lk_status lki_net_layer_fits(const lk_net *dst, size_t to, const lk_net *src, size_t from,
                             const char *source, const char *other, lk_error *err);

#endif
