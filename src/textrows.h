/* textrows.h — growing buffers shared by the text readers (private). */
#ifndef LEARNKIT_TEXTROWS_H
#define LEARNKIT_TEXTROWS_H

#include <stddef.h>
#include "readers.h"

/* Labels and values appended one row at a time, then moved into lki_rows. */
typedef struct lki_grow {
    char **labels;
    size_t n, cap_rows;
    lk_real *vals;
    size_t n_vals, cap_vals;
} lki_grow;

int lki_grow_label(lki_grow *g, const char *text, size_t len);
int lki_grow_value(lki_grow *g, lk_real v);
void lki_grow_free(lki_grow *g);

/* The memory learnkit lets one dataset take when the caller set no limit:
 * three quarters of physical memory, so a hostile size is refused with a
 * message rather than ending in the out-of-memory killer. */
size_t lki_default_max_bytes(void);

/* A place "LINE:FIELD" (field 0: just "LINE"). */
void lki_place(char *buf, size_t n, size_t line, size_t field);

#endif
