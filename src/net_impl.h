/* net_impl.h — limits shared by the network's planning (net.c) and its
 * loader (net_file.c), so that a file can describe no network that could
 * not have been built. */
#ifndef LEARNKIT_NET_IMPL_H
#define LEARNKIT_NET_IMPL_H

#define NET_MAX_LAYERS 1024
#define NET_MAX_WIDTH ((size_t)1 << 30)

#endif
