/* main.c — learnkit's entry point: one table of commands, which also makes
 * `learnkit --help`, the man pages and the shell completion, so they never
 * drift. */
#include <stdio.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "cli.h"
#include "commands.h"
#include "config.h"
#include "doc.h"

const cli_command CLI_COMMANDS[] = {
    { "fetch", cmd_fetch, "download and verify a named dataset (mnist)" },
    { "info", cmd_info, "describe a dataset: shapes, classes, balance, range" },
    { "mlp", cmd_mlp, "multilayer perceptron trained by backpropagation" },
    { "elm", cmd_elm, "extreme learning machine: random hidden layer, closed-form output" },
    { "ae", cmd_ae, "autoencoders: tied, denoising, stacked; backprop or closed form" },
    { "logreg", cmd_logreg, "softmax logistic regression (L-BFGS or Adam)" },
    { "lsq", cmd_lsq, "closed-form least-squares (ridge) classifier" },
    { "perceptron", cmd_perceptron, "the multiclass perceptron, plain or averaged" },
    { "compare", cmd_compare, "closed-form against backprop: one table, one picture" },
    { "predict", cmd_predict, "predict labels (or probabilities) with a saved model" },
    { "eval", cmd_eval, "accuracy and confusion matrix of a saved model" },
    { "inspect", cmd_inspect, "show what a model file holds" },
    { "encode", cmd_encode, "codes of every row under a saved autoencoder (CSV, LIBSVM)" },
    { "score", cmd_score, "reconstruction error of every row (outlier score), ROC AUC" },
    { NULL, NULL, NULL }
};

const char CLI_PROGRAM_ABOUT[] =
    "Neural learners trained by backpropagation beside their closed-form\n"
    "alternatives, on real data.";

const char *const CLI_PROGRAM_SYNOPSIS[] = {
    "COMMAND [OPTIONS] [DATA]", "--help | --version", "COMMAND --help", NULL
};

static void usage(FILE *out)
{
    for (size_t k = 0; CLI_PROGRAM_SYNOPSIS[k]; k++)
        fprintf(out, "%s learnkit %s\n", k ? "      " : "usage:", CLI_PROGRAM_SYNOPSIS[k]);
    fprintf(out, "\n%s\n\ncommands:\n", CLI_PROGRAM_ABOUT);
    for (const cli_command *c = CLI_COMMANDS; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "\nDATA is a dataset name (default: mnist), a directory of IDX files, or a\n"
                 "CSV or LIBSVM file.  Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* Blocks of 4 MB and more are mapped, and given back when freed.  glibc
 * otherwise raises its mapping threshold to the largest block freed, and
 * the multi-megabyte scratch a threaded OpenBLAS GEMM allocates and frees
 * on every call then fragments the heap: a streamed 800-unit ELM on MNIST
 * peaked at 153 MB resident for 42 MB of live memory (56 MB with this),
 * and a process that streams a file larger than memory is judged by that
 * figure.  The MLP's epoch time does not move (its GEMMs are smaller). */
static void allocator_policy(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}

int main(int argc, char **argv)
{
    allocator_policy();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("learnkit %s (%s; %s)\n", PACKAGE_VERSION, LK_REAL_NAME, lk_blas_name());
        return 0;
    }
    /* Not in --help: the build makes the man pages and the bash completion
     * from the option tables with these. */
    if (strcmp(name, "--dump-man") == 0) {
        if (argc != 3)
            return cli_usage("--dump-man: expected one directory");
        return cli_man_write_all(argv[2]);
    }
    if (strcmp(name, "--dump-completion") == 0)
        return argc == 2 ? cli_completion_write(stdout)
                         : cli_usage("--dump-completion: expected no argument");
    for (const cli_command *c = CLI_COMMANDS; c->name; c++)
        if (strcmp(c->name, name) == 0) {
            int rc = cli_world_start(&argc, &argv);
            if (rc == 0)
                rc = c->run(argc - 1, argv + 1);
            cli_world_end();
            return rc;
        }
    const char *names[32];
    size_t k = 0;
    for (const cli_command *c = CLI_COMMANDS; c->name && k < 31; c++)
        names[k++] = c->name;
    names[k] = NULL;
    const char *near = cli_nearest(name, names);
    if (name[0] == '-')
        return cli_usage("unknown option '%s' before the command (see 'learnkit --help')", name);
    if (near)
        return cli_usage("unknown command '%s' (did you mean '%s'?)", name, near);
    return cli_usage("unknown command '%s' (see 'learnkit --help')", name);
}
