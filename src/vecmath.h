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

/* LK_VEC_CLONES before an elementwise kernel builds it twice, for AVX2 and
 * for the baseline x86-64 the package is compiled for, and picks one at
 * load time (GCC's target_clones, an ifunc).  The AVX2 copy calls libmvec's
 * 8-wide expf: sigmoid over 60000 x 500 floats takes 12 ms instead of 34.
 * Same machine, same copy, same bytes; a machine without AVX2 runs the
 * baseline copy, whose exp may differ by an ulp. */
#if defined __GNUC__ && !defined __clang__ && defined __x86_64__ && defined __GLIBC__ && \
    defined __has_attribute
#if __has_attribute(__target_clones__)
#define LK_VEC_CLONES __attribute__((__target_clones__("avx2", "default")))
#endif
#endif
#ifndef LK_VEC_CLONES
#define LK_VEC_CLONES
#endif

#endif
