#!/usr/bin/env python3
"""crosscheck.py - check ersim against BIRD 2 and FRR on the same topology.

For each scenario: build the speakers and sessions ersim builds (plan.py)
as network namespaces with one BIRD each (lab.py), or FRR for the
routers set to tie-break "oldest" (frr.py), wait for convergence,
and compare every router's best routes with `ersim run --ribs`; then
apply the scenario's failures and restores one group at a time, compare
the routes after each, and compare when the change was detected and when
the routes stopped changing with ersim's event results.  Both sides run a
copy of the scenario with short timers (keepalive 1 s, hold 3 s, BFD
100 ms x 3, connect-retry 1 s, MRAI 0), so a case takes seconds.

Usage: crosscheck.py [--ersim PATH] [--keep] [--static-only] SCENARIO.xml...
Exit: 0 all equal, 1 a difference, 2 bad usage or a scenario the tool
cannot build, 3 a runtime failure (no BIRD, no namespaces).
"""

import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frr as frrmod  # noqa: E402
import lab as labmod  # noqa: E402
import plan as planmod  # noqa: E402
import gen_random as genmod  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
POLL = 0.05
QUIET = 1.5
FIELDS = ("as_path", "next_hop", "ecmp", "local_pref", "origin", "med", "communities", "weight")

CURRENT = []   # labs to close on exit or signal
WORKDIRS = []  # temporary directories to remove on exit or signal


def cleanup_all():
    while CURRENT:
        CURRENT.pop().close()
    while WORKDIRS:
        shutil.rmtree(WORKDIRS.pop(), ignore_errors=True)


def on_signal(signum, frame):
    cleanup_all()
    sys.stderr.write("crosscheck: interrupted (signal %d); namespaces removed\n" % signum)
    os._exit(128 + signum)


# ---- ersim side -------------------------------------------------------

def ersim_ribs(ersim, path, until=None, seed=None):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        # BIRD has no ExpressRoute gateway: compare like with like, with
        # the gateway reacting at once as plain BGP (docs/crosscheck.md).
        cmd = [ersim, "run", path, "--ribs", "--json", out.name,
               "--gateway-convergence", "0s"]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        if until is not None:
            cmd += ["--until", planmod.fmt_time(until)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out.name) as f:
            return json.load(f)


PHASE_GAP = 5.0   # events closer than this (s) form one phase


def event_groups(plan):
    """Events grouped into phases, up to the first one BIRD cannot play.

    A phase is a run of events each less than PHASE_GAP after the one
    before: they are played at their own spacing (closer together than
    detection, possibly), and the routes are compared once the phase has
    settled.  Each action carries its offset from the phase's start."""
    groups, skipped = [], []
    last = None
    for at, action, target in plan.events:
        if skipped or action not in ("fail", "restore"):
            skipped.append((at, action, target))
            continue
        if groups and at - last < PHASE_GAP:
            groups[-1][1].append((action, target, at - groups[-1][0]))
        else:
            groups.append((at, [(action, target, 0.0)]))
        last = at
    return groups, skipped


def phase_end(groups, i):
    """Simulated time of the last event of phase i."""
    at, actions = groups[i]
    return at + max(off for _, _, off in actions)


# ---- comparison -------------------------------------------------------

def norm(r, med0=False):
    """The compared fields of a route; with med0 a missing MED is 0 (FRR
    sends its own routes with MED 0, its IGP metric, where ersim and
    BIRD send none: every decision here reads both the same)."""
    if r is None:
        return None
    o = {k: r.get(k) for k in FIELDS}
    if med0 and o["med"] is None:
        o["med"] = 0
    o["ecmp"] = sorted(set(o["ecmp"] or []))
    o["communities"] = sorted(o["communities"] or [])
    return o


def short(r):
    if r is None:
        return "(no route)"
    path = " ".join(str(a) for a in r["as_path"]) or "-"
    if r["next_hop"] is None:
        return "originated"
    ecmp = ",".join(r["ecmp"])
    extra = ""
    if r.get("med") is not None:
        extra += " med %d" % r["med"]
    if r["weight"]:
        extra += " w %d" % r["weight"]
    if r["communities"]:
        extra += " {%s}" % " ".join(r["communities"])
    return "[%s] via %s lp %s ecmp %s%s" % (path, r["next_hop"], r["local_pref"], ecmp, extra)


def exclusions_for(plan, router, prefix, e, b, b_raw):
    """Fields to leave out for this route, with why (only what BIRD cannot
    express for this very route)."""
    out = {}
    sp = plan.speakers.get(router)
    if sp is None or e is None or b is None:
        return out
    if sp.kind == "ce" and sp.daemon == "bird" and sp.multipath and len(b["ecmp"]) > 1:
        asns = {s.asn for s in plan.speakers.values() if s.node in b["ecmp"]}
        if len(asns) > 1:
            out["ecmp"] = ("BIRD's merge paths does not require the same neighbour AS "
                           "(ersim, like maximum-paths, does)")
    if sp.kind == "ce" and sp.multipath and len(b["ecmp"]) > 1:
        cl = b_raw.get("_cluster_len", {})
        if len({cl.get(n) for n in b["ecmp"]}) > 1:
            out["ecmp"] = ("%s shares iBGP routes of unequal CLUSTER_LIST length; ersim does "
                           "not, as that can loop (FRR's equal-cluster-length would also move "
                           "CLUSTER_LIST before the router id)"
                           % ("BIRD's merge paths" if sp.daemon == "bird" else "FRR's maximum-paths"))
    if sp.kind == "gw":
        circuits = {s.id.split("@")[1] for s in plan.speakers.values()
                    if s.kind == "msee" and s.node in b["ecmp"]}
        if len(circuits) > 4:
            out["ecmp"] = "the gateway's 4-circuit ECMP cap is not expressible in BIRD"
    return out


def compare_states(plan, ersim_docs, bird, label, down_nodes, report):
    """Compare BIRD with each of ersim's settled states of one phase (one
    per seed; they differ only when the design has several stable
    states) and print the table of the closest: BIRD may reach any of
    them.  Return its number of differences."""
    distinct = []
    for d in ersim_docs:
        if d.get("ribs") not in [x.get("ribs") for x in distinct]:
            distinct.append(d)
    if len(distinct) == 1:
        return compare_ribs(plan, distinct[0], bird, label, down_nodes, report)
    scores = [compare_ribs(plan, d, bird, label, down_nodes, {"exclusions": set()}, quiet=True)
              for d in distinct]
    best = min(range(len(distinct)), key=lambda k: scores[k])
    report["multistable"] = report.get("multistable", 0) + 1
    return compare_ribs(plan, distinct[best], bird,
                        "%s (one of %d stable states ersim reaches with different seeds: "
                        "state %d)" % (label, len(distinct), best + 1),
                        down_nodes, report)


def compare_phase(plan, lab, docs, label, down, report):
    """compare_states, and once more if an FRR router's oldest-route race
    went the other way than in ersim while something differs: each such
    router's session to the neighbour whose route FRR kept is reset, so
    that route comes back as the newer one (the history ersim had), and
    the rest of the lab follows.  Only FRR's choice moves; any
    difference left is ersim's or the lab's."""
    report["races"] = []
    d = compare_states(plan, docs, bird_state(lab), label, down, report)
    races = sorted(set(report["races"]))
    if not d or not races:
        return d
    print("    (%d differences with a race among them: the lab is steered and compared again)" % d)
    for router, node in races:
        lab.reset_session(router, node)
        report["exclusions"].add("%s: session to %s reset by the tool after the oldest-route "
                                 "race (%s), so that the lab's history matches ersim's"
                                 % (router, node, label))
    wait_quiet(lab)
    return compare_states(plan, docs, bird_state(lab), "%s, after resetting %s"
                          % (label, ", ".join("%s-%s" % r for r in races)), down, report)


def wait_quiet(lab, least=4.0, timeout=30.0):
    """Until no route or session has changed for QUIET seconds."""
    w = Watch(lab)
    t0 = last = time.monotonic()
    while time.monotonic() - t0 < timeout:
        time.sleep(POLL)
        rc, sc = w.poll()
        now = time.monotonic()
        if rc or sc:
            last = now
        if now - t0 >= least and now - last >= QUIET:
            return


def compare_ribs(plan, ersim_doc, bird, label, down_nodes, report, quiet=False):
    """Print the table of one state; return the number of differences."""
    ribs = ersim_doc.get("ribs", {})
    med0 = any(s.daemon == "frr" for s in plan.speakers.values())
    if med0:
        report["exclusions"].add("MED: FRR sends its own routes with MED 0 (its IGP metric, "
                                 "as Cisco), ersim none; a missing MED counts as 0 in every "
                                 "decision here, so the two are compared as equal")
    diffs = 0
    rows = 0
    out = (lambda *a: None) if quiet else print
    out("  %s" % label)
    out("    %-24s %-18s %-5s %s" % ("router", "prefix", "", "route (AS path, next hop, local-pref, ECMP set)"))
    for router in plan.speakers:
        node = plan.speakers[router].node
        if node in down_nodes:
            continue
        er = ribs.get(router, {})
        br = bird.get(router)
        who = "FRR " if plan.speakers[router].daemon == "frr" else "BIRD"
        if br is None:
            out("    %-24s %s not answering" % (router, who.strip()))
            diffs += 1
            continue
        for prefix in sorted(set(er) | set(br), key=prefix_key):
            e, b = norm(er.get(prefix), med0), norm(br.get(prefix), med0)
            excl = exclusions_for(plan, router, prefix, e, b, br.get(prefix) or {})
            for f, why in excl.items():
                report["exclusions"].add("%s %s %s: %s" % (router, prefix, f, why))
            bad = [f for f in FIELDS if f not in excl and
                   (e or {}).get(f) != (b or {}).get(f)] if (e and b) else ([] if e == b else ["route"])
            rows += 1
            race = bad and oldest_race(plan.speakers[router], e, br.get(prefix), med0)
            if race:
                report.setdefault("races", []).append((router, b["next_hop"]))
                report["exclusions"].add(
                    "%s %s: ersim kept the route via %s, FRR the one via %s, equal up to the "
                    "oldest-route step (%s in FRR): which came first is a race in the lab"
                    % (router, prefix, e["next_hop"], b["next_hop"], race))
                out("    %-24s %-18s race  ersim %s" % (router, prefix, short(e)))
                out("    %-24s %-18s       %s  %s   (%s)" % ("", "", who, short(b), race))
                continue
            if not bad:
                out("    %-24s %-18s ok    %s" % (router, prefix, short(e)))
                continue
            diffs += 1
            out("    %-24s %-18s DIFF  ersim %s" % (router, prefix, short(e)))
            out("    %-24s %-18s       %s  %s   (%s)" % ("", "", who, short(b), ", ".join(bad)))
    out("    %d routes, %d differences" % (rows, diffs))
    return diffs


def oldest_race(sp, e, fr, med0):
    """FRR's step when its best route differs from ersim's only in the
    neighbour it came from, and FRR has ersim's route too with the same
    attributes: both are right, the older route won, and which arrived
    first depends on the lab's timing (BIRD's and FRR's start, the
    poll), not on the model.  None otherwise."""
    if sp.daemon != "frr" or not e or not fr or fr.get("_reason") not in ("Older Path",
                                                                            "Router ID"):
        return None
    b = norm(fr, med0)
    for alt in fr.get("_alts", []):
        a = norm(alt, med0)
        if a["next_hop"] == e["next_hop"] and decides_same(sp, a, e) and decides_same(sp, b, e):
            return fr["_reason"]
    return None


def decides_same(sp, a, b):
    """Equal in every step before the oldest route (the IGP cost is not
    mirrored, and both come over eBGP or both over iBGP: the same session
    kinds as ersim's routes, as the next hops are the same neighbours)."""
    if (a["weight"], a["local_pref"], len(a["as_path"]), a["origin"]) != \
            (b["weight"], b["local_pref"], len(b["as_path"]), b["origin"]):
        return False
    first = (a["as_path"] or [0])[0] == (b["as_path"] or [0])[0]
    return a["med"] == b["med"] or not (first or sp.always_compare_med)


def prefix_key(p):
    net, _, ln = p.partition("/")
    return (tuple(int(x) for x in net.split(".")), int(ln or 0))


# ---- the BIRD side over time -----------------------------------------

class Watch:
    """Polls every router; remembers when sessions and routes last changed."""

    def __init__(self, lab):
        self.lab = lab
        self.routes, self.sessions = lab.signature()

    def established(self, sessions):
        return {(sid, p) for sid, ps in sessions.items() if ps
                for p, st in ps.items() if "Established" in st}

    def poll(self):
        routes, sessions = self.lab.signature()
        route_change = any(routes[s] != self.routes.get(s) for s in routes
                           if routes[s] is not None and self.routes.get(s) is not None)
        sess_change = self.established(sessions) != self.established(self.sessions)
        self.routes, self.sessions = routes, sessions
        return route_change, sess_change

    def all_usable_up(self):
        want = 2 * sum(1 for l in self.lab.plan.links if self.lab._usable(l))
        return len(self.established(self.sessions)) >= want

    def all_up(self):
        want = 2 * len(self.lab.plan.links)
        return len(self.established(self.sessions)) == want


def wait_initial(lab, timeout=45.0):
    w = Watch(lab)
    t0 = time.monotonic()
    last = t0
    while time.monotonic() - t0 < timeout:
        time.sleep(POLL)
        rc, sc = w.poll()
        if rc or sc:
            last = time.monotonic()
        if w.all_up() and time.monotonic() - last >= QUIET:
            return time.monotonic() - t0, True
    return time.monotonic() - t0, False


def run_group(lab, plan, actions, expect_s, tol):
    """Apply one group of events; (detected, converged) seconds after it."""
    w = Watch(lab)
    t0 = time.monotonic()
    for action, target, off in actions:
        wait = t0 + off - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        links, nodes = planmod.resolve(plan, target)
        lab.apply(action, links, nodes)
    detected = converged = None
    last = time.monotonic()
    min_wait = max(4.0, (expect_s or 0) + tol + 0.5) + max(a[2] for a in actions)
    while True:
        time.sleep(POLL)
        rc, sc = w.poll()
        now = time.monotonic()
        if sc and detected is None:
            detected = now - t0
        if rc:
            converged = now - t0
            last = now
        # Settled: quiet, and every session whose link and routers are
        # up is back (a restored FRR router's daemons start slower than
        # a BIRD; seed 5 compared before its MSEE session was up).
        if now - t0 >= min_wait and now - last >= QUIET and w.all_usable_up():
            break
        if now - t0 > 40:
            break
    return detected, converged


def bird_state(lab):
    return {sid: lab.snapshot(sid) for sid in lab.plan.speakers if sid in lab.procs}


def down_nodes(lab):
    return {n for n, c in lab.node_down.items() if c > 0}


def tolerance(plan, actions):
    """Allowed |ersim - BIRD| for one event group, in seconds, and why."""
    base = 0.5
    links, why = [], ["0.5 s base (polling every 50 ms, process scheduling)"]
    for _, target, _ in actions:
        l2, n2 = planmod.resolve(plan, target)
        links += l2
        for n in n2:
            links += lab_links_of_node(plan, n)
    if any(a[0] == "restore" for a in actions):
        base += 3.0
        why.append("+3 s on restore (BIRD's connect delay and error wait, 1 s each, "
                   "BFD session start, connect-retry jitter)")
    if any(s.daemon == "frr" for s in plan.speakers.values()):
        base += 0.5
        why.append("+0.5 s where FRR runs (zebra's interface event, next-hop tracking, "
                   "bgpd's work queue and update-group write: 0.1 to 0.6 s under load)")
    restored = [n for a, target, _ in actions if a == "restore"
                for n in planmod.resolve(plan, target)[1]]
    if any(s.daemon == "frr" for s in plan.speakers.values() if s.node in restored):
        base += 1.0
        why.append("+1 s for a restored FRR router (zebra, then bgpd, which waits its 1 s "
                   "idle hold before the first connect)")
    silent = [l for l in links if not l.interface]
    if any(l.bfd is None for l in silent):
        base += 1.0
        why.append("+1 s hold-timer window (detection anywhere in [hold - keepalive, hold])")
    elif silent:
        base += max(l.bfd[0] for l in silent)
        why.append("+1 BFD interval (detection window [(m-1)i, mi])")
    return base, "; ".join(why)


def lab_links_of_node(plan, node):
    return [l for l in plan.links if any(e.speaker.node == node for e in l.ends)]


def fmt(t):
    return "-" if t is None else "%.3f" % t


# ---- one scenario ----------------------------------------------------

def check_scenario(path, args):
    report = {"exclusions": set(), "diffs": 0}
    work = tempfile.mkdtemp(prefix="ersxc-")
    if not args.keep:
        WORKDIRS.append(work)
    lab = None
    try:
        short_xml = os.path.join(work, "short-timers.xml")
        planmod.short_timer_copy(path, short_xml, frr=args.frr,
                                 default_tie="oldest" if args.oldest else "router-id")
        plan = planmod.build(short_xml, args.ersim, args.catalog)
        groups, skipped = event_groups(plan)
        print("=" * 78)
        print("scenario %s (%s): %d routers, %d sessions, %d event groups"
              % (plan.name, os.path.relpath(path, ROOT) if path.startswith(ROOT) else path,
                 len(plan.speakers), len(plan.links), len(groups)))
        frr_routers = [s.id for s in plan.speakers.values() if s.daemon == "frr"]
        if frr_routers:
            print("  FRR (tie-break oldest): %s; BIRD: the rest" % ", ".join(frr_routers))
        for n in plan.notes:
            report["exclusions"].add(n)
        for at, action, target in skipped:
            report["exclusions"].add("event %s %s at %.3f s and all later ones: not played in "
                                     "BIRD (only fail and restore are)" % (action, target, at))
        # ersim: the state just before each phase, and at the end; once
        # per seed, as processing-time jitter can settle a design with
        # several stable states in any of them.
        seeds = [None] + list(range(1, args.state_seeds))
        states = [[ersim_ribs(args.ersim, short_xml, max(g[0] - 0.001, 1e-6), sd)
                   for sd in seeds] for g in groups]
        final = ersim_ribs(args.ersim, short_xml)
        states.append([final] + [ersim_ribs(args.ersim, short_xml, None, sd) for sd in seeds[1:]])
        for n in final.get("notices", []):
            if n["kind"] in ("prefix-limit", "gateway-prefix-limit", "gateway-route-limit"):
                report["exclusions"].add("%s at %s: ersim's %s behaviour is not configured "
                                         "in BIRD; routes of this router may differ"
                                         % (n["kind"], n["node"], n["kind"]))
        ev_by_time = {}
        for e in final.get("events", []):
            ev_by_time.setdefault(e["at_s"], e)

        lab = labmod.Lab(plan, work)
        lab.sabotage = args.self_test
        lab.frr_bin = args.frr_dir
        lab.staged = args.staged_start
        CURRENT.append(lab)
        lab.build()
        lab.check_configs()
        lab.start_all()
        took, ok = wait_initial(lab)
        print("  BIRD: %s after %.1f s (ersim initial convergence %.3f s simulated; BIRD's "
              "is dominated by its 1 s connect delay and is not compared)"
              % ("all %d sessions up, quiet" % (2 * len(plan.links)) if ok
                 else "NOT all sessions up", took, final["initial_convergence_s"]))
        if not ok:
            report["diffs"] += 1
        label0 = "routes before the first event" if groups else "routes at the end"
        d0 = compare_phase(plan, lab, states[0], label0, set(), report)
        if d0 and not args.staged_start:
            # A design with several stable states settles by the order
            # its sessions come up: in ersim by the links' delays, in a
            # lab started all at once by chance.  Start again in ersim's
            # order; what differs then is a difference.
            print("    (%d differences: the lab starts again with its links up in the "
                  "order of their delays in ersim, %.1f s apart)" % (d0, labmod.STAGE))
            lab.restart_staged()
            took, ok = wait_initial(lab)
            if not ok:
                report["diffs"] += 1
            report["exclusions"].add("initial state: compared after a start with the links up "
                                     "in ersim's order of delays (the start all at once "
                                     "differed)")
            d0 = compare_phase(plan, lab, states[0], label0 + ", links up in ersim's order",
                               set(), report)
        report["diffs"] += d0
        conv = []
        if not args.static_only:
            for i, (at, actions) in enumerate(groups):
                e = ev_by_time.get(at)
                e_det = e["detected_s"] - at if e and e["detected_s"] is not None else None
                e_conv = e["convergence_s"] if e else None
                tol, why = tolerance(plan, actions)
                det, cv = run_group(lab, plan, actions, e_conv, tol)
                label = ", ".join("%s %s" % a[:2] if not a[2] else "%s %s +%gms" %
                                  (a[0], a[1], a[2] * 1000) for a in actions)
                # Times are compared for a phase of one instant only: a
                # phase spread over several events has no single ersim
                # event whose convergence it could be held against.
                if all(a[2] == 0 for a in actions):
                    conv.append((at, label, e_det, det, e_conv, cv, tol, why))
                report["diffs"] += compare_phase(plan, lab, states[i + 1],
                                                "routes after %s (t=%gs)" % (label, at),
                                                down_nodes(lab), report)
        if conv:
            print("  convergence (seconds after the event; ersim on the short-timer copy, "
                  "BIRD measured by polling every %d ms)" % (POLL * 1000))
            print("    %-40s %8s %8s %9s %8s %7s  %s"
                  % ("event", "ersim", "BIRD", "ersim", "BIRD", "tol", ""))
            print("    %-40s %8s %8s %9s %8s %7s" % ("", "detect", "detect", "converge",
                                                      "converge", "+/-"))
            for at, label, ed, bd, ec, bc, tol, why in conv:
                # No route change at all is convergence 0 on either side
                # (ersim reports 0, the poll sees no change: None).
                good = within(ed, bd, tol) and within(ec or 0.0, bc or 0.0, tol)
                if not good:
                    report["diffs"] += 1
                print("    %-40s %8s %8s %9s %8s %7.2f  %s"
                      % (label[:40], fmt(ed), fmt(bd), fmt(ec), fmt(bc), tol,
                         "ok" if good else "DIFF"))
            for why in sorted({c[7] for c in conv}):
                print("    tolerance: %s" % why)
        if report["exclusions"]:
            print("  excluded from the comparison:")
            for x in sorted(report["exclusions"]):
                print("    - %s" % x)
        print("  result: %s" % ("ok" if report["diffs"] == 0
                                else "%d difference(s)" % report["diffs"]))
        return report
    finally:
        if lab is not None:
            lab.close()
            if lab in CURRENT:
                CURRENT.remove(lab)
        if args.keep:
            print("  kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def within(x, y, tol):
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= tol


def parse_seeds(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description="cross-check ersim against BIRD 2 and FRR")
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--seeds", help="also check the random designs of these seeds "
                    "(gen_random.py), as 1-20,31")
    ap.add_argument("--state-seeds", type=int, default=3,
                    help="ersim seeds per state; BIRD may match any of their settled states")
    ap.add_argument("--ersim", default=os.path.join(ROOT, "build", "ersim"))
    ap.add_argument("--catalog", default=os.path.join(ROOT, "data", "geography.xml"))
    ap.add_argument("--keep", action="store_true", help="keep configurations and logs")
    ap.add_argument("--static-only", action="store_true", help="compare routes only, no failures")
    ap.add_argument("--frr-dir", default=frrmod.FRR_DIR,
                    help="where FRR's daemons are (bgpd, zebra, bfdd)")
    ap.add_argument("--staged-start", action="store_true",
                    help="bring the links up in the order of their delays in ersim, "
                         "1.5 s apart, from the start (by default only when the "
                         "state before the first event differs)")
    ap.add_argument("--no-frr", action="store_true",
                    help="BIRD only: random designs without tie-break oldest, and a "
                         "scenario that asks for it is refused")
    ap.add_argument("--oldest", action="store_true",
                    help="routers that do not set tie-break use oldest (FRR) "
                         "instead of router-id (BIRD)")
    ap.add_argument("--self-test", action="store_true",
                    help="leave the MSEE's removal of AS 65515 out of BIRD's filters and "
                         "succeed only if the comparison catches it")
    args = ap.parse_args(argv)
    if os.geteuid() != 0:
        sys.stderr.write("crosscheck: needs root (network namespaces)\n")
        return 3
    for tool in ("bird", "ip"):
        if not shutil.which(tool):
            sys.stderr.write("crosscheck: %s not found (apt-get install bird2 iproute2)\n" % tool)
            return 3
    args.frr = not args.no_frr and frrmod.available(args.frr_dir)
    if not args.frr:
        print("crosscheck: %s: routers set to tie-break oldest are not checked "
              "(FRR's bgpd, zebra and bfdd not found in %s; apt-get install frr)"
              % ("--no-frr" if args.no_frr else "no FRR", args.frr_dir))
        if args.oldest:
            sys.stderr.write("crosscheck: --oldest needs FRR\n")
            return 3
    if not os.access(args.ersim, os.X_OK):
        sys.stderr.write("crosscheck: no ersim binary at %s (make first)\n" % args.ersim)
        return 3
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    atexit.register(cleanup_all)
    stale = labmod.sweep_stale()
    if stale:
        print("removed %d stale namespaces of an earlier run" % len(stale))
    total, failed = 0, []
    paths = list(args.scenarios)
    if args.seeds:
        try:
            seeds = parse_seeds(args.seeds)
        except ValueError:
            sys.stderr.write("crosscheck: --seeds %s: give seeds as 1-20,31\n" % args.seeds)
            return 2
        gdir = tempfile.mkdtemp(prefix="ersxc-gen-")
        WORKDIRS.append(gdir)
        for sd in seeds:
            out = os.path.join(gdir, "random-%d.xml" % sd)
            with open(out, "w") as f:
                f.write(genmod.gen(sd, oldest=args.frr))
            v = subprocess.run([args.ersim, "validate", out], capture_output=True, text=True)
            if v.returncode != 0:
                print("crosscheck: seed %d: generator bug, the design does not validate:\n%s"
                      % (sd, v.stdout + v.stderr))
                failed.append("random-%d (generator)" % sd)
                continue
            paths.append(out)
    if not paths:
        ap.error("give scenarios or --seeds")
    t_start = time.monotonic()
    for path in paths:
        try:
            rep = check_scenario(os.path.abspath(path), args)
        except planmod.Unsupported as e:
            print("crosscheck: %s: cannot build: %s" % (path, e))
            if args.seeds:
                failed.append("%s (cannot build)" % os.path.basename(path))
                continue
            return 2
        except subprocess.CalledProcessError as e:
            sys.stderr.write("crosscheck: %s: %s failed: %s\n"
                             % (path, " ".join(e.cmd), (e.stderr or "").strip()))
            return 3
        total += 1
        if rep["diffs"]:
            failed.append(os.path.basename(path))
    print("=" * 78)
    if args.self_test:
        print("crosscheck self-test: %s" % (
            "ok, the sabotaged rule was caught in " + ", ".join(failed) if len(failed) == total
            else "FAILED, the sabotaged rule went unnoticed"))
        return 0 if len(failed) == total else 1
    print("crosscheck: %d scenarios in %.0f s, %s" % (total, time.monotonic() - t_start,
                                                      "all agree" if not failed
                                             else "differences in " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
