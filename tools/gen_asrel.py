#!/usr/bin/env python3
"""gen_asrel.py - a synthetic Internet AS topology with Gao-Rexford relationships.

Writes "AS1 AS2 REL" lines in the format of ../shared/data/as-relation-2002.txt
(REL 1: AS1 is a provider of AS2; REL 0: peers), for tools/asrel2scenario.py,
so that benchmarks can go beyond the 16,947 ASes of the 2002 inference
(issue 17.6 asks for 75,000).

The shape follows what inferred topologies show (Subramanian et al. 2002,
Dhamdhere and Dovrolis 2011), kept simple:

- a clique of --tier1 ASes, all peers of each other;
- every further AS, in order, buys transit from 1 to 8 earlier ASes (1:
  37%, 2: 45%, 3: 10%, 4: 4%, more: 4%, as in the 2002 file), picked with
  probability
  proportional to 1 + their customer count (preferential attachment gives
  the heavy-tailed customer degrees of the real Internet). Providers are
  always earlier ASes, so the customer-provider graph has no cycle, which
  with Gao-Rexford policies guarantees that BGP converges (Gao and
  Rexford 2001);
- ASes with customers peer with other transit ASes of similar size: each
  makes --peering peer links on average, to ASes picked within a factor
  of two of its customer count (settlement-free peering between
  comparable networks).

With 16,947 ASes the defaults give 33,370 customer and about 1,750 peer
links, near the 2002 file's 36,129 and 1,532; more ASes have customers
(6,827 against 2,459) and the largest has fewer (790 against 2,412), as
preferential attachment spreads customers more evenly than the real
Internet does. Same --ases and --seed, same output.

  tools/gen_asrel.py --ases 75000 --seed 1 > syn75k.txt
  tools/asrel2scenario.py syn75k.txt --prefixes 10 > syn75k.xml
"""
import argparse
import bisect
import random
import sys

MULTIHOMING = [(1, 0.37), (2, 0.45), (3, 0.10), (4, 0.04), (5, 0.02), (6, 0.01), (8, 0.01)]


def provider_count(rng):
    x = rng.random()
    for n, p in MULTIHOMING:
        if x < p:
            return n
        x -= p
    return MULTIHOMING[-1][0]


class Attach:
    """Pick earlier ASes with probability 1 + customers: a list holding each
    AS once, plus once more per customer, sampled uniformly."""

    def __init__(self):
        self.tickets = []

    def add(self, asn):
        self.tickets.append(asn)

    def pick(self, rng):
        return self.tickets[rng.randrange(len(self.tickets))]


def build(n, tier1, peering, seed):
    rng = random.Random(seed)
    providers = {}
    customers = {}
    peers = set()
    attach = Attach()
    for a in range(1, tier1 + 1):
        customers[a] = 0
        attach.add(a)
        for b in range(1, a):
            peers.add((b, a))
    for a in range(tier1 + 1, n + 1):
        want = min(provider_count(rng), a - 1)
        chosen = []
        while len(chosen) < want:
            p = attach.pick(rng)
            if p not in chosen:
                chosen.append(p)
        providers[a] = chosen
        customers[a] = 0
        attach.add(a)
        for p in chosen:
            customers[p] += 1
            attach.add(p)
    add_peering(rng, customers, providers, peers, tier1, peering)
    return providers, peers


def add_peering(rng, customers, providers, peers, tier1, peering):
    """Transit ASes (with customers) beyond the tier-1 clique peer with
    neighbours in the size ranking, never with their own providers or
    customers (that pair already has a relationship)."""
    transit = sorted((a for a, c in customers.items() if c > 0 and a > tier1),
                     key=lambda a: (customers[a], a))
    if len(transit) < 2:
        return
    sizes = [customers[a] for a in transit]
    for i, a in enumerate(transit):
        links = int(peering) + (rng.random() < peering - int(peering))
        for _ in range(links):
            lo = bisect.bisect_left(sizes, sizes[i] // 2)
            hi = bisect.bisect_right(sizes, sizes[i] * 2)
            b = transit[rng.randrange(lo, hi)]
            if b == a or b in providers.get(a, ()) or a in providers.get(b, ()):
                continue
            peers.add((min(a, b), max(a, b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ases", type=int, default=75000)
    ap.add_argument("--tier1", type=int, default=12)
    ap.add_argument("--peering", type=float, default=0.25,
                    help="mean peer links made by each transit AS")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.ases < args.tier1 or args.tier1 < 1:
        ap.error("--ases must be at least --tier1, which must be at least 1")
    providers, peers = build(args.ases, args.tier1, args.peering, args.seed)
    out = sys.stdout
    for a in sorted(providers):
        for p in providers[a]:
            out.write(f"{p} {a} 1\n")
    for a, b in sorted(peers):
        out.write(f"{a} {b} 0\n")


if __name__ == "__main__":
    main()
