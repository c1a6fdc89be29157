#!/bin/sh
# cli_stream.sh — --stream and the switch above --max-memory: the same
# accuracies as in memory for every streaming learner and format (string
# labels, --scale standard, --holdout, a test file, IDX), with block
# boundaries mid-class and mid-file; predict and eval streamed print what
# they print in memory; an error in the last block names its line and
# field and writes no model; learners that load refuse with the memory;
# ae with a closed-form solver (and its classifier) and logreg give the
# model they give in memory.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# 230 rows, string labels, a header, features of assorted scales.
awk 'BEGIN { srand(7); split("alpha beta gamma", n, " ");
  print "kind,a,b,c,d";
  for (i = 0; i < 230; i++) { c = (i * 7 + int(i / 5)) % 3;
    printf "%s,%.4f,%.3f,%d,%.5f\n", n[c + 1], 2.385 * c + sin(i * 0.37),
      100 + 13.7 * cos(i * 1.1) + 4 * c, (i * 31) % 17, rand() - 0.3 * c } }' > "$TMPD/s.csv"
gzip -c "$TMPD/s.csv" > "$TMPD/s.csv.gz"
awk 'BEGIN { srand(3); for (i = 0; i < 190; i++) { c = (i * 5 + int(i / 3)) % 4;
    printf "%d", c * 3 - 2;
    for (j = 1; j <= 7; j++) if ((i + j * c) % 3) printf " %d:%.4f", j, 0.5 * c + rand();
    printf "\n" } }' > "$TMPD/s.svm"
head -n 150 "$TMPD/s.svm" | gzip -c > "$TMPD/tr.svm.gz"
tail -n 40 "$TMPD/s.svm" > "$TMPD/te.svm"

# same_keys WHAT KEY...: the top-level KEYs of mem.json and str.json are
# present and equal (a failure names WHAT).
same_keys() {
    what=$1; shift
    for key in "$@"; do
        a=$(grep "^  \"$key\"" "$TMPD/mem.json")
        b=$(grep "^  \"$key\"" "$TMPD/str.json")
        if [ -z "$a" ] || [ "$a" != "$b" ]; then
            failures=$((failures + 1))
            echo "FAIL: learnkit $what --stream: $key '$b', in memory '$a'"
            sed 's/^/  stderr: /' "$TMPD/err" | head -5
            return 1
        fi
    done
}

# same_fit ARGS...: in memory and streamed in blocks of 13 rows, the same
# n_train, n_test, train and test accuracy.
same_fit() {
    checks=$((checks + 1))
    "$LEARNKIT" "$@" --json -q > "$TMPD/mem.json" 2> "$TMPD/err" < /dev/null
    LEARNKIT_BLOCK_ROWS=13 "$LEARNKIT" "$@" --stream --json -q > "$TMPD/str.json" 2>> "$TMPD/err" < /dev/null
    same_keys "$*" n_train n_test train_accuracy test_accuracy || return 1
    grep -q '"wait_seconds"' "$TMPD/str.json" && grep -q '"read_seconds"' "$TMPD/str.json" &&
        grep -q '"compute_seconds"' "$TMPD/str.json" ||
        { failures=$((failures + 1)); echo "FAIL: $*: no stream times in --json"; }
}

# same_model DATA ARGS...: logreg in memory and streamed in blocks of 13
# rows (blocks end mid-class) save models that predict the same labels of
# DATA, the same probabilities, and whose weights and biases have the same
# min, max and rms, each to a relative 1e-5.
same_model() {
    data=$1
    shift
    checks=$((checks + 1))
    if ! "$LEARNKIT" logreg "$@" -q -o "$TMPD/mm.lkm" > /dev/null 2> "$TMPD/err" < /dev/null ||
        ! LEARNKIT_BLOCK_ROWS=13 "$LEARNKIT" logreg "$@" --stream -q -o "$TMPD/ms.lkm" \
            > /dev/null 2>> "$TMPD/err" < /dev/null; then
        failures=$((failures + 1))
        echo "FAIL: learnkit logreg $*: in memory or streamed"
        sed 's/^/  stderr: /' "$TMPD/err" | head -5
        return 1
    fi
    for m in mm ms; do
        "$LEARNKIT" predict -m "$TMPD/$m.lkm" "$data" > "$TMPD/$m.labels" &&
            "$LEARNKIT" predict -m "$TMPD/$m.lkm" "$data" --proba | tail -n +2 | tr , '\n' \
                > "$TMPD/$m.proba" &&
            "$LEARNKIT" inspect --json "$TMPD/$m.lkm" |
            sed -n '/"logreg\.[wb]"/,/}/ s/.*"\(min\|max\|rms\)": *\([^,]*\).*/\2/p' \
                > "$TMPD/$m.stats"
    done
    if [ ! -s "$TMPD/mm.labels" ] || ! cmp -s "$TMPD/mm.labels" "$TMPD/ms.labels"; then
        failures=$((failures + 1))
        echo "FAIL: learnkit logreg $* --stream: other labels than in memory"
        return 1
    fi
    for what in proba stats; do
        bad=$(paste "$TMPD/mm.$what" "$TMPD/ms.$what" | awk '
            { d = $1 - $2; d = d < 0 ? -d : d; a = $1 < 0 ? -$1 : $1
              if (d > 1e-5 * a + 1e-9 || NF != 2) { print NR ": " $1 " " $2; exit } }
            END { if (NR == 0) print "empty" }')
        if [ -n "$bad" ]; then
            failures=$((failures + 1))
            echo "FAIL: learnkit logreg $* --stream: $what differs from in memory: $bad"
            return 1
        fi
    done
}

for data in "$TMPD/s.csv" "$TMPD/s.csv.gz"; do
    same_fit elm --hidden 25 "$data"
    same_fit elm --hidden 25 --solver ridge "$data" --holdout 0.3
    same_fit elm --hidden 25 --solver ridge --C auto "$data"
    same_fit lsq "$data" --scale unit
    same_fit lsq --C auto "$data"
done
same_fit elm --hidden 20 --solver ridge "$TMPD/s.svm" --scale standard
same_fit lsq "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7
same_fit elm --hidden 20 "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7

# logreg: string labels with --scale standard, gzipped, a holdout, LIBSVM.
# The models are compared at the optimum: in float the streamed fit takes
# the in-memory steps bit for bit; in double (--enable-double) the scaling's
# sums, merged block by block when streamed, differ in the last bits, and
# only a converged fit of a well-conditioned objective is the same model.
tight="--l2 0.01 --tol 1e-9 --rtol 0"
for data in "$TMPD/s.csv" "$TMPD/s.csv.gz"; do
    same_fit logreg "$data" --scale standard
    same_model "$data" "$data" --scale standard $tight
    same_fit logreg --l2 0.01 "$data" --holdout 0.3
    same_model "$data" "$data" --holdout 0.3 $tight
done
same_fit logreg "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7
same_model "$TMPD/te.svm" "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" --features 7 $tight
run 2 logreg --solver adam "$TMPD/s.csv" --stream -q && err_has 'streamed rows train with lbfgs' &&
    err_lines 1

# IDX: a directory in the MNIST layout, built from the CSV's rows as bytes.
mkdir "$TMPD/idx"
awk -F, 'NR > 1 { printf "%s,%d,%d,%d\n", $1, int(($2 + 2) * 40) % 256, int($3) % 256, $4 * 15 }' \
    "$TMPD/s.csv" > "$TMPD/px.csv"
# make_idx ROWS FIRST COUNT IMAGES LABELS: COUNT (< 256) rows of 1 x 3 bytes.
make_idx() {
    sed -n "$(($2 + 1)),$(($2 + $3))p" "$1" | awk -F, -v n="$3" '
        BEGIN { printf "%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c", 0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 1, 0, 0, 0, 3 }
        { printf "%c%c%c", $2, $3, $4 }' > "$4"
    sed -n "$(($2 + 1)),$(($2 + $3))p" "$1" | awk -F, -v n="$3" '
        BEGIN { printf "%c%c%c%c%c%c%c%c", 0, 0, 8, 1, 0, 0, 0, n }
        { printf "%c", ($1 == "alpha") ? 3 : ($1 == "beta") ? 5 : 8 }' > "$5"
}
LC_ALL=C make_idx "$TMPD/px.csv" 0 180 "$TMPD/idx/train-images-idx3-ubyte" \
    "$TMPD/idx/train-labels-idx1-ubyte"
LC_ALL=C make_idx "$TMPD/px.csv" 180 50 "$TMPD/idx/t10k-images-idx3-ubyte" \
    "$TMPD/idx/t10k-labels-idx1-ubyte"
gzip "$TMPD/idx/train-images-idx3-ubyte"
run 0 info "$TMPD/idx" && out_has 'train +180 x 3'
same_fit elm --hidden 15 "$TMPD/idx"
same_fit lsq "$TMPD/idx" --scale standard
same_fit logreg "$TMPD/idx"
same_model "$TMPD/idx" "$TMPD/idx" --scale standard $tight

# same_ae_model ROWS ARGS...: ae in memory and streamed in blocks of 13 rows,
# the same n_train and n_test, the same test_mse and the same model (every
# array, the classifier's too) to a relative 1e-5; the streamed model
# encodes the file ROWS as the other does; with --classify, the same
# accuracies, and the two models predict the same labels of ROWS and
# evaluate them alike.
MODEL_DIFF="${top_builddir:-.}/tests/model_diff"
same_ae_model() {
    rows=$1; shift
    checks=$((checks + 1))
    "$LEARNKIT" "$@" --json -q -o "$TMPD/mem.lkm" > "$TMPD/mem.json" 2> "$TMPD/err" < /dev/null
    LEARNKIT_BLOCK_ROWS=13 "$LEARNKIT" "$@" --stream --json -q -o "$TMPD/str.lkm" \
        > "$TMPD/str.json" 2>> "$TMPD/err" < /dev/null
    same_keys "$*" n_train n_test || return 1
    a=$(sed -n 's/.*"test_mse": \([^,]*\),*$/\1/p' "$TMPD/mem.json")
    b=$(sed -n 's/.*"test_mse": \([^,]*\),*$/\1/p' "$TMPD/str.json")
    if [ -z "$a" ] || ! awk -v a="$a" -v b="$b" 'BEGIN { if (a == "null") exit b != "null";
            d = a - b; if (d < 0) d = -d; exit !(b != "null" && d <= 1e-5 * a) }'; then
        failures=$((failures + 1))
        echo "FAIL: learnkit $* --stream: test_mse $b, in memory $a"
        return 1
    fi
    grep -q '"compute_seconds"' "$TMPD/str.json" ||
        { failures=$((failures + 1)); echo "FAIL: $*: no stream times in --json"; return 1; }
    if ! "$MODEL_DIFF" 1e-5 "$TMPD/mem.lkm" "$TMPD/str.lkm" > "$TMPD/diff"; then
        failures=$((failures + 1))
        echo "FAIL: learnkit $* --stream: another model: $(cat "$TMPD/diff")"
        return 1
    fi
    checks=$((checks + 1))
    "$LEARNKIT" encode -q -m "$TMPD/mem.lkm" "$rows" > "$TMPD/c1" &&
        "$LEARNKIT" encode -q -m "$TMPD/str.lkm" "$rows" > "$TMPD/c2" &&
        paste -d, "$TMPD/c1" "$TMPD/c2" | awk -F, '{ h = NF / 2; if ($1 != $(h + 1)) bad = 1;
            for (j = 2; j <= h; j++) { d = $j - $(j + h); if (d < 0) d = -d; if (d > 1e-4) bad = 1 } }
            END { exit bad || NR < 40 }' ||
        { failures=$((failures + 1)); echo "FAIL: learnkit $* --stream: the codes differ"; }
    case " $* " in *" --classify "*) same_classifier "$rows" "$@" ;; esac
}

# same_classifier ROWS ARGS...: after same_ae_model, the runs' accuracies and
# what their models predict and evaluate on ROWS.
same_classifier() {
    rows=$1; shift
    checks=$((checks + 1))
    for key in train_accuracy test_accuracy; do
        a=$(grep "^  \"$key\"" "$TMPD/mem.json")
        b=$(grep "^  \"$key\"" "$TMPD/str.json")
        if [ -z "$a" ] || [ "$a" != "$b" ] || echo "$a" | grep -q null; then
            failures=$((failures + 1))
            echo "FAIL: learnkit $* --stream: $key '$b', in memory '$a'"
            return 1
        fi
    done
    checks=$((checks + 1))
    # eval's first line names the model file.
    for m in mem str; do
        "$LEARNKIT" predict -q -m "$TMPD/$m.lkm" "$rows" > "$TMPD/$m.labels" &&
            "$LEARNKIT" eval -q -m "$TMPD/$m.lkm" "$rows" | tail -n +2 > "$TMPD/$m.eval" ||
            break
    done
    if [ "$(wc -l < "$TMPD/str.labels")" -lt 40 ] || ! grep -q '^accuracy' "$TMPD/str.eval" ||
        ! cmp -s "$TMPD/mem.labels" "$TMPD/str.labels" ||
        ! cmp -s "$TMPD/mem.eval" "$TMPD/str.eval"; then
        failures=$((failures + 1))
        echo "FAIL: learnkit $* --stream: the models predict or evaluate otherwise"
    fi
}

# ae streams with the closed-form solvers: one layer and a stack, CSV with
# string labels (plain, gzipped, a holdout), LIBSVM with a test file, IDX.
# Over-complete ELM layers (20 codes of 4 features, C = 1000) too: their
# Gram matrices are so ill-conditioned that float sums taken in other
# chunks would move them by 1e-3; the solvers' own chunks keep them equal.
for data in "$TMPD/s.csv" "$TMPD/s.csv.gz"; do
    same_ae_model "$data" ae --solver elm --hidden 20 "$data" --scale standard
    same_ae_model "$data" ae --solver mda --noise 0.3 "$data"
done
same_ae_model "$TMPD/s.csv" ae --solver elm --hidden 20,10 "$TMPD/s.csv" --holdout 0.3
same_ae_model "$TMPD/s.csv" ae --solver mda --noise 0.45 --hidden 4,4 "$TMPD/s.csv.gz" --holdout 0.3
same_ae_model "$TMPD/te.svm" ae --solver elm --hidden 12,6 --activation tanh "$TMPD/tr.svm.gz" \
    --test "$TMPD/te.svm" --features 7
same_ae_model "$TMPD/te.svm" ae --solver mda --noise 0.2 "$TMPD/tr.svm.gz" --test "$TMPD/te.svm" \
    --features 7
same_ae_model "$TMPD/idx" ae --solver mda --noise 0.25 "$TMPD/idx"
# The softmax on the last codes streams too (string labels, a holdout; a
# stack, LIBSVM with a test file); so does it above --max-memory.  With
# --scale unit, whose maxima are the same however the blocks merge them,
# the codes are too, and the classifier takes the in-memory steps in the
# double build as well (a standard scaling's sums differ in their last
# bits there, and the solver, stopped by its relative tolerance on a
# flat optimum, ends elsewhere by 1e-2).
same_ae_model "$TMPD/s.csv" ae --solver elm --hidden 20 --classify "$TMPD/s.csv" --holdout 0.3 \
    --scale unit
same_ae_model "$TMPD/s.csv" ae --solver mda --noise 0.3 --classify "$TMPD/s.csv" --holdout 0.3 \
    --scale unit
same_ae_model "$TMPD/te.svm" ae --solver elm --hidden 12,6 --classify "$TMPD/tr.svm.gz" \
    --test "$TMPD/te.svm" --features 7 --scale unit
run 0 ae --solver elm --hidden 20 --classify "$TMPD/s.csv" --holdout 0.3 --json --max-memory 1K &&
    err_has '\(--max-memory\): streaming' && out_has '"wait_seconds"' &&
    out_has '"test_accuracy": [0-9]' && out_has 'each pass over the training rows encoding them'
# Backprop loads its rows (epochs over shuffled rows).
run 2 ae --solver backprop --hidden 4 "$TMPD/s.csv" --stream && err_has 'ae loads its data whole' &&
    err_lines 1

# predict and eval streamed: the same output as in memory, in input order.
run 0 elm --hidden 25 "$TMPD/s.csv" -o "$TMPD/m.lkm"
for what in "$TMPD/s.csv" "$TMPD/s.csv.gz"; do
    run 0 predict -m "$TMPD/m.lkm" "$what" && cp "$TMPD/out" "$TMPD/p1"
    LEARNKIT_BLOCK_ROWS=13 run 0 predict -m "$TMPD/m.lkm" "$what" --stream && cp "$TMPD/out" "$TMPD/p2"
    checks=$((checks + 1))
    [ "$(wc -l < "$TMPD/p2")" -eq 230 ] && cmp -s "$TMPD/p1" "$TMPD/p2" ||
        { failures=$((failures + 1)); echo "FAIL: predict --stream differs on $what"; }
    run 0 eval -m "$TMPD/m.lkm" "$what" --json && cp "$TMPD/out" "$TMPD/e1"
    LEARNKIT_BLOCK_ROWS=13 run 0 eval -m "$TMPD/m.lkm" "$what" --json --stream && cp "$TMPD/out" "$TMPD/e2"
    checks=$((checks + 1))
    cmp -s "$TMPD/e1" "$TMPD/e2" || { failures=$((failures + 1)); echo "FAIL: eval --stream differs"; }
done
run 0 lsq "$TMPD/idx" -o "$TMPD/i.lkm"
run 0 eval -m "$TMPD/i.lkm" "$TMPD/idx" && cp "$TMPD/out" "$TMPD/e1"
LEARNKIT_BLOCK_ROWS=7 run 0 eval -m "$TMPD/i.lkm" "$TMPD/idx" --stream && cmp -s "$TMPD/out" "$TMPD/e1" &&
    out_has 'of 50\)'

# An error in the last block: its line and field, exit 1, no model written.
cp "$TMPD/s.csv" "$TMPD/bad.csv"
echo 'beta,1.5,2.5,3,4.2.1' >> "$TMPD/bad.csv"
LEARNKIT_BLOCK_ROWS=13 run 1 lsq "$TMPD/bad.csv" --stream -o "$TMPD/bad.lkm" &&
    err_has "^learnkit: $TMPD/bad.csv:232:5: \"4.2.1\" is not a number$" && err_lines 1
checks=$((checks + 1))
[ ! -e "$TMPD/bad.lkm" ] || { failures=$((failures + 1)); echo "FAIL: a model was written"; }
ls "$TMPD" | grep -q 'bad.lkm' && { failures=$((failures + 1)); echo "FAIL: a temporary was left"; }
LEARNKIT_BLOCK_ROWS=13 run 1 logreg "$TMPD/bad.csv" --stream -o "$TMPD/bad.lkm" &&
    err_has "^learnkit: $TMPD/bad.csv:232:5: \"4.2.1\" is not a number$" && err_lines 1
checks=$((checks + 1))
ls "$TMPD" | grep -q 'bad.lkm' && { failures=$((failures + 1)); echo "FAIL: logreg wrote a model"; }
head -n 100 "$TMPD/s.csv" > "$TMPD/short.csv"
echo 'delta,1,2,3,4' >> "$TMPD/short.csv"
LEARNKIT_BLOCK_ROWS=13 run 1 predict -m "$TMPD/m.lkm" "$TMPD/bad.csv" --stream &&
    err_has "bad.csv:232:5:"

# The switch: above --max-memory a streaming learner streams and says so;
# one that loads refuses, naming the memory and the learners that stream.
run 0 lsq "$TMPD/s.csv" --max-memory 1K && err_has 'more than the 0 MiB allowed \(--max-memory\): streaming'
run 0 logreg "$TMPD/s.csv" --max-memory 1K --json && err_has '\(--max-memory\): streaming' &&
    out_has '"wait_seconds"'
run 1 mlp --hidden 4 --epochs 1 "$TMPD/s.csv" --max-memory 1K &&
    err_has 'needs about [0-9]+ MiB in memory, more than the 0 MiB allowed.*elm, lsq, logreg, ae --solver elm.mda, predict and eval stream' &&
    err_lines 1
run 2 mlp --hidden 4 --epochs 1 "$TMPD/s.csv" --stream && err_has 'mlp loads its data whole'
run 0 lsq "$TMPD/s.csv" --max-memory 1G && checks=$((checks + 1)) &&
    { ! grep -q streaming "$TMPD/err" || { failures=$((failures + 1)); echo "FAIL: streamed under 1G"; }; }

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
