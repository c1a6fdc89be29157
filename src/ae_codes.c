/* ae_codes.c — codes and reconstruction errors of a trained stack, and the
 * ROC AUC of a score. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <learnkit/ae_codes.h>

/* Rows pushed through the stack at a time. */
#define CODES_BLOCK 512

lk_status lk_ae_codes(const lk_ae_stack *st, const lk_mat *x, lk_mat *out, lk_error *err)
{
    const lk_net *enc = &st->enc;
    if (x->cols != lk_net_inputs(enc) || out->rows != x->rows ||
        out->cols != lk_net_outputs(enc))
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the encoders map %zu values to %zu, not %zu x %zu to %zu x %zu",
                            lk_net_inputs(enc), lk_net_outputs(enc), x->rows, x->cols,
                            out->rows, out->cols);
    if (x->rows == 0)
        return LK_OK;
    lk_net_work w;
    lk_status s = lk_net_work_alloc(&w, enc, x->rows < CODES_BLOCK ? x->rows : CODES_BLOCK, err);
    if (s != LK_OK)
        return s;
    lk_net_predict(enc, &w, x, out);
    lk_net_work_free(&w);
    return LK_OK;
}

int lk_ae_can_reconstruct(const lk_ae_stack *st)
{
    return (st->solver == LK_AE_BACKPROP && st->layers) || st->solver == LK_AE_MDA;
}

/* Mean squared difference per value of each row of a and b. */
static void row_errors(const lk_mat *a, const lk_mat *b, double *score)
{
    for (size_t i = 0; i < a->rows; i++) {
        const lk_real *ra = lk_mat_row(a, i), *rb = lk_mat_row(b, i);
        double s = 0;
        for (size_t j = 0; j < a->cols; j++) {
            double e = (double)ra[j] - (double)rb[j];
            s += e * e;
        }
        score[i] = s / (double)a->cols;
    }
}

lk_status lk_ae_scores(const lk_ae_stack *st, const lk_mat *x, double *score, lk_error *err)
{
    const lk_net *enc = &st->enc;
    size_t L = enc->n_layers, d = lk_net_inputs(enc);
    if (!lk_ae_can_reconstruct(st))
        return lk_error_set(err, LK_EUNSUPPORTED, "ae", NULL,
                            "an ELM autoencoder keeps no decoder, so it has no reconstruction "
                            "error: score with a backprop or mda stack");
    if (x->cols != d)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the stack takes %zu values per row, not %zu", d, x->cols);
    if (x->rows == 0)
        return LK_OK;
    size_t B = x->rows < CODES_BLOCK ? x->rows : CODES_BLOCK;
    lk_net_work w = { 0 };
    /* Decoder outputs: dec[l] is B x (inputs of encoder l); one more for mDA's
     * pre-activation. */
    lk_mat *dec = calloc(L + 1, sizeof *dec);
    lk_status s = dec ? lk_net_work_alloc(&w, enc, B, err)
                      : lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    for (size_t l = 0; s == LK_OK && l < L; l++)
        s = lk_mat_alloc(&dec[l], B, enc->layers[l].in, err);
    for (size_t r = 0; s == LK_OK && r < x->rows; r += B) {
        lk_mat xb = lk_mat_rows(x, r, B), rec;
        size_t n = xb.rows;
        if (st->solver == LK_AE_MDA) {
            rec = lk_mat_rows(&dec[0], 0, n);
            lk_mat codes = lk_mat_rows(&w.a[0], 0, n);
            lk_dense_forward(&enc->layers[0], &enc->params, &xb, &rec, &codes);
        } else {
            rec = lk_net_forward(enc, &w, &xb);
            for (size_t l = L; l-- > 0;) {
                const lk_net *ae = &st->layers[l];
                lk_mat o = lk_mat_rows(&dec[l], 0, n);
                lk_dense_forward(&ae->layers[1], &ae->params, &rec, &o, &o);
                rec = o;
            }
        }
        row_errors(&rec, &xb, score + r);
    }
    if (dec)
        for (size_t l = 0; l < L; l++)
            lk_mat_free(&dec[l]);
    free(dec);
    lk_net_work_free(&w);
    return s;
}

lk_status lk_roc_auc(const double *score, const int *positive, size_t n, double *auc,
                     lk_error *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += positive[i] != 0;
    if (pos == 0 || pos == n)
        return lk_error_set(err, LK_EINVAL, "ROC AUC", NULL,
                            "needs positive and negative rows (%zu of %zu are positive)", pos, n);
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return lk_error_set(err, LK_ENOMEM, "ROC AUC", NULL, "out of memory");
    gsl_sort_index(order, score, 1, n);
    /* Sum of the positives' ranks, tied scores sharing their mean rank. */
    double rank_sum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1, tied_pos = positive[order[i]] != 0;
        while (j < n && score[order[j]] == score[order[i]])
            tied_pos += positive[order[j++]] != 0;
        rank_sum += (double)tied_pos * 0.5 * (double)(i + 1 + j);
        i = j;
    }
    free(order);
    double p = (double)pos, q = (double)(n - pos);
    *auc = (rank_sum - p * (p + 1) / 2) / (p * q);
    return LK_OK;
}
