#include "configs/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "configs/default_config.hpp"
#include "configs/yaml_walker.hpp"

namespace bras::config {

std::string load_error::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!path.empty()) s += path + ": ";
  s += reason;
  return s;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) noexcept {
  std::uint32_t out = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc{} || next == p || octet > 255 || next - p > 3) return std::nullopt;
    out = (out << 8) | octet;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return out;
}

std::optional<ipv4_prefix> parse_prefix(std::string_view text) noexcept {
  auto slash = text.find('/');
  auto addr = parse_ipv4(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned len = 32;
  if (slash != std::string_view::npos) {
    auto rest = text.substr(slash + 1);
    auto [next, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), len);
    if (ec != std::errc{} || next != rest.data() + rest.size() || len > 32) return std::nullopt;
  }
  std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
  return ipv4_prefix{*addr & mask, static_cast<std::uint8_t>(len)};
}

namespace {

using walker = yaml_walker;

settings parse(const YAML::Node& root, const walker& w) {
  settings s;
  if (!root || root.IsNull()) return s;
  w.only(root, "", {"runtime", "log", "l2tp"});
  if (auto rt = root["runtime"]) {
    w.only(rt, "runtime", {"threads", "shards"});
    w.number(rt, "runtime", "threads", s.threads, 1, 256);
    w.number(rt, "runtime", "shards", s.shards, 1, 64);
  }
  if (auto log = root["log"]) {
    w.only(log, "log", {"level"});
    w.text(log, "log", "level", s.log_level);
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.count(s.log_level)) w.fail(log["level"], "log.level", "unknown level " + s.log_level);
  }
  auto& l = s.l2tp;
  if (auto n = root["l2tp"]) {
    const std::string p = "l2tp";
    w.only(n, p,
           {"host-name", "retransmit-initial-ms", "retransmit-max-ms", "retransmit-count", "ack-delay-ms",
            "max-tunnels", "max-sessions", "shutdown-timeout", "destination-lockout", "autodial-calls",
            "local-gateways", "tunnel-groups", "destinations"});
    w.text(n, p, "host-name", l.host_name);
    if (l.host_name.empty()) w.fail(n["host-name"], "l2tp.host-name", "must not be empty");
    w.span(n, p, "retransmit-initial-ms", l.retransmit_initial, 50, 60000);
    w.span(n, p, "retransmit-max-ms", l.retransmit_max, 50, 600000);
    if (l.retransmit_max < l.retransmit_initial) {
      w.fail(n["retransmit-max-ms"], "l2tp.retransmit-max-ms", "must not be below retransmit-initial-ms");
    }
    w.number(n, p, "retransmit-count", l.retransmit_count, 1, 100);
    w.span(n, p, "ack-delay-ms", l.ack_delay, 0, 10000);
    w.number(n, p, "max-tunnels", l.max_tunnels, 0, 65535);
    w.number(n, p, "max-sessions", l.max_sessions, 0, 65535);
    w.span(n, p, "shutdown-timeout", l.shutdown_timeout, 0, 600);
    w.span(n, p, "destination-lockout", l.destination_lockout, 0, 3600);
    w.number(n, p, "autodial-calls", l.autodial_calls, 0, 65535);

    std::set<std::string> gateway_names;
    w.list(n, p, "local-gateways", [&](const YAML::Node& g, const std::string& gp) {
      local_gateway gw;
      w.only(g, gp, {"name", "address", "port"});
      w.text(g, gp, "name", gw.name);
      w.ipv4(g, gp, "address", gw.address);
      w.number(g, gp, "port", gw.port, 0, 65535);  // 0: an ephemeral port (tests, LAC-only)
      if (gw.address.empty()) w.fail(g, gp + ".address", "required");
      if (gw.name.empty()) gw.name = gw.address + ":" + std::to_string(gw.port);
      if (!gateway_names.insert(gw.name).second) w.fail(g["name"], gp + ".name", "duplicate gateway " + gw.name);
      l.local_gateways.push_back(gw);
    });
    auto known_gateway = [&](const YAML::Node& at, const std::string& path, const std::string& name) {
      if (!gateway_names.count(name)) w.fail(at, path, "no local gateway named " + name);
    };

    w.list(n, p, "tunnel-groups", [&](const YAML::Node& g, const std::string& gp) {
      tunnel_group tg;
      w.only(g, gp, {"name", "local-gateways", "hide-avps", "hello-interval", "receive-window", "clients"});
      w.text(g, gp, "name", tg.name);
      if (tg.name.empty()) w.fail(g, gp + ".name", "required");
      w.list(g, gp, "local-gateways", [&](const YAML::Node& x, const std::string& xp) {
        auto name = x.as<std::string>();
        known_gateway(x, xp, name);
        tg.local_gateways.push_back(name);
      });
      w.flag(g, gp, "hide-avps", tg.hide_avps);
      w.span(g, gp, "hello-interval", tg.hello_interval, 0, 3600);
      w.number(g, gp, "receive-window", tg.receive_window, 1, 1024);
      w.list(g, gp, "clients", [&](const YAML::Node& c, const std::string& cp) {
        lac_client lc;
        w.only(c, cp,
               {"host-name", "allowed-sources", "secret", "max-tunnels", "max-sessions-per-tunnel", "hello-interval",
                "receive-window", "retransmit-initial-ms", "retransmit-max-ms", "retransmit-count"});
        w.text(c, cp, "host-name", lc.host_name);
        w.list(c, cp, "allowed-sources", [&](const YAML::Node& x, const std::string& xp) {
          auto pfx = parse_prefix(x.as<std::string>());
          if (!pfx) w.fail(x, xp, "not an IPv4 prefix: " + x.as<std::string>());
          lc.allowed_sources.push_back(*pfx);
        });
        w.text(c, cp, "secret", lc.secret);
        w.number(c, cp, "max-tunnels", lc.max_tunnels, 0, 65535);
        w.number(c, cp, "max-sessions-per-tunnel", lc.max_sessions_per_tunnel, 0, 65535);
        w.optional_span(c, cp, "hello-interval", lc.hello_interval, 0, 3600);
        w.optional_number(c, cp, "receive-window", lc.receive_window, 1, 1024);
        w.optional_span(c, cp, "retransmit-initial-ms", lc.retransmit_initial, 50, 60000);
        w.optional_span(c, cp, "retransmit-max-ms", lc.retransmit_max, 50, 600000);
        w.optional_number(c, cp, "retransmit-count", lc.retransmit_count, 1, 100);
        tg.clients.push_back(std::move(lc));
      });
      l.tunnel_groups.push_back(std::move(tg));
    });

    w.list(n, p, "destinations", [&](const YAML::Node& d, const std::string& dp) {
      lns_destination ld;
      w.only(d, dp,
             {"name", "address", "port", "local-gateway", "secret", "peer-host-name", "preference", "weight",
              "max-sessions", "hide-avps", "hello-interval", "receive-window"});
      w.text(d, dp, "name", ld.name);
      w.ipv4(d, dp, "address", ld.address);
      if (ld.address.empty()) w.fail(d, dp + ".address", "required");
      if (ld.name.empty()) ld.name = ld.address;
      w.number(d, dp, "port", ld.port, 1, 65535);
      w.text(d, dp, "local-gateway", ld.local_gateway);
      if (!ld.local_gateway.empty()) known_gateway(d["local-gateway"], dp + ".local-gateway", ld.local_gateway);
      w.text(d, dp, "secret", ld.secret);
      w.text(d, dp, "peer-host-name", ld.peer_host_name);
      w.number(d, dp, "preference", ld.preference, 0, 2000);
      w.number(d, dp, "weight", ld.weight, 1, 1000);
      w.number(d, dp, "max-sessions", ld.max_sessions, 0, 65535);
      w.flag(d, dp, "hide-avps", ld.hide_avps);
      w.span(d, dp, "hello-interval", ld.hello_interval, 0, 3600);
      w.number(d, dp, "receive-window", ld.receive_window, 1, 1024);
      l.destinations.push_back(std::move(ld));
    });
    if (!l.destinations.empty() && l.local_gateways.empty()) {
      w.fail(n["destinations"], "l2tp.destinations", "needs at least one local gateway to send from");
    }
  }
  return s;
}

}  // namespace

load_result load(std::string_view yaml, std::string_view file_name) {
  return load_yaml<settings>(yaml, file_name, [](const YAML::Node& root, const walker& w) { return parse(root, w); });
}

load_result load_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return load_error{path, 0, "", "cannot read the file"};
  std::stringstream buf;
  buf << in.rdbuf();
  return load(buf.str(), path);
}

load_result load_default() {
  return load(default_yaml(), "<embedded default>");
}

}  // namespace bras::config
