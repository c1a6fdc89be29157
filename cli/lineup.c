/* lineup.c — parse and check the --learners list of compare (lineup.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "lineup.h"

#define WHERE "compare: --learners: entry %zu"

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void entry_free(cli_lineup_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        free(e->argv[i]);
    free(e->argv);
    free(e->label);
    free(e->settings);
    memset(e, 0, sizeof *e);
}

void cli_lineup_free(cli_lineup *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->entries[i]);
    free(l->entries);
    l->entries = NULL;
    l->n = 0;
}

static const cli_opt *find_own(const cli_learner *l, const char *name)
{
    for (const cli_opt *o = l->opts; o && o->kind != OPT_END; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static const char *nearest_own(const cli_learner *l, const char *name)
{
    const char *names[257];
    size_t k = 0;
    for (const cli_opt *o = l->opts; o && o->kind != OPT_END && k < 255; o++)
        names[k++] = o->name;
    names[k++] = "label";
    names[k] = NULL;
    return cli_nearest(name, names);
}

static int push_arg(cli_lineup_entry *e, const char *name, const char *value, size_t vlen)
{
    char **a = realloc(e->argv, (size_t)(e->argc + 1) * sizeof *a);
    if (!a)
        return cli_fail("out of memory");
    e->argv = a;
    size_t n = strlen(name) + (value ? vlen + 1 : 0) + 3;
    char *s = malloc(n);
    if (!s)
        return cli_fail("out of memory");
    if (value)
        snprintf(s, n, "--%s=%.*s", name, (int)vlen, value);
    else
        snprintf(s, n, "--%s", name);
    e->argv[e->argc++] = s;
    return 0;
}

/* One option piece "key[=value]" of entry k (1-based). */
static int parse_piece(cli_lineup_entry *e, size_t k, const char *p, size_t len, char **label)
{
    if (len == 0)
        return cli_usage(WHERE " '%s': empty option (two commas, or a comma at the end)", k,
                         e->learner->name);
    const char *eq = memchr(p, '=', len);
    size_t klen = eq ? (size_t)(eq - p) : len;
    char key[64];
    if (klen == 0 || klen >= sizeof key)
        return cli_usage(WHERE " '%s': '%.*s' is not OPTION or OPTION=VALUE", k, e->learner->name,
                         (int)len, p);
    memcpy(key, p, klen);
    key[klen] = '\0';
    const char *val = eq ? eq + 1 : NULL;
    size_t vlen = eq ? len - klen - 1 : 0;
    if (strcmp(key, "label") == 0) {
        if (!val || vlen == 0)
            return cli_usage(WHERE " '%s': label needs a value (label=TEXT)", k, e->learner->name);
        if (*label)
            return cli_usage(WHERE " '%s': label given twice", k, e->learner->name);
        if (!(*label = dup_range(val, vlen)))
            return cli_fail("out of memory");
        return 0;
    }
    const cli_opt *o = find_own(e->learner, key);
    if (!o) {
        const char *near = nearest_own(e->learner, key);
        if (near)
            return cli_usage(WHERE " '%s': unknown option '%s' (did you mean '%s'?)", k,
                             e->learner->name, key, near);
        return cli_usage(WHERE " '%s': unknown option '%s' (see 'learnkit %s --help')", k,
                         e->learner->name, key, e->learner->name);
    }
    if (o->kind == OPT_FLAG && val)
        return cli_usage(WHERE " '%s': '%s' is a flag: write it without '='", k,
                         e->learner->name, key);
    if (o->kind != OPT_FLAG && (!val || vlen == 0))
        return cli_usage(WHERE " '%s': option '%s' needs a value (%s=%s)", k, e->learner->name,
                         key, key, o->arg ? o->arg : "VALUE");
    for (int i = 1; i < e->argc; i++) {
        const char *a = e->argv[i] + 2;
        if (strncmp(a, key, klen) == 0 && (a[klen] == '\0' || a[klen] == '='))
            return cli_usage(WHERE " '%s': option '%s' given twice", k, e->learner->name, key);
    }
    return push_arg(e, key, val, vlen);
}

/* Entry k (1-based) from the text s[0..len). */
static int parse_entry(cli_lineup_entry *e, size_t k, const char *s, size_t len,
                       const cli_learner *const *known, char **label)
{
    const char *colon = memchr(s, ':', len);
    size_t nlen = colon ? (size_t)(colon - s) : len;
    char name[64];
    if (nlen == 0 || nlen >= sizeof name)
        return cli_usage(WHERE " '%.*s': expected NAME[:OPTION=VALUE,...]", k, (int)len, s);
    memcpy(name, s, nlen);
    name[nlen] = '\0';
    const char *names[64];
    size_t m = 0;
    for (size_t i = 0; known[i] && m < 63; i++) {
        if (strcmp(known[i]->name, name) == 0)
            e->learner = known[i];
        names[m++] = known[i]->name;
    }
    names[m] = NULL;
    if (!e->learner) {
        const char *near = cli_nearest(name, names);
        if (near)
            return cli_usage(WHERE " '%s': unknown learner (did you mean '%s'?)", k, name, near);
        return cli_usage(WHERE " '%s': unknown learner (one of elm, lsq, mlp, logreg, "
                         "perceptron, ae)", k, name);
    }
    if (push_arg(e, "", NULL, 0))
        return EXIT_FAILURE;
    free(e->argv[0]);
    if (!(e->argv[0] = dup_range(name, nlen)))
        return cli_fail("out of memory");
    if (!colon) {
        e->settings = dup_range("", 0);
        return e->settings ? 0 : cli_fail("out of memory");
    }
    const char *p = colon + 1, *end = s + len;
    if (p == end)
        return cli_usage(WHERE " '%s': nothing after ':'", k, name);
    /* Settings as typed, without the label. */
    char *set = malloc((size_t)(end - p) + 1);
    if (!set)
        return cli_fail("out of memory");
    set[0] = '\0';
    e->settings = set;
    while (p <= end) {
        /* A piece ends at a comma that is not followed by a digit. */
        const char *q = p;
        while (q < end && !(*q == ',' && !(q + 1 < end && isdigit((unsigned char)q[1]))))
            q++;
        int rc = parse_piece(e, k, p, (size_t)(q - p), label);
        if (rc)
            return rc;
        if (!(q - p >= 6 && strncmp(p, "label=", 6) == 0)) {
            if (*set)
                strcat(set, ",");
            strncat(set, p, (size_t)(q - p));
        }
        p = q + 1;
    }
    return 0;
}

int cli_lineup_configure(const cli_lineup_entry *e, size_t n_features, size_t n_classes)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "compare: --learners: %s", e->label ? e->label : e->learner->name);
    const cli_opt *const tables[] = { e->learner->opts, NULL };
    e->learner->reset();
    size_t n_pos;
    int rc = cli_parse(cmd, e->argc, e->argv, tables, NULL, 0, &n_pos);
    if (rc == 0)
        rc = e->learner->check(n_features, n_classes);
    return rc;
}

static int is_sep(char c)
{
    return c == ';' || isspace((unsigned char)c);
}

int cli_lineup_parse(const char *text, const cli_learner *const *known, cli_lineup *out)
{
    out->entries = NULL;
    out->n = 0;
    const char *p = text;
    size_t k = 0;
    int rc = 0;
    char **labels = NULL;   /* explicit labels, parallel to entries */
    while (rc == 0) {
        int semis = 0;
        while (*p && is_sep(*p))
            semis += *p++ == ';';
        if ((k == 0 && semis > 0) || semis > 1 || (!*p && semis > 0 && k > 0)) {
            rc = cli_usage(WHERE " is empty (two ';' in a row, or one at an end)", k + 1);
            break;
        }
        if (!*p)
            break;
        const char *q = p;
        while (*q && !is_sep(*q))
            q++;
        cli_lineup_entry *e = realloc(out->entries, (out->n + 1) * sizeof *e);
        char **lb = realloc(labels, (out->n + 1) * sizeof *lb);
        if (e)
            out->entries = e;
        if (lb)
            labels = lb;
        if (!e || !lb) {
            rc = cli_fail("out of memory");
            break;
        }
        k++;
        memset(&out->entries[out->n], 0, sizeof *e);
        labels[out->n] = NULL;
        out->n++;
        rc = parse_entry(&out->entries[out->n - 1], k, p, (size_t)(q - p), known,
                         &labels[out->n - 1]);
        p = q;
    }
    if (rc == 0 && out->n == 0)
        rc = cli_usage("compare: --learners: the list is empty");
    /* Labels: explicit, else the name when it is unique, else the entry. */
    for (size_t i = 0; rc == 0 && i < out->n; i++) {
        cli_lineup_entry *e = &out->entries[i];
        if (labels[i]) {
            e->label = labels[i];
            e->label_given = 1;
            labels[i] = NULL;
            continue;
        }
        size_t same = 0;
        for (size_t j = 0; j < out->n; j++)
            same += out->entries[j].learner == e->learner;
        size_t n = strlen(e->learner->name) + strlen(e->settings) + 2;
        if (!(e->label = malloc(n))) {
            rc = cli_fail("out of memory");
            break;
        }
        if (same == 1 || !*e->settings)
            snprintf(e->label, n, "%s", e->learner->name);
        else
            snprintf(e->label, n, "%s:%s", e->learner->name, e->settings);
    }
    for (size_t i = 0; rc == 0 && i < out->n; i++)
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(out->entries[i].label, out->entries[j].label) == 0)
                rc = cli_usage("compare: --learners: entries %zu and %zu have the same label "
                               "'%s' (add label=TEXT to one)", j + 1, i + 1,
                               out->entries[i].label);
    for (size_t i = 0; rc == 0 && i < out->n; i++)
        rc = cli_lineup_configure(&out->entries[i], 0, 0);
    if (labels)
        for (size_t i = 0; i < out->n; i++)
            free(labels[i]);
    free(labels);
    if (rc)
        cli_lineup_free(out);
    return rc;
}
