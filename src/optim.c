/* optim.c — the parameter arena and the optimizer type objects. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/optim.h>
#include <learnkit/names.h>
#include <learnkit/blas.h>
#include "rmath.h"

/* 16 floats or 8 doubles: a 64-byte boundary between blocks. */
#define ARENA_ALIGN (64 / sizeof(lk_real))

size_t lk_params_reserve(size_t *n, size_t rows, size_t cols)
{
    size_t off = (*n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    *n = off + rows * cols;
    return off;
}

lk_status lk_params_alloc(lk_params *p, size_t n, lk_error *err)
{
    *p = (lk_params){ 0 };
    if (n == 0)
        return LK_OK;
    if (n > SIZE_MAX / sizeof(lk_real))
        return lk_error_set(err, LK_ENOMEM, "parameters", NULL, "%zu parameters overflow", n);
    p->w = lk_alloc_aligned(n * sizeof(lk_real));
    p->g = lk_alloc_aligned(n * sizeof(lk_real));
    if (!p->w || !p->g) {
        lk_params_free(p);
        return lk_error_set(err, LK_ENOMEM, "parameters", NULL,
                            "cannot allocate %zu parameters", n);
    }
    memset(p->w, 0, n * sizeof(lk_real));
    memset(p->g, 0, n * sizeof(lk_real));
    p->n = n;
    return LK_OK;
}

void lk_params_free(lk_params *p)
{
    lk_free_aligned(p->w);
    lk_free_aligned(p->g);
    *p = (lk_params){ 0 };
}

lk_mat lk_params_w(const lk_params *p, size_t offset, size_t rows, size_t cols)
{
    return lk_mat_view(p->w + offset, rows, cols, cols);
}

lk_mat lk_params_g(const lk_params *p, size_t offset, size_t rows, size_t cols)
{
    return lk_mat_view(p->g + offset, rows, cols, cols);
}

void lk_params_zero_grad(lk_params *p)
{
    if (p->n)
        memset(p->g, 0, p->n * sizeof(lk_real));
}

double lk_params_grad_norm(const lk_params *p) { return lk_nrm2(p->n, p->g); }

double lk_params_clip(lk_params *p, double max_norm)
{
    double norm = lk_params_grad_norm(p);
    if (max_norm > 0 && norm > max_norm)
        lk_scal(p->n, (lk_real)(max_norm / norm), p->g);
    return norm;
}

/* ---------------------------------------------------------------- steps */

static void sgd_step(const lk_optim_config *cfg, unsigned long t, size_t n, lk_real *w,
                     const lk_real *g, lk_real *state)
{
    (void)t; (void)state;
    lk_axpy(n, (lk_real)-cfg->lr, g, w);
}

static void momentum_step(const lk_optim_config *cfg, unsigned long t, size_t n, lk_real *w,
                          const lk_real *g, lk_real *v)
{
    (void)t;
    const lk_real mu = (lk_real)cfg->momentum, lr = (lk_real)cfg->lr;
    if (cfg->nesterov) {
        for (size_t i = 0; i < n; i++) {
            v[i] = mu * v[i] - lr * g[i];
            w[i] += mu * v[i] - lr * g[i];
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            v[i] = mu * v[i] - lr * g[i];
            w[i] += v[i];
        }
    }
}

/* The Adam update is the one elementwise pass over the whole arena per
 * batch, and scalar sqrt + division (with errno handling) costs as much as
 * a tenth of an MLP epoch; in float on x86-64 it runs 8 lanes at a time with
 * AVX when the CPU has it (checked once per step), the same arithmetic per
 * element (IEEE sqrt and division, no approximations). */
static void adam_scalar(size_t i, size_t n, lk_real b1, lk_real b2, lk_real eps, lk_real step,
                        lk_real *restrict w, const lk_real *restrict g, lk_real *restrict m,
                        lk_real *restrict v)
{
    for (; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        w[i] -= step * m[i] / (R_SQRT(v[i]) + eps);
    }
}

#if !LK_REAL_IS_DOUBLE && defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define ADAM_AVX 1
__attribute__((target("avx")))
static size_t adam_avx(size_t n, float b1, float b2, float eps, float step, float *restrict w,
                       const float *restrict g, float *restrict m, float *restrict v)
{
    const __m256 vb1 = _mm256_set1_ps(b1), vc1 = _mm256_set1_ps(1 - b1);
    const __m256 vb2 = _mm256_set1_ps(b2), vc2 = _mm256_set1_ps(1 - b2);
    const __m256 veps = _mm256_set1_ps(eps), vstep = _mm256_set1_ps(step);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        /* Same operation order as adam_scalar, so both give the same bits. */
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)),
                                  _mm256_mul_ps(vc1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
                                  _mm256_mul_ps(_mm256_mul_ps(vc2, gi), gi));
        __m256 d = _mm256_add_ps(_mm256_sqrt_ps(vi), veps);
        __m256 wi = _mm256_sub_ps(_mm256_loadu_ps(w + i),
                                  _mm256_div_ps(_mm256_mul_ps(vstep, mi), d));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(w + i, wi);
    }
    return i;
}
#endif

static void adam_step(const lk_optim_config *cfg, unsigned long t, size_t n, lk_real *w,
                      const lk_real *g, lk_real *state)
{
    /* Bias correction folded into the step size (Kingma & Ba, section 2). */
    const lk_real step = (lk_real)(cfg->lr * sqrt(1 - pow(cfg->beta2, (double)t)) /
                                   (1 - pow(cfg->beta1, (double)t)));
    const lk_real b1 = (lk_real)cfg->beta1, b2 = (lk_real)cfg->beta2, eps = (lk_real)cfg->eps;
    size_t done = 0;
#ifdef ADAM_AVX
    if (__builtin_cpu_supports("avx"))
        done = adam_avx(n, b1, b2, eps, step, w, g, state, state + n);
#endif
    adam_scalar(done, n, b1, b2, eps, step, w, g, state, state + n);
}

const lk_optim_type lk_optim_sgd = { "sgd", 0, 0.01, sgd_step };
const lk_optim_type lk_optim_momentum = { "momentum", 1, 0.01, momentum_step };
const lk_optim_type lk_optim_adam = { "adam", 2, 0.001, adam_step };

static const lk_optim_type *const OPTIMS[] = { &lk_optim_sgd, &lk_optim_momentum,
                                               &lk_optim_adam };

lk_status lk_optim_parse(const char *name, const lk_optim_type **out, const char *source,
                         lk_error *err)
{
    /* The table holds the types: their names, in its order. */
    const char *names[sizeof OPTIMS / sizeof *OPTIMS];
    for (size_t k = 0; k < sizeof OPTIMS / sizeof *OPTIMS; k++)
        names[k] = OPTIMS[k]->name;
    lk_names t = LK_NAMES_ARRAY("optimizer", names);
    int k;
    lk_status s = lk_names_find(&t, name, source, &k, err);
    if (s == LK_OK)
        *out = OPTIMS[k];
    return s;
}

lk_optim_config lk_optim_defaults(const lk_optim_type *type)
{
    return (lk_optim_config){ .lr = type->default_lr, .momentum = 0.9, .nesterov = 0,
                              .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8 };
}

const char *lk_optim_check(const lk_optim_config *cfg)
{
    if (!(cfg->lr > 0) || !isfinite(cfg->lr))
        return "the learning rate must be a positive number";
    if (!(cfg->momentum >= 0 && cfg->momentum < 1))
        return "the momentum must be in [0, 1)";
    if (!(cfg->beta1 >= 0 && cfg->beta1 < 1) || !(cfg->beta2 >= 0 && cfg->beta2 < 1))
        return "Adam's beta1 and beta2 must be in [0, 1)";
    if (!(cfg->eps > 0))
        return "Adam's epsilon must be positive";
    return NULL;
}

lk_status lk_optim_init(lk_optim *o, const lk_optim_type *type, const lk_optim_config *cfg,
                        size_t n, lk_error *err)
{
    *o = (lk_optim){ .type = type, .cfg = *cfg, .n = n };
    const char *why = lk_optim_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, type->name, NULL, "%s", why);
    size_t slots = type->state_per_param;
    if (slots && n) {
        if (n > SIZE_MAX / slots / sizeof(lk_real))
            return lk_error_set(err, LK_ENOMEM, type->name, NULL, "state overflows");
        o->state = lk_alloc_aligned(n * slots * sizeof(lk_real));
        if (!o->state)
            return lk_error_set(err, LK_ENOMEM, type->name, NULL,
                                "cannot allocate optimizer state for %zu parameters", n);
        memset(o->state, 0, n * slots * sizeof(lk_real));
    }
    return LK_OK;
}

void lk_optim_step(lk_optim *o, lk_real *w, const lk_real *g)
{
    o->t++;
    o->type->step(&o->cfg, o->t, o->n, w, g, o->state);
}

void lk_optim_reset(lk_optim *o)
{
    o->t = 0;
    if (o->state)
        memset(o->state, 0, o->n * o->type->state_per_param * sizeof(lk_real));
}

void lk_optim_free(lk_optim *o)
{
    lk_free_aligned(o->state);
    o->state = NULL;
    o->n = 0;
}
