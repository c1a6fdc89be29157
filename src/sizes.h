/* sizes.h — size arithmetic that saturates: a product or sum that would
 * overflow size_t is SIZE_MAX, which no allocation or memory limit
 * accepts, so a planner can add up its buffers and compare once. */
#ifndef LEARNKIT_SIZES_H
#define LEARNKIT_SIZES_H

#include <stddef.h>
#include <stdint.h>

static inline size_t size_mul(size_t a, size_t b)
{
    return (a && b > SIZE_MAX / a) ? SIZE_MAX : a * b;
}

static inline size_t size_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

#endif
