/* dropout.c — inverted dropout of a batch of activations (training only).
 * Keeping each value with probability 1 - p and scaling the kept ones by
 * 1/(1 - p) leaves every expected activation unchanged, so inference uses
 * the network as it is. */
#include <learnkit/mat.h>
#include "net_extra.h"

void lki_dropout_forward(const lk_mat *a, lk_mat *mask, lk_mat *ad, double p, gsl_rng *rng)
{
    const lk_real keep = (lk_real)(1.0 / (1.0 - p));
    for (size_t i = 0; i < a->rows; i++) {
        const lk_real *ar = lk_mat_row(a, i);
        lk_real *mr = lk_mat_row(mask, i), *dr = lk_mat_row(ad, i);
        for (size_t j = 0; j < a->cols; j++)
            mr[j] = gsl_rng_uniform(rng) < p ? 0 : keep;
        for (size_t j = 0; j < a->cols; j++)
            dr[j] = ar[j] * mr[j];
    }
}

void lki_dropout_backward(const lk_mat *mask, lk_mat *da)
{
    for (size_t i = 0; i < da->rows; i++) {
        const lk_real *mr = lk_mat_row(mask, i);
        lk_real *dr = lk_mat_row(da, i);
        for (size_t j = 0; j < da->cols; j++)
            dr[j] *= mr[j];
    }
}
