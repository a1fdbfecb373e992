"""frr.py - FRR (bgpd) as the lab's daemon for routers set to tie-break "oldest".

BIRD has no "prefer the oldest eBGP route" step; FRR has it by default
(bgp_path_info_cmp's "older" step, skipped only with `bgp bestpath
compare-routerid`).  So the lab runs FRR for every site router, PE and
MSEE whose decision is `oldest`, and BIRD (lab.py) for the rest and for
the gateways, whose decision has no such step.  This module owns the
FRR side: the configuration of one speaker (bgpd's route-maps standing
for ersim's rules and ExpressRoute's, zebra for interface state, bfdd for
BFD), its three daemons, and reading its sessions and best routes back
in ersim's terms over bgpd's vty socket.

Daemons run as the `frr` user (FRR drops root itself) in the speaker's
namespace, in the foreground, as the cross-check's children, with their
sockets and pid files in a directory of their own.  Changing user clears
the parent-death signal, so `Lab.close()` and the namespace sweep
(`ip netns pids`) are what end them.
"""

import grp
import json
import os
import pwd
import signal
import socket
import subprocess
import time

FRR_DIR = "/usr/lib/frr"
ERSRC = {"customer": 1, "gateway": 2, "global-reach": 3}
# What an MSEE VRF passes to each kind of neighbour, by where it was learned.
MSEE_EXPORT = {"customer": (2, 3), "gateway": (1, 2), "global-reach": (1,)}


def available(frr_dir=FRR_DIR):
    return all(os.access(os.path.join(frr_dir, d), os.X_OK) for d in ("bgpd", "zebra", "bfdd"))


def _prefix_list(name, rule):
    net, le = rule.match_prefix
    if le == net.prefixlen:
        return "ip prefix-list %s seq 5 permit %s" % (name, net)
    return "ip prefix-list %s seq 5 permit %s le %d" % (name, net, le)


class Config:
    """The bgpd configuration of one speaker, built line by line."""

    def __init__(self, lab, sid):
        self.lab, self.sp = lab, lab.plan.speakers[sid]
        self.lists, self.maps = [], []

    def rule_entries(self, name, seq, rule, sets):
        """One route-map entry per rule: first fit, as BIRD's if chain."""
        head = "route-map %s %s %d" % (name, "deny" if rule.deny else "permit", seq)
        body = []
        if rule.match_prefix:
            self.lists.append(_prefix_list("%s-%d" % (name, seq), rule))
            body.append(" match ip address prefix-list %s-%d" % (name, seq))
        if rule.match_community:
            self.lists.append("bgp community-list standard %s-%d permit %d:%d"
                              % (name, seq, rule.match_community[0], rule.match_community[1]))
            body.append(" match community %s-%d" % (name, seq))
        if not rule.deny:
            body += sets
        self.maps += [head] + body

    def import_map(self, l, k):
        me = l.ends[k]
        name = "L%d-in" % l.index
        base = []
        if self.sp.kind == "msee":
            if me.role == "gateway":
                if not self.lab.sabotage:
                    base.append(" set as-path exclude 65515")
                tags = " ".join("%d:%d" % c for c in me.tag)
                base.append(" set community %s" % (tags or "none"))
            elif me.role == "customer":
                base.append(" set community none")
            base.append(" set large-community 12076:0:%d" % ERSRC[me.role])
        for i, r in enumerate(me.imports):
            sets = list(base)
            if r.local_pref is not None:
                sets.append(" set local-preference %d" % r.local_pref)
            if r.weight is not None:
                sets.append(" set weight %d" % r.weight)
            self.rule_entries(name, 10 * (i + 1), r, sets)
        self.maps += ["route-map %s permit 65000" % name] + base
        return name

    def export_map(self, l, k):
        me = l.ends[k]
        name = "L%d-out" % l.index
        base = []
        if self.sp.kind == "msee":
            ok = "ERS-TO-%s" % me.role.upper()
            for src in MSEE_EXPORT[me.role]:
                self.lists.append("bgp large-community-list standard %s permit 12076:0:%d"
                                  % (ok, src))
            # Only what this kind of neighbour gets (BIRD: `if !(ersrc =
            # ...) then reject`); the marker stays inside the VRF.  A route
            # no entry matches is denied (route-map's implicit deny).
            self.maps += ["route-map %s permit 10" % name,
                          " match large-community %s" % ok,
                          " set large-comm-list ERS-SRC delete"]
            return name
        for i, r in enumerate(me.exports):
            sets = []
            if r.med is not None:
                sets.append(" set metric %d" % r.med)
            if r.communities:
                sets.append(" set community %s additive"
                            % " ".join("%d:%d" % c for c in r.communities))
            if r.prepend:
                sets.append(" set as-path prepend %s" % " ".join([str(self.sp.asn)] * r.prepend))
            self.rule_entries(name, 10 * (i + 1), r, sets)
        self.maps += ["route-map %s permit 65000" % name] + base
        return name

    def text(self):
        lab, sp = self.lab, self.sp
        ends = [(l, k) for l in lab.plan.links for k in (0, 1) if l.ends[k].speaker is sp]
        nb = []
        af = []
        for l, k in ends:
            me, peer = l.ends[k], l.ends[1 - k]
            addr = lab.addr[(l.index, 1 - k)]
            hold = max(3, int(round(min(me.bgp.hold, peer.bgp.hold))))
            keep = max(1, int(min(me.bgp.keepalive, hold / 3)))
            nb += [" neighbor %s remote-as %d" % (addr, peer.speaker.asn),
                   " neighbor %s description L%d %s with %s" % (addr, l.index, l.kind,
                                                               peer.speaker.id),
                   " neighbor %s timers %d %d" % (addr, keep, hold),
                   " neighbor %s timers connect %d" % (addr, max(1, int(round(me.bgp.connect_retry))))]
            if l.bfd:
                nb.append(" neighbor %s bfd profile b%d" % (addr, int(round(me.bfd_interval * 1000))))
            if l.ibgp and l.interface:
                # Fast external failover resets only eBGP sessions when an
                # interface goes down; with GTSM at one hop FRR treats an
                # iBGP neighbour as directly connected and resets it too,
                # as ersim and BIRD's `direct` do (lab.py sets the BIRD end).
                nb.append(" neighbor %s ttl-security hops 1" % addr)
            af += ["  neighbor %s advertisement-interval 0" % addr,
                   "  neighbor %s route-map %s in" % (addr, self.import_map(l, k)),
                   "  neighbor %s route-map %s out" % (addr, self.export_map(l, k))]
            if l.ibgp:
                af.append("  neighbor %s next-hop-self force" % addr)
                if me.rr_client:
                    af.append("  neighbor %s route-reflector-client" % addr)
        if sp.kind == "msee":
            self.lists += ["bgp large-community-list standard ERS-SRC permit 12076:0:%d" % v
                           for v in (1, 2, 3)]
        g = ["router bgp %d" % sp.asn,
             " bgp router-id %s" % sp.router_id,
             " no bgp ebgp-requires-policy",
             " no bgp network import-check",
             " no bgp default show-hostname",
             " bgp deterministic-med",
             " bgp graceful-restart-disable",
             " bgp log-neighbor-changes",
             # No startup coalescing of a new peer's first UPDATEs (FRR's
             # default is 1 s plus 50 ms a peer): ersim sends at once.
             " coalesce-time 0"]
        if sp.always_compare_med:
            g.append(" bgp always-compare-med")
        if sp.cluster_id:
            g.append(" bgp cluster-id %s" % sp.cluster_id)
        paths = 16 if sp.multipath else 1
        g += nb + [" address-family ipv4 unicast"]
        g += ["  network %s" % p for p in sp.prefixes]
        # Not `equal-cluster-length`: with it FRR compares CLUSTER_LIST
        # length at the IGP metric step, before the router id, where
        # RFC 4456 9 and ersim compare it after; multipath over unequal
        # lengths is excluded from the comparison instead (crosscheck.py).
        g += ["  maximum-paths %d" % paths, "  maximum-paths ibgp %d" % paths]
        g += af
        head = ["! ersim cross-check: %s (%s), FRR" % (sp.id, sp.kind),
                "frr defaults traditional",
                "hostname %s" % lab.ns[sp.id],
                "log file %s/bgpd.log informational" % lab.frr_dir(sp.id)]
        lists = list(dict.fromkeys(self.lists))    # each list line once
        # Lists and route-maps first: the configuration ends inside
        # router bgp's address family.
        return "\n".join(head + lists + self.maps + g) + "\n"


def bfdd_config(lab, sid):
    sp = lab.plan.speakers[sid]
    ivs = sorted({int(round(l.ends[k].bfd_interval * 1000)): l.bfd[1]
                  for l in lab.plan.links for k in (0, 1)
                  if l.bfd and l.ends[k].speaker is sp}.items())
    out = ["bfd"]
    for iv, mult in ivs:
        out += [" profile b%d" % iv, "  receive-interval %d" % iv,
                "  transmit-interval %d" % iv, "  detect-multiplier %d" % mult, " !"]
    return "\n".join(out) + "\n!\n"


def needs_bfd(lab, sid):
    sp = lab.plan.speakers[sid]
    return any(l.bfd and any(e.speaker is sp for e in l.ends) for l in lab.plan.links)


# ---- daemons --------------------------------------------------------

def _frr_ids():
    return pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid


def prepare(lab, sid):
    """A fresh directory for the speaker's daemons, owned by frr; configs."""
    d = lab.frr_dir(sid)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if not f.endswith(".log"):
                os.unlink(os.path.join(d, f))
    else:
        os.mkdir(d)
    uid, gid = _frr_ids()
    os.chown(d, uid, gid)
    files = {"bgpd.conf": Config(lab, sid).text(), "zebra.conf": "hostname z\n"}
    if needs_bfd(lab, sid):
        files["bfdd.conf"] = bfdd_config(lab, sid)
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        os.chown(os.path.join(d, name), uid, gid)
    return d


def _daemon(lab, sid, name, extra, preexec):
    d = lab.frr_dir(sid)
    cmd = ["ip", "netns", "exec", lab.ns[sid], os.path.join(lab.frr_bin, name),
           "-u", "frr", "-g", "frr", "--vty_socket", d, "-z", os.path.join(d, "zserv.api"),
           "-i", os.path.join(d, name + ".pid"), "-f", os.path.join(d, name + ".conf")] + extra
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(d, name + ".err"), "w"),
                            preexec_fn=preexec)


def _wait_for(path, timeout=5.0):
    t0 = time.monotonic()
    while not os.path.exists(path):
        if time.monotonic() - t0 > timeout:
            raise RuntimeError("FRR: %s did not appear in %.0f s" % (path, timeout))
        time.sleep(0.02)


def start(lab, sid, preexec):
    """zebra (interface state, BFD messages), bfdd if BFD runs, then bgpd."""
    d = prepare(lab, sid)
    procs = [_daemon(lab, sid, "zebra", [], preexec)]
    _wait_for(os.path.join(d, "zserv.api"))
    if needs_bfd(lab, sid):
        procs.append(_daemon(lab, sid, "bfdd", ["--bfdctl", os.path.join(d, "bfdd.sock")],
                             preexec))
    # -n: bgpd does not install its routes (the lab reads its RIB, not
    # the kernel's table).
    procs.append(_daemon(lab, sid, "bgpd", ["-n"], preexec))
    return procs


def check_config(lab, sid):
    """bgpd's own parse of the configuration (a bad one is our bug)."""
    d = prepare(lab, sid)
    r = subprocess.run([os.path.join(lab.frr_bin, "bgpd"), "-C", "-u", "frr", "-g", "frr",
                        "--vty_socket", d, "-f", os.path.join(d, "bgpd.conf")],
                       capture_output=True, text=True)
    bad = [ln for ln in (r.stdout + r.stderr).splitlines()
           if "rror" in ln or "nknown command" in ln or "% " in ln]
    if r.returncode or bad:
        raise RuntimeError("FRR rejects %s/bgpd.conf: %s" % (d, "; ".join(bad) or r.returncode))


class Vty:
    """bgpd's vty socket: a command ends in NUL, an answer in three NULs
    and a status byte (what vtysh speaks)."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(3)
        self.s.connect(path)

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\0")
        buf = b""
        while True:
            d = self.s.recv(1 << 16)
            if not d:
                raise OSError("bgpd closed its vty")
            buf += d
            if len(buf) >= 4 and buf[-4:-1] == b"\0\0\0":
                return buf[:-4].decode(errors="replace")

    def close(self):
        self.s.close()


def cli_json(lab, sid, cmd):
    """bgpd's JSON answer to cmd; None when bgpd is down or not ready."""
    if sid not in lab.procs:
        return None
    v = lab.socks.get(sid)
    try:
        if v is None:
            v = Vty(os.path.join(lab.frr_dir(sid), "bgpd.vty"))
            lab.socks[sid] = v
        return json.loads(v.cmd(cmd) or "null")
    except (OSError, ValueError):
        if v is not None:
            v.close()
        lab.socks.pop(sid, None)
        return None


def clear(lab, sid, addr):
    """`clear bgp ADDR`: the session goes down and comes back."""
    v = Vty(os.path.join(lab.frr_dir(sid), "bgpd.vty"))
    try:
        v.cmd("enable")
        out = v.cmd("clear bgp %s" % addr)
    finally:
        v.close()
    if "%" in out:
        raise RuntimeError("FRR %s: clear bgp %s: %s" % (sid, addr, out.strip()))


def protocols(lab, sid):
    """{L<link>: state} of the speaker's BGP sessions."""
    doc = cli_json(lab, sid, "show bgp ipv4 unicast summary json") or {}
    out = {}
    for addr, p in (doc.get("peers") or {}).items():
        l = lab.addr_link.get(addr)
        if l is not None:
            out["L%d" % l] = p.get("state", "?")
    return out


def snapshot(lab, sid):
    """The speaker's best routes in ersim's RIB terms (lab.Lab.snapshot)."""
    doc = cli_json(lab, sid, "show bgp ipv4 unicast json detail")
    if doc is None:
        return None
    sp = lab.plan.speakers[sid]
    out = {}
    for prefix, entries in (doc.get("routes") or {}).items():
        paths = [p for p in entries if "aspath" in p and p.get("valid")]
        best = next((p for p in paths if (p.get("bestpath") or {}).get("overall")), None)
        if best is None:
            continue
        if best.get("sourced") or best.get("local"):
            out[prefix] = {"as_path": [], "next_hop": None, "ecmp": [], "local_pref": 100,
                           "origin": "igp", "communities": [], "weight": 0}
            continue
        r = _route(lab, best)
        if sp.multipath:
            r["ecmp"] = sorted(set(r["ecmp"] + [lab.peer_node(p) for p in paths
                                                if p.get("multipath") and p is not best]))
        # For the comparison's oldest-route check (crosscheck.py): why FRR
        # chose, and the routes it did not.
        r["_reason"] = (best.get("bestpath") or {}).get("selectionReason")
        r["_cluster_len"] = {lab.peer_node(p): len((p.get("clusterList") or {}).get("list", []))
                             for p in paths if not p.get("local")}
        r["_alts"] = [_route(lab, p) for p in paths if p is not best and not p.get("local")]
        out[prefix] = r
    return out


def _route(lab, p):
    """One FRR path in ersim's terms."""
    node = lab.peer_node(p)
    asp = []
    for seg in p["aspath"].get("segments", []):
        asp += seg.get("list", [])
    r = {"as_path": asp, "next_hop": node, "ecmp": [node],
         "local_pref": p.get("locPrf", 100), "origin": p.get("origin", "").lower(),
         "communities": sorted((p.get("community") or {}).get("list", [])),
         "weight": p.get("weight", 0)}
    if "metric" in p:
        r["med"] = p["metric"]
    return r


def stop(procs):
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
    for p in procs:
        p.wait()
