#!/usr/bin/env python3
"""Who waits for whom on one L2TP control channel (bench/one_tunnel.sh).

Reads one line per L2TP control packet on stdin, as tshark prints them with
  -T fields -E separator=' ' -E occurrence=f -e frame.time_relative
  -e udp.srcport -e l2tp.Ns -e l2tp.Nr -e l2tp.avp.message_type
(no message type: a ZLB). Source port 1701 is brasd, any other the load
generator. Prints per side: messages by type, ZLBs, retransmissions, the most
messages it had unacknowledged at once (its peer's window, when it is the
bound), how long it sat there during set-up, and how long the peer took to
acknowledge its messages. Runs stay below 65,536 messages (no Ns wrap).
"""
import sys

NAMES = {1: "SCCRQ", 2: "SCCRP", 3: "SCCCN", 4: "StopCCN", 6: "HELLO", 10: "ICRQ", 11: "ICRP", 12: "ICCN", 14: "CDN"}
SIDES = ("brasd", "loadgen")


def main():
    rows = [line.split() for line in sys.stdin if line.strip()]
    sent = {s: {} for s in SIDES}  # Ns -> first send time
    ack_at = {s: {} for s in SIDES}  # Ns -> (time the peer first acknowledged it, by a ZLB)
    base = {s: 0 for s in SIDES}  # the highest Nr the peer has sent
    next_ns = {s: 0 for s in SIDES}
    counts = {s: {"msgs": 0, "zlb": 0, "retx": 0, "types": {}} for s in SIDES}
    series = {s: [] for s in SIDES}  # (time, unacknowledged) after each change
    setup_end = 0.0
    for r in rows:
        t, ns, nr = float(r[0]), int(r[2]), int(r[3])
        s = "brasd" if r[1] == "1701" else "loadgen"
        peer = SIDES[1] if s == SIDES[0] else SIDES[0]
        mtype = int(r[4]) if len(r) > 4 else None
        if nr > base[peer]:
            for k in range(base[peer], nr):
                if k in sent[peer] and k not in ack_at[peer]:
                    ack_at[peer][k] = (t, mtype is None)
            base[peer] = nr
            series[peer].append((t, next_ns[peer] - base[peer]))
        c = counts[s]
        if mtype is None:
            c["zlb"] += 1
            continue
        if ns in sent[s]:
            c["retx"] += 1
            continue
        name = NAMES.get(mtype, str(mtype))
        c["msgs"] += 1
        c["types"][name] = c["types"].get(name, 0) + 1
        sent[s][ns] = t
        next_ns[s] = ns + 1
        series[s].append((t, next_ns[s] - base[s]))
        if mtype == 12:
            setup_end = t
    first = float(rows[0][0]) if rows else 0.0
    for s in SIDES:
        peer = SIDES[1] if s == SIDES[0] else SIDES[0]
        peak = max((o for _, o in series[s]), default=0)
        at_peak = sum(1 for _, o in series[s] if o == peak)
        full = sum(t2 - t1 for (t1, o), (t2, _) in zip(series[s], series[s][1:]) if o == peak and t1 <= setup_end)
        lat = sorted((ack_at[s][k][0] - t) * 1000 for k, t in sent[s].items() if k in ack_at[s])
        zlb = sum(1 for v in ack_at[s].values() if v[1])

        def q(p):
            return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0.0

        c = counts[s]
        print(f"  {s}: {c['msgs']} messages {c['types']}, {c['zlb']} ZLBs, {c['retx']} retransmissions")
        print(f"    most unacknowledged at once {peak} (reached {at_peak} times; {full:.3f} s of the set-up there)")
        print(f"    {peer} acknowledged them after p50 {q(0.5):.1f} / p90 {q(0.9):.1f} / p99 {q(0.99):.1f} / "
              f"max {lat[-1] if lat else 0.0:.1f} ms, {zlb} of {len(lat)} by ZLB")
    print(f"  first SCCRQ to last ICCN: {setup_end - first:.3f} s")


if __name__ == "__main__":
    main()
