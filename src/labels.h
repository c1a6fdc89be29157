/* labels.h — building and applying label maps (private). */
#ifndef LEARNKIT_LABELS_H
#define LEARNKIT_LABELS_H

#include <learnkit/data.h>

/* The sorted distinct labels of n_sets arrays of label texts (numerically
 * when all are integers, else by bytes). */
lk_status lki_labels_build(char **const *sets, const size_t *counts, size_t n_sets,
                           lk_labels *out, lk_error *err);

/* y[i] <- class of texts[i]; LK_EFORMAT naming the row for an unknown label. */
lk_status lki_labels_map(const lk_labels *l, char *const *texts, size_t n, uint32_t *y,
                         const char *source, lk_error *err);

/* Whether every class name is an integer (then lookups compare numbers). */
int lki_labels_numeric(const lk_labels *l);
/* 1 with *c the class of text, or 0 when the map lacks it. */
int lki_labels_find(const lk_labels *l, int numeric, const char *text, uint32_t *c);

/* 1 if learnkit knows how to fetch the named dataset (in dataset.c). */
int lki_is_registered(const char *name);

#endif
