/* cli.h — shared pieces of the learnkit program: the command table, option
 * tables with strict parsing and generated help, messages and exit codes,
 * progress on stderr and JSON on stdout.  Commands use only the public
 * learnkit headers. */
#ifndef LEARNKIT_CLI_H
#define LEARNKIT_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include <learnkit.h>

#define EXIT_USAGE 2

/* ---------------------------------------------------------------- commands */

typedef int (*cli_command_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_command_fn run;
    const char *summary;
} cli_command;

extern const cli_command CLI_COMMANDS[];   /* NULL-name terminated, in main.c */
/* The program's one-line description and its synopsis lines (main.c). */
extern const char CLI_PROGRAM_ABOUT[];
extern const char *const CLI_PROGRAM_SYNOPSIS[];   /* NULL-terminated */

/* ---------------------------------------------------------------- options */

typedef enum cli_opt_kind {
    OPT_FLAG,      /* int, set to 1 */
    OPT_STR,       /* const char *, the argument as given */
    OPT_SIZE,      /* size_t within [min, max] */
    OPT_INT,       /* long within [min, max] */
    OPT_REAL,      /* double within [min, max], finite */
    OPT_END
} cli_opt_kind;

typedef struct cli_opt {
    const char *name;      /* long name without "--" */
    char short_name;       /* single-letter alias or 0 */
    cli_opt_kind kind;
    void *dest;
    const char *arg;       /* argument name in help: "N", "FILE" */
    const char *help;
    double min, max;       /* range for numbers (inclusive) */
} cli_opt;

#define CLI_OPT_END { NULL, 0, OPT_END, NULL, NULL, NULL, 0, 0 }

/* The options every command accepts. */
typedef struct cli_common {
    long seed;
    long threads;           /* -1 when not given */
    int json;
    int quiet;
    int help;
    const char *output;    /* -o FILE */
} cli_common;

/* Parse argv[1..] (argv[0] is the command name) against a NULL-terminated
 * list of option tables.  Positional arguments are collected in order into
 * pos (at most max_pos).  Returns 0 on success, or prints one line
 * ("learnkit: CMD: unknown option '--x' (did you mean --y?)") and returns
 * EXIT_USAGE. */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *const *tables,
              const char **pos, size_t max_pos, size_t *n_pos);

/* Print "usage" and the options of the tables, for CMD --help.  Every
 * command's --help goes through here, which is what lets the man pages and
 * the shell completion be made from the same tables (see CLI_DOC). */
void cli_help(FILE *out, const char *cmd, const char *usage, const char *about,
              const cli_opt *const *tables);

/* While CLI_DOC.write is set (learnkit --dump-man, --dump-completion),
 * cli_help hands the command's usage, about text and option tables to it,
 * with CLI_DOC.out, instead of printing the help text. */
typedef void (*cli_doc_fn)(FILE *out, const char *cmd, const char *usage, const char *about,
                           const cli_opt *const *tables);
typedef struct cli_doc {
    cli_doc_fn write;
    FILE *out;
} cli_doc;
extern cli_doc CLI_DOC;

/* Common options (seed, threads, json, quiet, help), and -o FILE. */
extern cli_common CLI;
extern const cli_opt CLI_COMMON_OPTS[];
extern const cli_opt CLI_OUTPUT_OPTS[];
/* Apply the common options (BLAS threads); call after cli_parse. */
void cli_apply_common(void);

/* Strict parsers, each printing its own usage error and returning
 * EXIT_USAGE, or 0 on success. */
int cli_parse_size(const char *option, const char *text, size_t min, size_t max, size_t *out);
int cli_parse_real(const char *option, const char *text, double min, double max, double *out);
/* A comma list of sizes ("784,500,10"); *out is malloc'ed.  Errors name the
 * element: "--layers: element 2: 'abc' is not a whole number". */
int cli_parse_size_list(const char *option, const char *text, size_t min, size_t max,
                        size_t **out, size_t *n);
/* A size with an optional unit suffix: 512M, 8G, 1.5GiB; bytes. */
int cli_parse_bytes(const char *option, const char *text, size_t *out);

/* ---------------------------------------------------------------- messages */

/* "learnkit: <formatted>" on stderr; returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "learnkit: <formatted>" on stderr; returns EXIT_FAILURE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "learnkit: SOURCE:PLACE: text" from an error record; returns EXIT_FAILURE. */
int cli_fail_err(const lk_error *err);
/* The same for an error from checking options (a name parsed, a network
 * planned from them): EXIT_USAGE when the status is LK_EINVAL, EXIT_FAILURE
 * otherwise (out of memory, say). */
int cli_usage_err(const lk_error *err);
/* Append " (OPTION)" to an error's text: the option that helps with it. */
void cli_err_hint(lk_error *err, const char *option);
/* A notice on stderr unless -q: "learnkit: <formatted>". */
void cli_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Closest of a NULL-terminated list of names within edit distance 2, or NULL. */
const char *cli_nearest(const char *word, const char *const *names);
/* The index of text among a NULL-terminated list of names (*out) and 0, or
 * one usage line for OPTION ("unknown value 'x'", with the nearest name or
 * the list of names) and EXIT_USAGE. */
int cli_pick(const char *option, const char *text, const char *const *names, int *out);

/* ---------------------------------------------------------------- world */

/* The world of processes this program runs in (mpirun -n P; a world of one
 * otherwise), set up by cli_world_start at the top of main. */
extern lk_comm *CLI_WORLD;
/* Join the world; ranks other than 0 send stdout to /dev/null.  Returns 0
 * or EXIT_FAILURE after printing. */
int cli_world_start(int *argc, char ***argv);
void cli_world_end(void);
/* Rank 0 prints messages and results and writes files. */
int cli_is_root(void);
int cli_world_ranks(void);
/* BLAS threads per rank by default: the machine's cores over the ranks
 * that share it. */
int cli_world_threads(void);
/* Under mpirun: the seconds this rank spent communicating since the last
 * phase ended, recorded under name; cli_world_phases_take hands the
 * object over (NULL when nothing was recorded) and starts a new one. */
void cli_world_phase_end(const char *name);
json_t *cli_world_phases_take(void);
/* Peak resident memory of every rank, in rank order (a collective). */
json_t *cli_world_peak_rss(void);
/* The mean over every rank's rows of a per-row quantity whose mean over
 * this rank's rows is local. */
double cli_world_mean(double local, size_t rows);
/* Accuracy over the rows of every rank (scores and y are this rank's). */
double cli_world_accuracy(const lk_mat *scores, const uint32_t *y);
/* The same from a fraction of this rank's rows (rows of them; a world of
 * one: local itself).  A collective. */
double cli_world_fraction(double local, size_t rows);

/* ---------------------------------------------------------------- progress */

/* Progress goes to stderr and never to stdout.  On a terminal a bar is
 * redrawn in place; otherwise only the lines given to cli_progress_line are
 * printed.  -q silences both. */
typedef struct cli_progress {
    const char *label;
    size_t total, done;
    double start;
    int tty;
    int drawn;
} cli_progress;

void cli_progress_begin(cli_progress *p, const char *label, size_t total);
void cli_progress_update(cli_progress *p, size_t done);
void cli_progress_end(cli_progress *p);
void cli_progress_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether to print epoch `epoch` of at most `total` (1-based; last: the final
 * one): every epoch up to 20, else the first 5, every tenth of the budget
 * and the last, so a long run on small data prints a screenful. */
int cli_epoch_shown(size_t epoch, size_t total, int last);

/* Monotonic seconds. */
double cli_now(void);

/* ---------------------------------------------------------------- output */

/* A seeded generator from --seed (MT19937): every random draw of a run comes
 * from it, or from generators seeded from it. */
gsl_rng *cli_rng(void);

/* Print a JSON object on stdout (one object, keys in insertion order) and
 * release it.  Returns 0, or 1 if writing failed. */
int cli_json_print(json_t *obj);

/* Peak resident memory of this process in bytes. */
size_t cli_peak_rss(void);

#endif
