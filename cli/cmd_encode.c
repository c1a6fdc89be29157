/* cmd_encode.c — `learnkit encode -m AE_MODEL [DATA]`: the codes of every
 * row, as CSV or LIBSVM rows with the label first, ready for any learner. */
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_codes.h>
#include "commands.h"
#include "learner.h"
#include "ae_rows.h"

static const char USAGE[] = "-m AE_MODEL [--to csv|libsvm] [-o FILE] [DATA]";
static const char ABOUT[] =
    "Print the codes of every row of DATA under a stack of encoders saved by\n"
    "'learnkit ae -o' (any solver, any depth: the last encoder's outputs), one row\n"
    "per input row in input order, the row's label first: CSV by default, LIBSVM\n"
    "text (label index:value, zeros left out) with --to libsvm or an -o FILE named\n"
    ".svm or .libsvm.  The rows are DATA's test set (an IDX directory's t10k files,\n"
    "--test FILE, a built-in set's test rows); a single file is read whole.  The\n"
    "model's own preprocessing is applied.  The output feeds any learner:\n"
    "  learnkit ae --hidden 100 -o ae.lkm\n"
    "  learnkit encode -m ae.lkm -o codes.csv && learnkit logreg codes.csv";

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static void write_rows(FILE *f, const cli_ae_rows *r, const lk_mat *codes, int libsvm)
{
    for (size_t i = 0; i < codes->rows; i++) {
        const lk_real *c = lk_mat_row(codes, i);
        fputs(cli_ae_rows_label(r, i), f);
        for (size_t j = 0; j < codes->cols; j++) {
            if (!libsvm)
                fprintf(f, ",%.7g", (double)c[j]);
            else if (c[j] != 0)
                fprintf(f, " %zu:%.7g", j + 1, (double)c[j]);
        }
        fputc('\n', f);
    }
}

int cmd_encode(int argc, char **argv)
{
    static const char *to;
    const char *model;
    const cli_opt own[] = {
        { "to", 0, OPT_STR, &to, "csv|libsvm",
          "output format (default: by -o FILE's extension, else csv)", 0, 0 },
        { "output", 'o', OPT_STR, &CLI.output, "FILE",
          "write the codes to FILE (atomically) instead of stdout", 0, 0 },
        CLI_OPT_END
    };
    const char *spec;
    int rc = cli_ae_parse("encode", argc, argv, own, USAGE, ABOUT, &model, &spec);
    if (rc >= 0)
        return rc;
    int libsvm = 0;
    if (to && strcmp(to, "libsvm") == 0)
        libsvm = 1;
    else if (to && strcmp(to, "csv") != 0)
        return cli_usage("--to: expected csv or libsvm, not '%s'", to);
    else if (!to && CLI.output)
        libsvm = ends_with(CLI.output, ".svm") || ends_with(CLI.output, ".libsvm");
    cli_apply_common();
    cli_ae_rows r;
    if ((rc = cli_ae_rows_load(model, spec, &r)) != 0)
        return rc;
    const lk_dataset *d = &r.split.test;
    lk_error err;
    lk_mat codes = { 0 };
    cli_text_out out;
    if (lk_mat_alloc(&codes, d->n, lk_net_outputs(&r.st.enc), &err) != LK_OK ||
        lk_ae_codes(&r.st, &d->x, &codes, &err) != LK_OK) {
        rc = cli_fail_err(&err);
    } else if ((rc = cli_text_open(&out, CLI.output)) == 0) {
        write_rows(out.f, &r, &codes, libsvm);
        rc = cli_text_close(&out);
        if (rc == 0)
            cli_notice("%zu rows encoded to %zu values each%s%s", d->n, codes.cols,
                       CLI.output ? " into " : "", CLI.output ? CLI.output : "");
    }
    lk_mat_free(&codes);
    cli_ae_rows_free(&r);
    return rc;
}
