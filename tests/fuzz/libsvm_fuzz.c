/* libsvm_fuzz.c — libFuzzer harness for LIBSVM data, loaded as
 * lk_data_load loads it.  The first byte is a minimum width (its low
 * seven bits; 0: from the data) and, in its high bit, the file as its own
 * test set instead of a holdout; the rest is the file. */
#include "text_fuzz.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    lk_data_options o = lk_data_options_default();
    o.format = LK_FORMAT_LIBSVM;
    o.features = data[0] & 0x7f;
    fuzz_load_text(data + 1, size - 1, &o, data[0] >> 7);
    return 0;
}
