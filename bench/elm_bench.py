#!/usr/bin/python3
"""elm_bench.py — learnkit elm and lsq on MNIST beside numpy/scipy/scikit-learn.

Runs, in one process tree and on the same threads:
  - bench/gemm_peak: the GEMM rate (float and double) every GFLOP/s is divided by;
  - `learnkit elm --json` for each --hidden and solver: seconds per phase
    (hidden layer, solve, evaluation), GFLOP/s, fraction of the GEMM peak,
    test accuracy, peak RSS;
  - the numpy/scipy ELM with the same hidden layer (weights U[-1,1], biases
    U[0,1], sigmoid, float32): numpy.linalg.pinv, scipy.linalg.lstsq (gelsd),
    and the normal equations + Cholesky (float32 H^T H, C = 1000);
  - `learnkit lsq` beside sklearn RidgeClassifier;
  - peak RSS of the ridge solver on the first 20000 and all 60000 rows.
Prints a table and the ratios.  numpy/scipy/sklearn parts are skipped with a
notice if absent.

usage: elm_bench.py [--build DIR] [--data DIR] [--hidden 1000,2000,5000]
                    [--threads 2] [--no-reference] [--slow-reference-max 2000]
"""
import argparse, gzip, json, os, shutil, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--build", default=".")
ap.add_argument("--data", default=os.environ.get("LEARNKIT_DATA", "/work/shared/datasets"))
ap.add_argument("--hidden", default="1000,2000,5000")
ap.add_argument("--solvers", default="svd,ridge")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--no-reference", action="store_true")
ap.add_argument("--slow-reference-max", type=int, default=2000,
                help="largest hidden size for numpy pinv and scipy gelsd (they are slow)")
args = ap.parse_args()
hidden = [int(h) for h in args.hidden.split(",")]
solvers = args.solvers.split(",")
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
os.environ["OMP_NUM_THREADS"] = str(args.threads)
mnist = os.path.join(args.data, "mnist")
learnkit = os.path.join(args.build, "learnkit")


def speed(ratio):
    """A time ratio (theirs / learnkit's) in words."""
    return ("%.2fx faster" % ratio) if ratio >= 1 else ("%.2fx slower" % (1 / ratio))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout, p.stderr


peak = json.loads(run([os.path.join(args.build, "bench", "gemm_peak"), "2000",
                       str(args.threads)])[0])
print("machine: %d threads, %s; GEMM peak %.1f GFLOP/s (%s), dgemm %.1f GFLOP/s"
      % (args.threads, peak["blas"], peak["gemm_gflops"], peak["real"], peak["dgemm_gflops"]))
print("(the machine may be shared: compare the ratios, measured in the same run)\n")


def learnkit_json(command, extra, data=mnist):
    out, _ = run([learnkit, command, "--json", "-q", "--threads", str(args.threads),
                  "--seed", "1"] + extra + [data])
    return json.loads(out)


rows = []
print("%-28s %8s %8s %8s %8s %9s %7s %9s %8s" % ("learnkit", "hidden", "solve", "select",
      "eval", "GFLOP/s", "peak%", "test acc", "RSS MB"))
for h in hidden:
    for s in solvers:
        r = learnkit_json("elm", ["--hidden", str(h), "--solver", s])
        ph = r["phase_seconds"]
        gf = r["gflop"] / r["train_seconds"]
        rows.append((h, s, r))
        print("%-28s %8.2f %8.2f %8.2f %8.2f %9.1f %6.0f%% %8.2f%% %8.0f   train %.2f s"
              % ("elm --hidden %d --solver %s" % (h, s), ph["hidden"], ph["solve"],
                 ph["select_C"], ph["evaluation"], gf, 100 * gf / peak["gemm_gflops"],
                 100 * r["test_accuracy"], r["peak_rss_bytes"] / 2**20, r["train_seconds"]))
lsq = learnkit_json("lsq", ["--C", "1"])
print("%-28s %44s %8.2f%% %8.0f   train %.2f s" % ("lsq --C 1", "", 100 * lsq["test_accuracy"],
      lsq["peak_rss_bytes"] / 2**20, lsq["train_seconds"]))

# Ridge memory against the number of rows: an MNIST-layout directory with the
# first 20000 training rows.
tmp = tempfile.mkdtemp(prefix="elm_bench_")
try:
    def cut(name, header, rowbytes, n):
        with gzip.open(os.path.join(mnist, name)) as f:
            raw = f.read()
        hdr = bytearray(raw[:header])
        hdr[4:8] = n.to_bytes(4, "big")
        with gzip.open(os.path.join(tmp, name), "wb", compresslevel=1) as f:
            f.write(bytes(hdr) + raw[header:header + n * rowbytes])
    cut("train-images-idx3-ubyte.gz", 16, 784, 20000)
    cut("train-labels-idx1-ubyte.gz", 8, 1, 20000)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(os.path.join(mnist, name), tmp)
    for h in hidden[:1]:
        a = learnkit_json("elm", ["--hidden", str(h), "--solver", "ridge"], tmp)
        b = learnkit_json("elm", ["--hidden", str(h), "--solver", "ridge"])
        print("\nridge, hidden %d: peak RSS %.0f MB on 20000 rows, %.0f MB on 60000 rows "
              "(the data themselves: %.0f MB more)"
              % (h, a["peak_rss_bytes"] / 2**20, b["peak_rss_bytes"] / 2**20,
                 40000 * 784 * 4 / 2**20))
finally:
    shutil.rmtree(tmp)

if args.no_reference:
    sys.exit(0)
try:
    import numpy as np
    import scipy.linalg
except ImportError:
    print("\nnumpy/scipy not installed: reference skipped (Debian: python3-numpy python3-scipy)")
    sys.exit(0)


def idx(name):
    with gzip.open(os.path.join(mnist, name)) as f:
        raw = f.read()
    if "labels" in name:
        return np.frombuffer(raw, np.uint8, offset=8).astype(np.int64)
    return (np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784) / 255.0).astype(np.float32)


X, y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
Xt, yt = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
T = np.eye(10, dtype=np.float32)[y]
print("\nnumpy %s / scipy %s, same hidden layer (U[-1,1] weights, U[0,1] biases, sigmoid, float32)"
      % (np.__version__, scipy.__version__))


def hidden_layer(Xs, A, b):
    return 1 / (1 + np.exp(-(Xs @ A.T + b)))


def ours(h, s):
    for hh, ss, r in rows:
        if hh == h and ss == s:
            return r
    return None


for h in hidden:
    rng = np.random.default_rng(1)
    A = rng.uniform(-1, 1, (h, 784)).astype(np.float32)
    b = rng.uniform(0, 1, h).astype(np.float32)
    t0 = time.perf_counter()
    H = hidden_layer(X, A, b)
    th = time.perf_counter() - t0
    refs = []
    if h <= args.slow_reference_max:
        t0 = time.perf_counter()
        beta = np.linalg.pinv(H) @ T
        refs.append(("numpy pinv", time.perf_counter() - t0, beta, "svd"))
        t0 = time.perf_counter()
        beta = scipy.linalg.lstsq(H, T, lapack_driver="gelsd")[0]
        refs.append(("scipy lstsq gelsd", time.perf_counter() - t0, beta, "svd"))
    t0 = time.perf_counter()
    G = H.T @ H
    G[np.diag_indices(h)] += 1e-3
    beta = scipy.linalg.cho_solve(scipy.linalg.cho_factor(G), H.T @ T)
    refs.append(("normal equations + Cholesky", time.perf_counter() - t0, beta, "ridge"))
    for name, sec, beta, twin in refs:
        acc = np.mean(np.argmax(hidden_layer(Xt, A, b) @ beta, 1) == yt)
        r = ours(h, twin)
        ratio = ""
        if r:
            ratio = "  learnkit %s: %.2f s = %s" % (twin, r["train_seconds"],
                                                  speed((th + sec) / r["train_seconds"]))
        print("hidden %5d  %-28s %7.2f s (+ hidden layer %.2f s)  test %.2f%%%s"
              % (h, name, sec, th, 100 * acc, ratio))
    del H

try:
    from sklearn.linear_model import RidgeClassifier
    t0 = time.perf_counter()
    clf = RidgeClassifier(alpha=1.0).fit(X, y)
    sec = time.perf_counter() - t0
    print("\nsklearn RidgeClassifier(alpha=1): %.2f s, test %.2f%%; learnkit lsq --C 1: "
          "%.2f s, test %.2f%% (%s)" % (sec, 100 * clf.score(Xt, yt),
          lsq["train_seconds"], 100 * lsq["test_accuracy"], speed(sec / lsq["train_seconds"])))
except ImportError:
    print("\nscikit-learn not installed: RidgeClassifier skipped")
