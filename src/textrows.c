/* textrows.c — limits and places shared by the readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "textrows.h"

size_t lki_default_max_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return (size_t)8 << 30;
    return (size_t)pages / 4 * 3 * (size_t)size;
}

void lki_place(char *buf, size_t n, size_t line, size_t field)
{
    if (field)
        snprintf(buf, n, "%zu:%zu", line, field);
    else
        snprintf(buf, n, "%zu", line);
}
