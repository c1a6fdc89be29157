/* model_fuzz.c — libFuzzer harness for the model-file loader.  The last
 * input byte is a switch: when odd, the CRC-32 of the rest is written into
 * its trailer first, so the fuzzer reaches the entry parser instead of
 * stopping at the checksum.  A parsed model must serialize and parse back to
 * the same bytes, and its label map and preprocessing load or fail cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <learnkit/data.h>
#include <learnkit/model.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = size - 1;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, n);
    if ((data[n] & 1) && n >= 4) {
        uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)(n - 4));
        for (int k = 0; k < 4; k++)
            buf[n - 4 + k] = (unsigned char)(crc >> (8 * k));
    }
    lk_model *m = NULL;
    lk_error err;
    if (lk_model_parse(buf, n, "fuzz", &m, &err) == LK_OK) {
        unsigned char *a, *b;
        size_t na, nb;
        if (lk_model_serialize(m, &a, &na, NULL) != LK_OK)
            abort();
        lk_model *back = NULL;
        if (lk_model_parse(a, na, "again", &back, NULL) != LK_OK)
            abort();
        if (lk_model_serialize(back, &b, &nb, NULL) != LK_OK || na != nb || memcmp(a, b, na))
            abort();
        free(a);
        free(b);
        lk_model_free(back);
        lk_labels l;
        if (lk_labels_load(m, &l, NULL) == LK_OK)
            lk_labels_free(&l);
        lk_prep p;
        if (lk_prep_load(m, &p, NULL) == LK_OK)
            lk_prep_free(&p);
        lk_model_free(m);
    } else if (err.text[0] == '\0') {
        abort();
    }
    free(buf);
    return 0;
}
