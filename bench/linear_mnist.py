#!/usr/bin/python3
"""Linear baselines on MNIST beside their scikit-learn twins, in one run.

    bench/linear_mnist.py [--learnkit PATH] [--data DIR] [--threads N] [--skip-sklearn]

learnkit logreg (L-BFGS) against LogisticRegression(solver="lbfgs"), and
learnkit perceptron (10 epochs, plain and --averaged) against Perceptron(),
all on the same MNIST files, pixels divided by 255, with N BLAS threads
(default 2).  Times are training times as each tool reports them (learnkit:
train_seconds; scikit-learn: the wall time of fit).  Prints a table and
checks the targets: logreg >= 92.5% in <= 1/2 of LogisticRegression's time;
perceptron >= 88%, averaged >= 89.5%.  Exit status 1 if a target is missed.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time


def idx(path):
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(d, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    sys.exit("bench: %s not found in %s" % (stem, d))


def learnkit(exe, data, threads, args):
    cmd = [exe] + args + ["--threads", str(threads), "--json", "-q", "--data-dir", data, "mnist"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return r["test_accuracy"], r["train_seconds"], r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--learnkit", default="./learnkit")
    ap.add_argument("--data", default=os.environ.get("LEARNKIT_DATA", "/work/shared/datasets"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-sklearn", action="store_true")
    a = ap.parse_args()
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[v] = str(a.threads)
    mdir = os.path.join(a.data, "mnist")
    rows = []
    ok = True

    lk_lr = learnkit(a.learnkit, a.data, a.threads, ["logreg"])
    lk_p = learnkit(a.learnkit, a.data, a.threads, ["perceptron", "--epochs", "10"])
    lk_pa = learnkit(a.learnkit, a.data, a.threads, ["perceptron", "--epochs", "10", "--averaged"])
    rows.append(("learnkit logreg (lbfgs)", lk_lr[0], lk_lr[1],
                 "%d it, loss %.4f, |g| %.2g, %s" % (lk_lr[2]["iterations"], lk_lr[2]["final_loss"],
                                                   lk_lr[2]["grad_norm"], lk_lr[2]["stop"])))
    rows.append(("learnkit perceptron", lk_p[0], lk_p[1], "%d epochs" % lk_p[2]["epochs"]))
    rows.append(("learnkit perceptron --averaged", lk_pa[0], lk_pa[1], "%d epochs" % lk_pa[2]["epochs"]))

    sk_lr_time = None
    if not a.skip_sklearn:
        import warnings
        import numpy as np
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression, Perceptron
        warnings.simplefilter("ignore", ConvergenceWarning)
        xtr = idx(find(mdir, "train-images-idx3-ubyte")).reshape(60000, -1).astype(np.float64) / 255
        ytr = idx(find(mdir, "train-labels-idx1-ubyte"))
        xte = idx(find(mdir, "t10k-images-idx3-ubyte")).reshape(10000, -1).astype(np.float64) / 255
        yte = idx(find(mdir, "t10k-labels-idx1-ubyte"))
        m = LogisticRegression(solver="lbfgs", max_iter=100)
        t0 = time.perf_counter(); m.fit(xtr, ytr); sk_lr_time = time.perf_counter() - t0
        rows.append(("sklearn LogisticRegression(lbfgs)", m.score(xte, yte), sk_lr_time,
                     "%d it" % int(np.max(m.n_iter_))))
        p = Perceptron(random_state=1)
        t0 = time.perf_counter(); p.fit(xtr, ytr); t = time.perf_counter() - t0
        rows.append(("sklearn Perceptron()", p.score(xte, yte), t, "%d epochs" % p.n_iter_))
        p = Perceptron(random_state=1, max_iter=10, tol=None)
        t0 = time.perf_counter(); p.fit(xtr, ytr); t = time.perf_counter() - t0
        rows.append(("sklearn Perceptron(max_iter=10)", p.score(xte, yte), t, "%d epochs" % p.n_iter_))

    print("%-36s %8s %9s  %s" % ("learner", "test %", "train s", "notes"))
    for name, acc, sec, note in rows:
        print("%-36s %8.2f %9.2f  %s" % (name, 100 * acc, sec, note))

    def target(what, cond):
        nonlocal ok
        print("%-60s %s" % (what, "ok" if cond else "MISSED"))
        ok &= cond
    target("logreg >= 92.5%", lk_lr[0] >= 0.925)
    if sk_lr_time is not None:
        target("logreg time <= 1/2 LogisticRegression (%.2f s vs %.2f s)" % (lk_lr[1], sk_lr_time),
               lk_lr[1] <= sk_lr_time / 2)
    target("perceptron >= 88% in 10 epochs", lk_p[0] >= 0.88)
    target("averaged perceptron >= 89.5% in 10 epochs", lk_pa[0] >= 0.895)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
