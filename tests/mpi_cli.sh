#!/bin/sh
# mpirun -n P learnkit ...: every data-parallel learner on 1 to 4 ranks, on
# small CSV data.  Closed-form models predict what the one-process model
# predicts; rank 0 alone writes the model and the output; the autoencoder's
# figures and compare's table cover every rank; a bad row fails every rank
# with one message, exit 1, and no model.
. "${top_srcdir:-.}/tests/cli.sh.inc"
. "${top_srcdir:-.}/tests/mpi.sh.inc"

# mrun N CODE ARGS...: learnkit on N ranks, expecting exit CODE.
mrun() {
    n=$1; want=$2; shift 2
    checks=$((checks + 1))
    mpi "$n" "$LEARNKIT" "$@" > "$TMPD/out" 2> "$TMPD/err" < /dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        failures=$((failures + 1))
        echo "FAIL: mpirun -n $n learnkit $*: exit $got, expected $want"
        sed 's/^/  stderr: /' "$TMPD/err" | head -5
        return 1
    fi
    return 0
}

# same_predictions A B: two models predict the same labels for the test file
same_predictions() {
    checks=$((checks + 1))
    "$LEARNKIT" predict -q -m "$1" --test "$TMPD/test.csv" "$TMPD/train.csv" > "$TMPD/pa" &&
        "$LEARNKIT" predict -q -m "$2" --test "$TMPD/test.csv" "$TMPD/train.csv" > "$TMPD/pb"
    if ! cmp -s "$TMPD/pa" "$TMPD/pb"; then
        failures=$((failures + 1))
        echo "FAIL: $2 predicts other labels than $1"
    fi
}

# Three classes of string labels in 6 features; 301 rows, so shares differ.
awk 'BEGIN { srand(11); for (i = 0; i < 301; i++) { c = i % 3;
     printf "%s", (c == 0 ? "ant" : c == 1 ? "bee" : "cow");
     for (j = 0; j < 6; j++) printf ",%.4f", (c == j % 3 ? 1.2 : 0) + rand() - 0.5; print "" } }' \
    > "$TMPD/train.csv"
awk 'BEGIN { srand(12); for (i = 0; i < 90; i++) { c = i % 3;
     printf "%s", (c == 0 ? "ant" : c == 1 ? "bee" : "cow");
     for (j = 0; j < 6; j++) printf ",%.4f", (c == j % 3 ? 1.2 : 0) + rand() - 0.5; print "" } }' \
    > "$TMPD/test.csv"
data="--test $TMPD/test.csv $TMPD/train.csv"

for learner in "elm --hidden 40" "elm --hidden 40 --solver ridge --C auto" "lsq" "lsq --C auto" \
               "logreg"; do
    tag=$(echo "$learner" | tr -c 'a-z0-9\n' '_')
    run 0 $learner -q -o "$TMPD/$tag.1.lkm" $data
    for n in 1 2 3 4; do
        mrun "$n" 0 $learner --json -o "$TMPD/$tag.$n.lkm" $data &&
            out_has '"n_train": *301' && same_predictions "$TMPD/$tag.1.lkm" "$TMPD/$tag.$n.lkm"
        [ "$n" -gt 1 ] && out_has "\"ranks\": *$n" && out_has '"(first_pass|load)": *[0-9]'
    done
done
# The iterative learners: they run, rank 0 prints one JSON object, the
# model is written once and loads.
for learner in "mlp --hidden 16 --epochs 20" "perceptron --averaged" \
               "ae --hidden 5 --epochs 20 --tied --noise 0.2 --classify"; do
    for n in 2 4; do
        mrun "$n" 0 $learner --json -o "$TMPD/it.lkm" $data &&
            out_has "\"ranks\": *$n" && out_has '"test_accuracy": *(0\.[89]|1)' &&
            out_has '"comm_phase_seconds"' && out_has '^ *"train": *[0-9]'
        checks=$((checks + 1))
        if [ "$(grep -c '"command"' "$TMPD/out")" -ne 1 ]; then
            failures=$((failures + 1)); echo "FAIL: $learner on $n ranks: not one JSON object"
        fi
        run 0 predict -q -m "$TMPD/it.lkm" --test "$TMPD/test.csv" "$TMPD/train.csv"
    done
done

# The learners that train in memory read only their share of the rows: CSV
# with string labels, a holdout and standard scaling, and LIBSVM with a
# test file.  Each rank holds the rows lk_comm_share gives it, of the
# training and of the test rows (n_train_ranks, n_test_ranks), and the
# model is the one every rank made when each loaded the whole file and
# kept its share (LEARNKIT_LOAD_WHOLE=1, which leaves the test rows whole:
# so the two ways are seen to differ); logreg's is one process's.
awk 'BEGIN { srand(13); for (i = 0; i < 263; i++) { c = i % 3;
     printf "%d", (c == 0 ? -1 : c == 1 ? 2 : 7);
     for (j = 1; j <= 8; j++) if ((i + j) % 4) printf " %d:%.4f", j, (c == j % 3 ? 1.5 : 0) + rand() - 0.5;
     print "" } }' > "$TMPD/train.svm"
awk 'BEGIN { srand(14); for (i = 0; i < 70; i++) { c = i % 3;
     printf "%d", (c == 0 ? -1 : c == 1 ? 2 : 7);
     for (j = 1; j <= 8; j++) if ((i * j) % 5) printf " %d:%.4f", j, (c == j % 3 ? 1.5 : 0) + rand() - 0.5;
     print "" } }' > "$TMPD/test.svm"
# shares N P: the rows of each of P ranks, "[a,b,...]" (lk_comm_share)
shares() {
    r=0; list=""
    while [ "$r" -lt "$2" ]; do
        list="$list${list:+,}$(($1 / $2 + (r < $1 % $2 ? 1 : 0)))"; r=$((r + 1))
    done
    echo "[$list]"
}
# key NAME: the JSON value of NAME in the output, on one line
key() { tr -d ' \n' < "$TMPD/out" | sed -n "s/.*\"$1\":\(\[[^]]*\]\|[^],}]*\).*/\1/p"; }
# same_on TEST TRAIN A B: models A and B predict the same labels for TEST
same_on() {
    checks=$((checks + 1))
    "$LEARNKIT" predict -q -m "$3" --test "$1" "$2" > "$TMPD/pa" &&
        "$LEARNKIT" predict -q -m "$4" --test "$1" "$2" > "$TMPD/pb"
    if ! [ -s "$TMPD/pa" ] || ! cmp -s "$TMPD/pa" "$TMPD/pb"; then
        failures=$((failures + 1))
        echo "FAIL: $4 predicts other labels than $3"
    fi
}
# rows_are P WHOLE: n_train_ranks and n_test_ranks are the shares of P
# ranks (WHOLE=1: every rank held the whole test set)
rows_are() {
    checks=$((checks + 1))
    ntr=$(key n_train); nte=$(key n_test)
    want_te=$(shares "$nte" "$1")
    [ "$2" = 1 ] && want_te="[$(printf "$nte,%.0s" $(seq "$1") | sed 's/,$//')]"
    if [ "$(key n_train_ranks)" != "$(shares "$ntr" "$1")" ] ||
       [ "$(key n_test_ranks)" != "$want_te" ]; then
        failures=$((failures + 1))
        echo "FAIL: on $1 ranks (whole $2), rows held: train $(key n_train_ranks) of $ntr," \
             "test $(key n_test_ranks) of $nte; expected $(shares "$ntr" "$1") and $want_te"
    fi
}
# losses FILE: the losses and accuracies of the output (the history's
# and the final ones), one a line
losses() {
    tr -d ' \n' < "$TMPD/out" | grep -o '"\(loss\|train_accuracy\|test_accuracy\)":[-+0-9.eE]*' |
        cut -d: -f2 > "$1"
}
# same_losses A B: as many figures, equal to 1e-4 (relative): the same rows
# in the same order, the scaling summed in another order, the accuracies
# over every rank's rows
same_losses() {
    checks=$((checks + 1))
    if ! [ -s "$1" ] || [ "$(wc -l < "$1")" -ne "$(wc -l < "$2")" ] ||
       ! paste "$1" "$2" | awk '{ d = $1 - $2; if (d < 0) d = -d;
                                  if (d > 1e-4 * ($1 < 0 ? -$1 : $1) + 1e-7) exit 1 }'; then
        failures=$((failures + 1))
        echo "FAIL: $3: the losses differ:"; paste "$1" "$2" | head -5
    fi
}
for set in csv svm; do
    if [ "$set" = csv ]; then
        d="--scale standard --holdout 0.3 $TMPD/train.csv"; t="$TMPD/test.csv $TMPD/train.csv"
    else
        d="--test $TMPD/test.svm $TMPD/train.svm"; t="$TMPD/test.svm $TMPD/train.svm"
    fi
    # logreg for a fixed count of iterations: near convergence its stopping
    # rule can go either way when the scaling was summed in another order.
    run 0 logreg --max-iter 15 -q -o "$TMPD/lr.1.lkm" $d
    for learner in "logreg --max-iter 15" "mlp --hidden 12 --epochs 15" "perceptron --averaged"; do
        name=${learner%% *}
        for np in 2 3 4; do
            mrun "$np" 0 $learner --json -o "$TMPD/sh.lkm" $d && rows_are "$np" 0 &&
                losses "$TMPD/loss.sh"
            export LEARNKIT_LOAD_WHOLE=1
            mrun "$np" 0 $learner --json -o "$TMPD/wh.lkm" $d && rows_are "$np" 1 &&
                losses "$TMPD/loss.wh"
            unset LEARNKIT_LOAD_WHOLE
            same_losses "$TMPD/loss.wh" "$TMPD/loss.sh" "$learner on $np ranks, $set"
            same_on $t "$TMPD/wh.lkm" "$TMPD/sh.lkm"
            [ "$name" = logreg ] && same_on $t "$TMPD/lr.1.lkm" "$TMPD/sh.lkm"
            rm -f "$TMPD/sh.lkm" "$TMPD/wh.lkm" "$TMPD/loss.sh" "$TMPD/loss.wh"
        done
    done
done


# The backprop autoencoder's figures are sums over the ranks: its test MSE
# on 3 ranks is within rounding and noise of one process's, not a share's.
mse() { sed -n 's/.*"test_mse": *\([0-9.e-]*\).*/\1/p' "$TMPD/out"; }
run 0 ae --hidden 5 --epochs 30 --json -q $data && m1=$(mse)
mrun 3 0 ae --hidden 5 --epochs 30 --json -q $data && m3=$(mse)
checks=$((checks + 1))
if ! awk -v a="$m1" -v b="$m3" 'BEGIN { exit !(a > 0 && b > 0 && b < 1.5 * a && a < 1.5 * b) }'; then
    failures=$((failures + 1)); echo "FAIL: ae test MSE on 3 ranks $m3, one process $m1"
fi

# Reproducible for a given number of ranks: the same seed, the same model
# bytes (shuffles, noise and dropout drawn from generators seeded by it);
# another seed, another model.
dae="ae --hidden 5 --epochs 5 --tied --noise 0.3 -q"
mrun 3 0 $dae --seed 7 -o "$TMPD/r7.lkm" $data
mrun 3 0 $dae --seed 7 -o "$TMPD/r7again.lkm" $data
mrun 3 0 $dae --seed 8 -o "$TMPD/r8.lkm" $data
checks=$((checks + 2))
if ! cmp -s "$TMPD/r7.lkm" "$TMPD/r7again.lkm"; then
    failures=$((failures + 1)); echo "FAIL: the same seed on 3 ranks gave another model"
fi
if cmp -s "$TMPD/r7.lkm" "$TMPD/r8.lkm"; then
    failures=$((failures + 1)); echo "FAIL: seeds 7 and 8 on 3 ranks gave the same model"
fi

# compare: the whole lineup under one mpirun, one table from rank 0.
mrun 2 0 compare --learners 'lsq; logreg; mlp:hidden=8,epochs=10; ae:hidden=4,epochs=5,classify' \
    $data && out_has '^lsq ' && out_has '^ae ' && out_has '^mlp-6-8-3 '
checks=$((checks + 1))
if [ "$(grep -c '^learner ' "$TMPD/out")" -ne 1 ]; then
    failures=$((failures + 1)); echo "FAIL: compare on 2 ranks: not one table"
fi

# ae --solver elm|mda streams each rank's share (tests/mpi_stream.sh), with
# a classifier too: the stack and its softmax are one process's, the same
# test predictions.
for solver in elm mda; do
    run 0 ae --solver $solver --hidden 6 --classify -q -o "$TMPD/clf1.lkm" $data
    mrun 3 0 ae --solver $solver --hidden 6 --classify -q -o "$TMPD/clf3.lkm" $data &&
        same_predictions "$TMPD/clf1.lkm" "$TMPD/clf3.lkm"
done

# A bad row near the end of the file: every rank stops, one message, no model.
cp "$TMPD/train.csv" "$TMPD/bad.csv"
echo 'bee,0.1,0.2,zero,0.4,0.5,0.6' >> "$TMPD/bad.csv"
for np in 2 3; do
    for learner in "elm --hidden 10" logreg "mlp --hidden 4"; do
        mrun "$np" 1 $learner -o "$TMPD/bad.lkm" --test "$TMPD/test.csv" "$TMPD/bad.csv" &&
            err_has 'bad.csv:302:4: "zero" is not a number' && err_lines 1 &&
            no_file "$TMPD/bad.lkm"
    done
done
# The same in a test file, in the last rank's share of its rows.
cp "$TMPD/test.csv" "$TMPD/badtest.csv"
echo 'cow,0.1,0.2,0.3,0.4,0.5,1e999' >> "$TMPD/badtest.csv"
mrun 3 1 perceptron -o "$TMPD/bad.lkm" --test "$TMPD/badtest.csv" "$TMPD/train.csv" &&
    err_has 'badtest.csv:91:7: ' && err_lines 1 && no_file "$TMPD/bad.lkm"
# Fewer rows than ranks: refused with the counts.
head -3 "$TMPD/train.csv" > "$TMPD/tiny.csv"
mrun 4 1 lsq --test "$TMPD/test.csv" "$TMPD/tiny.csv" && err_has 'cannot be shared by 4' &&
    err_lines 1
# Defaults sized to the rows count every rank's rows: more units than the
# 112 rows of iris give, on 3 ranks, the one-process width, C and accuracy
# (the streamed primal standing in for the one-process dual).
DD="${top_srcdir:-.}/tests/data"
pick() { grep -E '"(hidden|C|test_accuracy)": [0-9.e-]+,?$' "$TMPD/out" | grep -v '"hidden": 0\.' | sort; }
run 0 elm --hidden 500 --json -q --test "$DD/iris-test.csv" "$DD/iris-train.csv" &&
    out_has '"dual": true' && pick > "$TMPD/one"
mrun 3 0 elm --hidden 500 --json -q --test "$DD/iris-test.csv" "$DD/iris-train.csv" &&
    out_has '"dual": false' && pick > "$TMPD/three"
checks=$((checks + 1))
if ! [ -s "$TMPD/one" ] || ! cmp -s "$TMPD/one" "$TMPD/three"; then
    failures=$((failures + 1))
    echo "FAIL: elm --hidden 500 on 3 ranks differs from one process:"
    cat "$TMPD/one" "$TMPD/three"
fi
finish
