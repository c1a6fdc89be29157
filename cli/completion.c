/* completion.c — the bash completion script: commands, each command's
 * options, the values of options whose argument is a closed set, file and
 * directory names, dataset names.  Everything comes from the command table,
 * the option tables that print --help and the library's name tables; the
 * argument names of the tables ("csv|libsvm|idx", "ACT", "FILE", "DIR")
 * say what an option takes. */
#include <string.h>
#include <learnkit.h>
#include "doc.h"

/* What the word after an option, or a positional word, may be. */
typedef enum value_kind {
    VALUE_ANY,         /* a number or free text: nothing to offer */
    VALUE_WORDS,       /* one of the lowercase words of "a|b|X" */
    VALUE_ACT,         /* an activation name */
    VALUE_ACT_LIST,    /* activation names separated by commas */
    VALUE_FILE,
    VALUE_PNG,         /* a file, *.png offered */
    VALUE_DIR,
    VALUE_DATA,        /* DATA: a dataset name, a directory or a file */
    VALUE_DATASET,     /* a dataset name */
    VALUE_NONE         /* no positional argument */
} value_kind;

static value_kind kind_of_arg(const char *arg)
{
    if (strncmp(arg, "ACT", 3) == 0)
        return strchr(arg, ',') ? VALUE_ACT_LIST : VALUE_ACT;
    if (strchr(arg, '|'))
        return VALUE_WORDS;
    size_t n = strlen(arg);
    if (n >= 4 && strcmp(arg + n - 4, ".png") == 0)
        return VALUE_PNG;
    if (strstr(arg, "FILE") || strstr(arg, "MODEL"))
        return VALUE_FILE;
    if (strcmp(arg, "DIR") == 0)
        return VALUE_DIR;
    if (strcmp(arg, "DATA") == 0)
        return VALUE_DATA;
    if (strcmp(arg, "NAME") == 0)
        return VALUE_DATASET;
    return VALUE_ANY;
}

/* The words of "auto|he|glorot" or "X|auto" that are values rather than
 * placeholders (those start with a lowercase letter). */
static void words(FILE *out, const char *arg)
{
    int first = 1;
    for (const char *p = arg; *p;) {
        size_t n = strcspn(p, "|");
        if (n > 0 && *p >= 'a' && *p <= 'z') {
            fprintf(out, "%s%.*s", first ? "" : " ", (int)n, p);
            first = 0;
        }
        p += n + (p[n] == '|');
    }
}

/* The positional argument of a usage line: the first word that is neither
 * an option, an option's argument nor [OPTIONS]. */
static value_kind positional(const char *usage)
{
    int takes_arg = 0;
    for (const char *p = usage; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        char word[64];
        size_t skip = strspn(p, "[(");
        size_t len = n - skip;
        while (len > 0 && strchr("])", p[skip + len - 1]))
            len--;
        snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), p + skip);
        int closed = n > 0 && strchr("])", p[n - 1]) != NULL;
        if (takes_arg) {
            takes_arg = 0;
        } else if (word[0] == '-') {
            takes_arg = !closed;
        } else if (word[0] && strcmp(word, "|") != 0 && strcmp(word, "OPTIONS") != 0) {
            value_kind k = kind_of_arg(word);
            return k == VALUE_ANY ? VALUE_FILE : k;
        }
        p += n;
    }
    return VALUE_NONE;
}

static const char *const ACTION[] = {
    [VALUE_ANY] = ":",
    [VALUE_ACT] = "_learnkit_words \"$_learnkit_activations\" \"$cur\"",
    [VALUE_ACT_LIST] = "_learnkit_list \"$_learnkit_activations\" \"$cur\"",
    [VALUE_FILE] = "_learnkit_files \"$cur\"",
    [VALUE_PNG] = "_learnkit_files \"$cur\" '*.png'",
    [VALUE_DIR] = "_learnkit_dirs \"$cur\"",
    [VALUE_DATA] = "_learnkit_data \"$cur\"",
    [VALUE_DATASET] = "_learnkit_words \"$_learnkit_datasets\" \"$cur\"",
    [VALUE_NONE] = ":",
};

/* Whether an earlier option of the tables already has this long or short
 * name (the first one wins, as in cli_parse). */
static int seen(const cli_opt *const *tables, const cli_opt *o, int is_short)
{
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *q = tables[t]; q->kind != OPT_END; q++) {
            if (q == o)
                return 0;
            if (is_short ? q->short_name == o->short_name : strcmp(q->name, o->name) == 0)
                return 1;
        }
    return 0;
}

/* o's names not taken by an earlier option, after sep and joined by join
 * ("--model|-m" for a case pattern); 0 when both are taken. */
static int names(FILE *out, const cli_opt *const *tables, const cli_opt *o, const char *sep,
                 const char *join)
{
    int lng = !seen(tables, o, 0), shrt = o->short_name && !seen(tables, o, 1);
    if (lng)
        fprintf(out, "%s--%s", sep, o->name);
    if (shrt)
        fprintf(out, "%s-%c", lng ? join : sep, o->short_name);
    return lng || shrt;
}

/* A cli_doc_fn: the case arm of one command.  Options whose value is free
 * text share one arm that offers nothing (so no file names after --lr). */
static void command_arm(FILE *out, const char *cmd, const char *usage, const char *about,
                        const cli_opt *const *tables)
{
    fprintf(out, "    %s)\n        opts='", cmd);
    const char *sep = "";
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++)
            if (names(out, tables, o, sep, " "))
                sep = " ";
    fputs("'\n        case $prev in\n", out);
    sep = "            ";
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++) {
            if (o->kind == OPT_FLAG || !o->arg)
                continue;
            value_kind k = kind_of_arg(o->arg);
            if (k == VALUE_ANY || !names(out, tables, o, "            ", "|"))
                continue;
            if (k == VALUE_WORDS) {
                fputs(") _learnkit_words '", out);
                words(out, o->arg);
                fputs("' \"$cur\"", out);
            } else {
                fprintf(out, ") %s", ACTION[k]);
            }
            fputs("; return 0 ;;\n", out);
        }
    for (size_t t = 0; tables[t]; t++)
        for (const cli_opt *o = tables[t]; o->kind != OPT_END; o++)
            if (o->kind != OPT_FLAG && o->arg && kind_of_arg(o->arg) == VALUE_ANY &&
                names(out, tables, o, sep, "|"))
                sep = "|";
    if (*sep == '|')
        fputs(") return 0 ;;\n", out);
    fprintf(out, "        esac\n        [[ $cur == -* ]] && { _learnkit_words \"$opts\" \"$cur\"; "
                 "return 0; }\n        %s; return 0 ;;\n", ACTION[positional(usage)]);
}

static const char HELPERS[] =
    "# The words of $1 that start with $2.\n"
    "_learnkit_words()\n"
    "{\n"
    "    local IFS=$' \\t\\n'\n"
    "    COMPREPLY=($(compgen -W \"$1\" -- \"$2\"))\n"
    "}\n"
    "\n"
    "# A comma-separated list of words of $1: complete the element after the\n"
    "# last comma of $2.\n"
    "_learnkit_list()\n"
    "{\n"
    "    local IFS=$' \\t\\n' head=\n"
    "    [[ $2 == *,* ]] && head=${2%,*},\n"
    "    COMPREPLY=($(compgen -P \"$head\" -W \"$1\" -- \"${2##*,}\"))\n"
    "}\n"
    "\n"
    "# File names starting with $1 (only those matching the pattern $2, and\n"
    "# directories, when it is given).\n"
    "_learnkit_files()\n"
    "{\n"
    "    local IFS=$'\\n'\n"
    "    compopt -o filenames 2> /dev/null\n"
    "    if [[ -n $2 ]]; then\n"
    "        COMPREPLY=($(compgen -f -X \"!$2\" -- \"$1\") $(compgen -d -- \"$1\"))\n"
    "    else\n"
    "        COMPREPLY=($(compgen -f -- \"$1\"))\n"
    "    fi\n"
    "}\n"
    "\n"
    "_learnkit_dirs()\n"
    "{\n"
    "    local IFS=$'\\n'\n"
    "    compopt -o filenames 2> /dev/null\n"
    "    COMPREPLY=($(compgen -d -- \"$1\"))\n"
    "}\n"
    "\n"
    "# DATA: a dataset name, a directory or a file.\n"
    "_learnkit_data()\n"
    "{\n"
    "    _learnkit_words \"$_learnkit_datasets\" \"$1\"\n"
    "    local names=(\"${COMPREPLY[@]}\")\n"
    "    _learnkit_files \"$1\"\n"
    "    COMPREPLY=(\"${names[@]}\" \"${COMPREPLY[@]}\")\n"
    "}\n"
    "\n"
    "_learnkit()\n"
    "{\n"
    "    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=${COMP_WORDS[1]} opts=\n"
    "    COMPREPLY=()\n"
    "    (( COMP_CWORD >= 1 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
    "    # --option=value: bash splits at '=' (COMP_WORDBREAKS), or leaves it\n"
    "    # in one word.\n"
    "    if [[ $cur == = && $prev == -* ]]; then\n"
    "        cur=\n"
    "    elif [[ $prev == = ]] && (( COMP_CWORD >= 2 )); then\n"
    "        prev=${COMP_WORDS[COMP_CWORD-2]}\n"
    "    elif [[ $cur == --*=* ]]; then\n"
    "        prev=${cur%%=*} cur=${cur#*=}\n"
    "    fi\n"
    "    if (( COMP_CWORD <= 1 )); then\n"
    "        _learnkit_words \"$_learnkit_commands --help --version\" \"$cur\"\n"
    "        return 0\n"
    "    fi\n"
    "    case $cmd in\n";

int cli_completion_write(FILE *out)
{
    fputs("# bash completion for learnkit(1): made by 'learnkit --dump-completion'\n"
          "# from the option tables that print 'learnkit COMMAND --help'.\n\n"
          "_learnkit_commands='", out);
    for (const cli_command *c = CLI_COMMANDS; c->name; c++)
        fprintf(out, "%s%s", c == CLI_COMMANDS ? "" : " ", c->name);
    fputs("'\n_learnkit_activations='", out);
    for (int k = 0; k < LK_ACT_COUNT; k++)
        fprintf(out, "%s%s", k ? " " : "", lk_act_name((lk_act_kind)k));
    fputs("'\n_learnkit_datasets='", out);
    const char *const *names = lk_data_names();
    for (size_t k = 0; names[k]; k++)
        fprintf(out, "%s%s", k ? " " : "", names[k]);
    fputs("'\n\n", out);
    fputs(HELPERS, out);
    int rc = 0;
    for (const cli_command *c = CLI_COMMANDS; c->name && rc == 0; c++)
        rc = cli_doc_command(c, command_arm, out);
    fputs("    esac\n"
          "    return 0\n"
          "}\n"
          "complete -F _learnkit learnkit\n", out);
    if (fflush(out) != 0 || ferror(out))
        return cli_fail("--dump-completion: write failed");
    return rc;
}
