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

# Every learner of the default lineup runs (none silently skipped as "not in
# this build"), and each reports its family: ae's depends on its solver.
awk 'BEGIN { srand(5); for (i = 0; i < 90; i++) { c = i % 3;
      printf "%d,%.4f,%.4f,%.4f,%.4f\n", c, (c==0)*2 + rand(), (c==1)*2 + rand(), (c==2)*2 + rand(), rand() } }' \
    > "$TMPD/blobs.csv"
run 0 compare --threads 1 --json --plot "$TMPD/c.png" --learners 'lsq; elm:hidden=8; perceptron;
    logreg; mlp:hidden=5,epochs=2; ae:solver=mda,noise=0.5,classify,label=mda;
    ae:solver=elm,hidden=6,classify,label=aelm; ae:hidden=4,tied,noise=0.3,epochs=2,classify,label=dae' \
    "$TMPD/blobs.csv" && test -s "$TMPD/c.png" && ! grep -q 'not in this build' "$TMPD/err" &&
    tr -d ' \n' < "$TMPD/out" > "$TMPD/flat" &&
    grep -q '"learner":"mlp","label":"mlp-4-5-3","family":"iterative"' "$TMPD/flat" &&
    grep -q '"label":"mda","family":"closed-form"' "$TMPD/flat" &&
    grep -q '"label":"aelm","family":"closed-form"' "$TMPD/flat" &&
    grep -q '"label":"dae","family":"iterative"' "$TMPD/flat" &&
    grep -q '"label":"lsq","family":"closed-form"' "$TMPD/flat" ||
    { failures=$((failures + 1)); echo "FAIL: the mixed lineup did not run whole"; cat "$TMPD/err"; }
checks=$((checks + 1))
finish
