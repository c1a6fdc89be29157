/* data_test.c — the readers and the dataset layer: good inputs of every
 * format, a table of bad inputs each with its expected message and place,
 * label maps, holdout, preprocessing and their round trip through a model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "testhelp.h"

/* An IDX file of u8 elements with the given dimensions, values v(k). */
static size_t make_idx(unsigned char *buf, const unsigned *dims, unsigned rank)
{
    size_t n = 4, count = 1;
    buf[0] = buf[1] = 0;
    buf[2] = 0x08;
    buf[3] = (unsigned char)rank;
    for (unsigned k = 0; k < rank; k++) {
        buf[n++] = (unsigned char)(dims[k] >> 24);
        buf[n++] = (unsigned char)(dims[k] >> 16);
        buf[n++] = (unsigned char)(dims[k] >> 8);
        buf[n++] = (unsigned char)dims[k];
        count *= dims[k];
    }
    for (size_t k = 0; k < count; k++)
        buf[n++] = (unsigned char)((k * 37 + 11) % 256);
    return n;
}

/* A tiny dataset directory in the MNIST layout: 30 train and 10 test images
 * of 3 x 4 pixels, labels cycling through 7, 2, 9 (sorted: 2, 7, 9). */
static void make_idx_dir(const char *dir, int gz)
{
    unsigned char buf[1024];
    const unsigned di[3] = { 30, 3, 4 }, dl[1] = { 30 };
    const unsigned ti[3] = { 10, 3, 4 }, tl[1] = { 10 };
    char name[256];
    const char *ext = gz ? ".gz" : "";
    mkdir(dir, 0755);
    struct { const char *base; const unsigned *dims; unsigned rank; int labels; } files[4] = {
        { "train-images-idx3-ubyte", di, 3, 0 }, { "train-labels-idx1-ubyte", dl, 1, 1 },
        { "t10k-images-idx3-ubyte", ti, 3, 0 }, { "t10k-labels-idx1-ubyte", tl, 1, 1 } };
    for (int f = 0; f < 4; f++) {
        size_t n = make_idx(buf, files[f].dims, files[f].rank);
        if (files[f].labels)
            for (unsigned i = 0; i < files[f].dims[0]; i++)
                buf[8 + i] = (unsigned char)(i % 3 == 0 ? 7 : i % 3 == 1 ? 2 : 9);
        snprintf(name, sizeof name, "%s/%s%s", dir + strlen(th_tmpdir) + 1, files[f].base, ext);
        if (gz)
            th_write(name, buf, n, 1);
        else
            th_write(name, buf, n, 0);
    }
}

START_TEST(test_idx_directory)
{
    for (int gz = 0; gz < 2; gz++) {
        char dir[128];
        snprintf(dir, sizeof dir, "%s/set%d", th_tmpdir, gz);
        make_idx_dir(dir, gz);
        lk_split s;
        lk_error err;
        gsl_rng *r = th_rng(3);
        ck_assert_msg(lk_data_load(dir, NULL, r, &s, &err) == LK_OK, "%s", err.text);
        ck_assert_uint_eq(s.train.n, 30);
        ck_assert_uint_eq(s.test.n, 10);
        ck_assert_uint_eq(s.train.d, 12);
        ck_assert_uint_eq(s.labels.k, 3);
        ck_assert_str_eq(s.labels.names[0], "2");
        ck_assert_str_eq(s.labels.names[2], "9");
        ck_assert_uint_eq(s.train.y[0], 1);   /* label 7 */
        ck_assert_uint_eq(s.train.y[1], 0);   /* label 2 */
        ck_assert(LK_AT(&s.train.x, 1, 0) == (lk_real)((12 * 37 + 11) % 256));
        ck_assert_int_eq(s.format, LK_FORMAT_IDX);
        ck_assert_int_eq(s.test_is_holdout, 0);
        lk_split_free(&s);
        gsl_rng_free(r);
    }
}
END_TEST

START_TEST(test_named_dataset_search_path)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/mnist", th_tmpdir);
    make_idx_dir(dir, 1);
    lk_data_options o = lk_data_options_default();
    o.data_dir = th_tmpdir;
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(3);
    ck_assert_msg(lk_data_load("mnist", &o, r, &s, &err) == LK_OK, "%s", err.text);
    ck_assert_str_eq(s.name, "mnist");
    ck_assert_ptr_nonnull(strstr(s.train_source, dir));
    lk_split_free(&s);
    /* LEARNKIT_DATA is searched too. */
    setenv("LEARNKIT_DATA", th_tmpdir, 1);
    ck_assert_int_eq(lk_data_load("mnist", NULL, r, &s, &err), LK_OK);
    lk_split_free(&s);
    unsetenv("LEARNKIT_DATA");
    /* An unknown name is not found, with the places searched. */
    ck_assert_int_eq(lk_data_load("cifar", &o, r, &s, &err), LK_ENOTFOUND);
    gsl_rng_free(r);
    /* The names a DATA argument may be: mnist once, cifar not. */
    const char *const *names = lk_data_names();
    int mnist = 0;
    for (size_t k = 0; names[k]; k++) {
        mnist += strcmp(names[k], "mnist") == 0;
        ck_assert_str_ne(names[k], "cifar");
    }
    ck_assert_int_eq(mnist, 1);
}
END_TEST

static const char CSV_STRINGS[] =
    "\xEF\xBB\xBF" "species,len,width\r\n"
    "cat, 1.5,2.25\r\n"
    "dog,3.0,-1e-3\r\n"
    "\r\n"
    "\"ca\"\"t\",4,5\r\n"
    "dog,6,7\r\n";

/* The built-in xor: the four corners, labels 0 1 1 0, the test set the
 * same points. */
START_TEST(test_builtin_xor)
{
    lk_split sp;
    gsl_rng *r = th_rng(1);
    ck_assert_int_eq(lk_data_load("xor", NULL, r, &sp, NULL), LK_OK);
    ck_assert_uint_eq(sp.train.n, 4);
    ck_assert_uint_eq(sp.test.n, 4);
    ck_assert_uint_eq(sp.train.d, 2);
    ck_assert_uint_eq(sp.labels.k, 2);
    ck_assert(!sp.test_is_holdout);
    static const double want[4][3] = { { 0, 0, 0 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 0 } };
    for (size_t i = 0; i < 4; i++) {
        ck_assert_double_eq(LK_AT(&sp.train.x, i, 0), want[i][0]);
        ck_assert_double_eq(LK_AT(&sp.train.x, i, 1), want[i][1]);
        ck_assert_str_eq(sp.labels.names[sp.train.y[i]], want[i][2] ? "1" : "0");
        ck_assert_uint_eq(sp.test.y[i], sp.train.y[i]);
        ck_assert_double_eq(LK_AT(&sp.test.x, i, 1), want[i][1]);
    }
    lk_split_free(&sp);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_csv_strings_bom_crlf_quotes)
{
    char *path = th_write("s.csv", CSV_STRINGS, sizeof CSV_STRINGS - 1, 0);
    lk_data_options o = lk_data_options_default();
    o.holdout = 0.5;
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(5);
    ck_assert_msg(lk_data_load(path, &o, r, &s, &err) == LK_OK, "%s", err.text);
    ck_assert_uint_eq(s.train.d, 2);
    ck_assert_uint_eq(s.train.n + s.test.n, 4);
    ck_assert_uint_eq(s.labels.k, 3);
    ck_assert_str_eq(s.labels.names[0], "ca\"t");
    ck_assert_str_eq(s.labels.names[1], "cat");
    ck_assert_str_eq(s.labels.names[2], "dog");
    ck_assert_int_eq(s.test_is_holdout, 1);
    lk_split_free(&s);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_csv_label_last_and_test_file)
{
    static const char train[] = "1,2,-1\n3,4,1\n5,6,-1\n7,8,+1\n";
    static const char test[] = "9,10,1\n11,12,-1\n";
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s", th_write("tr.csv", train, sizeof train - 1, 0));
    snprintf(p2, sizeof p2, "%s", th_write("te.csv.gz", test, sizeof test - 1, 1));
    lk_data_options o = lk_data_options_default();
    o.label_col = LK_LABEL_COL_LAST;
    o.test_path = p2;
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(5);
    ck_assert_msg(lk_data_load(p1, &o, r, &s, &err) == LK_OK, "%s", err.text);
    ck_assert_uint_eq(s.labels.k, 2);
    ck_assert_str_eq(s.labels.names[0], "-1");
    ck_assert_str_eq(s.labels.names[1], "1");      /* "+1" and "1" are one class */
    ck_assert_uint_eq(s.train.y[3], 1);
    ck_assert_uint_eq(s.test.n, 2);
    ck_assert(LK_AT(&s.test.x, 1, 1) == 12);
    lk_split_free(&s);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_libsvm_sparse_rows)
{
    static const char text[] = "+1 1:0.5 3:2 # comment\n-1 2:-1.25\n\n+1 4:1e2\n-1 1:1\n";
    char *path = th_write("a.svm", text, sizeof text - 1, 0);
    lk_data_options o = lk_data_options_default();
    o.features = 6;
    o.holdout = 0.5;
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(7);
    ck_assert_msg(lk_data_load(path, &o, r, &s, &err) == LK_OK, "%s", err.text);
    ck_assert_uint_eq(s.train.d, 6);
    ck_assert_uint_eq(s.train.n + s.test.n, 4);
    ck_assert_str_eq(s.labels.names[0], "-1");
    lk_split_free(&s);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_holdout_stratified_and_seeded)
{
    /* 90 rows of class a, 10 of class b: a 0.2 holdout takes 18 and 2. */
    char text[4096] = "";
    for (int i = 0; i < 100; i++) {
        char line[64];
        snprintf(line, sizeof line, "%s,%d,%d\n", i % 10 == 3 ? "b" : "a", i, i * i);
        strcat(text, line);
    }
    char *path = th_write("h.csv", text, strlen(text), 0);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", path);
    lk_split s1, s2, s3;
    gsl_rng *r1 = th_rng(11), *r2 = th_rng(11), *r3 = th_rng(12);
    ck_assert_int_eq(lk_data_load(copy, NULL, r1, &s1, NULL), LK_OK);
    ck_assert_int_eq(lk_data_load(copy, NULL, r2, &s2, NULL), LK_OK);
    ck_assert_int_eq(lk_data_load(copy, NULL, r3, &s3, NULL), LK_OK);
    size_t counts[2];
    lk_class_counts(&s1.test, 2, counts);
    ck_assert_uint_eq(counts[0], 18);
    ck_assert_uint_eq(counts[1], 2);
    /* Same seed, same split; another seed, another split. */
    ck_assert(memcmp(s1.test.x.data, s2.test.x.data, 20 * 2 * sizeof(lk_real)) == 0);
    ck_assert(memcmp(s1.test.x.data, s3.test.x.data, 20 * 2 * sizeof(lk_real)) != 0);
    lk_split_free(&s1);
    lk_split_free(&s2);
    lk_split_free(&s3);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    gsl_rng_free(r3);
}
END_TEST

START_TEST(test_prep_standard_and_round_trip)
{
    lk_mat x;
    lk_mat_alloc(&x, 4, 3, NULL);
    const lk_real v[12] = { 1, 5, 2.5f, 3, 5, -1, 5, 5, 0.5f, 7, 5, 2 };
    memcpy(x.data, v, sizeof v);
    lk_prep p;
    ck_assert_int_eq(lk_prep_fit(&p, LK_SCALE_STANDARD, LK_FORMAT_CSV, &x, NULL), LK_OK);
    lk_prep_apply(&p, &x);
    for (size_t j = 0; j < 3; j++) {
        double m = 0, q = 0;
        for (size_t i = 0; i < 4; i++)
            m += LK_AT(&x, i, j);
        for (size_t i = 0; i < 4; i++)
            q += LK_AT(&x, i, j) * LK_AT(&x, i, j);
        ck_assert_double_le(fabs(m / 4), 8 * LK_REAL_EPSILON);
        /* The constant column 1 stays finite (all zeros). */
        ck_assert_double_le(fabs(q / 4 - (j == 1 ? 0 : 1)), 16 * LK_REAL_EPSILON);
    }
    lk_model *m = lk_model_new("test");
    ck_assert_int_eq(lk_prep_save(&p, m, NULL), LK_OK);
    lk_labels l = { 0 }, back_l;
    char *names[3] = { "-1", "cat", "\xc3\xa9t\xc3\xa9" };
    l.k = 3;
    l.names = names;
    ck_assert_int_eq(lk_labels_save(&l, m, NULL), LK_OK);
    unsigned char *buf;
    size_t n;
    lk_model_serialize(m, &buf, &n, NULL);
    lk_model *m2;
    ck_assert_int_eq(lk_model_parse(buf, n, "<memory>", &m2, NULL), LK_OK);
    lk_prep q;
    ck_assert_int_eq(lk_prep_load(m2, &q, NULL), LK_OK);
    ck_assert_int_eq(q.kind, LK_SCALE_STANDARD);
    for (size_t j = 0; j < 3; j++)
        ck_assert(q.shift[j] == p.shift[j] && q.scale[j] == p.scale[j]);
    ck_assert_int_eq(lk_labels_load(m2, &back_l, NULL), LK_OK);
    ck_assert_uint_eq(back_l.k, 3);
    ck_assert_str_eq(back_l.names[2], "\xc3\xa9t\xc3\xa9");
    lk_labels_free(&back_l);
    lk_prep_free(&p);
    lk_prep_free(&q);
    lk_model_free(m);
    lk_model_free(m2);
    free(buf);
    lk_mat_free(&x);
}
END_TEST

START_TEST(test_onehot)
{
    const uint32_t y[3] = { 2, 0, 2 };
    lk_mat t;
    ck_assert_int_eq(lk_onehot(y, 3, 4, &t, NULL), LK_OK);
    ck_assert(LK_AT(&t, 0, 2) == 1 && LK_AT(&t, 1, 0) == 1 && LK_AT(&t, 2, 3) == 0);
    lk_mat_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ bad input */

typedef struct bad_case {
    const char *name;       /* file name (its extension picks the format) */
    const char *bytes;      /* contents */
    size_t len;             /* 0: strlen(bytes) */
    int gz;                 /* write gzipped */
    lk_status status;       /* expected */
    const char *place;      /* expected place, or NULL for none */
    const char *text;       /* expected fragment of the message */
} bad_case;

#define B(s) s, sizeof(s) - 1

static const bad_case BAD_TEXT[] = {
    { "empty.csv", B(""), 0, LK_EFORMAT, NULL, "no data rows" },
    { "header-only.csv", B("label,a,b\n"), 0, LK_EFORMAT, NULL, "no data rows" },
    { "ragged.csv", B("1,2,3\n1,2\n"), 0, LK_EFORMAT, "2", "expected 3 fields" },
    { "nonnum.csv", B("1,2,3\n2,4.2.1,3\n"), 0, LK_EFORMAT, "2:2", "\"4.2.1\" is not a number" },
    { "nan.csv", B("1,2,3\n2,nan,3\n"), 0, LK_EFORMAT, "2:2", "not a finite number" },
    { "inf.csv", B("1,2,3\n2,3,-inf\n"), 0, LK_EFORMAT, "2:3", "not a finite number" },
    { "huge.csv", B("1,2,3\n2,3,1e999\n"), 0, LK_EFORMAT, "2:3", "not a finite number" },
    { "quote.csv", B("1,2,3\n\"2,3,4\n"), 0, LK_EFORMAT, "2:1", "quoted field" },
    { "one.csv", B("1\n2\n"), 0, LK_EFORMAT, "1", "at least one feature" },
    { "same.csv", B("a,1,2\na,3,4\n"), 0, LK_EFORMAT, NULL, "same label" },
    { "nul.csv", "1,2,3\n2,\0,3\n", 12, 0, LK_EFORMAT, "2", "NUL" },
    { "zero.svm", B("1 0:1\n"), 0, LK_EFORMAT, "1:2", "index 0" },
    { "decr.svm", B("1 1:1\n2 3:1 2:5\n"), 0, LK_EFORMAT, "2:3", "must increase" },
    { "repeat.svm", B("1 2:1 2:5\n"), 0, LK_EFORMAT, "1:3", "must increase" },
    { "pair.svm", B("1 1:1\n2 3=1\n"), 0, LK_EFORMAT, "2:2", "INDEX:VALUE" },
    { "idxtext.svm", B("1 x:1\n"), 0, LK_EFORMAT, "1:2", "not a whole number" },
    { "neg.svm", B("1 -3:1\n"), 0, LK_EFORMAT, "1:2", "not a whole number" },
    { "val.svm", B("1 1:abc\n"), 0, LK_EFORMAT, "1:2", "not a finite number" },
    { "valnan.svm", B("1 1:NaN\n"), 0, LK_EFORMAT, "1:2", "not a finite number" },
    { "bigidx.svm", B("1 99999999999999:1\n"), 0, LK_ETOOBIG, "1:2", "too large" },
    { "dense.svm", B("1 1:1\n2 1099511627775:1\n"), 0, LK_ETOOBIG, NULL, "GiB" },
    { "empty.svm", B(""), 0, LK_EFORMAT, NULL, "no data rows" },
    { "gzbad.csv.gz", B("\x1f\x8b\x08\x00garbage that is not deflate data at all"), 0,
      LK_EFORMAT, NULL, "gzip" },
    { "noext.txt", B("1,2\n"), 0, LK_EINVAL, NULL, "format" },
};

static void check_bad(const bad_case *c)
{
    size_t len = c->len ? c->len : strlen(c->bytes);
    char *path = c->gz ? th_write(c->name, c->bytes, len, 1) : th_write(c->name, c->bytes, len, 0);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", path);
    lk_split s;
    lk_error err;
    lk_error_clear(&err);
    gsl_rng *r = th_rng(1);
    lk_status st = lk_data_load(copy, NULL, r, &s, &err);
    gsl_rng_free(r);
    ck_assert_msg(st == c->status, "%s: status %d (%s), expected %d", c->name, st, err.text,
                  c->status);
    ck_assert_msg(strstr(err.source, c->name) != NULL, "%s: source '%s'", c->name, err.source);
    if (c->place)
        ck_assert_msg(strcmp(err.place, c->place) == 0, "%s: place '%s', expected '%s'",
                      c->name, err.place, c->place);
    ck_assert_msg(strstr(err.text, c->text) != NULL, "%s: message '%s' lacks '%s'", c->name,
                  err.text, c->text);
}

START_TEST(test_bad_text_inputs)
{
    check_bad(&BAD_TEXT[_i]);
}
END_TEST

/* Bad IDX files, as the training images of a dataset directory. */
typedef struct bad_idx {
    const char *what;
    size_t keep;             /* bytes of the valid file to keep (0: all) */
    int at;                  /* byte to overwrite (-1: none) */
    unsigned char value;
    const char *text;
} bad_idx;

static const bad_idx BAD_IDX[] = {
    { "empty file", 1, -1, 0, "too short" },
    { "truncated header", 9, -1, 0, "truncated header" },
    { "wrong magic", 0, 0, 0x1f, "not an IDX file" },
    { "unknown type", 0, 2, 0x07, "element type" },
    { "rank zero", 0, 3, 0, "rank 0" },
    { "rank too large", 0, 3, 200, "rank 200" },
    { "count far beyond the file", 0, 4, 0x7f, "promises 25568477544 data bytes, the file has 360" },
    /* Rank 8 reads pixel bytes as five more dimensions of about 2^30 each. */
    { "dimension product overflow", 0, 3, 8, "more elements than memory can address" },
    { "zero dimension", 0, 15, 0, "dimension 3 is zero" },
    { "truncated data", 50, -1, 0, "promises 360 data bytes, the file has 33 (truncated?)" },
};

START_TEST(test_bad_idx_inputs)
{
    const bad_idx *c = &BAD_IDX[_i];
    char dir[128];
    snprintf(dir, sizeof dir, "%s/bad", th_tmpdir);
    make_idx_dir(dir, 0);
    unsigned char buf[1024];
    const unsigned di[3] = { 30, 3, 4 };
    size_t n = make_idx(buf, di, 3);
    if (c->keep)
        n = c->keep - 1;
    if (c->at >= 0)
        buf[c->at] = c->value;
    th_write("bad/train-images-idx3-ubyte", buf, n, 0);
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(1);
    lk_status st = lk_data_load(dir, NULL, r, &s, &err);
    gsl_rng_free(r);
    ck_assert_msg(st == LK_EFORMAT, "%s: status %d", c->what, st);
    ck_assert_msg(strstr(err.source, "train-images-idx3-ubyte") != NULL, "%s: source %s", c->what,
                  err.source);
    ck_assert_msg(strncmp(err.place, "byte ", 5) == 0, "%s: place '%s'", c->what, err.place);
    ck_assert_msg(strstr(err.text, c->text) != NULL, "%s: '%s' lacks '%s'", c->what, err.text,
                  c->text);
}
END_TEST

START_TEST(test_idx_count_mismatch_and_gzip_truncation)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/mm", th_tmpdir);
    make_idx_dir(dir, 0);
    unsigned char buf[256];
    const unsigned dl[1] = { 29 };
    size_t n = make_idx(buf, dl, 1);
    th_write("mm/train-labels-idx1-ubyte", buf, n, 0);
    lk_split s;
    lk_error err;
    gsl_rng *r = th_rng(1);
    ck_assert_int_eq(lk_data_load(dir, NULL, r, &s, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.text, "29 labels for the 30 images"));
    /* A gzip stream cut short. */
    char dir2[128];
    snprintf(dir2, sizeof dir2, "%s/tr", th_tmpdir);
    make_idx_dir(dir2, 1);
    char path[256];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir2);
    ck_assert_int_eq(truncate(path, 30), 0);
    ck_assert_int_eq(lk_data_load(dir2, NULL, r, &s, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.text, "gzip"));
    ck_assert_ptr_nonnull(strstr(err.source, "train-images-idx3-ubyte.gz"));
    /* A directory that is not a dataset, and a missing path. */
    ck_assert_int_eq(lk_data_load(th_tmpdir, NULL, r, &s, &err), LK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.text, "train-images-idx3-ubyte"));
    ck_assert_int_eq(lk_data_load("/nonexistent/x.csv", NULL, r, &s, &err), LK_ENOTFOUND);
    gsl_rng_free(r);
}
END_TEST

/* ---------------------------------------------------------------- parts */

/* A CSV of n rows, 3 classes (labels "c0".."c2", so sorted as text), two
 * features with high-entropy values; rows from bad_from (1-based line) on
 * have "x" for their first feature (0: none). */
static char *parts_csv(const char *name, size_t n, size_t bad_from)
{
    size_t cap = 64 * n + 1, len = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < n; i++) {
        char first[32];
        if (bad_from && i + 1 >= bad_from)
            snprintf(first, sizeof first, "x");
        else
            snprintf(first, sizeof first, "%.3f", 2.385 * (double)i - 7.25);
        len += (size_t)snprintf(text + len, cap - len, "c%zu,%s,%.4f\n", (i * 7) % 3, first,
                                0.125 * (double)(i * i % 17));
    }
    char *path = strdup(th_write(name, text, len, 0));   /* th_write's buffer is reused */
    free(text);
    return path;
}

/* Rows [b, b + n) of whole equal part, features and classes. */
static void assert_rows(const lk_dataset *whole, size_t b, const lk_dataset *part)
{
    ck_assert_uint_eq(part->d, whole->d);
    for (size_t i = 0; i < part->n; i++) {
        ck_assert_uint_eq(part->y[i], whole->y[b + i]);
        for (size_t j = 0; j < part->d; j++)
            ck_assert(LK_AT(&part->x, i, j) == LK_AT(&whole->x, b + i, j));
    }
}

/* The parts of a load are the slices lk_comm_share gives of the whole
 * load's training and test rows, with the same label map and the same
 * holdout drawn from the same generator state; too many parts refused. */
START_TEST(test_load_parts_are_slices)
{
    char *path = parts_csv("parts.csv", 47, 0);
    char *test = parts_csv("parts-test.csv", 13, 0);
    lk_error err;
    for (int with_test = 0; with_test < 2; with_test++) {
        lk_data_options o = lk_data_options_default();
        o.holdout = 0.3;
        o.test_path = with_test ? test : NULL;
        gsl_rng *r = th_rng(11);
        lk_split whole;
        ck_assert_msg(lk_data_load(path, &o, r, &whole, &err) == LK_OK, "%s", err.text);
        gsl_rng_free(r);
        for (size_t parts = 1; parts <= 4; parts++) {
            size_t tr = 0, te = 0;
            for (size_t p = 0; p < parts; p++) {
                r = th_rng(11);
                lk_split s;
                size_t totals[2];
                ck_assert_msg(lk_data_load_part(path, &o, r, p, parts, &s, totals, &err) == LK_OK,
                              "%s", err.text);
                gsl_rng_free(r);
                ck_assert_uint_eq(totals[0], whole.train.n);
                ck_assert_uint_eq(totals[1], whole.test.n);
                ck_assert_uint_eq(s.labels.k, whole.labels.k);
                ck_assert_str_eq(s.test_source, whole.test_source);
                size_t b, e;
                lk_comm_share(whole.train.n, (int)p, (int)parts, &b, &e);
                ck_assert_uint_eq(s.train.n, e - b);
                ck_assert_uint_eq(b, tr);
                assert_rows(&whole.train, b, &s.train);
                tr += s.train.n;
                lk_comm_share(whole.test.n, (int)p, (int)parts, &b, &e);
                ck_assert_uint_eq(s.test.n, e - b);
                assert_rows(&whole.test, b, &s.test);
                te += s.test.n;
                lk_split_free(&s);
            }
            ck_assert_uint_eq(tr, whole.train.n);
            ck_assert_uint_eq(te, whole.test.n);
        }
        lk_split_free(&whole);
    }
    /* More parts than training rows. */
    lk_split s;
    gsl_rng *r = th_rng(11);
    ck_assert_int_eq(lk_data_load_part(test, NULL, r, 0, 40, &s, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot be shared by 40"));
    ck_assert_ptr_null(s.train.x.data);
    ck_assert_int_eq(lk_data_load_part(test, NULL, r, 3, 3, &s, NULL, &err), LK_EINVAL);
    gsl_rng_free(r);
    free(path);
    free(test);
}
END_TEST

/* The first pass parses no number; still the first bad row of the file is
 * the error, before one about the data as a whole (a single class) and
 * whichever rows the holdout put first. */
START_TEST(test_first_bad_row_wins)
{
    lk_error err;
    lk_split s;
    gsl_rng *r = th_rng(3);
    char *one = strdup(th_write("one.csv", "a,1,2\na,3,x\na,4,5\n", 18, 0));
    ck_assert_int_eq(lk_data_load(one, NULL, r, &s, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "2:3");
    ck_assert_str_eq(err.text, "\"x\" is not a number");
    /* Every row from line 5 on is bad: whatever rows are held out, line 5
     * is the error, for every seed. */
    char *path = parts_csv("bad.csv", 40, 5);
    for (unsigned long seed = 1; seed <= 6; seed++) {
        gsl_rng_set(r, seed);
        ck_assert_int_eq(lk_data_load(path, NULL, r, &s, &err), LK_EFORMAT);
        ck_assert_str_eq(err.place, "5:2");
        ck_assert_ptr_null(s.train.x.data);
    }
    /* A bad training file comes before a test file of another width. */
    char *narrow = strdup(th_write("narrow.csv", "a,1\nb,2\n", 8, 0));
    lk_data_options o = lk_data_options_default();
    o.test_path = narrow;
    ck_assert_int_eq(lk_data_load(path, &o, r, &s, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "5:2");
    gsl_rng_free(r);
    free(one);
    free(path);
    free(narrow);
}
END_TEST

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, th_tmpdir_setup, th_tmpdir_teardown);
    tcase_add_test(core, test_idx_directory);
    tcase_add_test(core, test_named_dataset_search_path);
    tcase_add_test(core, test_builtin_xor);
    tcase_add_test(core, test_csv_strings_bom_crlf_quotes);
    tcase_add_test(core, test_csv_label_last_and_test_file);
    tcase_add_test(core, test_libsvm_sparse_rows);
    tcase_add_test(core, test_holdout_stratified_and_seeded);
    tcase_add_test(core, test_prep_standard_and_round_trip);
    tcase_add_test(core, test_onehot);
    tcase_add_test(core, test_load_parts_are_slices);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, th_tmpdir_setup, th_tmpdir_teardown);
    tcase_add_loop_test(errors, test_bad_text_inputs, 0, sizeof BAD_TEXT / sizeof *BAD_TEXT);
    tcase_add_loop_test(errors, test_bad_idx_inputs, 0, sizeof BAD_IDX / sizeof *BAD_IDX);
    tcase_add_test(errors, test_idx_count_mismatch_and_gzip_truncation);
    tcase_add_test(errors, test_first_bad_row_wins);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(data_suite()); }
