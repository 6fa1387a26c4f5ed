// What the LAC tells the LNS about a call (protocol/l2tp/call.hpp): Calling
// Number, the RFC 5515 access-line AVPs in the ICRQ, connect speeds from the
// line in the ICCN, and a CSUN when the line rates change once the call is up.
#include <gtest/gtest.h>

#include "protocol/l2tp/call.hpp"
#include "protocol/l2tp/line_avps.hpp"

namespace bras::l2tp {
namespace {

std::vector<call_send> sent(const call_effects& fx) {
  std::vector<call_send> out;
  for (const auto& e : fx) {
    if (const auto* s = std::get_if<call_send>(&e)) out.push_back(*s);
  }
  return out;
}

pppoe::access_line dsl_line() {
  pppoe::access_line line;
  line.circuit_id = "dslam1 atm 1/1/01:8.35";
  line.remote_id = "subscriber-17";
  line.actual_rate_up = 1024;
  line.actual_rate_down = 16384;
  line.min_rate_up = 64;
  line.min_rate_down = 512;
  line.attainable_rate_up = 2048;
  line.attainable_rate_down = 24000;
  line.max_rate_up = 4096;
  line.max_rate_down = 32000;
  line.encapsulation = pppoe::access_loop_encapsulation{1, 1, 0};
  return line;
}

/// An LAC call's config as the session actor builds it for a PPPoE subscriber on `line`.
call_config lac_on(const pppoe::access_line& line, std::string calling = "dslam1 atm 1/1/01:8.35") {
  call_config c;
  c.role = call_role::lac;
  c.local_session_id = 9;
  c.call_serial = 1;
  c.calling_number = std::move(calling);
  c.access_line = line_avps(line);
  c.tx_connect_speed = connect_speed_of(*line.actual_rate_down);
  c.rx_connect_speed = connect_speed_of(*line.actual_rate_up);
  return c;
}

control_message icrp() {
  auto m = make_message(message_type::icrp);
  m.assigned_session_id = 500;
  return m;
}

TEST(L2tpLacCall, IcrqCarriesCallingNumberAndTheLineAvps) {
  call_engine c{lac_on(dsl_line())};
  (void)c.open();
  auto out = sent(c.tunnel_up());
  ASSERT_EQ(out.size(), 1u);
  const auto& m = out[0].message;
  EXPECT_EQ(m.type, message_type::icrq);
  EXPECT_EQ(m.calling_number, "dslam1 atm 1/1/01:8.35");
  EXPECT_EQ(m.access_line.agent_circuit_id, "dslam1 atm 1/1/01:8.35");
  EXPECT_EQ(m.access_line.agent_remote_id, "subscriber-17");
  EXPECT_EQ(m.access_line.actual_rate_up, 1024000u);  // RFC 5515: bit/s, TR-101: kbit/s
  EXPECT_EQ(m.access_line.actual_rate_down, 16384000u);
  EXPECT_EQ(m.access_line.minimum_rate_up, 64000u);
  EXPECT_EQ(m.access_line.minimum_rate_down, 512000u);
  EXPECT_EQ(m.access_line.attainable_rate_up, 2048000u);
  EXPECT_EQ(m.access_line.attainable_rate_down, 24000000u);
  EXPECT_EQ(m.access_line.maximum_rate_up, 4096000u);
  EXPECT_EQ(m.access_line.maximum_rate_down, 32000000u);
  EXPECT_EQ(m.access_line.access_loop_encapsulation, (std::array<std::uint8_t, 3>{1, 1, 0}));
  EXPECT_FALSE(m.access_line.minimum_rate_up_low_power.has_value());  // absent in the tag: absent here

  // They survive the wire: encoded, decoded, the same message.
  bytes wire;
  encode_control(wire, m);
  auto back = decode_control(wire);
  ASSERT_TRUE(back) << back.err().reason;
  EXPECT_EQ(*back, m);
  EXPECT_TRUE(back->check());
}

TEST(L2tpLacCall, NoCallingNumberAndNoLineNoAvps) {
  call_config cfg;
  cfg.role = call_role::lac;
  cfg.local_session_id = 9;
  call_engine c{cfg};
  (void)c.open();
  auto out = sent(c.tunnel_up());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].message.calling_number.has_value());
  EXPECT_TRUE(out[0].message.access_line.empty());
}

TEST(L2tpLacCall, IccnSpeedsFromTheLineRxOnlyWhenDifferent) {
  call_engine c{lac_on(dsl_line())};
  (void)c.open();
  (void)c.tunnel_up();
  auto out = sent(c.receive(icrp()));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message.type, message_type::iccn);
  EXPECT_EQ(out[0].message.tx_connect_speed, 16384000u);
  EXPECT_EQ(out[0].message.rx_connect_speed, 1024000u);

  auto symmetric = dsl_line();
  symmetric.actual_rate_up = 16384;
  call_engine s{lac_on(symmetric)};
  (void)s.open();
  (void)s.tunnel_up();
  auto iccn = sent(s.receive(icrp()));
  ASSERT_EQ(iccn.size(), 1u);
  EXPECT_EQ(iccn[0].message.tx_connect_speed, 16384000u);
  EXPECT_FALSE(iccn[0].message.rx_connect_speed.has_value());  // Junos: AVP 38 only when different
}

TEST(L2tpLacCall, RateChangeOnceUpSendsCsunNamingThePeerSession) {
  call_engine c{lac_on(dsl_line())};
  (void)c.open();
  (void)c.tunnel_up();
  EXPECT_TRUE(sent(c.line_update(8000000, 800000)).empty());  // before the call is up: the ICCN has it
  auto iccn = sent(c.receive(icrp()));
  ASSERT_EQ(iccn.size(), 1u);
  EXPECT_EQ(iccn[0].message.tx_connect_speed, 8000000u);
  ASSERT_EQ(c.state(), session_state::established);

  auto out = sent(c.line_update(12000000, 0));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 0u);  // a tunnel message: Session ID 0
  const auto& m = out[0].message;
  EXPECT_EQ(m.type, message_type::csun);
  ASSERT_EQ(m.speed_updates.size(), 1u);
  EXPECT_EQ(m.speed_updates[0], (connect_speed_update{500, 12000000, 12000000}));
  EXPECT_TRUE(m.check());
  EXPECT_EQ(c.facts().tx_speed, 12000000u);
}

TEST(L2tpLacCall, ConnectSpeedSaturatesAtThirtyTwoBits) {
  EXPECT_EQ(connect_speed_of(10000000), 4294967295u);  // 10 Gbit/s
  EXPECT_EQ(connect_speed_of(1000), 1000000u);
}

}  // namespace
}  // namespace bras::l2tp

namespace bras::l2tp {
namespace {

TEST(L2tpLineAvps, TheLnsReadsBackTheLineTheLacSent) {
  // The LNS hands RADIUS the TR-101 line (kbit/s) the LAC put in its ICRQ (bit/s).
  auto line = dsl_line();
  line.max_interleaving_delay_up = 16;
  const auto back = tr101_line_of(line_avps(line));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, line);
  EXPECT_FALSE(tr101_line_of(access_line_info{}).has_value());
}

}  // namespace
}  // namespace bras::l2tp
