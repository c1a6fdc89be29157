/* man.c — the man pages, learnkit(1) and learnkit-NAME(1) for every command,
 * in man(7) roff.  Names, summaries, synopses, descriptions and every option
 * come from the command table and the option tables that print --help; the
 * prose here is only what --help has no room for (the forms of DATA, the
 * environment, files and examples). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "doc.h"
#include "learner.h"

#ifndef LK_DATADIR
#define LK_DATADIR "/usr/local/share/learnkit"
#endif

/* n bytes of text as roff: backslashes and minus signs escaped, a leading
 * control character neutralized (at the start of a line), and anything
 * beyond ASCII as a \[uXXXX] glyph so that no input encoding is assumed. */
static void roff(FILE *out, const char *text, size_t n, int line_start)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + n;
    if (line_start && p < end && (*p == '.' || *p == '\''))
        fputs("\\&", out);
    while (p < end) {
        unsigned c = *p++;
        if (c == '\\') {
            fputs("\\e", out);
        } else if (c == '-') {
            fputs("\\-", out);
        } else if (c < 0x80) {
            fputc((int)c, out);
        } else {
            int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
            unsigned cp = c & (more == 3 ? 0x07u : more == 2 ? 0x0Fu : 0x1Fu);
            for (int k = 0; k < more && p < end && (*p & 0xC0) == 0x80; k++, more--)
                cp = (cp << 6) | (*p++ & 0x3Fu);
            if (more != 0)
                fputs("?", out);     /* not UTF-8: say so rather than guess */
            else
                fprintf(out, "\\[u%04X]", cp);
        }
    }
}

static void roff_line(FILE *out, const char *text)
{
    roff(out, text, strlen(text), 1);
    fputc('\n', out);
}

/* Help text (lines, blank lines between paragraphs, examples indented by
 * two spaces or more) as filled paragraphs and indented no-fill blocks. */
static void paragraphs(FILE *out, const char *text)
{
    size_t pre = 0;   /* inside an example: the indentation of its first line */
    int pending = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *next = nl ? nl + 1 : p + n;
        size_t indent = strspn(p, " ");
        if (indent > n)
            indent = n;
        if (n == 0 || (indent < 2 && pre)) {
            if (pre)
                fputs(".fi\n.RE\n", out);
            pre = 0;
            pending |= n == 0;
        }
        if (n > 0 && indent >= 2) {
            if (!pre)
                fputs(".RS 4\n.nf\n", out);
            pre = pre ? pre : indent;
            size_t cut = indent < pre ? indent : pre;
            roff(out, p + cut, n - cut, 1);
            fputc('\n', out);
        } else if (n > 0) {
            if (pending)
                fputs(".PP\n", out);
            pending = 0;
            roff(out, p + indent, n - indent, 1);
            fputc('\n', out);
        }
        p = next;
    }
    if (pre)
        fputs(".fi\n.RE\n", out);
}

static void option(FILE *out, const cli_opt *o)
{
    fputs(".TP\n", out);
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    roff(out, o->name, strlen(o->name), 0);
    fputs("\\fR", out);
    if (o->arg) {
        fputs(" \\fI", out);
        roff(out, o->arg, strlen(o->arg), 0);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    roff_line(out, o->help);
}

/* The shared tables get a subsection of their own; a command's own options
 * come first, under OPTIONS itself. */
static const char *table_title(const cli_opt *t)
{
    if (t == CLI_DATA_OPTS)
        return "Data options";
    if (t == CLI_COMMON_OPTS || t == CLI_OUTPUT_OPTS)
        return "Common options";
    return NULL;
}

static void options(FILE *out, const cli_opt *const *tables)
{
    const char *last = NULL;
    fputs(".SH OPTIONS\n", out);
    for (size_t t = 0; tables[t]; t++) {
        const char *title = table_title(tables[t]);
        if (title && (!last || strcmp(title, last) != 0))
            fprintf(out, ".SS \"%s\"\n", title);
        last = title;
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++)
            option(out, o);
    }
}

static void header(FILE *out, const char *page)
{
    fprintf(out, ".\\\" %s(1): made by 'learnkit --dump-man' from the option tables.\n", page);
    fputs(".TH \"", out);
    for (const char *c = page; *c; c++) {
        if (*c == '-')
            fputs("\\-", out);
        else
            fputc(toupper((unsigned char)*c), out);
    }
    fprintf(out, "\" 1 \"\" \"%s %s\" \"User Commands\"\n", PACKAGE_NAME, PACKAGE_VERSION);
    /* Option names and paths read better unbroken and unstretched. */
    fputs(".nh\n.ad l\n", out);
}

static void exit_status(FILE *out)
{
    fputs(".SH \"EXIT STATUS\"\n"
          ".TP\n.B 0\nsuccess\n"
          ".TP\n.B 1\nfailure: bad data, a numerical failure, an input or output error\n"
          ".TP\n.B 2\nusage error: an unknown command or option, a bad option value\n"
          ".PP\nEvery error is one line on standard error,\n"
          ".IR \"learnkit: SOURCE:PLACE: what was expected\" ,\n"
          "for example\n"
          ".IR \"learnkit: train.csv:17:3: \\(dq4.2.1\\(dq is not a number\" .\n",
          out);
}

static const char *summary_of(const char *cmd)
{
    for (const cli_command *c = CLI_COMMANDS; c->name; c++)
        if (strcmp(c->name, cmd) == 0)
            return c->summary;
    return "";
}

/* A cli_doc_fn: the page of one command. */
static void command_page(FILE *out, const char *cmd, const char *usage, const char *about,
                         const cli_opt *const *tables)
{
    char page[80];
    snprintf(page, sizeof page, "learnkit-%s", cmd);
    header(out, page);
    fputs(".SH NAME\n", out);
    roff(out, page, strlen(page), 1);
    fputs(" \\- ", out);
    roff_line(out, summary_of(cmd));
    fprintf(out, ".SH SYNOPSIS\n.B learnkit %s\n", cmd);
    roff_line(out, usage);
    fputs(".SH DESCRIPTION\n", out);
    paragraphs(out, about);
    options(out, tables);
    exit_status(out);
    fputs(".SH \"SEE ALSO\"\n.BR learnkit (1)\n", out);
}

/* ---------------------------------------------------------------- learnkit(1) */

static const char DESCRIPTION[] =
    ".PP\n"
    "Each command reads its data, prints its results on standard output (with\n"
    ".BR \\-\\-json ,\n"
    "one JSON object) and its progress on standard error.\n"
    ".B \\-\\-seed\n"
    "fixes every random draw: the same seed on the same build gives the same bytes.\n"
    ".B learnkit\n"
    ".I COMMAND\n"
    ".B \\-\\-help\n"
    "and\n"
    ".BI learnkit\\- COMMAND (1)\n"
    "describe each command and all its options.\n"
    ".PP\n"
    "In a build with MPI,\n"
    ".B mpirun \\-n\n"
    ".I P\n"
    ".B learnkit\n"
    ".I COMMAND\n"
    "trains data\\-parallel: each rank takes its share of the training rows and\n"
    "rank 0 alone prints and writes; a learner that does not train data\\-parallel\n"
    "refuses to start on more than one rank.\n";

static const char DATA[] =
    ".SH DATA\n"
    ".I DATA\n"
    "is the one positional argument of the commands that read data\n"
    "(default: \\fBmnist\\fR).  It is one of:\n"
    ".IP \\(bu 2\n"
    "a dataset name such as \\fBmnist\\fR: its training and test files are looked for in\n"
    "\\fB\\-\\-data\\-dir\\fR \\fIDIR\\fR, \\fB$LEARNKIT_DATA\\fR, \\fB./datasets/\\fINAME\\fR,\n"
    "the installed data directory (see \\fBFILES\\fR) and\n"
    "\\fB${XDG_CACHE_HOME:\\-~/.cache}/learnkit/\\fINAME\\fR, in that order, and fetched\n"
    "(with a notice) when they are in none of them;\n"
    ".IP \\(bu 2\n"
    "a directory in the MNIST layout, holding \\fBtrain\\-images\\-idx3\\-ubyte\\fR, \\fBtrain\\-labels\\-idx1\\-ubyte\\fR,\n"
    "\\fBt10k\\-images\\-idx3\\-ubyte\\fR and \\fBt10k\\-labels\\-idx1\\-ubyte\\fR, each\n"
    "optionally gzipped (\\fB.gz\\fR); Fashion\\-MNIST and other IDX sets work the same way;\n"
    ".IP \\(bu 2\n"
    "a file: CSV (\\fB.csv\\fR: a label column, numeric features, an optional header line) or\n"
    "LIBSVM text (\\fB.svm\\fR, \\fB.libsvm\\fR, \\fB.scale\\fR, \\fB.t\\fR:\n"
    "\\fIlabel index\\fR:\\fIvalue\\fR ... with 1\\-based increasing indices), gzipped\n"
    "or not; \\fB\\-\\-format\\fR overrides the detection by extension.\n"
    ".PP\n"
    "Labels may be any integers or strings; they become classes 0..K\\-1 in sorted\n"
    "order, and model files keep the map, so that \\fBpredict\\fR prints the original\n"
    "labels.\n";

static const char ENVIRONMENT[] =
    ".SH ENVIRONMENT\n"
    ".TP\n"
    ".B LEARNKIT_DATA\n"
    "A directory searched for named datasets (as \\fI$LEARNKIT_DATA/NAME\\fR, then\n"
    "\\fI$LEARNKIT_DATA\\fR itself) after \\fB\\-\\-data\\-dir\\fR.\n"
    ".TP\n"
    ".B XDG_CACHE_HOME\n"
    "Datasets are fetched into \\fI$XDG_CACHE_HOME/learnkit/NAME\\fR\n"
    "(\\fI~/.cache/learnkit/NAME\\fR when it is unset or empty), the last place\n"
    "searched for them.\n"
    ".TP\n"
    ".B OPENBLAS_NUM_THREADS\n"
    "BLAS threads when \\fB\\-\\-threads\\fR is not given (OpenBLAS builds).\n";

static const char EXAMPLES[] =
    ".SH EXAMPLES\n"
    "Fetch MNIST, then train an extreme learning machine on it:\n"
    ".PP\n.RS 4\n.nf\n"
    "learnkit fetch mnist\n"
    "learnkit elm \\-\\-hidden 1000\n"
    ".fi\n.RE\n"
    ".PP\n"
    "Train a multilayer perceptron, save it, and apply it to the test set:\n"
    ".PP\n.RS 4\n.nf\n"
    "learnkit mlp \\-\\-hidden 500 \\-\\-epochs 5 \\-o mlp.lkm\n"
    "learnkit predict \\-m mlp.lkm > labels.txt\n"
    "learnkit eval \\-m mlp.lkm\n"
    ".fi\n.RE\n"
    ".PP\n"
    "A least\\-squares classifier on CSV files, with a JSON result:\n"
    ".PP\n.RS 4\n.nf\n"
    "learnkit lsq \\-\\-json \\-\\-test test.csv train.csv\n"
    ".fi\n.RE\n"
    ".PP\n"
    "Closed form against backpropagation, one table and one picture:\n"
    ".PP\n.RS 4\n.nf\n"
    "learnkit compare \\-\\-learners 'lsq; elm:hidden=2000,solver=ridge,C=auto; mlp' \\e\n"
    "    \\-\\-plot compare.png\n"
    ".fi\n.RE\n";

static void files(FILE *out)
{
    fputs(".SH FILES\n"
          ".TP\n"
          ".I ${XDG_CACHE_HOME:\\-~/.cache}/learnkit/NAME\n"
          "datasets fetched by \\fBlearnkit fetch\\fR (or on first use)\n"
          ".TP\n"
          ".I ./datasets/NAME\n"
          "a dataset beside the current directory\n"
          ".TP\n.I ", out);
    roff(out, LK_DATADIR, strlen(LK_DATADIR), 0);
    fputs("/NAME\n"
          "the installed data directory: a system\\-wide copy of a dataset, searched\n"
          "before the user's cache\n"
          ".TP\n"
          ".I MODEL.lkm\n"
          "model files written by \\fB\\-o\\fR \\fIFILE\\fR and read by \\fBpredict\\fR,\n"
          "\\fBeval\\fR, \\fBinspect\\fR and \\fBmlp \\-\\-init\\-from\\fR: versioned,\n"
          "little\\-endian, checksummed, written to a temporary file and renamed\n",
          out);
}

static void program_page(FILE *out)
{
    header(out, "learnkit");
    fputs(".SH NAME\nlearnkit \\- ", out);
    /* The description's first sentence, as one line in lower case. */
    char name[256];
    snprintf(name, sizeof name, "%s", CLI_PROGRAM_ABOUT);
    for (char *c = name; *c; c++)
        *c = *c == '\n' ? ' ' : *c;
    name[0] = (char)tolower((unsigned char)name[0]);
    size_t n = strcspn(name, ",.");
    roff(out, name, n, 0);
    fputs("\n.SH SYNOPSIS\n", out);
    for (size_t k = 0; CLI_PROGRAM_SYNOPSIS[k]; k++) {
        fputs(k ? ".br\n.B learnkit\n" : ".B learnkit\n", out);
        roff_line(out, CLI_PROGRAM_SYNOPSIS[k]);
    }
    fputs(".SH DESCRIPTION\n", out);
    paragraphs(out, CLI_PROGRAM_ABOUT);
    fputs(DESCRIPTION, out);
    fputs(".SH COMMANDS\n", out);
    for (const cli_command *c = CLI_COMMANDS; c->name; c++) {
        fprintf(out, ".TP\n.B %s\n", c->name);
        roff(out, c->summary, strlen(c->summary), 1);
        fprintf(out, "; see\n.BR learnkit\\-%s (1).\n", c->name);
    }
    fputs(DATA, out);
    fputs(".SS \"Data options\"\n"
          "Accepted by every command that reads data.\n", out);
    for (const cli_opt *o = CLI_DATA_OPTS; o->kind != OPT_END; o++)
        option(out, o);
    fputs(".SH \"COMMON OPTIONS\"\n"
          "Accepted by every command; \\fB\\-o\\fR by those that train a model.\n", out);
    for (const cli_opt *o = CLI_COMMON_OPTS; o->kind != OPT_END; o++)
        option(out, o);
    for (const cli_opt *o = CLI_OUTPUT_OPTS; o->kind != OPT_END; o++)
        option(out, o);
    exit_status(out);
    fputs(ENVIRONMENT, out);
    files(out);
    fputs(EXAMPLES, out);
    fputs(".SH \"SEE ALSO\"\n", out);
    for (const cli_command *c = CLI_COMMANDS; c->name; c++)
        fprintf(out, ".BR learnkit\\-%s (1)%s\n", c->name, c[1].name ? "," : "");
}

/* ---------------------------------------------------------------- files */

static FILE *open_page(const char *dir, const char *page, char *path, size_t n)
{
    snprintf(path, n, "%s/%s.1", dir, page);
    FILE *f = fopen(path, "w");
    if (!f)
        cli_fail("%s: %s", path, strerror(errno));
    return f;
}

static int close_page(FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return cli_fail("%s: write failed", path);
    return 0;
}

int cli_man_write_all(const char *dir)
{
    char path[4096];
    FILE *f = open_page(dir, "learnkit", path, sizeof path);
    if (!f)
        return EXIT_FAILURE;
    program_page(f);
    if (close_page(f, path))
        return EXIT_FAILURE;
    for (const cli_command *c = CLI_COMMANDS; c->name; c++) {
        char page[80];
        snprintf(page, sizeof page, "learnkit-%s", c->name);
        if (!(f = open_page(dir, page, path, sizeof path)))
            return EXIT_FAILURE;
        int rc = cli_doc_command(c, command_page, f);
        if (close_page(f, path) || rc)
            return rc ? rc : EXIT_FAILURE;
    }
    return 0;
}
