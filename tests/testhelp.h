/* testhelp.h — what every learnkit test program shares: seeded data, a naive
 * reference GEMM, a central-difference gradient checker, and tolerances
 * derived from the precision of lk_real. */
#ifndef LEARNKIT_TESTHELP_H
#define LEARNKIT_TESTHELP_H

#include <check.h>
#include <gsl/gsl_rng.h>
#include <learnkit.h>

/* Gradient checks: relative error below 1e-6 in double (the contract); in
 * float the central difference itself is only good to about eps^(2/3), so
 * the bound is scaled from epsilon. */
#if LK_REAL_IS_DOUBLE
#define TH_GRAD_TOL 1e-6
#define TH_GRAD_STEP 1e-5
#else
#define TH_GRAD_TOL (2000.0 * LK_REAL_EPSILON)
#define TH_GRAD_STEP 1e-2
#endif

/* Tolerance for results of n-term sums of O(1) values. */
#define TH_SUM_TOL(n) (8.0 * (double)(n) * LK_REAL_EPSILON)

/* A generator with a fixed seed; free with gsl_rng_free. */
gsl_rng *th_rng(unsigned long seed);

/* Fill m with uniform values in [lo, hi) ("high-entropy": never round). */
void th_fill_uniform(lk_mat *m, gsl_rng *r, double lo, double hi);

/* An owning matrix with ld = cols + pad, filled uniformly in [-1, 1). */
lk_mat th_mat_padded(size_t rows, size_t cols, size_t pad, gsl_rng *r);

/* C <- alpha op(A) op(B) + beta C by three loops in double. */
void th_naive_gemm(lk_trans ta, lk_trans tb, double alpha, const lk_mat *a, const lk_mat *b,
                   double beta, lk_mat *c);

/* Largest |a - b| over two same-shaped matrices. */
double th_max_abs_diff(const lk_mat *a, const lk_mat *b);
/* max |a - b| / max |a| (1 for an all-zero a): the relative difference of
 * two models' arrays. */
double th_rel_diff(const lk_mat *a, const lk_mat *b);

/* Central differences of f at w[0..n) against the analytic gradient g:
 * returns ||g - g_num|| / max(||g|| + ||g_num||, 1e-12), the norm-wise
 * relative error.  f reads w through ctx.  w is restored. */
typedef double (*th_objective)(void *ctx);
double th_grad_check(th_objective f, void *ctx, lk_real *w, const lk_real *g, size_t n,
                     double step);

/* A fresh directory per test: th_tmpdir_setup / th_tmpdir_teardown as a
 * Check fixture; th_tmpdir holds its path. */
extern char th_tmpdir[64];
void th_tmpdir_setup(void);
void th_tmpdir_teardown(void);

/* Write bytes (gzip-compressed when gz) to th_tmpdir/name; returns the path
 * in a static buffer, valid until the next call. */
char *th_write(const char *name, const void *bytes, size_t n, int gz);

/* Programs run under mpirun by tests/mpi.sh.inc: join the world (a world of
 * one without mpirun) and check that it has the LK_TEST_RANKS ranks the
 * script asked for; NULL after a message on failure. */
lk_comm *th_mpi_start(int *argc, char ***argv, const char *program);
/* Run a suite on every rank without forking (a forked child must not touch
 * MPI), rank 0 alone reporting; leave the world; the exit status. */
int th_run_mpi_suite(Suite *s, lk_comm *c);

/* Run a suite and return the process exit status (0 when all passed). */
int th_run_suite(Suite *s);

/* A copy of a model, of the same or another kind (kind NULL: the same),
 * without the entry named skip (NULL: none); arrays keep their shape and,
 * f64 vectors and lk_real arrays, their values exactly. */
lk_model *th_model_copy(const lk_model *m, const char *kind, const char *skip);

/* Set layer l of enc (d -> d, no PReLU) to the mDA map of x (lk_ae_mda
 * with masking p and regularizer reg): W from the first d columns of the
 * solution, the bias from the last.  Check assertions on failure. */
void th_mda_layer(lk_net *enc, size_t l, const lk_mat *x, double p, double reg);

/* Write bytes to a fresh temporary file; returns a malloc'ed path. */
char *th_temp_file(const void *bytes, size_t n, const char *suffix);

#endif
