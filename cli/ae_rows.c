/* ae_rows.c — a saved autoencoder stack and the rows it is applied to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ae_rows.h"
#include "scored.h"
#include "learner.h"

void cli_ae_rows_free(cli_ae_rows *r)
{
    lk_ae_stack_free(&r->st);
    lk_prep_free(&r->prep);
    lk_split_free(&r->split);
    memset(r, 0, sizeof *r);
}

int cli_ae_rows_load(const char *model_path, const char *spec, cli_ae_rows *out)
{
    memset(out, 0, sizeof *out);
    lk_error err;
    lk_model *m = NULL;
    int rc = 0;
    if (lk_model_load(model_path, &m, &err) != LK_OK || lk_ae_load(m, &out->st, &err) != LK_OK ||
        lk_prep_load(m, &out->prep, &err) != LK_OK) {
        rc = cli_fail_err(&err);
    } else if (out->prep.d != lk_net_inputs(&out->st.enc)) {
        rc = cli_fail("%s: the preprocessing has %zu features, the encoders take %zu",
                      model_path, out->prep.d, lk_net_inputs(&out->st.enc));
    } else {
        rc = cli_model_rows(spec, &out->prep, &out->split);
    }
    lk_model_free(m);
    if (rc)
        cli_ae_rows_free(out);
    return rc;
}

int cli_ae_parse(const char *cmd, int argc, char **argv, const cli_opt *own, const char *usage,
                 const char *about, const char **model, const char **spec)
{
    static const char *path;
    const cli_opt model_opt[] = {
        { "model", 'm', OPT_STR, &path, "AE_MODEL", "the autoencoder model file (required)", 0,
          0 },
        CLI_OPT_END
    };
    const cli_opt *const tables[] = { model_opt, own, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    path = NULL;
    int rc = cli_parse(cmd, argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, cmd, usage, about, tables);
        return 0;
    }
    if (!path)
        return cli_usage("%s: -m AE_MODEL is required", cmd);
    *model = path;
    *spec = n_pos ? pos[0] : NULL;
    return -1;
}

const char *cli_ae_rows_label(const cli_ae_rows *r, size_t i)
{
    return r->split.labels.names[r->split.test.y[i]];
}

int cli_text_open(cli_text_out *t, const char *path)
{
    *t = (cli_text_out){ .path = path, .f = stdout };
    if (path && !(t->f = open_memstream(&t->buf, &t->n)))
        return cli_fail("out of memory");
    return 0;
}

int cli_text_close(cli_text_out *t)
{
    int rc = 0;
    if (!t->path) {
        rc = fflush(stdout) == 0 ? 0 : cli_fail("cannot write to standard output");
    } else if (t->f) {
        lk_error err;
        int bad = ferror(t->f);
        /* fclose sets buf and n. */
        if (fclose(t->f) != 0 || bad)
            rc = cli_fail("out of memory");
        else if (lk_write_atomic(t->path, t->buf, t->n, &err) != LK_OK)
            rc = cli_fail_err(&err);
        free(t->buf);
    }
    *t = (cli_text_out){ 0 };
    return rc;
}
