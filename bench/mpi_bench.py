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
                default="elm --hidden 2000 --solver ridge;elm --hidden 1000;lsq;logreg")
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
    print(run([peak, "--threads", str(args.cores)]).strip())
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print("CPU: %s, %d cores; %s" % (cpu[0] if cpu else "?", args.cores,
                                 run([learnkit, "--version"]).strip()))
print()
print("| learner | ranks x threads | train s | comm s | MB sent per rank | peak RSS per rank (MB) "
      "| train % | test % | test labels differing from 1 rank |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
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
        pred = predictions(model)
        if base is None:
            base = pred
        differ = sum(a != b for a, b in zip(base, pred))
        rss = d.get("peak_rss_bytes_ranks", [d["peak_rss_bytes"]])
        print("| `%s` | %d x %d | %.2f | %.2f | %.1f | %s | %.2f | %.2f | %d |" % (
            spec, p, threads, d["train_seconds"], d.get("comm_seconds", 0.0),
            d.get("comm_bytes", 0) / 1e6, ", ".join("%.0f" % (r / 1e6) for r in rss),
            100 * d["train_accuracy"], 100 * d["test_accuracy"], differ))
        sys.stdout.flush()
