// PPP pieces shared by the integration tests: an LNS that terminates PPP,
// emulated subscribers dialling through a brasd LAC, and an observer of
// their events.
#pragma once

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/sinks/base_sink.h>

#include "actors/messages.hpp"
#include "daemon/daemon.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/message.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/udp_proxy.hpp"
#include "tools/emulator/subscriber_emulator.hpp"

namespace bras {

// Header-only helpers for several test files: inline, in a named namespace.
namespace ppp_harness {

using event = actors::subscriber_event;

/// An LNS terminating PPP with a small pool and two local subscribers.
inline config::settings ppp_lns(const std::string& ppp_extra = "", const std::string& pool = "100.64.0.0/24") {
  return settings_from(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: lns-under-test\n" +
      timers() +
      "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups:\n"
      "    - name: g\n"
      "      hello-interval: 0\n"
      "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.0/8], secret: s3cret}]\n"
      "ppp:\n"
      "  restart-timer-ms: 300\n"
      "  local-address: 100.64.0.1\n"
      "  dns: [192.0.2.53, 192.0.2.54]\n"
      "  address-pool: p\n" +
      ppp_extra + "address-pools: [{name: p, prefixes: [" + pool +
      "]}]\n"
      "aaa:\n"
      "  subscribers:\n"
      "    - {user: alice, password: wonderland}\n"
      "    - {user: bob, password: builder, address: 100.64.0.200}\n"
      "data-plane: {tun: \"\"}\n");
}

/// Collects subscriber events until `done` says stop (or a timeout).
struct observer {
  explicit observer(caf::actor_system& sys) : self{sys} {}
  caf::scoped_actor self;
  std::vector<event> events;

  template <class Pred>
  bool wait(Pred done, std::chrono::milliseconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      const auto left = until - std::chrono::steady_clock::now();
      if (left <= 0ms) return false;
      bool timed_out = false;
      self->receive(
          [&](actors::subscriber_event& e) { events.push_back(std::move(e)); }, [&](actors::subscriber_ip&) {},
          caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(left)) >> [&] { timed_out = true; });
      if (timed_out) return done();
    }
    return true;
  }
  [[nodiscard]] std::size_t count(event::kind k) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.what == k ? 1 : 0;
    return n;
  }
  [[nodiscard]] const event* first(event::kind k) const {
    for (const auto& e : events) {
      if (e.what == k) return &e;
    }
    return nullptr;
  }
};

inline ppp::client_config client(const std::string& user, const std::string& password, std::uint32_t magic = 0x1234) {
  ppp::client_config c;
  c.user = user;
  c.password = password;
  c.magic = magic;
  c.negotiation.restart_timer = 300ms;
  c.auth_restart = 300ms;
  c.interface_id = 0x0200000000000001ull + magic;
  return c;
}

inline actors::subscriber_actor dial(app::daemon& lac, observer& obs, std::uint64_t id, ppp::client_config c,
                                     bool proxy = false,
                                     ppp::lcp::auth_method proxy_auth = ppp::lcp::auth_method::pap) {
  actors::subscriber_args a;
  a.proxy = proxy;
  a.proxy_auth = {proxy_auth};
  a.lac = lac.lac();
  a.observer = caf::actor_cast<actors::subscriber_observer_actor>(obs.self);
  a.id = id;
  a.calling_number = "sub-" + std::to_string(id);
  a.ppp = std::move(c);
  return actors::spawn_subscriber(lac.system(), std::move(a));
}

/// The session's snapshot, asked of its actor (an empty one if it does not answer within 5 s).
inline model::session_snapshot snapshot_of(app::daemon& lns, const actors::data_session_ptr& s) {
  caf::scoped_actor q{lns.system()};
  model::session_snapshot snap;
  q->request(actors::session_of(*s), std::chrono::seconds{5}, actors::snapshot_atom::value)
      .receive([&](model::session_snapshot& x) { snap = std::move(x); }, [&](caf::error&) {});
  return snap;
}

inline std::size_t pool_in_use(app::daemon& lns) {
  caf::scoped_actor self{lns.system()};
  std::size_t used = 0;
  self->request(lns.aaa(), 5s, actors::pool_atom::value)
      .receive(
          [&](std::vector<model::pool_usage>& v) {
            for (auto& p : v) used += p.in_use;
          },
          [&](caf::error&) { used = 999999; });
  return used;
}

inline std::uint64_t causes(app::daemon& d, std::uint16_t cause) {
  return d.ctx().stats.disconnect_causes[cause].load();
}

/// Stands in front of an LNS's AAA actor (install it as ctx().aaa before the
/// first dial): holds every aaa_request until told pass_atom, then forwards
/// the held ones, and from then on every request, with the session as the
/// sender, so the verdict goes to the session as if AAA had been slow.
using pass_atom = caf::atom_constant<caf::atom("pass")>;

/// The AAA interface, plus pass_atom to let the held requests through.
using aaa_gate_actor = actors::aaa_actor::extend<caf::reacts_to<pass_atom>>;

struct aaa_gate_state {
  std::vector<std::pair<caf::typed_response_promise<actors::aaa_verdict>, actors::aaa_request>> held;
  bool open = false;
};

/// Delegates (the session stays the sender the AAA actor tracks grants by).
inline aaa_gate_actor::behavior_type aaa_gate(aaa_gate_actor::stateful_pointer<aaa_gate_state> self,
                                              actors::aaa_actor aaa, std::shared_ptr<std::atomic<int>> held_count) {
  return {
      [=](actors::aaa_request& r) {
        auto promise = self->make_response_promise<actors::aaa_verdict>();
        if (self->state.open) {
          promise.delegate(aaa, std::move(r));
          return promise;
        }
        self->state.held.emplace_back(promise, std::move(r));
        held_count->fetch_add(1);
        return promise;
      },
      [=](pass_atom) {
        self->state.open = true;
        for (auto& [promise, r] : std::exchange(self->state.held, {})) promise.delegate(aaa, std::move(r));
      },
      [=](actors::aaa_release& r) { return self->delegate(aaa, std::move(r)); },
      [=](actors::pool_atom p) { return self->delegate(aaa, p); },
  };
}

struct pair_of_daemons {
  /// `observed`: the LAC reaches the LNS through a proxy that records what the LNS sends
  /// (lns_sent()); `destination_extra` goes into the LAC's destination entry.
  explicit pair_of_daemons(config::settings lns_cfg, bool observed = false, const std::string& destination_extra = "")
      : lns{std::move(lns_cfg)} {
    lns.start();
    std::uint16_t port = lns.local(0).port;
    if (observed) {
      test::impairment record;
      record.record = true;
      proxy = std::make_unique<test::udp_proxy>(port, record);
      port = proxy->port();
    }
    lac = std::make_unique<app::daemon>(lac_settings(port, "s3cret", 0, 2, 2, "", destination_extra));
    lac->start();
  }
  /// What the LNS sent the LAC so far (needs `observed`).
  [[nodiscard]] std::vector<std::vector<std::byte>> lns_sent() const { return proxy->from_backend(); }

  app::daemon lns;
  std::unique_ptr<test::udp_proxy> proxy;
  std::unique_ptr<app::daemon> lac;
};

/// The headers of the L2TP data messages among `datagrams`.
inline std::vector<l2tp::header> data_headers(const std::vector<std::vector<std::byte>>& datagrams) {
  std::vector<l2tp::header> out;
  for (const auto& d : datagrams) {
    auto p = l2tp::decode_packet(wire::byte_span{d.data(), d.size()});
    if (p && !p->hdr.control) out.push_back(p->hdr);
  }
  return out;
}

/// The CDNs among `datagrams`, decoded (AVPs not hidden).
inline std::vector<l2tp::control_message> cdns(const std::vector<std::vector<std::byte>>& datagrams) {
  std::vector<l2tp::control_message> out;
  for (const auto& d : datagrams) {
    auto p = l2tp::decode_packet(wire::byte_span{d.data(), d.size()});
    if (!p || !p->hdr.control || p->payload.empty()) continue;
    auto m = l2tp::decode_control(p->payload, p->payload_offset);
    if (m && m.value().type == l2tp::message_type::cdn) out.push_back(std::move(m.value()));
  }
  return out;
}

/// Collects what a logger writes: `capture_log(lns.ctx().ppp_log)` before the first dial.
class log_capture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  [[nodiscard]] std::vector<std::string> lines() {
    std::lock_guard lock{mutex_};
    return lines_;
  }
  /// The lines containing `what`.
  [[nodiscard]] std::vector<std::string> grep(const std::string& what) {
    std::vector<std::string> out;
    for (auto& l : lines()) {
      if (l.find(what) != std::string::npos) out.push_back(std::move(l));
    }
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& m) override {
    const auto level = spdlog::level::to_string_view(m.level);
    lines_.push_back(std::string{level.data(), level.size()} + " " + std::string{m.payload.data(), m.payload.size()});
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

/// Replaces `slot` (a context's logger, before any actor uses it) with one writing to a capture at info level.
inline std::shared_ptr<log_capture> capture_log(std::shared_ptr<spdlog::logger>& slot) {
  auto sink = std::make_shared<log_capture>();
  slot = std::make_shared<spdlog::logger>(slot->name(), sink);
  slot->set_level(spdlog::level::info);
  return sink;
}

}  // namespace ppp_harness

}  // namespace bras
