#!/usr/bin/env python3
"""Bad PPPoE input for the LAC's refusal tests, from raw AF_PACKET sockets.

usage: pppoe_attacker.py IFACE CASE [COUNT] [--rate PPS] [--ac MAC]
Cases (each prints one line "CASE sent N seconds=S rate=R send_errors=E" and exits 0,
or exits 1 with why):
  malformed      discovery frames with a wrong version, a truncated tag, a length past the end
  bad-cookie     PADRs with a cookie the AC never made
  replay-cookie  a real PADO's cookie (for MAC A) in a PADR from MAC B
  padr-flood     COUNT PADRs with random cookies from random MACs
  padi-mac       COUNT PADIs from one MAC at once (over the per-MAC rate)
  padi-flood     COUNT PADIs from random MACs (each from another one: 02:ba:c0:00:00:00 + i)
  unknown-session session frames for session IDs nobody holds
  wrong-mac      a real session (PADI..PADS as MAC A), then session frames for it from MAC B
  not-for-us     PADIs unicast to a MAC that is not the AC's
Options for the floods (padr-flood, padi-mac, padi-flood; tests/security/pppoe_flood.sh):
  --rate PPS     at most PPS frames a second, paced per batch of 64 (default 0: as fast as python
                 sends); a frame the kernel refuses (ENOBUFS) is counted in send_errors, not sent.
                 SIGTERM ends a flood early: its line then tells what was sent.
  --ac MAC       padr-flood: the AC's MAC (aa:bb:cc:dd:ee:ff), instead of learning it with a
                 PADI..PADS of our own (which leaves that session starting until it times out)
"""
import argparse, errno, os, random, select, signal, socket, struct, sys, time

BATCH = 64  # frames between pacing checks with --rate

ETH_DISC, ETH_SESS = 0x8863, 0x8864
BCAST = b"\xff" * 6


def mac(n):
    return bytes([0x02, 0xBA, (n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])


def tag(t, v=b""):
    return struct.pack("!HH", t, len(v)) + v


def pppoe(code, sid, payload, ver_type=0x11, length=None):
    return struct.pack("!BBHH", ver_type, code, sid, len(payload) if length is None else length) + payload


def frame(dst, src, ethertype, body):
    f = dst + src + struct.pack("!H", ethertype) + body
    return f + b"\0" * max(0, 60 - len(f))


def tags_of(body):
    out, i = {}, 6
    n = struct.unpack("!H", body[4:6])[0]
    end = min(len(body), 6 + n)
    while i + 4 <= end:
        t, l = struct.unpack("!HH", body[i:i + 4])
        out.setdefault(t, body[i + 4:i + 4 + l])
        i += 4 + l
    return out


class Port:
    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.s.bind((iface, 0))

    def send(self, f):
        self.s.send(f)

    def blast(self, frames, count, rate):
        """Sends count frames from the generator `frames`, paced at `rate` a second (0: unpaced),
        until SIGTERM. Returns (sent, send_errors): ENOBUFS/EAGAIN (a full device queue) is
        counted, not raised."""
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        sent = errors = 0
        start = time.perf_counter()
        for i, f in enumerate(frames):
            if i >= count or stop:
                break
            if rate > 0 and i % BATCH == 0:
                ahead = i / rate - (time.perf_counter() - start)
                if ahead > 0:
                    time.sleep(ahead)
            try:
                self.s.send(f)
                sent += 1
            except OSError as e:
                if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                    raise
                errors += 1
        return sent, errors

    def wait(self, code, for_mac, timeout=3.0):
        """The next discovery frame with `code` addressed to `for_mac`: (src MAC, session id, tags)."""
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(0, end - time.time()))
            if not r:
                break
            f = self.s.recv(2048)
            if len(f) < 20 or f[0:6] != for_mac:
                continue
            et = struct.unpack("!H", f[12:14])[0]
            body = f[14:]
            if et == 0x8100:
                et, body = struct.unpack("!H", f[16:18])[0], f[18:]
            if et == ETH_DISC and body[1] == code:
                return f[6:12], struct.unpack("!H", body[2:4])[0], tags_of(body)
        return None


def discover(p, m):
    """PADI..PADS as MAC m: (AC MAC, session id, PADO tags)."""
    p.send(frame(BCAST, m, ETH_DISC, pppoe(0x09, 0, tag(0x0101) + tag(0x0103, m))))
    o = p.wait(0x07, m)
    if not o:
        sys.exit("no PADO")
    ac, _, tags = o
    p.send(frame(ac, m, ETH_DISC, pppoe(0x19, 0, tag(0x0101) + tag(0x0103, m) + tag(0x0104, tags[0x0104]))))
    s = p.wait(0x65, m)
    if not s or s[1] == 0:
        sys.exit("no PADS")
    return ac, s[1], tags


def main():
    a = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a.add_argument("iface")
    a.add_argument("case")
    a.add_argument("count", type=int, nargs="?", default=100)
    a.add_argument("--rate", type=float, default=0)
    a.add_argument("--ac", type=lambda t: bytes.fromhex(t.replace(":", "")), default=None)
    args = a.parse_args()
    iface, case, count = args.iface, args.case, args.count
    p = Port(iface)
    rnd = random.Random(7)
    sent = errors = 0
    start = time.perf_counter()
    if case == "malformed":
        m = mac(0xA0000001)
        bad = [pppoe(0x09, 0, tag(0x0101), ver_type=0x21),          # version 2
               pppoe(0x09, 0, struct.pack("!HH", 0x0101, 40)),      # tag longer than the packet
               pppoe(0x09, 0, tag(0x0101), length=400),             # LENGTH past the end
               pppoe(0x09, 7, tag(0x0101)),                         # PADI with a SESSION_ID
               pppoe(0x09, 0, b"")]                                 # PADI without Service-Name
        for _ in range(max(1, count // len(bad))):
            for b in bad:
                p.send(frame(BCAST, m, ETH_DISC, b)); sent += 1
    elif case == "bad-cookie":
        m = mac(0xA0000002)
        ac, _, _ = discover(p, mac(0xA0000003))
        for i in range(count):
            p.send(frame(ac, m, ETH_DISC, pppoe(0x19, 0, tag(0x0101) + tag(0x0104, os.urandom(24))))); sent += 1
    elif case == "replay-cookie":
        a, b = mac(0xA0000004), mac(0xA0000005)
        p.send(frame(BCAST, a, ETH_DISC, pppoe(0x09, 0, tag(0x0101))))
        o = p.wait(0x07, a)
        if not o:
            sys.exit("no PADO")
        ac, _, tags = o
        for _ in range(count):
            p.send(frame(ac, b, ETH_DISC, pppoe(0x19, 0, tag(0x0101) + tag(0x0104, tags[0x0104])))); sent += 1
        if p.wait(0x65, b, timeout=1.0):
            sys.exit("a replayed cookie got a PADS")
    elif case == "padr-flood":
        ac = args.ac if args.ac else discover(p, mac(0xA0000006))[0]
        start = time.perf_counter()
        sent, errors = p.blast((frame(ac, mac(0xB0000000 + rnd.randrange(1 << 24)), ETH_DISC,
                                      pppoe(0x19, 0, tag(0x0101) + tag(0x0104, os.urandom(32))))
                                for _ in range(count)), count, args.rate)
    elif case == "padi-mac":
        m = mac(0xA0000007)
        sent, errors = p.blast((frame(BCAST, m, ETH_DISC,
                                      pppoe(0x09, 0, tag(0x0101) + tag(0x0103, struct.pack("!I", i))))
                                for i in range(count)), count, args.rate)
    elif case == "padi-flood":
        # One template; only the source MAC (02:ba:c0.. + i, as mac()) changes: python's pace.
        body = struct.pack("!H", ETH_DISC) + pppoe(0x09, 0, tag(0x0101))
        body += b"\0" * max(0, 60 - 12 - len(body))
        sent, errors = p.blast((BCAST + struct.pack("!HI", 0x02BA, 0xC0000000 + i) + body for i in range(count)),
                               count, args.rate)
    elif case == "unknown-session":
        ac, _, _ = discover(p, mac(0xA0000008))
        m = mac(0xA0000009)
        for i in range(count):
            lcp = struct.pack("!HBBH", 0xC021, 9, i & 0xFF, 8) + b"\0\0\0\0"
            p.send(frame(ac, m, ETH_SESS, pppoe(0x00, 0xFFF0 - (i % 64), lcp))); sent += 1
    elif case == "wrong-mac":
        a, b = mac(0xA000000A), mac(0xA000000B)
        ac, sid, _ = discover(p, a)
        for i in range(count):
            lcp = struct.pack("!HBBH", 0xC021, 1, i & 0xFF, 4)
            p.send(frame(ac, b, ETH_SESS, pppoe(0x00, sid, lcp))); sent += 1
        p.send(frame(ac, a, ETH_DISC, pppoe(0xA7, sid, b"")))  # and end the real one
    elif case == "not-for-us":
        m = mac(0xA000000C)
        for i in range(count):
            p.send(frame(mac(0xDEAD0001), m, ETH_DISC, pppoe(0x19, 0, tag(0x0101) + tag(0x0104, b"x" * 16)))); sent += 1
    else:
        sys.exit("unknown case " + case)
    seconds = time.perf_counter() - start
    print(case, "sent", sent, "seconds=%.3f rate=%.0f send_errors=%d" % (seconds, sent / max(seconds, 1e-9), errors))


if __name__ == "__main__":
    main()
