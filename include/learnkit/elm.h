/* learnkit/elm.h — the Extreme Learning Machine, trained in closed form.
 *
 * A single hidden layer with random, fixed input weights:
 *     H = G(X A^T + 1 b^T)        X: n x d, A: L x d, b: L, H: n x L
 * computed one row block at a time by one GEMM and lk_act_forward, and
 * output weights beta (L x k) fitted to the one-hot targets T:
 *   LK_ELM_SVD    beta = H^+ T, the minimum-norm least-squares solution
 *                 (TSQR of [H T] then the SVD of the triangle, learnkit/pinv.h;
 *                 singular values below rcond * s_max are dropped);
 *   LK_ELM_RIDGE  (H^T H + I/C) beta = H^T T by Cholesky, H^T H and H^T T
 *                 summed over row blocks (learnkit/ridge.h); with c_auto, C is
 *                 chosen from a grid by exact leave-one-out error from one
 *                 eigendecomposition of H^T H.
 * Scores are H beta; the class is their argmax.
 *
 * Random draws (from the caller's gsl_rng, A row by row, then b):
 *   LK_ELM_UNIFORM   A ~ U[-1, 1], b ~ U[0, 1];
 *   LK_ELM_GAUSSIAN  A ~ N(0, 1/3), b ~ N(1/2, 1/12): the same means and
 *                    variances as the uniform draw.
 * Neither depends on the data beyond their scale: inputs are expected
 * scaled to about unit range (learnkit's preprocessing does it).
 *
 * Memory: lk_elm_memory() is what lk_elm_fit allocates (not counting X);
 * lk_elm_fit refuses with LK_ETOOBIG before allocating anything when it
 * exceeds params->max_memory. */
#ifndef LEARNKIT_ELM_H
#define LEARNKIT_ELM_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <learnkit/activation.h>
#include <learnkit/data.h>
#include <learnkit/model.h>
#include <learnkit/ridge.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* LK_ELM_AUTO: svd when the rows are at least LK_ELM_SVD_ROWS_PER_UNIT times
 * the units (a well-determined least-squares problem), else ridge with C
 * chosen by leave-one-out (c_auto), which does not interpolate the rows. */
typedef enum lk_elm_solver { LK_ELM_SVD = 0, LK_ELM_RIDGE, LK_ELM_AUTO } lk_elm_solver;
typedef enum lk_elm_weights { LK_ELM_UNIFORM = 0, LK_ELM_GAUSSIAN } lk_elm_weights;

typedef struct lk_elm_params {
    size_t hidden;            /* L >= 1, or 0: lk_elm_auto_hidden of the rows */
    lk_act act;               /* any kind but softmax and prelu */
    lk_elm_weights weights;
    lk_elm_solver solver;
    double C;                 /* ridge: lambda = 1/C, C > 0 */
    int c_auto;               /* ridge: choose C by leave-one-out */
    double rcond;             /* svd: relative singular value cutoff */
    size_t max_memory;        /* bytes; 0 = no limit */
    size_t block_rows;        /* rows of H computed at once; 0 = default */
    /* NULL: x holds every training row.  Else x is this rank's share and
     * every rank calls lk_elm_fit with the same parameters and generator
     * state: the hidden weights are drawn alike everywhere, the sums (or
     * triangles) are combined over the ranks, and every rank gets the
     * model of one process on all rows. */
    const lk_comm *comm;
} lk_elm_params;

/* The default cutoff: about ten times the relative rounding H carries when
 * computed in lk_real (H is only that accurate, so smaller singular values
 * are noise); on MNIST with 1000 units no singular value comes near it
 * (sigma_min / sigma_max ~ 1e-3) and the accuracy is the unregularized one. */
#if LK_REAL_IS_DOUBLE
#define LK_ELM_RCOND_DEFAULT 1e-12
#else
#define LK_ELM_RCOND_DEFAULT 1e-6
#endif

/* Defaults: 1000 sigmoid units, uniform weights, svd, rcond LK_ELM_RCOND_DEFAULT,
 * C = 1000 (not auto), no memory limit, blocks of 2048 rows. */
lk_elm_params lk_elm_params_default(void);

/* NULL if the parameters are valid, else a sentence naming the bad one. */
const char *lk_elm_check(const lk_elm_params *p);

/* The width and solver chosen from the n training rows when not given:
 *   hidden 0      -> min(n, LK_ELM_HIDDEN_MAX) units: as many as rows on
 *                    small data (beyond that the model's rank cannot grow),
 *                    the classic 1000 on large data;
 *   LK_ELM_AUTO   -> svd when n >= LK_ELM_SVD_ROWS_PER_UNIT * hidden, else
 *                    ridge with c_auto.
 * Ridge with fewer rows than units is solved in the n x n dual (ridge.h):
 * the same model in O(n^2 L).  lk_elm_fit applies this itself; the
 * resolved parameters are what it reports. */
#define LK_ELM_HIDDEN_MAX 1000
#define LK_ELM_SVD_ROWS_PER_UNIT 10
size_t lk_elm_auto_hidden(size_t n);
lk_elm_params lk_elm_params_resolve(const lk_elm_params *p, size_t n);

/* The grid C auto searches (ridge.h): C = 10^-2, 10^-1.5, ..., 10^8. */
#define LK_ELM_C_GRID LK_RIDGE_C_GRID
double lk_elm_c_grid(size_t i);

typedef struct lk_elm {
    size_t d, hidden, k;
    lk_act act;
    lk_mat a;                 /* hidden x d */
    lk_real *b;               /* hidden */
    lk_mat beta;              /* hidden x k */
} lk_elm;

/* What a fit did: the width and solver used, seconds and flops per phase,
 * the chosen C, the rank. */
typedef struct lk_elm_report {
    size_t hidden;            /* units used */
    lk_elm_solver solver;     /* svd or ridge, never auto */
    int c_auto;               /* C chosen by leave-one-out */
    int dual;                 /* ridge solved in the n x n dual */
    double hidden_seconds, solve_seconds, select_seconds;
    double hidden_flops, solve_flops, select_flops;
    double C;                 /* the C used (ridge) */
    double loo_error;         /* --C auto: LOO error rate at the chosen C */
    int rank;                 /* svd: singular values kept */
    double sigma_max, sigma_min_kept;
    size_t memory_bytes;      /* lk_elm_memory of the fit */
} lk_elm_report;

/* Bytes lk_elm_fit needs for n rows of d features and k classes, beyond X
 * itself; SIZE_MAX when it overflows. */
size_t lk_elm_memory(const lk_elm_params *p, size_t n, size_t d, size_t k);

/* Fit on x (n x d) with classes y[i] < k.  m is initialised here and freed
 * by lk_elm_free (also after an error).  LK_EINVAL for bad parameters or
 * labels, LK_ETOOBIG when over max_memory (text names the need and the
 * cheaper solver), LK_ENOMEM, LK_ENUMERIC (non-finite solution, a failed
 * factorization).  report may be NULL. */
lk_status lk_elm_fit(lk_elm *m, const lk_elm_params *p, const lk_mat *x, const uint32_t *y,
                     size_t k, gsl_rng *rng, lk_elm_report *report, lk_error *err);
void lk_elm_free(lk_elm *m);

/* The same fit from row blocks (learnkit/rows.h: a file streamed, or a
 * matrix in memory), each of src->d columns with classes < k: one pass
 * (two with c_auto), memory independent of the number of rows.  The memory
 * check counts one block of src->max_rows rows.  The width and solver must
 * be resolved for the rows (lk_elm_params_resolve: a source does not know
 * its rows before the pass): hidden 0 or LK_ELM_AUTO is LK_EINVAL.  A
 * stream fits in the primal even with fewer rows than units (the model of
 * the dual, at O(L^3) instead of O(n^2 L)). */
struct lk_blocks;
lk_status lk_elm_fit_blocks(lk_elm *m, const lk_elm_params *p, const struct lk_blocks *src,
                            size_t k, gsl_rng *rng, lk_elm_report *report, lk_error *err);

/* The hidden layer of rows of x (x->rows x hidden, h preallocated). */
lk_status lk_elm_hidden(const lk_elm *m, const lk_mat *x, lk_mat *h, lk_error *err);

/* scores (x->rows x k) <- H(x) beta, blockwise. */
lk_status lk_elm_scores(const lk_elm *m, const lk_mat *x, lk_mat *scores, lk_error *err);

/* A new model of kind "elm" (*out, freed by lk_model_free) holding the
 * architecture and arrays (arch.inputs, arch.classes, arch.activation,
 * arch.hidden, elm.a, elm.b, elm.beta) and, when not NULL, the
 * preprocessing and label map.  LK_ENOMEM; *out is NULL after an error. */
lk_status lk_elm_save(const lk_elm *m, const lk_prep *prep, const lk_labels *labels,
                      lk_model **out, lk_error *err);

/* Read an "elm" model into m (freed by lk_elm_free; nothing to free after an
 * error), checked as learnkit/model.h says a loader checks: the kind, the
 * activation by lk_elm_check, every shape against arch.*, finite arrays.
 * LK_EFORMAT with the file as source and the key as place; LK_ENOTFOUND for
 * a missing entry. */
lk_status lk_elm_load(const lk_model *model, lk_elm *m, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
