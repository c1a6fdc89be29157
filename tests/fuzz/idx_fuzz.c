/* idx_fuzz.c — libFuzzer harness for IDX data through the row source: the
 * first byte says where the images end and the labels begin (a fraction
 * of the rest, in its high seven bits) and, in its low bit, whether to
 * open as the in-memory load does (sizes checked before any row is read);
 * the rest is the two files. */
#include "text_fuzz.h"
#include <stdint.h>
#include "rows_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = size - 1, cut = n * (data[0] >> 1) / 128;
    char im[64], lab[64];
    int fi = fuzz_file(data + 1, cut, im, sizeof im);
    int fl = fuzz_file(data + 1 + cut, n - cut, lab, sizeof lab);
    lk_data_options o = lk_data_options_default();
    lk_rows *r = NULL;
    lk_rows_stats st;
    lk_error err;
    lk_error_clear(&err);
    lk_status s = LK_EIO;
    if (fi >= 0 && fl >= 0)
        s = lki_rows_open(&r, im, lab, LK_FORMAT_IDX, &o, 7, data[0] & 1, &err);
    if (s == LK_OK && (s = lk_rows_scan(r, &st, NULL, 0, &err)) == LK_OK) {
        /* A pass must give exactly the rows the first pass counted. */
        size_t rows = 0;
        lk_block b;
        while ((s = lk_rows_next(r, &b, &err)) == LK_OK && b.n)
            rows += b.n;
        if (s == LK_OK && rows != st.n)
            abort();
        lk_rows_stats_free(&st);
    }
    if (s != LK_OK && fi >= 0 && fl >= 0 && err.text[0] == '\0')
        abort();
    lk_rows_close(r);
    if (fi >= 0)
        close(fi);
    if (fl >= 0)
        close(fl);
    return 0;
}
