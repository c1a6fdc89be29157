#!/usr/bin/python3
"""Autoencoders as outlier detectors on MNIST: train on every digit but one,
score the whole test set by reconstruction error, and report the ROC AUC of
that score for the digit never seen, for the backprop and the closed-form
(mDA) autoencoder side by side.  Usage:
    bench/ae_anomaly.py LEARNKIT MNIST_DIR [--digit 0] [--hidden 100] [--epochs 10]
MNIST_DIR holds the IDX files (plain or .gz).  The training set without the
digit is written as an IDX directory under a temporary directory; the test
set is copied whole.  Standard library only."""
import argparse, gzip, json, os, re, shutil, subprocess, sys, tempfile

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def read(d, name):
    for p, op in ((os.path.join(d, name), open), (os.path.join(d, name + ".gz"), gzip.open)):
        if os.path.exists(p):
            with op(p, "rb") as f:
                return f.read()
    sys.exit("no %s in %s" % (name, d))


def without(images, labels, digit):
    """IDX images and labels without the rows of one digit."""
    n = int.from_bytes(images[4:8], "big")
    size = int.from_bytes(images[8:12], "big") * int.from_bytes(images[12:16], "big")
    keep = [i for i in range(n) if labels[8 + i] != digit]
    img = bytearray(images[:16])
    img[4:8] = len(keep).to_bytes(4, "big")
    lab = bytearray(labels[:8])
    lab[4:8] = len(keep).to_bytes(4, "big")
    for i in keep:
        img += images[16 + i * size:16 + (i + 1) * size]
        lab.append(labels[8 + i])
    return bytes(img), bytes(lab), len(keep)


def run(cmd):
    print("$ " + " ".join(cmd), file=sys.stderr)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("learnkit")
    ap.add_argument("mnist")
    ap.add_argument("--digit", type=int, default=0)
    ap.add_argument("--hidden", default="100")
    ap.add_argument("--epochs", default="10")
    ap.add_argument("--threads", default="2")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lk-anomaly-")
    try:
        d = os.path.join(tmp, "no%d" % a.digit)
        os.mkdir(d)
        img, lab, n = without(read(a.mnist, NAMES[0]), read(a.mnist, NAMES[1]), a.digit)
        for name, b in ((NAMES[0], img), (NAMES[1], lab), (NAMES[2], read(a.mnist, NAMES[2])),
                        (NAMES[3], read(a.mnist, NAMES[3]))):
            with open(os.path.join(d, name), "wb") as f:
                f.write(b)
        print("training rows without digit %d: %d" % (a.digit, n))
        common = ["--threads", a.threads, "-q", "--json"]
        for solver, opts in (("backprop", ["--hidden", a.hidden, "--epochs", a.epochs]),
                             ("mda", ["--noise", "0.5"])):
            model = os.path.join(tmp, solver + ".lkm")
            r = json.loads(run([a.learnkit, "ae", "--solver", solver] + opts + common +
                               ["-o", model, d]).stdout)
            s = json.loads(run([a.learnkit, "score", "-m", model, "--anomaly", str(a.digit),
                                "--threads", a.threads, "--json", d]).stdout)
            print("%-9s train %6.1f s  test_mse %.5f  AUC digit %d: %.4f"
                  % (solver, r["train_seconds"], r["test_mse"], a.digit, s["roc_auc"]))
    finally:
        shutil.rmtree(tmp)


main()
