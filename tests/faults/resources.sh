#!/usr/bin/env bash
# Resource faults: a resource brasd depends on fails under load. For each case one brasd LNS in a
# private network namespace holds SESSIONS bras-loadgen sessions (2 pings a second each), then:
#   tun  `ip link del` of its tun device under the traffic;
#   fds  RLIMIT_NOFILE lowered at run time (prlimit, the soft limit) to 6 descriptors above what
#        brasd holds, then 12 control-socket and 12 /metrics connections held open past the limit,
#        10 new sessions set up meanwhile; then the connections close (skipped for a brasd with
#        UBSan's vptr check, which aborts it out of descriptors: see case_fds);
#   log  its stdout/stderr (its log) on a 1 MiB tmpfs of its own mount namespace, which is then
#        filled; brasd is made to log (malformed datagrams, session churn, CLI commands).
# Each case asserts: brasd does not spin (its CPU time, utime + stime of /proc/PID/stat, over a quiet
# 5 s window after the fault is at most RES_CPU_BOUND % of one core above the pre-fault baseline, and
# no thread of it is runnable, by /proc/PID/task/*/schedstat, RES_RUNNABLE_BOUND points more of the
# window than the busiest was before: a spin on a loaded host gets little CPU but is always runnable),
# the failure is counted in a metric, what must go on goes on (the held sessions, new sessions, the
# CLI and /metrics), and brasd does not crash (it exits 0 on SIGTERM with no sanitizer report).
# Assertions read brasd's metrics, bras-cli and /proc, never its log (shown on failure).
# usage: resources.sh BRASD BRAS_LOADGEN BRAS_CLI   (as root; exit 77 otherwise)
# Environment: RES_CASES (the cases to run, in order; default "tun fds log"), RES_SESSIONS (150),
# RES_CPU_BOUND (30), RES_RUNNABLE_BOUND (50), RES_HOLD_CLI and RES_HOLD_METRICS (the connections
# held in case fds; 12 each), RES_FDS_ON_UBSAN (set: run case fds on a UBSan build all the same),
# RES_KEEP (set: keep the work directory: logs, bras-loadgen reports).
set -euo pipefail
brasd=$1 loadgen=$2 cli=$3
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network and mount namespaces, tun, prlimit)"; exit 77; }
for tool in python3 prlimit unshare; do
  command -v "$tool" >/dev/null || { echo "# SKIP: needs $tool"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
py=$(python3 -c 'import sys; print(sys.executable)')  # the interpreter itself: a pyenv shim costs 0.5 s a call
# shellcheck source=../lib/wait_for.sh
source "$here/../lib/wait_for.sh"
cases=${RES_CASES:-tun fds log}
sessions=${RES_SESSIONS:-150}
cpu_bound=${RES_CPU_BOUND:-30}
run_bound=${RES_RUNNABLE_BOUND:-50}
window=5  # seconds: the quiet window after a fault
ns=bras-res-$$
work=$(mktemp -d /tmp/bras-res.XXXXXX)
brasd_pid="" lg_pid="" holder_pid="" case_name="start" log=""
cleanup() {
  set +e
  for p in $holder_pid $lg_pid; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  stop_daemons "$brasd_pid"
  ip netns del "$ns" 2>/dev/null
  if [ -n "${RES_KEEP:-}" ]; then echo "# kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
passed=0
fail() {
  echo "not ok $((passed + 1)) - $case_name: $*"
  echo "FAIL: $case_name: $*" >&2
  [ -z "$brasd_pid" ] || kill -0 "$brasd_pid" 2>/dev/null || echo "# brasd (pid $brasd_pid) is no longer running" >&2
  # Sanitizer reports go to files of their own (a full log disk would swallow them).
  for f in "$work"/sanitizer.*; do [ -s "$f" ] && { echo "--- $(basename "$f")" >&2; head -30 "$f" >&2; }; done
  [ -n "$log" ] && [ -r "$log" ] && { echo "--- brasd's log" >&2; cut -c1-240 "$log" | tail -12 >&2; }
  for f in "$work/$case_name"-*.err "$work/hold.err"; do
    [ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tr '\r' '\n' <"$f" | grep -v '^$' | tail -3 >&2; }
  done
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $passed - $case_name: $*"
  echo "# at $SECONDS s"
}

# res.py get FAMILY...: each family's sum over its series (FAMILY{label="v"}: the series whose labels
#   hold that text; 0 when absent), one a line; exit 1 when /metrics does not answer.
# res.py limit PID FREE: the RLIMIT_NOFILE that leaves PID exactly FREE descriptor numbers unused.
# res.py free PID LIMIT: the descriptor numbers below LIMIT that PID has not open.
# res.py hold SOCKET UNIX TCP: UNIX connections to the CLI socket and TCP to /metrics, held (never a
#   byte sent) until killed; prints "held U T" once connected.
# res.py junk N RATE: N malformed L2TP control datagrams (tunnel 0, a Length past the end) to
#   127.0.0.1:1701, RATE a second.
# res.py sched PID SECONDS: "CPU RUNNABLE THREAD" over the next SECONDS s: the process's CPU time in %
#   of one core, and the largest share (%) of the window any one thread was runnable, and its name.
# res.py avail DIR: bytes free on DIR's file system.
cat >"$work/res.py" <<'PY'
import os, socket, sys, time, urllib.request
cmd, args = sys.argv[1], sys.argv[2:]
def used(pid):
    return {int(f) for f in os.listdir("/proc/%d/fd" % pid)}
if cmd == "get":
    try:
        text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=5).read().decode()
    except OSError as e:
        sys.exit("no /metrics: %s" % e)
    for want in args:
        family, _, labels = want.partition("{")
        total = 0.0
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            key, _, v = line.rpartition(" ")
            name, _, have = key.partition("{")
            if name == family and labels.rstrip("}") in have:
                total += float(v)
        print(int(total) if total.is_integer() else total)
elif cmd == "limit":
    pid, free, n = int(args[0]), int(args[1]), -1
    fds = used(pid)
    while free > 0:
        n += 1
        free -= n not in fds
    print(n + 1)
elif cmd == "free":
    pid, limit = int(args[0]), int(args[1])
    fds = used(pid)
    print(sum(1 for n in range(limit) if n not in fds))
elif cmd == "hold":
    held = []
    for family, address, count in ((socket.AF_UNIX, args[0], int(args[1])),
                                   (socket.AF_INET, ("127.0.0.1", 9101), int(args[2]))):
        for _ in range(count):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect(address)  # the kernel completes it (listen backlog): brasd need not accept
            held.append(s)
    print("held", args[1], args[2], flush=True)
    time.sleep(3600)
elif cmd == "junk":
    n, rate = int(args[0]), float(args[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    junk = bytes.fromhex("c80200ff000000000000000000")  # control, Length 255 of 13 bytes, tunnel 0
    start = time.time()
    for i in range(n):
        s.sendto(junk, ("127.0.0.1", 1701))
        if i % 50 == 49:
            time.sleep(max(0.0, start + (i + 1) / rate - time.time()))
elif cmd == "sched":
    # CPU% of the process (utime + stime) and the largest share of the window any one thread was
    # runnable (on a CPU or waiting for one: schedstat), with its name. A spinning thread is runnable
    # the whole window however loaded the host is; its CPU share is not.
    pid, secs = int(args[0]), float(args[1])
    hz = os.sysconf("SC_CLK_TCK")
    def snap():
        fields = open("/proc/%d/stat" % pid).read().rpartition(")")[2].split()
        threads = {}
        for t in os.listdir("/proc/%d/task" % pid):
            try:
                on, wait = open("/proc/%d/task/%s/schedstat" % (pid, t)).read().split()[:2]
                threads[t] = (int(on) + int(wait), open("/proc/%d/task/%s/comm" % (pid, t)).read().strip())
            except OSError:
                pass  # a thread that ended
        return time.monotonic(), int(fields[11]) + int(fields[12]), threads
    try:
        t0, cpu0, th0 = snap()
        time.sleep(secs)
        t1, cpu1, th1 = snap()
    except OSError:
        sys.exit(1)  # the process is gone
    busiest = max((th1[t][0] - th0[t][0], th1[t][1]) for t in th1 if t in th0)
    print(round(100 * (cpu1 - cpu0) / hz / (t1 - t0)), round(100 * busiest[0] / 1e9 / (t1 - t0)), busiest[1])
elif cmd == "avail":
    st = os.statvfs(args[0])
    print(st.f_bavail * st.f_frsize)
PY
m() { ip netns exec "$ns" "$py" "$work/res.py" get "$@"; }
# mget ARRAY FAMILY...: the families' values into ARRAY; fails when /metrics does not answer.
mget() {
  local -n into=$1
  shift
  mapfile -t into < <(m "$@")
  [ "${#into[@]}" -eq $# ] || fail "/metrics does not answer"
}
res() { "$py" "$work/res.py" "$@"; }

# --- brasd: the embedded default (LNS on 127.0.0.1:1701, tun bras0 with 2 queues, metrics
# 127.0.0.1:9101), its CLI socket in the work directory.
tun=bras0
"$brasd" --print-default-config | sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" >"$work/brasd.yaml"
grep -q "socket: $work/cli.sock" "$work/brasd.yaml" && grep -q "^  tun: $tun " "$work/brasd.yaml" &&
  grep -q "listen: 127.0.0.1:9101 " "$work/brasd.yaml" || fail "could not write the test configuration"
chmod 600 "$work/brasd.yaml"
ip netns add "$ns"
ip -n "$ns" link set lo up

# launch [tmpfs]: brasd in the namespace, pid in brasd_pid, its log in $log. tmpfs:
# its output on a 1 MiB tmpfs mounted in a mount namespace of its own (gone with it; read through
# /proc/PID/root). Sanitizer reports go to $work/sanitizer.PID.
launch() {
  local san=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/sanitizer"
    "UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/sanitizer")
  rm -f "$work"/sanitizer.*
  if [ "${1:-}" = tmpfs ]; then
    mkdir -p "$work/logfs"
    ip netns exec "$ns" unshare -m --propagation private sh -c \
      'mount -t tmpfs -o size=1m brasd-log "$0" && exec "$@" >"$0/brasd.log" 2>&1' "$work/logfs" \
      "${san[@]}" "$brasd" --config "$work/brasd.yaml" &
    brasd_pid=$!
    log=/proc/$brasd_pid/root$work/logfs/brasd.log
  else
    log=$work/$case_name.log
    ip netns exec "$ns" "${san[@]}" "$brasd" --config "$work/brasd.yaml" >"$log" 2>&1 &
    brasd_pid=$!
  fi
}
cli_ok() { timeout 10 "$cli" -s "$work/cli.sock" show services l2tp summary >"$work/summary" 2>&1; }
healthy() {  # running (brasd itself, past its launchers), its CLI and /metrics answer
  kill -0 "$brasd_pid" 2>/dev/null || fail "brasd exited"
  [ "$(readlink "/proc/$brasd_pid/exe")" = "$(readlink -f "$brasd")" ] && cli_ok &&
    [ "$(m brasd_build_info 2>/dev/null)" = 1 ]
}
metrics_ok() { m brasd_build_info >/dev/null 2>&1; }
sessions_back() { [ "$(m brasd_l2tp_sessions)" = "$sessions" ]; }
out_of_fds() { [ "$(res free "$brasd_pid" "$limit")" = 0 ]; }  # limit: what prlimit set
log_grew() { [ "$(stat -c %s "$log")" -gt "$size" ]; }          # size: the log's size before
cli_sessions() { grep -o "Sessions: [0-9]*" "$work/summary" | grep -o "[0-9]*$"; }
# no_spin WHAT: the quiet window after the fault. A spin shows as brasd's CPU time (% of one core,
# utime + stime) above the baseline's + RES_CPU_BOUND, or, on a host too loaded to give it that
# CPU, as one thread runnable (on a CPU or queued for one) the whole window: at most the baseline's
# busiest thread + RES_RUNNABLE_BOUND points.
no_spin() {
  local after run thread
  sleep 1
  read -r after run thread < <(res sched "$brasd_pid" "$window") || fail "brasd died after $1"
  [ $((after - base)) -le "$cpu_bound" ] && [ $((run - base_run)) -le "$run_bound" ] ||
    fail "brasd spins after $1: $after % of a core over ${window} s, its thread $thread runnable $run % of" \
      "the time (before: $base % of a core, busiest thread runnable $base_run %; bounds +$cpu_bound, +$run_bound)"
  ok "no spin after $1: brasd at $after % of a core over ${window} s, no thread runnable more than $run %" \
    "of it ($thread) (before the fault: $base %, $base_run %)"
}
# loadgen NAME SESSIONS HOLD [ARGS...]: bras-loadgen against the LNS (foreground; its report in NAME.json).
loadgen() {
  local name=$1 n=$2 hold=$3
  shift 3
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$n" --sessions-per-tunnel 50 --hold "$hold" \
    --timeout 30 --report-json "$work/$name.json" "$@" >"$work/$name.out" 2>"$work/$name.err"
}
report() {  # report NAME FIELD...: figures of a bras-loadgen report (a.b: field b of a), one a line
  "$py" -c 'import functools, json, sys
r = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    print(functools.reduce(lambda o, k: o[k], f.split("."), r))' "$work/$1.json" "${@:2}"
}
holding() {
  grep -q "^holding" "$work/$case_name-held.err" 2>/dev/null && return 0
  kill -0 "$lg_pid" 2>/dev/null || fail "the holding bras-loadgen ended: $(cat "$work/$case_name-held.out")"
  return 1
}

# begin NAME [tmpfs]: brasd up, SESSIONS sessions held with 2 pings a second each;
# base, base_run: brasd's CPU with them (% of a core over 3 s), its busiest thread's runnable share.
begin() {
  case_name=$1
  launch "${2:-}"
  wait_for 20 "brasd did not come up (CLI and /metrics)" healthy
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$sessions" --sessions-per-tunnel 50 --hold 600 \
    --traffic 2 --timeout 30 --report-json "$work/$1-held.json" >"$work/$1-held.out" 2>"$work/$1-held.err" &
  lg_pid=$!
  wait_for 60 "the $sessions sessions did not come up" holding
  grep -q "^holding $sessions sessions" "$work/$1-held.err" ||
    fail "not all $sessions sessions came up: $(grep "^holding" "$work/$1-held.err")"
  [ "$(m brasd_ppp_sessions)" = "$sessions" ] || fail "brasd_ppp_sessions $(m brasd_ppp_sessions), not $sessions"
  sleep 1
  read -r base base_run _ < <(res sched "$brasd_pid" 3) || fail "brasd died"
  ok "$sessions sessions held, 2 pings a second each; brasd at $base % of a core (busiest thread runnable" \
    "$base_run % of the time)"
}
# serving: brasd running, its CLI and /metrics answer, the held sessions all up (bras-cli and metrics).
serving() {
  kill -0 "$brasd_pid" 2>/dev/null || fail "brasd died"
  cli_ok || fail "bras-cli does not answer: $(cat "$work/summary")"
  local held
  held=$(m brasd_ppp_sessions) || fail "/metrics does not answer"
  [ "$held" = "$sessions" ] && [ "$(cli_sessions)" = "$sessions" ] ||
    fail "held sessions: brasd_ppp_sessions $held, bras-cli $(cli_sessions), not $sessions"
}
# finish: SIGTERM while the held run still holds (its acknowledgements end the tunnels at once):
# brasd must exit 0 within 20 s with no sanitizer report.
finish() {
  local rc=0
  kill -TERM "$brasd_pid"
  for _ in $(seq 200); do kill -0 "$brasd_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$brasd_pid" 2>/dev/null && fail "brasd did not exit within 20 s of SIGTERM"
  wait "$brasd_pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "brasd exited $rc on SIGTERM"
  brasd_pid=""
  ! compgen -G "$work/sanitizer.*" >/dev/null || fail "a sanitizer report: $(head -3 "$work"/sanitizer.*)"
  kill "$lg_pid" 2>/dev/null || true
  wait "$lg_pid" 2>/dev/null || true
  lg_pid=""
  ok "brasd exited 0 on SIGTERM, no sanitizer report"
}

# --- tun: the device deleted under traffic. brasd's readers see EBADFD from then on (every queue is
# detached); its writes (the subscribers' packets) fail and are dropped. The control plane goes on.
case_tun() {
  begin tun
  local before after_m
  mget before 'brasd_data_dropped_packets_total{reason="tun-write"}'
  ip -n "$ns" link del "$tun" || fail "ip link del $tun"
  ! ip -n "$ns" link show "$tun" >/dev/null 2>&1 || fail "$tun is still there"
  no_spin "its tun device was deleted"
  mget after_m 'brasd_data_dropped_packets_total{reason="tun-write"}'
  local drops=$((after_m[0] - before[0]))
  [ "$drops" -ge "$sessions" ] ||
    fail "$drops packets counted as tun-write drops since the deletion ($sessions sessions at 2 pings a second)"
  ok "counted: +$drops subscriber packets in brasd_data_dropped_packets_total{reason=\"tun-write\"}"
  serving
  # New sessions: the control plane sets them up (or refuses them), none hangs; then the held remain.
  loadgen tun-new 10 1 --traffic 1 || true
  local new
  mapfile -t new < <(report tun-new established failed traffic.sent traffic.received)
  [ "${#new[@]}" -eq 4 ] || fail "no report of the new sessions: $(tail -3 "$work/tun-new.out")"
  [ $((new[0] + new[1])) -eq 10 ] || fail "of 10 new sessions ${new[0]} established and ${new[1]} failed"
  wait_for 15 "the 10 new sessions did not end" sessions_back
  serving
  ok "the control plane goes on: $sessions sessions up (bras-cli, metrics); 10 new ones: ${new[0]} set up," \
    "${new[1]} refused (their pings: ${new[2]} sent, ${new[3]} answered)"
  finish
}

# --- fds: out of descriptors: RLIMIT_NOFILE lowered (the soft limit) to leave 6 descriptor numbers
# free, then more CLI and /metrics connections than fit. Each listener must back off (a failed accept
# retried 100 ms later, counted), never spin; L2TP needs no descriptor, so new sessions come up; once
# the connections close, the CLI and /metrics answer again under the same limit.
# UBSan's vptr check (an ASan+UBSan build) cannot run out of descriptors: for each type its cache
# cannot answer it tests the object's memory through a pipe(), which fails, so it reports a valid
# object as invalid and aborts brasd; and it reads UBSAN_OPTIONS only then, too late to suppress it.
# The case is skipped for such a brasd unless RES_FDS_ON_UBSAN is set.
case_fds() {
  case_name=fds
  local cli_conns=${RES_HOLD_CLI:-12} metrics_conns=${RES_HOLD_METRICS:-12}
  if grep -qa __ubsan_handle_dynamic_type_cache_miss "$brasd" && [ -z "${RES_FDS_ON_UBSAN:-}" ]; then
    passed=$((passed + 1))
    echo "ok $passed - fds # SKIP brasd has UBSan's vptr check, which aborts it once out of descriptors" \
      "(a false report: its pipe() fails); run this case on a build without -fsanitize=vptr"
    return
  fi
  begin fds
  limit=$(res limit "$brasd_pid" 6)
  prlimit --pid "$brasd_pid" --nofile="$limit:" || fail "prlimit --nofile=$limit:"
  ip netns exec "$ns" "$py" "$work/res.py" hold "$work/cli.sock" "$cli_conns" "$metrics_conns" \
    >"$work/hold.out" 2>"$work/hold.err" &
  holder_pid=$!
  wait_for 10 "the connections were not made: $(cat "$work/hold.err")" grep -q "^held" "$work/hold.out"
  wait_for 10 "brasd did not run out of descriptors ($(res free "$brasd_pid" "$limit") free below $limit)" out_of_fds
  ok "RLIMIT_NOFILE lowered to $limit (6 free), $cli_conns CLI and $metrics_conns /metrics connections held:" \
    "brasd has no descriptor left"
  loadgen fds-new 10 1 || fail "10 new sessions while out of descriptors: $(tail -3 "$work/fds-new.out")"
  [ "$(report fds-new established)" = 10 ] || fail "$(report fds-new established) of 10 new sessions set up"
  ok "10 new sessions set up while out of descriptors (L2TP needs none)"
  no_spin "running out of descriptors (the connections still held)"
  kill "$holder_pid"
  wait "$holder_pid" 2>/dev/null || true
  holder_pid=""
  wait_for 30 "bras-cli does not answer again once the connections closed" cli_ok
  wait_for 15 "/metrics does not answer again once the connections closed" metrics_ok
  serving
  ok "bras-cli and /metrics answer again once the connections closed (the limit still $limit);" \
    "$sessions sessions still up"
  local failures
  mget failures 'brasd_io_accept_failures_total{listener="cli"}' 'brasd_io_accept_failures_total{listener="metrics"}'
  [ $((cli_conns == 0 || failures[0] > 0)) = 1 ] && [ $((metrics_conns == 0 || failures[1] > 0)) = 1 ] ||
    fail "accept failures not counted: brasd_io_accept_failures_total cli ${failures[0]}, metrics ${failures[1]}"
  ok "counted: brasd_io_accept_failures_total cli ${failures[0]}, metrics ${failures[1]} (a retry every 100 ms)"
  finish
}

# --- log: the log's disk full. brasd logs on (malformed datagrams, session churn, CLI commands);
# the lines are lost, counted, and the log resumes once there is room.
case_log() {
  begin log tmpfs
  local dir=/proc/$brasd_pid/root$work/logfs before after_m
  dd if=/dev/zero of="$dir/fill" bs=64k 2>/dev/null || true
  [ "$(res avail "$dir")" = 0 ] || fail "the log's tmpfs is not full: $(res avail "$dir") bytes free"
  mget before 'brasd_l2tp_dropped_datagrams_total{reason="malformed"}' brasd_io_log_lines_lost_total
  size=$(stat -c %s "$log")
  ip netns exec "$ns" "$py" "$work/res.py" junk 1000 1000
  loadgen log-churn 20 1 || fail "session churn with the log's disk full: $(tail -3 "$work/log-churn.out")"
  for _ in 1 2 3; do cli_ok || fail "bras-cli does not answer with the log's disk full"; done
  [ "$(report log-churn established)" = 20 ] || fail "$(report log-churn established) of 20 churned sessions set up"
  [ "$(res avail "$dir")" = 0 ] || fail "the log's tmpfs has room again"
  ok "the log's disk full ($(stat -c %s "$log") bytes of log, $(($(stat -c %s "$log") - size)) more since):" \
    "1000 malformed datagrams, 20 sessions set up and ended, 3 CLI commands"
  no_spin "its log's disk filled up"
  mget after_m 'brasd_l2tp_dropped_datagrams_total{reason="malformed"}' brasd_io_log_lines_lost_total
  [ $((after_m[0] - before[0])) -ge 900 ] || fail "$((after_m[0] - before[0])) of 1000 malformed datagrams counted"
  serving
  ok "brasd serves on: $((after_m[0] - before[0])) of 1000 malformed datagrams counted, $sessions sessions up"
  [ "${after_m[1]}" -gt "${before[1]}" ] ||
    fail "lost log lines not counted: brasd_io_log_lines_lost_total ${before[1]} -> ${after_m[1]}"
  ok "counted: brasd_io_log_lines_lost_total ${before[1]} -> ${after_m[1]}"
  rm -f "$dir/fill"
  size=$(stat -c %s "$log")
  cli_ok || fail "bras-cli"
  wait_for 5 "brasd's log did not resume once there was room" log_grew
  ok "the log resumes once there is room again"
  finish
}

for c in $cases; do
  case "$c" in
    tun | fds | log) "case_$c" ;;
    *) fail "unknown case $c (RES_CASES: tun fds log)" ;;
  esac
done
echo "# $passed passed in $SECONDS s"
