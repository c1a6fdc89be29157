#!/bin/sh
# cli_ae_mnist.sh — the closed-form autoencoders' codes on MNIST, through
# `learnkit ae --classify` with the defaults a user gets.  Thresholds are the
# targets: a softmax on the codes of a 500-unit ELM autoencoder at least
# 94.3% test accuracy, on the codes of a one-layer mDA (p = 0.5) at least
# 92.7%.  About a minute, most of it the classifiers' L-BFGS.  Skips (77) when MNIST is not on learnkit's search path (it is
# never fetched from here).
. "${top_srcdir:-.}/tests/cli.sh.inc"

data=
for d in "${LEARNKIT_DATA:-}" ./datasets "${XDG_CACHE_HOME:-$HOME/.cache}/learnkit"; do
    if [ -n "$d" ] && ls "$d"/mnist/train-images-idx3-ubyte* > /dev/null 2>&1; then
        data=$d
        break
    fi
done
if [ -z "$data" ]; then
    echo "SKIP: MNIST not found (set LEARNKIT_DATA to a directory holding mnist/)"
    exit 77
fi

num() { sed -n "s/.*\"$1\": *\([0-9.e-]*\).*/\1/p" "$TMPD/out" | head -1; }

# within KEY MIN MAX: the JSON number KEY lies in [MIN, MAX]
within() {
    checks=$((checks + 1))
    v=$(num "$1")
    echo "$2 $3 $v" | awk '{ exit !($3 != "" && $3 + 0 >= $1 + 0 && $3 + 0 <= $2 + 0) }' || {
        failures=$((failures + 1))
        echo "FAIL: $1 is '$v', expected between $2 and $3"
    }
    echo "$1 $v (expected $2 to $3)"
}

run 0 ae --solver elm --hidden 500 --classify --json -q --threads 2 --data-dir "$data" &&
    within test_accuracy 0.943 1
# The mDA's reconstruction error is numpy's closed form to 1% (0.06765).
run 0 ae --solver mda --noise 0.5 --classify --json -q --threads 2 --data-dir "$data" &&
    within test_accuracy 0.927 1 && within test_mse 0.0670 0.0683
finish
