#!/usr/bin/python3
"""mpi_model.py — data-parallel training on paper: what P nodes would take.

A ring allreduce of n bytes over P nodes moves 2 (P - 1) / P * n bytes through
each node's link in 2 (P - 1) steps, so one sum costs
    t_sum(n, P) = 2 (P - 1) alpha + 2 (P - 1) / P * n / beta
(alpha: per-message latency, beta: link bandwidth).  Each learner's time on P
nodes is its rows-proportional compute divided by P, plus what does not
divide (the ELM's Cholesky solve, on every node), plus its sums:

  mlp   per epoch: steps * (t_step / P + t_sum(gradient, P)), where t_step is
        one node's time for one global batch (the per-rank batch shrinks to
        batch / P rows, whose GEMMs run below the rate measured on 100; the
        model ignores that, so it is optimistic for the MLP);
  elm   per fit:   t_rows / P + t_solve + t_sum(L^2 + L k doubles, P).

Given the one-node figures measured by bench/mpi_bench.py (or passed here),
prints the predicted times for P = 8, 64, 512 on 10 and 100 Gb/s links and
the P beyond which adding nodes no longer pays (the time stops falling by
10% per doubling).

usage: mpi_model.py [--mlp-epoch S] [--mlp-steps N] [--mlp-bytes B]
                    [--elm-rows S] [--elm-solve S] [--elm-bytes B]
"""
import argparse

LINKS = [("10 Gb/s", 20e-6, 1.25e9), ("100 Gb/s", 2e-6, 12.5e9)]


def t_sum(n, p, alpha, beta):
    return 0.0 if p == 1 else 2 * (p - 1) * alpha + 2 * (p - 1) / p * n / beta


def mlp_time(p, epoch, steps, grad, alpha, beta):
    return steps * (epoch / steps / p + t_sum(grad, p, alpha, beta))


def elm_time(p, rows, solve, gram, alpha, beta):
    return rows / p + solve + t_sum(gram, p, alpha, beta)


def stops(f):
    """The P (a power of two) after which doubling P buys less than 10%."""
    p = 1
    while p < 1 << 16 and f(2 * p) < 0.9 * f(p):
        p *= 2
    return p


def table(args):
    out = []
    learners = [
        ("mlp 784-500-10, one epoch, batch 100",
         lambda p, a, b: mlp_time(p, args.mlp_epoch, args.mlp_steps, args.mlp_bytes, a, b)),
        ("elm ridge L=%d, one fit" % args.elm_hidden,
         lambda p, a, b: elm_time(p, args.elm_rows, args.elm_solve, args.elm_bytes, a, b)),
    ]
    out.append("| learner | link | P = 1 | P = 8 | P = 64 | P = 512 | stops scaling at P |")
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    for name, f in learners:
        for link, alpha, beta in LINKS:
            row = [f(p, alpha, beta) for p in (1, 8, 64, 512)]
            out.append("| %s | %s | %s | %d |" % (
                name, link, " | ".join("%.2f s" % t for t in row),
                stops(lambda p: f(p, alpha, beta))))
    return "\n".join(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlp-epoch", type=float, default=0.77, help="one node's epoch, s")
    ap.add_argument("--mlp-steps", type=int, default=600)
    ap.add_argument("--mlp-bytes", type=float, default=397510 * 4)
    ap.add_argument("--elm-hidden", type=int, default=5000)
    ap.add_argument("--elm-rows", type=float, default=11.6,
                    help="one node's hidden layer and Gram sums, s")
    ap.add_argument("--elm-solve", type=float, default=0.5, help="the Cholesky solve, s")
    ap.add_argument("--elm-bytes", type=float, default=None)
    a = ap.parse_args()
    if a.elm_bytes is None:
        a.elm_bytes = 8.0 * (a.elm_hidden ** 2 + 10 * a.elm_hidden)
    print(table(a))
