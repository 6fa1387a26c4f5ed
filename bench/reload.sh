#!/usr/bin/env bash
# SIGHUP at scale: tests/faults/reload.sh (the ctest fault_reload, 300 sessions)
# with SESSIONS held against a release build. Run by hand, as root, not in CI.
#
#   sudo bench/reload.sh [SESSIONS [STORM]]     defaults 10000 100
#
# brasd in a private network namespace holds SESSIONS bras-loadgen sessions with
# traffic through a reload that applies a log level and names a setting that
# takes a restart, a refused invalid file, and STORM SIGHUPs while 500 more
# sessions come up and go; not one held session may end. The test's ok/not ok
# lines are printed.
#
# Environment: BUILD=DIR (default build/release; BRASD, LOADGEN, CLI name one binary
# each instead), PER_TUNNEL (sessions per tunnel, default 100), CHURN (default 500),
# SETUP_TIMEOUT (seconds for SESSIONS to come up, default 120).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
export RELOAD_SESSIONS=${1:-10000} RELOAD_STORM=${2:-100}
export RELOAD_PER_TUNNEL=${PER_TUNNEL:-100} RELOAD_CHURN=${CHURN:-500} RELOAD_SETUP_TIMEOUT=${SETUP_TIMEOUT:-120}
exec "$root/tests/faults/reload.sh" "$brasd" "$loadgen" "$cli"
