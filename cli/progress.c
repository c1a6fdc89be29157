/* progress.c — progress on stderr, the RNG from --seed, JSON on stdout. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "cli.h"

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_begin(cli_progress *p, const char *label, size_t total)
{
    *p = (cli_progress){ .label = label, .total = total, .start = cli_now(),
                         .tty = isatty(STDERR_FILENO) && !CLI.quiet };
}

void cli_progress_update(cli_progress *p, size_t done)
{
    p->done = done;
    if (!p->tty || p->total == 0)
        return;
    const int width = 30;
    double frac = (double)done / (double)p->total;
    if (frac > 1)
        frac = 1;
    int fill = (int)(frac * width);
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    double el = cli_now() - p->start;
    fprintf(stderr, "\r%-14s [%s] %3.0f%%  %.1fs", p->label, bar, 100 * frac, el);
    fflush(stderr);
    p->drawn = 1;
}

void cli_progress_end(cli_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = 0;
}

void cli_progress_line(const char *fmt, ...)
{
    if (CLI.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

gsl_rng *cli_rng(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r)
        gsl_rng_set(r, (unsigned long)CLI.seed);
    return r;
}

int cli_json_print(json_t *obj)
{
    int rc = json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                         JSON_REAL_PRECISION(10));
    json_decref(obj);
    fputc('\n', stdout);
    return rc != 0 || fflush(stdout) != 0;
}

size_t cli_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (size_t)ru.ru_maxrss * 1024;
}

int cli_epoch_shown(size_t epoch, size_t total, int last)
{
    if (total <= 20 || epoch <= 5 || last)
        return 1;
    return epoch % (total / 10) == 0;
}
