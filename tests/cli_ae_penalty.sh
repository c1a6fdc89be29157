#!/bin/sh
# cli_ae_penalty.sh — `ae --sparsity` and `ae --contractive` on a small CSV:
# the sparse codes' mean activation lands near RHO, the contractive codes
# move less under a small change of the input, both combine with --tied,
# --noise and stacking, save and load, and misuse is refused in one line.
. "${top_srcdir:-.}/tests/cli.sh.inc"

gen() {
    awk -v n="$1" -v seed="$2" -v eps="$3" 'BEGIN { srand(seed); for (i = 0; i < n; i++) { c = i % 3;
         printf "%d", c; for (j = 0; j < 8; j++) printf ",%.4f", (j % 3 == c) * 0.8 + rand() + eps * (j % 2 ? 1 : -1);
         printf "\n" } }'
}
gen 150 7 0 > "$TMPD/tr.csv"
gen 60 8 0 > "$TMPD/te.csv"
gen 60 8 0.03 > "$TMPD/te2.csv"
A="--scale unit --epochs 200 --batch 10 --lr 0.01 --threads 1 -q"
# mean_code FILE: the mean of every code in encode's CSV output
mean_code() { awk -F, '{ for (j = 2; j <= NF; j++) s += $j; n += NF - 1 } END { printf "%.6f", s / n }' "$1"; }
# moved A B: the mean absolute difference of two encode outputs
moved() { paste -d, "$1" "$2" | awk -F, '{ k = (NF - 2) / 2; for (j = 2; j <= k + 1; j++) { d = $j - $(j + k + 1); s += d < 0 ? -d : d; n++ } } END { printf "%.6f", s / n }'; }
check() {
    checks=$((checks + 1))
    if ! awk "BEGIN { exit !($1) }"; then
        failures=$((failures + 1))
        echo "FAIL: $2"
    fi
}

run 0 ae --help && out_has -- '--sparsity RHO' && out_has -- '--sparsity-weight BETA' &&
    out_has -- '--contractive LAMBDA'

run 0 ae --hidden 6 $A -o "$TMPD/plain.lkm" "$TMPD/tr.csv"
run 0 ae --hidden 6 --sparsity 0.05 --sparsity-weight 3 --json $A -o "$TMPD/sparse.lkm" "$TMPD/tr.csv" &&
    out_has '"sparsity": 0.05' && out_has '"sparsity_weight": 3'
run 0 encode -m "$TMPD/plain.lkm" -o "$TMPD/plain.csv" "$TMPD/te.csv"
run 0 encode -m "$TMPD/sparse.lkm" -o "$TMPD/sparse.csv" "$TMPD/te.csv"
p=$(mean_code "$TMPD/plain.csv") s=$(mean_code "$TMPD/sparse.csv")
check "$s > 0.025 && $s < 0.1 && $p > 0.2" "mean code: sparse $s (target 0.05), plain $p"

run 0 ae --hidden 6 --contractive 1 --json $A -o "$TMPD/cae.lkm" "$TMPD/tr.csv" &&
    out_has '"contractive": 1'
for m in plain cae; do
    run 0 encode -m "$TMPD/$m.lkm" -o "$TMPD/$m.1" "$TMPD/te.csv"
    run 0 encode -m "$TMPD/$m.lkm" -o "$TMPD/$m.2" "$TMPD/te2.csv"
done
mp=$(moved "$TMPD/plain.1" "$TMPD/plain.2") mc=$(moved "$TMPD/cae.1" "$TMPD/cae.2")
check "$mc < 0.5 * $mp" "codes moved $mc (contractive) against $mp (plain)"

# Combined with tying, noise and a stack; saved, inspected, loaded.
run 0 ae --hidden 6,4 --tied --noise 0.2 --sparsity 0.1 --contractive 0.3 --epochs 3 --threads 1 -q \
    -o "$TMPD/both.lkm" "$TMPD/tr.csv"
run 0 inspect "$TMPD/both.lkm" && out_has 'dec.1.tied +1'
run 0 encode -m "$TMPD/both.lkm" "$TMPD/te.csv" && out_has '^0(,[0-9.e-]+){4}$'
run 0 score -m "$TMPD/both.lkm" "$TMPD/te.csv" && out_has '^[0-9.e-]+$'

run 2 ae --sparsity-weight 2 "$TMPD/tr.csv" && err_has 'needs --sparsity' && err_lines 1
run 2 ae --sparsity 1 "$TMPD/tr.csv" && err_lines 1
run 2 ae --sparsity 0.1 --solver elm "$TMPD/tr.csv" && err_has 'backprop' && err_lines 1
run 2 ae --contractive 0.1 --activation relu "$TMPD/tr.csv" && err_has 'sigmoid' && err_lines 1
run 2 ae --contractive -1 "$TMPD/tr.csv" && err_lines 1
finish
