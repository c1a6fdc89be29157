/* lineup.h — the --learners list of compare.
 *
 * Syntax: entries separated by ';' or whitespace, each
 *     NAME[:OPT[=VALUE][,OPT[=VALUE]...]]
 * NAME is a learner (elm, lsq, mlp, logreg, perceptron, ae); OPT=VALUE is
 * that learner's own long option --OPT VALUE and a bare OPT is the flag
 * --OPT.  A piece that starts with a digit continues the previous value, so
 * list values keep their commas: mlp:layers=784,500,10.  The reserved
 * option label=TEXT names the entry in the table and the plot (default:
 * NAME, or the whole entry when NAME appears more than once).  Labels must
 * be unique. */
#ifndef LEARNKIT_CLI_LINEUP_H
#define LEARNKIT_CLI_LINEUP_H

#include "learner.h"

typedef struct cli_lineup_entry {
    const cli_learner *learner;
    char *label;        /* display name, unique within the lineup */
    int label_given;    /* label=TEXT was written (else compare may name the row
                           by what ran: mlp-4-100-3, elm-ridge-224) */
    char *settings;     /* the options as typed ("hidden=1000,solver=svd"), maybe "" */
    int argc;           /* argv[0] = learner name, then --OPT [VALUE] ... */
    char **argv;
} cli_lineup_entry;

typedef struct cli_lineup {
    cli_lineup_entry *entries;
    size_t n;
} cli_lineup;

/* Parse TEXT against the NULL-terminated list of known learners, and check
 * each entry's options with that learner's own table (reset, cli_parse,
 * check(0, 0)).  On an error prints one line ("learnkit: compare:
 * --learners: entry 2 'elmm': unknown learner (did you mean 'elm'?)") and
 * returns EXIT_USAGE; *out is then empty.  Returns 0 on success. */
int cli_lineup_parse(const char *text, const cli_learner *const *known, cli_lineup *out);
void cli_lineup_free(cli_lineup *l);

/* Put the entry's options into its learner's static storage (reset, then
 * parse) and check them against the loaded data's sizes.  Returns 0 or
 * EXIT_USAGE after printing. */
int cli_lineup_configure(const cli_lineup_entry *e, size_t n_features, size_t n_classes);

#endif
