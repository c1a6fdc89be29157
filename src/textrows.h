/* textrows.h — limits and places shared by the readers (private). */
#ifndef LEARNKIT_TEXTROWS_H
#define LEARNKIT_TEXTROWS_H

#include <stddef.h>

/* The memory learnkit lets one dataset take when the caller set no limit:
 * three quarters of physical memory, so a hostile size is refused with a
 * message rather than ending in the out-of-memory killer. */
size_t lki_default_max_bytes(void);

/* A place "LINE:FIELD" (field 0: just "LINE"). */
void lki_place(char *buf, size_t n, size_t line, size_t field);

#endif
