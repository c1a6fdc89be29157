/* textrows.c — growing buffers and limits shared by the text readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "textrows.h"

int lki_grow_label(lki_grow *g, const char *text, size_t len)
{
    if (g->n == g->cap_rows) {
        size_t cap = g->cap_rows ? 2 * g->cap_rows : 1024;
        char **l = realloc(g->labels, cap * sizeof *l);
        if (!l)
            return 0;
        g->labels = l;
        g->cap_rows = cap;
    }
    char *s = malloc(len + 1);
    if (!s)
        return 0;
    memcpy(s, text, len);
    s[len] = '\0';
    g->labels[g->n++] = s;
    return 1;
}

int lki_grow_value(lki_grow *g, lk_real v)
{
    if (g->n_vals == g->cap_vals) {
        size_t cap = g->cap_vals ? 2 * g->cap_vals : 4096;
        lk_real *p = realloc(g->vals, cap * sizeof *p);
        if (!p)
            return 0;
        g->vals = p;
        g->cap_vals = cap;
    }
    g->vals[g->n_vals++] = v;
    return 1;
}

void lki_grow_free(lki_grow *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->labels[i]);
    free(g->labels);
    free(g->vals);
    memset(g, 0, sizeof *g);
}

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
