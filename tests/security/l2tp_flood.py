#!/usr/bin/env python3
"""L2TP flood generator for the LNS hardening tests (stdlib only).

  l2tp_flood.py malformed N [--target 127.0.0.1:1701] [--source ADDR] [--rate PPS]
  l2tp_flood.py sccrq N [--target ...] [--source ADDR] [--host-name NAME] [--sockets S] [--rate PPS]
  l2tp_flood.py icrq N [--target ...] [--source ADDR] [--host-name NAME] [--rate PPS] [--hold-file F]
                       [--linger S] [--end stopccn|vanish] [--quiet-before S] [--status FILE]

malformed: N datagrams an LNS cannot take, of three kinds:
  - garbage: random bytes, random length 0..200, with the Tunnel ID field
    zeroed (no tunnel to route it to: the LNS must drop it as malformed),
  - truncated: a valid-looking control header (T, L, S bits, version 2,
    tunnel 0, Ns 0, Nr 0) whose AVPs are cut short or whose Length field lies,
  - random: random bytes as they come (--random-fraction of N, default 0.1):
    these reach whatever tunnel or session ID they happen to name, so an LNS
    may count them under any drop reason (unknown-tunnel, unknown-session,
    wrong-peer, malformed).
  The first two kinds are reported as "must-be-malformed".

sccrq: N well-formed RFC 2661 SCCRQs (Message Type, Protocol Version 1.0,
  Host Name, Framing Capabilities, Assigned Tunnel ID), each a new tunnel key:
  they cycle over S sockets (fresh source ports, bound to --source) and the
  Assigned Tunnel ID changes with every round, so no (port, tunnel ID) pair
  repeats. The SCCRPs are never read nor answered.

icrq: one tunnel (SCCRQ, SCCRP, SCCCN) from --source, then N ICRQs in it,
  each a new call (distinct Assigned Session IDs and call serials), never an
  ICCN; every message of the LNS acknowledged, at most its receive window of
  ours unacknowledged. Then the tunnel is kept while --hold-file exists (at
  most --linger s) and ended by a StopCCN or left (--end). See l2tp_icrq.py
  for what it counts of the LNS's answers.

malformed and sccrq send in a tight loop (with --rate, paced per batch of 64,
never per datagram). Prints one line: what was sent and the elapsed time, as
key=value pairs for scripts (sent=, must_be_malformed=, random=,
send_errors=, seconds=, rate=; icrq: l2tp_icrq.py's figures).
"""
import argparse
import os
import random
import resource
import socket
import struct
import sys
import time

BATCH = 64  # datagrams between pacing checks with --rate
VARIANTS = 65536  # distinct malformed datagrams built up front, then cycled

M_BIT = 0x8000


def avp(attr_type, value, mandatory=True):
    """One AVP: flags|length, vendor 0, type, value (RFC 2661 §4.1)."""
    return struct.pack("!HHH", (M_BIT if mandatory else 0) | (6 + len(value)), 0, attr_type) + value


def control_header(length, tunnel_id=0, session_id=0, ns=0, nr=0):
    """A control message header: T=1 L=1 S=1, version 2 (0xC802)."""
    return struct.pack("!HHHHHH", 0xC802, length, tunnel_id, session_id, ns, nr)


def sccrq(host_name, assigned_tunnel_id):
    avps = (avp(0, struct.pack("!H", 1))  # Message Type: SCCRQ
            + avp(2, bytes([1, 0]))  # Protocol Version 1.0
            + avp(3, struct.pack("!I", 3))  # Framing Capabilities: synchronous, asynchronous
            + avp(7, host_name.encode())  # Host Name
            + avp(9, struct.pack("!H", assigned_tunnel_id))  # Assigned Tunnel ID
            + avp(10, struct.pack("!H", 4), mandatory=False))  # Receive Window Size
    return control_header(12 + len(avps)) + avps


def garbage(rng):
    """Random bytes, random length 0..200, Tunnel ID zeroed where the header has one."""
    d = bytearray(rng.randbytes(rng.randint(0, 200)))
    if d:
        at = 4 if d[0] & 0x40 else 2  # the L bit moves the Tunnel ID
        d[0] &= 0xFD  # no Offset Size field: nothing in the header points elsewhere
        d[at:at + 2] = b"\0\0"[:max(0, len(d) - at)]
    return bytes(d)


def truncated(rng, host_name):
    """A valid-looking SCCRQ header on tunnel 0 with AVPs cut short or a lying Length."""
    full = sccrq(host_name, rng.randint(1, 0xFFFF))[12:]
    how = rng.randrange(4)
    if how == 0:  # cut inside an AVP (never at a boundary between two)
        bounds, at = set(), 0
        while at < len(full):
            bounds.add(at)
            at += struct.unpack("!H", full[at:at + 2])[0] & 0x3FF
        avps = full[:rng.choice([k for k in range(1, len(full)) if k not in bounds])]
    elif how == 1:  # an AVP whose length runs past the end
        avps = struct.pack("!HHH", M_BIT | rng.randint(7, 1023), 0, 0) + rng.randbytes(rng.randint(0, 4))
    elif how == 2:  # an AVP length below its own header
        avps = struct.pack("!HHH", M_BIT | rng.randint(0, 5), 0, 0) + full[6:]
    else:  # whole AVPs, but the header's Length says more than arrived
        return control_header(12 + len(full) + rng.randint(1, 100)) + full
    return control_header(12 + len(avps)) + avps


def parse_target(text):
    host, _, port = text.rpartition(":")
    if not host:
        host, port = text, "1701"
    return host, int(port)


def raise_nofile(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        soft = new
    return soft


def open_sockets(count, source):
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((source, 0))
        socks.append(s)
    return socks


class Pacer:
    """Sleeps between batches so that `sent` stays at `rate` per second (0: no pacing)."""

    def __init__(self, rate):
        self.rate = rate
        self.start = time.perf_counter()

    def wait(self, sent):
        if self.rate <= 0:
            return
        ahead = sent / self.rate - (time.perf_counter() - self.start)
        if ahead > 0:
            time.sleep(ahead)


def flood_malformed(args, target):
    rng = random.Random(args.seed)
    n = args.count
    random_count = int(n * args.random_fraction)
    kinds = []
    for i in range(min(n, VARIANTS)):
        r = rng.random()
        if r < args.random_fraction:
            kinds.append((False, rng.randbytes(rng.randint(0, 200))))
        elif r < args.random_fraction + (1 - args.random_fraction) * 0.25:
            kinds.append((True, truncated(rng, args.host_name)))
        else:
            kinds.append((True, garbage(rng)))
    good = [d for m, d in kinds if m]  # must be malformed
    rand = [d for m, d in kinds if not m]
    if not rand:
        random_count = 0
    if not good:  # (almost) all random: every one is
        good, random_count = rand, 0
    sock = open_sockets(1, args.source)[0]
    errors = 0
    pacer = Pacer(args.rate)
    t0 = time.perf_counter()
    sendto = sock.sendto
    # Interleave: every k-th datagram is a random one.
    step = n // random_count if random_count else 0
    g, r, sent = 0, 0, 0
    lg, lr = len(good), len(rand)
    while sent < n:
        end = min(n, sent + BATCH)
        while sent < end:
            if step and sent % step == step - 1 and r < random_count:
                d = rand[r % lr]
                r += 1
            else:
                d = good[g % lg]
                g += 1
            try:
                sendto(d, target)
            except OSError:
                errors += 1
            sent += 1
        pacer.wait(sent)
    elapsed = time.perf_counter() - t0
    if good is rand:
        g, r = 0, n
    return dict(sent=n, must_be_malformed=g, random=r, send_errors=errors, seconds=elapsed)


def flood_sccrq(args, target):
    n = args.count
    count = min(args.sockets, n)
    limit = raise_nofile(count + 64)
    if limit < count + 64:
        count = max(1, limit - 64)
    socks = open_sockets(count, args.source)
    rounds = (n + count - 1) // count
    if rounds > 0xFFFF:
        sys.exit(f"l2tp_flood: {n} SCCRQs over {count} sockets repeat a (port, tunnel ID) pair: use more --sockets")
    rng = random.Random(args.seed)
    first_tid = rng.randint(1, 0xFFFF)
    template = bytearray(sccrq(args.host_name, 1))
    tid_at = template.find(struct.pack("!HHH", M_BIT | 8, 0, 9)) + 6  # the Assigned Tunnel ID value
    # One message per round (the Assigned Tunnel ID is that round's), built before the clock starts.
    per_round = []
    for k in range(rounds):
        struct.pack_into("!H", template, tid_at, (first_tid + k - 1) % 0xFFFF + 1)
        per_round.append(bytes(template))
    sendtos = [s.sendto for s in socks]
    errors = 0
    pacer = Pacer(args.rate)
    t0 = time.perf_counter()
    sent = 0
    while sent < n:
        end = min(n, sent + BATCH)
        while sent < end:
            try:
                sendtos[sent % count](per_round[sent // count], target)
            except OSError:
                errors += 1
            sent += 1
        pacer.wait(sent)
    elapsed = time.perf_counter() - t0
    if args.linger > 0:
        time.sleep(args.linger)  # the ports stay open: the LNS's SCCRPs are swallowed, not refused by ICMP
    for s in socks:
        s.close()
    return dict(sent=n, sockets=count, send_errors=errors, seconds=elapsed)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=["malformed", "sccrq", "icrq"])
    p.add_argument("count", type=int, help="datagrams to send")
    p.add_argument("--target", default="127.0.0.1:1701", help="the LNS, ADDR:PORT")
    p.add_argument("--source", default="0.0.0.0", help="send from this address (bound)")
    p.add_argument("--host-name", default="l2tp-flood", help="Host Name AVP of the SCCRQs")
    p.add_argument("--sockets", type=int, default=2000, help="sccrq: source ports to cycle through")
    p.add_argument("--rate", type=float, default=0, help="datagrams per second (0: as fast as possible)")
    p.add_argument("--random-fraction", type=float, default=0.1,
                   help="malformed: share of fully random datagrams (any drop reason)")
    p.add_argument("--linger", type=float, default=0,
                   help="sccrq: seconds to keep the sockets open after; icrq: to keep the tunnel after")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: a fresh one)")
    p.add_argument("--receive-window", type=int, default=64, help="icrq: our Receive Window Size AVP")
    p.add_argument("--setup-timeout", type=float, default=10, help="icrq: seconds for the tunnel to come up")
    p.add_argument("--hold-file", default="", help="icrq: keep the tunnel while this file exists (--linger at most)")
    p.add_argument("--end", choices=["stopccn", "vanish"], default="stopccn", help="icrq: how the tunnel ends")
    p.add_argument("--quiet-before", type=float, default=0,
                   help="icrq: end at a moment no ICCN timeout of this many seconds is near (the LNS's)")
    p.add_argument("--status", default="", help="icrq: write the figures to this file every half second")
    args = p.parse_args()
    if args.count < 0 or not 0 <= args.random_fraction <= 1 or args.sockets < 1:
        p.error("count >= 0, 0 <= --random-fraction <= 1, --sockets >= 1")
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "big")
    target = parse_target(args.target)
    if args.mode == "icrq":
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        import l2tp_icrq  # this script's directory is on the path
        result = l2tp_icrq.run(args, target)
        secs = result["send_seconds"]
        result["rate"] = round(result["sent"] / secs, 1) if secs > 0 else 0
        print("l2tp_flood icrq: " + " ".join(f"{k}={v}" for k, v in result.items()) + f" seed={args.seed}")
        sys.stdout.flush()
        return
    result = (flood_malformed if args.mode == "malformed" else flood_sccrq)(args, target)
    secs = result["seconds"]
    result["rate"] = result["sent"] / secs if secs > 0 else 0
    print(f"l2tp_flood {args.mode}: " + " ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()) + f" seed={args.seed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
