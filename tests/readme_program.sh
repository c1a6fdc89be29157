#!/bin/sh
# readme_program.sh — the README's two-learner program, built from the
# README's text: on a small CSV set it writes an ELM and an MLP model that
# load, say what they are and classify the test rows well.
. "${top_srcdir:-.}/tests/cli.sh.inc"
prog="$(cd "${top_builddir:-.}/tests" && pwd)/two_learners"
DD="$(cd "${top_srcdir:-.}/tests/data" && pwd)"
checks=$((checks + 1))
if ! (cd "$TMPD" && "$prog" "$DD/iris-train.csv" > out 2> err); then
    failures=$((failures + 1))
    echo "FAIL: two_learners on iris-train.csv"
    sed 's/^/  /' "$TMPD/err"
fi
for kind in elm mlp; do
    run 0 inspect "$TMPD/$kind.lkm" && out_has "kind $kind"
    run 0 eval -m "$TMPD/$kind.lkm" --test "$DD/iris-test.csv" "$DD/iris-train.csv" &&
        out_has 'accuracy +(9[0-9]|100)\.'
done
finish
