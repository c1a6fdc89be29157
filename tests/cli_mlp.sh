#!/bin/sh
# cli_mlp.sh — `learnkit mlp` on a small CSV: options, usage errors, JSON
# history with per-layer gradient norms, a NaN loss that leaves no model.
. "${top_srcdir:-.}/tests/cli.sh.inc"

# Three separable classes in 3 features (labels first), 90 rows.
awk 'BEGIN { srand(7); for (i = 0; i < 90; i++) { c = i % 3;
      printf "%d,%.4f,%.4f,%.4f\n", c, (c==0)*2 + rand(), (c==1)*2 + rand(), (c==2)*2 + rand() } }' \
    > "$TMPD/blobs.csv"
D="$TMPD/blobs.csv"
# flat: the JSON on stdout without blanks and newlines, for one-line patterns
flat() { tr -d ' \n' < "$TMPD/out" > "$TMPD/flat" && mv "$TMPD/flat" "$TMPD/out"; }

run 0 mlp --help && out_has '^usage: learnkit mlp' && out_has -- '--clip-norm' && out_has -- '--patience'
run 0 mlp --hidden 7,5 --activation tanh,prelu --epochs 30 --batch 16 --lr 0.01 -q --json "$D" &&
    flat && out_has '"model":"mlp"' && out_has '"history":\[\{"epoch":1,"loss":' &&
    out_has '"grad_norm":\[[0-9.e-]+,[0-9.e-]+,[0-9.e-]+\]' &&
    out_has '"activations":\["tanh","prelu:0.25","softmax"\]'
run 0 mlp --layers 3,6,3 --epochs 2 --verbose --threads 1 -o "$TMPD/m.lkm" "$D" &&
    err_has '^epoch 2/2  loss [0-9.]+  train [0-9.]+%  test [0-9.]+%' && err_has 'gradient norm by layer: [0-9.e-]+ [0-9.e-]+$' &&
    out_has '^test accuracy'
run 0 inspect "$TMPD/m.lkm" && out_has 'mlp'
# --proba: a softmax output gives probabilities; an identity output gives
# scores, which predict refuses to pass off as probabilities.
run 0 predict -m "$TMPD/m.lkm" --proba "$D" && out_has '^0,1,2$' &&
    out_has '^0\.[0-9]+,0\.[0-9]+,0\.[0-9]+$'
run 0 mlp --layers 3,5,3 --output identity --loss mse --epochs 2 -q -o "$TMPD/id.lkm" "$D"
run 2 predict -m "$TMPD/id.lkm" --proba "$D" && err_has 'scores, not probabilities' &&
    err_lines 1
run 0 mlp --layers 3,5,3 --activation sigmoid --loss mse --optimizer sgd --lr 0.5 --epochs 2 -q "$D"
run 0 mlp --layers 3,5,3 --loss bce --optimizer momentum --nesterov --epochs 2 -q "$D"
run 0 mlp --layers 3,5,3 --validation 0.25 --patience 2 --epochs 50 --json -q "$D" && out_has '"best_epoch": [0-9]+' &&
    out_has '"val_loss": [0-9.]+'
run 2 mlp --layers 4,5,3 -q "$D" && err_has '^learnkit: --layers: the first width is 4 but the data has 3 features$' && err_lines 1
run 2 mlp --layers 3,5,4 "$D" && err_has 'the last width is 4 but the data has 3 classes'
run 2 mlp --layers 3,5,3 --hidden 5 "$D" && err_has 'not both'
run 2 mlp --hidden 5 --activation swish "$D" && err_has "unknown activation 'swish'" && err_lines 1
run 2 mlp --hidden 5,4 --activation relu,tanh,elu "$D" && err_has '3 names for 2 hidden layers'
run 2 mlp --hidden 5 --activation softmax "$D" && err_has 'softmax is for the output layer'
run 2 mlp --hidden 5 --loss bce --output identity "$D" && err_has 'needs a sigmoid output'
run 2 mlp --hidden 5 --optimizer rmsprop "$D" && err_has "unknown optimizer 'rmsprop'"
run 2 mlp --hidden 5 --nesterov "$D" && err_has 'needs --optimizer momentum'
run 2 mlp --hidden 5 --batch 0 "$D" && err_has -- '--batch'
run 2 mlp --hidden 5 --init xavier "$D" && err_has "unknown initialization 'xavier'"
# Divergence: plain SGD with a huge step on a linear network.
run 1 mlp --hidden 5 --activation identity --output identity --loss mse --optimizer sgd \
    --lr 1e5 --epochs 50 -o "$TMPD/nan.lkm" "$D" &&
    err_has '^learnkit: training:epoch [0-9]+, batch [0-9]+: the loss is (NaN|infinite); try a smaller learning rate \(--lr\)$'
no_file "$TMPD/nan.lkm"
# --batch-norm: its entries in the model; eval with the running averages
# gives the test accuracy the run reported.  --dropout: one value or one
# per hidden layer, in [0, 0.99]; seeded, so a rerun gives the same bytes.
num() { sed -n "s/.*\"$1\": *\([0-9.e-]*\).*/\1/p" "$TMPD/out" | head -1; }
run 0 mlp --hidden 8,6 --batch-norm --epochs 5 --batch 16 --threads 1 --json -q \
    -o "$TMPD/bn.lkm" --test "$D" "$D" && out_has '"batch_norm": true'
bn_acc=$(num test_accuracy)
run 0 inspect "$TMPD/bn.lkm" && out_has 'arch.batchnorm' && out_has 'bn.scale.1 +1 x 6' &&
    out_has 'bn.var.0 +1 x 8' && out_lacks 'bn.scale.2'
run 0 eval -m "$TMPD/bn.lkm" --json --threads 1 --test "$D" "$D"
checks=$((checks + 1))
if ! awk -v a="$bn_acc" -v b="$(num accuracy)" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; then
    failures=$((failures + 1)); echo "FAIL: eval accuracy $(num accuracy), training run $bn_acc"
fi
run 0 mlp --hidden 8,6 --dropout 0.3,0.1 --epochs 3 --batch 16 --threads 1 --json -q -o "$TMPD/d1.lkm" "$D" &&
    flat && out_has '"dropout":\[0.3,0.1\]'
run 0 mlp --hidden 8,6 --dropout 0.3,0.1 --epochs 3 --batch 16 --threads 1 -q -o "$TMPD/d2.lkm" "$D"
cmp -s "$TMPD/d1.lkm" "$TMPD/d2.lkm" || { failures=$((failures + 1)); echo "FAIL: dropout not seeded"; }
run 0 mlp --hidden 8,6 --dropout 0 --epochs 3 --batch 16 --threads 1 -q -o "$TMPD/d0.lkm" "$D"
run 0 mlp --hidden 8,6 --epochs 3 --batch 16 --threads 1 -q -o "$TMPD/dn.lkm" "$D"
cmp -s "$TMPD/d0.lkm" "$TMPD/dn.lkm" || { failures=$((failures + 1)); echo "FAIL: --dropout 0 changed the model"; }
cmp -s "$TMPD/d1.lkm" "$TMPD/dn.lkm" && { failures=$((failures + 1)); echo "FAIL: --dropout 0.3 changed nothing"; }
run 2 mlp --hidden 8,6 --dropout 1 "$D" && err_has -- '--dropout' && err_lines 1
run 2 mlp --hidden 8,6 --dropout 0.2,0.2,0.2 "$D" && err_has '3 values for 2 hidden layers' && err_lines 1
run 2 mlp --hidden 8 --dropout 0.2,x "$D" && err_has -- '--dropout' && err_lines 1
finish
