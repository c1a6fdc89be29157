/* gemm_peak.c — the GEMM rate of this machine through learnkit's BLAS, the
 * yardstick elm_bench.py divides every phase's GFLOP/s by.
 * Usage: gemm_peak [N [THREADS]]; prints one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <learnkit.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    lk_blas_set_threads(threads);
    lk_mat a, b, c;
    lk_matd ad, bd, cd;
    if (lk_mat_alloc(&a, n, n, NULL) || lk_mat_alloc(&b, n, n, NULL) ||
        lk_mat_alloc(&c, n, n, NULL) || lk_matd_alloc(&ad, n, n, NULL) ||
        lk_matd_alloc(&bd, n, n, NULL) || lk_matd_alloc(&cd, n, n, NULL))
        return 1;
    for (size_t i = 0; i < n * n; i++) {
        a.data[i] = (lk_real)((double)(i % 977) / 977.0 - 0.5);
        b.data[i] = (lk_real)((double)(i % 991) / 991.0 - 0.5);
        ad.data[i] = a.data[i];
        bd.data[i] = b.data[i];
    }
    double flops = 2.0 * (double)n * (double)n * (double)n, best_r = 1e30, best_d = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &a, &b, 0, &c);
        double t1 = now();
        lk_dgemm(LK_NOTRANS, LK_NOTRANS, 1, &ad, &bd, 0, &cd);
        double t2 = now();
        best_r = t1 - t0 < best_r ? t1 - t0 : best_r;
        best_d = t2 - t1 < best_d ? t2 - t1 : best_d;
    }
    printf("{\"n\": %zu, \"threads\": %d, \"real\": \"%s\", \"gemm_gflops\": %.2f, "
           "\"dgemm_gflops\": %.2f, \"blas\": \"%s\"}\n", n, threads, LK_REAL_NAME,
           1e-9 * flops / best_r, 1e-9 * flops / best_d, lk_blas_name());
    lk_mat_free(&a);
    lk_mat_free(&b);
    lk_mat_free(&c);
    lk_matd_free(&ad);
    lk_matd_free(&bd);
    lk_matd_free(&cd);
    return 0;
}
