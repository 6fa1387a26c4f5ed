// actors/pppoe_access and pppoe_session with real actors and fake I/O: a
// frame sender that records, a LAC controller that refuses every call. A
// subscriber's PADI/PADR gets PADO/PADS and a session with its data-plane
// entry; LCP and PAP through the session's sink end in a call_request that
// carries the captured proxy values; the refused call ends the session with
// LCP Terminate-Request and PADT, and every count goes back. Bad Discovery
// frames are counted by reason, and the sink drops past its bound.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/ppp_settings.hpp"
#include "actors/pppoe_access.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/ppp/client.hpp"
#include "tests/unit/broken_random.hpp"

namespace bras::actors {
namespace {

using namespace std::chrono_literals;

constexpr eth::mac_address ac_mac{0x02, 0, 0, 0, 0, 0xac};
constexpr eth::mac_address client_mac{0x02, 0, 0, 0, 0, 0x01};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

/// Records what the actors send: Discovery frames (whole Ethernet frames) and PPP frames to the client.
class recorder final : public dataplane::frame_sender {
 public:
  bool send(std::uint16_t, wire::byte_span frame) noexcept override {
    std::lock_guard lock{mutex_};
    discovery_.emplace_back(frame.begin(), frame.end());
    ++discovery_sent_;
    return true;
  }
  [[nodiscard]] eth::mac_address mac(std::uint16_t) const noexcept override { return ac_mac; }
  void to_client(wire::byte_span ppp) {
    std::lock_guard lock{mutex_};
    if (ppp_history_.empty()) discovery_before_first_ppp_ = discovery_sent_;
    ppp_.emplace_back(ppp.begin(), ppp.end());
    ppp_history_.emplace_back(ppp.begin(), ppp.end());
  }
  /// How many Discovery frames had gone out when the first PPP frame did (none yet: -1).
  [[nodiscard]] long discovery_before_first_ppp() {
    std::lock_guard lock{mutex_};
    return discovery_before_first_ppp_;
  }
  /// The next Discovery packet sent with `code`, decoded.
  std::optional<pppoe::discovery> take(pppoe::packet_code code) {
    std::optional<pppoe::discovery> found;
    eventually([&] {
      std::lock_guard lock{mutex_};
      while (!discovery_.empty() && !found) {
        auto f = eth::decode(discovery_.front());
        if (f) {
          auto d = pppoe::decode_discovery(f.value().payload);
          if (d && d.value().code == code) found = d.value();
        }
        discovery_.pop_front();
      }
      return found.has_value();
    });
    return found;
  }
  std::deque<wire::bytes> take_ppp() {
    std::lock_guard lock{mutex_};
    return std::exchange(ppp_, {});
  }
  /// Every PPP frame sent to the client so far.
  std::vector<wire::bytes> ppp_history() {
    std::lock_guard lock{mutex_};
    return ppp_history_;
  }

 private:
  std::mutex mutex_;
  std::deque<wire::bytes> discovery_;
  std::deque<wire::bytes> ppp_;
  std::vector<wire::bytes> ppp_history_;
  long discovery_sent_ = 0;
  long discovery_before_first_ppp_ = -1;
};

/// The LAC controller's stand-in: keeps the request and refuses the call.
struct placed_calls {
  std::mutex mutex;
  std::vector<call_request> calls;
};
caf::behavior refusing_lac(caf::event_based_actor* self, std::shared_ptr<placed_calls> placed) {
  return {[self, placed](call_request& c) {
    const auto id = c.call_id;
    {
      std::lock_guard lock{placed->mutex};
      placed->calls.push_back(std::move(c));
    }
    self->send(caf::actor_cast<call_requester_actor>(self->current_sender()),
               call_result{id, false, 0, 0, "no LNS", {}});
  }};
}

wire::bytes encoded(const pppoe::discovery& d) {
  wire::bytes b;
  wire::writer w{b};
  EXPECT_TRUE(pppoe::encode(d, w));
  return b;
}

class PppoeAccessActor : public ::testing::Test {
 protected:
  PppoeAccessActor() {
    settings.interfaces.push_back(config::access_interface{"access0", true, {}, {}, 0});
    settings.echo_interval = std::chrono::seconds{0};
    ppp_base.lcp.auth = {ppp::lcp::auth_method::pap};
    ppp_base.negotiation.restart_timer = 200ms;
    auto env = std::make_shared<pppoe_session_env>();
    env->pppoe = &settings;
    env->ppp_base = &ppp_base;
    lac = system.spawn(refusing_lac, placed);
    env->lac = caf::actor_cast<lac_actor>(lac);
    env->discovery = &frames;
    env->to_client = [this](const data_session&, wire::byte_span ppp) {
      frames.to_client(ppp);
      return true;
    };
    env->stats = &stats;
    env->log = spdlog::get("pppoe-test") ? spdlog::get("pppoe-test") : spdlog::stderr_color_mt("pppoe-test");
    env->log->set_level(spdlog::level::warn);
    env->peer_log = &limiter;
    env->interface_names = {"access0"};
    env->timers = &timers;
    access = spawn_pppoe_access(system, {&settings, &frames, &table, &sink, &stats, env->log, env});
    sink.attach(access);
  }
  ~PppoeAccessActor() override {
    sink.attach(pppoe_access_actor{});
    caf::anon_send_exit(access, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(lac, caf::exit_reason::user_shutdown);
    // The actors use the members below: they must be gone first.
    system.await_all_actors_done();
  }
  static caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }

  void discovery(const eth::mac_address& dst, const pppoe::discovery& d) {
    sink.discovery(0, {dst, client_mac, std::nullopt, std::nullopt, eth::ethertype_pppoe_discovery}, encoded(d));
  }

  caf::actor_system_config system_config;
  caf::actor_system system{two_threads(system_config)};
  timer_service timers;  // before the system goes: its thread delivers to the actors
  config::pppoe_settings settings;
  ppp::server_config ppp_base;
  model::counters stats;
  dataplane::session_table table;
  recorder frames;
  access_discovery_sink sink{stats, 64};
  log_limiter limiter;
  std::shared_ptr<placed_calls> placed = std::make_shared<placed_calls>();
  caf::actor lac;
  pppoe_access_actor access;
};

TEST_F(PppoeAccessActor, DiscoveryCaptureRefusedCallAndEverythingBack) {
  discovery(eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
            {pppoe::packet_code::padi, 0, {pppoe::service_name{}}, false});
  const auto pado = frames.take(pppoe::packet_code::pado);
  ASSERT_TRUE(pado.has_value());
  const auto* cookie = pppoe::find<pppoe::ac_cookie>(*pado);
  ASSERT_NE(cookie, nullptr);
  discovery(ac_mac, {pppoe::packet_code::padr, 0, {pppoe::service_name{}, *cookie}, false});
  const auto pads = frames.take(pppoe::packet_code::pads);
  ASSERT_TRUE(pads.has_value());
  ASSERT_NE(pads->session_id, 0);
  EXPECT_TRUE(eventually([&] { return stats.pppoe_sessions.load() == 1 && stats.pppoe_starting.load() == 1; }));
  EXPECT_EQ(stats.pppoe_rx_padi.load(), 1u);
  EXPECT_EQ(stats.pppoe_rx_padr.load(), 1u);
  EXPECT_EQ(stats.pppoe_tx_pado.load(), 1u);
  EXPECT_EQ(stats.pppoe_tx_pads.load(), 1u);
  const auto entry = table.find_pppoe(0, pads->session_id);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->pppoe->to_client.dst, client_mac);
  // The session's first LCP frame follows its PADS (PADO, PADS: two Discovery frames before it); a
  // client drops PPP that comes before its PADS.
  ASSERT_TRUE(eventually([&] { return frames.discovery_before_first_ppp() >= 0; }));
  EXPECT_EQ(frames.discovery_before_first_ppp(), 2);

  // PPP through the session's sink (as the I/O thread hands it) until the call is placed.
  ppp::client_config cc;
  cc.user = "bob@isp.example";
  cc.password = "pw";
  cc.mru = 1492;
  cc.magic = 0x0b0b0b0b;
  ppp::client_engine client{cc};
  auto take_client = [&](const ppp::effects& fx) {
    for (const auto& e : fx) {
      if (const auto* s = std::get_if<ppp::send_frame>(&e)) entry->actor->ppp_frame(s->frame);
    }
  };
  take_client(client.start());
  const bool called = eventually([&] {
    for (auto& f : frames.take_ppp()) take_client(client.receive(f));
    std::lock_guard lock{placed->mutex};
    return !placed->calls.empty();
  });
  ASSERT_TRUE(called) << "no call_request after LCP and PAP";
  {
    std::lock_guard lock{placed->mutex};
    const call_request& c = placed->calls.front();
    EXPECT_EQ(c.user, "bob@isp.example");
    EXPECT_EQ(c.calling_number, "02:00:00:00:00:01") << "{circuit-id|mac} without a TR-101 tag";
    EXPECT_EQ(c.access, entry);
    EXPECT_TRUE(c.proxy.has_lcp());
    EXPECT_EQ(c.proxy.authen_type, ppp::proxy_authen::pap);
    EXPECT_EQ(c.proxy.authen_response, wire::to_bytes(std::string_view{"pw"}));
  }

  // The refused call: LCP Terminate-Request, then PADT, and every count back.
  const auto padt = frames.take(pppoe::packet_code::padt);
  ASSERT_TRUE(padt.has_value());
  EXPECT_EQ(padt->session_id, pads->session_id);
  EXPECT_TRUE(eventually([&] { return stats.pppoe_sessions.load() == 0; }));
  EXPECT_EQ(stats.pppoe_starting.load(), 0);
  EXPECT_EQ(stats.pppoe_tx_padt.load(), 1u);
  EXPECT_EQ(stats.pppoe_refused_no_tunnel.load(), 1u) << "the refused call counts as no-tunnel";
  EXPECT_EQ(table.pppoe_size(), 0u);
  bool terminate_sent = false;
  for (const auto& f : frames.ppp_history()) {
    terminate_sent |= f.size() >= 3 && f[0] == std::byte{0xc0} && f[1] == std::byte{0x21} && f[2] == std::byte{5};
  }
  EXPECT_TRUE(terminate_sent) << "an LCP Terminate-Request (no FF03) before the PADT";
}

/// A subscriber whose PADR carries a TR-101 tag: the call_request has the line only while
/// pppoe.access-line-avps is on; the Calling Number takes the circuit ID either way.
TEST_F(PppoeAccessActor, AccessLineGoesToTheLnsOnlyWhenConfigured) {
  pppoe::access_line line;
  line.circuit_id = "olt1 eth 1/1/7";
  line.actual_rate_down = 16000;
  const auto tag = pppoe::to_vendor_tag(line);
  ASSERT_TRUE(tag);
  for (const bool avps : {true, false}) {
    settings.access_line_avps = avps;
    discovery(eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
              {pppoe::packet_code::padi, 0, {pppoe::service_name{}}, false});
    const auto pado = frames.take(pppoe::packet_code::pado);
    ASSERT_TRUE(pado.has_value());
    const auto* cookie = pppoe::find<pppoe::ac_cookie>(*pado);
    ASSERT_NE(cookie, nullptr);
    discovery(ac_mac, {pppoe::packet_code::padr, 0, {pppoe::service_name{}, *cookie, tag.value()}, false});
    const auto pads = frames.take(pppoe::packet_code::pads);
    ASSERT_TRUE(pads.has_value());
    const auto entry = table.find_pppoe(0, pads->session_id);
    ASSERT_TRUE(entry);
    ppp::client_config cc;
    cc.user = "carol";
    cc.password = "pw";
    cc.mru = 1492;
    cc.magic = 0x0c0c0c0c;
    ppp::client_engine client{cc};
    auto take_client = [&](const ppp::effects& fx) {
      for (const auto& e : fx) {
        if (const auto* s = std::get_if<ppp::send_frame>(&e)) entry->actor->ppp_frame(s->frame);
      }
    };
    take_client(client.start());
    std::optional<call_request> placed_call;
    ASSERT_TRUE(eventually([&] {
      for (auto& f : frames.take_ppp()) take_client(client.receive(f));
      std::lock_guard lock{placed->mutex};
      if (placed->calls.empty()) return false;
      placed_call = placed->calls.back();
      placed->calls.clear();
      return true;
    }));
    EXPECT_EQ(placed_call->calling_number, "olt1 eth 1/1/7");
    EXPECT_EQ(placed_call->line.has_value(), avps);
    if (avps) {
      EXPECT_EQ(placed_call->line->actual_rate_down, 16000u);
    }
    ASSERT_TRUE(eventually([&] { return stats.pppoe_sessions.load() == 0; }));  // the stand-in LAC refuses
  }
}

TEST_F(PppoeAccessActor, BadDiscoveryFramesAreCountedByReason) {
  // A PADI with a SESSION_ID, and a PADR whose cookie the AC never made.
  discovery(eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
            {pppoe::packet_code::padi, 7, {pppoe::service_name{}}, false});
  discovery(ac_mac, {pppoe::packet_code::padr, 0, {pppoe::service_name{}, pppoe::ac_cookie{wire::bytes(24)}}, false});
  EXPECT_TRUE(eventually([&] { return stats.pppoe_drop_malformed.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return stats.pppoe_refused_cookie.load() == 1; }));
  EXPECT_EQ(stats.pppoe_sessions.load(), 0);
}

TEST_F(PppoeAccessActor, TheSinkDropsPastItsBound) {
  access_discovery_sink bounded{stats, 0};
  bounded.attach(access);
  bounded.discovery(0, {ac_mac, client_mac, std::nullopt, std::nullopt, eth::ethertype_pppoe_discovery},
                    encoded({pppoe::packet_code::padi, 0, {pppoe::service_name{}}, false}));
  EXPECT_EQ(stats.pppoe_drop_overload.load(), 1u);
  EXPECT_EQ(stats.pppoe_rx_padi.load(), 0u);
  bounded.attach(pppoe_access_actor{});
}

// The random generator fails from before the access actor starts: it has no AC-Cookie secret, so
// it answers no PADI (a cookie under a predictable secret would be forgeable) and counts each; once
// the generator works again the next PADI draws the secret and is answered.
class PppoeAccessActorWithoutRandomness : private bras::test::broken_random, public PppoeAccessActor {};

TEST_F(PppoeAccessActorWithoutRandomness, NoCookieSecretNoAnswerUntilTheGeneratorWorks) {
  const eth::mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  discovery(broadcast, {pppoe::packet_code::padi, 0, {pppoe::service_name{}}, false});
  EXPECT_TRUE(eventually([&] { return stats.pppoe_rx_padi.load() == 1; }));
  EXPECT_TRUE(eventually([&] { return stats.random_failures_pppoe.load() >= 2; })) << "at the start and at the PADI";
  EXPECT_EQ(stats.pppoe_tx_pado.load(), 0u) << "no cookie without a random secret";
  wire::set_random_source(nullptr);
  discovery(broadcast, {pppoe::packet_code::padi, 0, {pppoe::service_name{}}, false});
  const auto pado = frames.take(pppoe::packet_code::pado);
  ASSERT_TRUE(pado.has_value());
  EXPECT_NE(pppoe::find<pppoe::ac_cookie>(*pado), nullptr);
}

}  // namespace
}  // namespace bras::actors
