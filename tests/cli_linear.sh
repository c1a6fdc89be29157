#!/bin/sh
# cli_linear.sh — learnkit logreg and perceptron on small CSV data: exit
# codes, one-line usage errors, the JSON keys, saved models.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# Two features, three classes by angle, labels as strings; a test file.
awk 'BEGIN { srand(7); for (i = 0; i < 150; i++) { c = i % 3; a = c * 2.1 + rand() - 0.5;
     printf "%s,%.4f,%.4f\n", (c == 0 ? "cat" : c == 1 ? "dog" : "eel"), cos(a) * 2.5, sin(a) * 2.5 } }' \
    > "$TMPD/train.csv"
awk 'BEGIN { srand(8); for (i = 0; i < 60; i++) { c = i % 3; a = c * 2.1 + rand() - 0.5;
     printf "%s,%.4f,%.4f\n", (c == 0 ? "cat" : c == 1 ? "dog" : "eel"), cos(a) * 2.5, sin(a) * 2.5 } }' \
    > "$TMPD/test.csv"
# Binary labels 3 and 7.
awk 'BEGIN { srand(9); for (i = 0; i < 80; i++) { c = i % 2; x = (c ? 1.5 : -1.5) + rand() - 0.5;
     printf "%d,%.4f,%.4f\n", (c ? 7 : 3), x, rand() } }' > "$TMPD/bin.csv"

run 0 logreg --help && out_has '^usage: learnkit logreg' && out_has -- '--solver'
run 0 perceptron --help && out_has '^usage: learnkit perceptron' && out_has -- '--averaged'
run 2 logreg --solver newton "$TMPD/train.csv" && err_has "unknown solver 'newton'" && err_lines 1
run 2 logreg --l2 -1 "$TMPD/train.csv" && err_lines 1
run 2 logreg --max-iter 0 "$TMPD/train.csv" && err_lines 1
run 2 perceptron --epochs 0 "$TMPD/train.csv" && err_lines 1
run 2 perceptron --averged "$TMPD/train.csv" && err_has "did you mean --averaged"

run 0 logreg --json -q --test "$TMPD/test.csv" -o "$TMPD/lr.lkm" "$TMPD/train.csv" &&
    out_has '"command": *"logreg"' && out_has '"test_accuracy": *(0\.9|1)' &&
    out_has '"history"' && out_has '"iterations"' && out_has '"grad_norm"' && out_has '"final_loss"'
run 0 inspect "$TMPD/lr.lkm" && out_has 'logreg'
run 0 logreg --solver adam --max-iter 30 --lr 0.05 --json -q --test "$TMPD/test.csv" "$TMPD/train.csv" &&
    out_has '"solver": *"adam"' && out_has '"test_accuracy": *(0\.9|1)'
run 0 logreg "$TMPD/bin.csv" && out_has 'test accuracy' && out_has 'iterations, final loss'
run 0 logreg --seed 3 "$TMPD/train.csv" && err_has 'iteration 1 '

run 0 perceptron --json -q --test "$TMPD/test.csv" -o "$TMPD/p.lkm" "$TMPD/train.csv" &&
    out_has '"model": *"perceptron"' && out_has '"updates"' && out_has '"history"'
run 0 inspect "$TMPD/p.lkm" && out_has 'perceptron'
run 0 perceptron --averaged --epochs 5 "$TMPD/bin.csv" && out_has 'test accuracy' && err_has 'epoch 1 '
run 1 logreg -q -o "$TMPD/nodir/m.lkm" "$TMPD/train.csv" && err_lines 1 && no_file "$TMPD/nodir/m.lkm"
finish
