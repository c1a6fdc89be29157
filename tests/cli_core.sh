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
finish
