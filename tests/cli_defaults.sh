#!/bin/sh
# cli_defaults.sh — every learner with default options on scikit-learn's
# bundled iris, wine, breast cancer and digits sets (tests/data, written by
# datasets/sklearn_splits.py: 75/25 stratified, random_state 0) reaches the
# matching scikit-learn default's test accuracy minus 3 points (iris: 5),
# and says on stderr and in --json params what the data chose.
#
# The bounds below are the reference accuracies printed by
#     /usr/bin/python3 bench/defaults_bench.py --learnkit ./learnkit --data tests/data
# (MLPClassifier(), numpy ELM of 200 sigmoid units with C = 1,
# RidgeClassifier(), LogisticRegression(), Perceptron(), each the mean over
# seeds 0-9; ae --classify against LogisticRegression()) minus the margin:
#
#   set            MLP    ELM    Ridge  LogReg Perc.
#   iris           97.37  97.37  81.58  97.37  84.21   (minus 5)
#   wine          100.00 100.00 100.00 100.00  99.56   (minus 3)
#   breast_cancer  95.31  95.66  95.10  95.80  95.38   (minus 3)
#   digits         97.69  94.13  93.78  97.11  93.93   (minus 3)
. "${top_srcdir:-.}/tests/cli.sh.inc"
D="${top_srcdir:-.}/tests/data"

# accuracy NAME LEARNER BOUND [OPTIONS]: test accuracy (percent) >= BOUND
accuracy() {
    name=$1 learner=$2 bound=$3
    shift 3
    run 0 "$learner" "$@" "$D/$name-train.csv" --test "$D/$name-test.csv" --json -q || return
    checks=$((checks + 1))
    acc=$(sed -n 's/^ *"test_accuracy": *\([0-9.e-]*\).*/\1/p' "$TMPD/out")
    if ! awk -v a="$acc" -v b="$bound" 'BEGIN { exit !(100 * a >= b) }'; then
        failures=$((failures + 1))
        echo "FAIL: $learner on $name: test accuracy $acc, below $bound%"
    fi
}

while read -r name mlp elm lsq logreg perceptron; do
    accuracy "$name" mlp "$mlp"
    accuracy "$name" elm "$elm"
    accuracy "$name" lsq "$lsq"
    accuracy "$name" logreg "$logreg"
    accuracy "$name" perceptron "$perceptron"
    accuracy "$name" ae "$logreg" --classify
done <<TABLE
iris           92.37 92.37 76.58 92.37 79.21
wine           97.00 97.00 97.00 97.00 96.56
breast_cancer  92.31 92.66 92.10 92.80 92.38
digits         94.69 91.13 90.78 94.11 90.93
TABLE

# What the data chose, on stderr and in params.
I="$D/iris-train.csv"
T="--test $D/iris-test.csv"
run 0 mlp $T --json "$I" && err_has 'mlp: 100 hidden units \(default: 112 training rows / 100' &&
    err_has 'at most 200 epochs' && out_has '"layers": \[' && out_has '"hidden_from_rows": true' &&
    out_has '"epochs_from_rows": true' && out_has '"tol": 0.0001' && out_has '"stall_epochs": 10'
# Progress: every epoch up to 20; beyond, the first five, every tenth of the
# budget and the last (200 epochs: at most 16 lines).
lines_between() {
    checks=$((checks + 1))
    n=$(grep -c "$1" "$TMPD/err")
    if [ "$n" -lt "$2" ] || [ "$n" -gt "$3" ]; then
        failures=$((failures + 1))
        echo "FAIL: $n stderr lines match /$1/, expected $2 to $3"
    fi
}
run 0 mlp $T "$I" && lines_between '^epoch ' 7 16 && err_has '^epoch 20/200 '
run 0 mlp $T --epochs 20 "$I" && lines_between '^epoch ' 20 20
run 0 mlp $T --epochs 3 --json -q "$I" && out_has '"epochs_run": 3' &&
    out_has '"epochs_from_rows": false' && out_lacks '"stall_epochs"'
run 0 elm $T --json "$I" && err_has 'elm: 112 hidden units \(default' &&
    err_has 'elm: solver ridge \(default' && err_has 'chose C = ' &&
    out_has '"hidden": 112' && out_has '"solver": "ridge"' && out_has '"C_auto": true' &&
    out_has '"hidden_from_rows": true' && out_has '"solver_from_rows": true'
# More units than rows: ridge in the dual, C by leave-one-out; never interpolating.
run 0 elm $T --hidden 1000 --json "$I" && out_has '"dual": true' && out_has '"C_auto": true' &&
    out_lacks '"train_accuracy": 1[,.]' && out_lacks '"hidden_from_rows": true'
run 0 elm $T --hidden 1000 --solver svd --json -q "$I" && out_has '"solver": "svd"'
run 0 elm $T --C 0.5 --json -q "$I" && out_has '"solver": "ridge"' && out_has '"C": 0.5'
run 0 lsq $T --json "$I" && err_has 'lsq: chose C = .*default: C by leave-one-out' &&
    out_has '"C_auto": true'
run 0 lsq $T --C 1 --json -q "$I" && out_has '"C_auto": false'
run 0 ae $T --classify --json "$I" && err_has 'ae: at most 200 epochs a layer' &&
    out_has '"epochs_from_rows": true'

# compare: the default lineup sized to the rows and named by what ran.
run 0 compare $T "$I" && out_has '^mlp-4-100-3 ' && out_has '^elm-ridge-112 ' &&
    out_has '^elm-ridge-224 ' && out_lacks '784' && out_lacks '2000' && err_has 'compare: 9 runs'
run 0 compare $T --learners 'mlp:hidden=20,epochs=5; elm:hidden=30,label=small' --json -q "$I" &&
    out_has '"label": "mlp-4-20-3"' && out_has '"label": "small"'

finish
