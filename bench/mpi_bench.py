#!/usr/bin/python3
"""mpi_bench.py — learnkit's data-parallel learners on 1, 2 and 4 ranks.

For each learner and each P, runs `mpirun -n P learnkit LEARNER --json` (P = 1
runs the program alone, as one process) on MNIST with ranks x threads = the
machine's cores, and prints: wall time of training, the part of it spent in
communication (including the wait for the slowest rank), the bytes each rank
sent, the peak RSS of every rank, the accuracies, and the number of MNIST test
predictions that differ from the one-process model's.  Also the GEMM peak of
the machine from bench/gemm_peak, for reading the rates.

usage: mpi_bench.py [--build DIR] [--ranks 1,2,4] [--learners SPEC;SPEC...]
"""
import argparse, json, os, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--build", default=".")
ap.add_argument("--ranks", default="1,2,4")
ap.add_argument("--cores", type=int, default=os.cpu_count())
ap.add_argument("--learners",
                default="elm --hidden 2000 --solver ridge;elm --hidden 1000;lsq;logreg;"
                        "perceptron --averaged;mlp --layers 784,500,10 --epochs 2;"
                        "ae --solver elm --hidden 500;ae --solver mda --noise 0.5;"
                        "ae --hidden 500 --tied --noise 0.3 --epochs 2")
args = ap.parse_args()
learnkit = os.path.abspath(os.path.join(args.build, "learnkit"))
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
tmp = tempfile.mkdtemp(prefix="lkmpi")


def run(cmd, **kw):
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    return r.stdout


def predictions(model):
    return run([learnkit, "predict", "-q", "-m", model]).split("\n")


peak = os.path.join(args.build, "bench", "gemm_peak")
if os.path.exists(peak):
    print(run([peak, "4000", str(args.cores)]).strip())
# The bus rate of this machine's sums, for the model's check below.
probe = os.path.join(args.build, "bench", "comm_probe")
bus = {}
for p in [int(x) for x in args.ranks.split(",") if int(x) > 1]:
    out = run(["mpirun", "-q", "-n", str(p), probe], cwd=None)
    print(out.strip())
    # the rate of the largest payload, and of the gradient-sized one
    rates = [float(l.split("bus rate")[1].split()[0]) * 1e9 for l in out.splitlines()]
    bus[p] = (rates[0], rates[-1])
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print("CPU: %s, %d cores; %s" % (cpu[0] if cpu else "?", args.cores,
                                 run([learnkit, "--version"]).strip()))
print()
print("| learner | ranks x threads | train s | comm s (ring model) | MB summed per rank "
      "| peak RSS per rank (MB) | train % | test % | test labels differing from 1 rank |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
model_in = {}
for spec in args.learners.split(";"):
    words = spec.split()
    base = None
    for p in [int(x) for x in args.ranks.split(",")]:
        threads = max(1, args.cores // p)
        model = os.path.join(tmp, "m%d.lkm" % p)
        cmd = [learnkit] + words + ["--json", "-q", "--threads", str(threads), "-o", model]
        if p > 1:
            cmd = ["mpirun", "-n", str(p)] + cmd
        d = json.loads(run(cmd))
        # An autoencoder without a classifier predicts no labels: its test
        # MSE stands in for the accuracies.
        classifies = d.get("test_accuracy") is not None
        pred = predictions(model) if classifies else []
        if base is None:
            base = pred
        differ = "%d" % sum(a != b for a, b in zip(base, pred)) if classifies else "-"
        rss = d.get("peak_rss_bytes_ranks", [d["peak_rss_bytes"]])
        payload = d.get("comm_bytes", 0)
        predicted = ""
        if p > 1:
            # many small sums (a gradient per step) go at the small-payload rate
            rate = bus[p][0] if words[0] in ("mlp", "logreg") or "--epochs" in words else bus[p][1]
            predicted = " (%.2f)" % (2 * (p - 1) / p * payload / rate)
        if p == 1:
            model_in[words[0]] = d
        if classifies:
            figures = "%.2f | %.2f" % (100 * d["train_accuracy"], 100 * d["test_accuracy"])
        else:
            mse = d.get("test_mse")
            figures = "- | MSE %.6f" % mse if mse is not None else "- | -"
        print("| `%s` | %d x %d | %.2f | %.2f%s | %.1f | %s | %s | %s |" % (
            spec, p, threads, d["train_seconds"], d.get("comm_seconds", 0.0), predicted,
            payload / 1e6, ", ".join("%.0f" % (r / 1e6) for r in rss), figures, differ))
        sys.stdout.flush()

# The model on paper for clusters, from this machine's one-node figures.
import importlib.util
spec = importlib.util.spec_from_file_location("mpi_model", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "mpi_model.py"))
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)
if "mlp" in model_in:
    m = model_in["mlp"]
    epoch = m["train_seconds"] / m["epochs_run"]
    a = argparse.Namespace(mlp_epoch=epoch, mlp_steps=600, mlp_bytes=397510 * 4,
                           elm_hidden=5000, elm_rows=11.6, elm_solve=0.5,
                           elm_bytes=8.0 * (5000 ** 2 + 10 * 5000))
    print()
    print("Predicted on nodes like this one (MLP epoch %.2f s measured here; ELM 5000 units: "
          "11.6 s of rows and 0.5 s of solve, from make bench-elm):" % epoch)
    print(model.table(a))
