#!/bin/sh
# cli_data_errors.sh — reading data from the command line: info on CSV, LIBSVM and
# IDX data; one-line errors naming the file and the place, exit 1; usage
# errors exit 2; nothing on stdout when a command fails; fetch refuses files
# whose checksum does not match and leaves nothing behind.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# out_empty: nothing was printed on stdout (no partial result)
out_empty() {
    checks=$((checks + 1))
    if [ -s "$TMPD/out" ]; then
        failures=$((failures + 1))
        echo "FAIL: stdout is not empty:"
        sed 's/^/  stdout: /' "$TMPD/out" | head -5
    fi
}

# Keep named-dataset lookups and fetches inside the scratch directory.
REAL_LEARNKIT_DATA=${LEARNKIT_DATA:-}
unset LEARNKIT_DATA
export XDG_CACHE_HOME="$TMPD/cache" HOME="$TMPD/home"
D="$TMPD/d"
mkdir -p "$D" "$HOME"

# ---------------------------------------------------------------- good data
printf '\357\273\277species,petal,sepal\r\nsetosa,1.4,5.1\r\nversicolor,4.7,7.0\r\nvirginica,6.0,6.3\r\nsetosa,1.3,4.9\r\nversicolor,4.5,6.4\r\nvirginica,5.1,5.8\r\nsetosa,1.5,5.0\r\nversicolor,4.9,6.9\r\nvirginica,5.9,7.1\r\nsetosa,1.6,4.8\r\n' > "$D/iris.csv"
run 0 info --seed 3 "$D/iris.csv" && out_has '^dataset +iris.csv \(csv\)' \
    && out_has '^train +7 x 2 ' && out_has '^test +3 x 2 +from holdout 0.2 of ' \
    && out_has '^classes +3$' && out_has '^  versicolor ' && out_has '^load time '
run 0 info --json "$D/iris.csv" && out_has '"n_classes": 3' && out_has '"test_is_holdout": true' \
    && out_has '"label": "virginica"'
gzip -c "$D/iris.csv" > "$D/iris.csv.gz"
run 0 info --label-col first --header yes "$D/iris.csv.gz" && out_has '^classes +3$'
run 0 info -q --scale none "$D/iris.csv" && out_has 'scaled none, range \[1.3, 7.1\]'

printf '+1 1:0.5 3:-2.25\n-1 2:1e-3\n+1 1:2.385 2:4\n-1 3:7.5 # comment\n+1 2:1\n-1 1:3\n' > "$D/pm.svm"
printf '1 1:1\n-1 4:2\n' > "$D/pm-test.svm"
run 0 info --test "$D/pm-test.svm" --features 4 "$D/pm.svm" && out_has '^train +6 x 4 ' \
    && out_has '^test +2 x 4 ' && out_has '^  -1 ' && out_has '^  1 '
run 1 info --test "$D/pm-test.svm" "$D/pm.svm" && err_has 'pm-test.svm: .*number of features to 4; see --features$' && err_lines 1 && out_empty
cp "$D/pm.svm" "$D/pm.txt"
run 0 info --format libsvm "$D/pm.txt" && out_has '^classes +2$'

# A directory in the MNIST layout, made by hand: 4 images of 2x2, 3 classes.
idx() {  # idx FILE HEADER-OCTALS DATA-OCTALS
    printf "$2$3" > "$1"
}
M="$TMPD/tiny"
mkdir -p "$M"
idx "$M/train-images-idx3-ubyte" '\0\0\10\3\0\0\0\4\0\0\0\2\0\0\0\2' '\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20'
idx "$M/train-labels-idx1-ubyte" '\0\0\10\1\0\0\0\4' '\0\1\2\1'
idx "$M/t10k-images-idx3-ubyte" '\0\0\10\3\0\0\0\2\0\0\0\2\0\0\0\2' '\377\0\0\377\1\2\3\4'
idx "$M/t10k-labels-idx1-ubyte" '\0\0\10\1\0\0\0\2' '\2\0'
gzip "$M/t10k-images-idx3-ubyte"
run 0 info "$M" && out_has '^train +4 x 4 ' && out_has '^test +2 x 4 ' && out_has 'scaled unit'
mkdir -p "$TMPD/lk/tiny"
cp "$M"/* "$TMPD/lk/tiny/"
export LEARNKIT_DATA="$TMPD/lk"
run 0 info tiny && out_has '^dataset +tiny \(idx\)'
unset LEARNKIT_DATA
run 0 info --data-dir "$TMPD/lk" tiny && out_has '^train +4 x 4 '

# ---------------------------------------------------------------- bad data: exit 1, FILE:PLACE
printf 'y,a,b\n1,2,3\n2,3,4.2.1\n' > "$D/num.csv"
run 1 info "$D/num.csv" && err_has "^learnkit: $D/num.csv:3:3: \"4.2.1\" is not a number$" \
    && err_lines 1 && out_empty
printf '1,2,3\n2,3,4\n1,5\n' > "$D/ragged.csv"
run 1 info "$D/ragged.csv" && err_has "^learnkit: $D/ragged.csv:3: expected 3 fields like the first row, found 2$" \
    && err_lines 1 && out_empty
printf '1,2,3\n2,nan,4\n' > "$D/nan.csv"
run 1 info "$D/nan.csv" && err_has "nan.csv:2:2: \"nan\" is not a finite number$" && err_lines 1
printf '1 1:2\n-1 0:1\n' > "$D/zero.svm"
run 1 info "$D/zero.svm" && err_has "^learnkit: $D/zero.svm:2:2: index 0 " && err_lines 1 && out_empty
printf '1 2:2 1:1\n' > "$D/dec.svm"
run 1 info "$D/dec.svm" && err_has "dec.svm:1:3: index 1 after 2" && err_lines 1
printf '1 2:x\n' > "$D/val.svm"
run 1 info "$D/val.svm" && err_has "val.svm:1:2: value \"x\" is not a finite number" && err_lines 1
printf 'not gzip at all' | gzip -c | head -c 20 > "$D/cut.csv.gz"
run 1 info "$D/cut.csv.gz" && err_has "^learnkit: $D/cut.csv.gz: .*gzip" && err_lines 1 && out_empty
: > "$D/empty.csv"
run 1 info "$D/empty.csv" && err_has "empty.csv: no data rows" && err_lines 1

B="$TMPD/broken"
mkdir -p "$B"
cp "$M"/* "$B/"
idx "$B/train-images-idx3-ubyte" '\0\0\10\3\0\0\352\140\0\0\0\34\0\0\0\34' '\1\2\3'
run 1 info "$B" && err_has "^learnkit: $B/train-images-idx3-ubyte:byte 16: the header promises 47040000 data bytes, the file has 3 \(truncated\?\)$" \
    && err_lines 1 && out_empty
cp "$M/train-images-idx3-ubyte" "$B/"
idx "$B/train-labels-idx1-ubyte" '\0\0\10\1\0\0\0\3' '\0\1\2'
run 1 info "$B" && err_has "train-labels-idx1-ubyte: 3 labels for the 4 images" && err_lines 1
idx "$B/train-labels-idx1-ubyte" '\10\3\0\1\0\0\0\4' '\0\1\2\1'
run 1 info "$B" && err_has "train-labels-idx1-ubyte:byte 0: not an IDX file" && err_lines 1

run 1 info "$D/none.csv" && err_has "^learnkit: $D/none.csv: no such file" && err_lines 1
run 1 info "$D" && err_has "^learnkit: $D: not a dataset directory" && err_lines 1
printf '1,2\n' > "$D/a.dat"
run 1 info "$D/a.dat" && err_has "a.dat: cannot tell the format .*; see --format$" && err_lines 1

# ---------------------------------------------------------------- usage errors: exit 2
run 2 info --scale bogus "$D/iris.csv" && err_has "^learnkit: --scale: unknown value 'bogus'" && err_lines 1 && out_empty
run 2 info --format csb "$D/iris.csv" && err_has "did you mean 'csv'" && err_lines 1
run 2 info --holdout 1.5 "$D/iris.csv" && err_has "^learnkit: --holdout" && err_lines 1
run 2 info --label-col 0 "$D/iris.csv" && err_has "^learnkit: --label-col" && err_lines 1
run 2 info --header maybe "$D/iris.csv" && err_has "--header: unknown value 'maybe'" && err_lines 1
run 2 info "$D/iris.csv" "$D/iris.csv" && err_lines 1
run 0 info --help && out_has '^usage: learnkit info' && out_has -- '--data-dir' && out_has -- '--label-col'
run 0 fetch --help && out_has '^usage: learnkit fetch' && out_has -- '--from'
run 2 fetch cifar && err_has "unknown dataset 'cifar'" && err_lines 1

# ---------------------------------------------------------------- fetch verification
F="$TMPD/from"
mkdir -p "$F"
printf 'definitely not MNIST' > "$F/train-images-idx3-ubyte"
run 1 fetch --from "$F" --data-dir "$TMPD/store" mnist \
    && err_has "^learnkit: $F/train-images-idx3-ubyte: .*expected 47040016" && out_empty
checks=$((checks + 1))
if ls "$TMPD/store/mnist" 2>/dev/null | grep -q .; then
    failures=$((failures + 1))
    echo "FAIL: a refused fetch left files in $TMPD/store/mnist"
fi
run 1 fetch --from "$TMPD/nowhere" --data-dir "$TMPD/store" mnist && err_has 'nowhere: no train-images-idx3-ubyte'

# With the real files (LEARNKIT_DATA as CI sets it): fetch --from verifies
# and installs them, and info finds them.
real=""
for cand in "${REAL_LEARNKIT_DATA:-}/mnist" "${REAL_LEARNKIT_DATA:-}"; do
    [ -f "$cand/train-labels-idx1-ubyte.gz" ] || [ -f "$cand/train-labels-idx1-ubyte" ] || continue
    real=$cand
    break
done
if [ -n "$real" ]; then
    run 0 fetch --from "$real" --data-dir "$TMPD/store" mnist && err_has 'verified'
    run 0 info --data-dir "$TMPD/store" && out_has '^train +60000 x 784 ' \
        && out_has '^test +10000 x 784 ' && out_has '^classes +10$'
    run 0 fetch --data-dir "$TMPD/store" mnist && err_has 'already in'
else
    echo "note: MNIST not found through LEARNKIT_DATA; the fetch/info checks on it were skipped"
fi
finish
