// bras-loadgen's emulated PPPoE subscriber (tools/emulator/pppoe_subscriber.hpp)
// without sockets: frames from a scripted AC in, frames, timers and events out.
// Discovery with backoff, the cookie echoed, Host-Uniq and VLAN checks, PPP
// over Session frames without 0xFF 0x03, PADT both ways, bad input counted.
// (Here because bras_emulator links with the integration tests.)
#include <gtest/gtest.h>

#include <vector>

#include "protocol/pppoe/access_line.hpp"
#include "tools/emulator/pppoe_subscriber.hpp"

namespace bras::emulator {
namespace {

using namespace std::chrono_literals;

constexpr eth::mac_address ac_mac{0x02, 0xac, 0, 0, 0, 1};

struct timer_record {
  std::uint8_t which;
  std::uint32_t generation;
  std::chrono::microseconds after;
};

struct fake_host final : pppoe_host {
  std::vector<wire::bytes> frames;
  std::vector<timer_record> timers;
  std::vector<pppoe_event> events;
  void send(std::uint32_t, wire::bytes frame) override { frames.push_back(std::move(frame)); }
  void arm(std::uint32_t, std::uint8_t which, std::uint32_t generation, std::chrono::microseconds after) override {
    timers.push_back({which, generation, after});
  }
  void event(std::uint32_t, pppoe_event e) override { events.push_back(std::move(e)); }
  [[nodiscard]] const timer_record& last_timer(std::uint8_t which) const {
    for (auto it = timers.rbegin(); it != timers.rend(); ++it) {
      if (it->which == which) return *it;
    }
    throw std::logic_error{"no such timer armed"};
  }
};

/// A frame as the subscriber sent it, decoded.
struct sent_frame {
  eth::header hdr;
  wire::bytes payload;
};

sent_frame decode_sent(const wire::bytes& frame) {
  auto f = eth::decode(frame);
  EXPECT_TRUE(f);
  return {f.value().hdr, wire::to_bytes(f.value().payload)};
}

pppoe::discovery discovery_of(const sent_frame& f) {
  auto d = pppoe::decode_discovery(f.payload);
  EXPECT_TRUE(d);
  return d.value();
}

wire::bytes uniq_of(std::uint32_t id) {
  return {std::byte(id >> 24), std::byte((id >> 16) & 0xff), std::byte((id >> 8) & 0xff), std::byte(id & 0xff)};
}

eth::frame as_received(const wire::bytes& bytes) {
  auto f = eth::decode(bytes);
  EXPECT_TRUE(f);
  return f.value();
}

class pppoe_subscriber_test : public ::testing::Test {
 protected:
  pppoe_subscriber_config config() {
    pppoe_subscriber_config c;
    c.id = 7;
    c.mac = subscriber_mac(7);
    c.outer_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, 100};
    c.ppp.user = "user7@isp";
    c.ppp.password = "pw";
    c.ppp.magic = 0x10000007;
    pppoe::access_line line;
    line.circuit_id = "access0 eth 0/7";
    c.access_line = line;
    return c;
  }

  /// A Discovery frame from the AC to the subscriber (on VLAN 100 unless told).
  wire::bytes from_ac(const pppoe::discovery& d,
                      std::optional<eth::vlan_tag> vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, 100}) {
    eth::header h;
    h.dst = subscriber_mac(7);
    h.src = ac_mac;
    h.outer_vlan = vlan;
    h.ethertype = eth::ethertype_pppoe_discovery;
    wire::bytes out;
    wire::writer w{out};
    EXPECT_TRUE(eth::encode(h, w));
    EXPECT_TRUE(pppoe::encode(d, w));
    return out;
  }

  wire::bytes pado(wire::bytes uniq) {
    pppoe::discovery d;
    d.code = pppoe::packet_code::pado;
    d.tags = {pppoe::ac_name{"ac"}, pppoe::service_name{""}, pppoe::ac_cookie{wire::to_bytes("cookie")},
              pppoe::host_uniq{std::move(uniq)}};
    return from_ac(d);
  }

  wire::bytes pads(std::uint16_t session) {
    pppoe::discovery d;
    d.code = pppoe::packet_code::pads;
    d.session_id = session;
    d.tags = {pppoe::service_name{""}, pppoe::host_uniq{uniq_of(7)}};
    return from_ac(d);
  }

  /// Drives the subscriber to the PPPoE session 0x1234.
  void to_session() {
    sub.start();
    sub.receive(as_received(pado(uniq_of(7))));
    sub.receive(as_received(pads(0x1234)));
  }

  fake_host host;
  pppoe_counters counters;
  pppoe_subscriber sub{config(), host, counters};
};

TEST_F(pppoe_subscriber_test, mac_carries_the_session_number) {
  EXPECT_EQ(subscriber_mac(0x01020304), (eth::mac_address{0x02, 0x00, 1, 2, 3, 4}));
  EXPECT_EQ(subscriber_id(subscriber_mac(0x01020304)), 0x01020304u);
  EXPECT_FALSE(subscriber_id(ac_mac));
}

TEST_F(pppoe_subscriber_test, padi_is_broadcast_on_the_vlan_with_host_uniq_and_tr101_tag) {
  sub.start();
  ASSERT_EQ(host.frames.size(), 1u);
  auto f = decode_sent(host.frames[0]);
  EXPECT_EQ(f.hdr.dst, (eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(f.hdr.src, subscriber_mac(7));
  ASSERT_TRUE(f.hdr.outer_vlan);
  EXPECT_EQ(f.hdr.outer_vlan->vid, 100);
  auto d = discovery_of(f);
  EXPECT_EQ(d.code, pppoe::packet_code::padi);
  EXPECT_TRUE(pppoe::check(d));
  ASSERT_NE(pppoe::find<pppoe::host_uniq>(d), nullptr);
  EXPECT_EQ(pppoe::find<pppoe::host_uniq>(d)->value, uniq_of(7));
  auto line = pppoe::access_line_of(d);
  ASSERT_TRUE(line);
  ASSERT_TRUE(line.value());
  EXPECT_EQ(line.value()->circuit_id, "access0 eth 0/7");
  EXPECT_EQ(counters.padi_sent, 1u);
}

TEST_F(pppoe_subscriber_test, padi_retransmits_with_backoff_then_gives_up) {
  sub.start();
  std::vector<std::chrono::microseconds> intervals;
  for (int i = 0; i < 10 && !sub.ended(); ++i) {
    const auto t = host.last_timer(discovery_timer);
    intervals.push_back(t.after);
    sub.timeout(discovery_timer, t.generation - 1);  // stale: nothing happens
    sub.timeout(discovery_timer, t.generation);
  }
  EXPECT_EQ(intervals, (std::vector<std::chrono::microseconds>{1s, 2s, 4s, 8s, 8s, 8s}));
  EXPECT_EQ(counters.padi_sent, 6u);
  EXPECT_EQ(counters.discovery_retransmits, 5u);
  ASSERT_TRUE(sub.ended());
  ASSERT_EQ(host.events.size(), 1u);
  EXPECT_EQ(host.events[0].what, pppoe_event::kind::finished);
  EXPECT_EQ(host.events[0].message, "no-pado");
}

TEST_F(pppoe_subscriber_test, padr_echoes_the_cookie_to_the_ac) {
  sub.start();
  sub.receive(as_received(pado(uniq_of(8))));  // someone else's
  EXPECT_EQ(host.frames.size(), 1u);
  EXPECT_EQ(counters.dropped_unexpected, 1u);
  sub.receive(as_received(pado(uniq_of(7))));
  ASSERT_EQ(host.frames.size(), 2u);
  auto f = decode_sent(host.frames[1]);
  EXPECT_EQ(f.hdr.dst, ac_mac);
  auto d = discovery_of(f);
  EXPECT_EQ(d.code, pppoe::packet_code::padr);
  EXPECT_TRUE(pppoe::check(d));
  ASSERT_NE(pppoe::find<pppoe::ac_cookie>(d), nullptr);
  EXPECT_EQ(pppoe::find<pppoe::ac_cookie>(d)->value, wire::to_bytes("cookie"));
  // A second PADO (another AC, or a duplicate) does not restart anything.
  sub.receive(as_received(pado(uniq_of(7))));
  EXPECT_EQ(host.frames.size(), 2u);
}

TEST_F(pppoe_subscriber_test, pads_starts_ppp_over_session_frames_without_address_and_control) {
  to_session();
  ASSERT_GE(host.events.size(), 1u);
  EXPECT_EQ(host.events[0].what, pppoe_event::kind::session_up);
  EXPECT_EQ(sub.session_id(), 0x1234);
  auto f = decode_sent(host.frames.back());
  EXPECT_EQ(f.hdr.ethertype, eth::ethertype_pppoe_session);
  EXPECT_EQ(f.hdr.dst, ac_mac);
  auto s = pppoe::decode_session(f.payload);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().session_id, 0x1234);
  // LCP Configure-Request straight after the PPPoE header, asking for MRU 1492.
  ASSERT_GE(s.value().payload.size(), 3u);
  EXPECT_EQ(s.value().payload[0], std::byte{0xc0});
  EXPECT_EQ(s.value().payload[1], std::byte{0x21});
  EXPECT_EQ(s.value().payload[2], std::byte{0x01});
  const auto hex = wire::to_hex(s.value().payload);
  EXPECT_NE(hex.find("010405d4"), std::string::npos) << hex;
}

TEST_F(pppoe_subscriber_test, padt_from_the_ac_ends_the_subscriber_without_an_answer) {
  to_session();
  const auto sent = host.frames.size();
  pppoe::discovery padt;
  padt.code = pppoe::packet_code::padt;
  padt.session_id = 0x1235;  // another session: ignored
  sub.receive(as_received(from_ac(padt)));
  EXPECT_FALSE(sub.ended());
  padt.session_id = 0x1234;
  sub.receive(as_received(from_ac(padt)));
  ASSERT_TRUE(sub.ended());
  EXPECT_EQ(host.events.back().what, pppoe_event::kind::finished);
  EXPECT_EQ(host.events.back().message, "padt-received");
  EXPECT_EQ(host.frames.size(), sent);
  EXPECT_EQ(counters.padt_received, 1u);
  EXPECT_EQ(counters.padt_sent, 0u);
}

TEST_F(pppoe_subscriber_test, bad_or_foreign_frames_are_counted_and_dropped) {
  to_session();
  const auto sent = host.frames.size();
  auto truncated = pads(0x1234);
  truncated.resize(truncated.size() - 3);  // the LENGTH now runs past the frame
  sub.receive(as_received(truncated));
  EXPECT_EQ(counters.dropped_malformed, 1u);
  sub.receive(as_received(from_ac(pppoe::discovery{pppoe::packet_code::padt, 0x1234, {}, false}, std::nullopt)));
  EXPECT_EQ(counters.dropped_unexpected, 1u);  // untagged: not our line
  EXPECT_FALSE(sub.ended());
  EXPECT_EQ(host.frames.size(), sent);
}

TEST_F(pppoe_subscriber_test, close_in_discovery_ends_at_once) {
  sub.start();
  sub.close();
  ASSERT_TRUE(sub.ended());
  EXPECT_EQ(host.events.back().message, "closed-in-discovery");
  EXPECT_EQ(counters.padt_sent, 0u);
}

TEST_F(pppoe_subscriber_test, close_in_session_terminates_lcp_then_sends_padt) {
  to_session();
  sub.close();
  // Nobody answers the Terminate-Request: the engine gives up after its retries.
  for (int i = 0; i < 10 && !sub.ended(); ++i) {
    const auto t = host.last_timer(static_cast<std::uint8_t>(ppp::timer::lcp));
    sub.timeout(t.which, t.generation);
  }
  ASSERT_TRUE(sub.ended());
  auto d = discovery_of(decode_sent(host.frames.back()));
  EXPECT_EQ(d.code, pppoe::packet_code::padt);
  EXPECT_EQ(d.session_id, 0x1234);
  EXPECT_TRUE(pppoe::check(d));
  EXPECT_EQ(counters.padt_sent, 1u);
}

}  // namespace
}  // namespace bras::emulator
