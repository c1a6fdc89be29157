/* testhelp.c — shared test utilities (see testhelp.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "testhelp.h"

gsl_rng *th_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

void th_fill_uniform(lk_mat *m, gsl_rng *r, double lo, double hi)
{
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++)
            LK_AT(m, i, j) = (lk_real)(lo + (hi - lo) * gsl_rng_uniform(r));
}

lk_mat th_mat_padded(size_t rows, size_t cols, size_t pad, gsl_rng *r)
{
    lk_mat base;
    ck_assert_int_eq(lk_mat_alloc(&base, rows, cols + pad, NULL), LK_OK);
    /* Poison the padding so a routine that reads it shows up in the result. */
    lk_mat_fill(&base, (lk_real)1e30);
    lk_mat m = lk_mat_cols(&base, 0, cols);
    th_fill_uniform(&m, r, -1, 1);
    m.owner = 1;
    m.data = base.data;
    return m;
}

void th_naive_gemm(lk_trans ta, lk_trans tb, double alpha, const lk_mat *a, const lk_mat *b,
                   double beta, lk_mat *c)
{
    size_t k = ta == LK_TRANS ? a->rows : a->cols;
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < c->cols; j++) {
            double s = 0;
            for (size_t p = 0; p < k; p++) {
                double x = ta == LK_TRANS ? LK_AT(a, p, i) : LK_AT(a, i, p);
                double y = tb == LK_TRANS ? LK_AT(b, j, p) : LK_AT(b, p, j);
                s += x * y;
            }
            LK_AT(c, i, j) = (lk_real)(alpha * s + (beta == 0 ? 0 : beta * LK_AT(c, i, j)));
        }
}

double th_max_abs_diff(const lk_mat *a, const lk_mat *b)
{
    double d = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            double e = fabs((double)LK_AT(a, i, j) - (double)LK_AT(b, i, j));
            d = e > d ? e : d;
        }
    return d;
}

double th_rel_diff(const lk_mat *a, const lk_mat *b)
{
    double top = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            top = fmax(top, fabs((double)LK_AT(a, i, j)));
    return th_max_abs_diff(a, b) / (top > 0 ? top : 1);
}

double th_grad_check(th_objective f, void *ctx, lk_real *w, const lk_real *g, size_t n,
                     double step)
{
    double diff2 = 0, ga2 = 0, gn2 = 0;
    for (size_t i = 0; i < n; i++) {
        lk_real keep = w[i];
        /* Scale the step to the parameter so large weights keep precision. */
        double h = step * (fabs((double)keep) > 1 ? fabs((double)keep) : 1);
        w[i] = (lk_real)(keep + h);
        double hp = (double)w[i] - keep;
        double fp = f(ctx);
        w[i] = (lk_real)(keep - h);
        double hm = keep - (double)w[i];
        double fm = f(ctx);
        w[i] = keep;
        double num = (fp - fm) / (hp + hm);
        double d = num - (double)g[i];
        diff2 += d * d;
        ga2 += (double)g[i] * g[i];
        gn2 += num * num;
    }
    double denom = sqrt(ga2) + sqrt(gn2);
    return sqrt(diff2) / (denom > 1e-12 ? denom : 1e-12);
}

char *th_temp_file(const void *bytes, size_t n, const char *suffix)
{
    char tmpl[256];
    snprintf(tmpl, sizeof tmpl, "/tmp/lktestXXXXXX%s", suffix ? suffix : "");
    int fd = mkstemps(tmpl, suffix ? (int)strlen(suffix) : 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((long)write(fd, bytes, n), (long)n);
    close(fd);
    return strdup(tmpl);
}

int th_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char th_tmpdir[64];

void th_tmpdir_setup(void)
{
    snprintf(th_tmpdir, sizeof th_tmpdir, "/tmp/lktestXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(th_tmpdir));
}

void th_tmpdir_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", th_tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

char *th_write(const char *name, const void *bytes, size_t n, int gz)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", th_tmpdir, name);
    if (gz) {
        gzFile g = gzopen(path, "wb");
        ck_assert_ptr_nonnull(g);
        ck_assert_int_eq(gzwrite(g, bytes, (unsigned)n), (int)n);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
        fclose(f);
    }
    return path;
}

lk_model *th_model_copy(const lk_model *m, const char *kind, const char *skip)
{
    lk_model *c = lk_model_new(kind ? kind : lk_model_kind(m));
    for (size_t i = 0; c && i < lk_model_count(m); i++) {
        lk_entry_info e;
        lk_model_entry(m, i, &e);
        if (skip && strcmp(e.key, skip) == 0)
            continue;
        switch (e.type) {
        case LK_ENTRY_INT: lk_model_put_int(c, e.key, e.i, NULL); break;
        case LK_ENTRY_REAL: lk_model_put_real(c, e.key, e.r, NULL); break;
        case LK_ENTRY_STR: lk_model_put_str(c, e.key, e.s, NULL); break;
        case LK_ENTRY_STRS: lk_model_put_strs(c, e.key, e.n_strs, e.strs, NULL); break;
        case LK_ENTRY_ARRAY: {
            size_t n = e.rows * e.cols;
            if (e.elem_size == sizeof(double) && e.rows == 1) {
                double *v = malloc((n ? n : 1) * sizeof *v);
                for (size_t k = 0; k < n; k++)
                    v[k] = lk_model_array_value(m, i, k);
                lk_model_put_dvec(c, e.key, n, v, NULL);
                free(v);
            } else {
                lk_real *v = malloc((n ? n : 1) * sizeof *v);
                for (size_t k = 0; k < n; k++)
                    v[k] = (lk_real)lk_model_array_value(m, i, k);
                lk_mat a = lk_mat_view(v, e.rows, e.cols, e.cols);
                lk_model_put_mat(c, e.key, &a, NULL);
                free(v);
            }
            break;
        }
        }
    }
    return c;
}

void th_mda_layer(lk_net *enc, size_t l, const lk_mat *x, double p, double reg)
{
    size_t d = x->cols;
    lk_matd w;
    lk_mat wf;
    ck_assert_int_eq(lk_matd_alloc(&w, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&wf, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(x, p, reg, &w, NULL), LK_OK);
    lk_matd_to_mat(&wf, &w);
    lk_real *bias = malloc(d * sizeof *bias);
    for (size_t i = 0; i < d; i++)
        bias[i] = LK_AT(&wf, i, d);
    lk_mat wv = lk_mat_view(wf.data, d, d, d + 1);
    ck_assert_int_eq(lk_net_set_layer(enc, l, &wv, bias, NULL), LK_OK);
    free(bias);
    lk_matd_free(&w);
    lk_mat_free(&wf);
}

lk_comm *th_mpi_start(int *argc, char ***argv, const char *program)
{
    lk_comm *c;
    lk_error err;
    if (lk_comm_init(argc, argv, &c, &err) != LK_OK) {
        char buf[1024];
        fprintf(stderr, "%s: %s\n", program, lk_error_format(&err, buf, sizeof buf));
        return NULL;
    }
    const char *want = getenv("LK_TEST_RANKS");
    if (want && atoi(want) != lk_comm_size(c)) {
        fprintf(stderr, "%s: %d ranks, expected %s\n", program, lk_comm_size(c), want);
        lk_comm_finalize(c);
        return NULL;
    }
    return c;
}

int th_run_mpi_suite(Suite *s, lk_comm *c)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, lk_comm_rank(c) == 0 ? CK_NORMAL : CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    lk_comm_finalize(c);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
