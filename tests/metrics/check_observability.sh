#!/usr/bin/env bash
# The shipped observability files agree with what brasd exports:
#   1. promtool accepts configs/prometheus/brasd-alerts.yml (check rules) and
#      configs/prometheus/prometheus.yml (check config, which also loads the rules),
#      and the rules pass their unit tests (tests/metrics/brasd-alerts.test.yml).
#   2. brasd runs in a private network namespace made here, with its exporter
#      on 127.0.0.1:9101, and one /metrics scrape is taken (bash /dev/tcp, no curl).
#   3. promtool check metrics accepts the scrape.
#   4. Every metric named in a PromQL expression of the Grafana dashboard
#      (panel targets, template variable queries) and of the alert rules is
#      exported (a `# TYPE` line in the scrape) or is Prometheus' own `up`; every
#      literal label matcher (label="value", label=~"a|b") names a label value the
#      scrape has.
#   5. The dashboard has the datasource/job/instance variables, and promtool
#      parses each of its panel expressions (Grafana variables replaced).
#   6. docs/metrics.md has a row for every brasd_ family of the scrape, with its
#      type, and the label values a row lists (`label` = a, b) are exactly the
#      scrape's; every family of its main table is in the scrape (the opt-in
#      per-session ones need not be).
# Needs root (network namespace), iproute2, promtool (Debian: prometheus), python3.
# usage: check_observability.sh BRASD
set -euo pipefail
brasd=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
dashboard=$here/configs/grafana/brasd-dashboard.json
rules=$here/configs/prometheus/brasd-alerts.yml
promcfg=$here/configs/prometheus/prometheus.yml
ns=brasm$$
work=$(mktemp -d /tmp/bras-metrics.XXXXXX)
source "$(dirname "$0")/../lib/brasd_netns.sh"
passed=0
fail() {
  echo "FAIL: $*" >&2
  [ -f "$work/brasd.log" ] && { echo "--- brasd log" >&2; tail -n 20 "$work/brasd.log" >&2; }
  exit 1
}
ok() { passed=$((passed + 1)); echo "ok $passed - $*"; }
cleanup() {
  trap '' INT TERM  # a second signal must not cut the clean-up short
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v promtool >/dev/null || fail "promtool not found (Debian package prometheus)"
command -v python3 >/dev/null || fail "python3 not found"
[ -x "$brasd" ] || fail "brasd binary $brasd not executable"

# ------------------------------------------------------------ 1. promtool on the files
promtool check rules "$rules" >"$work/out" 2>&1 || fail "promtool check rules $rules: $(cat "$work/out")"
ok "promtool check rules configs/prometheus/brasd-alerts.yml"
# The alerts' unit tests: each fires on its case and stays quiet on the look-alikes.
(cd "$here/tests/metrics" && promtool test rules brasd-alerts.test.yml) >"$work/out" 2>&1 ||
  fail "promtool test rules tests/metrics/brasd-alerts.test.yml: $(cat "$work/out")"
ok "promtool test rules tests/metrics/brasd-alerts.test.yml"
# rule_files in prometheus.yml are relative to the file itself; run from elsewhere to prove it.
(cd / && promtool check config "$promcfg") >"$work/out" 2>&1 || fail "promtool check config $promcfg: $(cat "$work/out")"
grep -q "1 rule files found" "$work/out" || fail "prometheus.yml does not load the alert rules: $(cat "$work/out")"
ok "promtool check config configs/prometheus/prometheus.yml (loads brasd-alerts.yml)"

# ------------------------------------------------------------ 2. a real scrape
cat >"$work/brasd.yaml" <<YAML
log: {level: info}
runtime: {threads: 2, shards: 2}
l2tp:
  local-gateways: [{name: lo, address: 127.0.0.1, port: 1701}]
data-plane: {tun: ""}
metrics: {listen: 127.0.0.1:9101}
YAML
"$brasd" --check-config "$work/brasd.yaml" >/dev/null 2>"$work/out" || fail "config rejected: $(cat "$work/out")"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" grep -qs "brasd-started" "$work/brasd.log" \
  2>"$work/err" || fail "brasd did not log brasd-started: $(cat "$work/err")"

scrape() {  # HTTP/1.0 GET /metrics over bash's /dev/tcp inside the namespace -> $work/response
  ip netns exec "$ns" timeout 5 bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/9101 && printf "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:9101\r\n\r\n" >&3 && cat <&3' \
    >"$work/response" 2>"$work/scrape.err"
}
deadline=$((SECONDS + 10))
until scrape && head -n 1 "$work/response" | grep -q "^HTTP/1\.[01] 200"; do
  [ $SECONDS -lt $deadline ] || fail "no 200 from http://127.0.0.1:9101/metrics: $(head -n 1 "$work/response" 2>/dev/null) $(cat "$work/scrape.err")"
  sleep 0.2
done
# Body: everything after the first empty (CRLF) line.
sed '1,/^\r\{0,1\}$/d' "$work/response" >"$work/metrics.txt"
grep -q "^# TYPE brasd_build_info gauge" "$work/metrics.txt" || fail "the scrape has no brasd_build_info: $(head -c 300 "$work/metrics.txt")"
ok "brasd in netns $ns serves /metrics on 127.0.0.1:9101 ($(grep -c '^# TYPE' "$work/metrics.txt") families)"

# ------------------------------------------------------------ 3. promtool on the scrape
promtool check metrics <"$work/metrics.txt" >"$work/out" 2>&1 || fail "promtool check metrics: $(cat "$work/out")"
ok "promtool check metrics accepts the scrape"

# ------------------------------------------------------------ 4./5. names in the PromQL
python3 - "$dashboard" "$rules" "$work/metrics.txt" "$work/dashboard-rules.yml" <<'PY' || fail "the dashboard or alert rules name what brasd does not export (above)"
import json, re, sys

dashboard_path, rules_path, scrape_path, dashboard_rules_path = sys.argv[1:5]
errors = []

# --- the scrape: family -> type, family -> {label: {values}}
types, labels = {}, {}
for line in open(scrape_path, encoding="utf-8"):
    m = re.match(r"# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)", line)
    if m:
        types[m.group(1)] = m.group(2)
        continue
    if line.startswith("#") or not line.strip():
        continue
    m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s', line)
    if not m:
        continue
    name = m.group(1)
    for suffix in ("_bucket", "_sum", "_count"):  # histogram/summary samples
        if name.endswith(suffix) and name[: -len(suffix)] in types:
            break
    d = labels.setdefault(name, {})
    for lm in re.finditer(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""):
        d.setdefault(lm.group(1), set()).add(lm.group(2))

def exported(name):
    if name == "up" or name in types:
        return True
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return True
    return False

# --- the expressions and where they are used
exprs = []  # (where, expr)

def walk_dashboard(node, where):
    if isinstance(node, dict):
        title = node.get("title")
        here = f"{where} > panel {title!r}" if title and "targets" in node else where
        for k, v in node.items():
            if k == "expr" and isinstance(v, str) and v.strip():
                exprs.append((f"{here} (refId {node.get('refId', '?')})", v))
            else:
                walk_dashboard(v, here)
    elif isinstance(node, list):
        for v in node:
            walk_dashboard(v, where)

dash = json.load(open(dashboard_path, encoding="utf-8"))
walk_dashboard(dash.get("panels", []), "dashboard")
variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
for name, v in variables.items():
    if v.get("type") != "query":
        continue
    q = v.get("query")
    q = q.get("query", "") if isinstance(q, dict) else (q or "")
    for text in {q, v.get("definition") or ""}:
        if text.strip():
            exprs.append((f"dashboard > variable ${name}", text))
n_dashboard = len(exprs)

# The panel expressions as recording rules (Grafana variables replaced), for promtool to parse.
def concrete(e):
    e = re.sub(r"\$\{?__(rate_interval|interval|range)\}?", "5m", e)
    return re.sub(r"\$\{?[a-zA-Z_]\w*(:\w+)?\}?", ".*", e)
panel_rules = [{"record": "dashboard:" + re.sub(r"\W+", "_", where.split("> panel", 1)[-1]).strip("_") + f":{i}",
                "expr": concrete(e)}
               for i, (where, e) in enumerate(exprs) if "> variable" not in where]
with open(dashboard_rules_path, "w", encoding="utf-8") as f:
    json.dump({"groups": [{"name": "dashboard", "rules": panel_rules}]}, f, indent=1)
if n_dashboard == 0:
    errors.append(f"{dashboard_path}: no PromQL expression found")

# Dashboard structure: a Prometheus datasource variable and job/instance variables.
ds = variables.get("datasource")
if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
    errors.append("dashboard: no `datasource` template variable of type prometheus")
for needed in ("job", "instance"):
    if needed not in variables:
        errors.append(f"dashboard: no `{needed}` template variable")
if not 30 <= int(dash.get("schemaVersion", 0)) <= 45:
    errors.append(f"dashboard: unexpected schemaVersion {dash.get('schemaVersion')}")

def rule_exprs_simple(text):
    """expr: values of a rule file without a YAML library (plain, quoted or block scalars)."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = re.match(r"^(\s*)(?:-\s+)?expr:\s*(.*?)\s*$", lines[i])
        i += 1
        if not m:
            continue
        indent, rest = len(m.group(1)), m.group(2)
        if re.fullmatch(r"[|>][+-]?\d*(\s+#.*)?", rest):
            block = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i].strip())
                i += 1
            out.append(" ".join(b for b in block if b))
        elif rest[:1] in "'\"" and rest[-1:] == rest[:1]:
            out.append(rest[1:-1].replace("''", "'") if rest[0] == "'" else json.loads(rest))
        else:
            out.append(re.sub(r"\s+#.*$", "", rest))
    return out

rules_text = open(rules_path, encoding="utf-8").read()
try:
    import yaml  # PyYAML when present; the regex reader otherwise
    doc = yaml.safe_load(rules_text)
    found = [(r.get("alert") or r.get("record"), r["expr"])
             for g in doc.get("groups", []) for r in g.get("rules", [])]
    simple = rule_exprs_simple(rules_text)
    if [" ".join(str(e).split()) for _, e in found] != [" ".join(e.split()) for e in simple]:
        errors.append("internal: the simple expr reader disagrees with PyYAML on " + rules_path)
except ImportError:
    names = re.findall(r"^\s*-?\s*(?:alert|record):\s*(\S+)", rules_text, re.M)
    simple = rule_exprs_simple(rules_text)
    if len(names) != len(simple):
        errors.append(f"{rules_path}: {len(names)} rules but {len(simple)} expr: lines")
    found = list(zip(names, simple))
for name, e in found:
    exprs.append((f"alert rules > {name}", str(e)))
if len(exprs) == n_dashboard:
    errors.append(f"{rules_path}: no rule expression found")

# --- PromQL: metric names and literal label matchers
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "inf", "nan", "atan2", "sum", "min", "max", "avg", "group", "stddev",
            "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
IDENT = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`'
SCOPE_LABELS = {"job", "instance"}  # set by Prometheus, not by brasd

def analyse(where, expr):
    e = expr
    # Grafana's label_values(metric, label): only the first argument is a selector.
    e = re.sub(r"label_values\(\s*([^,()]*(?:\{[^}]*\})?)\s*,\s*" + IDENT + r"\s*\)", r"(\1)", e)
    e = re.sub(r"label_values\(\s*" + IDENT + r"\s*\)", " ", e)
    # Selectors with matchers: metric{...} or {...}.
    def selector(m):
        metric, body = m.group(1), m.group(2)
        for lm in re.finditer(r"(" + IDENT + r")\s*(=~|!=|!~|=)\s*(" + STRING + ")", body):
            label, op, value = lm.group(1), lm.group(2), lm.group(3)[1:-1]
            if label == "__name__" and op == "=":
                check_name(where, value)
                metric = metric or value
                continue
            if not metric or metric == "up" or label in SCOPE_LABELS or "$" in value or op.startswith("!"):
                continue
            if op == "=~" and not re.fullmatch(r"[\w.-]+(\|[\w.-]+)*", value):
                continue  # a real regular expression: not checked
            have = labels.get(metric, {})
            if exported(metric) and label not in have:
                errors.append(f"{where}: {metric} has no label {label!r} in the scrape (labels: {sorted(have)})")
                continue
            for v in value.split("|") if op == "=~" else [value]:
                if exported(metric) and v not in have.get(label, set()):
                    errors.append(f"{where}: {metric}{{{label}={v!r}}} is not in the scrape "
                                  f"(values: {sorted(have.get(label, set()))})")
        return f" {metric or ''} "
    e = re.sub(r"(" + IDENT + r")?\s*\{((?:" + STRING + r"|[^}\"'`])*)\}", selector, e)
    e = re.sub(STRING, " ", e)                              # remaining strings (label_replace etc.)
    e = re.sub(r"\$\{[^}]*\}|\$" + IDENT, " ", e)            # Grafana variables ($__rate_interval, ${x})
    e = re.sub(r"\[[^\]]*\]", " ", e)                        # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\b\d[\w.]*", " ", e)                        # numbers, durations
    for m in re.finditer(r"(" + IDENT + r")(\s*\()?", e):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in KEYWORDS:
            continue  # a function or an operator
        check_name(where, name)

checked = set()
def check_name(where, name):
    checked.add(name)
    if not exported(name):
        hint = ""
        if types.get(name + "_total") == "counter":
            hint = f" (the counter is exported as {name}_total)"
        errors.append(f"{where}: metric {name!r} is not exported by brasd{hint}")

for where, expr in exprs:
    analyse(where, expr)

if not checked:
    errors.append("no metric name found in any expression")
for e in errors:
    print("  " + e, file=sys.stderr)
print(f"  {len(exprs)} expressions ({n_dashboard} dashboard, {len(exprs) - n_dashboard} alert rules), "
      f"{len(checked)} distinct metrics: {' '.join(sorted(checked))}")
sys.exit(1 if errors else 0)
PY
ok "every metric and label value in the dashboard and the alert rules is in the scrape"
promtool check rules "$work/dashboard-rules.yml" >"$work/out" 2>&1 ||
  fail "a dashboard expression does not parse (the rule is named after the panel): $(cat "$work/out")"
ok "promtool parses every dashboard panel expression (Grafana variables replaced)"

# ------------------------------------------------------------ 6. docs/metrics.md against the scrape
python3 - "$here/docs/metrics.md" "$work/metrics.txt" <<'PY' || fail "docs/metrics.md and the scrape disagree (above)"
import re, sys
docs_path, scrape_path = sys.argv[1:3]
errors = []
types, values = {}, {}
for line in open(scrape_path, encoding="utf-8"):
    m = re.match(r"# TYPE (brasd_\w+) (\w+)", line)
    if m:
        types[m.group(1)] = m.group(2)
        continue
    m = re.match(r"(brasd_\w+)(?:\{(.*)\})?\s", line)
    if m:
        d = values.setdefault(m.group(1), {})
        for lm in re.finditer(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""):
            d.setdefault(lm.group(1), set()).add(lm.group(2))

text = open(docs_path, encoding="utf-8").read()
opt_in = text.split("### Per-session families", 1)[1] if "### Per-session families" in text else ""
main = text.split("### Per-session families", 1)[0]

def row_names(cell):
    """`a_total` / `_b_total` (shorthand: the suffix replaces as many trailing words of a) or full names."""
    names = []
    for tok in re.findall(r"`([a-z0-9_:]+)`", cell):
        if tok.startswith("_") and names:
            n = tok.count("_")
            names.append("_".join(names[0].split("_")[:-n]) + tok)
        else:
            names.append(tok)
    return names

documented = {}
for section, must_export in ((main, True), (opt_in, False)):
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `brasd_") or len(cells) < 3:
            continue
        for name in row_names(cells[0]):
            documented[name] = True
            if name not in types:
                if must_export:
                    errors.append(f"docs/metrics.md documents {name}, which the scrape does not have")
                continue
            if cells[1] != types[name]:
                errors.append(f"docs/metrics.md: {name} is a {types[name]} in the scrape, not a {cells[1]}")
            if len(cells) >= 4:  # family | type | labels | meaning: listed label values must be the scrape's
                for lm in re.finditer(r"`(\w+)` = ([\w.-]+(?:, [\w.-]+)*)", cells[2]):
                    label, listed = lm.group(1), set(lm.group(2).split(", "))
                    have = values.get(name, {}).get(label, set())
                    if listed != have:
                        errors.append(f"docs/metrics.md: {name}{{{label}}} lists {sorted(listed)}, the scrape has "
                                      f"{sorted(have)}")
for name in sorted(types):
    if name not in documented:
        errors.append(f"the scrape has {name}, which docs/metrics.md does not document")
for e in errors:
    print("  " + e, file=sys.stderr)
print(f"  {len(documented)} documented brasd families, {len(types)} in the scrape")
sys.exit(1 if errors else 0)
PY
ok "docs/metrics.md documents every brasd family of the scrape, with its type and label values"

echo "$passed passed, 0 failed"
