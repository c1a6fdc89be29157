/* parse.c — strict number parsing shared by every reader of text. */
#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include "rmath.h"

int lki_parse_double(const char *text, double *out)
{
    if (!text || !*text)
        return 0;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}
