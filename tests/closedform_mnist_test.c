/* closedform_mnist_test.c — accuracy of elm and lsq on MNIST with the
 * defaults a user gets.  Thresholds are the targets: elm with 1000 sigmoid
 * units (ridge: the cheaper solver; svd reaches the same figure, see the
 * bench) at least 93.0% test accuracy, lsq at least 85.5%.  Skips (77)
 * when MNIST is not on learnkit's search path. */
#include <stdio.h>
#include <stdlib.h>
#include <learnkit.h>

static double accuracy(const lk_mat *s, const uint32_t *y)
{
    size_t right = 0;
    for (size_t i = 0; i < s->rows; i++)
        right += lk_argmax(lk_mat_row(s, i), s->cols) == y[i];
    return (double)right / (double)s->rows;
}

int main(void)
{
    char *dir = NULL;
    lk_error err;
    if (lk_data_find("mnist", NULL, &dir, &err) != LK_OK) {
        printf("SKIP: MNIST not found (set LEARNKIT_DATA to a directory holding mnist/)\n");
        return 77;
    }
    free(dir);
    lk_blas_set_threads(2);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 1);
    lk_data_options o = lk_data_options_default();
    lk_split sp;
    lk_prep prep;
    if (lk_data_load("mnist", &o, g, &sp, &err) != LK_OK ||
        lk_prep_fit(&prep, o.scale, sp.format, &sp.train.x, &err) != LK_OK) {
        char buf[1024];
        fprintf(stderr, "%s\n", lk_error_format(&err, buf, sizeof buf));
        return 1;
    }
    lk_prep_apply(&prep, &sp.train.x);
    lk_prep_apply(&prep, &sp.test.x);
    size_t k = sp.labels.k;
    lk_mat sc;
    lk_mat_alloc(&sc, sp.test.n, k, NULL);
    int fail = 0;

    lk_lsq lsq;
    lk_lsq_params lp = lk_lsq_params_default();
    if (lk_lsq_fit(&lsq, &lp, &sp.train.x, sp.train.y, k, NULL, &err) != LK_OK)
        return 1;
    lk_lsq_scores(&lsq, &sp.test.x, &sc, NULL);
    double a = accuracy(&sc, sp.test.y);
    printf("lsq test accuracy %.4f (threshold 0.855)\n", a);
    fail |= a < 0.855;
    lk_lsq_free(&lsq);

    lk_elm elm;
    lk_elm_params ep = lk_elm_params_default();
    ep.solver = LK_ELM_RIDGE;
    if (lk_elm_fit(&elm, &ep, &sp.train.x, sp.train.y, k, g, NULL, &err) != LK_OK)
        return 1;
    lk_elm_scores(&elm, &sp.test.x, &sc, NULL);
    a = accuracy(&sc, sp.test.y);
    printf("elm --hidden 1000 --solver ridge test accuracy %.4f (threshold 0.930)\n", a);
    fail |= a < 0.930;
    lk_elm_free(&elm);

    lk_mat_free(&sc);
    lk_prep_free(&prep);
    lk_split_free(&sp);
    gsl_rng_free(g);
    return fail;
}
