#!/usr/bin/env bash
# The soak, short: bench/soak.sh scaled down to under three minutes so that it
# passes on a 2-vCPU machine with the Debug ASan/LSan build (ctest soak_short).
# A real brasd in a private network namespace holds 1,000 bras-loadgen
# sessions with traffic while further bras-loadgen processes bring 50 sessions
# a second up and down for 90 s, with 2 % of the L2TP control messages
# dropped; sampled every 5 s (RSS, fds, threads, sessions, tunnels, tunnel IDs,
# pool addresses, shard mailboxes). Passes when, after warm-up, fds grow by
# less than 5 % and RSS by less than 10 %; the churn's set-ups fail at most
# 1 %; every session, tunnel, tunnel ID and pool address is returned within
# 90 s of the last hang-up; and brasd, still running, exits 0 on SIGTERM with
# no LeakSanitizer, AddressSanitizer or UBSan report. See bench/soak.sh for
# how the churn and the loss are made and what each check compares.
#
# RSS under ASan: freed memory goes to ASan's quarantine first (256 MiB by
# default), so RSS climbs for minutes whatever brasd does (+40 % over this
# run's soak, flat only once the quarantine is full). The quarantine is 16 MiB
# here: full within seconds, RSS then follows brasd's own memory. The bound
# is 10 %, not the long soak's 5 %: the ASan allocator's size-class caches
# still creep (+1.8 % measured on 2 vCPUs) and a CI machine is noisier; a
# session's memory (~40 KiB under ASan) kept per churn set-up would be +70 %.
# The fds keep the long soak's 5 %: none is opened per session or tunnel, so
# any growth is a leak. LeakSanitizer at exit catches what became unreachable.
#
# The hello interval is 10 s (not 60) so that a tunnel whose LAC went away
# unheard (its StopCCN lost every time within bras-loadgen's shutdown-timeout)
# is found within the settle time.
# usage: soak_short.sh BRASD BRAS_LOADGEN BRAS_CLI     (as root; exit 77 otherwise)
# Any bench/soak.sh parameter may be overridden from the environment.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BRASD BRAS_LOADGEN BRAS_CLI" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces, tc)"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
# LeakSanitizer on whatever ctest's environment says (scripts/test sets detect_leaks=1 too); the later
# setting of an option wins.
# A 16 MiB quarantine (ASan's default is 256 MiB): see above.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:quarantine_size_mb=16"
export BRASD=$1 LOADGEN=$2 CLI=$3
export DURATION=${DURATION:-90} HELD=${HELD:-1000} CHURN=${CHURN:-50} LOSS=${LOSS:-2} SAMPLE=${SAMPLE:-5}
export TRAFFIC=${TRAFFIC:-1} PER_TUNNEL=${PER_TUNNEL:-50} BATCH=${BATCH:-5} CHURN_HOLD=${CHURN_HOLD:-3}
export MAX_CHURN_PROCS=${MAX_CHURN_PROCS:-4} WARMUP=${WARMUP:-20} RSS_LIMIT=${RSS_LIMIT:-10} FD_LIMIT=${FD_LIMIT:-5}
export CHURN_FAIL_LIMIT=${CHURN_FAIL_LIMIT:-1} SETTLE=${SETTLE:-90} HELLO=${HELLO:-10} THREADS=${THREADS:-2} DRAIN=${DRAIN:-28}
exec "$here/../../bench/soak.sh"
