#!/usr/bin/python3
"""Every learnkit learner with default options against scikit-learn's
default estimators on scikit-learn's bundled iris, wine, breast cancer and
digits sets (75/25 stratified split, random_state 0, standardized on the
training rows).

    /usr/bin/python3 bench/defaults_bench.py --learnkit ./learnkit [--data tests/data]

References: MLPClassifier(), LogisticRegression(), RidgeClassifier() and
Perceptron() (mean over random_state 0-9), and a numpy ELM of 200 sigmoid
units with ridge C = 1 (U[-1, 1] weights, U[0, 1] biases; mean over seeds
0-9).  Prints accuracy and time side by side, and the bound make check holds
for each learner: the reference minus 3 points (iris: 5)."""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Perceptron, RidgeClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets"))
import sklearn_splits  # noqa: E402

SETS = ["iris", "wine", "breast_cancer", "digits"]
SEEDS = range(10)
# learnkit learner -> (reference name, how to fit it)
PAIRS = [("mlp", "MLPClassifier()"), ("elm", "numpy ELM 200, C=1"),
         ("lsq", "RidgeClassifier()"), ("logreg", "LogisticRegression()"),
         ("perceptron", "Perceptron()"), ("ae", "LogisticRegression()")]
EXTRA = {"ae": ["--classify"]}


def numpy_elm(xtr, ytr, xte, seed, hidden=200, c=1.0):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (hidden, xtr.shape[1]))
    b = rng.uniform(0, 1, hidden)
    k = ytr.max() + 1
    h = 1 / (1 + np.exp(-(xtr @ a.T + b)))
    t = np.eye(k)[ytr]
    beta = np.linalg.solve(h.T @ h + np.eye(hidden) / c, h.T @ t)
    ht = 1 / (1 + np.exp(-(xte @ a.T + b)))
    return (ht @ beta).argmax(1)


def reference(name, xtr, ytr, xte, yte):
    """Mean test accuracy and mean fit+predict seconds over SEEDS."""
    accs, secs = [], []
    for seed in SEEDS:
        t0 = time.perf_counter()
        if name.startswith("numpy ELM"):
            pred = numpy_elm(xtr, ytr, xte, seed)
        else:
            est = {"MLPClassifier()": MLPClassifier(random_state=seed),
                   "LogisticRegression()": LogisticRegression(random_state=seed),
                   "RidgeClassifier()": RidgeClassifier(random_state=seed),
                   "Perceptron()": Perceptron(random_state=seed)}[name]
            pred = est.fit(xtr, ytr).predict(xte)
        secs.append(time.perf_counter() - t0)
        accs.append(float((pred == yte).mean()))
    return float(np.mean(accs)), float(np.mean(secs))


def learnkit(exe, learner, data, name):
    cmd = [exe, learner] + EXTRA.get(learner, []) + [
        os.path.join(data, name + "-train.csv"), "--test",
        os.path.join(data, name + "-test.csv"), "--json", "-q"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    r = json.loads(out)
    return r["test_accuracy"], r["train_seconds"], wall, r["params"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--learnkit", default="./learnkit")
    ap.add_argument("--data", default=None, help="directory of NAME-{train,test}.csv "
                    "(default: written by datasets/sklearn_splits.py to a temporary directory)")
    ap.add_argument("--params", action="store_true", help="also print the chosen params")
    args = ap.parse_args()
    data = args.data
    if data is None:
        import tempfile
        data = tempfile.mkdtemp()
        for name in SETS:
            xtr, xte, ytr, yte = sklearn_splits.split(name)
            sklearn_splits.write(os.path.join(data, name + "-train.csv"), xtr, ytr)
            sklearn_splits.write(os.path.join(data, name + "-test.csv"), xte, yte)
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("%-14s %-11s %9s %9s %9s  %-22s %9s %9s %7s" % (
        "dataset", "learnkit", "test %", "train s", "wall s", "reference", "test %", "fit s",
        "bound"))
    for name in SETS:
        xtr, xte, ytr, yte = sklearn_splits.split(name)
        sc = StandardScaler().fit(xtr)
        xtr, xte = sc.transform(xtr), sc.transform(xte)
        refs = {}
        for learner, ref in PAIRS:
            if ref not in refs:
                refs[ref] = reference(ref, xtr, ytr, xte, yte)
            racc, rsec = refs[ref]
            acc, tsec, wall, params = learnkit(args.learnkit, learner, data, name)
            margin = 5 if name == "iris" else 3
            bound = 100 * racc - margin
            flag = "" if 100 * acc >= bound else "  BELOW"
            print("%-14s %-11s %9.2f %9.3f %9.3f  %-22s %9.2f %9.3f %7.2f%s" % (
                name, learner, 100 * acc, tsec, wall, ref, 100 * racc, rsec, bound, flag))
            if args.params:
                print("    params " + json.dumps(params, sort_keys=True))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
