#!/bin/sh
# cli_compare.sh — compare's lineup errors: exit 2 and one line, before any
# data is read; no partial plot is left.
. "${top_srcdir:-.}/tests/cli.sh.inc"

run 0 compare --help && out_has '^usage: learnkit compare' && out_has 'NAME\[:OPT=VALUE' \
    && out_has 'Default lineup'
run 2 compare --learners 'lsqq' && err_has "entry 1 'lsqq': unknown learner \(did you mean 'lsq'\?\)" \
    && err_lines 1
run 2 compare --learners 'lsq;;lsq' && err_has 'entry 2 is empty' && err_lines 1
run 2 compare --learners '' && err_has 'the list is empty' && err_lines 1
run 2 compare --learners 'lsq lsq' && err_has "same label 'lsq'" && err_lines 1
run 2 compare --repeat 0 && err_has -- '--repeat'
run 2 compare --learnrs lsq && err_has "did you mean --learners"
if "$LEARNKIT" lsq --help > /dev/null 2>&1; then
    run 2 compare --learners 'lsq:bogus=1' && err_has "entry 1 'lsq': unknown option 'bogus'" \
        && err_lines 1
    run 2 compare --plot "$TMPD/p.png" --learners 'lsq; lsq:label=x,oops' \
        && err_has "entry 2 'lsq'" && test ! -e "$TMPD/p.png"
fi
finish
