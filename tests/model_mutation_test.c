/* model_mutation_test.c — model files are untrusted input: for a saved
 * model of every kind (trained here, tiny), every entry in turn is
 * rewritten into a well-formed file (valid CRC) that means something else:
 * strings replaced by every name the library knows and by garbage, integers
 * by 0, -1, 2^31 and 2^62, reals by NaN and infinities, arrays transposed,
 * grown, shrunk, emptied, switched between f32 and f64 and spoiled with NaN
 * and infinity, entries deleted and duplicated, and the kind replaced by
 * every other kind.  Each file then goes through the parser, what `inspect`
 * reads, every loader and the predictor with scores on rows.  Each must end
 * in a clear error (a status with the file as source, a place and a text)
 * or a model that predicts finite scores; a mutation that keeps the meaning
 * (f32 values widened to f64) predicts exactly what the original did.  Run
 * under the sanitizer build, no signal or report may occur either. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "loaders.h"
#include "model_samples.h"
#include "testhelp.h"

#define SOURCE "mut.lkm"

static th_samples S;

/* ---------------------------------------------------------------- raw entries */

/* An entry as its bytes in the file: what a mutation rewrites. */
typedef struct rec {
    unsigned type;
    const char *key;
    const unsigned char *p;
    size_t n;
} rec;

typedef struct raw {
    char kind[64];
    size_t n;
    rec r[128];
    unsigned char *bytes;      /* owns the payloads */
} raw;

static uint64_t get_le(const unsigned char *p, int k)
{
    uint64_t v = 0;
    for (int i = 0; i < k; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(unsigned char *p, uint64_t v, int k)
{
    for (int i = 0; i < k; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Split a trusted file (serialized here) into its entries. */
static void split(const lk_model *m, raw *w)
{
    size_t n;
    ck_assert_int_eq(lk_model_serialize(m, &w->bytes, &n, NULL), LK_OK);
    const unsigned char *b = w->bytes;
    w->n = (size_t)get_le(b + 12, 4);
    ck_assert_uint_le(w->n, 128);
    size_t kl = (size_t)get_le(b + 16, 2), at = 18 + kl;
    snprintf(w->kind, sizeof w->kind, "%.*s", (int)kl, (const char *)b + 18);
    /* Keys are NUL-terminated in place: the byte after a key is the first
     * of its 8-byte length, copied out first. */
    static char keys[128][256];
    for (size_t i = 0; i < w->n; i++) {
        rec *e = &w->r[i];
        e->type = b[at];
        size_t klen = (size_t)get_le(b + at + 1, 2);
        snprintf(keys[i], sizeof keys[i], "%.*s", (int)klen, (const char *)b + at + 3);
        e->key = keys[i];
        at += 3 + klen;
        e->n = (size_t)get_le(b + at, 8);
        e->p = b + at + 8;
        at += 8 + e->n;
    }
    ck_assert_uint_eq(at + 4, n);
}

/* A well-formed file of these entries, CRC and all. */
static unsigned char *join(const char *kind, const rec *r, size_t n, size_t *len)
{
    size_t total = 18 + strlen(kind) + 4;
    for (size_t i = 0; i < n; i++)
        total += 11 + strlen(r[i].key) + r[i].n;
    unsigned char *b = malloc(total), *p = b;
    static const unsigned char magic[8] = { 0x89, 'L', 'K', 'M', 0x0d, 0x0a, 0x1a, 0x0a };
    memcpy(p, magic, 8);
    put_le(p + 8, LK_MODEL_MAJOR, 2);
    put_le(p + 10, LK_MODEL_MINOR, 2);
    put_le(p + 12, n, 4);
    put_le(p + 16, strlen(kind), 2);
    memcpy(p + 18, kind, strlen(kind));
    p += 18 + strlen(kind);
    for (size_t i = 0; i < n; i++) {
        size_t kl = strlen(r[i].key);
        p[0] = (unsigned char)r[i].type;
        put_le(p + 1, kl, 2);
        memcpy(p + 3, r[i].key, kl);
        put_le(p + 3 + kl, r[i].n, 8);
        memcpy(p + 11 + kl, r[i].p, r[i].n);
        p += 11 + kl + r[i].n;
    }
    put_le(p, (uint32_t)crc32(0L, b, (uInt)(p - b)), 4);
    *len = total;
    return b;
}

/* ---------------------------------------------------------------- checks */

typedef struct tally {
    size_t files, refused, same, changed, unclassified;
} tally;

static tally T;

/* What learnkit inspect reads: every entry and every array value. */
static void inspect(const lk_model *m)
{
    int major, minor;
    lk_model_version(m, &major, &minor);
    ck_assert(lk_model_kind(m) != NULL);
    double sum = 0;
    for (size_t i = 0; i < lk_model_count(m); i++) {
        lk_entry_info e;
        ck_assert_int_eq(lk_model_entry(m, i, &e), LK_OK);
        ck_assert(e.key && e.key[0]);
        if (e.type == LK_ENTRY_STR)
            sum += (double)strlen(e.s);
        for (size_t s = 0; e.type == LK_ENTRY_STRS && s < e.n_strs; s++)
            sum += (double)strlen(e.strs[s]);
        for (size_t k = 0; e.type == LK_ENTRY_ARRAY && k < e.rows * e.cols; k++)
            sum += lk_model_array_value(m, i, k);
    }
    (void)sum;
}

static void assert_clear(lk_status s, const lk_error *err, const char *what)
{
    ck_assert_msg(s != LK_OK, "%s", what);
    ck_assert_msg(err->status == s, "%s: status %d recorded as %d", what, s, err->status);
    ck_assert_msg(strcmp(err->source, SOURCE) == 0, "%s: source '%s' (%s)", what, err->source,
                  err->text);
    ck_assert_msg(err->place[0] && err->text[0], "%s: no place or text: '%s:%s: %s'", what,
                  err->source, err->place, err->text);
}

/* Every loader, whatever the kind: each reads only its own kind.  Returns
 * the number that loaded. */
static int load_all(const lk_model *m, const char *what)
{
    int ok = 0;
    for (int k = 0; k < TH_LOADERS; k++) {
        lk_error err;
        lk_status s = th_load_one(k, m, &err);
        if (s == LK_OK)
            ok++;
        else
            assert_clear(s, &err, what);
    }
    ck_assert_msg(ok <= 1, "%s: %d loaders read one model", what, ok);
    return ok;
}

/* A model's scores on the samples' rows (zeros of its own width if that
 * differs), all finite. */
static lk_status scores_of(const lk_model *m, lk_mat *sc, lk_error *err)
{
    lk_predictor *p;
    lk_status s = lk_predictor_load(m, &p, err);
    if (s != LK_OK)
        return s;
    size_t d = lk_predictor_inputs(p);
    lk_mat x = S.x;
    if (d != S.x.cols) {       /* another width: score zeros of that width */
        ck_assert_uint_le(d, 1u << 20);
        ck_assert_int_eq(lk_mat_alloc(&x, 2, d, NULL), LK_OK);
    }
    ck_assert_int_eq(lk_mat_alloc(sc, x.rows, lk_predictor_outputs(p), NULL), LK_OK);
    s = lk_predictor_scores(p, &x, sc, err);
    ck_assert_int_eq(s, LK_OK);
    ck_assert(lk_mat_all_finite(sc));
    if (d != S.x.cols)
        lk_mat_free(&x);
    lk_predictor_free(p);
    return LK_OK;
}

enum { ANY = 0, SAME = 1, REFUSE = 2 };

/* One mutated file through everything a user's model meets. */
static void check(const unsigned char *buf, size_t n, const lk_mat *orig, int expect,
                  const char *what)
{
    T.files++;
    lk_model *m = NULL;
    lk_error err;
    lk_status s = lk_model_parse(buf, n, SOURCE, &m, &err);
    if (s != LK_OK) {
        assert_clear(s, &err, what);
        ck_assert_msg(expect != SAME, "%s: refused by the parser (%s)", what, err.text);
        T.refused++;
        return;
    }
    inspect(m);
    int loaded = load_all(m, what);
    lk_prep p;
    int parts = 1;
    if ((s = lk_prep_load(m, &p, &err)) == LK_OK) {
        lk_prep_free(&p);
    } else {
        assert_clear(s, &err, what);
        parts = 0;
    }
    lk_labels l;
    if ((s = lk_labels_load(m, &l, &err)) == LK_OK) {
        lk_labels_free(&l);
    } else {
        assert_clear(s, &err, what);
        parts = 0;
    }
    lk_mat sc;
    s = scores_of(m, &sc, &err);
    /* An autoencoder without classifier loads but does not classify. */
    int classifies = !(s == LK_EUNSUPPORTED && loaded);
    int refused = !loaded || !parts || (s != LK_OK && classifies);
    ck_assert_msg(expect != REFUSE || refused, "%s: accepted", what);
    ck_assert_msg(expect != SAME || !refused, "%s: refused (%s)", what, err.text);
    T.refused += refused;
    if (s != LK_OK) {
        if (classifies)
            assert_clear(s, &err, what);
        else if (!refused)
            T.unclassified++;
    } else {
        ck_assert_msg(loaded == 1, "%s: a predictor without a loader", what);
        int same = orig && sc.rows == orig->rows && sc.cols == orig->cols &&
                   memcmp(sc.data, orig->data, sc.rows * sc.cols * sizeof(lk_real)) == 0;
        ck_assert_msg(expect != SAME || same, "%s: predicts differently", what);
        if (!refused)
            same ? T.same++ : T.changed++;
        lk_mat_free(&sc);
    }
    lk_model_free(m);
}

/* Rewrite entry i of w as rec x (or delete it, or duplicate it), check. */
static void mutate(const raw *w, size_t i, const rec *x, int dup, const lk_mat *orig,
                   int expect, const char *what)
{
    rec r[129];
    size_t n = 0;
    for (size_t j = 0; j < w->n; j++) {
        if (j != i)
            r[n++] = w->r[j];
        else if (x)
            r[n++] = *x;
        if (j == i && dup)
            r[n++] = w->r[j];
    }
    size_t len;
    unsigned char *b = join(w->kind, r, n, &len);
    check(b, len, orig, expect, what);
    free(b);
}

/* ---------------------------------------------------------------- mutations */

static void mutate_text(const raw *w, size_t i, const lk_mat *orig, const char *name,
                        const char *text)
{
    rec x = w->r[i];
    x.type = LK_ENTRY_STR;
    x.p = (const unsigned char *)text;
    x.n = strlen(text);
    char what[400];
    snprintf(what, sizeof what, "%s: %s = '%.40s'", name, x.key, text);
    mutate(w, i, &x, 0, orig, ANY, what);
}

/* A list of strings with element at replaced by text (or, with at == n,
 * one more element), as STRS bytes. */
static void mutate_strs(const raw *w, size_t i, const lk_mat *orig, const char *name,
                        size_t at, const char *text, int drop)
{
    const rec *e = &w->r[i];
    size_t count = (size_t)get_le(e->p, 4), pos = 4;
    unsigned char *b = malloc(e->n + strlen(text) + 8), *q = b + 4;
    size_t out = 0;
    for (size_t k = 0; k <= count; k++) {
        const char *s = NULL;
        size_t sl = 0;
        if (k < count) {
            sl = (size_t)get_le(e->p + pos, 4);
            s = (const char *)e->p + pos + 4;
            pos += 4 + sl;
        }
        if (k == at) {
            if (drop)
                continue;
            s = text;
            sl = strlen(text);
        } else if (k == count) {
            continue;
        }
        put_le(q, sl, 4);
        memcpy(q + 4, s, sl);
        q += 4 + sl;
        out++;
    }
    put_le(b, out, 4);
    rec x = *e;
    x.p = b;
    x.n = (size_t)(q - b);
    char what[400];
    snprintf(what, sizeof what, "%s: %s[%zu] %s '%.40s'", name, x.key, at,
             drop ? "dropped" : "=", text);
    mutate(w, i, &x, 0, orig, ANY, what);
    free(b);
}

static void mutate_number(const raw *w, size_t i, const lk_mat *orig, const char *name,
                          unsigned type, uint64_t bits, const char *label)
{
    unsigned char p[8];
    put_le(p, bits, 8);
    rec x = w->r[i];
    x.type = type;
    x.p = p;
    x.n = 8;
    char what[400];
    snprintf(what, sizeof what, "%s: %s = %s", name, x.key, label);
    mutate(w, i, &x, 0, orig, ANY, what);
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* Element k of an ARRAY payload as a double. */
static double elem(const unsigned char *p, size_t k)
{
    size_t es = p[0];
    const unsigned char *at = p + 17 + k * es;
    if (es == 4) {
        uint32_t u = (uint32_t)get_le(at, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    uint64_t u = get_le(at, 8);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* An ARRAY payload of rows x cols and element size es holding the old
 * values (transposed if asked; 0 outside the old shape), the middle one
 * replaced by *poison when poison is not NULL. */
static void mutate_array(const raw *w, size_t i, const lk_mat *orig, const char *name,
                         size_t rows, size_t cols, size_t es, int transpose,
                         const double *poison, int expect, const char *label)
{
    const rec *e = &w->r[i];
    size_t r0 = (size_t)get_le(e->p + 1, 8), c0 = (size_t)get_le(e->p + 9, 8);
    unsigned char *b = malloc(17 + rows * cols * es + 1);
    b[0] = (unsigned char)es;
    put_le(b + 1, rows, 8);
    put_le(b + 9, cols, 8);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            size_t sr = transpose ? c : r, sc = transpose ? r : c;
            double v = sr < r0 && sc < c0 ? elem(e->p, sr * c0 + sc) : 0;
            if (poison && r == rows / 2 && c == cols / 2)
                v = *poison;
            unsigned char *at = b + 17 + (r * cols + c) * es;
            if (es == 4) {
                float f = (float)v;
                uint32_t u;
                memcpy(&u, &f, 4);
                put_le(at, u, 4);
            } else {
                put_le(at, bits(v), 8);
            }
        }
    rec x = *e;
    x.p = b;
    x.n = 17 + rows * cols * es;
    char what[400];
    snprintf(what, sizeof what, "%s: %s (%zu x %zu) %s", name, x.key, r0, c0, label);
    mutate(w, i, &x, 0, orig, expect, what);
    free(b);
}

static const char *const GARBAGE[] = { "", "x", "relu:", "prelu:abc", "leakyrelu:nan",
                                       "elu:1e999", "sigmoid ", "\xff\xfe", "softmax:2",
                                       "identity:0.5", NULL };

static void mutate_every_entry(const char *name, const lk_model *model)
{
    raw w;
    split(model, &w);
    lk_mat orig;
    lk_error err;
    lk_mat *o = NULL;
    if (scores_of(model, &orig, &err) == LK_OK)
        o = &orig;
    /* The file as saved: faithful. */
    mutate(&w, w.n, NULL, 0, o, o ? SAME : ANY, name);
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    for (size_t i = 0; i < w.n; i++) {
        const rec *e = &w.r[i];
        char what[400];
        snprintf(what, sizeof what, "%s: %s deleted", name, e->key);
        mutate(&w, i, NULL, 0, o, ANY, what);
        snprintf(what, sizeof what, "%s: %s duplicated", name, e->key);
        mutate(&w, i, e, 1, o, REFUSE, what);    /* the parser refuses a repeated key */
        switch (e->type) {
        case LK_ENTRY_STR:
        case LK_ENTRY_STRS: {
            size_t count = e->type == LK_ENTRY_STRS ? (size_t)get_le(e->p, 4) : 0;
            /* Every name the library's tables hold, then garbage. */
            const char *texts[64];
            size_t nt = 0;
            for (int k = 0; k < LK_ACT_COUNT; k++)
                texts[nt++] = lk_act_name((lk_act_kind)k);
            for (int k = 0; k < LK_LOSS_COUNT; k++)
                texts[nt++] = lk_loss_name((lk_loss_kind)k);
            for (int k = 0; lk_ae_solver_name((lk_ae_solver)k); k++)
                texts[nt++] = lk_ae_solver_name((lk_ae_solver)k);
            for (int k = LK_SCALE_UNIT; k <= LK_SCALE_NONE; k++)
                texts[nt++] = lk_scale_name((lk_scale_kind)k);
            for (size_t k = 0; GARBAGE[k]; k++)
                texts[nt++] = GARBAGE[k];
            texts[nt++] = long_name;
            for (size_t t = 0; t < nt; t++) {
                if (e->type == LK_ENTRY_STR) {
                    mutate_text(&w, i, o, name, texts[t]);
                    continue;
                }
                for (size_t at = 0; at < count; at++)
                    mutate_strs(&w, i, o, name, at, texts[t], 0);
                mutate_strs(&w, i, o, name, count, texts[t], 0);   /* one more */
            }
            for (size_t at = 0; at < count; at++)
                mutate_strs(&w, i, o, name, at, "", 1);            /* one fewer */
            mutate_text(&w, i, o, name, "relu");                   /* a string, not a list */
            break;
        }
        case LK_ENTRY_INT:
        case LK_ENTRY_REAL: {
            static const struct { int64_t v; const char *label; } ints[] = {
                { 0, "0" }, { -1, "-1" }, { (int64_t)1 << 31, "2^31" },
                { (int64_t)1 << 62, "2^62" }, { INT64_MIN, "INT64_MIN" } };
            for (size_t k = 0; k < sizeof ints / sizeof *ints; k++)
                mutate_number(&w, i, o, name, LK_ENTRY_INT, (uint64_t)ints[k].v, ints[k].label);
            mutate_number(&w, i, o, name, LK_ENTRY_REAL, bits(NAN), "NaN");
            mutate_number(&w, i, o, name, LK_ENTRY_REAL, bits(INFINITY), "inf");
            mutate_number(&w, i, o, name, LK_ENTRY_REAL, bits(-INFINITY), "-inf");
            /* The other numeric type, same value. */
            uint64_t v = get_le(e->p, 8);
            double as_real;
            memcpy(&as_real, &v, 8);
            if (e->type == LK_ENTRY_INT)
                mutate_number(&w, i, o, name, LK_ENTRY_REAL, bits((double)(int64_t)v), "as real");
            else
                mutate_number(&w, i, o, name, LK_ENTRY_INT, (uint64_t)(int64_t)as_real, "as int");
            mutate_text(&w, i, o, name, "3");
            break;
        }
        case LK_ENTRY_ARRAY: {
            size_t es = e->p[0], r = (size_t)get_le(e->p + 1, 8), c = (size_t)get_le(e->p + 9, 8);
            size_t other = es == 4 ? 8 : 4;
            mutate_array(&w, i, o, name, c, r, es, 1, NULL, ANY, "transposed");
            mutate_array(&w, i, o, name, r + 1, c, es, 0, NULL, ANY, "one more row");
            mutate_array(&w, i, o, name, r, c + 1, es, 0, NULL, ANY, "one more column");
            if (r > 0)
                mutate_array(&w, i, o, name, r - 1, c, es, 0, NULL, ANY, "one row fewer");
            if (c > 0)
                mutate_array(&w, i, o, name, r, c - 1, es, 0, NULL, ANY, "one column fewer");
            mutate_array(&w, i, o, name, 0, 0, es, 0, NULL, ANY, "emptied");
            mutate_array(&w, i, o, name, r, 0, es, 0, NULL, ANY, "no columns");
            mutate_array(&w, i, o, name, 1, r * c, es, 0, NULL, ANY, "flattened");
            /* f32 values widen to f64 exactly: the same model.  f64 to f32
             * rounds: another model, still valid. */
            mutate_array(&w, i, o, name, r, c, other, 0, NULL, es == 4 ? SAME : ANY,
                         "switched");
            static const double poisons[3] = { NAN, INFINITY, -INFINITY };
            static const char *const labels[3] = { "NaN", "inf", "-inf" };
            for (int k = 0; k < 3 && r * c != 0; k++)
                mutate_array(&w, i, o, name, r, c, es, 0, &poisons[k], REFUSE, labels[k]);
            mutate_number(&w, i, o, name, LK_ENTRY_INT, 3, "an int");
            break;
        }
        }
    }
    /* The kind replaced by every other kind the samples have, and garbage. */
    static const char *const KINDS[] = { "mlp", "elm", "lsq", "logreg", "perceptron", "ae", "",
                                         "nosuch", NULL };
    for (size_t k = 0; KINDS[k]; k++) {
        if (strcmp(KINDS[k], w.kind) == 0)
            continue;
        size_t len;
        unsigned char *b = join(KINDS[k], w.r, w.n, &len);
        char what[400];
        snprintf(what, sizeof what, "%s: kind '%s'", name, KINDS[k]);
        check(b, len, o, REFUSE, what);
        free(b);
    }
    if (o)
        lk_mat_free(o);
    free(w.bytes);
}

START_TEST(test_every_entry_of_every_kind)
{
    gsl_rng *r = th_rng(2385);
    th_samples_make(&S, r);
    for (size_t k = 0; k < S.n; k++) {
        tally before = T;
        mutate_every_entry(S.name[k], S.model[k]);
        printf("%-22s %4zu files: %4zu refused, %3zu predict the same, %3zu otherwise, "
               "%3zu load (no classifier)\n", S.name[k], T.files - before.files,
               T.refused - before.refused, T.same - before.same, T.changed - before.changed,
               T.unclassified - before.unclassified);
    }
    /* Most rewrites must be refused; some keep a valid model. */
    ck_assert_uint_gt(T.refused, T.files / 2);
    ck_assert_uint_gt(T.same, 0);
    ck_assert_uint_gt(T.changed, 0);
    th_samples_free(&S);
    gsl_rng_free(r);
}
END_TEST

static Suite *mutation_suite(void)
{
    Suite *s = suite_create("model_mutation");
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_every_entry_of_every_kind);
    tcase_set_timeout(errors, 300);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(mutation_suite()); }
