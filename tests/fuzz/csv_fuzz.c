/* csv_fuzz.c — libFuzzer harness for CSV data, loaded as lk_data_load
 * loads it (the row source: first pass, label map, read into memory).
 * The first byte picks the options (header mode, label column, the file as
 * its own test set or a holdout); the rest is the file. */
#include "text_fuzz.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    lk_data_options o = lk_data_options_default();
    o.format = LK_FORMAT_CSV;
    o.header = (lk_header_mode)(data[0] % 3);
    static const long cols[] = { LK_LABEL_COL_FIRST, LK_LABEL_COL_LAST, 1, 2, 3, 7 };
    o.label_col = cols[(data[0] >> 2) % 6];
    fuzz_load_text(data + 1, size - 1, &o, data[0] >> 7);
    return 0;
}
