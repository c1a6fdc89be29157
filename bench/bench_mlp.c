/* bench_mlp.c — time one training epoch of an MLP and compare it with the
 * machine's single-precision GEMM peak and with PyTorch and scikit-learn.
 *
 *   bench_mlp [--threads N] [--rows N] [--epochs N] [--peers SCRIPT]
 *
 * The data is synthetic (uniform [0,1) features, random labels, MNIST's
 * shape): an epoch's cost does not depend on the values.  For each network
 * (784-500-10 and a deeper 784-1024-512-256-10), batch 100, Adam, softmax-CE,
 * it reports the best epoch time of --epochs, the FLOPs
 * 6 * rows * sum(fan_in * fan_out) (forward plus both backward GEMMs), the
 * GFLOP/s and their ratio to the peak of a large lk_gemm measured in the same
 * run.  With --peers it runs the Python script (PyTorch, scikit-learn) on the
 * same shapes and prints the ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_rng.h>
#include <learnkit.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best GFLOP/s of a few n x n x n products. */
static double gemm_peak(size_t n, int reps)
{
    lk_mat a, b, c;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (lk_mat_alloc(&a, n, n, NULL) || lk_mat_alloc(&b, n, n, NULL) ||
        lk_mat_alloc(&c, n, n, NULL)) {
        fprintf(stderr, "bench_mlp: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n * n; i++) {
        a.data[i] = (lk_real)gsl_rng_uniform(r);
        b.data[i] = (lk_real)gsl_rng_uniform(r);
    }
    double best = 0;
    for (int k = 0; k < reps; k++) {
        double t0 = now();
        lk_gemm(LK_NOTRANS, LK_TRANS, 1, &a, &b, 0, &c);
        double g = 2.0 * (double)n * (double)n * (double)n / (now() - t0) / 1e9;
        best = g > best ? g : best;
    }
    lk_mat_free(&a);
    lk_mat_free(&b);
    lk_mat_free(&c);
    gsl_rng_free(r);
    return best;
}

typedef struct result {
    double seconds, gflop;
} result;

static result time_epoch(const size_t *sizes, size_t n_sizes, const lk_mat *x, const lk_mat *t,
                         int epochs)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    lk_net net;
    lk_act relu = lk_act_default(LK_ACT_RELU);
    lk_error err;
    if (lk_mlp_build(&net, sizes[0], n_sizes - 2, sizes + 1, 1, &relu, sizes[n_sizes - 1], NULL,
                     LK_LOSS_SOFTMAX_CE, &err) != LK_OK) {
        fprintf(stderr, "bench_mlp: %s\n", err.text);
        exit(1);
    }
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.epochs = (size_t)epochs;
    lk_net_trainer *tr;
    if (lk_net_trainer_alloc(&tr, &net, &cfg, x, t, r, &err) != LK_OK) {
        fprintf(stderr, "bench_mlp: %s\n", err.text);
        exit(1);
    }
    double best = 1e30;
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
        double t0 = now();
        if (lk_net_iterate(tr, NULL, &err) != LK_OK) {
            fprintf(stderr, "bench_mlp: %s %s\n", err.place, err.text);
            exit(1);
        }
        double s = now() - t0;
        best = s < best ? s : best;
    }
    double w = 0;
    for (size_t l = 0; l + 1 < n_sizes; l++)
        w += (double)sizes[l] * (double)sizes[l + 1];
    lk_net_trainer_free(tr);
    lk_net_free(&net);
    gsl_rng_free(r);
    return (result){ best, 6.0 * (double)x->rows * w / 1e9 };
}

/* Run the peers' script for one architecture; fills seconds (0: skipped). */
static void run_peers(const char *script, const char *layers, size_t rows, int threads,
                      int epochs, double *torch_s, double *sk_s)
{
    char cmd[1024];
    *torch_s = *sk_s = 0;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' --layers %s --rows %zu --threads %d "
             "--epochs %d", script, layers, rows, threads, epochs);
    FILE *p = popen(cmd, "r");
    if (!p) {
        printf("  peers: cannot run %s\n", script);
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, p)) {
        double s;
        if (sscanf(line, "torch %lf", &s) == 1)
            *torch_s = s;
        else if (sscanf(line, "sklearn %lf", &s) == 1)
            *sk_s = s;
        else
            printf("  peers: %s", line);
    }
    pclose(p);
}

int main(int argc, char **argv)
{
    int threads = 2, epochs = 3;
    size_t rows = 60000;
    const char *peers = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--epochs") == 0 && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--peers") == 0 && i + 1 < argc)
            peers = argv[++i];
        else {
            fprintf(stderr, "usage: bench_mlp [--threads N] [--rows N] [--epochs N] "
                            "[--peers SCRIPT]\n");
            return 2;
        }
    }
    if (threads < 1 || epochs < 1 || rows < 100) {
        fprintf(stderr, "bench_mlp: need threads >= 1, epochs >= 1, rows >= 100\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);   /* each figure as soon as it is measured */
    lk_blas_set_threads(threads);
    printf("learnkit MLP epoch benchmark: %s, %d threads, lk_real %s\n", lk_blas_name(),
           threads, LK_REAL_NAME);
    double peak = gemm_peak(2048, 5);
    printf("GEMM peak (2048^3 lk_gemm, best of 5): %.1f GFLOP/s\n", peak);

    lk_mat x;
    uint32_t *y = malloc(rows * sizeof *y);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!y || lk_mat_alloc(&x, rows, 784, NULL)) {
        fprintf(stderr, "bench_mlp: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < rows; i++) {
        y[i] = (uint32_t)gsl_rng_uniform_int(r, 10);
        for (size_t j = 0; j < 784; j++)
            LK_AT(&x, i, j) = (lk_real)gsl_rng_uniform(r);
    }
    lk_mat t;
    lk_onehot(y, rows, 10, &t, NULL);

    static const size_t small[] = { 784, 500, 10 }, deep[] = { 784, 1024, 512, 256, 10 };
    struct { const char *name; const size_t *sizes; size_t n; } nets[] = {
        { "784,500,10", small, 3 }, { "784,1024,512,256,10", deep, 5 } };
    for (size_t k = 0; k < 2; k++) {
        result res = time_epoch(nets[k].sizes, nets[k].n, &x, &t, epochs);
        double gfs = res.gflop / res.seconds;
        printf("%-22s rows %zu batch 100 adam: epoch %.3f s (best of %d), %.1f GFLOP, "
               "%.1f GFLOP/s = %.0f%% of GEMM peak\n", nets[k].name, rows, res.seconds, epochs,
               res.gflop, gfs, 100 * gfs / peak);
        if (peers) {
            double ts, ss;
            run_peers(peers, nets[k].name, rows, threads, epochs, &ts, &ss);
            if (ts > 0)
                printf("  PyTorch       epoch %.3f s: learnkit takes %.2f of its time\n", ts,
                       res.seconds / ts);
            else
                printf("  PyTorch       skipped (not installed)\n");
            if (ss > 0)
                printf("  scikit-learn  epoch %.3f s: learnkit takes %.2f of its time\n", ss,
                       res.seconds / ss);
            else
                printf("  scikit-learn  skipped (not installed)\n");
        }
    }
    lk_mat_free(&x);
    lk_mat_free(&t);
    free(y);
    gsl_rng_free(r);
    return 0;
}
