#!/bin/sh
# cli_data.sh — info and fetch from the command line: shapes, classes, JSON,
# exit codes and one-line FILE:PLACE messages for bad data.
. "${top_srcdir:-.}/tests/cli.sh.inc"

cat > "$TMPD/iris.csv" <<'CSV'
species,sepal,petal
setosa,5.1,1.4
versicolor,7.0,4.7
setosa,4.9,1.4
virginica,6.3,6.0
versicolor,6.4,4.5
virginica,5.8,5.1
setosa,4.7,1.3
versicolor,6.9,4.9
virginica,7.1,5.9
setosa,5.0,1.5
CSV
run 0 info "$TMPD/iris.csv" --holdout 0.3 && out_has 'train +7 x 2' && out_has 'test +3 x 2' &&
    out_has 'classes +3' && out_has 'setosa' && out_has 'scaled standard'
run 0 info --json "$TMPD/iris.csv" && out_has '"n_classes": 3' && out_has '"test_is_holdout": true'

printf '1 1:0.5 3:1\n-1 2:2\n1 1:1\n-1 3:-1\n' > "$TMPD/a.svm"
printf '1 2:0.5\n-1 1:1\n' > "$TMPD/a.t"
run 0 info "$TMPD/a.svm" --test "$TMPD/a.t" && out_has 'train +4 x 3' && out_has 'test +2 x 3'
run 0 info "$TMPD/a.svm" --test "$TMPD/a.t" --features 10 && out_has 'train +4 x 10'
# The library names parameters; the command line shows the option that sets them.
run 1 elm --hidden 200 --max-memory 1K -q "$TMPD/iris.csv" &&
    err_has '^learnkit: --max-memory: 200 hidden units need [0-9]+ MiB, more than the 0 MiB allowed; use fewer units( or the ridge solver)?$' &&
    err_lines 1

# Bad data: exit 1, one line naming the file and the place.
printf 'label,a,b\n1,2,3\n0,4.2.1,3\n' > "$TMPD/bad.csv"
run 1 info "$TMPD/bad.csv" && err_has "^learnkit: $TMPD/bad.csv:3:2: \"4.2.1\" is not a number$" && err_lines 1
printf '1,2,3\n0,4\n' > "$TMPD/ragged.csv"
run 1 info "$TMPD/ragged.csv" && err_has "ragged.csv:2: expected 3 fields like the first row, found 2" && err_lines 1
printf '1 0:1\n' > "$TMPD/zero.svm"
run 1 info "$TMPD/zero.svm" && err_has 'zero.svm:1:2: index 0' && err_lines 1
run 1 info "$TMPD/nothing.csv" && err_has 'nothing.csv: no such file' && err_lines 1
run 1 info no-such-dataset && err_has 'no-such-dataset: no such file, directory or dataset'
mkdir "$TMPD/notaset"
run 1 info "$TMPD/notaset" && err_has 'notaset: not a dataset directory'

# Usage errors: exit 2.
run 2 info --holdout 1.5 "$TMPD/iris.csv" && err_has -- '--holdout: 1.5 is out of range'
run 2 info --holdout abc "$TMPD/iris.csv" && err_has -- "--holdout: 'abc' is not a number"
run 2 info --scale unti "$TMPD/iris.csv" && err_has -- "--scale: unknown value 'unti' \(did you mean 'unit'\?\)"
run 2 info --format xml "$TMPD/iris.csv" && err_has -- "--format: unknown value 'xml'"
run 2 info --label-col 0 "$TMPD/iris.csv" && err_has -- '--label-col: 0 is out of range'
run 1 info --label-col 9 "$TMPD/iris.csv" && err_has 'label column 9, but the rows have 3 fields'
run 2 info a b && err_has "unexpected argument 'b'"

# fetch: an unknown dataset, a source without the files, a corrupt file refused.
run 2 fetch cifar && err_has "unknown dataset 'cifar'"
mkdir "$TMPD/src" "$TMPD/dest"
run 1 fetch mnist --from "$TMPD/src" --data-dir "$TMPD/dest" && err_has 'no train-images-idx3-ubyte'
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    printf 'not the real file' > "$TMPD/src/$f"
done
run 1 fetch mnist --from "$TMPD/src" --data-dir "$TMPD/dest" && err_has 'expected 47040016' && err_lines 1
no_file "$TMPD/dest/mnist/train-images-idx3-ubyte"
finish
