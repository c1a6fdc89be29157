#!/usr/bin/python3
"""Autoencoders: learnkit against PyTorch (backprop) and numpy (closed form),
in the same run.  Usage:
    bench/bench_ae.py LEARNKIT DATA_DIR [--epochs 10] [--threads 2]
Prints, for each: test reconstruction MSE per value, train seconds (fitting
the autoencoder), the seconds encoding the training rows for the classifier,
and the test accuracy of a softmax classifier on the codes."""
import gzip, json, subprocess, sys, time, argparse
import numpy as np


def idx(path):
    with gzip.open(path) as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


def load(d):
    xtr = idx(d + "/mnist/train-images-idx3-ubyte.gz").reshape(60000, 784) / 255.0
    ytr = idx(d + "/mnist/train-labels-idx1-ubyte.gz")
    xte = idx(d + "/mnist/t10k-images-idx3-ubyte.gz").reshape(10000, 784) / 255.0
    yte = idx(d + "/mnist/t10k-labels-idx1-ubyte.gz")
    return xtr.astype(np.float32), ytr, xte.astype(np.float32), yte


def softmax_acc(ctr, ytr, cte, yte):
    """The classifier `learnkit ae --classify` trains: multinomial logistic
    regression, mean cross-entropy + 3e-5/2 ||W||^2 (scikit-learn's C is
    1 / (3e-5 n)), by L-BFGS until it converges."""
    import warnings
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(C=1.0 / (3e-5 * len(ctr)), max_iter=1000)
    with warnings.catch_warnings():
        # 1000 iterations can end a little short of scikit-learn's own
        # tolerance; the accuracy has settled long before.
        warnings.simplefilter("ignore")
        clf.fit(ctr, ytr)
    return float(clf.score(cte, yte))


def torch_dae(xtr, xte, epochs):
    import torch
    torch.manual_seed(1)
    X = torch.tensor(xtr)
    W = torch.nn.Parameter(torch.randn(500, 784) * np.sqrt(2.0 / (784 + 500)))
    b = torch.nn.Parameter(torch.zeros(500))
    c = torch.nn.Parameter(torch.zeros(784))
    opt = torch.optim.Adam([W, b, c], 1e-3)
    t0 = time.time()
    for _ in range(epochs):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 100):
            xb = X[perm[i:i + 100]]
            xc = xb * (torch.rand_like(xb) >= 0.3)
            h = torch.sigmoid(xc @ W.t() + b)
            r = torch.sigmoid(h @ W + c)
            loss = 0.5 * ((r - xb) ** 2).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    secs = time.time() - t0
    with torch.no_grad():
        t1 = time.time()
        ctr = torch.sigmoid(X @ W.t() + b).numpy()
        enc = time.time() - t1
        T = torch.tensor(xte)
        h = torch.sigmoid(T @ W.t() + b)
        mse = float(((torch.sigmoid(h @ W + c) - T) ** 2).mean())
        cte = h.numpy()
    return mse, secs, enc, ctr, cte


def np_elm_ae(xtr, xte, h=500, C=1e3, dtype=np.float64):
    """In float64, or all in float32 (numpy's fastest, the Gram matrix's
    rounding then some 1e-2 against C's 1e-3).  Returns the fit seconds
    (weights, hidden layer, solve) and the seconds encoding the training
    rows, apart, as learnkit reports them."""
    rng = np.random.default_rng(1)
    t0 = time.time()
    g = rng.standard_normal((h, 784))
    u, _, vt = np.linalg.svd(g, full_matrices=False)
    a = (u @ vt).astype(dtype)
    bias = (rng.standard_normal(h) / np.sqrt(784)).astype(dtype)
    x = xtr.astype(dtype)
    H = 1 / (1 + np.exp(-(x @ a.T + bias)))
    beta = np.linalg.solve(H.T @ H + np.eye(h, dtype=dtype) / C, H.T @ x)
    t1 = time.time()
    ctr = 1 / (1 + np.exp(-(x @ beta.T)))
    t2 = time.time()
    cte = 1 / (1 + np.exp(-(xte.astype(dtype) @ beta.T)))
    return t1 - t0, t2 - t1, ctr, cte


def np_mda(xtr, xte, p=0.5, reg=1e-5):
    t0 = time.time()
    X = np.hstack([xtr, np.ones((len(xtr), 1))]).astype(np.float64)
    S = X.T @ X
    q = np.full(785, 1 - p)
    q[-1] = 1
    Q = S * np.outer(q, q)
    np.fill_diagonal(Q, q * np.diag(S))
    Q[np.arange(784), np.arange(784)] += reg
    P = S[:784] * q
    W = np.linalg.solve(Q, P.T).T
    t1 = time.time()
    ctr = np.tanh(X @ W.T)
    t2 = time.time()
    Xt = np.hstack([xte, np.ones((len(xte), 1))])
    mse = float(((Xt @ W.T - xte) ** 2).mean())
    return mse, t1 - t0, t2 - t1, ctr, np.tanh(Xt @ W.T)


def learnkit(lk, data, threads, args):
    out = subprocess.run([lk, "ae", "--json", "-q", "--classify", "--threads", str(threads),
                          "--data-dir", data] + args, check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["test_mse"], r["train_seconds"], r["encode_seconds"], r["test_accuracy"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("learnkit")
    ap.add_argument("data")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    xtr, ytr, xte, yte = load(a.data)
    row = "%-28s %10s %10s %10s %10s"
    print(row % ("", "test MSE", "train s", "encode s", "accuracy"))
    m, s, e, acc = learnkit(a.learnkit, a.data, a.threads,
                            ["--hidden", "500", "--tied", "--noise", "0.3", "--epochs",
                             str(a.epochs)])
    print(row % ("learnkit tied DAE", "%.5f" % m, "%.1f" % s, "%.2f" % e, "%.4f" % acc),
          flush=True)
    m, s, e, ctr, cte = torch_dae(xtr, xte, a.epochs)
    print(row % ("PyTorch tied DAE", "%.5f" % m, "%.1f" % s, "%.2f" % e,
                 "%.4f" % softmax_acc(ctr, ytr, cte, yte)), flush=True)
    m, ls, le, acc = learnkit(a.learnkit, a.data, a.threads,
                              ["--solver", "elm", "--hidden", "500"])
    print(row % ("learnkit ELM-AE 500", "-", "%.2f" % ls, "%.2f" % le, "%.4f" % acc),
          flush=True)
    for name, dt in (("numpy ELM-AE 500 float64", np.float64),
                     ("numpy ELM-AE 500 float32", np.float32)):
        s, e, ctr, cte = np_elm_ae(xtr, xte, dtype=dt)
        print(row % (name, "-", "%.2f" % s, "%.2f" % e,
                     "%.4f" % softmax_acc(ctr, ytr, cte, yte)), flush=True)
        ratios(ls, le, s, e)
    m, ls, le, acc = learnkit(a.learnkit, a.data, a.threads,
                              ["--solver", "mda", "--noise", "0.5"])
    print(row % ("learnkit mDA p=0.5", "%.5f" % m, "%.2f" % ls, "%.2f" % le, "%.4f" % acc),
          flush=True)
    m, s, e, ctr, cte = np_mda(xtr, xte)
    print(row % ("numpy mDA p=0.5", "%.5f" % m, "%.2f" % s, "%.2f" % e,
                 "%.4f" % softmax_acc(ctr, ytr, cte, yte)), flush=True)
    ratios(ls, le, s, e)


def ratios(lk_fit, lk_enc, np_fit, np_enc):
    """learnkit's time over numpy's, fitting alone and with the encoding."""
    print("%-28s fit %.2fx, fit + encode %.2fx" %
          ("  learnkit / numpy above", lk_fit / np_fit, (lk_fit + lk_enc) / (np_fit + np_enc)),
          flush=True)

if __name__ == "__main__":
    main()
