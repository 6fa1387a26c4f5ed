// bras-loadgen: emulated LACs with PPP subscribers against an LNS. It runs
// a brasd LAC instance in-process (the same tunnel and session actors as the
// daemon) and one emulated subscriber per session (tools/emulator/subscriber_emulator.hpp:
// LCP, PAP/CHAP, IPCP, optionally IPv6CP and proxy LCP/authentication), paced
// by --rate and --max-outstanding, and reports set-up rate and latency.
//
//   bras-loadgen --lns 192.0.2.1 --sessions 10000 --rate 1000 --user 'user{n}@isp' --password pw
//
// With --ipv6 each session then solicits a router, takes its SLAAC address
// from the RA and a delegated prefix by DHCPv6 (tools/emulator/ipv6_client.hpp).
// With --tun NAME (one session) the session becomes a local tun interface
// for real client software instead (tools/loadgen_tun.hpp).
//
// With --pppoe IFACE it plays PPPoE subscribers on an Ethernet interface
// instead (tools/pppoe_loadgen.hpp), with the same pacing and report.
//
// Progress goes to stderr once a second; the report to stdout (and as JSON
// to --report-json). Exit status: 0 when every session came up, 1 otherwise,
// 2 for bad options.
#include <caf/all.hpp>

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "actors/messages.hpp"
#include "configs/config.hpp"
#include "daemon/daemon.hpp"
#include "tools/emulator/subscriber_emulator.hpp"
#include "tools/loadgen_report.hpp"
#include "tools/loadgen_tun.hpp"
#include "tools/pppoe_loadgen.hpp"

namespace {

using namespace std::chrono_literals;
using namespace bras;
using clock_type = std::chrono::steady_clock;
using loadgen::expand;
using loadgen::traffic_report;

struct options {
  std::string lns = "127.0.0.1";
  unsigned sessions = 100;
  unsigned tunnels = 0;              ///< 0: derived from --sessions-per-tunnel
  unsigned sessions_per_tunnel = 0;  ///< 0: as many as fit (or sessions / tunnels)
  double rate = 0;                   ///< sessions started per second; 0: as fast as --max-outstanding allows
  unsigned max_outstanding = 1000;
  std::string user = "demo";
  std::string password = "demo";
  std::string secret;
  std::string host_name = "bras-loadgen";
  unsigned hold = 0;  ///< seconds to hold the sessions before tearing them down
  bool proxy = false;
  bool ipv6 = false;
  bool no_pd = false;         ///< --ipv6: ready with the SLAAC address alone
  bool release = false;       ///< --ipv6: DHCPv6 Release before LCP Terminate at hang-up
  std::string traffic_dest6;  ///< --ipv6 --traffic: ICMPv6 Echo to this address
  bool traffic_from_pd = false;
  std::string tun;             ///< one session as this local tun interface
  std::string hangup = "lcp";  ///< at the end: "lcp" (LCP Terminate, then CDN) or "cdn" (CDN alone)
  bool no_ppp = false;         ///< L2TP only: a session counts as up once its call is established
  unsigned threads = 2;
  unsigned timeout = 60;            ///< seconds without progress before giving up
  double traffic = 0;               ///< ICMP Echo Requests per second per session; 0: none
  std::string traffic_destination;  ///< empty: the LNS's IPCP address
  unsigned traffic_size = 128;
  std::string report_json;
};

std::variant<config::settings, std::string> lac_config(const options& o) {
  std::string address = o.lns;
  std::string port = "1701";
  if (auto colon = o.lns.find(':'); colon != std::string::npos) {
    address = o.lns.substr(0, colon);
    port = o.lns.substr(colon + 1);
  }
  unsigned per_tunnel = o.sessions_per_tunnel;
  if (per_tunnel == 0 && o.tunnels != 0) per_tunnel = (o.sessions + o.tunnels - 1) / o.tunnels;
  auto r = config::load("runtime: {threads: " + std::to_string(o.threads) +
                            ", shards: 2}\nlog: {level: error}\n"
                            "l2tp:\n  host-name: \"" +
                            o.host_name +
                            "\"\n  local-gateways: [{name: lo, address: 0.0.0.0, port: 0}]\n"
                            "  destinations: [{name: lns, address: " +
                            address + ", port: " + port + ", secret: \"" + o.secret +
                            "\", hello-interval: 60, max-sessions: " + std::to_string(per_tunnel) +
                            "}]\ndata-plane: {tun: \"\"}\n",
                        "bras-loadgen options");
  if (auto* e = std::get_if<config::load_error>(&r)) return e->to_string();
  return std::get<config::settings>(r);
}

/// Holds the sessions for `seconds`. With traffic, prints the rates once a
/// second, measures them over the hold, then stops the senders and waits for
/// the replies still in flight before taking the totals.
traffic_report hold(actors::traffic_counters& c, unsigned seconds, bool traffic) {
  traffic_report r;
  if (!traffic) {
    std::this_thread::sleep_for(std::chrono::seconds{seconds});
    return r;
  }
  const auto start = clock_type::now();
  const auto sent0 = c.sent.load(), received0 = c.received.load();
  auto last_sent = sent0, last_received = received0;
  for (unsigned s = 0; s < seconds; ++s) {
    std::this_thread::sleep_until(start + std::chrono::seconds{s + 1});
    const auto sent = c.sent.load(), received = c.received.load();
    std::fprintf(stderr, "\rtraffic: %llu pps sent, %llu pps received    ",
                 static_cast<unsigned long long>(sent - last_sent),
                 static_cast<unsigned long long>(received - last_received));
    last_sent = sent;
    last_received = received;
  }
  std::fprintf(stderr, "\n");
  r.held_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  r.held_sent_pps = static_cast<double>(c.sent.load() - sent0) / r.held_seconds;
  r.held_received_pps = static_cast<double>(c.received.load() - received0) / r.held_seconds;
  c.stop = true;
  std::this_thread::sleep_for(500ms);
  r.sent = c.sent.load();
  r.received = c.received.load();
  r.sent_bytes = c.sent_bytes.load();
  r.received_bytes = c.received_bytes.load();
  r.sent_v6 = c.sent_v6.load();
  r.received_v6 = c.received_v6.load();
  r.sent_v6_bytes = c.sent_v6_bytes.load();
  r.received_v6_bytes = c.received_v6_bytes.load();
  r.received_v6_from_pd = c.received_v6_from_pd.load();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"bras-loadgen: emulated LACs with PPP subscribers against an L2TP LNS"};
  app.add_option("--lns", o.lns, "LNS address[:port] (default 127.0.0.1:1701)");
  app.add_option("--sessions", o.sessions, "sessions to establish")->check(CLI::Range(1u, 10000000u));
  app.add_option("--tunnels", o.tunnels, "spread the sessions over this many tunnels");
  app.add_option("--sessions-per-tunnel", o.sessions_per_tunnel, "at most this many sessions per tunnel");
  app.add_option("--rate", o.rate, "sessions started per second (default: as fast as --max-outstanding allows)");
  app.add_option("--max-outstanding", o.max_outstanding, "set-ups in flight at once")->check(CLI::Range(1u, 1000000u));
  app.add_option("--user", o.user, "user name; {n} is replaced by the session number (user{n}@realm)");
  app.add_option("--password", o.password, "password; {n} is replaced too");
  app.add_option("--secret", o.secret, "L2TP tunnel secret (none: no tunnel authentication)");
  app.add_option("--host-name", o.host_name, "our L2TP Host Name");
  app.add_option("--hold", o.hold, "seconds to hold the sessions, then tear them down");
  app.add_flag("--proxy", o.proxy, "proxy LCP and authentication in the ICCN");
  app.add_flag("--ipv6", o.ipv6,
               "IPv6CP too, then RS/RA (SLAAC) and DHCPv6-PD per session; a session is v6 ready with both");
  app.add_flag("--no-pd", o.no_pd, "--ipv6: no DHCPv6-PD; v6 ready with the SLAAC address alone");
  app.add_flag("--release", o.release, "--ipv6: send a DHCPv6 Release before LCP Terminate at hang-up");
  app.add_option("--traffic-dest6", o.traffic_dest6,
                 "--ipv6 --traffic: also ICMPv6 Echo Requests from the SLAAC address to this IPv6 address");
  app.add_flag("--traffic-from-pd", o.traffic_from_pd,
               "--traffic-dest6: as many again from ::1 in the delegated prefix");
  app.add_option("--hangup", o.hangup,
                 "how sessions end: lcp (LCP Terminate-Request, then the call is cleared) or cdn (the LAC clears "
                 "the call alone)")
      ->check(CLI::IsMember({"lcp", "cdn"}));
  app.add_option("--tun", o.tun,
                 "with --sessions 1: the session as a local tun interface NAME (IPv4 and IPv6CP link-local) for "
                 "real clients, until --hold ends (0: until SIGINT/SIGTERM)");
  app.add_flag("--no-ppp", o.no_ppp,
               "L2TP only: a session is up when its call is (ICCN sent); no PPP. For LNSs whose PPP cannot run");
  app.add_option("--threads", o.threads, "worker threads")->check(CLI::Range(1u, 256u));
  app.add_option("--timeout", o.timeout, "seconds without progress before giving up");
  app.add_option("--traffic", o.traffic,
                 "ICMP Echo Requests per second per session once it is up (needs --hold); replies are counted")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--traffic-dest", o.traffic_destination,
                 "IPv4 address the traffic goes to (default: the LNS's IPCP address)");
  app.add_option("--traffic-size", o.traffic_size, "IPv4 packet size of the traffic in bytes")
      ->check(CLI::Range(28u, 1500u));
  app.add_option("--report-json", o.report_json, "write the report as JSON to this file");
  loadgen::pppoe_options po;
  std::string vlan, svlan;
  app.add_option("--pppoe", po.interface,
                 "PPPoE subscribers on this Ethernet interface instead of L2TP (AF_PACKET; no --lns)");
  app.add_option("--vlan", vlan, "--pppoe: 802.1Q VLAN ID or range A-B; subscribers round-robin over it");
  app.add_option("--svlan", svlan, "--pppoe with --vlan: QinQ outer VLAN ID or range A-B");
  app.add_option("--svlan-tpid", po.svlan_tpid, "--pppoe: TPID of the QinQ outer tag (0x8100 or 0x88a8)")
      ->check(CLI::IsMember({0x8100, 0x88a8}));
  app.add_option("--service-name", po.service_name, "--pppoe: Service-Name to ask for (default: any)");
  app.add_option("--ac-name", po.ac_name, "--pppoe: take only this AC's PADO (default: the first)");
  app.add_option("--circuit-id", po.circuit_id, "--pppoe: TR-101 Agent-Circuit-Id; {n} is the session number");
  app.add_option("--remote-id", po.remote_id, "--pppoe: TR-101 Agent-Remote-Id; {n} is the session number");
  app.add_option("--max-payload", po.max_payload, "--pppoe: RFC 4638 PPP-Max-Payload to ask for (over 1492)")
      ->check(CLI::Range(1493, 65535));
  CLI11_PARSE(app, argc, argv);
  if (o.traffic > 0 && o.no_ppp) {
    std::fprintf(stderr, "bras-loadgen: --traffic needs PPP (not with --no-ppp)\n");
    return 2;
  }
  if (o.traffic > 0 && o.hold == 0) {
    std::fprintf(stderr, "bras-loadgen: --traffic needs --hold SECONDS (the traffic is measured while held)\n");
    return 2;
  }
  std::uint32_t traffic_destination = 0;
  if (!o.traffic_destination.empty()) {
    in_addr a{};
    if (::inet_pton(AF_INET, o.traffic_destination.c_str(), &a) != 1) {
      std::fprintf(stderr, "bras-loadgen: --traffic-dest: not an IPv4 address: %s\n", o.traffic_destination.c_str());
      return 2;
    }
    traffic_destination = ntohl(a.s_addr);
  }
  std::optional<ip::ipv6_address> traffic_dest6;
  if (!o.traffic_dest6.empty()) {
    traffic_dest6 = ip::parse_ipv6_address(o.traffic_dest6);
    if (!traffic_dest6 || !o.ipv6) {
      std::fprintf(stderr, "bras-loadgen: --traffic-dest6 needs --ipv6 and an IPv6 address: %s\n",
                   o.traffic_dest6.c_str());
      return 2;
    }
  }
  if ((o.no_pd || o.release || o.traffic_from_pd) && !o.ipv6) {
    std::fprintf(stderr, "bras-loadgen: --no-pd, --release and --traffic-from-pd need --ipv6\n");
    return 2;
  }
  if (!o.tun.empty() && (o.sessions != 1 || o.no_ppp || !po.interface.empty())) {
    std::fprintf(stderr, "bras-loadgen: --tun needs --sessions 1 over L2TP with PPP\n");
    return 2;
  }
  if (!po.interface.empty()) {
    if (o.proxy || o.no_ppp || !o.traffic_dest6.empty() || o.no_pd || o.release) {
      std::fprintf(stderr,
                   "bras-loadgen: --proxy, --no-ppp and the --ipv6 client options are L2TP options, not for --pppoe\n");
      return 2;
    }
    if (!vlan.empty()) {
      auto vids = loadgen::parse_vlan_range(vlan);
      if (!vids) {
        std::fprintf(stderr, "bras-loadgen: --vlan: not a VLAN ID or range 1-4094: %s\n", vlan.c_str());
        return 2;
      }
      po.vlans = std::move(*vids);
    }
    if (!svlan.empty()) {
      auto vids = loadgen::parse_vlan_range(svlan);
      if (!vids || po.vlans.empty()) {
        std::fprintf(stderr, "bras-loadgen: --svlan needs --vlan and a VLAN ID or range 1-4094: %s\n", svlan.c_str());
        return 2;
      }
      po.svlans = std::move(*vids);
    }
    po.sessions = o.sessions;
    po.rate = o.rate;
    po.max_outstanding = o.max_outstanding;
    po.user = o.user;
    po.password = o.password;
    po.hold = o.hold;
    po.ipv6 = o.ipv6;
    po.timeout = o.timeout;
    po.traffic = o.traffic;
    po.traffic_destination = traffic_destination;
    po.traffic_size = o.traffic_size;
    loadgen::run_report report;
    const int status = loadgen::run_pppoe(po, report);
    if (status != 2) loadgen::print_report(std::move(report), o.report_json);
    return status;
  }
  if (!vlan.empty() || !svlan.empty()) {
    std::fprintf(stderr, "bras-loadgen: --vlan and --svlan need --pppoe\n");
    return 2;
  }
  auto traffic = std::make_shared<actors::traffic_counters>();

  auto cfg = lac_config(o);
  if (auto* e = std::get_if<std::string>(&cfg)) {
    std::fprintf(stderr, "bras-loadgen: %s\n", e->c_str());
    return 2;
  }
  std::unique_ptr<app::daemon> lac;
  try {
    lac = std::make_unique<app::daemon>(std::get<config::settings>(cfg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bras-loadgen: %s\n", e.what());
    return 2;
  }
  lac->start();

  caf::scoped_actor self{lac->system()};
  std::unordered_map<std::uint64_t, clock_type::time_point> started;
  std::vector<actors::subscriber_actor> subscribers;
  std::vector<double> latency_ms;
  std::map<std::string, unsigned> failures;
  std::map<long, unsigned> per_second;  ///< sessions established in each second since the start
  unsigned up = 0, failed = 0, next = 0;
  // --ipv6: sessions whose v6 outcome (ready or failed) is still to come, and the outcomes.
  const bool v6_client = o.ipv6 && o.tun.empty() && !o.no_ppp;
  std::unordered_set<std::uint64_t> v6_waiting;
  loadgen::ipv6_report v6;
  v6.enabled = v6_client;
  v6.prefix_delegation = !o.no_pd;
  loadgen::tun_session tun_peer;  ///< --tun: what IPCP and IPv6CP gave the one session
  const auto t0 = clock_type::now();
  auto last_progress = t0, last_change = t0;
  // When the last set-up result came in: the set-up rate's span (the v6 outcomes may come later).
  std::optional<clock_type::time_point> setup_done;
  while (up + failed < o.sessions || !v6_waiting.empty()) {
    const auto now = clock_type::now();
    const double elapsed = std::chrono::duration<double>(now - t0).count();
    const auto allowed = o.rate > 0 ? static_cast<unsigned>(elapsed * o.rate) + 1 : o.sessions;
    while (next < o.sessions && next < allowed && next - up - failed < o.max_outstanding) {
      actors::subscriber_args a;
      a.lac = lac->lac();
      a.observer = caf::actor_cast<actors::subscriber_observer_actor>(self);
      a.id = ++next;
      a.calling_number = "loadgen-" + std::to_string(next);
      a.ppp.user = expand(o.user, next);
      a.ppp.password = expand(o.password, next);
      a.ppp.magic = 0x10000000u + next;
      a.ppp.ipv6 = o.ipv6 || !o.tun.empty();
      a.ipv6.enabled = v6_client;
      a.ipv6.prefix_delegation = !o.no_pd;
      a.ipv6.release = o.release;
      a.hangup_cdn = o.hangup == "cdn";
      a.traffic.destination_v6 = traffic_dest6;
      a.traffic.from_delegated_prefix = o.traffic_from_pd;
      if (v6_client) v6_waiting.insert(next);
      a.ppp.interface_id = 0x0200000000000000ull + next;
      a.proxy = o.proxy;
      a.ppp_enabled = !o.no_ppp;
      a.traffic.pps = o.traffic;
      a.traffic.destination = traffic_destination;
      a.traffic.size = o.traffic_size;
      a.traffic.counters = traffic;
      a.link_lac = false;  // an avalanche would make the LAC controller's link list quadratic; ended below
      started[next] = clock_type::now();
      subscribers.push_back(actors::spawn_subscriber(lac->system(), std::move(a)));
    }
    self->receive(
        [&](actors::subscriber_event& e) {
          using kind = actors::subscriber_event::kind;
          if (e.what == kind::ipv4_up) tun_peer.ipv4 = {e.address, e.peer_address};
          if (e.what == kind::ipv6_up) tun_peer.interface_id = e.interface_id;
          if (v6_waiting.count(e.id) != 0) {
            if (e.what == kind::ipv6_ready) {
              ++v6.ready;
              v6.ra_latency_ms.push_back(e.ra_latency_ms);
              v6.prefixes.push_back(e.ipv6_prefix);
              if (!e.delegated_prefix.empty()) {
                v6.dhcpv6_latency_ms.push_back(e.dhcpv6_latency_ms);
                v6.delegated_prefixes.push_back(e.delegated_prefix);
              }
            } else if (e.what == kind::ipv6_failed) {
              ++v6.failures[e.message];
            } else if (e.what == kind::finished && started.count(e.id) == 0) {
              ++v6.failures["session ended before v6 ready"];  // it was up: not counted as a set-up failure
            }
            if (e.what == kind::ipv6_ready || e.what == kind::ipv6_failed || e.what == kind::finished ||
                e.what == kind::call_failed || e.what == kind::auth_failed) {
              v6_waiting.erase(e.id);
              last_change = clock_type::now();
            }
          }
          auto it = started.find(e.id);
          if (it == started.end()) return;
          if (e.what == (o.no_ppp ? kind::call_up : kind::ipv4_up)) {
            const auto t = clock_type::now();
            latency_ms.push_back(std::chrono::duration<double, std::milli>(t - it->second).count());
            ++per_second[static_cast<long>(std::chrono::duration<double>(t - t0).count())];
            ++up;
            started.erase(it);
            last_change = t;
          } else if (e.what == kind::call_failed || e.what == kind::finished || e.what == kind::auth_failed) {
            ++failures[e.message.empty() ? "cause " + std::to_string(e.cause) : e.message];
            ++failed;
            started.erase(it);
            last_change = clock_type::now();
          }
        },
        [](actors::subscriber_ip&) {}, caf::after(10ms) >> [] {});
    if (!setup_done && up + failed >= o.sessions) setup_done = clock_type::now();
    if (clock_type::now() - last_progress >= 1s) {
      last_progress = clock_type::now();
      std::fprintf(stderr, "\restablished %u  failed %u  outstanding %u  rate %.0f/s    ", up, failed,
                   next - up - failed, up / std::max(1e-9, std::chrono::duration<double>(last_progress - t0).count()));
    }
    if (clock_type::now() - last_change > std::chrono::seconds{o.timeout}) {
      failures["no progress for " + std::to_string(o.timeout) + " s"] += o.sessions - up - failed;
      failed = o.sessions - up;
      if (!v6_waiting.empty()) v6.failures["no v6 result in " + std::to_string(o.timeout) + " s"] += v6_waiting.size();
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(setup_done.value_or(clock_type::now()) - t0).count();
  v6.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::fprintf(stderr, "\n");
  // Hold the sessions; with --traffic, measure the traffic while they are held.
  traffic_report tr;
  int tun_status = 0;
  if (!o.tun.empty() && up == 1) {
    tun_status = loadgen::run_tun(self, subscribers.front(), o.tun, tun_peer, o.hold, o.timeout);
  } else if (o.hold > 0 && up > 0) {
    std::fprintf(stderr, "holding %u sessions for %u s\n", up, o.hold);
    tr = hold(*traffic, o.hold, o.traffic > 0);
  }
  loadgen::run_report report;
  report.sessions = o.sessions;
  report.up = up;
  report.failed = failed;
  report.seconds = seconds;
  report.latency_ms = std::move(latency_ms);
  report.per_second = std::move(per_second);
  report.failures = std::move(failures);
  report.traffic = o.traffic > 0;
  report.traffic_pps = o.traffic;
  report.traffic_size = o.traffic_size;
  report.tr = tr;
  report.tr.ipv6 = traffic_dest6.has_value();
  report.v6 = std::move(v6);
  // The emulated LAC's view of the control channel: its retransmissions (ICRQ/ICCN not acknowledged in
  // time) and the LNS's (messages it had to send again).
  const auto& lac_stats = lac->ctx().stats;
  const auto lac_retransmissions = lac_stats.control_retransmissions.load();
  const auto lns_retransmissions = lac_stats.control_rx_duplicates.load();
  report.extra_lines.push_back("control retransmissions: lac " + std::to_string(lac_retransmissions) + ", lns " +
                               std::to_string(lns_retransmissions) + " (received again)");
  report.extra_json.push_back("\"lac_control_retransmissions\": " + std::to_string(lac_retransmissions));
  report.extra_json.push_back("\"lns_control_retransmissions_received\": " + std::to_string(lns_retransmissions));
  const bool v6_complete = !v6_client || report.v6.ready == up;
  loadgen::print_report(std::move(report), o.report_json);
  for (auto& s : subscribers) caf::anon_send(s, actors::close_atom::value);
  // Those still waiting for their call (not linked to the LAC controller) end here, not with it.
  for (const auto& [id, since] : started) caf::anon_send_exit(subscribers[id - 1], caf::exit_reason::user_shutdown);
  subscribers.clear();
  lac->shutdown();
  return failed == 0 && v6_complete && tun_status == 0 ? 0 : 1;
}
