/* idx_fuzz.c — libFuzzer harness for the IDX reader: the first byte picks
 * features (even) or labels (odd); the rest is the file. */
#include <stdint.h>
#include <stdlib.h>
#include "readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    lki_rows r;
    lk_error err;
    if (lki_idx_parse(data + 1, size - 1, "fuzz", data[0] & 1, &r, &err) == LK_OK) {
        /* A success must describe exactly the rows it returned. */
        if (data[0] & 1) {
            if (!r.labels || r.n == 0)
                abort();
        } else if (r.x.rows != r.n || r.x.cols != r.d || r.n == 0 || r.d == 0) {
            abort();
        }
        lki_rows_free(&r);
    } else if (err.text[0] == '\0') {
        abort();
    }
    return 0;
}
