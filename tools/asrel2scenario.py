#!/usr/bin/env python3
"""asrel2scenario.py - turn an AS-relationship file into an ersim scenario.

Input lines are "AS1 AS2 REL [DELAY]" (CAIDA/Subramanian et al. "rexford"
format, as in ../shared/data/as-relation-2002.txt): REL 0 means AS1 and
AS2 are peers, 1 means AS1 is a provider of AS2. Each AS becomes a site
"asN" with one router "r"; each relationship a <site-link> with
relationship="customer" (REL 1: AS2 is AS1's customer) or "peer" (REL 0),
which applies Gao-Rexford policies (docs/scenario-format.md). DELAY (ms)
becomes the link delay, else --delay.

Originated prefixes: --origins AS,AS,... or --prefixes K (the first K
distinct ASes in file order; with K = 1 and --first-origin, that AS).
Each origin announces one /24 from 10.0.0.0 on.

ASNs that ExpressRoute reserves (12076, 23456, 65515-65520) cannot be a
site's ASN in ersim; they are mapped to 4200000000 + ASN (a private 4-byte
ASN), which changes no path length or policy. Lines naming the same pair
twice keep the first.

  tools/asrel2scenario.py ../shared/data/as-relation-2002.txt --prefixes 10 > inet10.xml
"""
import argparse
import sys

RESERVED = {12076, 23456} | set(range(65515, 65521))


def asn_of(a):
    return 4200000000 + a if a in RESERVED else a


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--prefixes", type=int, default=1)
    ap.add_argument("--first-origin", type=int, default=None,
                    help="with --prefixes 1: the AS that originates (e.g. 7018)")
    ap.add_argument("--origins", default=None, help="comma-separated ASes")
    ap.add_argument("--delay", default="10ms")
    ap.add_argument("--mrai", default="0s")
    ap.add_argument("--name", default="internet")
    a = ap.parse_args()

    order, seen, links, pairs = [], set(), [], set()
    with open(a.file) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            if len(parts) < 3:
                sys.exit(f"{a.file}:{n}: expected 'AS1 AS2 REL [DELAY]'")
            x, y, rel = int(parts[0]), int(parts[1]), int(parts[2])
            delay = parts[3] + "ms" if len(parts) > 3 else a.delay
            for asn in (x, y):
                if asn not in seen:
                    seen.add(asn)
                    order.append(asn)
            key = (min(x, y), max(x, y))
            if x == y or key in pairs:
                continue
            pairs.add(key)
            links.append((x, y, "peer" if rel == 0 else "customer", delay))

    if a.origins:
        origins = [int(v) for v in a.origins.split(",")]
    elif a.prefixes == 1 and a.first_origin is not None:
        origins = [a.first_origin]
    else:
        origins = order[:a.prefixes]
    origin_index = {asn: i for i, asn in enumerate(origins)}

    out = sys.stdout
    out.write('<?xml version="1.0"?>\n')
    out.write(f"<!-- {a.name}: {len(order)} ASes, {len(links)} relationships from "
              f"{a.file.split('/')[-1]}, {len(origins)} originated prefixes; "
              "made by tools/asrel2scenario.py -->\n")
    out.write(f'<scenario name="{a.name}" seed="1">\n')
    out.write(f'  <defaults><bgp keepalive="60s" hold="180s" mrai="{a.mrai}" '
              'processing-delay="1ms" connect-retry="5s"/></defaults>\n')
    for asn in order:
        out.write(f'  <site id="as{asn}" asn="{asn_of(asn)}"><router id="r"/>')
        if asn in origin_index:
            i = origin_index[asn]
            out.write(f"<prefix>10.{i >> 8 & 255}.{i & 255}.0/24</prefix>")
        out.write("</site>\n")
    for x, y, rel, delay in links:
        out.write(f'  <site-link a="as{x}/r" b="as{y}/r" delay="{delay}" relationship="{rel}"/>\n')
    out.write("</scenario>\n")


if __name__ == "__main__":
    main()
