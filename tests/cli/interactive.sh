#!/usr/bin/env bash
# bras-cli as an operator uses it:
#   1. One-shot and script modes against a scripted stand-in for brasd (python3
#      on a Unix socket, recording what it receives): "ok" bodies go to stdout
#      (exit 0), "error" bodies to stderr (exit 1), a syntax error sends
#      nothing (exit 2), an unreachable socket names its path (exit 3); -c,
#      SSH_ORIGINAL_COMMAND and the socket options.
#   2. Interactive, in a REAL terminal: tmux on a private server, keys sent
#      with send-keys, the screen read with capture-pane. Tab, '?', history
#      (in memory and in ~/.bras_cli_history, mode 0600), Ctrl-R history
#      search, Ctrl-C, Ctrl-U/W, Home/End, vi keys from `bind -v` in
#      ~/.editrc (the editor is libedit), the ---(more)--- pager and
#      `| no-more`, syntax errors with a caret, quit / Ctrl-D / SIGTERM all
#      leaving the terminal settings as they found them (stty -a before and
#      after).
#   3. Against a real brasd in a private network namespace - only once brasd
#      has the `cli:` configuration section (cli.socket); skipped until then.
# Needs tmux and python3; part 3 also root and iproute2.
# usage: interactive.sh BRAS_CLI BRASD
set -eEuo pipefail
cli=$(readlink -f "$1")
brasd=$(readlink -f "$2")
work=$(mktemp -d /tmp/bras-cli-tty.XXXXXX)
tmux_socket=bras-test-$$
ns=brascli$$
fake_pid=""
source "$(dirname "$0")/../lib/brasd_netns.sh"
passed=0

fail() {
  echo "FAIL: $*" >&2
  [ -f "$work/screen" ] && { echo "--- last screen" >&2; cat "$work/screen" >&2; }
  [ -f "$work/brasd.log" ] && { echo "--- brasd log" >&2; tail -n 20 "$work/brasd.log" >&2; }
  exit 1
}
ok() { passed=$((passed + 1)); echo "ok $passed - $*"; }
cleanup() {
  trap '' INT TERM
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  [ -n "$fake_pid" ] && { kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; }
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'fail "unexpected failure at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

command -v tmux >/dev/null || fail "tmux not found (Debian package tmux)"
command -v python3 >/dev/null || fail "python3 not found"
[ -x "$cli" ] || fail "bras-cli binary $1 not executable"

# ------------------------------------------------------------ the stand-in brasd
# One request per connection (cli/wire.hpp). "clear ..." is refused; a line
# with a word starting "ses" gets 120 numbered rows (enough to page), one
# with a word starting "des" no answer for 30 s; anything else gets its own
# line back.
fake=$work/fake.sock
cat >"$work/fake.py" <<'PY'
import re, socketserver, sys, threading, time
path, log = sys.argv[1], sys.argv[2]
lock = threading.Lock()

class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode().rstrip("\n")
        with lock, open(log, "a") as f:
            f.write(line + "\n")
        if line.startswith("clear"):
            reply = "error\nerror: permission denied (stand-in)\n"
        elif re.search(r"(^| )ses", line):
            reply = "ok\n" + "".join(f"row {i}\n" for i in range(1, 121))
        elif re.search(r"(^| )des", line):
            time.sleep(30)  # a daemon that does not answer: the operator gives up with Ctrl-C
            reply = "ok\nlate\n"
        else:
            reply = f"ok\nrequest: {line}\n"
        try:
            self.wfile.write(reply.encode())
        except OSError:
            pass

class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

Server(path, Handler).serve_forever()
PY
python3 "$work/fake.py" "$fake" "$work/requests.log" &
fake_pid=$!
for _ in $(seq 50); do [ -S "$fake" ] && break; sleep 0.1; done
[ -S "$fake" ] || fail "the stand-in brasd did not create $fake"

# ------------------------------------------------------------ 1. one-shot and scripts
rc=0; "$cli" -s "$fake" sh ser l2 summary >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "one-shot exit $rc: $(cat "$work/err")"
[ "$(cat "$work/out")" = "request: sh ser l2 summary" ] || fail "one-shot stdout: $(cat "$work/out")"
[ ! -s "$work/err" ] || fail "one-shot wrote to stderr: $(cat "$work/err")"
ok "one-shot: the words joined are sent as typed; the ok body on stdout, exit 0"

rc=0; "$cli" --socket "$fake" clear services l2tp session all >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 1 ] || fail "an error reply exited $rc, not 1"
grep -qx "error: permission denied (stand-in)" "$work/err" || fail "error body not on stderr: $(cat "$work/err")"
[ ! -s "$work/out" ] || fail "an error reply wrote to stdout"
ok "one-shot: an error reply goes to stderr, exit 1"

before=$(wc -l <"$work/requests.log")
rc=0; "$cli" -s "$fake" show servics l2tp >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 2 ] || fail "a syntax error exited $rc, not 2"
grep -qx "     ^" "$work/err" && grep -q "syntax error at 'servics', expecting <command>." "$work/err" ||
  fail "syntax error message: $(cat "$work/err")"
rc=0; "$cli" -s "$fake" show services l2tp session extensive statistics 2>"$work/err" || rc=$?
[ $rc -eq 2 ] && grep -q "'statistics' cannot be combined with 'extensive'" "$work/err" ||
  fail "statistics with a level: exit $rc: $(cat "$work/err")"
[ "$(wc -l <"$work/requests.log")" -eq "$before" ] || fail "a command with a syntax error was sent"
ok "one-shot: syntax errors are caught locally (caret, message), exit 2, nothing sent"

rc=0; "$cli" -s "$work/nothing.sock" show services l2tp summary 2>"$work/err" || rc=$?
[ $rc -eq 3 ] || fail "an unreachable socket exited $rc, not 3"
grep -q "$work/nothing.sock: No such file or directory" "$work/err" || fail "message: $(cat "$work/err")"
rc=0; BRAS_CLI_SOCKET=$work/env.sock "$cli" show services l2tp summary 2>"$work/err" || rc=$?
[ $rc -eq 3 ] && grep -q "$work/env.sock" "$work/err" || fail "BRAS_CLI_SOCKET not used: $(cat "$work/err")"
ok "one-shot: an unreachable socket is named with the errno text, exit 3; BRAS_CLI_SOCKET is the default"

out=$("$cli" -s "$fake" -c "show subscribers summary | count")
[ "$out" = "request: show subscribers summary | count" ] || fail "-c: $out"
out=$(SSH_ORIGINAL_COMMAND="show services l2tp tunnel" BRAS_CLI_SOCKET=$fake "$cli" </dev/null)
[ "$out" = "request: show services l2tp tunnel" ] || fail "SSH_ORIGINAL_COMMAND: $out"
out=$(SSH_ORIGINAL_COMMAND="bras-cli show services l2tp tunnel brief" BRAS_CLI_SOCKET=$fake "$cli" </dev/null)
[ "$out" = "request: show services l2tp tunnel brief" ] || fail "SSH_ORIGINAL_COMMAND with the program name: $out"
rc=0; "$cli" --frobnicate 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "an unknown option exited $rc"
"$cli" --version | grep -qE '^bras-cli ' || fail "--version"
"$cli" --help | grep -q "SSH_ORIGINAL_COMMAND" || fail "--help does not document SSH_ORIGINAL_COMMAND"
ok "-c, SSH_ORIGINAL_COMMAND (a leading bras-cli dropped), --version, --help, bad options exit 2"

rc=0
printf '# a comment\n\nshow services l2tp summary\nsh sub sum\nshow bogus\nshow services l2tp tunnel\n' |
  "$cli" -s "$fake" >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 2 ] || fail "script mode exited $rc, not 2 (the worst status)"
[ "$(cat "$work/out")" = "$(printf 'request: show services l2tp summary\nrequest: sh sub sum\nrequest: show services l2tp tunnel')" ] ||
  fail "script mode output: $(cat "$work/out")"
grep -q "syntax error at 'bogus'" "$work/err" || fail "script mode error: $(cat "$work/err")"
! grep -q "user@\|> " "$work/out" || fail "script mode printed a prompt"
ok "script mode: one command per line from stdin, no prompt, comments skipped, worst exit status"

# ------------------------------------------------------------ 2. a real terminal
prompt="$(id -un)@$(hostname | cut -d. -f1)> "
t() { tmux -L "$tmux_socket" -f /dev/null "$@"; }
screen() { t capture-pane -p -t "$1" >"$work/screen"; }
last_line() {  # of the screen, blank lines at the bottom skipped; "" while tmux is not ready
  screen "$1" 2>/dev/null || return 0
  { grep -v '^ *$' "$work/screen" || true; } | tail -n 1 | sed 's/ *$//'
}
wait_screen() {  # TARGET REGEX [seconds]: the screen matches (grep -E)
  local deadline=$((SECONDS + ${3:-10}))
  until screen "$1" && grep -qE -- "$2" "$work/screen"; do
    [ $SECONDS -lt $deadline ] || fail "screen never matched /$2/"
    sleep 0.1
  done
}
wait_last() {  # TARGET TEXT [seconds]: the last non-blank line is TEXT (capture-pane drops trailing blanks)
  local deadline=$((SECONDS + ${3:-10})) line want
  want=$(printf '%s' "$2" | sed 's/ *$//')
  while :; do
    line=$(last_line "$1")
    [ "$line" = "$want" ] && return 0
    [ $SECONDS -lt $deadline ] || fail "last line is '$line', expected '$want'"
    sleep 0.1
  done
}
keys() { t send-keys -t "$1" "${@:2}"; }
text() { t send-keys -t "$1" -l "$2"; }
clear_screen() {  # Ctrl-L, and wait until only the prompt line is left: later waits see no stale text
  local deadline=$((SECONDS + 10))
  keys "$1" C-l
  until screen "$1" && [ "$(grep -vc '^ *$' "$work/screen")" -eq 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "Ctrl-L did not clear the screen"
    sleep 0.05
  done
}
# Each session: record the terminal settings, run bras-cli, record them again.
start() {  # NAME [HOME]
  t new-session -d -s "$1" -x 100 -y 30 \
    "stty -a >'$work/$1.before'; env HOME='${2:-$work}' BRAS_CLI_SOCKET='$fake' '$cli'; echo \"exit \$?\" >'$work/$1.exit'; stty -a >'$work/$1.after'; sleep 600"
  wait_last "$1" "$prompt"
}
ended() {  # NAME: bras-cli has exited and the terminal is as it was
  local deadline=$((SECONDS + 10))
  until [ -s "$work/$1.after" ]; do
    [ $SECONDS -lt $deadline ] || fail "bras-cli in session $1 did not exit"
    sleep 0.1
  done
  diff "$work/$1.before" "$work/$1.after" >"$work/stty.diff" || fail "terminal settings changed: $(cat "$work/stty.diff")"
}

start a
text a "sh ser l2 ses"
keys a Tab
wait_last a "${prompt}show services l2tp session"
text a "x"  # proves the trailing blank Tab added (capture-pane trims it)
wait_last a "${prompt}show services l2tp session x"
keys a BSpace
ok "Tab spells out 'sh ser l2 ses' as 'show services l2tp session '"

clear_screen a
text a "?"
wait_screen a "^Possible completions:"
for line in "  <\[Enter\]>            Execute this command" "  brief                Display brief output" \
  "  extensive            Display extensive output" "  local-session-id     Local session identifier" \
  "  statistics           Display session statistics" "  user                 Username" \
  "  \|                    Pipe through a command"; do
  grep -qxE -- "$line" "$work/screen" || fail "'?' lacks: $line"
done
wait_last a "${prompt}show services l2tp session"
! grep -qF -- "session ?" "$work/screen" || fail "'?' was inserted into the line"
ok "'?' lists the next words with their help, Junos layout, and redisplays the line without '?'"

clear_screen a
text a "local-s"
keys a Tab
text a "?"
wait_screen a "^  <session-id>         Local session identifier$"
wait_last a "${prompt}show services l2tp session local-session-id"
keys a C-u
wait_last a "$prompt"
ok "'?' after a filter shows its value placeholder; Ctrl-U empties the line"

clear_screen a
text a "show s"
keys a Tab
wait_screen a "^  services +Show services information$"
grep -qE "^  subscribers +Show subscriber information$" "$work/screen" || fail "ambiguous Tab did not list subscribers"
wait_last a "${prompt}show s"
keys a C-u
ok "Tab on an ambiguous word lists the candidates and redisplays the line"

clear_screen a
text a "show servics l2tp"
keys a Enter
wait_screen a "syntax error at 'servics', expecting <command>\."
caret=$(grep -n '^ *\^$' "$work/screen" | head -n 1 | cut -d: -f2)
[ "${#caret}" -eq $((${#prompt} + 6)) ] || fail "the caret is at column ${#caret}, not under 'servics'"
wait_last a "$prompt"
ok "a syntax error puts a caret under the word after the prompt"

# The pager: 120 rows on a 30-row terminal.
clear_screen a
text a "sh ser l2 ses ext"
keys a Enter
wait_last a "---(more)---"
grep -qx "row 29" "$work/screen" || fail "the first page does not end at row 29"
! grep -qx "row 30" "$work/screen" || fail "the first page is longer than the terminal"
keys a Space
wait_screen a "^row 58$"
wait_last a "---(more)---"
keys a Enter
wait_screen a "^row 59$"
wait_last a "---(more)---"
keys a q
wait_last a "$prompt"
screen a
! grep -qx "row 60" "$work/screen" || fail "q did not stop the pager"
ok "---(more)---: space a page, Enter a line, q stops"

clear_screen a
text a "show services l2tp session | no-more"
keys a Enter
wait_last a "$prompt"
grep -qx "row 120" "$work/screen" || fail "| no-more output incomplete"
! grep -q -- "---(more)---" "$work/screen" || fail "| no-more still paged"
ok "| no-more is not paged"

clear_screen a
keys a Up
wait_last a "${prompt}show services l2tp session | no-more"
keys a Up
wait_last a "${prompt}sh ser l2 ses ext"
keys a Up
wait_last a "${prompt}show servics l2tp"
keys a Down Down
wait_last a "${prompt}show services l2tp session | no-more"
keys a C-c
wait_last a "$prompt"
ok "Up/Down walk the history; Ctrl-C clears the line"

clear_screen a
text a "services l2tp summary"
keys a Home
text a "show "
keys a End
text a " statistics"
keys a C-w
wait_last a "${prompt}show services l2tp summary"
keys a Enter
wait_screen a "^request: show services l2tp summary$"
wait_last a "$prompt"
text a "clear services l2tp tunnel all"
keys a Enter
wait_screen a "^error: permission denied \(stand-in\)$"
wait_last a "$prompt"
ok "Home/End/Ctrl-W edit in place; ok and error replies are shown"

clear_screen a
text a "show services l2tp destination"
keys a Enter
deadline=$((SECONDS + 10))
until grep -qx "show services l2tp destination" "$work/requests.log"; do  # the request is in flight
  [ $SECONDS -lt $deadline ] || fail "the destination request never reached the stand-in"
  sleep 0.05
done
keys a C-c
wait_screen a "^bras-cli: interrupted$" 5
wait_last a "$prompt"
ok "Ctrl-C gives up on a daemon that does not answer, back at the prompt"

clear_screen a
text a "help"
keys a Enter
wait_screen a "^  clear services l2tp session \[statistics\] \(all \| FILTER\.\.\.\)$"
text a "quit"
keys a Enter
ended a
grep -qx "exit 0" "$work/a.exit" || fail "quit: $(cat "$work/a.exit")"
grep -qx "show services l2tp session | no-more" "$work/.bras_cli_history" || fail "history file: $(cat "$work/.bras_cli_history")"
[ "$(stat -c %a "$work/.bras_cli_history")" = 600 ] || fail "history file mode $(stat -c %a "$work/.bras_cli_history")"
ok "help, then quit: exit 0, terminal settings restored, history saved to ~/.bras_cli_history (mode 0600)"

start b
keys b Up
wait_last b "${prompt}quit"
keys b Up
wait_last b "${prompt}help"
keys b C-u C-d
ended b
ok "a new session recalls the saved history; Ctrl-D on an empty line leaves, terminal restored"

# Ctrl-R: libedit's incremental search back through the saved history; the
# match is older than the newest lines (help, quit), and Enter runs it.
start e
keys e C-r
text e "summ"
wait_screen e "show services l2tp summary"
keys e Enter
wait_screen e "^request: show services l2tp summary$"
wait_last e "$prompt"
[ "$(tail -n 1 "$work/requests.log")" = "show services l2tp summary" ] || fail "Ctrl-R sent: $(tail -n 1 "$work/requests.log")"
keys e C-d
ended e
ok "Ctrl-R finds an earlier command in the history and Enter runs it"

# vi keys: `bind -v` in ~/.editrc. Tab still completes in insert mode; then
# Escape, 0 (start of line), x (delete a character), i (insert) edit as vi
# does (in emacs mode the same keys give another line).
mkdir -p "$work/vi"
echo "bind -v" >"$work/vi/.editrc"
start f "$work/vi"
text f "sh ser l2 sum"
keys f Tab
wait_last f "${prompt}show services l2tp summary"
keys f Escape
text f "0"
text f "x"
wait_last f "${prompt}how services l2tp summary"
text f "i"
text f "s"
wait_last f "${prompt}show services l2tp summary"
keys f Enter
wait_screen f "^request: show services l2tp summary$"
wait_last f "$prompt"
text f "quit"
keys f Enter
ended f
grep -qx "exit 0" "$work/f.exit" || fail "quit in vi mode: $(cat "$work/f.exit")"
grep -qx "show services l2tp summary" "$work/vi/.bras_cli_history" || fail "vi history file: $(cat "$work/vi/.bras_cli_history")"
[ "$(stat -c %a "$work/vi/.bras_cli_history")" = 600 ] || fail "vi history file mode $(stat -c %a "$work/vi/.bras_cli_history")"
ok "bind -v in ~/.editrc: vi keys (Escape 0 x i) edit the line; terminal restored, history file 0600"

start c
text c "show services"
sleep 0.2
pid=$(ps -o pid= --ppid "$(t display-message -p -t c '#{pane_pid}')" | tr -d ' ' || true)
[ -n "$pid" ] || fail "no bras-cli process in session c"
kill -TERM "$pid"
ended c
grep -qx "exit 143" "$work/c.exit" || fail "SIGTERM: $(cat "$work/c.exit")"
ok "SIGTERM in raw mode: terminal settings restored, killed by the signal"

# ------------------------------------------------------------ 3. a real brasd
# Enabled once brasd knows the `cli:` section (cli.socket, cli.operator-group).
if ! "$brasd" --print-default-config 2>/dev/null | grep -q '^cli:'; then
  echo "ok $((passed + 1)) - # SKIP real brasd: its configuration has no cli: section yet"
  echo "$passed passed, 0 failed, 1 skipped"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || fail "the real-brasd part needs root (network namespace)"
mkdir -p "$work/run"
real=$work/run/cli.sock
cat >"$work/brasd.yaml" <<YAML
log: {level: info, components: {cli: warn}}
runtime: {threads: 2, shards: 2}
l2tp:
  local-gateways: [{name: lo, address: 127.0.0.1, port: 1701}]
data-plane: {tun: ""}
metrics: {listen: 127.0.0.1:9101}
cli: {socket: $real}
YAML
"$brasd" --check-config "$work/brasd.yaml" >/dev/null 2>"$work/err" || fail "config rejected: $(cat "$work/err")"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$real" 2>"$work/err" ||
  fail "brasd did not create $real: $(cat "$work/err")"
# A Unix socket is a file: bras-cli reaches it from outside the namespace.
rc=0; "$cli" -s "$real" show services l2tp summary >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "show services l2tp summary against brasd: exit $rc: $(cat "$work/err")"
grep -qi "sessions" "$work/out" || fail "summary output: $(cat "$work/out")"
rc=0; "$cli" -s "$real" sh ser l2 ses ext >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "show services l2tp session extensive: exit $rc: $(cat "$work/err")"
"$cli" -s "$real" show services l2tp summary "|" display xml | grep -q "<rpc-reply" || fail "| display xml"
ok "a real brasd answers bras-cli's one-shot commands (summary, session extensive, | display xml)"

t new-session -d -s d -x 100 -y 30 "env HOME='$work' '$cli' -s '$real'; sleep 600"
wait_last d "$prompt"
text d "show services l2tp summary"
keys d Enter
wait_screen d "[Ss]essions"
wait_last d "$prompt"
text d "quit"
keys d Enter
ok "a real brasd answers in an interactive session"

# SIGHUP re-reads the file's log levels: the cli logger goes from warn (no
# command lines) to info (every command logged); a broken file changes nothing.
grep -q "cli-command" "$work/brasd.log" && fail "cli-command logged at level warn"
sed -i 's/components: {cli: warn}/components: {cli: info}/' "$work/brasd.yaml"
kill -HUP "$brasd_pid"
deadline=$((SECONDS + 10))
until grep -q "config-reloaded" "$work/brasd.log"; do
  [ $SECONDS -lt $deadline ] || fail "no config-reloaded after SIGHUP: $(tail -5 "$work/brasd.log")"
  sleep 0.1
done
"$cli" -s "$real" show services l2tp tunnel >/dev/null || fail "show services l2tp tunnel after reload"
grep -q 'cli-command .*command="show services l2tp tunnel"' "$work/brasd.log" ||
  fail "the reloaded level did not apply: $(tail -5 "$work/brasd.log")"
printf 'runtime:\n  threads: 0\n' >"$work/brasd.yaml"
kill -HUP "$brasd_pid"
deadline=$((SECONDS + 10))
until grep -q "config-reload-failed" "$work/brasd.log"; do
  [ $SECONDS -lt $deadline ] || fail "no config-reload-failed for a broken file"
  sleep 0.1
done
grep -q "brasd.yaml:2: runtime.threads" "$work/brasd.log" || fail "reload failure lacks file:line"
"$cli" -s "$real" show services l2tp summary >/dev/null || fail "brasd stopped serving after a failed reload"
ok "SIGHUP applies the file's log levels; a broken file is reported with file:line and changes nothing"

"$cli" -s "$real" set log level cli warning >"$work/out" || fail "set log level: exit $?"
grep -qx "Log level of cli set to warning" "$work/out" || fail "set log level feedback: $(cat "$work/out")"
"$cli" -s "$real" show log level | grep -qE "^cli +warning$" || fail "show log level after set"
before=$(grep -c "cli-command" "$work/brasd.log")
"$cli" -s "$real" show services l2tp summary >/dev/null
[ "$(grep -c "cli-command" "$work/brasd.log")" -eq "$before" ] || fail "cli-command still logged at level warning"
ok "bras-cli set log level changes a running logger; show log level shows it"
echo "$passed passed, 0 failed"
