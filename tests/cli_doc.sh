#!/bin/sh
# cli_doc.sh — the man pages and the bash completion the build made from
# the option tables: a page for the program and for every command, each
# with every option its --help prints, free of groff warnings and rendered
# by man; completion of commands, options, option values, files and
# dataset names, and for every command exactly the options of its --help.
. "${top_srcdir:-.}/tests/cli.sh.inc"
build=$(cd "${top_builddir:-.}" && pwd)
man_dir=$build/man
completion=$build/completion/learnkit

run 2 --dump-man && err_has '^learnkit: --dump-man: expected one directory$'
run 1 --dump-man "$TMPD/missing" && err_has "^learnkit: $TMPD/missing/learnkit.1: "
run 2 --dump-completion extra && err_has 'expected no argument'

commands=$(commands)
[ -n "$commands" ] || fail "no commands in learnkit --help"

# The long options a command's --help lists.
help_opts() {
    "$LEARNKIT" "$1" --help | sed -n '/^options:/,$ s/^  \(-[a-z], \)\{0,1\} *--\([a-zA-Z0-9-]*\).*/--\2/p' |
        sort -u
}

# ---------------------------------------------------------------- man pages
if command -v groff > /dev/null 2>&1 && command -v man > /dev/null 2>&1; then
    for page in learnkit $(for c in $commands; do echo "learnkit-$c"; done); do
        f=$man_dir/$page.1
        checks=$((checks + 1))
        if [ ! -f "$f" ]; then
            fail "no man page $f"
            continue
        fi
        man_clean "$f"
        checks=$((checks + 1))
        grep -q "^NAME" "$TMPD/man" && grep -q "^       $page - " "$TMPD/man" ||
            fail "man -l $page.1 does not render its NAME section"
    done
    for c in $commands; do
        MANWIDTH=200 man -l "$man_dir/learnkit-$c.1" > "$TMPD/man" 2>&1
        for o in $(help_opts "$c"); do
            checks=$((checks + 1))
            grep -Eq -- "^ +(-[a-zA-Z], )?$o( |\$)" "$TMPD/man" || fail "learnkit-$c.1 lacks $o"
        done
    done
    MANWIDTH=80 man -l "$man_dir/learnkit.1" > "$TMPD/man" 2>&1
    for section in SYNOPSIS COMMANDS DATA 'EXIT STATUS' ENVIRONMENT FILES EXAMPLES 'SEE ALSO'; do
        checks=$((checks + 1))
        grep -q "^$section\$" "$TMPD/man" || fail "learnkit.1 has no $section section"
    done
    for word in LEARNKIT_DATA XDG_CACHE_HOME $commands; do
        checks=$((checks + 1))
        grep -q -- "$word" "$TMPD/man" || fail "learnkit.1 does not mention $word"
    done
else
    echo "SKIP: the man page checks need groff and man (Debian: groff-base, man-db)"
fi

# ---------------------------------------------------------------- completion
# complete WORDS...: what _learnkit offers for the last word, sorted, one line
mkdir "$TMPD/files" && cd "$TMPD/files" || exit 1
mkdir sub && : > train.csv && : > model.lkm && : > pic.png
complete() {
    bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _learnkit
             (( ${#COMPREPLY[@]} )) && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$completion" "$@"
}
# offers EXPECTED WORDS...: the completion is exactly EXPECTED (sorted)
offers() {
    want=$1; shift
    checks=$((checks + 1))
    got=$(complete "$@")
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', expected '$want'"
}
# offers_all EXPECTED WORDS...: the completion includes every word of EXPECTED
offers_all() {
    want=$1; shift
    got=" $(complete "$@")"
    for w in $want; do
        checks=$((checks + 1))
        case $got in *" $w "*) ;; *) fail "completing '$*': '$w' not in '$got'" ;; esac
    done
}

offers_all "$commands --help --version" learnkit ''
offers 'elm ' learnkit el
offers '--solver ' learnkit elm --so
offers 'auto ridge svd ' learnkit elm --solver ''
offers 'gaussian uniform ' learnkit elm --weights ''
offers 'relu ' learnkit mlp --activation re
offers 'relu,tanh ' learnkit mlp --activation relu,ta
offers 'leakyrelu ' learnkit elm --activation l
offers 'elu ' learnkit elm --activation el
offers 'sigmoid softmax softplus ' learnkit mlp --output s
offers 'bce mse perceptron softmax-ce ' learnkit mlp --loss ''
offers 'bce mse ' learnkit ae --loss ''
offers 'adam momentum sgd ' learnkit mlp --optimizer ''
offers 'adam ' learnkit mlp --optimizer = a
offers 'adam ' learnkit mlp --optimizer=a
offers 'backprop elm mda ' learnkit ae --solver ''
offers 'adam lbfgs ' learnkit logreg --solver ''
offers 'csv idx libsvm ' learnkit info --format ''
offers 'none standard unit ' learnkit lsq --scale ''
offers 'auto no yes ' learnkit predict --header ''
offers 'first last ' learnkit elm --label-col ''
offers 'auto ' learnkit lsq --C a
offers '' learnkit elm --hidden ''
offers '' learnkit mlp --lr ''
offers 'mnist model.lkm pic.png sub train.csv ' learnkit elm ''
offers 'mnist ' learnkit perceptron mn
offers 'train.csv ' learnkit logreg --test tr
offers 'model.lkm pic.png sub train.csv ' learnkit predict -m ''
offers 'model.lkm ' learnkit eval --model mo
offers 'model.lkm ' learnkit inspect m
offers 'model.lkm ' learnkit mlp --init-from m
offers 'model.lkm ' learnkit elm -o mo
offers 'pic.png sub ' learnkit ae --filters ''
offers 'sub ' learnkit fetch --from ''
offers 'mnist ' learnkit fetch ''
offers '--header --help --holdout ' learnkit info --h
offers '-q ' learnkit fetch -q
offers '' learnkit nosuchcommand ''

# Every command completes exactly the long options of its --help.
for c in $commands; do
    checks=$((checks + 1))
    want=$(help_opts "$c" | tr '\n' ' ')
    got=$(complete learnkit "$c" -- | tr ' ' '\n' | grep -- '^--' | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "completing 'learnkit $c --': got '$got', expected '$want'"
done

checks=$((checks + 1))
got=$(bash -c '. "$0"; complete -p learnkit' "$completion")
[ "$got" = "complete -F _learnkit learnkit" ] || fail "complete -p learnkit: '$got'"

finish
