#!/bin/sh
# cli_core.sh — the program's contract: help, version, exit codes, messages.
. "${top_srcdir:-.}/tests/cli.sh.inc"

run 0 --help && out_has '^usage: learnkit COMMAND' && out_has '^  elm ' && out_has '^  inspect '
run 0 --version && out_has '^learnkit [0-9]+\.[0-9]+\.[0-9]+ \((float|double);'
run 2 && err_has 'usage: learnkit'
run 2 mlpp && err_has "^learnkit: unknown command 'mlpp' \(did you mean 'mlp'\?\)$" && err_lines 1
run 2 frobnicate && err_has "unknown command 'frobnicate'" && err_lines 1
run 2 --frobnicate && err_has "unknown option '--frobnicate'"
run 0 inspect --help && out_has '^usage: learnkit inspect' && out_has -- '--json'
run 2 inspect && err_has 'expected one MODEL file' && err_lines 1
run 2 inspect --jsno m.lkm && err_has "unknown option '--jsno' \(did you mean --json\?\)"
run 2 inspect --seed abc m.lkm && err_has "^learnkit: --seed: 'abc' is not a number$"
run 2 inspect --threads 1.5 m.lkm && err_has "--threads: '1.5' is not a whole number"
run 2 inspect --seed nan m.lkm && err_has "--seed"
run 1 inspect "$TMPD/missing.lkm" && err_has "^learnkit: $TMPD/missing.lkm: cannot open" && err_lines 1
printf 'not a model at all, just some text\n' > "$TMPD/text.lkm"
run 1 inspect "$TMPD/text.lkm" && err_has "text.lkm:byte 0: not a learnkit model" && err_lines 1
: > "$TMPD/empty.lkm"
run 1 inspect "$TMPD/empty.lkm" && err_has "empty.lkm:byte 0: file too short"
# Strict numbers in lists name the element (before any data is read).
run 2 mlp --layers 784,abc,10 && err_has "^learnkit: --layers: element 2: 'abc' is not a whole number$" && err_lines 1
run 2 mlp --layers 784,-5,10 && err_has "element 2"
run 2 elm --hidden 1e3x && err_has -- "--hidden"
run 2 mlp --lr nan && err_has -- "--lr"
run 2 mlp --lyers 784,10 && err_has "did you mean --layers\?"
# A name the library refuses while the options are checked is a usage error
# (exit 2), one line naming the option and the names it accepts.
run 2 mlp --activation gelu && err_has "^learnkit: --activation: unknown activation 'gelu' \(expected identity, .*softplus or softmax\)$" && err_lines 1
run 2 mlp --loss mae && err_has "^learnkit: --loss: unknown loss 'mae' \(expected mse, bce, softmax-ce or perceptron\)$"
run 2 mlp --optimizer rmsprop && err_has "^learnkit: --optimizer: unknown optimizer 'rmsprop' \(expected sgd, momentum or adam\)$"
run 2 mlp --init xavier && err_has "^learnkit: --init: unknown initialization 'xavier'"
run 2 elm --activation gelu && err_has "^learnkit: --activation: unknown activation 'gelu'" && err_lines 1
run 2 elm --solver qr && err_has "^learnkit: --solver: unknown value 'qr' \(expected svd, ridge or auto\)$"
run 2 logreg --solver newton && err_has "^learnkit: --solver: unknown solver 'newton' \(expected lbfgs or adam\)$"
run 2 ae --activation gelu && err_has "^learnkit: --activation: unknown activation 'gelu'" && err_lines 1
run 2 ae --noise-type salt && err_has "^learnkit: --noise-type: unknown value 'salt' \(expected mask or gauss\)$"
run 2 ae --solver mdaa && err_has "^learnkit: --solver: unknown value 'mdaa' \(did you mean 'mda'\?\)$"
# --threads 0 is every core, even when OPENBLAS_NUM_THREADS asks for fewer
# (which only sets the count when --threads is not given); a negative count
# is refused.
printf '0,1,2\n1,2,3\n0,1,1\n1,3,2\n0,0,1\n1,2,2\n' > "$TMPD/t.csv"
threads() { sed -n 's/.*"threads": *\([0-9]*\).*/\1/p' "$TMPD/out"; }
run 0 mlp --hidden 3 --epochs 1 --json -q "$TMPD/t.csv" && all=$(threads)
OPENBLAS_NUM_THREADS=1 run 0 mlp --hidden 3 --epochs 1 --json -q --threads 0 "$TMPD/t.csv"
checks=$((checks + 1))
[ -n "$all" ] && [ "$(threads)" = "$all" ] ||
    { failures=$((failures + 1)); echo "FAIL: --threads 0 gave $(threads) threads, all cores are $all"; }
run 0 mlp --hidden 3 --epochs 1 --json -q --threads 1 "$TMPD/t.csv" && out_has '"threads": 1,?$'
run 2 mlp --threads -1 "$TMPD/t.csv" && err_has "^learnkit: --threads: -1 is out of range \(expected 0 to 4096\)$"
run 0 mlp --help && out_has -- '--threads N +BLAS threads, 0 for all cores'
# The public headers, the user's documentation of the library, point at no
# file outside the source tree.
checks=$((checks + 1))
if grep -n '\.\./\|SPEC\.md' "${top_srcdir:-.}"/include/learnkit.h "${top_srcdir:-.}"/include/learnkit/*.h; then
    failures=$((failures + 1)); echo "FAIL: a public header points outside the tree"
fi
finish
