// Every caller of the random generator fails closed (issue: no constant or
// predictable challenge, vector, secret or cookie anywhere). A failing
// generator is installed through wire::set_random_source; each case shows the
// caller refuses, counts it, and sends nothing weaker instead. The PPPoE
// cookie secret's case is in pppoe_access_actor_test.cpp (it needs the actor).
#include <gtest/gtest.h>

#include <algorithm>

#include "actors/ppp_settings.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/l2tp/avp_values.hpp"
#include "protocol/radius/crypto.hpp"
#include "tests/unit/broken_random.hpp"
#include "tests/unit/l2tp_control_connection_test_util.hpp"

namespace bras {
namespace {

using namespace l2tp;
using namespace l2tp::test;

using bras::test::broken_random;

control_message icrq_with_calling_number() {
  auto m = make_message(message_type::icrq);
  m.assigned_session_id = 5;
  m.call_serial_number = 1;
  m.calling_number = "subscriber-line-7";
  return m;
}

TEST(RandomFailure, TheSeamFailsAndRestores) {
  std::array<std::byte, 8> b{};
  {
    broken_random broken;
    EXPECT_FALSE(wire::random_bytes(b));
  }
  EXPECT_TRUE(wire::random_bytes(b));
}

TEST(RandomFailure, AHiddenAvpWithoutARandomVectorIsNotEncoded) {
  encode_options opts;
  opts.secret = "s3cret";
  opts.hide_types = sensitive_avps;
  wire::bytes out;
  {
    broken_random broken;
    EXPECT_FALSE(encode_control(out, icrq_with_calling_number(), opts));
    EXPECT_TRUE(out.empty()) << "nothing to send: no constant vector, no value in the clear";
    EXPECT_TRUE(encode_control_packet(1, 2, 0, 0, icrq_with_calling_number(), opts).empty());
    // What hides nothing needs no randomness.
    EXPECT_TRUE(encode_control(out, icrq_with_calling_number(), {}));
    EXPECT_FALSE(out.empty());
  }
  out.clear();
  ASSERT_TRUE(encode_control(out, icrq_with_calling_number(), opts));
  decode_options d;
  d.secret = "s3cret";
  auto m = decode_control(out, 0, d);
  ASSERT_TRUE(static_cast<bool>(m));
  EXPECT_EQ(m.value().calling_number, "subscriber-line-7");
}

TEST(RandomFailure, TheLnsRefusesATunnelItCannotChallenge) {
  harness h{connection_role::lns, "s3cret"};
  broken_random broken;
  auto fx = h.feed(h.peer.sccrx(message_type::sccrq));
  EXPECT_TRUE(counted(fx, connection_counter::random_failures));
  const auto out = h.peer.take(fx);
  EXPECT_TRUE(std::none_of(out.begin(), out.end(), [](const sent& s) { return s.msg.type == message_type::sccrp; }))
      << "no SCCRP with a predictable challenge";
  const auto stop =
      std::find_if(out.begin(), out.end(), [](const sent& s) { return s.msg.type == message_type::stopccn; });
  ASSERT_NE(stop, out.end());
  ASSERT_TRUE(stop->msg.result.has_value());
  EXPECT_EQ(stop->msg.result->result, stopccn_result::general_error);
  EXPECT_EQ(stop->msg.result->error, error_code::insufficient_resources);
  EXPECT_NE(h.e().state(), tunnel_state::established);
}

TEST(RandomFailure, TheLnsWithoutASecretNeedsNoRandomness) {
  harness h{connection_role::lns};
  broken_random broken;
  const auto sccrp = h.establish_lns();
  EXPECT_FALSE(sccrp.msg.challenge.has_value());
}

TEST(RandomFailure, TheLacDoesNotOpenATunnelItCannotChallenge) {
  harness h{connection_role::lac, "s3cret"};
  broken_random broken;
  auto fx = h.e().open(h.now);
  EXPECT_TRUE(counted(fx, connection_counter::random_failures));
  EXPECT_TRUE(all_of<send_datagram>(fx).empty()) << "no SCCRQ with a predictable challenge";
  EXPECT_EQ(h.e().state(), tunnel_state::destroyed);
}

TEST(RandomFailure, ACallWhoseAvpsCannotBeHiddenClosesTheTunnel) {
  harness h{connection_role::lac, "s3cret"};
  h.cfg.profile.hide_avps = true;
  h.establish_lac();
  auto started = first_of<start_call>(h.e().place_call(1, h.now));
  ASSERT_TRUE(started.has_value());
  auto icrq = icrq_with_calling_number();
  icrq.assigned_session_id = started->local_session_id;
  broken_random broken;
  auto fx = h.e().session_send(started->local_session_id, 0, icrq, h.now);
  EXPECT_TRUE(counted(fx, connection_counter::random_failures));
  EXPECT_TRUE(logged(fx, "l2tp-no-randomness"));
  const auto out = h.peer.take(fx);
  EXPECT_TRUE(std::none_of(out.begin(), out.end(), [](const sent& s) { return s.msg.type == message_type::icrq; }));
  const auto stop =
      std::find_if(out.begin(), out.end(), [](const sent& s) { return s.msg.type == message_type::stopccn; });
  ASSERT_NE(stop, out.end()) << "the tunnel closes rather than send the line in the clear";
  EXPECT_EQ(stop->msg.result->error, error_code::insufficient_resources);
  EXPECT_EQ(h.e().state(), tunnel_state::closing);
}

TEST(RandomFailure, NoRadiusRequestAuthenticatorWithoutRandomness) {
  broken_random broken;
  EXPECT_FALSE(radius::random_authenticator().has_value());
}

TEST(RandomFailure, APppSessionGetsNoSecretsWithoutRandomness) {
  broken_random broken;
  EXPECT_FALSE(actors::draw_session_secrets().has_value());
  model::counters stats;
  EXPECT_FALSE(actors::draw_session_secrets(&stats).has_value());
  EXPECT_EQ(stats.random_failures_ppp.load(), 1u);
}

}  // namespace
}  // namespace bras
