/* builtin.c — datasets small enough to live in the library: `xor`, the
 * four corners of the unit square labelled by exclusive or, the classic
 * example of classes no single linear boundary separates.  Its test set is
 * the same four points: the question is whether a learner can fit them. */
#include <stdlib.h>
#include <string.h>
#include "readers.h"

static const lk_real XOR_X[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
static const char *const XOR_Y[4] = { "0", "1", "1", "0" };

int lki_is_builtin(const char *name)
{
    return name && strcmp(name, "xor") == 0;
}

static lk_status xor_rows(lki_rows *r, lk_error *err)
{
    memset(r, 0, sizeof *r);
    lk_status s = lk_mat_alloc(&r->x, 4, 2, err);
    if (s != LK_OK)
        return s;
    r->n = 4;
    r->d = 2;
    r->labels = calloc(4, sizeof *r->labels);
    if (!r->labels) {
        lki_rows_free(r);
        return lk_error_set(err, LK_ENOMEM, "xor", NULL, "out of memory");
    }
    for (size_t i = 0; i < 4; i++) {
        memcpy(lk_mat_row(&r->x, i), XOR_X[i], sizeof XOR_X[i]);
        if (!(r->labels[i] = strdup(XOR_Y[i]))) {
            lki_rows_free(r);
            return lk_error_set(err, LK_ENOMEM, "xor", NULL, "out of memory");
        }
    }
    return LK_OK;
}

lk_status lki_builtin_read(const char *name, lki_rows *train, lki_rows *test, lk_error *err)
{
    if (!lki_is_builtin(name))
        return lk_error_set(err, LK_ENOTFOUND, name, NULL, "not a built-in dataset");
    lk_status s = xor_rows(train, err);
    if (s == LK_OK && (s = xor_rows(test, err)) != LK_OK)
        lki_rows_free(train);
    return s;
}
