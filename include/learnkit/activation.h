/* learnkit/activation.h — the one activation module every learner shares.
 *
 * An activation is a kind from a closed set plus one optional parameter
 * (gamma), written by name with the parameter after a colon:
 *     identity  sigmoid  tanh  relu  leakyrelu[:g]  prelu[:g0]  elu[:g]
 *     softplus  softmax
 * lk_act_parse() turns such a name into an lk_act and rejects anything else
 * (an unknown name is an error, never a fallback).
 *
 * Forward and backward work on whole blocks (a mini-batch, row-major).  All
 * forms are stable for |z| up to 1e4 and beyond: sigmoid and softplus use the
 * sign-split forms, softmax subtracts the row maximum.
 *
 * PReLU has one learnable gamma per unit (column); the caller owns that
 * vector (inside its parameter arena) and passes it to forward and backward,
 * which also accumulates its gradient.  For every other kind gamma is the
 * fixed parameter stored in lk_act and the vector arguments are ignored. */
#ifndef LEARNKIT_ACTIVATION_H
#define LEARNKIT_ACTIVATION_H

#include <learnkit/mat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_act_kind {
    LK_ACT_IDENTITY = 0,
    LK_ACT_SIGMOID,
    LK_ACT_TANH,
    LK_ACT_RELU,
    LK_ACT_LEAKYRELU,
    LK_ACT_PRELU,
    LK_ACT_ELU,
    LK_ACT_SOFTPLUS,
    LK_ACT_SOFTMAX,
    LK_ACT_COUNT
} lk_act_kind;

typedef struct lk_act {
    lk_act_kind kind;
    double gamma;   /* LeakyReLU slope, ELU scale, PReLU initial slope; else 0 */
} lk_act;

/* Parse "name" or "name:gamma".  LK_EINVAL with a message listing the valid
 * names for an unknown one, or naming the parameter for a bad or unexpected
 * gamma.  source names the option or file for the message (may be NULL). */
lk_status lk_act_parse(const char *text, lk_act *out, const char *source, lk_error *err);

/* The canonical text of an activation ("relu", "leakyrelu:0.01"), the inverse
 * of lk_act_parse; writes at most n bytes to buf and returns buf. */
char *lk_act_format(const lk_act *act, char *buf, size_t n);

/* Name of a kind ("sigmoid"), or NULL when kind is out of range. */
const char *lk_act_name(lk_act_kind kind);

/* An lk_act of the given kind with its default parameter. */
lk_act lk_act_default(lk_act_kind kind);

/* 1 if the kind has a learnable per-unit parameter (PReLU). */
int lk_act_has_params(lk_act_kind kind);

/* 1 if the ReLU family (He initialisation fits), else 0 (Glorot fits). */
int lk_act_is_relu_like(lk_act_kind kind);

/* A <- f(Z), elementwise (softmax: per row).  A may be Z itself (in place).
 * gamma: PReLU's per-column slopes (Z->cols values), else ignored. */
void lk_act_forward(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *gamma);

/* dZ <- dA * f'(Z) (softmax: the row Jacobian applied to dA), given Z, the
 * forward output A and dA.  dZ may be dA itself.  For PReLU, dgamma (Z->cols
 * values) is incremented by sum_rows dA * min(Z, 0); pass NULL to skip. */
void lk_act_backward(const lk_act *act, const lk_mat *z, const lk_mat *a,
                     const lk_mat *da, lk_mat *dz, const lk_real *gamma,
                     lk_real *dgamma);

#ifdef __cplusplus
}
#endif
#endif
