/* learnkit/names.h — closed sets of names (activations, losses, optimizers,
 * initializations, solvers, formats...) looked up in their tables, with one
 * message for a name that is not there, listing what is:
 *     unknown loss 'mae' (expected mse, bce, softmax-ce or perceptron)
 *
 * A table is described, not copied: the address of the first name, the
 * bytes from one name to the next (sizeof an entry, for a table of structs;
 * sizeof (char *) for an array of names) and the count.  NULL names are
 * holes (an enum without a name) and are skipped.  An optional hint per
 * entry, at the same stride, follows its name in the list ("leakyrelu[:g]"). */
#ifndef LEARNKIT_NAMES_H
#define LEARNKIT_NAMES_H

#include <stddef.h>
#include <learnkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_names {
    const char *what;           /* what a name names: "loss", "value" */
    const char *const *first;   /* the first entry's name */
    size_t stride;              /* bytes between two entries' names */
    size_t n;                   /* entries */
    const char *const *hint;    /* the first entry's hint (same stride), or NULL */
} lk_names;

/* A table that is an array of names (a fixed-size array, not a pointer). */
#define LK_NAMES_ARRAY(what, array) \
    ((lk_names){ (what), (array), sizeof *(array), sizeof(array) / sizeof *(array), NULL })

/* The index of text in t (*out), or LK_EINVAL with source as the error's
 * source: "unknown WHAT 'text' (expected a, b or c)". */
lk_status lk_names_find(const lk_names *t, const char *text, const char *source, int *out,
                        lk_error *err);

/* "a, b or c" (each name followed by its hint) into buf of size bytes,
 * truncated to fit and always terminated; returns buf. */
char *lk_names_list(const lk_names *t, char *buf, size_t size);

/* Name k of t, or NULL for a hole or k out of range. */
const char *lk_names_at(const lk_names *t, size_t k);

#ifdef __cplusplus
}
#endif
#endif
