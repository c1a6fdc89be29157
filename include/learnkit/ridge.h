/* learnkit/ridge.h — streamed ridge regression with exact leave-one-out.
 *
 * The closed-form learners (elm, lsq) reduce to the same problem: given a
 * feature block Z (n x p, any feature map: a random hidden layer, or the raw
 * inputs) and targets T (n x k, one-hot), find
 *     W = argmin ||Z W + 1 c^T - T||^2 + lambda ||W||^2
 * with the bias c unpenalized (when center = 1) or absent (center = 0).
 *
 * Z^T Z and Z^T T are accumulated over row blocks (lk_ridge_add), so Z is never
 * held whole and the memory is O(p^2 + p k) whatever n is.  Accumulation is in
 * double; the per-block products are lk_real GEMMs (SYRK), so the float build
 * runs at the float rate and loses only the rounding of one block's sums.
 * The Gram matrix is formed from S = Z - 1 c^T, c the first block's column
 * means, and corrected in double at solve time: its rounding then scales
 * with the spread of the features, not with their mean, which for sigmoid
 * units (mean near 1/2) or raw pixels is what would otherwise swamp a small
 * lambda.
 *
 * Solving:
 *   - lk_ridge_solve: one lambda by Cholesky (double), O(p^3 / 3);
 *   - lk_ridge_eig + lk_ridge_loo_add + lk_ridge_eig_solve: ONE symmetric
 *     eigendecomposition G = Q diag(e) Q^T gives W(lambda) = Q diag(1/(e+lambda))
 *     Q^T Z^T T for every lambda of a grid, and a second pass over the rows
 *     gives the exact leave-one-out residuals (PRESS):
 *         t_i - yhat_(-i) = (t_i - yhat_i) / (1 - h_ii),
 *         h_ii = 1/n [center] + sum_j (z~_i . q_j)^2 / (e_j + lambda),
 *     where z~_i = z_i - mean(z) when centering.  The pass costs one GEMM with
 *     Q per block plus one small GEMM for the whole grid.
 *
 * With centering, G = Z^T Z - n mu mu^T and R = Z^T T - n mu tau^T are formed
 * from the shifted sums at solve time; c = tau - W^T mu.
 *
 * Data-parallel: with comm set (after lk_ridge_alloc, on every rank), each
 * rank adds only its own rows; lk_ridge_sums re-expresses every rank's
 * shifted sums about rank 0's shift (a correction in double as small as
 * the shifts are alike) and sums them over the ranks, so that every rank
 * then holds the sums of all rows and the solvers give every rank the
 * model of one process on all rows.  The leave-one-out pass likewise runs
 * on each rank's rows, and lk_ridge_loo_end sums the residuals. */
#ifndef LEARNKIT_RIDGE_H
#define LEARNKIT_RIDGE_H

#include <stdint.h>
#include <learnkit/blas.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_ridge {
    size_t p, k;          /* features, targets */
    int center;           /* 1: unpenalized bias by centering */
    size_t n;             /* rows accumulated */
    lk_matd g;            /* p x p: Z^T Z (upper triangle), then centered */
    lk_matd r;            /* p x k: Z^T T, then centered */
    double *zsum, *tsum;  /* p and k column sums */
    lk_mat gb, rb;        /* lk_real sums of the rows not yet in g and r */
    size_t pending;       /* rows summed in gb and rb */
    lk_real *shift;       /* p: c, subtracted before the Gram product */
    lk_mat zs;            /* block_rows x p: the shifted block */
    lk_real *ones;        /* block_rows ones for the column sums */
    size_t block_rows;    /* the largest block lk_ridge_add accepts */
    int closed;           /* no more rows: the block scratch is freed */
    int finished;         /* centering applied */
    /* After lk_ridge_eig (which takes g's storage for q): */
    int eig_done;
    lk_matd q;            /* p x p eigenvectors (columns) */
    double *e;            /* p eigenvalues, ascending */
    lk_matd qr;           /* p x k: Q^T R */
    /* Leave-one-out scratch (lk_ridge_loo_begin), in lk_real so the pass
     * runs at the GEMM rate of the build; sums are kept in double. */
    size_t n_grid;
    double *grid;         /* lambdas */
    double *press;        /* n_grid sums of squared LOO residuals */
    size_t *errors;       /* n_grid LOO misclassifications */
    size_t n_loo;         /* rows seen by the LOO pass */
    lk_mat ql;            /* p x p: Q */
    lk_mat mg;            /* p x (k n_grid): diag(1/(e+lambda_g)) Q^T R, side by side */
    lk_mat sg;            /* p x n_grid: 1/(e+lambda_g) */
    lk_mat zb, pz, yh, hd;/* block scratch: centered z, z Q, predictions, h_ii */
    lk_real *cs;          /* k column sums of one block of T */
    double *fitrow;       /* k: one row's fitted values in the LOO pass */
    const lk_comm *comm;  /* NULL: the rows are all here; else sum over ranks */
} lk_ridge;

/* Bytes a workspace for p features, k targets and blocks of block_rows
 * rows needs (the eigen and LOO parts included when with_loo = 1); 0 on
 * overflow. */
size_t lk_ridge_bytes(size_t p, size_t k, size_t block_rows, int with_loo);

/* Workspace for p features, k targets, blocks of at most block_rows rows.
 * LK_ENOMEM; LK_EINVAL for p or k zero. */
lk_status lk_ridge_alloc(lk_ridge *w, size_t p, size_t k, size_t block_rows, int center,
                         lk_error *err);
void lk_ridge_free(lk_ridge *w);

/* Accumulate a block: z (m x p) and t (m x k), m <= block_rows. */
lk_status lk_ridge_add(lk_ridge *w, const lk_mat *z, const lk_mat *t, lk_error *err);

/* The sums themselves, for callers that need a scatter matrix rather than
 * a ridge fit (the mDA): flush, sum over the ranks when comm is set (a
 * collective: every rank calls it), undo the shift, mirror G.  Afterwards g holds
 * Z^T Z and r holds Z^T T in double (centered when asked).  Called again, or
 * by the solvers, it does nothing; no rows can be added after it.  LK_EINVAL
 * when no rows were added. */
lk_status lk_ridge_sums(lk_ridge *w, lk_error *err);

/* W (p x k) and, when centering, bias (k values; may be NULL otherwise) for
 * lambda > 0, by Cholesky of G + lambda I.  LK_ENUMERIC if it is not positive
 * definite; LK_EINVAL when no rows were added. */
lk_status lk_ridge_solve(lk_ridge *w, double lambda, lk_matd *beta, double *bias,
                         lk_error *err);

/* Eigendecomposition of G for the grid solvers, in G's storage: G is gone
 * afterwards, and lk_ridge_solve answers by lk_ridge_eig_solve.  Called
 * again, it does nothing.  LK_ENUMERIC if LAPACK fails. */
lk_status lk_ridge_eig(lk_ridge *w, lk_error *err);

/* W(lambda) and bias from the eigendecomposition (lambda >= 0; eigenvalues
 * with e + lambda <= 0 are dropped). */
lk_status lk_ridge_eig_solve(const lk_ridge *w, double lambda, lk_matd *beta, double *bias,
                             lk_error *err);

/* Prepare the leave-one-out pass for n lambdas (copied), after lk_ridge_eig. */
lk_status lk_ridge_loo_begin(lk_ridge *w, const double *lambdas, size_t n, lk_error *err);
/* Add the LOO residuals of a block (the same rows given to lk_ridge_add, in
 * any block order): PRESS and misclassification (argmax of the LOO
 * prediction against argmax of t). */
lk_status lk_ridge_loo_add(lk_ridge *w, const lk_mat *z, const lk_mat *t, lk_error *err);
/* After the last lk_ridge_loo_add: sum the residuals over the ranks (a
 * no-op in one process).  Collective when comm is set. */
lk_status lk_ridge_loo_end(lk_ridge *w, lk_error *err);
/* Index of the grid value with the fewest LOO errors (ties: smallest PRESS). */
size_t lk_ridge_loo_best(const lk_ridge *w);

/* ------------------------------------------------------------ choosing C
 *
 * The grid the automatic choice searches: C = 10^-2, 10^-1.5, ..., 10^8
 * (lambda = 1/C).  The chosen C is the one with the fewest leave-one-out
 * misclassifications (ties: the smallest PRESS); a C small enough in lambda
 * to interpolate the training rows has undefined LOO residuals and loses. */
#define LK_RIDGE_C_GRID 21
double lk_ridge_c_grid(size_t i);

typedef struct lk_ridge_choice {
    double C;             /* the C used */
    double loo_error;     /* chosen by LOO: its error rate; else 0 */
    double flops;         /* of the choice and the solve */
} lk_ridge_choice;

/* Hands every row given to lk_ridge_add (any block order) to
 * lk_ridge_loo_add, recomputing the features when they are not kept. */
typedef lk_status (*lk_ridge_replay_fn)(void *ctx, lk_ridge *w, lk_error *err);

/* After the rows are added: C from the grid by exact leave-one-out
 * (lk_ridge_eig, lk_ridge_loo_begin, replay, lk_ridge_loo_best), then W and
 * bias at that C.  LK_EINVAL if replay did not give every row once. */
lk_status lk_ridge_select_c(lk_ridge *w, lk_ridge_replay_fn replay, void *ctx, lk_matd *beta,
                            double *bias, lk_ridge_choice *out, lk_error *err);

/* ------------------------------------------------------------ dual form
 *
 * With fewer rows than features (n < p) the same model is cheaper in the
 * n x n dual: with Z~ and T~ centered (center = 1) or not,
 *     W = Z~^T (Z~ Z~^T + lambda I)^-1 T~,   bias = mean(T) - W^T mean(Z),
 * which equals the primal (Z~^T Z~ + lambda I)^-1 Z~^T T~.  The kernel
 * K = Z~ Z~^T is formed in double (n^2 p), and with C = 0 one
 * eigendecomposition K = U diag(s) U^T gives every lambda of the grid and
 * its exact leave-one-out residuals (h_ii = [1/n] + sum_j U_ij^2 s_j /
 * (s_j + lambda)), as the primal does.  z (n x p) and t (n x k) are held
 * whole; memory is O(n p + n^2) doubles.  C > 0: that C, by Cholesky.
 * LK_EINVAL for empty or mismatched blocks, LK_ENOMEM, LK_ENUMERIC. */
size_t lk_ridge_dual_bytes(size_t n, size_t p, size_t k);
lk_status lk_ridge_dual(const lk_mat *z, const lk_mat *t, int center, double C, lk_matd *beta,
                        double *bias, lk_ridge_choice *out, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
