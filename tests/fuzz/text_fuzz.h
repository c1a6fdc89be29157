/* text_fuzz.h — copy a fuzz input into a writable NUL-terminated buffer, as
 * lk_read_file hands text to the parsers. */
#ifndef LEARNKIT_TEXT_FUZZ_H
#define LEARNKIT_TEXT_FUZZ_H

#include <stdlib.h>
#include <string.h>

static char *fuzz_text(const unsigned char *data, size_t size)
{
    char *t = malloc(size + 1);
    if (t) {
        memcpy(t, data, size);
        t[size] = '\0';
    }
    return t;
}

/* Inputs may not ask for more than this much memory. */
#define FUZZ_MAX_BYTES ((size_t)64 << 20)

#endif
