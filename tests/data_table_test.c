/* data_table_test.c — the data module, case by case: IDX directories, CSV and LIBSVM files with
 * string and +-1 labels, named datasets on the search path, label maps and
 * preprocessing through model files, the seeded stratified holdout, and a
 * table of bad inputs, each refused with the file, the place and the reason
 * and with nothing half-built left in the result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "testhelp.h"

/* ---------------------------------------------------------------- files */

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/lkdataXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return strdup(tmpl);
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* bytes -> gzip bytes (malloc'ed). */
static unsigned char *gzip_bytes(const void *in, size_t n, size_t *out_n)
{
    z_stream z = { 0 };
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 32;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void put_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Write dir/name (gzipped when name ends in .gz); returns the path. */
static char *write_file(const char *dir, const char *name, const void *bytes, size_t n)
{
    char *p = path_in(dir, name);
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, ".gz") == 0) {
        size_t gn;
        unsigned char *g = gzip_bytes(bytes, n, &gn);
        put_file(p, g, gn);
        free(g);
    } else {
        put_file(p, bytes, n);
    }
    return p;
}

static size_t put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return 4;
}

/* An IDX file of type 0x08 with the given dims and bytes data[k] = f(k). */
static size_t idx_u8(unsigned char *buf, const uint32_t *dims, unsigned rank, unsigned seed)
{
    buf[0] = buf[1] = 0;
    buf[2] = 0x08;
    buf[3] = (unsigned char)rank;
    size_t n = 4, count = 1;
    for (unsigned k = 0; k < rank; k++) {
        n += put_be32(buf + n, dims[k]);
        count *= dims[k];
    }
    for (size_t k = 0; k < count; k++)
        buf[n + k] = rank == 1 ? (unsigned char)((k * 7 + seed) % 3)
                               : (unsigned char)((k * 37 + seed) % 256);
    return n + count;
}

/* A small dataset in the MNIST layout: 9 training and 6 test images of 2x3
 * pixels, labels 0..2.  Names are plain or .gz per bit k of gz_mask. */
static const char *const IDX_NAMES[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };

static void write_idx_dir(const char *dir, unsigned gz_mask)
{
    unsigned char buf[256];
    const uint32_t tr[3] = { 9, 2, 3 }, te[3] = { 6, 2, 3 }, ltr[1] = { 9 }, lte[1] = { 6 };
    const uint32_t *dims[4] = { tr, ltr, te, lte };
    const unsigned rank[4] = { 3, 1, 3, 1 };
    for (int k = 0; k < 4; k++) {
        size_t n = idx_u8(buf, dims[k], rank[k], (unsigned)k);
        char name[64];
        snprintf(name, sizeof name, "%s%s", IDX_NAMES[k], (gz_mask >> k) & 1 ? ".gz" : "");
        free(write_file(dir, name, buf, n));
    }
}

/* A split that failed must hold nothing. */
static void assert_empty(const lk_split *s)
{
    ck_assert_ptr_null(s->name);
    ck_assert_ptr_null(s->train.x.data);
    ck_assert_ptr_null(s->train.y);
    ck_assert_ptr_null(s->test.x.data);
    ck_assert_ptr_null(s->labels.names);
    ck_assert_uint_eq(s->labels.k, 0);
}

/* Keep named-dataset lookups inside the test's own directories. */
static void isolate_env(const char *dir)
{
    unsetenv("LEARNKIT_DATA");
    setenv("XDG_CACHE_HOME", dir, 1);
    setenv("HOME", dir, 1);
}

/* ---------------------------------------------------------------- core */

START_TEST(test_idx_directory)
{
    char *dir = temp_dir();
    write_idx_dir(dir, 0x5);   /* images gzipped, labels plain */
    gsl_rng *r = th_rng(2385);
    lk_split s;
    lk_error err;
    ck_assert_int_eq(lk_data_load(dir, NULL, r, &s, &err), LK_OK);
    ck_assert_int_eq(s.format, LK_FORMAT_IDX);
    ck_assert_uint_eq(s.train.n, 9);
    ck_assert_uint_eq(s.train.d, 6);
    ck_assert_uint_eq(s.test.n, 6);
    ck_assert_uint_eq(s.test.d, 6);
    ck_assert_int_eq(s.test_is_holdout, 0);
    ck_assert_uint_eq(s.labels.k, 3);
    ck_assert_str_eq(s.labels.names[0], "0");
    ck_assert_str_eq(s.labels.names[2], "2");
    /* Pixels as stored, row-major; labels (k*7 + seed) % 3. */
    for (size_t i = 0; i < 9; i++) {
        for (size_t j = 0; j < 6; j++)
            ck_assert(LK_AT(&s.train.x, i, j) == (lk_real)(((i * 6 + j) * 37) % 256));
        ck_assert_uint_eq(s.train.y[i], (i * 7 + 1) % 3);
    }
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(s.test.y[i], (i * 7 + 3) % 3);
    ck_assert_ptr_nonnull(strstr(s.train_source, "train-images-idx3-ubyte.gz"));
    /* unit scaling of IDX bytes is x / 255 exactly. */
    lk_prep p;
    ck_assert_int_eq(lk_prep_fit(&p, LK_SCALE_AUTO, s.format, &s.train.x, &err), LK_OK);
    ck_assert_int_eq(p.kind, LK_SCALE_UNIT);
    lk_real before = LK_AT(&s.test.x, 4, 5);
    lk_prep_apply(&p, &s.test.x);
    ck_assert(fabs((double)LK_AT(&s.test.x, 4, 5) - (double)before / 255.0) <= TH_SUM_TOL(1));
    lk_prep_free(&p);
    lk_split_free(&s);
    gsl_rng_free(r);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_named_search_path)
{
    char *root = temp_dir();
    isolate_env(root);
    char *under = path_in(root, "mnist");
    ck_assert_int_eq(mkdir(under, 0755), 0);
    write_idx_dir(under, 0xF);
    gsl_rng *r = th_rng(7);
    lk_split s;
    lk_error err;
    /* --data-dir DIR means DIR/NAME ... */
    lk_data_options o = lk_data_options_default();
    o.data_dir = root;
    ck_assert_int_eq(lk_data_load("mnist", &o, r, &s, &err), LK_OK);
    ck_assert_str_eq(s.name, "mnist");
    ck_assert_uint_eq(s.train.n, 9);
    lk_split_free(&s);
    /* ... or DIR itself when it holds the files. */
    o.data_dir = under;
    ck_assert_int_eq(lk_data_load("mnist", &o, r, &s, &err), LK_OK);
    lk_split_free(&s);
    /* $LEARNKIT_DATA, then the user cache. */
    setenv("LEARNKIT_DATA", root, 1);
    ck_assert_int_eq(lk_data_load(NULL, NULL, r, &s, &err), LK_OK);
    ck_assert_str_eq(s.name, "mnist");
    lk_split_free(&s);
    unsetenv("LEARNKIT_DATA");
    char *cache = path_in(root, "learnkit");
    ck_assert_int_eq(rename(under, cache), 0);
    ck_assert_int_eq(mkdir(under, 0755), 0);
    char *cached = path_in(cache, "mnist");
    ck_assert_int_eq(mkdir(cached, 0755), 0);
    write_idx_dir(cached, 0);
    char *found = NULL;
    ck_assert_int_eq(lk_data_find("mnist", NULL, &found, &err), LK_OK);
    ck_assert_str_eq(found, cached);
    free(found);
    /* Absent: ENOTFOUND listing where it looked. */
    setenv("XDG_CACHE_HOME", under, 1);
    ck_assert_int_eq(lk_data_load("mnist", NULL, r, &s, &err), LK_ENOTFOUND);
    assert_empty(&s);
    ck_assert_ptr_nonnull(strstr(err.text, "searched"));
    ck_assert_ptr_nonnull(strstr(err.text, under));
    ck_assert_int_eq(lk_data_load("fashion", NULL, r, &s, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.source, "fashion");
    free(cached);
    free(cache);
    free(under);
    gsl_rng_free(r);
    remove_dir(root);
    free(root);
}
END_TEST

static const char CSV_ANIMALS[] =
    "\xEF\xBB\xBFlabel,weight,\"length, cm\"\r\n"
    "dog,12.5,80\r\n"
    "cat,4.25,46\r\n"
    "emu,38,170\r\n"
    "dog,30.5,95\r\n"
    "\r\n"
    "cat,3.5,40\r\n"
    "emu,41.25,180\r\n"
    "dog,8,60\r\n"
    "cat,5,50\r\n"
    "emu,36.5,165\r\n"
    "dog,22,77\r\n";

START_TEST(test_csv_string_labels)
{
    char *dir = temp_dir();
    char *path = write_file(dir, "animals.csv.gz", CSV_ANIMALS, sizeof CSV_ANIMALS - 1);
    gsl_rng *r = th_rng(11);
    lk_split s;
    lk_error err;
    lk_data_options o = lk_data_options_default();
    o.holdout = 0.25;
    ck_assert_int_eq(lk_data_load(path, &o, r, &s, &err), LK_OK);
    ck_assert_int_eq(s.format, LK_FORMAT_CSV);
    ck_assert_str_eq(s.name, "animals.csv.gz");
    ck_assert_uint_eq(s.labels.k, 3);
    ck_assert_str_eq(s.labels.names[0], "cat");
    ck_assert_str_eq(s.labels.names[1], "dog");
    ck_assert_str_eq(s.labels.names[2], "emu");
    ck_assert_uint_eq(s.train.d, 2);
    ck_assert_uint_eq(s.test.d, 2);
    /* Stratified: round(0.25 * count) per class (dog 4 -> 1, cat 3 -> 1, emu 3 -> 1). */
    ck_assert_uint_eq(s.test.n, 3);
    ck_assert_uint_eq(s.train.n, 7);
    ck_assert_int_eq(s.test_is_holdout, 1);
    size_t c[3];
    lk_class_counts(&s.test, 3, c);
    ck_assert(c[0] == 1 && c[1] == 1 && c[2] == 1);
    /* Every row keeps its own label: weight 38 is an emu wherever it went. */
    const lk_dataset *sets[2] = { &s.train, &s.test };
    int seen = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sets[k]->n; i++)
            if (LK_AT(&sets[k]->x, i, 0) == (lk_real)38) {
                ck_assert_uint_eq(sets[k]->y[i], 2);
                ck_assert(LK_AT(&sets[k]->x, i, 1) == (lk_real)170);
                seen++;
            }
    ck_assert_int_eq(seen, 1);
    lk_split_free(&s);
    gsl_rng_free(r);
    free(path);
    remove_dir(dir);
    free(dir);
}
END_TEST

static const char SVM_TRAIN[] = "+1 1:0.5 3:-2.25 # a comment\n"
                                "-1 2:1e-3\n"
                                "\n"
                                "1 1:2.385 2:4\n"
                                "-1 3:7.5\n";
static const char SVM_TEST[] = "-1 1:1\n+1 2:-0.125\n";

START_TEST(test_libsvm_pm1_labels)
{
    char *dir = temp_dir();
    char *train = write_file(dir, "pm.svm.gz", SVM_TRAIN, sizeof SVM_TRAIN - 1);
    char *test = write_file(dir, "pm.t", SVM_TEST, sizeof SVM_TEST - 1);
    gsl_rng *r = th_rng(3);
    lk_split s;
    lk_error err;
    lk_data_options o = lk_data_options_default();
    o.test_path = test;
    ck_assert_int_eq(lk_data_load(train, &o, r, &s, &err), LK_OK);
    ck_assert_int_eq(s.format, LK_FORMAT_LIBSVM);
    ck_assert_uint_eq(s.labels.k, 2);
    ck_assert_str_eq(s.labels.names[0], "-1");
    ck_assert_str_eq(s.labels.names[1], "1");
    ck_assert_uint_eq(s.train.n, 4);
    ck_assert_uint_eq(s.train.d, 3);
    ck_assert_uint_eq(s.test.n, 2);
    ck_assert_uint_eq(s.test.d, 3);   /* widened to the training width */
    static const lk_real want[4][3] = { { 0.5f, 0, -2.25f }, { 0, (lk_real)1e-3, 0 },
                                        { (lk_real)2.385, 4, 0 }, { 0, 0, 7.5f } };
    static const uint32_t wy[4] = { 1, 0, 1, 0 };
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(s.train.y[i], wy[i]);
        for (size_t j = 0; j < 3; j++)
            ck_assert(LK_AT(&s.train.x, i, j) == want[i][j]);
    }
    ck_assert(LK_AT(&s.test.x, 1, 1) == (lk_real)-0.125);
    ck_assert_uint_eq(s.test.y[0], 0);
    ck_assert_uint_eq(s.test.y[1], 1);
    lk_split_free(&s);
    gsl_rng_free(r);
    free(train);
    free(test);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_labels_round_trip)
{
    lk_labels l = { 3, (char *[]){ "-7", "2", "10" } };
    lk_model *m = lk_model_new("test");
    lk_error err;
    ck_assert_int_eq(lk_labels_save(&l, m, &err), LK_OK);
    char *dir = temp_dir();
    char *path = path_in(dir, "m.lkm");
    ck_assert_int_eq(lk_model_save(m, path, &err), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_load(path, &back, &err), LK_OK);
    lk_labels got;
    ck_assert_int_eq(lk_labels_load(back, &got, &err), LK_OK);
    ck_assert_uint_eq(got.k, 3);
    for (size_t c = 0; c < 3; c++)
        ck_assert_str_eq(got.names[c], l.names[c]);
    lk_labels_free(&got);
    lk_model_free(back);
    lk_model_free(m);
    /* String labels from a loaded dataset travel the same way. */
    char *csv = write_file(dir, "a.csv", CSV_ANIMALS, sizeof CSV_ANIMALS - 1);
    gsl_rng *r = th_rng(5);
    lk_split s;
    ck_assert_int_eq(lk_data_load(csv, NULL, r, &s, &err), LK_OK);
    m = lk_model_new("test");
    ck_assert_int_eq(lk_labels_save(&s.labels, m, &err), LK_OK);
    ck_assert_int_eq(lk_model_save(m, path, &err), LK_OK);
    ck_assert_int_eq(lk_model_load(path, &back, &err), LK_OK);
    ck_assert_int_eq(lk_labels_load(back, &got, &err), LK_OK);
    ck_assert_uint_eq(got.k, 3);
    ck_assert_str_eq(got.names[2], "emu");
    lk_labels_free(&got);
    lk_model_free(back);
    lk_model_free(m);
    lk_split_free(&s);
    gsl_rng_free(r);
    free(csv);
    free(path);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_prep_standard_round_trip)
{
    gsl_rng *r = th_rng(2385);
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, 50, 4, NULL), LK_OK);
    th_fill_uniform(&x, r, -3.5, 11.25);
    for (size_t i = 0; i < 50; i++)
        LK_AT(&x, i, 2) = (lk_real)6.125;   /* a constant column */
    lk_prep p;
    lk_error err;
    ck_assert_int_eq(lk_prep_fit(&p, LK_SCALE_AUTO, LK_FORMAT_CSV, &x, &err), LK_OK);
    ck_assert_int_eq(p.kind, LK_SCALE_STANDARD);
    lk_mat y;
    ck_assert_int_eq(lk_mat_alloc(&y, 50, 4, NULL), LK_OK);
    lk_mat_copy(&y, &x, NULL);
    lk_prep_apply(&p, &x);
    for (size_t j = 0; j < 4; j++) {
        double mean = 0, sq = 0;
        for (size_t i = 0; i < 50; i++)
            mean += LK_AT(&x, i, j);
        mean /= 50;
        for (size_t i = 0; i < 50; i++)
            sq += (LK_AT(&x, i, j) - mean) * (LK_AT(&x, i, j) - mean);
        ck_assert(fabs(mean) < TH_SUM_TOL(50));
        if (j == 2) {
            for (size_t i = 0; i < 50; i++)
                ck_assert(LK_AT(&x, i, j) == 0);
        } else {
            ck_assert(fabs(sqrt(sq / 50) - 1) < TH_SUM_TOL(50));
        }
    }
    /* Saved and loaded through a model file, it does exactly the same. */
    lk_model *m = lk_model_new("test");
    ck_assert_int_eq(lk_prep_save(&p, m, &err), LK_OK);
    unsigned char *buf;
    size_t n;
    ck_assert_int_eq(lk_model_serialize(m, &buf, &n, &err), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_parse(buf, n, "<memory>", &back, &err), LK_OK);
    lk_prep q;
    ck_assert_int_eq(lk_prep_load(back, &q, &err), LK_OK);
    ck_assert_int_eq(q.kind, LK_SCALE_STANDARD);
    ck_assert_uint_eq(q.d, 4);
    for (size_t j = 0; j < 4; j++)
        ck_assert(q.shift[j] == p.shift[j] && q.scale[j] == p.scale[j]);
    lk_prep_apply(&q, &y);
    ck_assert(th_max_abs_diff(&x, &y) == 0);
    /* A model whose count disagrees with its arrays is refused before any
     * allocation of that count. */
    lk_model *bad = lk_model_new("test");
    lk_model_put_str(bad, "prep.scale", "standard", NULL);
    lk_model_put_int(bad, "prep.features", (int64_t)1 << 39, NULL);
    lk_model_put_dvec(bad, "prep.shift", 4, p.shift, NULL);
    lk_model_put_dvec(bad, "prep.factor", 4, p.scale, NULL);
    lk_prep z;
    ck_assert_int_eq(lk_prep_load(bad, &z, &err), LK_EFORMAT);
    ck_assert_ptr_null(z.shift);
    /* With the right count it loads, but not for a learner of 5 inputs, nor
     * with a value that is not finite. */
    lk_model_put_int(bad, "prep.features", 4, NULL);
    ck_assert_int_eq(lk_prep_load(bad, &z, &err), LK_OK);
    lk_prep_free(&z);
    lk_model_put_int(bad, "arch.inputs", 5, NULL);
    ck_assert_int_eq(lk_prep_load(bad, &z, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "prep.features");
    lk_model_put_int(bad, "arch.inputs", 4, NULL);
    double inf4[4] = { 1, 2, INFINITY, 4 };
    lk_model_put_dvec(bad, "prep.factor", 4, inf4, NULL);
    ck_assert_int_eq(lk_prep_load(bad, &z, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "prep.factor");
    ck_assert_ptr_null(z.shift);
    lk_model_free(bad);
    lk_prep_free(&q);
    lk_model_free(back);
    lk_model_free(m);
    free(buf);
    lk_prep_free(&p);
    lk_mat_free(&x);
    lk_mat_free(&y);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_onehot_and_counts)
{
    const uint32_t y[5] = { 2, 0, 2, 1, 2 };
    lk_mat t;
    ck_assert_int_eq(lk_onehot(y, 5, 3, &t, NULL), LK_OK);
    for (size_t i = 0; i < 5; i++)
        for (size_t c = 0; c < 3; c++)
            ck_assert(LK_AT(&t, i, c) == (c == y[i] ? 1 : 0));
    lk_mat_free(&t);
    const uint32_t bad[2] = { 0, 3 };
    lk_error err;
    ck_assert_int_eq(lk_onehot(bad, 2, 3, &t, &err), LK_EINVAL);
    ck_assert_ptr_null(t.data);
}
END_TEST

START_TEST(test_holdout_seeded)
{
    char *dir = temp_dir();
    char *path = write_file(dir, "a.csv", CSV_ANIMALS, sizeof CSV_ANIMALS - 1);
    lk_split a, b;
    lk_error err;
    /* The same seed draws the same split, row for row. */
    gsl_rng *r1 = th_rng(42), *r2 = th_rng(42);
    ck_assert_int_eq(lk_data_load(path, NULL, r1, &a, &err), LK_OK);
    ck_assert_int_eq(lk_data_load(path, NULL, r2, &b, &err), LK_OK);
    ck_assert_uint_eq(a.test.n, b.test.n);
    ck_assert(th_max_abs_diff(&a.test.x, &b.test.x) == 0);
    lk_split_free(&b);
    /* Over a few other seeds, some split differs. */
    int differs = 0;
    for (unsigned long seed = 1; seed < 8 && !differs; seed++) {
        gsl_rng *r = th_rng(seed);
        ck_assert_int_eq(lk_data_load(path, NULL, r, &b, &err), LK_OK);
        differs = th_max_abs_diff(&a.test.x, &b.test.x) != 0;
        lk_split_free(&b);
        gsl_rng_free(r);
    }
    ck_assert(differs);
    lk_split_free(&a);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    free(path);
    remove_dir(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_csv_options)
{
    char *dir = temp_dir();
    /* Integer labels sort numerically (2 < 10), in the last column, no header. */
    static const char text[] = "1.5,2,10\n3,4,2\n5,6.5,10\n7,8,-3\n9,10,2\n11,12,-3\n";
    char *path = write_file(dir, "n.csv", text, sizeof text - 1);
    gsl_rng *r = th_rng(9);
    lk_split s;
    lk_error err;
    lk_data_options o = lk_data_options_default();
    o.label_col = LK_LABEL_COL_LAST;
    o.holdout = 0.5;
    ck_assert_int_eq(lk_data_load(path, &o, r, &s, &err), LK_OK);
    ck_assert_uint_eq(s.labels.k, 3);
    ck_assert_str_eq(s.labels.names[0], "-3");
    ck_assert_str_eq(s.labels.names[1], "2");
    ck_assert_str_eq(s.labels.names[2], "10");
    ck_assert_uint_eq(s.train.n + s.test.n, 6);
    ck_assert_uint_eq(s.train.d, 2);
    lk_split_free(&s);
    /* The same file with the label in column 2, a forced header, and itself
     * as the test set: "6.5" is not an integer, so labels sort as text. */
    o.label_col = 2;
    o.header = LK_HEADER_YES;
    o.test_path = path;
    ck_assert_int_eq(lk_data_load(path, &o, r, &s, &err), LK_OK);
    ck_assert_uint_eq(s.train.n, 5);
    ck_assert_uint_eq(s.test.n, 5);
    ck_assert_uint_eq(s.labels.k, 5);
    ck_assert_str_eq(s.labels.names[0], "10");
    ck_assert_str_eq(s.labels.names[4], "8");
    lk_split_free(&s);
    /* --header no on a header line: its text is not a number. */
    char *h = write_file(dir, "h.csv", "y,x\n1,2\n2,3\n", 12);
    o = lk_data_options_default();
    o.header = LK_HEADER_NO;
    ck_assert_int_eq(lk_data_load(h, &o, r, &s, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "1:2");
    free(h);
    free(path);
    gsl_rng_free(r);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_idx_element_types)
{
    char *dir = temp_dir();
    write_idx_dir(dir, 0);
    /* Replace the training images with big-endian float32 values. */
    unsigned char buf[4 + 12 + 9 * 6 * 4];
    buf[0] = buf[1] = 0;
    buf[2] = 0x0D;
    buf[3] = 3;
    size_t n = 4;
    n += put_be32(buf + n, 9);
    n += put_be32(buf + n, 2);
    n += put_be32(buf + n, 3);
    for (size_t k = 0; k < 54; k++) {
        float f = (float)k * -0.375f + 2.385f;
        uint32_t u;
        memcpy(&u, &f, 4);
        n += put_be32(buf + n, u);
    }
    free(write_file(dir, IDX_NAMES[0], buf, n));
    gsl_rng *r = th_rng(1);
    lk_split s;
    lk_error err;
    ck_assert_int_eq(lk_data_load(dir, NULL, r, &s, &err), LK_OK);
    ck_assert(LK_AT(&s.train.x, 8, 5) == (lk_real)(53 * -0.375f + 2.385f));
    lk_split_free(&s);
    gsl_rng_free(r);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_libsvm_features)
{
    char *dir = temp_dir();
    char *train = write_file(dir, "a.svm", "1 1:1\n2 2:1\n", 12);
    char *test = write_file(dir, "b.svm", "1 1:1\n2 5:1\n", 12);
    gsl_rng *r = th_rng(1);
    lk_split s;
    lk_error err;
    lk_data_options o = lk_data_options_default();
    o.test_path = test;
    ck_assert_int_eq(lk_data_load(train, &o, r, &s, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.source, "b.svm"));
    ck_assert_ptr_nonnull(strstr(err.text, "number of features to 5"));
    assert_empty(&s);
    o.features = 5;
    ck_assert_int_eq(lk_data_load(train, &o, r, &s, &err), LK_OK);
    ck_assert_uint_eq(s.train.d, 5);
    ck_assert_uint_eq(s.test.d, 5);
    ck_assert(LK_AT(&s.test.x, 1, 4) == 1);
    lk_split_free(&s);
    gsl_rng_free(r);
    free(train);
    free(test);
    remove_dir(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------------- errors */

/* One bad input: a file (name decides format and gzip), its bytes, and the
 * status, place and words of the error it must produce. */
typedef struct bad_case {
    const char *what;
    const char *name;      /* file name: .csv, .svm, or an IDX_NAMES entry */
    const char *bytes;
    size_t n;
    int damage;            /* 0, or gzip damage: 1 corrupt, 2 truncate */
    lk_status status;
    const char *place;     /* exact place, or NULL */
    const char *text;      /* substring of the text */
} bad_case;

#define B(s) s, sizeof s - 1
#define IDXH(t, r) "\0\0" t r

static const bad_case BAD[] = {
    /* IDX (the training images of an otherwise valid directory) */
    { "idx empty", "train-images-idx3-ubyte", B(""), 0, LK_EFORMAT, "byte 0", "too short" },
    { "idx truncated header", "train-images-idx3-ubyte", B(IDXH("\x08", "\x03") "\0\0\0\x09\0\0"),
      0, LK_EFORMAT, NULL, "truncated header" },
    { "idx wrong magic", "train-images-idx3-ubyte", B("\x1f\x8c\x08\x03\0\0\0\x01"), 0,
      LK_EFORMAT, "byte 0", "not an IDX file" },
    { "idx unknown type", "train-images-idx3-ubyte", B(IDXH("\x07", "\x03") "\0\0\0\x01"), 0,
      LK_EFORMAT, "byte 2", "element type 0x07" },
    { "idx rank 0", "train-images-idx3-ubyte", B(IDXH("\x08", "\x00")), 0, LK_EFORMAT, "byte 3",
      "rank 0" },
    { "idx rank 200", "train-images-idx3-ubyte", B(IDXH("\x08", "\xc8")), 0, LK_EFORMAT,
      "byte 3", "rank 200" },
    { "idx rank 1 images", "train-images-idx3-ubyte", B(IDXH("\x08", "\x01") "\0\0\0\x02" "ab"), 0,
      LK_EFORMAT, "byte 3", "rank 2 or more" },
    /* 2^16 four times: the product wraps to 0, which matches 0 data bytes. */
    { "idx product overflows", "train-images-idx3-ubyte",
      B(IDXH("\x08", "\x04") "\0\x01\0\0\0\x01\0\0\0\x01\0\0\0\x01\0\0"), 0, LK_EFORMAT,
      "byte 16", "multiply to more elements" },
    { "idx f64 dims", "train-images-idx3-ubyte",
      B(IDXH("\x0e", "\x03") "\0\0\0\x01\0\0\0\x01\0\0\0\x02" "01234567"), 0, LK_EFORMAT,
      "byte 16", "promises 16 data bytes, the file has 8 (truncated?)" },
    { "idx count beyond file", "train-images-idx3-ubyte",
      B(IDXH("\x08", "\x03") "\0\0\xea\x60\0\0\0\x1c\0\0\0\x1c" "0123456789"), 0, LK_EFORMAT,
      "byte 16", "promises 47040000 data bytes, the file has 10" },
    { "idx pixels beyond file", "train-images-idx3-ubyte",
      B(IDXH("\x08", "\x03") "\0\0\0\x01\0\0\x10\0\0\0\x10\0" "0123456789"), 0, LK_EFORMAT,
      "byte 16", "promises 16777216 data bytes" },
    { "idx zero dimension", "train-images-idx3-ubyte",
      B(IDXH("\x08", "\x03") "\0\0\0\x09\0\0\0\0\0\0\0\x03" "012345678"), 0, LK_EFORMAT,
      "byte 8", "zero" },
    { "idx trailing bytes", "train-images-idx3-ubyte",
      B(IDXH("\x08", "\x03") "\0\0\0\x01\0\0\0\x01\0\0\0\x01" "ab"), 0, LK_EFORMAT, "byte 16",
      "promises 1 data bytes, the file has 2" },
    { "idx labels rank 2", "train-labels-idx1-ubyte",
      B(IDXH("\x08", "\x02") "\0\0\0\x09\0\0\0\x01" "012345678"), 0, LK_EFORMAT, "byte 3",
      "labels need rank 1" },
    { "idx count mismatch", "train-labels-idx1-ubyte", B(IDXH("\x08", "\x01") "\0\0\0\x08" "01234567"),
      0, LK_EFORMAT, NULL, "8 labels for the 9 images" },
    { "idx test width", "t10k-images-idx3-ubyte",
      B(IDXH("\x08", "\x02") "\0\0\0\x06\0\0\0\x01" "012345"), 0, LK_EFORMAT, NULL,
      "1 pixels, training images 6" },
    { "idx corrupt gzip", "train-images-idx3-ubyte.gz",
      B(IDXH("\x08", "\x03") "\0\0\0\x09\0\0\0\x02\0\0\0\x03"
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"), 1, LK_EFORMAT, NULL, "gzip" },
    { "idx truncated gzip", "train-images-idx3-ubyte.gz",
      B(IDXH("\x08", "\x03") "\0\0\0\x09\0\0\0\x02\0\0\0\x03"
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"), 2, LK_EFORMAT, NULL, "gzip" },
    /* CSV */
    { "csv empty", "e.csv", B(""), 0, LK_EFORMAT, "", "no data rows" },
    { "csv header only", "e.csv", B("label,x,y\n"), 0, LK_EFORMAT, "", "no data rows" },
    { "csv ragged short", "r.csv", B("1,2,3\n2,3,4\n1,5\n"), 0, LK_EFORMAT, "3",
      "expected 3 fields like the first row, found 2" },
    { "csv ragged long", "r.csv", B("1,2,3\r\n2,3,4,5\r\n"), 0, LK_EFORMAT, "2", "found 4" },
    { "csv not a number", "n.csv", B("1,2,3\n2,3,4.2.1\n"), 0, LK_EFORMAT, "2:3",
      "\"4.2.1\" is not a number" },
    { "csv trailing text", "n.csv", B("1,2,3\n2,3abc,4\n"), 0, LK_EFORMAT, "2:2",
      "\"3abc\" is not a number" },
    { "csv empty field", "n.csv", B("1,2,3\n2,,4\n"), 0, LK_EFORMAT, "2:2", "\"\" is not a number" },
    { "csv nan", "n.csv", B("1,2,3\n2,NaN,4\n"), 0, LK_EFORMAT, "2:2", "not a finite number" },
    { "csv inf", "n.csv", B("1,2,3\n2,3,-inf\n"), 0, LK_EFORMAT, "2:3", "not a finite number" },
    { "csv overflow", "n.csv", B("1,2,3\n2,1e999,4\n"), 0, LK_EFORMAT, "2:2", "not a finite" },
    { "csv unclosed quote", "q.csv", B("1,2,3\n2,\"3,4\n"), 0, LK_EFORMAT, "2:2", "quote" },
    { "csv nul byte", "z.csv", B("1,2,3\n2,3\0,4\n"), 0, LK_EFORMAT, "2", "NUL" },
    { "csv one column", "o.csv", B("1\n2\n"), 0, LK_EFORMAT, "1", "at least one feature" },
    { "csv one class", "c.csv", B("a,1\na,2\na,3\n"), 0, LK_EFORMAT, "", "nothing to learn" },
    { "csv corrupt gzip", "g.csv.gz", B("1,2,3\n2,3,4\n1,5,6\n2,7,8\n1,9,10\n2,11,12\n"), 1,
      LK_EFORMAT, NULL, "gzip" },
    { "csv truncated gzip", "g.csv.gz", B("1,2,3\n2,3,4\n1,5,6\n2,7,8\n1,9,10\n2,11,12\n"), 2,
      LK_EFORMAT, NULL, "gzip" },
    /* LIBSVM */
    { "svm empty", "e.svm", B(""), 0, LK_EFORMAT, "", "no data rows" },
    { "svm index 0", "i.svm", B("1 1:2\n-1 0:1 2:3\n"), 0, LK_EFORMAT, "2:2", "index 0" },
    { "svm decreasing", "d.svm", B("1 1:2 5:1 3:1\n"), 0, LK_EFORMAT, "1:4", "must increase" },
    { "svm repeated", "d.svm", B("1 2:2 2:1\n"), 0, LK_EFORMAT, "1:3", "must increase" },
    { "svm index text", "t.svm", B("1 1:2\n1 x:1\n"), 0, LK_EFORMAT, "2:2",
      "index \"x\" is not a whole number" },
    { "svm index negative", "t.svm", B("1 -3:1\n"), 0, LK_EFORMAT, "1:2", "whole number" },
    { "svm index fraction", "t.svm", B("1 1.5:1\n"), 0, LK_EFORMAT, "1:2", "whole number" },
    { "svm value text", "v.svm", B("1 1:2\n-1 1:abc\n"), 0, LK_EFORMAT, "2:2",
      "value \"abc\" is not a finite number" },
    { "svm value nan", "v.svm", B("1 1:2\n-1 1:nan\n"), 0, LK_EFORMAT, "2:2", "not a finite" },
    { "svm no colon", "c.svm", B("1 1:2 7\n"), 0, LK_EFORMAT, "1:3", "INDEX:VALUE" },
    { "svm empty index", "c.svm", B("1 :2\n"), 0, LK_EFORMAT, "1:2", "INDEX:VALUE" },
    { "svm missing label", "l.svm", B("1 1:2\n3:1 4:1\n"), 0, LK_EFORMAT, "2:1",
      "label \"3:1\" is not a number" },
    { "svm huge index", "h.svm", B("1 1:2\n2 99999999999999:1\n"), 0, LK_ETOOBIG, "2:2",
      "too large" },
    { "svm corrupt gzip", "g.svm.gz", B("1 1:2 3:4\n-1 2:3 4:5.5\n1 1:1\n-1 4:2.385\n"), 1,
      LK_EFORMAT, NULL, "gzip" },
};

/* Build the input of case k; returns the DATA argument (malloc'ed). */
static char *make_case(const bad_case *b, const char *dir, char **bad_path)
{
    int is_idx = strncmp(b->name, "t", 1) == 0 && strstr(b->name, "idx") != NULL;
    if (is_idx)
        write_idx_dir(dir, 0);
    char *path = path_in(dir, b->name);
    if (b->damage) {
        size_t gn;
        unsigned char *g = gzip_bytes(b->bytes, b->n, &gn);
        if (b->damage == 1)
            for (size_t k = 12; k < gn - 8 && k < 20; k++)
                g[k] ^= 0x5a;   /* inside the deflate stream */
        else
            gn -= 10;           /* lose the trailer and some data */
        put_file(path, g, gn);
        free(g);
    } else {
        put_file(path, b->bytes, b->n);
    }
    if (is_idx) {
        /* The plain twin written by write_idx_dir would win over .gz. */
        size_t len = strlen(path);
        if (len > 3 && strcmp(path + len - 3, ".gz") == 0) {
            path[len - 3] = '\0';
            ck_assert_int_eq(unlink(path), 0);
            path[len - 3] = '.';
        }
        *bad_path = path;
        return strdup(dir);
    }
    *bad_path = path;
    return strdup(path);
}

START_TEST(test_bad_inputs)
{
    const bad_case *b = &BAD[_i];
    char *dir = temp_dir();
    char *bad_path;
    char *spec = make_case(b, dir, &bad_path);
    gsl_rng *r = th_rng(1);
    lk_split s;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_data_load(spec, NULL, r, &s, &err);
    ck_assert_msg(st == b->status, "%s: status %d, expected %d (%s:%s: %s)", b->what, st,
                  b->status, err.source, err.place, err.text);
    assert_empty(&s);
    /* The error names the file that is wrong ... */
    ck_assert_msg(strcmp(err.source, bad_path) == 0, "%s: source '%s', expected '%s'",
                      b->what, err.source, bad_path);
    /* ... the place ... */
    if (b->place)
        ck_assert_msg(strcmp(err.place, b->place) == 0, "%s: place '%s', expected '%s'",
                      b->what, err.place, b->place);
    /* ... and what was expected. */
    ck_assert_msg(strstr(err.text, b->text) != NULL, "%s: text '%s' lacks '%s'", b->what,
                  err.text, b->text);
    char line[1024];
    lk_error_format(&err, line, sizeof line);
    ck_assert(strchr(line, '\n') == NULL);
    gsl_rng_free(r);
    free(spec);
    free(bad_path);
    remove_dir(dir);
    free(dir);
}
END_TEST

START_TEST(test_bad_arguments)
{
    char *dir = temp_dir();
    isolate_env(dir);
    char *csv = write_file(dir, "a.csv", "1,2\n2,3\n1,4\n2,5\n", 16);
    gsl_rng *r = th_rng(1);
    lk_split s;
    lk_error err;
    lk_data_options o = lk_data_options_default();
    /* A label column beyond the rows. */
    o.label_col = 5;
    ck_assert_int_eq(lk_data_load(csv, &o, r, &s, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "label column 5"));
    assert_empty(&s);
    /* Holdout fractions outside (0, 1), or leaving an empty set. */
    o = lk_data_options_default();
    o.holdout = 1.5;
    ck_assert_int_eq(lk_data_load(csv, &o, r, &s, &err), LK_EINVAL);
    ck_assert_str_eq(err.place, "holdout");
    o.holdout = 0.01;
    ck_assert_int_eq(lk_data_load(csv, &o, r, &s, &err), LK_EINVAL);
    assert_empty(&s);
    /* A file of unknown format, a missing file, a directory without IDX. */
    char *odd = write_file(dir, "a.dat", "1,2\n", 4);
    ck_assert_int_eq(lk_data_load(odd, NULL, r, &s, &err), LK_EINVAL);
    ck_assert_str_eq(err.place, "format");
    char *missing = path_in(dir, "none.csv");
    ck_assert_int_eq(lk_data_load(missing, NULL, r, &s, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.source, missing);
    ck_assert_int_eq(lk_data_load(dir, NULL, r, &s, &err), LK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.text, "train-images-idx3-ubyte"));
    /* A label in the test set the training set never had is still a class. */
    char *te = write_file(dir, "b.csv", "3,1\n", 4);
    o = lk_data_options_default();
    o.test_path = te;
    ck_assert_int_eq(lk_data_load(csv, &o, r, &s, &err), LK_OK);
    ck_assert_uint_eq(s.labels.k, 3);
    lk_split_free(&s);
    /* A model label map out of order is refused. */
    lk_model *m = lk_model_new("test");
    const char *names[] = { "b", "a" };
    lk_model_put_strs(m, "labels", 2, names, NULL);
    lk_labels l;
    ck_assert_int_eq(lk_labels_load(m, &l, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "labels");
    /* In order, they load; not when the model scores another number of
     * classes. */
    const char *sorted[] = { "a", "b" };
    lk_model_put_strs(m, "labels", 2, sorted, NULL);
    ck_assert_int_eq(lk_labels_load(m, &l, &err), LK_OK);
    lk_labels_free(&l);
    lk_model_put_int(m, "arch.classes", 3, NULL);
    ck_assert_int_eq(lk_labels_load(m, &l, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "labels");
    ck_assert_str_eq(err.text, "2 class names, but arch.classes is 3");
    lk_model_free(m);
    free(te);
    free(missing);
    free(odd);
    free(csv);
    gsl_rng_free(r);
    remove_dir(dir);
    free(dir);
}
END_TEST

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_idx_directory);
    tcase_add_test(core, test_named_search_path);
    tcase_add_test(core, test_csv_string_labels);
    tcase_add_test(core, test_libsvm_pm1_labels);
    tcase_add_test(core, test_labels_round_trip);
    tcase_add_test(core, test_prep_standard_round_trip);
    tcase_add_test(core, test_onehot_and_counts);
    tcase_add_test(core, test_holdout_seeded);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_csv_options);
    tcase_add_test(limits, test_idx_element_types);
    tcase_add_test(limits, test_libsvm_features);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, test_bad_inputs, 0, (int)(sizeof BAD / sizeof *BAD));
    tcase_add_test(errors, test_bad_arguments);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    return th_run_suite(data_suite());
}
