/* opts.c — table-driven option parsing with strict numbers and generated help. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "doc.h"

/* threads -1: not given, OpenBLAS's own count (all cores unless
 * OPENBLAS_NUM_THREADS sets another). */
cli_common CLI = { .seed = 1, .threads = -1 };
cli_doc CLI_DOC;

const cli_opt CLI_COMMON_OPTS[] = {
    { "seed", 0, OPT_INT, &CLI.seed, "N", "seed of every random draw (default 1)", 0, 4294967295.0 },
    { "threads", 0, OPT_INT, &CLI.threads, "N",
      "BLAS threads, 0 for all cores (default: all cores, or OPENBLAS_NUM_THREADS)", 0, 4096 },
    { "json", 0, OPT_FLAG, &CLI.json, NULL, "print one JSON object on stdout", 0, 0 },
    { "quiet", 'q', OPT_FLAG, &CLI.quiet, NULL, "no progress on stderr", 0, 0 },
    { "help", 'h', OPT_FLAG, &CLI.help, NULL, "show this help", 0, 0 },
    CLI_OPT_END
};

const cli_opt CLI_OUTPUT_OPTS[] = {
    { "output", 'o', OPT_STR, &CLI.output, "FILE", "save the trained model to FILE", 0, 0 },
    CLI_OPT_END
};

void cli_apply_common(void)
{
    if (CLI.threads >= 0)
        lk_blas_set_threads((int)CLI.threads);
    else if (cli_world_ranks() > 1)
        lk_blas_set_threads(cli_world_threads());
    if (!cli_is_root())
        CLI.quiet = 1;
}

/* Every message comes from rank 0: an error the ranks agreed on is said
 * once, by it. */
static void vsay(const char *fmt, va_list ap)
{
    if (!cli_is_root())
        return;
    fputs("learnkit: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_FAILURE;
}

/* The library names a parameter as an error's place ("hidden", "loss"),
 * never an option: these are the ones the command line sets by an option
 * of the same name. */
static const char *const OPTION_PLACES[] = { "activation", "features", "format", "hidden",
                                             "holdout", "layers", "loss", "max-memory", NULL };

void cli_err_hint(lk_error *err, const char *option)
{
    size_t n = strlen(err->text);
    snprintf(err->text + n, sizeof err->text - n, " (%s)", option);
}

int cli_fail_err(const lk_error *err)
{
    char buf[LK_ERROR_SOURCE_MAX + LK_ERROR_PLACE_MAX + LK_ERROR_TEXT_MAX + 8];
    if (!cli_is_root())
        return EXIT_FAILURE;
    const char *text = err->text[0] ? err->text : lk_status_str(err->status);
    for (size_t k = 0; OPTION_PLACES[k]; k++) {
        if (strcmp(err->place, OPTION_PLACES[k]) != 0)
            continue;
        if (strpbrk(err->source, "/."))      /* a file: say which option helps */
            fprintf(stderr, "learnkit: %s: %s; see --%s\n", err->source, text, OPTION_PLACES[k]);
        else                                 /* a module's parameter: the option */
            fprintf(stderr, "learnkit: --%s: %s\n", OPTION_PLACES[k], text);
        return EXIT_FAILURE;
    }
    fprintf(stderr, "learnkit: %s\n", lk_error_format(err, buf, sizeof buf));
    return EXIT_FAILURE;
}

int cli_usage_err(const lk_error *err)
{
    cli_fail_err(err);
    return err->status == LK_EINVAL ? EXIT_USAGE : EXIT_FAILURE;
}

void cli_notice(const char *fmt, ...)
{
    if (CLI.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

/* Levenshtein distance, capped: names are short. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *cli_nearest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = 3, len = strlen(word);
    for (size_t k = 0; names[k]; k++) {
        /* A prefix of three or more letters counts as close as one edit. */
        size_t d = len >= 3 && strncmp(word, names[k], len) == 0 ? 1 : edit_distance(word, names[k]);
        if (d < best_d) {
            best_d = d;
            best = names[k];
        }
    }
    return best;
}

int cli_pick(const char *option, const char *text, const char *const *names, int *out)
{
    size_t n = 0;
    while (names[n])
        n++;
    lk_names t = { "value", names, sizeof *names, n, NULL };
    lk_error err;
    if (lk_names_find(&t, text, option, out, &err) == LK_OK)
        return 0;
    const char *near = cli_nearest(text, names);
    if (near)
        return cli_usage("%s: unknown value '%s' (did you mean '%s'?)", option, text, near);
    return cli_usage("%s: %s", option, err.text);
}

int cli_parse_size(const char *option, const char *text, size_t min, size_t max, size_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!text || !*text || *text == '-' || *text == '+' || *text == ' ')
        return cli_usage("%s: '%s' is not a whole number", option, text ? text : "");
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0')
        return cli_usage("%s: '%s' is not a whole number", option, text);
    if (errno == ERANGE || v < min || v > max)
        return cli_usage("%s: %s is out of range (expected %zu to %zu)", option, text, min, max);
    *out = (size_t)v;
    return 0;
}

int cli_parse_real(const char *option, const char *text, double min, double max, double *out)
{
    char *end = NULL;
    errno = 0;
    if (!text || !*text || *text == ' ')
        return cli_usage("%s: '%s' is not a number", option, text ? text : "");
    double v = strtod(text, &end);
    if (*end != '\0' || end == text)
        return cli_usage("%s: '%s' is not a number", option, text);
    if (!isfinite(v) || errno == ERANGE)
        return cli_usage("%s: '%s' is not a finite number", option, text);
    if (v < min || v > max)
        return cli_usage("%s: %s is out of range (expected %g to %g)", option, text, min, max);
    *out = v;
    return 0;
}

int cli_parse_size_list(const char *option, const char *text, size_t min, size_t max,
                        size_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t count = 1;
    for (const char *c = text; *c; c++)
        count += *c == ',';
    size_t *vals = malloc(count * sizeof *vals);
    char *copy = strdup(text);
    if (!vals || !copy) {
        free(vals);
        free(copy);
        return cli_fail("out of memory");
    }
    char *p = copy;
    for (size_t k = 0; k < count; k++) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char label[128];
        snprintf(label, sizeof label, "%s: element %zu", option, k + 1);
        if (cli_parse_size(label, p, min, max, &vals[k]) != 0) {
            free(vals);
            free(copy);
            return EXIT_USAGE;
        }
        p = comma ? comma + 1 : p + strlen(p);
    }
    free(copy);
    *out = vals;
    *n = count;
    return 0;
}

int cli_parse_bytes(const char *option, const char *text, size_t *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v) || v < 0)
        return cli_usage("%s: '%s' is not a size (expected e.g. 512M or 8G)", option, text);
    double mult = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mult = 1024.0; end++; break;
    case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
    case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
    case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: return cli_usage("%s: '%s' has an unknown unit (expected K, M, G or T)", option, text);
    }
    if (*end == 'i')
        end++;
    if (*end == 'B')
        end++;
    if (*end != '\0' || v * mult > 1.8e19)
        return cli_usage("%s: '%s' is not a size (expected e.g. 512M or 8G)", option, text);
    *out = (size_t)(v * mult);
    return 0;
}

static const cli_opt *find_opt(const cli_opt *const *tables, const char *name, char short_name)
{
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++)
            if ((name && strcmp(o->name, name) == 0) || (short_name && o->short_name == short_name))
                return o;
    return NULL;
}

static int set_opt(const cli_opt *o, const char *value)
{
    char label[80];
    snprintf(label, sizeof label, "--%s", o->name);
    switch (o->kind) {
    case OPT_FLAG:
        *(int *)o->dest = 1;
        return 0;
    case OPT_STR:
        *(const char **)o->dest = value;
        return 0;
    case OPT_SIZE: {
        size_t v;
        if (cli_parse_size(label, value, (size_t)o->min, (size_t)o->max, &v))
            return EXIT_USAGE;
        *(size_t *)o->dest = v;
        return 0;
    }
    case OPT_INT: {
        double v;
        if (cli_parse_real(label, value, o->min, o->max, &v))
            return EXIT_USAGE;
        if (v != floor(v))
            return cli_usage("%s: '%s' is not a whole number", label, value);
        *(long *)o->dest = (long)v;
        return 0;
    }
    case OPT_REAL:
        return cli_parse_real(label, value, o->min, o->max, (double *)o->dest);
    default:
        return 0;
    }
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *const *tables,
              const char **pos, size_t max_pos, size_t *n_pos)
{
    *n_pos = 0;
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            if (*n_pos >= max_pos)
                return cli_usage("%s: unexpected argument '%s' (see 'learnkit %s --help')",
                                 cmd, a, cmd);
            pos[(*n_pos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        const cli_opt *o;
        const char *value = NULL;
        char name[64];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            if (len >= sizeof name)
                len = sizeof name - 1;
            memcpy(name, a + 2, len);
            name[len] = '\0';
            if (eq)
                value = eq + 1;
            o = find_opt(tables, name, 0);
        } else {
            if (a[2] != '\0' && !(a[1] >= '0' && a[1] <= '9'))
                value = a + 2;
            snprintf(name, sizeof name, "%c", a[1]);
            o = find_opt(tables, NULL, a[1]);
        }
        if (!o) {
            const char *names[256];
            size_t k = 0;
            for (size_t t = 0; tables[t]; t++)
                for (const cli_opt *q = tables[t]; q->kind != OPT_END && k < 255; q++)
                    names[k++] = q->name;
            names[k] = NULL;
            const char *near = cli_nearest(name, names);
            if (near)
                return cli_usage("%s: unknown option '%s' (did you mean --%s?)", cmd, a, near);
            return cli_usage("%s: unknown option '%s' (see 'learnkit %s --help')", cmd, a, cmd);
        }
        if (o->kind == OPT_FLAG) {
            if (value)
                return cli_usage("%s: option --%s takes no value", cmd, o->name);
        } else if (!value) {
            if (i + 1 >= argc)
                return cli_usage("%s: option --%s needs a value (%s)", cmd, o->name,
                                 o->arg ? o->arg : "an argument");
            value = argv[++i];
        }
        int rc = set_opt(o, value);
        if (rc)
            return rc;
    }
    return 0;
}

void cli_help(FILE *out, const char *cmd, const char *usage, const char *about,
              const cli_opt *const *tables)
{
    if (CLI_DOC.write) {
        CLI_DOC.write(CLI_DOC.out, cmd, usage, about, tables);
        return;
    }
    fprintf(out, "usage: learnkit %s %s\n\n%s\n\noptions:\n", cmd, usage, about);
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++) {
            char left[64];
            if (o->short_name)
                snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                         o->arg ? " " : "", o->arg ? o->arg : "");
            else
                snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
            fprintf(out, "  %-28s %s\n", left, o->help);
        }
}

int cli_doc_command(const cli_command *c, cli_doc_fn write, FILE *out)
{
    char name[64], help[] = "--help";
    snprintf(name, sizeof name, "%s", c->name);
    char *argv[] = { name, help, NULL };
    CLI_DOC = (cli_doc){ write, out };
    int rc = c->run(2, argv);
    CLI_DOC = (cli_doc){ NULL, NULL };
    return rc;
}
