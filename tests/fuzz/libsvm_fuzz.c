/* libsvm_fuzz.c — libFuzzer harness for the LIBSVM reader.  The first byte
 * is a minimum width (0: from the data); the rest is the file. */
#include <stdint.h>
#include <stdlib.h>
#include "readers.h"
#include "text_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_text(data + 1, size - 1);
    if (!text)
        return 0;
    lki_rows r;
    lk_error err;
    size_t min_features = data[0];
    if (lki_libsvm_parse(text, size - 1, "fuzz", min_features, FUZZ_MAX_BYTES, &r, &err) ==
        LK_OK) {
        if (r.n == 0 || r.d < min_features || r.x.rows != r.n || r.x.cols != r.d || !r.labels)
            abort();
        for (size_t k = 0; k < r.n * r.d; k++)
            if (!(r.x.data[k] == r.x.data[k]))
                abort();
        lki_rows_free(&r);
    } else if (err.text[0] == '\0') {
        abort();
    }
    free(text);
    return 0;
}
