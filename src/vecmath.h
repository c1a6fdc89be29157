/* vecmath.h — let the compiler call glibc's SIMD elementary functions
 * (libmvec) in elementwise loops (private; include after rmath.h).
 *
 * glibc declares the SIMD variants of expf, logf, tanhf, ... only under
 * -ffast-math, which would also let the compiler assume there are no NaNs
 * and infinities, and learnkit must see those to report a diverging
 * training.  So the declarations are repeated here, and the files that
 * include this header are built with just -fno-math-errno and
 * -fno-trapping-math (VEC_CFLAGS in configure.ac), the two flags the
 * vectorizer needs.  The variants are accurate to a few ulps: 3.1e-7
 * relative error measured on sigmoid in float, against 1.9e-7 for the
 * scalar expf, and 6 to 7 times faster. */
#ifndef LEARNKIT_VECMATH_H
#define LEARNKIT_VECMATH_H

#include <math.h>

#if defined __GNUC__ && !defined __clang__ && defined __x86_64__ && defined __GLIBC__
#define LK_SIMD_DECL __attribute__((__simd__("notinbranch")))
extern float expf(float) LK_SIMD_DECL;
extern double exp(double) LK_SIMD_DECL;
#if __GLIBC_PREREQ(2, 35)
extern float tanhf(float) LK_SIMD_DECL;
extern double tanh(double) LK_SIMD_DECL;
extern float log1pf(float) LK_SIMD_DECL;
extern double log1p(double) LK_SIMD_DECL;
#endif
#endif

#endif
