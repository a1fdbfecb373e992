#!/usr/bin/env python3
"""gen_ba.py - a Barabasi-Albert AS graph (or a clique) as an ersim
scenario or a SimBGP configuration (timed BGP dynamics benchmarks).

N ASes, each one site with one router; every new AS attaches to m
existing ones chosen with probability proportional to their degree
(starting from a clique of m + 1); --clique connects every pair instead.
Every edge is an eBGP site-link with a delay drawn uniformly from
10-100 ms (--link-delay fixes it); each router's processing delay is
drawn uniformly from 1-10 ms (--proc-delay fixes it for every router);
MRAI 30 s (jittered by the engine). AS 1 originates 10.0.0.0/24 from the
start and withdraws it at --withdraw-at. Seeded: the same arguments give
the same file.

--format simbgp writes the same graph for SimBGP (olafayomi/SimBGP-Python3,
SimBGP3.py), the independent simulator the dynamics benchmarks are checked
against: link delays through SimBGP's cost-based delay (cost = delay in
seconds x 300,000), per-peer MRAI with the same [0.75, 1] jitter, and its
one processing-delay distribution set to ersim's, uniform in [d/2, 3d/2]
(only with --proc-delay: SimBGP has no per-router delay).

  tools/gen_ba.py --n 1000 --m 2 --seed 1 > ba.xml
  tools/gen_ba.py --clique --n 10 --link-delay 10ms --proc-delay 5ms > k10.xml
  tools/gen_ba.py --clique --n 10 --link-delay 10ms --proc-delay 5ms \\
      --format simbgp > k10.cfg
"""
import argparse
import random
import sys


def ba_edges(n, m, rnd):
    edges = [(i, j) for i in range(m + 1) for j in range(i + 1, m + 1)]
    ends = [v for e in edges for v in e]       # each node once per degree
    for v in range(m + 1, n):
        targets = set()
        while len(targets) < m:
            targets.add(rnd.choice(ends))
        for t in sorted(targets):
            edges.append((t, v))
            ends += [t, v]
    return edges


def clique_edges(n):
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def micros(text):
    """'10ms', '2.5ms', '300us', '1s' -> microseconds."""
    for unit, f in (("us", 1), ("ms", 1000), ("s", 1000000)):
        if text.endswith(unit):
            try:
                return round(float(text[:-len(unit)]) * f)
            except ValueError:
                break
    sys.exit(f"gen_ba.py: error: bad duration '{text}' (write e.g. 10ms, 300us, 1s)")


def seconds(text):
    return micros(text) / 1e6


def write_ersim(a, edges, pds, delays):
    w = print
    w('<?xml version="1.0"?>')
    kind = f"clique: {a.n} ASes," if a.clique else \
        f"Barabasi-Albert graph: {a.n} ASes, m = {a.m},"
    w(f"<!-- {kind} seed {a.seed}, "
      f"{len(edges)} eBGP sessions; made by tools/gen_ba.py -->")
    name = f"k{a.n}" if a.clique else f"ba{a.n}"
    w(f'<scenario name="{name}" seed="{a.seed}">')
    mw = ' mrai-withdrawals="true"' if a.mrai_withdrawals else ""
    w(f'  <defaults><bgp keepalive="60s" hold="180s" mrai="{a.mrai}"{mw} '
      'processing-delay="1ms" connect-retry="5s"/></defaults>')
    for v in range(a.n):
        origin = "<prefix>10.0.0.0/24</prefix>" if v == 0 else ""
        w(f'  <site id="as{v + 1}" asn="{v + 1}"><router id="r" processing-delay="{pds[v]}us"/>{origin}</site>')
    for (x, y), d in zip(edges, delays):
        w(f'  <site-link a="as{x + 1}/r" b="as{y + 1}/r" delay="{d}us"/>')
    w("  <events>")
    w(f'    <withdraw at="{a.withdraw_at}" router="as1/r" prefix="10.0.0.0/24"/>')
    w("  </events>")
    w("</scenario>")


def write_simbgp(a, edges, pds, delays):
    w = print
    if not a.proc_delay:
        sys.exit("gen_ba.py: error: --format simbgp needs --proc-delay "
                 "(SimBGP has one processing-delay distribution for all routers)")
    d = seconds(a.proc_delay)
    w(f"! made by tools/gen_ba.py ({'clique' if a.clique else 'BA'}, n = {a.n}, seed {a.seed})")
    w("debug show-receive-events")
    w("config mrai-jitter true")
    if a.mrai_withdrawals:
        w("config withdraw-rate-limiting")
    w(f"config default-process-delay uniform {d / 2:.9f} {d * 1.5:.9f}")
    for v in range(a.n):
        w(f"node {v + 1} domain {v + 1}")
    for (x, y), dl in zip(edges, delays):
        # SimBGP's link delay is cost x 1000 / 3e8 seconds.
        w(f"link {x + 1} {y + 1} cost {round(dl * 0.3)}")
    nbrs = {v: [] for v in range(a.n)}
    for x, y in edges:
        nbrs[x].append(y)
        nbrs[y].append(x)
    for v in range(a.n):
        w(f"router bgp {v + 1}")
        w(f" bgp router-id {v + 1}")
        for u in nbrs[v]:
            w(f" neighbor {u + 1} remote-as {u + 1}")
            w(f" neighbor {u + 1} advertisement-interval {seconds(a.mrai):g}")
    w("event announce-prefix 1 10.0/24 0.0")
    w(f"event withdraw-prefix 1 10.0/24 {seconds(a.withdraw_at):g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--m", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clique", action="store_true",
                    help="every pair of ASes connected instead of a BA graph")
    ap.add_argument("--link-delay", help="every link's delay (default 10-100 ms)")
    ap.add_argument("--proc-delay", help="every router's processing delay (default 1-10 ms)")
    ap.add_argument("--mrai", default="30s")
    ap.add_argument("--mrai-withdrawals", action="store_true",
                    help="withdrawals wait for the MRAI timer too")
    ap.add_argument("--withdraw-at", default="100s")
    ap.add_argument("--format", choices=("ersim", "simbgp"), default="ersim")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    edges = clique_edges(a.n) if a.clique else ba_edges(a.n, a.m, rnd)
    # Draw in the same order as before the options existed, so the default
    # benchmark graphs stay the same files.
    pds = [micros(a.proc_delay) if a.proc_delay else rnd.randint(1000, 10000)
           for _ in range(a.n)]
    delays = [micros(a.link_delay) if a.link_delay else rnd.randint(10000, 100000)
              for _ in edges]
    (write_simbgp if a.format == "simbgp" else write_ersim)(a, edges, pds, delays)


if __name__ == "__main__":
    main()
