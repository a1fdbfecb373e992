#!/usr/bin/env python3
"""gen_ba.py - a Barabasi-Albert AS graph as an ersim scenario (timed
BGP dynamics benchmark).

N ASes, each one site with one router; every new AS attaches to m
existing ones chosen with probability proportional to their degree
(starting from a clique of m + 1). Every edge is an eBGP site-link with a
delay drawn uniformly from 10-100 ms; each router's processing delay is
drawn uniformly from 1-10 ms; MRAI 30 s (jittered by the engine). AS 1
originates 10.0.0.0/24 from the start and withdraws it at --withdraw-at.
Seeded: the same arguments give the same file.

  tools/gen_ba.py --n 1000 --m 2 --seed 1 > ba.xml
"""
import argparse
import random


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--m", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mrai", default="30s")
    ap.add_argument("--mrai-withdrawals", action="store_true",
                    help="withdrawals wait for the MRAI timer too")
    ap.add_argument("--withdraw-at", default="100s")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    edges = ba_edges(a.n, a.m, rnd)
    w = print
    w('<?xml version="1.0"?>')
    w(f"<!-- Barabasi-Albert graph: {a.n} ASes, m = {a.m}, seed {a.seed}, "
      f"{len(edges)} eBGP sessions; made by tools/gen_ba.py -->")
    w(f'<scenario name="ba{a.n}" seed="{a.seed}">')
    mw = ' mrai-withdrawals="true"' if a.mrai_withdrawals else ""
    w(f'  <defaults><bgp keepalive="60s" hold="180s" mrai="{a.mrai}"{mw} '
      'processing-delay="1ms" connect-retry="5s"/></defaults>')
    for v in range(a.n):
        pd = rnd.randint(1000, 10000)
        origin = "<prefix>10.0.0.0/24</prefix>" if v == 0 else ""
        w(f'  <site id="as{v + 1}" asn="{v + 1}"><router id="r" processing-delay="{pd}us"/>{origin}</site>')
    for x, y in edges:
        w(f'  <site-link a="as{x + 1}/r" b="as{y + 1}/r" delay="{rnd.randint(10000, 100000)}us"/>')
    w("  <events>")
    w(f'    <withdraw at="{a.withdraw_at}" router="as1/r" prefix="10.0.0.0/24"/>')
    w("  </events>")
    w("</scenario>")


if __name__ == "__main__":
    main()
