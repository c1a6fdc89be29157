/* parse.c — strict number parsing shared by every reader of text. */
#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include "rmath.h"

int lki_parse_double(const char *text, double *out)
{
    if (!text || !*text)
        return 0;
    /* Whole numbers of up to 15 digits (pixels, counts: most of a large
     * CSV) are exact in a double, so summing digits gives strtod's result
     * at a fraction of its cost. */
    const char *p = text + (*text == '-' || *text == '+');
    size_t nd = 0;
    long long whole = 0;
    while (p[nd] >= '0' && p[nd] <= '9' && nd < 16)
        whole = 10 * whole + (p[nd++] - '0');
    if (nd > 0 && nd <= 15 && p[nd] == '\0') {
        *out = *text == '-' ? -(double)whole : (double)whole;
        return 1;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}
