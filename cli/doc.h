/* doc.h — the man pages and the bash completion, made from the command
 * table and each command's option tables (the ones its --help prints). */
#ifndef LEARNKIT_CLI_DOC_H
#define LEARNKIT_CLI_DOC_H

#include <stdio.h>
#include "cli.h"

/* Run command c as `learnkit NAME --help` with CLI_DOC set to {write, out},
 * so that its cli_help call hands its tables to write.  Returns c's exit
 * code. */
int cli_doc_command(const cli_command *c, cli_doc_fn write, FILE *out);

/* Write learnkit.1 and learnkit-NAME.1 for every command into dir (which
 * must exist).  Returns 0, or EXIT_FAILURE after printing the error. */
int cli_man_write_all(const char *dir);

/* Write the bash completion script for every command to out.  Returns 0, or
 * EXIT_FAILURE when writing failed. */
int cli_completion_write(FILE *out);

#endif
