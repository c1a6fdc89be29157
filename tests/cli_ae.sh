#!/bin/sh
# cli_ae.sh — `learnkit ae -o` on small CSV sets: the saved stack is
# described by inspect, classifies through predict and eval with the test
# accuracy the training run reported (with --classify) or is refused
# (without), and starts an MLP through `mlp --init-from`; damaged files and
# mismatched sizes are refused with one line.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# Three overlapping classes in 8 features (labels first): train and test.
blobs() {
    awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++) { c = i % 3;
          printf "%d", c; for (j = 0; j < 8; j++) printf ",%.4f", (j % 3 == c) * 0.8 + rand();
          printf "\n" } }'
}
blobs 150 7 > "$TMPD/tr.csv"
blobs 60 8 > "$TMPD/te.csv"
D="$TMPD/tr.csv"
T="--test $TMPD/te.csv"
# num KEY: the number after "KEY": in the JSON on stdout
num() { sed -n "s/.*\"$1\": *\([0-9.e-]*\).*/\1/p" "$TMPD/out" | head -1; }
# same_acc A B: two accuracies are the same number
same_acc() {
    checks=$((checks + 1))
    if ! awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; then
        failures=$((failures + 1))
        echo "FAIL: accuracy $2 after loading, $1 at training"
    fi
}

run 0 ae --help && out_has -- '-o FILE'
# Backprop stack with a classifier: saved, inspected, evaluated, predicted.
run 0 ae --hidden 6,4 --tied --noise 0.1 --epochs 30 --batch 10 --lr 0.01 --classify --json -q \
    --threads 1 -o "$TMPD/bp.lkm" $T "$D" && out_has '"model": "ae"'
acc=$(num test_accuracy)
run 0 inspect "$TMPD/bp.lkm" && out_has 'kind ae' && out_has 'arch.solver +backprop' &&
    out_has 'enc.arch.activations +2: sigmoid sigmoid' && out_has 'enc.w.0 +6 x 8' &&
    out_has 'dec.0.tied +1' && out_has 'dec.1.b +1 x 6' && out_has 'clf.w.0 +3 x 4' &&
    out_has 'labels +3: 0 1 2'
run 0 eval -m "$TMPD/bp.lkm" --json --threads 1 $T "$D" && same_acc "$acc" "$(num accuracy)"
run 0 predict -m "$TMPD/bp.lkm" "$TMPD/te.csv" && out_has '^[012]$'
checks=$((checks + 1))
[ "$(wc -l < "$TMPD/out")" -eq 60 ] || { failures=$((failures + 1)); echo "FAIL: not 60 predictions"; }
run 0 predict -m "$TMPD/bp.lkm" --proba "$TMPD/te.csv" && out_has '^0,1,2$'

# Closed-form stacks save too.
run 0 ae --solver elm --hidden 7 --classify --json -q --threads 1 -o "$TMPD/elm.lkm" $T "$D" &&
    out_has '"classifier_iterations": [1-9]' && out_has '"classifier_seconds"' &&
    out_has '"encode_seconds"' && out_has '"gflop": [0-9.]*[1-9]' &&
    out_has 'softmax on the codes: training rows encoded in [0-9.]+ s, then [0-9]+ L-BFGS iterations \((converged|no further progress)\)'
acc=$(num test_accuracy)
run 0 eval -m "$TMPD/elm.lkm" --json $T "$D" && same_acc "$acc" "$(num accuracy)"
# Without a classifier the last layer's training codes are not computed.
run 0 ae --solver elm --hidden 7 --json -q --threads 1 $T "$D" &&
    out_lacks '"encode_seconds"' && out_has '"test_accuracy": null'
run 0 ae --solver mda --noise 0.3 --hidden 8,8 --classify --json -q --threads 1 \
    -o "$TMPD/mda.lkm" $T "$D"
acc=$(num test_accuracy)
run 0 eval -m "$TMPD/mda.lkm" --json $T "$D" && same_acc "$acc" "$(num accuracy)"
run 0 inspect "$TMPD/mda.lkm" && out_has 'arch.solver +mda' && out_has 'tanh tanh'

# Without --classify there is nothing to predict with.
run 0 ae --hidden 5 --epochs 2 -q --threads 1 -o "$TMPD/plain.lkm" "$D"
run 1 predict -m "$TMPD/plain.lkm" "$TMPD/te.csv" &&
    err_has "^learnkit: .*plain.lkm: this autoencoder has no classifier, so it cannot predict classes \(train it with 'learnkit ae --classify'\)$" &&
    err_lines 1
run 1 eval -m "$TMPD/plain.lkm" "$TMPD/te.csv" && err_has 'has no classifier' && err_lines 1

# Damaged files: refused, one line, exit 1.
head -c 400 "$TMPD/bp.lkm" > "$TMPD/cut.lkm"
run 1 predict -m "$TMPD/cut.lkm" "$TMPD/te.csv" && err_lines 1
run 1 mlp --init-from "$TMPD/cut.lkm" -q "$D" && err_has 'cut.lkm' && err_lines 1
run 1 inspect "$TMPD/cut.lkm" && err_lines 1

# Pretrain, then fine-tune.
run 0 mlp --init-from "$TMPD/bp.lkm" --epochs 2 --json -q --threads 1 "$D" &&
    tr -d ' \n' < "$TMPD/out" > "$TMPD/flat" && mv "$TMPD/flat" "$TMPD/out" &&
    out_has '"layers":\[8,6,4,3\]' && out_has '"activations":\["sigmoid","sigmoid","softmax"\]' &&
    out_has '"init_from":"[^"]*bp.lkm"'
run 0 mlp --init-from "$TMPD/bp.lkm" --hidden 6,4,5 --epochs 1 --json -q "$D" &&
    tr -d ' \n' < "$TMPD/out" > "$TMPD/flat" && mv "$TMPD/flat" "$TMPD/out" &&
    out_has '"activations":\["sigmoid","sigmoid","relu","softmax"\]'
run 0 mlp --init-from "$TMPD/mda.lkm" --epochs 1 --json -q "$D" &&
    tr -d ' \n' < "$TMPD/out" > "$TMPD/flat" && mv "$TMPD/flat" "$TMPD/out" &&
    out_has '"layers":\[8,8,8,3\]' && out_has '"activations":\["tanh","tanh","softmax"\]'
run 0 mlp --init-from "$TMPD/elm.lkm" --epochs 1 -q "$D"
# The scaling fitted on other rows (here the holdout split) is worth a notice.
run 0 mlp --init-from "$TMPD/bp.lkm" --epochs 1 "$D" && err_has "other 'standard' statistics"
run 0 mlp --init-from "$TMPD/bp.lkm" --epochs 1 $T "$D"
checks=$((checks + 1))
if grep -q statistics "$TMPD/err"; then
    failures=$((failures + 1))
    echo "FAIL: a notice although the statistics are the same"
fi
run 2 mlp --init-from "$TMPD/bp.lkm" --hidden 6,5 -q "$D" &&
    err_has '^learnkit: --init-from .*bp.lkm: hidden layer 2 has 5 units, but encoder layer 2 has 4$' &&
    err_lines 1
run 2 mlp --init-from "$TMPD/bp.lkm" --layers 8,6,3 "$D" && err_has '2 encoder layers, but the network has only 1 hidden'
run 2 mlp --init-from "$TMPD/bp.lkm" --activation relu "$D" &&
    err_has 'hidden layer 1 has activation relu, but encoder layer 1 has sigmoid'
run 0 mlp --hidden 4 --epochs 1 -q -o "$TMPD/mlp.lkm" "$D"
run 1 mlp --init-from "$TMPD/mlp.lkm" "$D" && err_has "mlp.lkm:kind: expected a model of kind 'ae', found 'mlp'$"
cut -d, -f1-5 "$D" > "$TMPD/narrow.csv"
run 1 mlp --init-from "$TMPD/bp.lkm" -q "$TMPD/narrow.csv" &&
    err_has 'the encoders take 8 features, the data has 4'
run 1 mlp --init-from "$TMPD/bp.lkm" --scale none -q "$D" && err_has "scaled 'standard'"
run 1 mlp --init-from "$TMPD/none.lkm" -q "$D" && err_has 'none.lkm' && err_lines 1

# An encoder activation the decoder's loss cannot use.
run 2 ae --activation prelu "$D" && err_has 'PReLU'
run 2 ae --activation softmax "$D" && err_has 'softmax'
finish
