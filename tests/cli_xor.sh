#!/bin/sh
# cli_xor.sh — the built-in xor dataset and the lesson it teaches: no linear
# boundary separates it (the perceptron, or an mlp without a hidden layer,
# stays at 75% or below and says so), one hidden layer learns it.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# test_accuracy of the JSON in $TMPD/out is at most 0.75
acc_at_most_75() {
    checks=$((checks + 1))
    if ! grep -Eq '"test_accuracy": *(0(\.[0-6][0-9]*|\.7[0-5]?0*)?|0)(,|$)' "$TMPD/out"; then
        failures=$((failures + 1))
        echo "FAIL: test accuracy above 75%:"
        grep test_accuracy "$TMPD/out" | head -1 | sed 's/^/  stdout: /'
    fi
}

run 0 info xor && out_has 'xor'
run 0 perceptron --json -q --epochs 50 xor &&
    out_has '"dataset": *"xor"' && out_has '"n_train": *4' && out_has '"n_test": *4' &&
    out_has '"converged": *false' && out_has 'not separable' && acc_at_most_75
run 0 perceptron --averaged -q --epochs 50 xor && out_has 'not separable'
run 0 mlp --layers 2,2 --epochs 500 --lr 0.05 --json -q xor && acc_at_most_75
for seed in 1 2 3; do
    run 0 mlp --layers 2,4,2 --epochs 500 --lr 0.05 --seed $seed --json -q xor &&
        out_has '"test_accuracy": *1(\.0*)?,' && out_has '"train_accuracy": *1(\.0*)?,'
done
run 0 mlp --layers 2,4,2 --epochs 500 --lr 0.05 -q -o "$TMPD/xor.lkm" xor
run 0 predict -m "$TMPD/xor.lkm" xor && [ "$(tr '\n' ' ' < "$TMPD/out")" = "0 1 1 0 " ] ||
    { failures=$((failures + 1)); echo "FAIL: predictions on xor: $(tr '\n' ' ' < "$TMPD/out")"; }
finish
