/* cmd_inspect.c — `learnkit inspect MODEL`: what a model file holds. */
#include <math.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

static const char USAGE[] = "[--json] MODEL";
static const char ABOUT[] =
    "Print a model file's kind, format version and every entry: architecture,\n"
    "preprocessing, label map, and the shape and range of each array.";

/* The section of a key is the text before its first dot ("arch.layers"). */
static void section_of(const char *key, char *buf, size_t n)
{
    const char *dot = strchr(key, '.');
    size_t len = dot ? (size_t)(dot - key) : strlen(key);
    if (len >= n)
        len = n - 1;
    memcpy(buf, key, len);
    buf[len] = '\0';
}

static void array_stats(const lk_model *m, size_t i, size_t count, double *lo, double *hi,
                        double *rms)
{
    double s = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t k = 0; k < count; k++) {
        double v = lk_model_array_value(m, i, k);
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
        s += v * v;
    }
    *rms = count ? sqrt(s / (double)count) : 0;
    if (!count)
        *lo = *hi = 0;
}

static json_t *entry_json(const lk_model *m, size_t i, const lk_entry_info *e)
{
    switch (e->type) {
    case LK_ENTRY_INT: return json_integer(e->i);
    case LK_ENTRY_REAL: return json_real(e->r);
    case LK_ENTRY_STR: return json_string(e->s);
    case LK_ENTRY_STRS: {
        json_t *a = json_array();
        for (size_t k = 0; k < e->n_strs; k++)
            json_array_append_new(a, json_string(e->strs[k]));
        return a;
    }
    case LK_ENTRY_ARRAY: {
        double lo, hi, rms;
        array_stats(m, i, e->rows * e->cols, &lo, &hi, &rms);
        return json_pack("{s:[I,I],s:s,s:f,s:f,s:f}", "shape", (json_int_t)e->rows,
                         (json_int_t)e->cols, "dtype", e->elem_size == 4 ? "float32" : "float64",
                         "min", lo, "max", hi, "rms", rms);
    }
    }
    return json_null();
}

static void entry_text(const lk_model *m, size_t i, const lk_entry_info *e)
{
    printf("  %-24s ", e->key);
    switch (e->type) {
    case LK_ENTRY_INT: printf("%lld\n", (long long)e->i); break;
    case LK_ENTRY_REAL: printf("%.10g\n", e->r); break;
    case LK_ENTRY_STR: printf("%s\n", e->s); break;
    case LK_ENTRY_STRS:
        printf("%zu: ", e->n_strs);
        for (size_t k = 0; k < e->n_strs && k < 20; k++)
            printf("%s%s", k ? " " : "", e->strs[k]);
        printf("%s\n", e->n_strs > 20 ? " ..." : "");
        break;
    case LK_ENTRY_ARRAY: {
        double lo, hi, rms;
        array_stats(m, i, e->rows * e->cols, &lo, &hi, &rms);
        printf("%zu x %zu %s  min %.4g  max %.4g  rms %.4g\n", e->rows, e->cols,
               e->elem_size == 4 ? "float32" : "float64", lo, hi, rms);
        break;
    }
    }
}

int cmd_inspect(int argc, char **argv)
{
    const cli_opt *const tables[] = { CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("inspect", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "inspect", USAGE, ABOUT, tables);
        return 0;
    }
    if (n_pos != 1)
        return cli_usage("inspect: expected one MODEL file (see 'learnkit inspect --help')");
    lk_error err;
    lk_model *m;
    if (lk_model_load(pos[0], &m, &err) != LK_OK)
        return cli_fail_err(&err);
    int major, minor;
    lk_model_version(m, &major, &minor);
    size_t n = lk_model_count(m);
    if (CLI.json) {
        json_t *entries = json_object();
        for (size_t i = 0; i < n; i++) {
            lk_entry_info e;
            lk_model_entry(m, i, &e);
            json_object_set_new(entries, e.key, entry_json(m, i, &e));
        }
        json_t *obj = json_pack("{s:s,s:s,s:s,s:o}", "file", pos[0], "kind", lk_model_kind(m),
                                "format", "", "entries", entries);
        char version[32];
        snprintf(version, sizeof version, "%d.%d", major, minor);
        json_object_set_new(obj, "format", json_string(version));
        lk_model_free(m);
        return cli_json_print(obj);
    }
    printf("%s: learnkit model, kind %s, format %d.%d, %zu entries\n", pos[0],
           lk_model_kind(m), major, minor, n);
    char current[64] = "";
    for (size_t i = 0; i < n; i++) {
        lk_entry_info e;
        lk_model_entry(m, i, &e);
        char sec[64];
        section_of(e.key, sec, sizeof sec);
        if (strcmp(sec, current) != 0) {
            printf("%s:\n", sec);
            snprintf(current, sizeof current, "%s", sec);
        }
        entry_text(m, i, &e);
    }
    lk_model_free(m);
    return 0;
}
