# shellcheck shell=bash disable=SC2154  # work, pids, ns and fail are the caller's
# Sourced by the RADIUS end-to-end tests: FreeRADIUS (Debian's stock
# configuration, client localhost secret testing123) in the test's private
# namespace on the ports the test names, with its logs and accounting detail
# files in the test's directory; brasd on configs/examples/lns-radius.yaml
# adjusted to the test; bras-cli and /metrics read-backs. The caller sets
# `root` (the source tree), `brasd`, `cli` and `loadgen`, and calls radius_test_begin.

# radius_test_begin NAME TOOL...: skips (exit 77) unless every TOOL is installed; then sets `ns`,
# `work` (a private directory, kept with BRAS_KEEP_WORK) and `pids`, the clean-up trap and `fail`.
radius_test_begin() {
  PATH=$PATH:/usr/sbin:/sbin
  local tool
  for tool in "${@:2}"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed" >&2; exit 77; }
  done
  ns=bras-$1-$$
  work=$(mktemp -d "/tmp/bras-$1.XXXXXX")
  pids=()
  trap radius_cleanup EXIT
}

fail() { echo "FAIL: $*" >&2; tail -30 "$work/brasd.log" >&2 2>/dev/null || true; exit 1; }

# radius_cleanup: FreeRADIUS instances and brasd down, the namespace gone.
radius_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "${BRAS_KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s; 1 when it never succeeded.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# make_test_namespace: the namespace with loopback up.
make_test_namespace() {
  ip netns add "$ns"
  ip -n "$ns" link set lo up
}

# radius_configure NAME AUTH_PORT ACCT_PORT: a copy of /etc/freeradius/3.0 in $work/NAME with
# the users in $work/radius.users first in its users file, listening on 127.0.0.1 on the given
# ports (the inner-tunnel site on AUTH_PORT + 1000), its logs and detail files in $work/NAME-log.
radius_configure() {
  local name=$1 auth=$2 acct=$3 dir=$work/$1
  chmod 755 "$work"  # FreeRADIUS drops to the freerad user and reads its copy here
  cp -a /etc/freeradius/3.0 "$dir"
  mkdir -p "$work/$name-log" "$work/$name-run"
  chown freerad:freerad "$work/$name-log" "$work/$name-run"
  local authorize=$dir/mods-config/files/authorize
  if [ -f "$work/radius.users" ]; then
    cat "$work/radius.users" "$authorize" >"$work/authorize.new"
    cat "$work/authorize.new" >"$authorize"  # keeps the file's owner and mode
  fi
  sed -i -e "s#^logdir = .*#logdir = $work/$name-log#" -e "s#^run_dir = .*#run_dir = $work/$name-run#" \
    "$dir/radiusd.conf"
  python3 - "$dir/sites-enabled/default" "$dir/sites-enabled/inner-tunnel" "$auth" "$acct" <<'PY'
import re, sys
default, inner, auth, acct = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
text = open(default).read()
out, i = [], 0
# Each top-level listen block: IPv4 on 127.0.0.1 at the test's port for its type; IPv6 ones dropped.
for m in re.finditer(r'^listen \{\n.*?^\}\n', text, re.S | re.M):
    out.append(text[i:m.start()])
    block = m.group(0)
    i = m.end()
    if re.search(r'^\s*ipv6addr\s*=', block, re.M):
        continue
    kind = re.search(r'^\s*type = (\w+)', block, re.M).group(1)
    block = re.sub(r'^(\s*)ipaddr = .*$', r'\g<1>ipaddr = 127.0.0.1', block, flags=re.M)
    block = re.sub(r'^(\s*)port = .*$', r'\g<1>port = ' + (auth if kind == 'auth' else acct), block, count=1, flags=re.M)
    out.append(block)
out.append(text[i:])
open(default, 'w').write(''.join(out))
t = open(inner).read()
open(inner, 'w').write(re.sub(r'port = 18120', 'port = %d' % (int(auth) + 1000), t))
PY
}

# radius_start NAME: runs the configured instance in the namespace (-X: one thread, full log);
# sets radius_pid_NAME.
radius_start() {
  local name=$1
  ip netns exec "$ns" freeradius -X -d "$work/$name" >>"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  printf -v "radius_pid_$name" '%s' "$pid"
  local deadline=$((SECONDS + 15))
  until grep -q "Ready to process requests" "$work/$name.log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "FreeRADIUS $name exited: $(tail -5 "$work/$name.log")"
    [ $SECONDS -lt $deadline ] || fail "FreeRADIUS $name did not start"
    sleep 0.1
  done
}

# radius_stop NAME: stops the instance (SIGTERM) and waits for it.
radius_stop() {
  local var=radius_pid_$1
  local pid=${!var}
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # A later radius_start must see a fresh "Ready" line, not this run's.
  mv "$work/$1.log" "$work/$1.log.$(date +%s%N)"
}

# detail_records NAME: every accounting record the instance wrote, as JSON lines
# ({"Acct-Status-Type": ..., "Acct-Session-Id": ..., ...}) on stdout.
detail_records() {
  python3 - "$work/$1-log/radacct" <<'PY'
import glob, json, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*', 'detail-*'))):
    rec = None
    for line in open(path, errors='replace'):
        if not line.strip():
            if rec: print(json.dumps(rec))
            rec = None
            continue
        if not line.startswith((' ', '\t')):
            rec = {'_time': line.strip()}
            continue
        k, _, v = line.strip().partition(' = ')
        v = v.strip('"')
        if k in rec:
            rec[k] = rec[k] + [v] if isinstance(rec[k], list) else [rec[k], v]
        else:
            rec[k] = v
    if rec: print(json.dumps(rec))
PY
}

# brasd_config OUT [PYTHON-EDITS]: configs/examples/lns-radius.yaml for this test: the CLI socket,
# the spool and /metrics in $work; then the edits, a Python snippet on the dict `c`.
brasd_config() {
  python3 - "$root/configs/examples/lns-radius.yaml" "$1" "$work" "${2:-}" <<'PY'
import sys, yaml
src, out, work, edits = sys.argv[1:5]
c = yaml.safe_load(open(src))
c.setdefault('cli', {})['socket'] = work + '/cli.sock'
c.setdefault('metrics', {})['listen'] = '127.0.0.1:9101'
c['radius']['accounting']['spool']['directory'] = work + '/spool'
exec(edits)
yaml.safe_dump(c, open(out, 'w'), sort_keys=False)
PY
}

# brasd_up CONFIG: starts brasd in the namespace (log $work/brasd.log, appended), waits for its CLI.
brasd_up() {
  rm -f "$work/cli.sock"
  ip netns exec "$ns" "$brasd" --config "$1" >>"$work/brasd.log" 2>&1 &
  brasd_pid=$!
  pids+=("$brasd_pid")
  wait_until 10 test -S "$work/cli.sock" || fail "brasd did not start: $(tail -20 "$work/brasd.log")"
}

# cli_run COMMAND...: a bras-cli command's output.
cli_run() {
  "$cli" --socket "$work/cli.sock" "$@"
}

# metric NAME_WITH_LABELS: its value from /metrics (summed over matching series), empty if absent.
metric() {
  ip netns exec "$ns" python3 - "$1" <<'PY'
import sys, urllib.request
want = sys.argv[1]
try:
    text = urllib.request.urlopen('http://127.0.0.1:9101/metrics', timeout=3).read().decode()
except Exception:
    sys.exit(0)
total, found = 0.0, False
for line in text.splitlines():
    if line.startswith('#'):
        continue
    name, _, value = line.rpartition(' ')
    base = name.split('{')[0]
    wname = want.split('{')[0]
    if base != wname:
        continue
    if '{' in want and not all(p in name for p in want[want.index('{') + 1:-1].split(',')):
        continue
    total += float(value); found = True
if found:
    print(int(total) if total == int(total) else total)
PY
}
