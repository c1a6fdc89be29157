/* csv_fuzz.c — libFuzzer harness for the CSV reader.  The first byte picks
 * the options (header mode, label column); the rest is the file. */
#include <stdint.h>
#include <stdlib.h>
#include "readers.h"
#include "text_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    lk_data_options o = lk_data_options_default();
    o.header = (lk_header_mode)(data[0] % 3);
    static const long cols[] = { LK_LABEL_COL_FIRST, LK_LABEL_COL_LAST, 1, 2, 3, 7 };
    o.label_col = cols[(data[0] >> 2) % 6];
    o.max_bytes = FUZZ_MAX_BYTES;
    char *text = fuzz_text(data + 1, size - 1);
    if (!text)
        return 0;
    lki_rows r;
    lk_error err;
    if (lki_csv_parse(text, size - 1, "fuzz", &o, &r, &err) == LK_OK) {
        if (r.n == 0 || r.d == 0 || r.x.rows != r.n || r.x.cols != r.d || !r.labels)
            abort();
        for (size_t k = 0; k < r.n * r.d; k++)
            if (!(r.x.data[k] == r.x.data[k]))   /* NaN must never get through */
                abort();
        lki_rows_free(&r);
    } else if (err.text[0] == '\0') {
        abort();
    }
    free(text);
    return 0;
}
