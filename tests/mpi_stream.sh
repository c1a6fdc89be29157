#!/bin/sh
# Under mpirun, elm, lsq, ae (elm, mda; with --classify when told to) and
# logreg --stream read only each rank's share of the rows (the row-block
# source over a row range) and give the one-process results: the same
# holdout, scaling, label map, accuracies, predictions and closed-form
# autoencoders.
. "${top_srcdir:-.}/tests/mpi.sh.inc"
LEARNKIT="${top_builddir:-.}/learnkit"
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/lkmpi.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

awk 'BEGIN { srand(7); split("alpha beta gamma", n, " ");
  print "kind,a,b,c,d";
  for (i = 0; i < 230; i++) { c = (i * 7 + int(i / 5)) % 3;
    printf "%s,%.4f,%.3f,%d,%.5f\n", n[c + 1], 2.385 * c + sin(i * 0.37),
      100 + 13.7 * cos(i * 1.1) + 4 * c, (i * 31) % 17, rand() - 0.3 * c } }' > "$TMPD/s.csv"
awk 'BEGIN { srand(3); for (i = 0; i < 190; i++) { c = (i * 5 + int(i / 3)) % 4;
    printf "%d", c * 3 - 2;
    for (j = 1; j <= 7; j++) if ((i + j * c) % 3) printf " %d:%.4f", j, 0.5 * c + rand();
    printf "\n" } }' > "$TMPD/s.svm"
head -n 150 "$TMPD/s.svm" | gzip -c > "$TMPD/tr.svm.gz"
tail -n 40 "$TMPD/s.svm" > "$TMPD/te.svm"

# same RANKS ARGS...: the accuracies of one process in memory, on RANKS ranks.
same() {
    n=$1; shift
    "$LEARNKIT" "$@" --json -q > "$TMPD/one.json" 2> "$TMPD/err" < /dev/null || {
        echo "FAIL: learnkit $* alone"; cat "$TMPD/err"; status=1; return; }
    LEARNKIT_BLOCK_ROWS=11 mpi "$n" "$LEARNKIT" "$@" --json -q > "$TMPD/many.json" 2> "$TMPD/err" || {
        echo "FAIL: learnkit $* on $n ranks"; head -5 "$TMPD/err"; status=1; return; }
    for key in n_train n_test train_accuracy test_accuracy; do
        a=$(grep "^  \"$key\"" "$TMPD/one.json")
        b=$(grep "^  \"$key\"" "$TMPD/many.json")
        if [ -z "$a" ] || [ "$a" != "$b" ]; then
            echo "FAIL: learnkit $* on $n ranks: $key '$b', alone '$a'"
            status=1
            return
        fi
    done
    if ! grep -q "\"ranks\": $n" "$TMPD/many.json" || ! grep -q '"wait_seconds"' "$TMPD/many.json"; then
        echo "FAIL: learnkit $* on $n ranks: not streamed by $n ranks"
        status=1
        return
    fi
    echo "ok: learnkit $* on $n ranks"
}

for n in 2 3; do
    same "$n" lsq "$TMPD/s.csv"
    same "$n" lsq --C auto "$TMPD/s.csv" --holdout 0.3
    same "$n" elm --hidden 20 "$TMPD/s.csv"
    same "$n" elm --hidden 20 --solver ridge "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7
    same "$n" logreg --stream "$TMPD/s.csv"
    same "$n" logreg --stream --l2 0.01 "$TMPD/s.csv" --holdout 0.3
    same "$n" logreg --stream "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7
done

# logreg: streamed on one rank, the one-process model to the last bit (the
# same chunks; --scale unit, whose maxima are the same however the rows
# are merged, also in double); on 2 and 3 ranks (the ranks' sums round
# otherwise, within the solver's tolerance), the same predicted labels.
"$LEARNKIT" logreg "$TMPD/s.csv" --scale unit -q -o "$TMPD/lr.lkm" > /dev/null &&
    "$LEARNKIT" predict -m "$TMPD/lr.lkm" "$TMPD/s.csv" --proba > "$TMPD/lr.p" ||
    { echo "FAIL: logreg alone"; status=1; }
for n in 1 2 3; do
    LEARNKIT_BLOCK_ROWS=11 mpi "$n" "$LEARNKIT" logreg "$TMPD/s.csv" --scale unit --stream -q \
        -o "$TMPD/lr$n.lkm" > /dev/null &&
        "$LEARNKIT" predict -m "$TMPD/lr$n.lkm" "$TMPD/s.csv" --proba > "$TMPD/lr$n.p" ||
        { echo "FAIL: logreg --stream on $n ranks"; status=1; continue; }
    if [ "$n" -eq 1 ]; then
        cmp -s "$TMPD/lr.p" "$TMPD/lr1.p" && echo "ok: logreg --stream on 1 rank: the same model" ||
            { echo "FAIL: logreg --stream on 1 rank: other probabilities"; status=1; }
    else
        "$LEARNKIT" predict -m "$TMPD/lr$n.lkm" "$TMPD/s.csv" > "$TMPD/lr$n.l" &&
            "$LEARNKIT" predict -m "$TMPD/lr.lkm" "$TMPD/s.csv" > "$TMPD/lr.l" &&
            cmp -s "$TMPD/lr.l" "$TMPD/lr$n.l" && echo "ok: logreg on $n ranks: the same labels" ||
            { echo "FAIL: logreg on $n ranks: other labels"; status=1; }
    fi
done

# ae with a closed-form solver: each rank streams its share, the sums are
# added over the ranks, and the model rank 0 saves is the one-process model
# to a relative 1e-4 (1e-10 in the double build), with its test MSE; on
# one rank (which loads, as one process does) the same bytes.
MODEL_DIFF="${top_builddir:-.}/tests/model_diff"
tol=1e-4
"$LEARNKIT" --version | grep -q '(double' && tol=1e-10
mse() { sed -n 's/.*"test_mse": \([^,]*\),*$/\1/p' "$1"; }
for args in "--solver elm --hidden 3" "--solver mda --noise 0.3" \
            "--solver elm --hidden 20,10 --C 0.1" "--solver mda --noise 0.2 --hidden 7,7"; do
    for data in "$TMPD/s.csv --holdout 0.3" "$TMPD/tr.svm.gz --test $TMPD/te.svm --features 7"; do
        "$LEARNKIT" ae $args $data --json -q -o "$TMPD/one.lkm" > "$TMPD/one.json" 2> "$TMPD/err" \
            < /dev/null || { echo "FAIL: ae $args $data alone"; status=1; continue; }
        for n in 1 2 3 4; do
            LEARNKIT_BLOCK_ROWS=11 mpi "$n" "$LEARNKIT" ae $args $data --json -q \
                -o "$TMPD/many.lkm" > "$TMPD/many.json" 2> "$TMPD/err" || {
                echo "FAIL: ae $args $data on $n ranks"; head -5 "$TMPD/err"; status=1; continue; }
            a=$(mse "$TMPD/one.json")
            b=$(mse "$TMPD/many.json")
            if [ "$n" -eq 1 ] && ! cmp -s "$TMPD/one.lkm" "$TMPD/many.lkm"; then
                echo "FAIL: ae $args $data on 1 rank: not the bytes of one process"
                status=1
            elif ! diff=$("$MODEL_DIFF" "$tol" "$TMPD/one.lkm" "$TMPD/many.lkm"); then
                echo "FAIL: ae $args $data on $n ranks: $diff"
                status=1
            elif ! awk -v a="$a" -v b="$b" -v t="$tol" 'BEGIN { if (a == "null") exit b != "null";
                    d = a - b; if (d < 0) d = -d; exit !(b != "null" && d <= t * a) }'; then
                echo "FAIL: ae $args $data on $n ranks: test_mse $b, alone $a"
                status=1
            elif [ "$n" -gt 1 ] && ! grep -q "\"ranks\": $n" "$TMPD/many.json"; then
                echo "FAIL: ae $args $data on $n ranks: not streamed by $n ranks"
                status=1
            else
                echo "ok: ae $args $data on $n ranks: $diff"
            fi
        done
    done
done

# ae with its softmax classifier, told to stream: each rank streams its
# share, encoded by the stack at every pass of the classifier (without
# --stream the ranks hold their shares: one pass per evaluation is too
# many to read); the accuracies of one process, and the model rank 0 saves
# predicts the one-process labels.
for args in "--solver elm --hidden 20" "--solver mda --noise 0.3 --hidden 4,4"; do
    "$LEARNKIT" ae $args --classify "$TMPD/s.csv" --holdout 0.3 -q -o "$TMPD/one.lkm" \
        > /dev/null 2> "$TMPD/err" < /dev/null &&
        "$LEARNKIT" predict -m "$TMPD/one.lkm" "$TMPD/s.csv" > "$TMPD/one.l" ||
        { echo "FAIL: ae $args --classify alone"; status=1; continue; }
    for n in 2 3; do
        same "$n" ae $args --classify --stream "$TMPD/s.csv" --holdout 0.3
        LEARNKIT_BLOCK_ROWS=11 mpi "$n" "$LEARNKIT" ae $args --classify --stream "$TMPD/s.csv" \
            --holdout 0.3 -q -o "$TMPD/many.lkm" > /dev/null 2> "$TMPD/err" &&
            "$LEARNKIT" predict -m "$TMPD/many.lkm" "$TMPD/s.csv" > "$TMPD/many.l" &&
            [ "$(wc -l < "$TMPD/many.l")" -eq 230 ] && cmp -s "$TMPD/one.l" "$TMPD/many.l" &&
            echo "ok: ae $args --classify on $n ranks: the same labels" ||
            { echo "FAIL: ae $args --classify on $n ranks: other labels"; head -5 "$TMPD/err"
              status=1; }
    done
done

# The model rank 0 saves predicts what the one-process model predicts.
"$LEARNKIT" lsq "$TMPD/s.csv" -q -o "$TMPD/one.lkm" > /dev/null &&
    mpi 2 "$LEARNKIT" lsq "$TMPD/s.csv" -q -o "$TMPD/two.lkm" > /dev/null &&
    "$LEARNKIT" predict -m "$TMPD/one.lkm" "$TMPD/s.csv" > "$TMPD/p1" &&
    "$LEARNKIT" predict -m "$TMPD/two.lkm" "$TMPD/s.csv" > "$TMPD/p2" &&
    cmp -s "$TMPD/p1" "$TMPD/p2" && echo "ok: predictions of the 2-rank model" ||
    { echo "FAIL: predictions of the 2-rank model"; status=1; }
exit $status
