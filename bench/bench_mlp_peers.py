#!/usr/bin/python3
"""The peers of bench_mlp: one training epoch of the same MLP in PyTorch and
in scikit-learn's MLPClassifier (ReLU hidden layers, softmax-CE, Adam
lr 0.001, batch 100, float32, the same thread count, MNIST-shaped uniform
random data).  Prints "torch SECONDS" and "sklearn SECONDS" (best epoch of
--epochs); a peer that is not installed is skipped with a notice."""
import argparse
import os
import sys
import time
import warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", default="784,500,10")
    ap.add_argument("--rows", type=int, default=60000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    a = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    sizes = [int(s) for s in a.layers.split(",")]
    import numpy as np
    rng = np.random.default_rng(1)
    x = rng.random((a.rows, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], a.rows)

    try:
        import torch
    except ImportError:
        print("notice: PyTorch not installed; skipped")
    else:
        torch.set_num_threads(a.threads)
        torch.manual_seed(1)
        mods = []
        for l in range(len(sizes) - 1):
            mods.append(torch.nn.Linear(sizes[l], sizes[l + 1]))
            if l < len(sizes) - 2:
                mods.append(torch.nn.ReLU())
        net = torch.nn.Sequential(*mods)
        opt = torch.optim.Adam(net.parameters(), lr=0.001)
        lossf = torch.nn.CrossEntropyLoss()
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        best = 1e30
        for _ in range(a.epochs):
            t0 = time.perf_counter()
            perm = torch.randperm(a.rows)
            for s in range(0, a.rows, 100):
                idx = perm[s:s + 100]
                opt.zero_grad()
                loss = lossf(net(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
            best = min(best, time.perf_counter() - t0)
        print("torch %.4f" % best, flush=True)

    try:
        from sklearn.neural_network import MLPClassifier
        from sklearn.exceptions import ConvergenceWarning
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("notice: scikit-learn not installed; skipped")
    else:
        best = 1e30
        with threadpool_limits(limits=a.threads), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for _ in range(a.epochs):
                clf = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), solver="adam",
                                    learning_rate_init=0.001, batch_size=100, max_iter=1,
                                    shuffle=True, random_state=1, alpha=0.0)
                t0 = time.perf_counter()
                clf.fit(x, y)
                best = min(best, time.perf_counter() - t0)
        print("sklearn %.4f" % best, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
