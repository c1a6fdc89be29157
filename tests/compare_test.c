/* compare_test.c — the --learners lineup syntax and its errors, with fake
 * learners, and the comparison plot rendered from synthetic results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testhelp.h"
#include <cairo.h>
#include "../cli/lineup.h"
#include "../cli/plot.h"

/* ---------------------------------------------------------------- fakes */

static struct {
    size_t hidden;
    const char *solver;
    double c;
    int classify;
    size_t *layers;
} F;

static const cli_opt FAKE_ELM_OPTS[] = {
    { "hidden", 0, OPT_SIZE, &F.hidden, "N", "hidden units", 1, 1e7 },
    { "solver", 0, OPT_STR, &F.solver, "svd|ridge", "solver", 0, 0 },
    { "C", 0, OPT_REAL, &F.c, "X", "ridge", 0, 1e30 },
    { "classify", 0, OPT_FLAG, &F.classify, NULL, "add softmax", 0, 0 },
    CLI_OPT_END
};
static const cli_opt FAKE_MLP_OPTS[] = {
    { "layers", 0, OPT_STR, &F.layers, "LIST", "layer sizes", 0, 0 },
    { "hidden", 0, OPT_SIZE, &F.hidden, "N", "hidden units", 1, 1e7 },
    CLI_OPT_END
};
static const cli_opt NO_OPTS[] = { CLI_OPT_END };

static int resets;
static void fake_reset(void)
{
    memset(&F, 0, sizeof F);
    resets++;
}
/* The solver must be svd or ridge; hidden must not exceed 5 * n_features. */
static int fake_check(size_t nf, size_t nc)
{
    (void)nc;
    if (F.solver && strcmp(F.solver, "svd") && strcmp(F.solver, "ridge"))
        return cli_usage("elm: --solver: unknown value '%s'", F.solver);
    if (nf && F.hidden > 5 * nf)
        return cli_usage("elm: --hidden %zu is too large", F.hidden);
    return 0;
}
static int fake_fit(cli_run *run, json_t **r, lk_model **m)
{
    (void)run; (void)r; (void)m;
    return 0;
}

#define FAKE(NAME, FAMILY, OPTS)                                              \
    { .name = NAME, .family = FAMILY, .usage = "", .about = "", .opts = OPTS,  \
      .reset = fake_reset, .check = fake_check, .fit = fake_fit }
static const cli_learner FAKE_ELM = FAKE("elm", "closed-form", FAKE_ELM_OPTS);
static const cli_learner FAKE_MLP = FAKE("mlp", "iterative", FAKE_MLP_OPTS);
static const cli_learner FAKE_LSQ = FAKE("lsq", "closed-form", NO_OPTS);
static const cli_learner *const KNOWN[] = { &FAKE_ELM, &FAKE_MLP, &FAKE_LSQ, NULL };

/* Parse with stderr captured into msg; returns the status. */
static char msg[1024];
static int parse(const char *text, cli_lineup *l)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    int rc = cli_lineup_parse(text, KNOWN, l);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(msg, 1, sizeof msg - 1, tmp);
    msg[n] = '\0';
    fclose(tmp);
    return rc;
}

/* ---------------------------------------------------------------- core */

START_TEST(test_default_like_lineup)
{
    cli_lineup l;
    ck_assert_int_eq(parse("lsq; elm:hidden=1000,solver=svd;elm:hidden=3000,solver=ridge,"
                           "C=0.0375,label=elm-ridge  mlp:layers=784,500,10 elm:classify",
                           &l), 0);
    ck_assert_str_eq(msg, "");
    ck_assert_uint_eq(l.n, 5);
    ck_assert_ptr_eq(l.entries[0].learner, &FAKE_LSQ);
    ck_assert_str_eq(l.entries[0].label, "lsq");
    ck_assert_int_eq(l.entries[0].argc, 1);
    ck_assert_str_eq(l.entries[0].argv[0], "lsq");
    /* elm appears three times: labels are the entries. */
    ck_assert_str_eq(l.entries[1].label, "elm:hidden=1000,solver=svd");
    ck_assert_int_eq(l.entries[1].argc, 3);
    ck_assert_str_eq(l.entries[1].argv[1], "--hidden=1000");
    ck_assert_str_eq(l.entries[1].argv[2], "--solver=svd");
    ck_assert_str_eq(l.entries[2].label, "elm-ridge");
    ck_assert_str_eq(l.entries[2].settings, "hidden=3000,solver=ridge,C=0.0375");
    /* A comma followed by a digit continues a list value. */
    ck_assert_str_eq(l.entries[3].label, "mlp");
    ck_assert_int_eq(l.entries[3].argc, 2);
    ck_assert_str_eq(l.entries[3].argv[1], "--layers=784,500,10");
    ck_assert_str_eq(l.entries[4].argv[1], "--classify");
    cli_lineup_free(&l);
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_configure_sets_options)
{
    cli_lineup l;
    ck_assert_int_eq(parse("elm:hidden=1234,solver=ridge,C=2.385,classify;lsq", &l), 0);
    resets = 0;
    ck_assert_int_eq(cli_lineup_configure(&l.entries[0], 784, 10), 0);
    ck_assert_int_eq(resets, 1);
    ck_assert_uint_eq(F.hidden, 1234);
    ck_assert_str_eq(F.solver, "ridge");
    ck_assert_double_eq_tol(F.c, 2.385, 1e-12);
    ck_assert_int_eq(F.classify, 1);
    /* The next entry starts again from the defaults. */
    ck_assert_int_eq(cli_lineup_configure(&l.entries[1], 784, 10), 0);
    ck_assert_uint_eq(F.hidden, 0);
    ck_assert_ptr_null(F.solver);
    ck_assert_int_eq(F.classify, 0);
    cli_lineup_free(&l);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_separators_and_single)
{
    cli_lineup l;
    ck_assert_int_eq(parse("  \tlsq \n", &l), 0);
    ck_assert_uint_eq(l.n, 1);
    cli_lineup_free(&l);
    ck_assert_int_eq(parse("lsq ; mlp;\telm", &l), 0);
    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(l.entries[2].label, "elm");
    cli_lineup_free(&l);
}
END_TEST

START_TEST(test_same_learner_distinct_labels)
{
    cli_lineup l;
    ck_assert_int_eq(parse("elm:hidden=500 elm:hidden=2000", &l), 0);
    ck_assert_str_eq(l.entries[0].label, "elm:hidden=500");
    ck_assert_str_eq(l.entries[1].label, "elm:hidden=2000");
    cli_lineup_free(&l);
}
END_TEST

START_TEST(test_check_against_data)
{
    cli_lineup l;
    ck_assert_int_eq(parse("elm:hidden=3000", &l), 0);
    ck_assert_int_eq(cli_lineup_configure(&l.entries[0], 784, 10), 0);
    ck_assert_int_eq(cli_lineup_configure(&l.entries[0], 13, 3), EXIT_USAGE);
    cli_lineup_free(&l);
}
END_TEST

/* ---------------------------------------------------------------- errors */

static const struct {
    const char *input;
    const char *expect;   /* substring of the one-line message */
} BAD[] = {
    { "", "the list is empty" },
    { "  ", "the list is empty" },
    { "elmm", "entry 1 'elmm': unknown learner (did you mean 'elm'?)" },
    { "lsq;xyzzy", "entry 2 'xyzzy': unknown learner (one of" },
    { "lsq;;elm", "entry 2 is empty" },
    { ";lsq", "entry 1 is empty" },
    { "lsq;", "entry 2 is empty" },
    { "elm:hiden=10", "entry 1 'elm': unknown option 'hiden' (did you mean 'hidden'?)" },
    { "lsq elm:bogus=1", "entry 2 'elm': unknown option 'bogus' (see 'learnkit elm --help')" },
    { "lsq:hidden=10", "entry 1 'lsq': unknown option 'hidden'" },
    { "elm:", "entry 1 'elm': nothing after ':'" },
    { "elm:hidden=10,,solver=svd", "entry 1 'elm': empty option" },
    { "elm:hidden=10,", "entry 1 'elm': empty option" },
    { "elm:hidden", "option 'hidden' needs a value (hidden=N)" },
    { "elm:hidden=", "option 'hidden' needs a value" },
    { "elm:classify=1", "'classify' is a flag" },
    { "elm:=5", "'=5' is not OPTION or OPTION=VALUE" },
    { ":hidden=5", "expected NAME[:OPTION=VALUE,...]" },
    { "elm:hidden=10,hidden=20", "option 'hidden' given twice" },
    { "elm:label=a,label=b", "label given twice" },
    { "elm:label=", "label needs a value" },
    { "elm:hidden=abc", "abc" },
    { "elm:hidden=0", "hidden" },
    { "elm:C=nan", "C" },
    { "elm:solver=qr", "unknown value 'qr'" },
    { "lsq lsq", "entries 1 and 2 have the same label 'lsq'" },
    { "elm:label=x lsq:label=x", "entries 1 and 2 have the same label 'x'" },
    { "elm:hidden=5 elm:hidden=5", "entries 1 and 2 have the same label 'elm:hidden=5'" },
    { "elm:label=lsq lsq", "entries 1 and 2 have the same label 'lsq'" },
};

START_TEST(test_bad_lineup)
{
    cli_lineup l;
    int rc = parse(BAD[_i].input, &l);
    ck_assert_msg(rc == EXIT_USAGE, "'%s': status %d", BAD[_i].input, rc);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_ptr_null(l.entries);
    ck_assert_msg(strstr(msg, BAD[_i].expect) != NULL, "'%s': got '%s', expected '%s'",
                  BAD[_i].input, msg, BAD[_i].expect);
    /* One line, starting with the program name. */
    ck_assert_msg(strncmp(msg, "learnkit: ", 10) == 0, "'%s': got '%s'", BAD[_i].input, msg);
    char *nl = strchr(msg, '\n');
    ck_assert_msg(nl && nl[1] == '\0', "'%s': not one line: '%s'", BAD[_i].input, msg);
}
END_TEST


/* ---------------------------------------------------------------- plot */

static json_t *fake_results(void)
{
    json_t *a = json_array();
    json_array_append_new(a, json_pack("{s:s,s:s,s:f,s:f}", "label", "lsq", "family",
                                       "closed-form", "train_seconds", 0.713, "test_accuracy",
                                       0.8603));
    json_array_append_new(a, json_pack("{s:s,s:s,s:f,s:f}", "label", "elm-ridge", "family",
                                       "closed-form", "train_seconds", 6.42, "test_accuracy",
                                       0.9587));
    json_t *h = json_array();
    for (int e = 1; e <= 12; e++)
        json_array_append_new(h, json_pack("{s:i,s:f,s:f}", "epoch", e, "seconds", 4.31 * e,
                                           "test_accuracy", 0.98 - 0.09 / e));
    json_array_append_new(a, json_pack("{s:s,s:s,s:f,s:f,s:o}", "label", "mlp-784-500-10",
                                       "family", "iterative", "train_seconds", 51.72,
                                       "test_accuracy", 0.9725, "history", h));
    json_t *h2 = json_array();
    for (int e = 1; e <= 5; e++)
        json_array_append_new(h2, json_pack("{s:i,s:f,s:f}", "epoch", e, "seconds", 0.83 * e,
                                            "test_accuracy", 0.925 - 0.04 / e));
    json_array_append_new(a, json_pack("{s:s,s:s,s:f,s:f,s:o}", "label", "logreg", "family",
                                       "iterative", "train_seconds", 4.15, "test_accuracy",
                                       0.917, "history", h2));
    return a;
}

/* Decode path and count its pixels at x >= x0 that are not white (rgb
 * NULL) or within 3 levels of rgb on every channel; w and h, when not
 * NULL, receive the size. */
static size_t count_pixels(const char *path, int x0, const double *rgb, int *w, int *h)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int sw = cairo_image_surface_get_width(s), sh = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    size_t n = 0;
    for (int y = 0; y < sh; y++)
        for (int x = x0; x < sw; x++) {
            uint32_t p = *(const uint32_t *)(d + (size_t)y * (size_t)stride + 4 * (size_t)x);
            int hit = rgb ? 1 : (p & 0xffffff) != 0xffffff;
            for (int c = 0; rgb && c < 3; c++) {
                int v = (int)((p >> (16 - 8 * c)) & 0xff);
                hit &= abs(v - (int)lround(255 * rgb[c])) <= 3;
            }
            n += (size_t)hit;
        }
    cairo_surface_destroy(s);
    if (w)
        *w = sw;
    if (h)
        *h = sh;
    return n;
}

START_TEST(test_plot_compare)
{
    char *path = th_temp_file("", 0, ".png");
    json_t *r = fake_results();
    ck_assert_int_eq(plot_compare(path, "mnist", r), 0);
    int w, h;
    size_t n = count_pixels(path, 0, NULL, &w, &h);
    ck_assert_int_eq(w, PLOT_COMPARE_WIDTH);
    ck_assert_int_eq(h, PLOT_COMPARE_HEIGHT);
    /* Axes, grid, text and markers: well above nothing, well below everything. */
    ck_assert_uint_gt(n, (size_t)w * (size_t)h / 50);
    ck_assert_uint_lt(n, (size_t)w * (size_t)h / 2);
    json_decref(r);
    if (getenv("LEARNKIT_KEEP_PLOT"))
        fprintf(stderr, "plot kept at %s\n", path);
    else
        remove(path);
    free(path);
}
END_TEST

/* The two iterative learners' curves (right panel) in two colours. */
START_TEST(test_plot_curves_apart)
{
    char *path = th_temp_file("", 0, ".png");
    json_t *r = fake_results();
    ck_assert_int_eq(plot_compare(path, "mnist", r), 0);
    const double *c0 = plot_iterative_colour(0), *c1 = plot_iterative_colour(1);
    ck_assert(c0[0] != c1[0] || c0[1] != c1[1] || c0[2] != c1[2]);
    size_t n0 = count_pixels(path, PLOT_COMPARE_WIDTH / 2, c0, NULL, NULL);
    size_t n1 = count_pixels(path, PLOT_COMPARE_WIDTH / 2, c1, NULL, NULL);
    ck_assert_msg(n0 > 100 && n1 > 100, "curve pixels: %zu and %zu", n0, n1);
    json_decref(r);
    remove(path);
    free(path);
}
END_TEST

START_TEST(test_plot_confusion)
{
    char *path = th_temp_file("", 0, ".png");
    size_t c[9] = { 95, 3, 2, 7, 180, 13, 0, 4, 41 };
    char *names[] = { "cat", "dog", "-1" };
    ck_assert_int_eq(plot_confusion(path, "confusion", c, 3, names), 0);
    int w, h;
    size_t n = count_pixels(path, 0, NULL, &w, &h);
    ck_assert_int_gt(w, 3 * 30);
    ck_assert_uint_gt(n, (size_t)w * (size_t)h / 50);
    remove(path);
    free(path);
}
END_TEST

START_TEST(test_plot_empty_and_unwritable)
{
    json_t *r = json_array();
    char *path = th_temp_file("", 0, ".png");
    ck_assert_int_eq(plot_compare(path, "x", r), 0);
    remove(path);
    free(path);
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), 2);
    int rc = plot_compare("/nonexistent-dir/plot.png", "x", r);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(tmp);
    ck_assert_int_eq(rc, EXIT_FAILURE);
    ck_assert_int_ne(access("/nonexistent-dir/plot.png", F_OK), 0);
    json_decref(r);
}
END_TEST

static Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_default_like_lineup);
    tcase_add_test(core, test_configure_sets_options);
    tcase_add_test(core, test_plot_compare);
    tcase_add_test(core, test_plot_curves_apart);
    tcase_add_test(core, test_plot_confusion);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_separators_and_single);
    tcase_add_test(limits, test_same_learner_distinct_labels);
    tcase_add_test(limits, test_check_against_data);
    tcase_add_test(limits, test_plot_empty_and_unwritable);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, test_bad_lineup, 0, (int)(sizeof BAD / sizeof BAD[0]));
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    return th_run_suite(compare_suite());
}
