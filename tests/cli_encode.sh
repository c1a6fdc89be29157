#!/bin/sh
# cli_encode.sh — `learnkit encode` and `learnkit score` on a small CSV set:
# one output row per input row in order with the label first, codes that
# feed another learner, scores whose mean is the test_mse training reported,
# the ROC AUC of an outlying class, and one-line refusals.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# Classes 0 and 1: the first four features high for 0, the last four for 1;
# class 9 (the outliers) is uniform noise over all eight.
awk 'BEGIN { srand(11); for (i = 0; i < 200; i++) { c = i % 2; printf "%d", c;
     for (j = 0; j < 8; j++) printf ",%.4f", ((j < 4) == (c == 0)) * 0.7 + 0.3 * rand();
     printf "\n" } }' > "$TMPD/tr.csv"
awk 'BEGIN { srand(12); for (i = 0; i < 60; i++) { c = i % 3; if (c == 2) { printf "9";
     for (j = 0; j < 8; j++) printf ",%.4f", rand() } else { printf "%d", c;
     for (j = 0; j < 8; j++) printf ",%.4f", ((j < 4) == (c == 0)) * 0.7 + 0.3 * rand() }
     printf "\n" } }' > "$TMPD/te.csv"
num() { sed -n "s/.*\"$1\": *\([0-9.e-]*\).*/\1/p" "$TMPD/out" | head -1; }
# check COND MESSAGE: an awk condition on variables passed before it
check() {
    checks=$((checks + 1))
    if ! awk "BEGIN { exit !($1) }"; then
        failures=$((failures + 1))
        echo "FAIL: $2"
    fi
}

run 0 encode --help && out_has '^usage: learnkit encode' && out_has -- '--to'
run 0 score --help && out_has '^usage: learnkit score' && out_has -- '--anomaly'
run 0 --help && out_has 'encode' && out_has 'score'

run 0 ae --hidden 3 --scale unit --epochs 40 --batch 10 --lr 0.02 --json -q --threads 1 \
    --test "$TMPD/te.csv" -o "$TMPD/bp.lkm" "$TMPD/tr.csv"
mse=$(num test_mse)

# encode: a file is read whole, rows in order, label first, 3 codes each.
run 0 encode -m "$TMPD/bp.lkm" --threads 1 "$TMPD/te.csv" && out_has '^9,'
check "$(wc -l < "$TMPD/out") == 60" "encode printed $(wc -l < "$TMPD/out") rows for 60"
check "\"$(cut -d, -f1 "$TMPD/out" | tr -d '\n')\" == \"$(cut -d, -f1 "$TMPD/te.csv" | tr -d '\n')\"" \
    "encode changed the order or the labels of the rows"
check "$(awk -F, 'NF != 4' "$TMPD/out" | wc -l) == 0" "encode rows are not label + 3 codes"
# The codes of the training rows train a classifier.
run 0 encode -m "$TMPD/bp.lkm" -q -o "$TMPD/codes.csv" "$TMPD/tr.csv" && [ ! -s "$TMPD/out" ] ||
    { failures=$((failures + 1)); echo "FAIL: encode -o printed on stdout"; }
run 0 logreg --json -q "$TMPD/codes.csv" && check "$(num test_accuracy) >= 0.95" \
    "logreg on the codes: $(num test_accuracy)"
run 0 encode -m "$TMPD/bp.lkm" --to libsvm "$TMPD/te.csv" && out_has '^9 1:[0-9.e-]+ 2:'
run 0 encode -m "$TMPD/bp.lkm" -q -o "$TMPD/codes.svm" "$TMPD/te.csv" &&
    check "$(grep -c ' 1:' "$TMPD/codes.svm") == 60" "-o codes.svm is not LIBSVM"

# score: one line per row; their mean is the training run's test_mse; the
# noise rows score higher than the others.
run 0 score -m "$TMPD/bp.lkm" --threads 1 --test "$TMPD/te.csv" "$TMPD/tr.csv"
check "$(wc -l < "$TMPD/out") == 60" "score printed $(wc -l < "$TMPD/out") lines for 60 rows"
mean=$(awk '{ s += $1 } END { printf "%.9g", s / NR }' "$TMPD/out")
check "($mean - $mse) ^ 2 < (1e-5 * $mse) ^ 2" "mean score $mean, test_mse $mse"
run 0 score -m "$TMPD/bp.lkm" --anomaly 9 -q "$TMPD/te.csv" && err_has 'ROC AUC (0\.9[0-9]*|1\.0000) for label .9. \(20 of 60 rows\)'
run 0 score -m "$TMPD/bp.lkm" --anomaly 9 --json "$TMPD/te.csv" && out_has '"anomalies": 20' &&
    check "$(num roc_auc) >= 0.9" "AUC $(num roc_auc)" && out_has '"scores": \['
run 0 score -m "$TMPD/bp.lkm" -o "$TMPD/s.txt" "$TMPD/te.csv" &&
    check "$(wc -l < "$TMPD/s.txt") == 60" "score -o wrote $(wc -l < "$TMPD/s.txt") lines"

# Closed-form stacks: mda scores, elm encodes but has no reconstruction.
run 0 ae --solver mda --noise 0.3 -q -o "$TMPD/mda.lkm" "$TMPD/tr.csv"
run 0 score -m "$TMPD/mda.lkm" --anomaly 9 "$TMPD/te.csv" && err_has 'ROC AUC'
run 0 ae --solver elm --hidden 5 -q -o "$TMPD/elm.lkm" "$TMPD/tr.csv"
run 0 encode -m "$TMPD/elm.lkm" "$TMPD/te.csv" && out_has '^9(,[-0-9.e]+){5}$'
run 1 score -m "$TMPD/elm.lkm" "$TMPD/te.csv" && err_has 'elm.lkm: .*ELM autoencoder keeps no decoder' &&
    err_lines 1
# A stack of two backprop layers.
run 0 ae --hidden 5,3 --epochs 5 -q -o "$TMPD/st.lkm" "$TMPD/tr.csv"
run 0 encode -m "$TMPD/st.lkm" "$TMPD/te.csv" && out_has '^9(,[-0-9.e]+){3}$'
run 0 score -m "$TMPD/st.lkm" "$TMPD/te.csv" && out_has '^[0-9.e-]+$'

# Refusals: one line each.
run 2 encode "$TMPD/te.csv" && err_has 'required' && err_lines 1
run 2 encode -m "$TMPD/bp.lkm" --to json "$TMPD/te.csv" && err_has 'csv or libsvm' && err_lines 1
run 2 score -m "$TMPD/bp.lkm" --json -o "$TMPD/x.txt" "$TMPD/te.csv" && err_lines 1
run 0 mlp --hidden 4 --epochs 1 -q -o "$TMPD/mlp.lkm" "$TMPD/tr.csv"
run 1 encode -m "$TMPD/mlp.lkm" "$TMPD/te.csv" && err_has "mlp.lkm:kind: expected a model of kind 'ae', found 'mlp'" && err_lines 1
run 1 score -m "$TMPD/bp.lkm" --anomaly 7 "$TMPD/te.csv" && err_has "no row has the label '7'" &&
    err_lines 1
run 1 encode -m "$TMPD/bp.lkm" xor && err_has 'expects 8 features' && err_lines 1
run 1 encode -m "$TMPD/bp.lkm" -o "$TMPD/nodir/c.csv" "$TMPD/te.csv" && err_lines 1 &&
    no_file "$TMPD/nodir/c.csv"
finish
