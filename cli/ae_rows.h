/* ae_rows.h — a saved autoencoder stack and the rows it is applied to, for
 * encode and score. */
#ifndef LEARNKIT_CLI_AE_ROWS_H
#define LEARNKIT_CLI_AE_ROWS_H

#include <learnkit/data.h>
#include <learnkit/ae.h>
#include "cli.h"

typedef struct cli_ae_rows {
    lk_ae_stack st;
    lk_prep prep;
    lk_split split;     /* split.test: the rows, preprocessed by prep */
} cli_ae_rows;

/* Load the "ae" model at model_path (any other kind is refused naming it)
 * and DATA's rows as cli_model_rows reads them.  Returns 0 or an exit code
 * after printing one line. */
int cli_ae_rows_load(const char *model_path, const char *spec, cli_ae_rows *out);
void cli_ae_rows_free(cli_ae_rows *r);

/* The original label text of row i. */
const char *cli_ae_rows_label(const cli_ae_rows *r, size_t i);

/* Parse the options of encode or score (-m AE_MODEL, own, then the data
 * and common options), print --help, require -m.  Returns -1 when the
 * command goes on, with *model and *spec (DATA, or NULL); else the exit
 * code. */
int cli_ae_parse(const char *cmd, int argc, char **argv, const cli_opt *own, const char *usage,
                 const char *about, const char **model, const char **spec);

/* Text written to stdout, or gathered in memory and written atomically to
 * path (no partial file on failure). */
typedef struct cli_text_out {
    const char *path;   /* NULL: stdout */
    FILE *f;
    char *buf;
    size_t n;
} cli_text_out;

/* Returns 0, or EXIT_FAILURE after printing. */
int cli_text_open(cli_text_out *t, const char *path);
/* Flush (and write path); returns 0 or EXIT_FAILURE after printing. */
int cli_text_close(cli_text_out *t);

#endif
