#include "configs/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "configs/config_parse.hpp"
#include "configs/default_config.hpp"

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

std::optional<ipv4_endpoint> parse_ipv4_endpoint(std::string_view text) noexcept {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto address = parse_ipv4(text.substr(0, colon));
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [next, ec] = std::from_chars(first, last, port);
  if (!address || ec != std::errc{} || next != last || first == last || port > 65535) return std::nullopt;
  return ipv4_endpoint{*address, static_cast<std::uint16_t>(port)};
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

subscriber parse_subscriber(const YAML::Node& n, const std::string& p, const yaml_walker& w) {
  only_entry_table<subscriber>(n, p, w, {"user", "password", "address", "ipv6-prefix", "delegated-prefix"});
  subscriber s;
  s.user = w.required_text(n, p, "user");
  s.password = w.required_text(n, p, "password");
  if (n["address"]) {
    auto text = w.required_text(n, p, "address");
    s.address = parse_ipv4(text);
    if (!s.address) w.fail(n["address"], p + ".address", "not an IPv4 address: " + text);
  }
  parse_subscriber_ipv6(n, p, w, s);
  apply_entry_table(n, p, w, s);
  return s;
}

namespace {

using walker = yaml_walker;

void parse_ppp(const YAML::Node& n, const walker& w, settings& s) {
  const std::string p = "ppp";
  auto& ppp = s.ppp;
  only_table(p, n, w, {"authentication", "local-address", "dns"});
  if (n["authentication"]) {
    ppp.authentication.clear();
    w.list(n, p, "authentication", [&](const YAML::Node& x, const std::string& xp) {
      auto m = x.as<std::string>();
      if (m != "pap" && m != "chap") w.fail(x, xp, "unknown method " + m + " (pap, chap)");
      if (std::find(ppp.authentication.begin(), ppp.authentication.end(), m) != ppp.authentication.end()) {
        w.fail(x, xp, "duplicate method " + m);
      }
      ppp.authentication.push_back(m);
    });
  }
  apply_table(p, n, w, s);
  if (ppp.min_mru > ppp.mru) w.fail(n["min-mru"] ? n["min-mru"] : n, "ppp.min-mru", "must not exceed mru");
  if (n["local-address"]) {
    auto text = w.required_text(n, p, "local-address");
    auto a = parse_ipv4(text);
    if (!a) w.fail(n["local-address"], "ppp.local-address", "not an IPv4 address: " + text);
    ppp.local_address = *a;
  }
  w.list(n, p, "dns", [&](const YAML::Node& x, const std::string& xp) {
    auto a = parse_ipv4(x.as<std::string>());
    if (!a) w.fail(x, xp, "not an IPv4 address: " + x.as<std::string>());
    if (ppp.dns.size() == 2) w.fail(x, xp, "at most two DNS servers (RFC 1877 primary and secondary)");
    ppp.dns.push_back(*a);
  });
}

void parse_pools(const YAML::Node& n, const walker& w, std::vector<address_pool_settings>& pools) {
  std::set<std::string> names;
  w.list(n, "", "address-pools", [&](const YAML::Node& x, const std::string& xp) {
    address_pool_settings pool;
    w.only(x, xp, {"name", "prefixes", "exclude"});
    pool.name = w.required_text(x, xp, "name");
    if (!names.insert(pool.name).second) w.fail(x["name"], xp + ".name", "duplicate pool " + pool.name);
    w.list(x, xp, "prefixes", [&](const YAML::Node& y, const std::string& yp) {
      auto pfx = parse_prefix(y.as<std::string>());
      if (!pfx) w.fail(y, yp, "not an IPv4 prefix: " + y.as<std::string>());
      if (pfx->length < 8) w.fail(y, yp, "larger than a /8");
      pool.prefixes.push_back(*pfx);
    });
    if (pool.prefixes.empty()) w.fail(x, xp + ".prefixes", "required");
    w.list(x, xp, "exclude", [&](const YAML::Node& y, const std::string& yp) {
      auto a = parse_ipv4(y.as<std::string>());
      if (!a) w.fail(y, yp, "not an IPv4 address: " + y.as<std::string>());
      pool.exclude.push_back(*a);
    });
    pools.push_back(std::move(pool));
  });
}

void parse_aaa(const YAML::Node& n, const walker& w, settings& s) {
  only_table("aaa", n, w, {"subscribers-file", "subscribers", "method", "domains"});
  apply_table("aaa", n, w, s);
  auto& aaa = s.aaa;
  if (aaa.auth_backoff_max < aaa.auth_backoff) {
    // Either key may be the one set (the other keeps its default): name the one written.
    if (n["auth-backoff-max"]) w.fail(n["auth-backoff-max"], "aaa.auth-backoff-max", "below aaa.auth-backoff");
    w.fail(n["auth-backoff"], "aaa.auth-backoff", "above aaa.auth-backoff-max");
  }
  w.text(n, "aaa", "subscribers-file", aaa.subscribers_file);
  parse_aaa_method(n, w, aaa);
  std::set<std::string> users;
  w.list(n, "aaa", "subscribers", [&](const YAML::Node& x, const std::string& xp) {
    auto sub = parse_subscriber(x, xp, w);
    if (!users.insert(sub.user).second) w.fail(x["user"], xp + ".user", "duplicate user " + sub.user);
    aaa.subscribers.push_back(std::move(sub));
  });
}

void parse_data_plane(const YAML::Node& n, const walker& w, settings& s) {
  const std::string p = "data-plane";
  const auto& dp = s.data_plane;
  only_table(p, n, w);
  apply_table(p, n, w, s);
  if (dp.tun.size() > 15) w.fail(n["tun"], "data-plane.tun", "interface names have at most 15 characters");
  if (dp.tcp_mss != 0 && dp.tcp_mss < 256) w.fail(n["tcp-mss"], "data-plane.tcp-mss", "below 256");
}

settings parse(const YAML::Node& root, const walker& w) {
  settings s;
  if (!root || root.IsNull()) return s;
  w.only(root, "",
         {"runtime", "log", "l2tp", "pppoe", "ppp", "address-pools", "prefix-pools", "ipv6", "aaa", "radius",
          "data-plane", "metrics", "cli"});
  if (auto n = root["cli"]) {
    only_table("cli", n, w);
    apply_table("cli", n, w, s);
    if (!s.cli.socket.empty() && s.cli.socket.front() != '/') {
      w.fail(n["socket"], "cli.socket", "expected an absolute path, e.g. /run/brasd/cli.sock");
    }
    if (s.cli.socket.size() >= 108) w.fail(n["socket"], "cli.socket", "longer than a Unix socket path may be (107)");
  }
  if (auto n = root["metrics"]) {
    only_table("metrics", n, w);
    apply_table("metrics", n, w, s);
    if (!s.metrics.listen.empty() && !parse_ipv4_endpoint(s.metrics.listen)) {
      w.fail(n["listen"], "metrics.listen", "expected IPv4-ADDRESS:PORT, e.g. 127.0.0.1:9101");
    }
  }
  if (auto n = root["pppoe"]) parse_pppoe(n, w, s);
  if (auto n = root["ppp"]) parse_ppp(n, w, s);
  parse_pools(root, w, s.address_pools);
  parse_prefix_pools(root, w, s);
  if (auto n = root["ipv6"]) parse_ipv6(n, w, s);
  if (auto n = root["aaa"]) parse_aaa(n, w, s);
  check_ipv6(root, w, s);
  if (auto n = root["data-plane"]) parse_data_plane(n, w, s);
  if (!s.ppp.address_pool.empty()) {
    bool found = false;
    for (const auto& pool : s.address_pools) found = found || pool.name == s.ppp.address_pool;
    if (!found) w.fail(root["ppp"]["address-pool"], "ppp.address-pool", "no address pool named " + s.ppp.address_pool);
  }
  if (auto rt = root["runtime"]) {
    only_table("runtime", rt, w);
    apply_table("runtime", rt, w, s);
  }
  if (auto log = root["log"]) {
    only_table("log", log, w, {"components"});
    apply_table("log", log, w, s);
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (auto comps = log["components"]) {
      if (!comps.IsMap()) w.fail(comps, "log.components", "expected a map of component: level");
      for (const auto& kv : comps) {
        const auto name = kv.first.as<std::string>();
        const auto path = "log.components." + name;
        if (!std::count(log_components.begin(), log_components.end(), name)) {
          w.fail(kv.first, path, "unknown component " + name + " (l2tp, ppp, aaa)");
        }
        const auto level = kv.second.as<std::string>();
        if (!levels.count(level)) w.fail(kv.second, path, "unknown level " + level);
        s.log_components[name] = level;
      }
    }
  }
  auto& l = s.l2tp;
  if (auto n = root["l2tp"]) {
    const std::string p = "l2tp";
    only_table(p, n, w, {"local-gateways", "tunnel-groups", "destinations", "tunnel-profiles", "domain-map"});
    apply_table(p, n, w, s);
    if (l.host_name.empty()) w.fail(n["host-name"], "l2tp.host-name", "must not be empty");
    if (l.retransmit_max < l.retransmit_initial) {
      w.fail(n["retransmit-max-ms"], "l2tp.retransmit-max-ms", "must not be below retransmit-initial-ms");
    }

    std::set<std::string> gateway_names;
    w.list(n, p, "local-gateways", [&](const YAML::Node& g, const std::string& gp) {
      local_gateway gw;
      only_entry_table<local_gateway>(g, gp, w, {"name", "address"});
      w.text(g, gp, "name", gw.name);
      w.ipv4(g, gp, "address", gw.address);
      apply_entry_table(g, gp, w, gw);
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
      only_entry_table<tunnel_group>(g, gp, w, {"name", "local-gateways", "clients"});
      w.text(g, gp, "name", tg.name);
      if (tg.name.empty()) w.fail(g, gp + ".name", "required");
      w.list(g, gp, "local-gateways", [&](const YAML::Node& x, const std::string& xp) {
        auto name = x.as<std::string>();
        known_gateway(x, xp, name);
        tg.local_gateways.push_back(name);
      });
      apply_entry_table(g, gp, w, tg);
      w.list(g, gp, "clients", [&](const YAML::Node& c, const std::string& cp) {
        lac_client lc;
        only_entry_table<lac_client>(c, cp, w, {"allowed-sources"});
        w.list(c, cp, "allowed-sources", [&](const YAML::Node& x, const std::string& xp) {
          auto pfx = parse_prefix(x.as<std::string>());
          if (!pfx) w.fail(x, xp, "not an IPv4 prefix: " + x.as<std::string>());
          lc.allowed_sources.push_back(*pfx);
        });
        apply_entry_table(c, cp, w, lc);
        tg.clients.push_back(std::move(lc));
      });
      l.tunnel_groups.push_back(std::move(tg));
    });

    w.list(n, p, "destinations", [&](const YAML::Node& d, const std::string& dp) {
      lns_destination ld;
      only_entry_table<lns_destination>(d, dp, w, {"name", "address", "local-gateway"});
      w.text(d, dp, "name", ld.name);
      w.ipv4(d, dp, "address", ld.address);
      if (ld.address.empty()) w.fail(d, dp + ".address", "required");
      if (ld.name.empty()) ld.name = ld.address;
      apply_entry_table(d, dp, w, ld);
      w.text(d, dp, "local-gateway", ld.local_gateway);
      if (!ld.local_gateway.empty()) known_gateway(d["local-gateway"], dp + ".local-gateway", ld.local_gateway);
      l.destinations.push_back(std::move(ld));
    });
    if (!l.destinations.empty() && l.local_gateways.empty()) {
      w.fail(n["destinations"], "l2tp.destinations", "needs at least one local gateway to send from");
    }
    parse_tunnel_profiles(n, w, l);
  }
  if (auto n = root["radius"]) parse_radius(n, w, s);
  check_aaa_radius(root, w, s);
  return s;
}

}  // namespace

load_result load(std::string_view yaml, std::string_view file_name) {
  auto r = load_yaml<settings>(yaml, file_name, [](const YAML::Node& root, const walker& w) { return parse(root, w); });
  // A relative subscribers file is relative to the configuration file, not to the working directory.
  if (auto* st = std::get_if<settings>(&r)) {
    auto& f = st->aaa.subscribers_file;
    if (!f.empty() && f.front() != '/') {
      auto slash = file_name.rfind('/');
      if (slash != std::string_view::npos) f = std::string{file_name.substr(0, slash + 1)} + f;
    }
  }
  return r;
}

bool read_text_file(const std::string& path, std::string& text, std::string& reason) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    reason = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    reason = path + ": read error";
    return false;
  }
  text = std::move(s).str();
  return true;
}

load_result load_file(const std::string& path) {
  std::string text;
  std::string reason;
  if (!read_text_file(path, text, reason)) return load_error{path, 0, "", "cannot read the file"};
  return load(text, path);
}

load_result load_default() {
  return load(default_yaml(), "<embedded default>");
}

}  // namespace bras::config
