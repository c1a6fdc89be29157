/* rowops.c — row-vector passes over blocks that the hot loops need beside
 * BLAS, built with the vectorizer on (mk/core.am: libkernels). */
#include <learnkit/blas.h>
#include "vecmath.h"

LK_VEC_CLONES
void lk_shift_rows(const lk_mat *z, const lk_real *c, lk_mat *out, double *sums)
{
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *restrict zi = lk_mat_row(z, i);
        lk_real *restrict oi = lk_mat_row(out, i);
        double *restrict s = sums;
        for (size_t j = 0; j < z->cols; j++) {
            s[j] += zi[j];
            oi[j] = zi[j] - c[j];
        }
    }
}
