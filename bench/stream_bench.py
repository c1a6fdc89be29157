#!/usr/bin/python3
"""stream_bench.py — learnkit trained on a file many times its memory.

Writes, once, into --dir (default /tmp/learnkit-stream; > 1 GB):
  mnist600k.csv      10 copies of the 60000 MNIST training images, copy c
                     shifted by a seeded one-pixel translation (copy 0 as is),
                     label first, no header: 600000 rows, over 1 GB;
  mnist600k.csv.gz, mnist600k.svm, mnist600k.svm.gz: the same rows;
  t10k.csv, t10k.svm: the MNIST test images as the test set.
Then runs each once (the machine is shared), with --json:
  - learnkit elm --hidden 1000 --solver ridge --stream on the CSV: wall time,
    read / wait / compute seconds, peak RSS, test accuracy;
  - the same fit with the rows in memory (no --stream), for the time the
    same compute takes on data already loaded;
  - learnkit lsq --stream on the CSV;
  - parse throughput (MB of text per second of the reader) of learnkit on
    the four files, beside pandas.read_csv (C engine) and
    sklearn.datasets.load_svmlight_file on the same files;
  - elm --hidden 1000 --solver ridge on the 60000 original rows (IDX).
Prints one table (markdown) with the commands.

usage: stream_bench.py [--build DIR] [--dir DIR] [--threads 2] [--copies 10]
"""
import argparse, gzip, json, os, subprocess, sys, time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--build", default=".")
ap.add_argument("--dir", default="/tmp/learnkit-stream")
ap.add_argument("--mnist", default=os.path.expanduser("~/.cache/learnkit/mnist"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--copies", type=int, default=10)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--skip", default="", help="comma list of steps to skip: memory,reference,lsq")
args = ap.parse_args()
skip = set(s for s in args.skip.split(",") if s)
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
learnkit = os.path.abspath(os.path.join(args.build, "learnkit"))
os.makedirs(args.dir, exist_ok=True)


def idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    rank = b[3]
    dims = [int.from_bytes(b[4 + 4 * k:8 + 4 * k], "big") for k in range(rank)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * rank).reshape(dims[0], -1)


def shifted(x, dx, dy):
    img = x.reshape(-1, 28, 28)
    out = np.zeros_like(img)
    ys, yd = (slice(0, 28 - dy), slice(dy, 28)) if dy >= 0 else (slice(-dy, 28), slice(0, 28 + dy))
    xs, xd = (slice(0, 28 - dx), slice(dx, 28)) if dx >= 0 else (slice(-dx, 28), slice(0, 28 + dx))
    out[:, yd, xd] = img[:, ys, xs]
    return out.reshape(len(x), -1)


WORDS = [str(v) for v in range(256)]


PAIRS = [[""] + ["%d:%d" % (j + 1, v) for v in range(1, 256)] for j in range(784)]


def write_rows(x, y, csv, svm):
    # Python lists, not numpy scalars: indexing with these is what is fast.
    w, p = WORDS, PAIRS
    lines_c, lines_s = [], []
    for row, lab in zip(x.tolist(), y.tolist()):
        lines_c.append("%d,%s\n" % (lab, ",".join([w[v] for v in row])))
        lines_s.append("%d %s\n" % (lab, " ".join([p[j][v] for j, v in enumerate(row) if v])))
    csv.write("".join(lines_c))
    svm.write("".join(lines_s))


def make_data():
    paths = {k: os.path.join(args.dir, n) for k, n in
             [("csv", "mnist600k.csv"), ("csvgz", "mnist600k.csv.gz"), ("svm", "mnist600k.svm"),
              ("svmgz", "mnist600k.svm.gz"), ("tcsv", "t10k.csv"), ("tsvm", "t10k.svm")]}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    x = idx(os.path.join(args.mnist, "train-images-idx3-ubyte.gz"))
    y = idx(os.path.join(args.mnist, "train-labels-idx1-ubyte.gz")).ravel()
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    with open(paths["csv"], "w") as csv, open(paths["svm"], "w") as svm:
        for c in range(args.copies):
            dx, dy = (0, 0) if c == 0 else tuple(rng.choice([-1, 0, 1], 2))
            write_rows(shifted(x, int(dx), int(dy)), y, csv, svm)
    for a, b in [("csv", "csvgz"), ("svm", "svmgz")]:
        subprocess.run("gzip -1 -c %s > %s" % (paths[a], paths[b]), shell=True, check=True)
    tx = idx(os.path.join(args.mnist, "t10k-images-idx3-ubyte.gz"))
    ty = idx(os.path.join(args.mnist, "t10k-labels-idx1-ubyte.gz")).ravel()
    with open(paths["tcsv"], "w") as csv, open(paths["tsvm"], "w") as svm:
        write_rows(tx, ty, csv, svm)
    print("wrote the data in %.0f s" % (time.time() - t0), file=sys.stderr)
    return paths


def run(cmd):
    print("$ " + " ".join(cmd), file=sys.stderr)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
        raise SystemExit("failed: " + " ".join(cmd))
    r = json.loads(p.stdout)
    r["wall"] = wall
    return r


def mb(path):
    return os.path.getsize(path) / 1e6


paths = make_data()
T = ["--threads", str(args.threads), "--json", "-q"]
rows = []
elm = ["elm", "--hidden", "1000", "--solver", "ridge", "--scale", "unit"]
s = run([learnkit] + elm + [paths["csv"], "--test", paths["tcsv"], "--stream"] + T)
st = s["stream"]
rows.append(("elm 1000 ridge, CSV streamed", s))
if "memory" not in skip:
    m = run([learnkit] + elm + [paths["csv"], "--test", paths["tcsv"]] + T)
    rows.append(("elm 1000 ridge, CSV in memory", m))
small = run([learnkit] + ["elm", "--hidden", "1000", "--solver", "ridge"] + T)
rows.append(("elm 1000 ridge, 60000 IDX rows in memory", small))

# Parse throughput: learnkit's reader (the first pass of lsq: a scan of the
# text with labels and scaling sums), against the reference readers.
tput = []
for key, ref in [("csv", "pandas.read_csv"), ("csvgz", "pandas.read_csv"),
                 ("svm", "load_svmlight_file"), ("svmgz", "load_svmlight_file")]:
    r = run([learnkit, "lsq", "--scale", "unit", paths[key], "--test",
             paths["tsvm" if "svm" in key else "tcsv"], "--stream"] + T)
    if key == "csv":
        rows.append(("lsq, CSV streamed", r))
    tput.append((key, ref, r))
print("\n| file | size MB | learnkit first pass MB/s | reference | reference MB/s |")
print("|---|---|---|---|---|")
for key, ref, r in tput:
    text = mb(paths[key.replace("gz", "")])
    lk = text / r["stream"]["first_pass_seconds"]
    refs = "-"
    if "reference" not in skip:
        t0 = time.time()
        if "csv" in key:
            import pandas
            pandas.read_csv(paths[key], header=None, engine="c", dtype=np.float32)
        else:
            from sklearn.datasets import load_svmlight_file
            load_svmlight_file(paths[key], n_features=784)
        refs = "%.0f" % (text / (time.time() - t0))
    print("| %s | %.0f | %.0f | %s | %s |" % (os.path.basename(paths[key]), mb(paths[key]), lk,
                                             ref, refs))
print("| run | rows | test acc. | train s | read s | wait s | compute s | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|")
for name, r in rows:
    t = r.get("stream", {})
    print("| %s | %d | %.2f%% | %.1f | %s | %s | %s | %.0f |" % (
        name, r["n_train"], 100 * r["test_accuracy"], r["train_seconds"],
        "%.1f" % t["read_seconds"] if t else "-", "%.1f" % t["wait_seconds"] if t else "-",
        "%.1f" % t["compute_seconds"] if t else "-", r["peak_rss_bytes"] / 1e6))
if "memory" not in skip:
    print("\nstreamed / in-memory training time: %.2f (wall %.0f s / %.0f s with loading)" % (
        s["train_seconds"] / m["train_seconds"], s["wall"], m["wall"]))

print("\n(MB/s of decompressed text; the CPU: %s)" % open("/proc/cpuinfo").read().split(
    "model name")[1].split("\n")[0].strip(": \t"))
