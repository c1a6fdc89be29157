/* prep_impl.h — shared by prep.c and prep_acc.c (private). */
#ifndef LEARNKIT_PREP_IMPL_H
#define LEARNKIT_PREP_IMPL_H

#include <learnkit/data.h>

/* A scaling of d features of the given kind: shift 0, factor 1. */
lk_status lki_prep_alloc(lk_prep *p, lk_scale_kind kind, size_t d, lk_error *err);

#endif
