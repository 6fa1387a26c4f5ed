// The RADIUS configuration: aaa.method / aaa.domains and the `radius` section
// (authentication and accounting server groups, the accounting spool, the
// CoA/Disconnect listener and its clients), with the cross-checks that fail
// fast with file, line, key path and reason.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "configs/config_parse.hpp"

namespace bras::config {

namespace {

aaa_method read_method(const YAML::Node& map, const std::string& path, const char* key, const yaml_walker& w) {
  const auto text = w.required_text(map, path, key);
  if (text == "local") return aaa_method::local;
  if (text == "radius") return aaa_method::radius;
  w.fail(map[key], yaml_walker::join(path, key), "unknown method " + text + " (local, radius)");
}

/// `key` of `map` as an IPv4 address (host order), when present.
void read_address(const YAML::Node& map, const std::string& path, const char* key, const yaml_walker& w,
                  std::uint32_t& out) {
  if (!map[key]) return;
  const auto text = w.required_text(map, path, key);
  const auto a = parse_ipv4(text);
  if (!a) w.fail(map[key], yaml_walker::join(path, key), "not an IPv4 address: " + text);
  out = *a;
}

message_authenticator_mode read_message_authenticator(const YAML::Node& map, const std::string& path,
                                                      const yaml_walker& w) {
  constexpr const char* key = "message-authenticator";
  if (!map[key]) return message_authenticator_mode::automatic;
  // YAML 1.1 reads a bare yes/no as a boolean; take the text as written.
  const auto text = w.required_text(map, path, key);
  if (text == "auto") return message_authenticator_mode::automatic;
  if (text == "yes" || text == "true") return message_authenticator_mode::yes;
  if (text == "no" || text == "false") return message_authenticator_mode::no;
  w.fail(map[key], yaml_walker::join(path, key), "unknown mode " + text + " (auto, yes, no)");
}

radius_server_settings parse_server(const YAML::Node& x, const std::string& xp, const yaml_walker& w,
                                    std::uint16_t default_port) {
  w.only(x, xp,
         {"name", "address", "port", "secret", "weight", "max-outstanding", "timeout-ms", "retries",
          "message-authenticator"});
  radius_server_settings server;
  if (!x["address"]) w.fail(x, xp + ".address", "required");
  read_address(x, xp, "address", w, server.address);
  server.port = default_port;
  w.number(x, xp, "port", server.port, 1, 65535);
  server.secret = w.required_text(x, xp, "secret");
  w.number(x, xp, "weight", server.weight, 0, 1000);
  w.number(x, xp, "max-outstanding", server.max_outstanding, 1, 65536);
  w.span(x, xp, "timeout-ms", server.timeout, 10, 600000);
  w.number(x, xp, "retries", server.retries, 0, 100);
  server.message_authenticator = read_message_authenticator(x, xp, w);
  w.text(x, xp, "name", server.name);
  if (x["name"] && server.name.empty()) w.fail(x["name"], xp + ".name", "must not be empty");
  if (server.name.empty()) server.name = x["address"].as<std::string>() + ":" + std::to_string(server.port);
  return server;
}

/// The servers list of a group (authentication or accounting) at `gp`, with names unique across
/// both groups (`names`): they label metrics and the show commands.
void parse_servers(const YAML::Node& g, const std::string& gp, const yaml_walker& w, std::uint16_t default_port,
                   radius_group_settings& group, std::set<std::string>& names) {
  w.list(g, gp, "servers", [&](const YAML::Node& x, const std::string& xp) {
    auto server = parse_server(x, xp, w, default_port);
    if (!names.insert(server.name).second) {
      w.fail(x["name"] ? x["name"] : x, xp + ".name", "duplicate server name " + server.name);
    }
    group.servers.push_back(std::move(server));
  });
  unsigned weights = 0;
  for (const auto& server : group.servers) weights += server.weight;
  if (!group.servers.empty() && weights == 0) {
    w.fail(yaml_walker::key_node(g, "servers"), gp + ".servers", "the weights sum to 0: no server would get requests");
  }
}

void parse_group_timers(const YAML::Node& g, const std::string& gp, const yaml_walker& w,
                        radius_group_settings& group) {
  w.number(g, gp, "dead-after", group.dead_after, 1, 1000);
  w.span(g, gp, "dead-time", group.dead_time, 0, 86400);
  w.span(g, gp, "probe-interval", group.probe_interval, 1, 3600);
}

void parse_spool(const YAML::Node& n, const std::string& p, const yaml_walker& w, spool_settings& spool) {
  w.only(n, p, {"directory", "max-size-mb", "fsync-interval-ms", "when-full"});
  if (n["directory"]) spool.directory = w.required_text(n, p, "directory");
  if (spool.directory.front() != '/') {
    w.fail(n["directory"], p + ".directory", "expected an absolute path, e.g. /var/lib/brasd/accounting");
  }
  std::uint64_t megabytes = spool.max_bytes >> 20;
  w.number(n, p, "max-size-mb", megabytes, 1, 1048576);
  spool.max_bytes = megabytes << 20;
  w.span(n, p, "fsync-interval-ms", spool.fsync_interval, 0, 10000);
  if (n["when-full"]) {
    const auto text = w.required_text(n, p, "when-full");
    if (text == "refuse-new-sessions") {
      spool.when_full = spool_full_policy::refuse_new_sessions;
    } else if (text == "drop-oldest-interims") {
      spool.when_full = spool_full_policy::drop_oldest_interims;
    } else {
      w.fail(n["when-full"], p + ".when-full",
             "unknown policy " + text + " (refuse-new-sessions, drop-oldest-interims)");
    }
  }
}

/// "a.b.c.d:port" with a port of 1..65535.
bool valid_listen(const std::string& text) {
  const auto e = parse_ipv4_endpoint(text);
  return e && e->port != 0;
}

void parse_dynamic_authorization(const YAML::Node& n, const yaml_walker& w, radius_settings& r) {
  const std::string p = "radius.dynamic-authorization";
  w.only(n, p, {"listen", "replay-window", "clients"});
  w.text(n, p, "listen", r.coa_listen);
  if (!r.coa_listen.empty() && !valid_listen(r.coa_listen)) {
    w.fail(n["listen"], p + ".listen", "expected IPv4-ADDRESS:PORT with a port of 1 to 65535, e.g. 127.0.0.1:3799");
  }
  w.span(n, p, "replay-window", r.coa_replay_window, 1, 86400);
  std::set<std::uint32_t> addresses;
  w.list(n, p, "clients", [&](const YAML::Node& x, const std::string& xp) {
    w.only(x, xp, {"address", "secret"});
    coa_client_settings client;
    if (!x["address"]) w.fail(x, xp + ".address", "required");
    read_address(x, xp, "address", w, client.address);
    if (!addresses.insert(client.address).second) {
      w.fail(x["address"], xp + ".address", "duplicate client " + x["address"].as<std::string>());
    }
    client.secret = w.required_text(x, xp, "secret");
    r.coa_clients.push_back(std::move(client));
  });
  if (!r.coa_listen.empty() && r.coa_clients.empty()) {
    w.fail(n["clients"] ? n["clients"] : yaml_walker::key_node(n, "listen"), p + ".clients",
           "a listener needs at least one client: requests are accepted only from listed clients (RFC 5176)");
  }
}

}  // namespace

void parse_aaa_method(const YAML::Node& n, const yaml_walker& w, aaa_settings& aaa) {
  if (n["method"]) aaa.method = read_method(n, "aaa", "method", w);
  std::set<std::string> realms;  // lower-cased: realms match case-insensitively
  w.list(n, "aaa", "domains", [&](const YAML::Node& x, const std::string& xp) {
    w.only(x, xp, {"realm", "method"});
    aaa_domain domain;
    if (!x["realm"]) w.fail(x, xp + ".realm", "required (\"*\": every realm; \"\": users with no realm)");
    w.text(x, xp, "realm", domain.realm);
    if (domain.realm.find('@') != std::string::npos) {
      w.fail(x["realm"], xp + ".realm", "a realm is what follows the last @ of the user name, without the @");
    }
    std::string folded = domain.realm;
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!realms.insert(folded).second) w.fail(x["realm"], xp + ".realm", "duplicate realm \"" + domain.realm + "\"");
    if (!x["method"]) w.fail(x, xp + ".method", "required (local, radius)");
    domain.method = read_method(x, xp, "method", w);
    aaa.domains.push_back(std::move(domain));
  });
}

void parse_radius(const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string p = "radius";
  auto& r = s.radius;
  r.enabled = true;
  w.only(n, p,
         {"nas-identifier", "nas-ip-address", "source-address", "queue-limit", "authentication", "accounting",
          "dynamic-authorization"});
  r.nas_identifier = s.l2tp.host_name;
  if (n["nas-identifier"]) r.nas_identifier = w.required_text(n, p, "nas-identifier");
  if (!s.l2tp.local_gateways.empty()) {
    r.nas_ip_address = parse_ipv4(s.l2tp.local_gateways.front().address).value_or(0);
  }
  read_address(n, p, "nas-ip-address", w, r.nas_ip_address);
  read_address(n, p, "source-address", w, r.source_address);
  w.number(n, p, "queue-limit", r.queue_limit, 1, 1000000);

  std::set<std::string> names;
  if (auto g = n["authentication"]) {
    const std::string gp = p + ".authentication";
    w.only(g, gp, {"servers", "dead-after", "dead-time", "probe-interval"});
    parse_group_timers(g, gp, w, r.authentication);
    parse_servers(g, gp, w, 1812, r.authentication, names);
  }
  if (auto g = n["accounting"]) {
    const std::string gp = p + ".accounting";
    w.only(g, gp,
           {"servers", "dead-after", "dead-time", "probe-interval", "interim-interval", "max-in-flight", "spool"});
    parse_group_timers(g, gp, w, r.accounting);
    parse_servers(g, gp, w, 1813, r.accounting, names);
    w.span(g, gp, "interim-interval", r.interim_interval, 0, 86400);
    w.number(g, gp, "max-in-flight", r.acct_max_in_flight, 1, 65536);
    if (!r.accounting.servers.empty() && !(g["spool"] && g["spool"].IsMap() && g["spool"]["directory"])) {
      w.fail(g["spool"] ? yaml_walker::key_node(g, "spool") : yaml_walker::key_node(g, "servers"),
             gp + ".spool.directory",
             "accounting servers need a spool directory: every record is written there before it is sent");
    }
    if (auto sp = g["spool"]) parse_spool(sp, gp + ".spool", w, r.spool);
  }
  if (auto d = n["dynamic-authorization"]) parse_dynamic_authorization(d, w, r);
}

void check_aaa_radius(const YAML::Node& root, const yaml_walker& w, const settings& s) {
  const bool radius_used = s.aaa.method == aaa_method::radius ||
                           std::any_of(s.aaa.domains.begin(), s.aaa.domains.end(),
                                       [](const aaa_domain& d) { return d.method == aaa_method::radius; });
  if (!radius_used || !s.radius.authentication.servers.empty()) return;
  const auto aaa = root["aaa"];
  if (s.aaa.method == aaa_method::radius) {
    w.fail(aaa["method"], "aaa.method", "radius needs radius.authentication.servers");
  }
  for (std::size_t i = 0; i < s.aaa.domains.size(); ++i) {
    if (s.aaa.domains[i].method != aaa_method::radius) continue;
    w.fail(aaa["domains"][i]["method"], "aaa.domains[" + std::to_string(i) + "].method",
           "radius needs radius.authentication.servers");
  }
}

}  // namespace bras::config
