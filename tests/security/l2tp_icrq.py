"""The ICRQ flood of l2tp_flood.py: a LAC that opens one tunnel, then sends ICRQs and never an ICCN.

One UDP socket bound to --source. The tunnel: SCCRQ (no Challenge; the LNS's client entry must have
no secret), SCCRP, SCCCN, as RFC 2661 §5.1 has it. Then N ICRQs (Assigned Session ID, Call Serial
Number, Bearer Type), each a new call: distinct session IDs (1..65535; beyond that, the IDs of calls
the LNS refused are used again, oldest first) and distinct call serials. Never an ICCN.

It is a well-behaved peer at the control channel level (RFC 2661 §5.8), so that the flood measures
the LNS's session layer and not its retransmissions:
  - at most the LNS's Receive Window Size (its SCCRP's; 4 without one) ICRQs unacknowledged;
  - every message the LNS sends (ICRPs, CDNs, HELLOs) is acknowledged: by the Nr of our next ICRQ
    or by a ZLB at once when none goes out; a retransmission of the LNS's (a duplicate) again;
  - a message of ours unacknowledged for a second is sent again (go-back-N), from the oldest;
    ten seconds without any acknowledgement: the LNS is stalled, exit status 3.
With --rate the ICRQs are paced; the window bounds them anyway (the LNS may answer slowly).

After the last ICRQ is acknowledged, the tunnel is kept (everything still acknowledged) while
--hold-file exists, at most --linger seconds; then --end: stopccn (a StopCCN, Result Code 1, until
acknowledged) or vanish (the socket closed, nothing said). With --quiet-before S (the LNS's
iccn-timeout) the end waits (S + 5 s at most) for a quiet moment: nothing received for 0.5 s and
no ICRP of an open call older than S - 1.5 s, so that it crosses no ICCN timeout of the LNS's and no
call the LNS is starting: what the LNS made and what we were told then agree.

What the LNS answered, per call (the header's Session ID of an ICRP or CDN is our call's ID):
  icrp           calls answered with an ICRP (a session made), cleared later or not
  cdn_refused    calls answered with a CDN and no ICRP before it (refused)
  cdn_cleared    calls cleared by a CDN after their ICRP (e.g. no ICCN within the LNS's iccn-timeout)
  unanswered     calls with neither, when the tunnel ended (waiting in the LNS's set-up queue)
  cdn_R_E        CDNs by Result Code R and Error Code E, refused and cleared alike
plus: lns_session_ids (distinct session IDs the LNS gave in its ICRPs), max_open (most calls at
once with an ICRP and no CDN), zlb_sent, rx_duplicates (the LNS sent a message again: we were
slow), retransmitted (ours sent again), send_seconds (first to last ICRQ acknowledged), stopccn
(acked, unacked or none), stopccn_at_ms (the wall clock when it went, ms since the epoch),
end_waited (seconds waited for the quiet moment). With --status FILE, the same line is written there every half second.
"""
import os
import random
import select
import socket
import struct
import sys
import time

M_BIT = 0x8000
HIDDEN = 0x4000
CONTROL_FLAGS = 0xC802  # T, L, S; version 2
ZLB_TYPE = 0
SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO, ICRQ, ICRP, ICCN, CDN = 1, 2, 3, 4, 6, 10, 11, 12, 14
RETRANSMIT_AFTER = 1.0
STALL_AFTER = 10.0


def avp(attr_type, value, mandatory=True):
    return struct.pack("!HHH", (M_BIT if mandatory else 0) | (6 + len(value)), 0, attr_type) + value


def packet(tunnel_id, session_id, ns, nr, body=b""):
    return struct.pack("!HHHHHH", CONTROL_FLAGS, 12 + len(body), tunnel_id, session_id, ns, nr) + body


def parse(data):
    """(tunnel, session, ns, nr, {avp type: value}) of an IETF control message; None for anything else."""
    if len(data) < 12:
        return None
    flags, length, tunnel, session, ns, nr = struct.unpack_from("!HHHHHH", data)
    if flags & 0xCB0F != 0xC802 or length > len(data):
        return None
    avps, at = {}, 12
    while at + 6 <= length:
        bits, vendor, attr = struct.unpack_from("!HHH", data, at)
        size = bits & 0x3FF
        if size < 6 or at + size > length:
            return None
        if vendor == 0 and not bits & HIDDEN:
            avps.setdefault(attr, data[at + 6:at + size])
        at += size
    return tunnel, session, ns, nr, avps


def u16(avps, attr, default=0):
    v = avps.get(attr, b"")
    return struct.unpack("!H", v[:2])[0] if len(v) >= 2 else default


class Channel:
    """Our side of the reliable control channel: Ns, Nr, the window, acks and retransmissions."""

    def __init__(self, sock, target, our_tunnel_id):
        self.sock, self.target, self.our_tid = sock, target, our_tunnel_id
        self.tid = 0  # the LNS's tunnel ID (its SCCRP's Assigned Tunnel ID)
        self.window = 4
        self.next_ns = 0  # Ns of our next message
        self.acked = 0  # the LNS's Nr: our messages below it are acknowledged
        self.next_nr = 0  # Ns we expect next from the LNS
        self.sent_nr = 0  # the Nr we last sent
        self.in_flight = {}  # ns -> (session ID, body)
        self.progress_at = time.monotonic()  # when the LNS last acknowledged something new
        self.retransmit_at = None
        self.zlb_sent = self.rx_duplicates = self.retransmitted = self.rx_out_of_order = 0

    def unacked(self):
        return (self.next_ns - self.acked) & 0xFFFF

    def room(self):
        return self.unacked() < self.window

    def send(self, session_id, body, tunnel_id=None):
        ns = self.next_ns
        self.in_flight[ns] = (session_id, body, tunnel_id)
        self.next_ns = (ns + 1) & 0xFFFF
        self._put(ns, session_id, body, tunnel_id)
        if self.retransmit_at is None:
            self.retransmit_at = time.monotonic() + RETRANSMIT_AFTER

    def _put(self, ns, session_id, body, tunnel_id=None):
        self.sock.sendto(packet(self.tid if tunnel_id is None else tunnel_id, session_id, ns, self.next_nr, body),
                         self.target)
        self.sent_nr = self.next_nr

    def ack_now(self):
        self.sock.sendto(packet(self.tid, 0, self.next_ns, self.next_nr), self.target)
        self.sent_nr = self.next_nr
        self.zlb_sent += 1

    def owes_ack(self):
        return self.sent_nr != self.next_nr

    def receive(self, data):
        """The message to act on (tunnel, session, ns, nr, avps) if in order and not a ZLB, else None."""
        m = parse(data)
        if m is None:
            return None
        _, _, ns, nr, avps = m
        ahead = (nr - self.acked) & 0xFFFF
        if 0 < ahead <= self.unacked():
            while self.acked != nr:
                self.in_flight.pop(self.acked, None)
                self.acked = (self.acked + 1) & 0xFFFF
            self.progress_at = time.monotonic()
            self.retransmit_at = self.progress_at + RETRANSMIT_AFTER if self.in_flight else None
        if u16(avps, 0, ZLB_TYPE) == ZLB_TYPE and 0 not in avps:
            return None  # a ZLB: an acknowledgement only
        if ns == self.next_nr:
            self.next_nr = (ns + 1) & 0xFFFF
            return m
        if (self.next_nr - ns) & 0xFFFF < 0x8000:
            self.rx_duplicates += 1  # delivered before: our ack was late or lost; say it again
            self.ack_now()
        else:
            self.rx_out_of_order += 1  # a gap: the LNS sends it again
        return None

    def timers(self):
        now = time.monotonic()
        if self.in_flight and now - self.progress_at > STALL_AFTER:
            print(f"l2tp_flood icrq: the LNS acknowledged nothing for {STALL_AFTER:.0f} s "
                  f"({self.unacked()} messages unacknowledged, Ns {self.acked}..{self.next_ns})", flush=True)
            sys.exit(3)
        if self.retransmit_at is not None and now >= self.retransmit_at:
            for k in range(self.unacked()):
                ns = (self.acked + k) & 0xFFFF
                if ns in self.in_flight:
                    session_id, body, tunnel_id = self.in_flight[ns]
                    self._put(ns, session_id, body, tunnel_id)
                    self.retransmitted += 1
            self.retransmit_at = now + RETRANSMIT_AFTER


class Calls:
    """Our side of the calls: session IDs, what the LNS answered to each."""

    def __init__(self, rng):
        self.fresh = 1
        self.reusable = []  # IDs of refused calls, oldest first
        self.reuse_at = 0
        self.serial = rng.randint(1, 0x7FFFFFFF)
        self.open = {}  # our session ID -> the LNS's (0: no ICRP yet)
        self.icrp_at = {}  # our session ID -> when its ICRP came (open calls)
        self.last_rx = time.monotonic()  # when the LNS last said something about a call
        self.lns_ids = set()
        self.icrp = self.cdn_refused = self.cdn_cleared = self.max_open = self.answered_open = 0
        self.cdn_codes = {}

    def next_id(self):
        if self.fresh <= 0xFFFF:
            self.fresh += 1
            return self.fresh - 1
        if self.reuse_at < len(self.reusable):
            self.reuse_at += 1
            return self.reusable[self.reuse_at - 1]
        return None  # every ID is in a call the LNS has not ended

    def icrq(self):
        sid = self.next_id()
        if sid is None:
            return None, None
        self.serial = (self.serial + 1) & 0xFFFFFFFF
        self.open[sid] = 0
        body = (avp(0, struct.pack("!H", ICRQ)) + avp(14, struct.pack("!H", sid))
                + avp(15, struct.pack("!I", self.serial)) + avp(18, struct.pack("!I", 1), mandatory=False))
        return sid, body

    def on_message(self, session, avps):
        mtype = u16(avps, 0)
        self.last_rx = time.monotonic()
        if mtype == ICRP and session in self.open and self.open[session] == 0:
            self.open[session] = u16(avps, 14) or -1
            self.icrp_at[session] = self.last_rx
            self.lns_ids.add(u16(avps, 14))
            self.icrp += 1
            self.answered_open += 1
            self.max_open = max(self.max_open, self.answered_open)
        elif mtype == CDN and session in self.open:
            r = avps.get(1, b"")
            result = struct.unpack("!H", r[:2])[0] if len(r) >= 2 else 0
            error = struct.unpack("!H", r[2:4])[0] if len(r) >= 4 else 0
            key = f"cdn_{result}_{error}"
            self.cdn_codes[key] = self.cdn_codes.get(key, 0) + 1
            self.icrp_at.pop(session, None)
            if self.open.pop(session):
                self.cdn_cleared += 1
                self.answered_open -= 1
            else:
                self.cdn_refused += 1
                self.reusable.append(session)
        return mtype

    def quiet(self, iccn_timeout):
        """Nothing heard for 0.5 s, and no open call near the LNS's ICCN timeout."""
        now = time.monotonic()
        oldest = min(self.icrp_at.values(), default=now)
        return now - self.last_rx >= 0.5 and now - oldest < iccn_timeout - 1.5


def run(args, target):
    """The whole flood: tunnel, ICRQs, hold, end. Returns the figures."""
    rng = random.Random(args.seed)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE (root): the LNS's answers come in bursts
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((args.source, 0))
    sock.setblocking(False)
    ch = Channel(sock, target, rng.randint(1, 0xFFFF))
    calls = Calls(rng)
    figures = {}
    t_start = time.monotonic()

    def pump(timeout):
        """Reads what has come (waiting up to `timeout` for the first), acts on it, acknowledges."""
        got = []
        if select.select([sock], [], [], timeout)[0]:
            while True:
                try:
                    data, peer = sock.recvfrom(4096)
                except BlockingIOError:
                    break
                if peer != target:
                    continue
                m = ch.receive(data)
                if m is not None:
                    got.append(m)
        ch.timers()
        return got

    # --- the tunnel
    sccrq = (avp(0, struct.pack("!H", SCCRQ)) + avp(2, bytes([1, 0])) + avp(3, struct.pack("!I", 3))
             + avp(7, args.host_name.encode()) + avp(9, struct.pack("!H", ch.our_tid))
             + avp(10, struct.pack("!H", args.receive_window), mandatory=False))
    ch.send(0, sccrq, tunnel_id=0)
    deadline = time.monotonic() + args.setup_timeout
    while ch.tid == 0:
        if time.monotonic() > deadline:
            sys.exit(f"l2tp_flood icrq: no SCCRP within {args.setup_timeout} s")
        for _, _, _, _, avps in pump(0.2):
            if u16(avps, 0) == SCCRP:
                ch.tid = u16(avps, 9)
                ch.window = max(1, u16(avps, 10, 4))
            elif u16(avps, 0) == STOPCCN:
                sys.exit(f"l2tp_flood icrq: the LNS refused the tunnel (StopCCN {avps.get(1, b'').hex()})")
    ch.send(0, avp(0, struct.pack("!H", SCCCN)))
    while ch.in_flight:
        if time.monotonic() > deadline:
            sys.exit(f"l2tp_flood icrq: the SCCCN unacknowledged after {args.setup_timeout} s")
        pump(0.2)
    figures["tunnel"] = ch.tid
    figures["lns_window"] = ch.window

    def status(final=False):
        f = dict(sent=sent, icrp=calls.icrp, cdn_refused=calls.cdn_refused, cdn_cleared=calls.cdn_cleared,
                 unanswered=sum(1 for v in calls.open.values() if v == 0), max_open=calls.max_open,
                 lns_session_ids=len(calls.lns_ids), **dict(sorted(calls.cdn_codes.items())),
                 zlb_sent=ch.zlb_sent, rx_duplicates=ch.rx_duplicates, retransmitted=ch.retransmitted,
                 rx_out_of_order=ch.rx_out_of_order)
        if args.status:
            line = " ".join(f"{k}={v}" for k, v in {**figures, **f}.items())
            with open(args.status + ".tmp", "w") as out:
                out.write(line + (" done=1" if final else "") + "\n")
            os.replace(args.status + ".tmp", args.status)
        return f

    def act(got):
        for _, session, _, _, avps in got:
            if calls.on_message(session, avps) == STOPCCN:
                ch.ack_now()
                figures["lns_stopccn"] = 1
                return False
        return True

    # --- the ICRQs: as the window and --rate allow, everything acknowledged
    sent = 0
    t0 = time.monotonic()
    next_status = t0
    alive = True
    while alive and (sent < args.count or ch.in_flight):
        now = time.monotonic()
        while sent < args.count and ch.room() and (args.rate <= 0 or sent < (now - t0) * args.rate + 1):
            sid, body = calls.icrq()
            if sid is None:
                break
            ch.send(0, body)  # the header's Session ID: 0, the LNS has none for the call yet
            sent += 1
        wait = 0.05 if not ch.room() or sent >= args.count else (0 if args.rate <= 0 else 1 / args.rate)
        alive = act(pump(wait))
        if ch.owes_ack() and not (sent < args.count and ch.room()):
            ch.ack_now()
        if now >= next_status:
            status()
            next_status = now + 0.5
    figures["send_seconds"] = round(time.monotonic() - t0, 3)

    # --- hold the tunnel, still acknowledging
    until = time.monotonic() + args.linger
    while alive and time.monotonic() < until and (not args.hold_file or os.path.exists(args.hold_file)):
        alive = act(pump(0.05))
        if ch.owes_ack():
            ch.ack_now()
        if time.monotonic() >= next_status:
            status()
            next_status = time.monotonic() + 0.5

    # --- the end, at a quiet moment
    t_quiet = time.monotonic()
    while alive and args.quiet_before > 0 and not calls.quiet(args.quiet_before):
        if time.monotonic() - t_quiet > args.quiet_before + 5:
            break
        alive = act(pump(0.05))
        if ch.owes_ack():
            ch.ack_now()
    figures["end_waited"] = round(time.monotonic() - t_quiet, 3)
    figures["stopccn"] = "none"
    figures["stopccn_at_ms"] = int(time.time() * 1000)
    if alive and args.end == "stopccn":
        ch.send(0, avp(0, struct.pack("!H", STOPCCN)) + avp(9, struct.pack("!H", ch.our_tid))
                + avp(1, struct.pack("!H", 1)))
        deadline = time.monotonic() + 5
        while ch.in_flight and time.monotonic() < deadline:
            act(pump(0.1))
        figures["stopccn"] = "unacked" if ch.in_flight else "acked"
    sock.close()
    figures["seconds"] = round(time.monotonic() - t_start, 3)
    return {**status(final=True), **figures}
