/* rmath.h — elementary functions in the precision of lk_real (private). */
#ifndef LEARNKIT_RMATH_H
#define LEARNKIT_RMATH_H

#include <math.h>
#include <learnkit/real.h>

#if LK_REAL_IS_DOUBLE
#define R_EXP exp
#define R_LOG log
#define R_LOG1P log1p
#define R_TANH tanh
#define R_SQRT sqrt
#define R_FABS fabs
#else
#define R_EXP expf
#define R_LOG logf
#define R_LOG1P log1pf
#define R_TANH tanhf
#define R_SQRT sqrtf
#define R_FABS fabsf
#endif

/* Strict parse of a whole string as a finite double: no trailing text, no
 * NaN or infinity, no overflow.  Returns 1 and sets *out on success. */
int lki_parse_double(const char *text, double *out);

#endif
