#!/bin/sh
# cli_model.sh — a model file from someone else: rewritten so that it is
# well-formed (CRC recomputed) but means something a fit would refuse, it
# is refused with the file and the key named, never a crash.
. "${top_srcdir:-.}/tests/cli.sh.inc"

awk 'BEGIN { srand(5); for (i = 0; i < 60; i++) { c = i % 3;
     printf "%d,%.4f,%.4f,%.4f\n", c, c + rand(), rand(), 2 - c + rand() } }' > "$TMPD/d.csv"

# fixcrc FILE: write the CRC-32 of all but the last 4 bytes into them (gzip's
# trailer holds the same CRC-32, little-endian).
fixcrc() {
    head -c -4 "$1" > "$1.body" &&
        gzip -c < "$1.body" | tail -c 8 | head -c 4 > "$1.crc" &&
        cat "$1.body" "$1.crc" > "$1" && rm -f "$1.body" "$1.crc"
}

run 0 elm --hidden 20 -q -o "$TMPD/m.lkm" "$TMPD/d.csv"
run 0 predict -m "$TMPD/m.lkm" "$TMPD/d.csv" && out_has '^[012]$'

# The activation rewritten to PReLU, which has no slopes in an ELM: this
# once reached the predictor with a NULL slope and crashed.
LC_ALL=C sed 's/sigmoid/prelu:1/' "$TMPD/m.lkm" > "$TMPD/prelu.lkm" && fixcrc "$TMPD/prelu.lkm"
run 0 inspect "$TMPD/prelu.lkm" && out_has 'arch.activation +prelu:1'
run 1 predict -m "$TMPD/prelu.lkm" "$TMPD/d.csv" &&
    err_has "^learnkit: $TMPD/prelu.lkm:arch.activation: prelu has a learnable slope, which a closed-form fit does not train$" &&
    err_lines 1
run 1 eval -m "$TMPD/prelu.lkm" "$TMPD/d.csv" && err_has 'prelu.lkm:arch.activation: ' && err_lines 1

# A file of format 1.0: refused whole.
cp "$TMPD/m.lkm" "$TMPD/old.lkm" && printf '\001' | dd of="$TMPD/old.lkm" bs=1 seek=8 conv=notrunc 2>/dev/null &&
    fixcrc "$TMPD/old.lkm"
run 1 predict -m "$TMPD/old.lkm" "$TMPD/d.csv" &&
    err_has "^learnkit: $TMPD/old.lkm: format 1.0: retrain with this version$" && err_lines 1
run 1 inspect "$TMPD/old.lkm" && err_has 'format 1.0: retrain with this version'
finish
