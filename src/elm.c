/* elm.c — the Extreme Learning Machine: random hidden layer, output weights
 * by TSQR + SVD (pinv.c) or streamed ridge (ridge.c).  See learnkit/elm.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include <learnkit/dense.h>
#include <learnkit/elm.h>
#include <learnkit/blas.h>
#include <learnkit/data.h>
#include <learnkit/pinv.h>
#include <learnkit/ridge.h>
#include <learnkit/rows.h>
#include "model_check.h"
#include "registry.h"
#include "sizes.h"

#define DEFAULT_BLOCK 2048

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

lk_elm_params lk_elm_params_default(void)
{
    lk_elm_params p;
    memset(&p, 0, sizeof p);
    p.hidden = 1000;
    p.act = lk_act_default(LK_ACT_SIGMOID);
    p.weights = LK_ELM_UNIFORM;
    p.solver = LK_ELM_SVD;
    p.C = 1000;
    p.c_auto = 0;
    p.rcond = LK_ELM_RCOND_DEFAULT;
    p.max_memory = 0;
    p.block_rows = DEFAULT_BLOCK;
    return p;
}

const char *lk_elm_check(const lk_elm_params *p)
{
    if (p->act.kind >= LK_ACT_COUNT)
        return "unknown activation";
    if (p->act.kind == LK_ACT_SOFTMAX)
        return "softmax couples the hidden units; use an elementwise activation";
    if (p->act.kind == LK_ACT_PRELU)
        return "prelu has a learnable slope, which a closed-form fit does not train";
    if (p->weights != LK_ELM_UNIFORM && p->weights != LK_ELM_GAUSSIAN)
        return "weights must be uniform or gaussian";
    if (p->solver != LK_ELM_SVD && p->solver != LK_ELM_RIDGE && p->solver != LK_ELM_AUTO)
        return "solver must be svd, ridge or auto";
    if (!p->c_auto && !(p->C > 0 && isfinite(p->C)))
        return "C must be a positive finite number";
    if (!(p->rcond >= 0 && p->rcond < 1))
        return "rcond must lie in [0, 1)";
    return NULL;
}

double lk_elm_c_grid(size_t i)
{
    return lk_ridge_c_grid(i);
}

size_t lk_elm_auto_hidden(size_t n)
{
    return n < LK_ELM_HIDDEN_MAX ? (n ? n : 1) : LK_ELM_HIDDEN_MAX;
}

lk_elm_params lk_elm_params_resolve(const lk_elm_params *p, size_t n)
{
    lk_elm_params r = *p;
    if (r.hidden == 0)
        r.hidden = lk_elm_auto_hidden(n);
    if (r.solver == LK_ELM_AUTO) {
        int wide = n / LK_ELM_SVD_ROWS_PER_UNIT < r.hidden;
        r.solver = wide ? LK_ELM_RIDGE : LK_ELM_SVD;
        r.c_auto = wide ? 1 : r.c_auto;
    }
    return r;
}

/* The dual is the cheaper form of the same ridge model when rows are
 * fewer than units. */
static int use_dual(const lk_elm_params *p, size_t n)
{
    /* Data-parallel ranks each hold a share of the rows: the streamed
     * primal sums them, the dual would need them all. */
    return p->solver == LK_ELM_RIDGE && n < p->hidden && lk_comm_size(p->comm) <= 1;
}

static size_t block_of(const lk_elm_params *p)
{
    return p->block_rows ? p->block_rows : DEFAULT_BLOCK;
}

/* Rows gathered before each TSQR fold: each fold also factors the
 * triangle's c rows again, so at least 4c rows keep that under 25%. */
static size_t tsqr_rows(const lk_elm_params *p, size_t k)
{
    size_t c = size_add(p->hidden, k), b = 8192;
    return c > SIZE_MAX / 4 ? SIZE_MAX : (4 * c > b ? 4 * c : b);
}

size_t lk_elm_memory(const lk_elm_params *given, size_t n, size_t d, size_t k)
{
    lk_elm_params rp = lk_elm_params_resolve(given, n);
    const lk_elm_params *p = &rp;
    size_t L = p->hidden, b = block_of(p);
    size_t r = size_mul(size_add(size_mul(L, d), L), sizeof(lk_real));          /* A, b */
    r = size_add(r, size_mul(size_mul(b, size_add(L, k)), sizeof(lk_real))); /* H, T blocks */
    r = size_add(r, size_mul(size_mul(n, k), sizeof(lk_real)));                  /* T */
    r = size_add(r, size_mul(size_mul(L, k), sizeof(lk_real) + sizeof(double))); /* beta */
    size_t s;
    if (p->solver == LK_ELM_SVD)
        s = lk_tsqr_bytes(L, k, tsqr_rows(p, k));
    else if (use_dual(p, n))
        s = size_add(lk_ridge_dual_bytes(n, L, k), size_mul(size_mul(n, L), sizeof(lk_real)));
    else
        s = lk_ridge_bytes(L, k, b, p->c_auto);
    if (s == 0)
        return SIZE_MAX;
    return size_add(r, s);
}

void lk_elm_free(lk_elm *m)
{
    lk_mat_free(&m->a);
    lk_mat_free(&m->beta);
    free(m->b);
    memset(m, 0, sizeof *m);
}

static lk_status elm_alloc(lk_elm *m, size_t d, size_t L, size_t k, lk_act act, lk_error *err)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->hidden = L;
    m->k = k;
    m->act = act;
    lk_status s;
    if ((s = lk_mat_alloc(&m->a, L, d, err)) || (s = lk_mat_alloc(&m->beta, L, k, err)))
        return s;
    if (!(m->b = calloc(L, sizeof(lk_real))))
        return lk_error_set(err, LK_ENOMEM, "elm", NULL, "out of memory for %zu units", L);
    return LK_OK;
}

lk_status lk_elm_hidden(const lk_elm *m, const lk_mat *x, lk_mat *h, lk_error *err)
{
    if (x->cols != m->d || h->rows != x->rows || h->cols != m->hidden)
        return lk_error_set(err, LK_EINVAL, "elm", NULL,
                            "input has %zu columns, the model %zu inputs", x->cols, m->d);
    lk_status s = lk_affine_forward(x, &m->a, LK_TRANS, m->b, &m->act, NULL, h, h);
    if (s != LK_OK)
        return lk_error_set(err, s, "elm", NULL, "hidden layer shapes");
    return LK_OK;
}

lk_status lk_elm_scores(const lk_elm *m, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    if (x->cols != m->d || scores->rows != x->rows || scores->cols != m->k)
        return lk_error_set(err, LK_EINVAL, "elm", NULL,
                            "input has %zu columns, the model %zu inputs", x->cols, m->d);
    size_t b = DEFAULT_BLOCK < x->rows ? DEFAULT_BLOCK : x->rows;
    lk_mat h;
    lk_status s = lk_mat_alloc_uninit(&h, b, m->hidden, err);
    if (s != LK_OK)
        return s;
    for (size_t r0 = 0; r0 < x->rows && s == LK_OK; r0 += b) {
        lk_mat xb = lk_mat_rows(x, r0, b), sb = lk_mat_rows(scores, r0, b);
        lk_mat hb = lk_mat_rows(&h, 0, xb.rows);
        if ((s = lk_elm_hidden(m, &xb, &hb, err)) == LK_OK)
            lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &hb, &m->beta, 0, &sb);
    }
    lk_mat_free(&h);
    return s;
}

static void draw(lk_elm *m, lk_elm_weights kind, gsl_rng *rng)
{
    for (size_t i = 0; i < m->hidden; i++) {
        lk_real *ai = lk_mat_row(&m->a, i);
        for (size_t j = 0; j < m->d; j++)
            ai[j] = (lk_real)(kind == LK_ELM_UNIFORM ? 2 * gsl_rng_uniform(rng) - 1
                                                     : gsl_ran_gaussian(rng, sqrt(1.0 / 3)));
    }
    for (size_t i = 0; i < m->hidden; i++)
        m->b[i] = (lk_real)(kind == LK_ELM_UNIFORM ? gsl_rng_uniform(rng)
                                                   : 0.5 + gsl_ran_gaussian(rng, sqrt(1.0 / 12)));
}

static double mib(size_t b)
{
    return (double)b / 1048576.0;
}

/* One pass of the hidden layer over the blocks, handing each chunk of
 * h->rows rows (and its one-hot targets, built in t) to a sink. */
typedef lk_status (*sink_fn)(void *ctx, const lk_mat *h, const lk_mat *t, lk_error *err);

typedef struct hidden_pass {
    const lk_elm *m;
    lk_mat *h;
    sink_fn sink;
    void *ctx;
    double *t_hidden, *t_sink;
} hidden_pass;

static lk_status hidden_chunk(void *c, const lk_mat *x, const lk_mat *t, lk_error *err)
{
    hidden_pass *hp = c;
    lk_mat hb = lk_mat_rows(hp->h, 0, x->rows);
    double t0 = now();
    lk_status s = lk_elm_hidden(hp->m, x, &hb, err);
    double t1 = now();
    if (s == LK_OK)
        s = hp->sink(hp->ctx, &hb, t, err);
    *hp->t_hidden += t1 - t0;
    *hp->t_sink += now() - t1;
    return s;
}

static lk_status pass(const lk_elm *m, const lk_blocks *src, lk_mat *t, lk_mat *h,
                      sink_fn sink, void *ctx, double *t_hidden, double *t_sink, size_t *rows,
                      lk_error *err)
{
    hidden_pass hp = { m, h, sink, ctx, t_hidden, t_sink };
    return lk_blocks_chunks(src, h->rows, m->k, t, hidden_chunk, &hp, rows, err);
}

static lk_status sink_tsqr(void *c, const lk_mat *h, const lk_mat *t, lk_error *err)
{
    return lk_tsqr_add(c, h, t, err);
}

static lk_status sink_ridge(void *c, const lk_mat *h, const lk_mat *t, lk_error *err)
{
    return lk_ridge_add(c, h, t, err);
}

static lk_status sink_loo(void *c, const lk_mat *h, const lk_mat *t, lk_error *err)
{
    return lk_ridge_loo_add(c, h, t, err);
}

/* The LOO pass recomputes the hidden layer rather than keeping H. */
typedef struct replay {
    const lk_elm *m;
    const lk_blocks *x;
    lk_mat *t, *h;
    double *t_hidden, *t_sink;
} replay;

static lk_status replay_loo(void *ctx, lk_ridge *w, lk_error *err)
{
    replay *r = ctx;
    return pass(r->m, r->x, r->t, r->h, sink_loo, w, r->t_hidden, r->t_sink, NULL, err);
}
/* Rows fewer than units: H whole, ridge in the n x n dual. */
static lk_status fit_dual(lk_elm *m, const lk_elm_params *p, const lk_mat *x, const lk_mat *t,
                          lk_matd *beta, lk_elm_report *rep, lk_error *err)
{
    lk_mat h;
    lk_status s = lk_mat_alloc_uninit(&h, x->rows, m->hidden, err);
    if (s != LK_OK)
        return s;
    double t0 = now();
    s = lk_elm_hidden(m, x, &h, err);
    double t1 = now();
    rep->hidden_seconds = t1 - t0;
    lk_ridge_choice ch;
    if (s == LK_OK)
        s = lk_ridge_dual(&h, t, 0, p->c_auto ? 0 : p->C, beta, NULL, &ch, err);
    if (s == LK_OK) {
        rep->C = ch.C;
        rep->loo_error = ch.loo_error;
        *(p->c_auto ? &rep->select_flops : &rep->solve_flops) = ch.flops;
        *(p->c_auto ? &rep->select_seconds : &rep->solve_seconds) = now() - t1;
    }
    lk_mat_free(&h);
    return s;
}

static lk_status fit_svd(lk_elm *m, const lk_elm_params *p, const lk_blocks *x, lk_mat *t,
                         lk_mat *h, lk_matd *beta, lk_elm_report *rep, size_t *n, lk_error *err)
{
    lk_tsqr w;
    lk_status s = lk_tsqr_alloc(&w, m->hidden, m->k, tsqr_rows(p, m->k), err);
    double *sv = s == LK_OK ? malloc(m->hidden * sizeof(double)) : NULL;
    if (s == LK_OK && !sv)
        s = lk_error_set(err, LK_ENOMEM, "elm", NULL, "out of memory");
    if (s == LK_OK)
        s = pass(m, x, t, h, sink_tsqr, &w, &rep->hidden_seconds, &rep->solve_seconds, n, err);
    w.comm = p->comm;
    if ((s = lk_comm_agree(p->comm, s, err)) == LK_OK) {
        double t0 = now();
        s = lk_tsqr_solve(&w, p->rcond, beta, &rep->rank, sv, err);
        rep->solve_seconds += now() - t0;
        double L = (double)m->hidden;
        /* QR of the triangle (8/3 L^3, with the bidiagonalization) plus
         * the SVD's own iterations and back-transformations (about 4 L^3). */
        rep->solve_flops = w.flops + (8.0 / 3 + 4) * L * L * L;
        rep->sigma_max = sv[0];
        rep->sigma_min_kept = rep->rank > 0 ? sv[rep->rank - 1] : 0;
    }
    free(sv);
    lk_tsqr_free(&w);
    return s;
}

static lk_status fit_ridge(lk_elm *m, const lk_elm_params *p, const lk_blocks *x, lk_mat *t,
                           lk_mat *h, lk_matd *beta, lk_elm_report *rep, size_t *rows,
                           lk_error *err)
{
    lk_ridge w;
    size_t L = m->hidden, k = m->k, n = 0;
    lk_status s = lk_ridge_alloc(&w, L, k, h->rows, 0, err);
    if (s == LK_OK)
        s = pass(m, x, t, h, sink_ridge, &w, &rep->hidden_seconds, &rep->solve_seconds, &n,
                 err);
    *rows = n;
    w.comm = p->comm;
    s = lk_comm_agree(p->comm, s, err);
    double dn = (double)n, dL = (double)L, dk = (double)k;
    rep->solve_flops = dn * dL * (dL + 1) + 2 * dn * dL * dk;
    if (s == LK_OK && !p->c_auto) {
        double t0 = now();
        s = lk_ridge_solve(&w, 1 / p->C, beta, NULL, err);
        rep->solve_seconds += now() - t0;
        rep->solve_flops += dL * dL * dL / 3 + 2 * dL * dL * dk;
        rep->C = p->C;
    } else if (s == LK_OK) {
        double t0 = now(), th = 0;
        replay r = { m, x, t, h, &th, &rep->select_seconds };
        lk_ridge_choice ch;
        s = lk_ridge_select_c(&w, replay_loo, &r, beta, NULL, &ch, err);
        rep->hidden_seconds += th;
        rep->select_seconds = now() - t0 - th;
        rep->C = ch.C;
        rep->loo_error = ch.loo_error;
        rep->select_flops = ch.flops;
    }
    lk_ridge_free(&w);
    return s;
}

/* Whether the parameters are valid and the fit fits in max_memory. */
static lk_status admit(const lk_elm_params *p, size_t n, size_t d, size_t k,
                       lk_elm_report *rep, lk_error *err)
{
    const char *bad = lk_elm_check(p);
    if (bad)
        return lk_error_set(err, LK_EINVAL, "elm", NULL, "%s", bad);
    if (d == 0 || k == 0)
        return lk_error_set(err, LK_EINVAL, "elm", NULL, "no training rows, features or classes");
    size_t need = lk_elm_memory(p, n, d, k);
    rep->memory_bytes = need;
    if (p->max_memory && need > p->max_memory) {
        if (need == SIZE_MAX)
            return lk_error_set(err, LK_ETOOBIG, "elm", "hidden",
                                "%zu hidden units need more memory than can be addressed",
                                p->hidden);
        lk_elm_params r = *p;
        r.solver = LK_ELM_RIDGE;
        size_t other = lk_elm_memory(&r, n, d, k);
        if (p->solver == LK_ELM_SVD && other <= p->max_memory)
            return lk_error_set(err, LK_ETOOBIG, "elm", "max-memory",
                                "the svd solver with %zu hidden units needs %.0f MiB, more than "
                                "the %.0f MiB allowed; the ridge solver needs %.0f MiB",
                                p->hidden, mib(need), mib(p->max_memory), mib(other));
        return lk_error_set(err, LK_ETOOBIG, "elm", "max-memory",
                            "%zu hidden units need %.0f MiB, more than the %.0f MiB allowed; "
                            "use fewer units%s", p->hidden, mib(need), mib(p->max_memory),
                            p->solver == LK_ELM_SVD ? " or the ridge solver" : "");
    }
    return LK_OK;
}

lk_status lk_elm_fit_blocks(lk_elm *m, const lk_elm_params *p, const lk_blocks *src, size_t k,
                            gsl_rng *rng, lk_elm_report *report, lk_error *err)
{
    memset(m, 0, sizeof *m);
    lk_elm_report dummy, *rep = report ? report : &dummy;
    memset(rep, 0, sizeof *rep);
    size_t d = src->d, n = 0;
    lk_mat t = { 0 }, h = { 0 };
    lk_matd beta = { 0 };
    /* The memory of the fit beyond the data: what one block needs.  The
     * width and solver must be resolved: only the caller knows the rows. */
    lk_status s = p->hidden == 0 || p->solver == LK_ELM_AUTO
                      ? lk_error_set(err, LK_EINVAL, "elm", NULL,
                                     "resolve the width and solver for the rows first "
                                     "(lk_elm_params_resolve)")
                      : admit(p, src->max_rows, d, k, rep, err);
    rep->hidden = p->hidden;
    rep->solver = p->solver;
    rep->c_auto = p->c_auto;
    if (s == LK_OK)
        s = elm_alloc(m, d, p->hidden, k, p->act, err);
    size_t b = block_of(p) < src->max_rows ? block_of(p) : src->max_rows;
    if (s == LK_OK)
        s = lk_mat_alloc_uninit(&h, b ? b : 1, p->hidden, err);
    if (s == LK_OK)
        s = lk_mat_alloc_uninit(&t, b ? b : 1, k, err);
    if (s == LK_OK)
        s = lk_matd_alloc(&beta, p->hidden, k, err);
    /* Every rank goes on, or every rank stops with the first failure. */
    if ((s = lk_comm_agree(p->comm, s, err)) != LK_OK)
        goto done;
    draw(m, p->weights, rng);
    if (p->solver == LK_ELM_SVD)
        s = fit_svd(m, p, src, &t, &h, &beta, rep, &n, err);
    else
        s = fit_ridge(m, p, src, &t, &h, &beta, rep, &n, err);
    rep->hidden_flops = 2.0 * (double)n * (double)d * (double)p->hidden *
                        (p->solver == LK_ELM_RIDGE && p->c_auto ? 2 : 1);
    if (s == LK_OK) {
        lk_matd_to_mat(&m->beta, &beta);
        if (!lk_mat_all_finite(&m->beta))
            s = lk_error_set(err, LK_ENUMERIC, "elm", NULL,
                             "the output weights are not finite; try the ridge solver with a "
                             "smaller C");
    }
done:
    lk_mat_free(&t);
    lk_mat_free(&h);
    lk_matd_free(&beta);
    if (s != LK_OK)
        lk_elm_free(m);
    return s;
}

/* Rows fewer than units: H whole, ridge in the n x n dual (the same model
 * as the primal, in O(n^2 L) work). */
static lk_status fit_whole_dual(lk_elm *m, const lk_elm_params *p, const lk_mat *x,
                                const uint32_t *y, size_t k, gsl_rng *rng, lk_elm_report *rep,
                                lk_error *err)
{
    lk_mat t = { 0 };
    lk_matd beta = { 0 };
    lk_status s = admit(p, x->rows, x->cols, k, rep, err);
    if (s == LK_OK)
        s = elm_alloc(m, x->cols, p->hidden, k, p->act, err);
    if (s == LK_OK)
        s = lk_onehot(y, x->rows, k, &t, err);
    if (s == LK_OK)
        s = lk_matd_alloc(&beta, p->hidden, k, err);
    if (s == LK_OK) {
        draw(m, p->weights, rng);
        rep->hidden_flops = 2.0 * (double)x->rows * (double)x->cols * (double)p->hidden;
        s = fit_dual(m, p, x, &t, &beta, rep, err);
    }
    if (s == LK_OK) {
        lk_matd_to_mat(&m->beta, &beta);
        if (!lk_mat_all_finite(&m->beta))
            s = lk_error_set(err, LK_ENUMERIC, "elm", NULL,
                             "the output weights are not finite; try a smaller C");
    }
    lk_mat_free(&t);
    lk_matd_free(&beta);
    if (s != LK_OK)
        lk_elm_free(m);
    return s;
}

lk_status lk_elm_fit(lk_elm *m, const lk_elm_params *given, const lk_mat *x, const uint32_t *y,
                     size_t k, gsl_rng *rng, lk_elm_report *report, lk_error *err)
{
    memset(m, 0, sizeof *m);
    lk_elm_report dummy, *rep = report ? report : &dummy;
    memset(rep, 0, sizeof *rep);
    /* Width and solver follow the rows of every rank, so that all ranks
     * resolve the same model. */
    uint64_t rows = x->rows;
    lk_status s = lk_comm_size(given->comm) > 1 ? lk_comm_sum_u64(given->comm, &rows, 1, err)
                                                : LK_OK;
    lk_elm_params p = lk_elm_params_resolve(given, (size_t)rows);
    if (s == LK_OK && use_dual(&p, x->rows)) {
        s = fit_whole_dual(m, &p, x, y, k, rng, rep, err);
        rep->hidden = p.hidden;
        rep->solver = p.solver;
        rep->c_auto = p.c_auto;
        rep->dual = 1;
        return s;
    }
    if (s == LK_OK)
        s = admit(&p, x->rows, x->cols, k, rep, err);
    if (s == LK_OK && x->rows == 0 && !p.comm)
        s = lk_error_set(err, LK_EINVAL, "elm", NULL, "no training rows, features or classes");
    if (s != LK_OK) {
        /* Every rank fails together, as in the fit itself. */
        lk_comm_agree(p.comm, s, err);
        return s;
    }
    size_t need = rep->memory_bytes;
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, x, y, block_of(&p));
    s = lk_elm_fit_blocks(m, &p, &src, k, rng, rep, err);
    rep->memory_bytes = need;
    return s;
}

lk_status lk_elm_save(const lk_elm *m, const lk_prep *prep, const lk_labels *labels,
                      lk_model **out, lk_error *err)
{
    char act[64];
    lk_act_format(&m->act, act, sizeof act);
    lk_status s = lki_model_begin("elm", m->d, m->k, out, err);
    if (s == LK_OK && (s = lk_model_put_str(*out, "arch.activation", act, err)) == LK_OK &&
        (s = lk_model_put_int(*out, "arch.hidden", (int64_t)m->hidden, err)) == LK_OK &&
        (s = lk_model_put_mat(*out, "elm.a", &m->a, err)) == LK_OK &&
        (s = lk_model_put_vec(*out, "elm.b", m->hidden, m->b, err)) == LK_OK)
        s = lk_model_put_mat(*out, "elm.beta", &m->beta, err);
    return lki_model_end(out, s, prep, labels, err);
}

lk_status lk_elm_load(const lk_model *model, lk_elm *m, lk_error *err)
{
    memset(m, 0, sizeof *m);
    lk_elm_params p = lk_elm_params_default();
    size_t d, k;
    lk_status s;
    if ((s = lki_model_io(model, "elm", &d, 1, &k, err)) ||
        (s = lki_model_act(model, "arch.activation", &p.act, err)) ||
        (s = lk_model_get_size(model, "arch.hidden", 1, INT32_MAX, &p.hidden, err)))
        return s;
    /* The fit's own rules, so a file holds nothing a fit would refuse. */
    const char *why = lk_elm_check(&p);
    if (why)
        return lki_model_bad(model, "arch.activation", err, "%s", why);
    size_t L = p.hidden;
    /* Shapes first, so a hostile count never drives an allocation. */
    if ((s = lki_model_shape(model, "elm.a", L, d, err)) ||
        (s = lki_model_shape(model, "elm.b", 1, L, err)) ||
        (s = lki_model_shape(model, "elm.beta", L, k, err)))
        return s;
    if ((s = elm_alloc(m, d, L, k, p.act, err)))
        goto fail;
    lk_mat bv = lk_mat_view(m->b, 1, L, L);
    if ((s = lki_model_get_finite(model, "elm.a", L, d, &m->a, err)) ||
        (s = lki_model_get_finite(model, "elm.b", 1, L, &bv, err)) ||
        (s = lki_model_get_finite(model, "elm.beta", L, k, &m->beta, err)))
        goto fail;
    return LK_OK;
fail:
    lk_elm_free(m);
    return s;
}

LKI_LEARNER_PREDICTOR(elm, "elm", lk_elm, lk_elm_scores, 0);
