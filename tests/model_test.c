/* model_test.c — the model container: bit-exact round trips, atomic saves,
 * and every truncation and byte flip of a valid file rejected cleanly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "testhelp.h"

static lk_model *sample_model(void)
{
    lk_model *m = lk_model_new("mlp");
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(lk_model_put_int(m, "arch.layers", 3, NULL), LK_OK);
    ck_assert_int_eq(lk_model_put_str(m, "arch.activation.0", "leakyrelu:0.01", NULL), LK_OK);
    const char *labels[] = { "cat", "dog", "-1", "" };
    ck_assert_int_eq(lk_model_put_strs(m, "labels", 4, labels, NULL), LK_OK);
    ck_assert_int_eq(lk_model_put_real(m, "train.lr", 0.00123, NULL), LK_OK);
    lk_mat w;
    lk_mat_alloc(&w, 3, 5, NULL);
    for (size_t k = 0; k < 15; k++)
        w.data[k] = (lk_real)(sin(2.385 * (double)k) * 1e-3 * (double)(k + 1));
    ck_assert_int_eq(lk_model_put_mat(m, "w.0", &w, NULL), LK_OK);
    lk_mat_free(&w);
    const double mean[3] = { 0.1, -2.5e-300, 1e300 };
    ck_assert_int_eq(lk_model_put_dvec(m, "prep.mean", 3, mean, NULL), LK_OK);
    ck_assert_int_eq(lk_model_put_int(m, "train.seed", -42, NULL), LK_OK);
    return m;
}

START_TEST(test_round_trip_bit_exact)
{
    lk_model *m = sample_model();
    unsigned char *a, *b;
    size_t na, nb;
    ck_assert_int_eq(lk_model_serialize(m, &a, &na, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_parse(a, na, "<memory>", &back, NULL), LK_OK);
    ck_assert_str_eq(lk_model_kind(back), "mlp");
    ck_assert_int_eq(lk_model_serialize(back, &b, &nb, NULL), LK_OK);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, b, na) == 0);
    /* Values come back exactly, in order. */
    int64_t i;
    ck_assert_int_eq(lk_model_get_int(back, "train.seed", &i, NULL), LK_OK);
    ck_assert_int_eq(i, -42);
    double r;
    lk_model_get_real(back, "train.lr", &r, NULL);
    ck_assert(r == 0.00123);
    size_t n;
    const char *const *s;
    lk_model_get_strs(back, "labels", &n, &s, NULL);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(s[2], "-1");
    ck_assert_str_eq(s[3], "");
    lk_mat w;
    lk_mat_alloc(&w, 3, 5, NULL);
    ck_assert_int_eq(lk_model_get_mat(back, "w.0", 3, 5, &w, NULL), LK_OK);
    for (size_t k = 0; k < 15; k++)
        ck_assert(w.data[k] == (lk_real)(sin(2.385 * (double)k) * 1e-3 * (double)(k + 1)));
    double mean[3];
    lk_model_get_dvec(back, "prep.mean", 3, mean, NULL);
    ck_assert(mean[1] == -2.5e-300 && mean[2] == 1e300);
    lk_entry_info info;
    ck_assert_int_eq(lk_model_entry(back, 0, &info), LK_OK);
    ck_assert_str_eq(info.key, "arch.layers");
    lk_mat_free(&w);
    free(a);
    free(b);
    lk_model_free(m);
    lk_model_free(back);
}
END_TEST

START_TEST(test_little_endian_layout)
{
    lk_model *m = lk_model_new("elm");
    lk_model_put_int(m, "k", 0x0102030405060708LL, NULL);
    unsigned char *a;
    size_t n;
    lk_model_serialize(m, &a, &n, NULL);
    static const unsigned char head[] = { 0x89, 'L', 'K', 'M', 0x0d, 0x0a, 0x1a, 0x0a,
                                          LK_MODEL_MAJOR, 0, LK_MODEL_MINOR, 0, 1, 0, 0, 0,
                                          3, 0, 'e', 'l', 'm',
                                          LK_ENTRY_INT, 1, 0, 'k', 8, 0, 0, 0, 0, 0, 0, 0,
                                          8, 7, 6, 5, 4, 3, 2, 1 };
    ck_assert_uint_eq(n, sizeof head + 4);
    ck_assert(memcmp(a, head, sizeof head) == 0);
    uint32_t crc = (uint32_t)crc32(0, a, (uInt)(n - 4));
    ck_assert(a[n - 4] == (crc & 0xff) && a[n - 1] == (crc >> 24));
    free(a);
    lk_model_free(m);
}
END_TEST

START_TEST(test_getters_check_type_and_shape)
{
    lk_model *m = sample_model();
    lk_error err;
    int64_t i;
    /* One convention: the model's source, the key as the place. */
    ck_assert_int_eq(lk_model_get_int(m, "nope", &i, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.source, "<model>");
    ck_assert_str_eq(err.place, "nope");
    ck_assert_int_eq(lk_model_get_int(m, "train.lr", &i, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "train.lr");
    ck_assert_str_eq(err.text, "expected an integer, found a real");
    lk_mat w;
    lk_mat_alloc(&w, 5, 3, NULL);
    ck_assert_int_eq(lk_model_get_mat(m, "w.0", 5, 3, &w, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "w.0");
    ck_assert_str_eq(err.text, "expected 5 x 3, found 3 x 5");
    char msg[LK_ERROR_SOURCE_MAX + LK_ERROR_PLACE_MAX + LK_ERROR_TEXT_MAX];
    ck_assert_str_eq(lk_error_format(&err, msg, sizeof msg),
                     "<model>:w.0: expected 5 x 3, found 3 x 5");
    size_t sz;
    ck_assert_int_eq(lk_model_get_size(m, "arch.layers", 4, 10, &sz, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "arch.layers");
    ck_assert_int_eq(lk_model_put_int(m, "", 1, &err), LK_EINVAL);
    char longkey[300];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[299] = '\0';
    ck_assert_int_eq(lk_model_put_int(m, longkey, 1, &err), LK_EINVAL);
    /* Replacing an entry keeps one entry of that key. */
    size_t before = lk_model_count(m);
    lk_model_put_str(m, "arch.layers", "three", NULL);
    ck_assert_uint_eq(lk_model_count(m), before);
    lk_mat_free(&w);
    lk_model_free(m);
}
END_TEST

/* Every prefix of a valid file is refused with a format error. */
START_TEST(test_every_truncation_rejected)
{
    lk_model *m = sample_model();
    unsigned char *a;
    size_t n;
    lk_model_serialize(m, &a, &n, NULL);
    for (size_t len = 0; len < n; len++) {
        lk_model *back = NULL;
        lk_error err;
        lk_status s = lk_model_parse(a, len, "t.lkm", &back, &err);
        ck_assert_msg(s == LK_EFORMAT, "truncation to %zu bytes: status %d", len, s);
        ck_assert_ptr_null(back);
        ck_assert_str_eq(err.source, "t.lkm");
        ck_assert(strlen(err.text) > 5);
    }
    free(a);
    lk_model_free(m);
}
END_TEST

/* Every single-bit flip is caught by the CRC; with the CRC recomputed the
 * parser's own checks must either refuse the bytes or read back exactly
 * what they say (a flipped array value is a valid different model). */
START_TEST(test_every_flip_rejected_or_faithful)
{
    lk_model *m = sample_model();
    unsigned char *a;
    size_t n;
    lk_model_serialize(m, &a, &n, NULL);
    unsigned char *c = malloc(n);
    size_t refused = 0, faithful = 0;
    for (size_t at = 0; at < n; at++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(c, a, n);
            c[at] ^= (unsigned char)(1u << bit);
            lk_model *back = NULL;
            lk_error err;
            ck_assert_int_ne(lk_model_parse(c, n, "f.lkm", &back, &err), LK_OK);
            if (at >= n - 4)
                continue;
            uint32_t crc = (uint32_t)crc32(0, c, (uInt)(n - 4));
            for (int k = 0; k < 4; k++)
                c[n - 4 + k] = (unsigned char)(crc >> (8 * k));
            lk_status s = lk_model_parse(c, n, "f.lkm", &back, &err);
            if (s != LK_OK) {
                ck_assert(s == LK_EFORMAT || s == LK_EUNSUPPORTED);
                ck_assert(strlen(err.text) > 5);
                refused++;
                continue;
            }
            if (at == 10 || at == 11) {
                /* A newer minor version is readable, and reported. */
                int major, minor;
                lk_model_version(back, &major, &minor);
                ck_assert_int_eq(minor, c[10] | c[11] << 8);
                lk_model_free(back);
                faithful++;
                continue;
            }
            unsigned char *again;
            size_t n2;
            lk_model_serialize(back, &again, &n2, NULL);
            ck_assert_uint_eq(n2, n);
            ck_assert_msg(memcmp(again, c, n) == 0, "flip at %zu bit %d read unfaithfully", at, bit);
            free(again);
            lk_model_free(back);
            faithful++;
        }
    /* Structure bytes (magic, version, counts, lengths, types) are refused. */
    ck_assert_uint_gt(refused, 100);
    ck_assert_uint_gt(faithful, 0);
    free(c);
    free(a);
    lk_model_free(m);
}
END_TEST

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int k = 0; k < bytes; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}

static void fix_crc(unsigned char *c, size_t n)
{
    put_le(c + n - 4, (uint32_t)crc32(0, c, (uInt)(n - 4)), 4);
}

/* Hostile counts must be refused before anything is allocated for them. */
START_TEST(test_hostile_counts)
{
    lk_model *m = lk_model_new("elm");
    const char *one[] = { "x" };
    lk_model_put_strs(m, "s", 1, one, NULL);
    lk_mat w;
    lk_mat_alloc(&w, 2, 2, NULL);
    lk_model_put_mat(m, "a", &w, NULL);
    unsigned char *a;
    size_t n;
    lk_model_serialize(m, &a, &n, NULL);
    lk_error err;
    lk_model *back;
    /* Entry count 2^32 - 1. */
    put_le(a + 12, 0xffffffffu, 4);
    fix_crc(a, n);
    ck_assert_int_eq(lk_model_parse(a, n, "h.lkm", &back, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.text, "entry count"));
    put_le(a + 12, 2, 4);
    /* String count 2^32 - 1 (the STRS entry's payload starts after its
     * header: 16 + 2 + 3 (kind) + 1 + 2 + 1 (key) + 8). */
    size_t strs_at = 16 + 2 + 3 + 1 + 2 + 1 + 8;
    put_le(a + strs_at, 0xffffffffu, 4);
    fix_crc(a, n);
    ck_assert_int_eq(lk_model_parse(a, n, "h.lkm", &back, &err), LK_EFORMAT);
    put_le(a + strs_at, 1, 4);
    /* Array rows 2^61 with cols 8: the product wraps to 0 bytes in 64 bits. */
    size_t arr_at = strs_at + 4 + 4 + 1 + 1 + 2 + 1 + 8;
    put_le(a + arr_at + 1, (uint64_t)1 << 61, 8);
    put_le(a + arr_at + 9, 8, 8);
    fix_crc(a, n);
    ck_assert_int_eq(lk_model_parse(a, n, "h.lkm", &back, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.place, "byte"));
    /* Another major version. */
    free(a);
    lk_model_serialize(m, &a, &n, NULL);
    put_le(a + 8, LK_MODEL_MAJOR + 1, 2);
    fix_crc(a, n);
    ck_assert_int_eq(lk_model_parse(a, n, "h.lkm", &back, &err), LK_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.text, "3.0"));
    /* Text-mode damage: the magic's CR LF turned into LF. */
    free(a);
    lk_model_serialize(m, &a, &n, NULL);
    memmove(a + 4, a + 5, n - 5);
    ck_assert_int_eq(lk_model_parse(a, n - 1, "h.lkm", &back, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.text, "magic"));
    free(a);
    lk_mat_free(&w);
    lk_model_free(m);
}
END_TEST

START_TEST(test_atomic_save)
{
    char dir[] = "/tmp/lkmodelXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/m.lkm", dir);
    lk_model *m = sample_model();
    ck_assert_int_eq(lk_model_save(m, path, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_load(path, &back, NULL), LK_OK);
    lk_model_free(back);
    /* A save that cannot happen leaves the existing file as it was and no
     * temporary behind. */
    struct stat before, after;
    stat(path, &before);
    chmod(dir, 0500);
    lk_error err;
    lk_status s = lk_model_save(m, path, &err);
    chmod(dir, 0700);
    if (geteuid() != 0) {   /* root ignores the directory's permissions */
        ck_assert_int_eq(s, LK_EIO);
        ck_assert_str_eq(err.source, path);
    }
    stat(path, &after);
    ck_assert_int_eq((int)before.st_size, (int)after.st_size);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls %s | wc -l) -eq 1", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* A missing file and a directory are clear errors. */
    ck_assert_int_eq(lk_model_load("/nonexistent/m.lkm", &back, &err), LK_ENOTFOUND);
    ck_assert_int_eq(lk_model_load(dir, &back, &err), LK_EIO);
    ck_assert_int_eq(lk_model_save(m, "/nonexistent/dir/m.lkm", &err), LK_EIO);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot"));
    unlink(path);
    rmdir(dir);
    lk_model_free(m);
}
END_TEST

START_TEST(test_same_model_same_bytes)
{
    lk_model *m1 = sample_model(), *m2 = sample_model();
    unsigned char *a, *b;
    size_t na, nb;
    lk_model_serialize(m1, &a, &na, NULL);
    lk_model_serialize(m2, &b, &nb, NULL);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, b, na) == 0);
    free(a);
    free(b);
    lk_model_free(m1);
    lk_model_free(m2);
}
END_TEST

/* A file of format 1.0, as the previous version wrote it (a logreg model
 * naming its inputs arch.features): refused whole, never half read. */
START_TEST(test_format_1_refused)
{
    lk_model *m = lk_model_new("logreg");
    lk_model_put_int(m, "arch.features", 3, NULL);
    lk_model_put_int(m, "arch.classes", 2, NULL);
    lk_model_put_str(m, "arch.output", "softmax", NULL);
    lk_real w[6] = { 0.25f, -1.5f, 2.385f, 0.5f, 0.125f, -0.75f }, b[2] = { 0.5f, -0.5f };
    lk_mat wm = lk_mat_view(w, 2, 3, 3);
    lk_model_put_mat(m, "w", &wm, NULL);
    lk_model_put_vec(m, "b", 2, b, NULL);
    unsigned char *a;
    size_t n;
    ck_assert_int_eq(lk_model_serialize(m, &a, &n, NULL), LK_OK);
    ck_assert_uint_eq(a[8] | a[9] << 8, LK_MODEL_MAJOR);
    put_le(a + 8, 1, 2);
    put_le(a + 10, 0, 2);
    fix_crc(a, n);
    char *path = th_temp_file(a, n, ".lkm");
    lk_model *back = NULL;
    lk_error err;
    ck_assert_int_eq(lk_model_load(path, &back, &err), LK_EUNSUPPORTED);
    ck_assert_ptr_null(back);
    ck_assert_str_eq(err.source, path);
    ck_assert_str_eq(err.text, "format 1.0: retrain with this version");
    /* The same bytes as format 2 parse, and the logreg loader refuses the
     * old key by name rather than misreading it. */
    put_le(a + 8, LK_MODEL_MAJOR, 2);
    fix_crc(a, n);
    ck_assert_int_eq(lk_model_parse(a, n, "new.lkm", &back, &err), LK_OK);
    lk_predictor *p = NULL;
    ck_assert_int_eq(lk_predictor_load(back, &p, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.place, "arch.inputs");
    lk_model_free(back);
    unlink(path);
    free(path);
    free(a);
    lk_model_free(m);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_round_trip_bit_exact);
    tcase_add_test(core, test_little_endian_layout);
    tcase_add_test(core, test_same_model_same_bytes);
    tcase_add_test(core, test_atomic_save);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_every_truncation_rejected);
    tcase_add_test(limits, test_every_flip_rejected_or_faithful);
    tcase_set_timeout(limits, 300);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_getters_check_type_and_shape);
    tcase_add_test(errors, test_hostile_counts);
    tcase_add_test(errors, test_format_1_refused);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(model_suite()); }
