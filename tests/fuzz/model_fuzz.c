/* model_fuzz.c — libFuzzer harness for the model-file loader.  The last
 * input byte is a switch: when odd, the CRC-32 of the rest is written into
 * its trailer first, so the fuzzer reaches the entry parser instead of
 * stopping at the checksum.  A parsed model must serialize and parse back to
 * the same bytes; then every learner's loader, the label map and the
 * preprocessing load or fail cleanly, and a model the predictor accepts
 * scores a few rows (seeds of every kind in corpus/model). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <learnkit.h>
#include "../loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error must say what went wrong. */
static void must_explain(lk_status s, const lk_error *err)
{
    if (s != LK_OK && (err->status != s || err->text[0] == '\0'))
        abort();
}

static void load_every_kind(const lk_model *m)
{
    for (int k = 0; k < TH_LOADERS; k++) {
        lk_error err;
        must_explain(th_load_one(k, m, &err), &err);
    }
}

/* Three rows of inputs from the file's own bytes, scored. */
static void predict(const lk_model *m, const unsigned char *buf, size_t n)
{
    lk_predictor *p;
    lk_error err;
    lk_status s = lk_predictor_load(m, &p, &err);
    must_explain(s, &err);
    if (s != LK_OK)
        return;
    size_t d = lk_predictor_inputs(p), k = lk_predictor_outputs(p);
    lk_mat x = { 0 }, sc = { 0 };
    if (lk_mat_alloc(&x, 3, d, NULL) == LK_OK && lk_mat_alloc(&sc, 3, k, NULL) == LK_OK) {
        for (size_t i = 0; i < 3 * d; i++)
            x.data[i] = (lk_real)((int)buf[i % n] - 128) / 64;
        if (lk_predictor_scores(p, &x, &sc, &err) != LK_OK)
            abort();    /* a loaded predictor scores rows of its own width */
    }
    lk_mat_free(&x);
    lk_mat_free(&sc);
    lk_predictor_free(p);
}

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
        load_every_kind(m);
        predict(m, buf, n);
        lk_model_free(m);
    } else if (err.text[0] == '\0') {
        abort();
    }
    free(buf);
    return 0;
}
