// The L2TP call engine (protocol/l2tp/call.hpp) without actors: events in,
// the messages and effects it produces asserted one by one.
#include "protocol/l2tp/call.hpp"

#include <vector>

#include "tests/unit/test_util.hpp"

namespace bras::l2tp {
namespace {

using test::hex;
using SS = session_state;
using SE = session_event;

/// The control messages among `fx`, in order.
std::vector<call_send> sent(const call_effects& fx) {
  std::vector<call_send> out;
  for (const auto& e : fx) {
    if (const auto* s = std::get_if<call_send>(&e)) out.push_back(*s);
  }
  return out;
}

template <typename T>
const T* find(const call_effects& fx) {
  for (const auto& e : fx) {
    if (const auto* t = std::get_if<T>(&e)) return t;
  }
  return nullptr;
}

template <typename T>
bool has(const call_effects& fx) {
  return find<T>(fx) != nullptr;
}

call_engine lns(std::uint16_t local = 7, std::uint16_t peer = 42) {
  call_config c;
  c.role = call_role::lns;
  c.local_session_id = local;
  c.peer_session_id = peer;
  return call_engine{c};
}

call_config lac_config() {
  call_config c;
  c.role = call_role::lac;
  c.local_session_id = 9;
  c.call_serial = 1234;
  c.calling_number = "00:11:22:33:44:55";
  c.called_number = "isp";
  c.tx_connect_speed = 100000000;
  c.rx_connect_speed = 20000000;
  c.proxy.initial_received_confreq = hex("01 04 05 dc");
  c.proxy.last_sent_confreq = hex("05 06 11 22 33 44");
  c.proxy.last_received_confreq = hex("01 04 05 d4");
  c.proxy.authen_type = ppp::proxy_authen::chap;
  c.proxy.authen_name = "alice";
  c.proxy.authen_challenge = hex("00 01 02 03");
  c.proxy.authen_id = 5;
  c.proxy.authen_response = hex("aa bb cc dd");
  c.sequencing = true;
  return c;
}

control_message icrq(std::uint16_t assigned = 42) {
  auto m = make_message(message_type::icrq);
  m.assigned_session_id = assigned;
  m.call_serial_number = 77;
  m.bearer_type = bearer_bits::analog;
  m.calling_number = "caller";
  m.called_number = "callee";
  return m;
}

control_message iccn() {
  auto m = make_message(message_type::iccn);
  m.framing_type = framing_bits::synchronous;
  m.tx_connect_speed = 1000000;
  m.last_sent_lcp_confreq = hex("01 04 05 dc");
  m.last_received_lcp_confreq = hex("05 06 01 02 03 04");
  m.proxy_authen_type = ppp::proxy_authen::pap;
  m.proxy_authen_name = "bob";
  m.proxy_authen_response = hex("70 77");
  m.sequencing_required = true;
  return m;
}

control_message icrp(std::uint16_t assigned = 500) {
  auto m = make_message(message_type::icrp);
  m.assigned_session_id = assigned;
  return m;
}

control_message cdn(std::uint16_t result, std::optional<std::uint16_t> cause = std::nullopt) {
  auto m = make_message(message_type::cdn);
  m.result = result_code{result, std::nullopt, ""};
  m.assigned_session_id = 42;
  if (cause) m.disconnect_cause = ppp_disconnect_cause{*cause, 0, 1, ""};
  return m;
}

unknown_avp mandatory_unknown() {
  return unknown_avp{true, false, 0, 99, hex("00")};
}

/// An LNS call through ICRQ and ICRP, waiting for the ICCN.
call_engine lns_waiting() {
  auto c = lns();
  (void)c.receive(icrq());
  return c;
}

/// An LAC call that sent its ICRQ and waits for the ICRP.
call_engine lac_waiting() {
  call_engine c{lac_config()};
  (void)c.open();
  (void)c.tunnel_up();
  return c;
}

TEST(L2tpCall, LnsIcrqIcrpIccnEstablishesWithFactsAndProxy) {
  auto c = lns();
  auto fx = c.receive(icrq());
  EXPECT_EQ(c.state(), SS::wait_connect);
  auto out = sent(fx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 42);
  auto want_icrp = make_message(message_type::icrp);
  want_icrp.assigned_session_id = 7;
  EXPECT_EQ(out[0].message, want_icrp);
  EXPECT_EQ(c.facts().serial, 77u);
  EXPECT_EQ(c.facts().calling, "caller");
  EXPECT_FALSE(has<call_established>(fx));

  fx = c.receive(iccn());
  EXPECT_EQ(c.state(), SS::established);
  EXPECT_TRUE(sent(fx).empty());
  const auto* up = find<call_established>(fx);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->peer_session_id, 42);
  EXPECT_EQ(up->facts, (call_facts{77, bearer_bits::analog, framing_bits::synchronous, 1000000, 1000000, "caller",
                                   "callee"}));  // rx speed absent: equal to tx
  EXPECT_TRUE(up->sequencing);
  EXPECT_EQ(up->proxy.last_sent_confreq, hex("01 04 05 dc"));
  EXPECT_EQ(up->proxy.authen_name, "bob");
  EXPECT_EQ(up->proxy.authen_response, hex("70 77"));
  EXPECT_FALSE(up->proxy.initial_received_confreq);
  const auto* start = find<call_start_ppp>(fx);
  ASSERT_NE(start, nullptr);
  EXPECT_TRUE(start->proxy.has_lcp());
  EXPECT_TRUE(c.established());
  EXPECT_FALSE(has<call_destroyed>(fx));
  // The transition is reported for the caller's debug log.
  const auto* tr = find<call_transition>(fx);
  ASSERT_NE(tr, nullptr);
  EXPECT_EQ(tr->from, SS::wait_connect);
  EXPECT_EQ(tr->event, SE::recv_iccn_ok);
  EXPECT_EQ(tr->to, SS::established);
}

TEST(L2tpCall, LacOpenSendsIcrqOnTunnelUpAndIccnOnIcrp) {
  call_engine c{lac_config()};
  auto fx = c.open();
  EXPECT_EQ(c.state(), SS::wait_tunnel);
  EXPECT_TRUE(sent(fx).empty());

  fx = c.tunnel_up();
  EXPECT_EQ(c.state(), SS::wait_reply);
  auto out = sent(fx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 0);  // not known before the ICRP
  auto want_icrq = make_message(message_type::icrq);
  want_icrq.assigned_session_id = 9;
  want_icrq.call_serial_number = 1234;
  want_icrq.bearer_type = bearer_bits::digital;
  want_icrq.calling_number = "00:11:22:33:44:55";
  want_icrq.called_number = "isp";
  EXPECT_EQ(out[0].message, want_icrq);

  fx = c.receive(icrp(500));
  EXPECT_EQ(c.state(), SS::established);
  EXPECT_EQ(c.peer_session_id(), 500);
  out = sent(fx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 500);
  auto want_iccn = make_message(message_type::iccn);
  want_iccn.framing_type = framing_bits::synchronous;
  want_iccn.tx_connect_speed = 100000000;
  want_iccn.rx_connect_speed = 20000000;
  want_iccn.initial_received_lcp_confreq = hex("01 04 05 dc");
  want_iccn.last_sent_lcp_confreq = hex("05 06 11 22 33 44");
  want_iccn.last_received_lcp_confreq = hex("01 04 05 d4");
  want_iccn.proxy_authen_type = ppp::proxy_authen::chap;
  want_iccn.proxy_authen_name = "alice";
  want_iccn.proxy_authen_challenge = hex("00 01 02 03");
  want_iccn.proxy_authen_id = 5;
  want_iccn.proxy_authen_response = hex("aa bb cc dd");
  want_iccn.sequencing_required = true;
  EXPECT_EQ(out[0].message, want_iccn);
  EXPECT_TRUE(out[0].message.check());

  const auto* up = find<call_established>(fx);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->peer_session_id, 500);
  EXPECT_TRUE(up->sequencing);
  EXPECT_EQ(up->facts, (call_facts{1234, bearer_bits::digital, framing_bits::synchronous, 100000000, 20000000,
                                   "00:11:22:33:44:55", "isp"}));
  EXPECT_FALSE(has<call_start_ppp>(fx));  // the LAC relays PPP, it does not run it
}

TEST(L2tpCall, LacIccnLeavesOutAnRxSpeedEqualToTx) {
  auto cfg = lac_config();
  cfg.rx_connect_speed = cfg.tx_connect_speed;
  cfg.sequencing = false;
  cfg.calling_number.clear();
  call_engine c{cfg};
  (void)c.open();
  auto icrq_out = sent(c.tunnel_up());
  ASSERT_EQ(icrq_out.size(), 1u);
  EXPECT_FALSE(icrq_out[0].message.calling_number);
  auto out = sent(c.receive(icrp()));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].message.rx_connect_speed);
  EXPECT_FALSE(out[0].message.sequencing_required);
}

/// The CDN among `fx` (fails the test if there is none).
control_message cdn_in(const call_effects& fx) {
  for (const auto& s : sent(fx)) {
    if (s.message.type == message_type::cdn) return s.message;
  }
  ADD_FAILURE() << "no CDN sent";
  return {};
}

TEST(L2tpCall, BadIcrqIsRefusedWithCdnResult2AndTheError) {
  auto c = lns();
  auto m = icrq();
  m.call_serial_number.reset();
  auto fx = c.receive(m);
  EXPECT_EQ(c.state(), SS::destroyed);
  const auto* refused = find<call_refused>(fx);
  ASSERT_NE(refused, nullptr);
  const result_code want{cdn_result::general_error, error_code::vendor_error,
                         "missing mandatory AVP Call Serial Number (15)"};
  EXPECT_EQ(refused->result, want);
  auto out = sent(fx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 42);
  EXPECT_EQ(out[0].message.result, want);
  EXPECT_EQ(out[0].message.assigned_session_id, 7);
  EXPECT_FALSE(out[0].message.disconnect_cause);
  const auto* gone = find<call_destroyed>(fx);
  ASSERT_NE(gone, nullptr);
  EXPECT_FALSE(gone->was_established);
  EXPECT_FALSE(has<call_protocol_error>(fx));
}

TEST(L2tpCall, BadIccnIsRefusedWithCdnResult2AndTheError) {
  auto c = lns_waiting();
  auto m = iccn();
  m.framing_type.reset();
  auto fx = c.receive(m);
  EXPECT_EQ(c.state(), SS::destroyed);
  EXPECT_EQ(cdn_in(fx).result, (result_code{cdn_result::general_error, error_code::vendor_error,
                                            "missing mandatory AVP Framing Type (19)"}));
  EXPECT_TRUE(has<call_refused>(fx));
  EXPECT_FALSE(has<call_established>(fx));
  EXPECT_FALSE(has<call_start_ppp>(fx));
  EXPECT_TRUE(has<call_destroyed>(fx));
}

TEST(L2tpCall, BadIcrpIsRefusedWithCdn) {
  auto c = lac_waiting();
  auto m = icrp();
  m.assigned_session_id.reset();
  auto fx = c.receive(m);
  EXPECT_EQ(c.state(), SS::destroyed);
  EXPECT_EQ(cdn_in(fx).result, (result_code{cdn_result::general_error, error_code::vendor_error,
                                            "missing mandatory AVP Assigned Session ID (14)"}));
  EXPECT_EQ(c.peer_session_id(), 0);  // not learnt from a refused ICRP
}

TEST(L2tpCall, UnknownMandatoryAvpClearsTheCall) {
  const result_code want{cdn_result::general_error, error_code::unknown_mandatory_avp, "unknown mandatory AVP type 99"};
  {
    auto c = lns();
    auto m = icrq();
    m.unknown.push_back(mandatory_unknown());
    auto fx = c.receive(m);
    EXPECT_EQ(c.state(), SS::destroyed);
    EXPECT_EQ(cdn_in(fx).result, want);
    EXPECT_TRUE(has<call_refused>(fx));
  }
  {
    auto c = lns_waiting();
    auto m = iccn();
    m.unknown.push_back(mandatory_unknown());
    auto fx = c.receive(m);
    EXPECT_EQ(cdn_in(fx).result, want);
    EXPECT_FALSE(has<call_established>(fx));
  }
  {
    // Any other session message with one: cleared like a local close.
    auto c = lns_waiting();
    (void)c.receive(iccn());
    auto m = make_message(message_type::wen);
    m.call_errors = call_errors_value{};
    m.unknown.push_back(mandatory_unknown());
    auto fx = c.receive(m);
    EXPECT_EQ(c.state(), SS::destroyed);
    EXPECT_EQ(cdn_in(fx).result, want);
    ASSERT_NE(find<call_destroyed>(fx), nullptr);
    EXPECT_TRUE(find<call_destroyed>(fx)->was_established);
  }
  {
    // An unknown M-bit AVP in a CDN still clears the call, without a CDN back.
    auto c = lns_waiting();
    auto m = cdn(cdn_result::admin);
    m.unknown.push_back(mandatory_unknown());
    auto fx = c.receive(m);
    EXPECT_TRUE(sent(fx).empty());
    EXPECT_TRUE(has<call_destroyed>(fx));
  }
}

TEST(L2tpCall, CdnReceivedClearsTheCall) {
  auto c = lns_waiting();
  (void)c.receive(iccn());
  auto fx = c.receive(cdn(cdn_result::admin, ppp::cause::admin));
  EXPECT_EQ(c.state(), SS::destroyed);
  EXPECT_TRUE(sent(fx).empty());
  const auto* cleared = find<call_peer_cleared>(fx);
  ASSERT_NE(cleared, nullptr);
  EXPECT_EQ(cleared->result, cdn_result::admin);
  EXPECT_EQ(cleared->cause, ppp::cause::admin);
  // The peer's clear comes before the destruction: PPP ends on it first.
  EXPECT_TRUE(std::holds_alternative<call_peer_cleared>(fx.front()));
  EXPECT_TRUE(std::holds_alternative<call_destroyed>(fx.back()));
  EXPECT_TRUE(std::get<call_destroyed>(fx.back()).was_established);
}

TEST(L2tpCall, TunnelDownDestroysWithoutCdn) {
  for (auto make : {+[] { return lns_waiting(); }, +[] { return lac_waiting(); }}) {
    auto c = make();
    auto fx = c.tunnel_down();
    EXPECT_EQ(c.state(), SS::destroyed);
    EXPECT_TRUE(sent(fx).empty());
    ASSERT_NE(find<call_destroyed>(fx), nullptr);
    EXPECT_FALSE(find<call_destroyed>(fx)->was_established);
  }
}

TEST(L2tpCall, LocalCloseSendsCdnWithResultAndCause) {
  auto c = lns_waiting();
  (void)c.receive(iccn());
  const result_code result{cdn_result::admin, error_code::none, "admin-close"};
  const ppp_disconnect_cause cause{ppp::cause::admin, 0, 2, "admin-close"};
  auto fx = c.close(result, cause);
  EXPECT_EQ(c.state(), SS::destroyed);
  auto out = sent(fx);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peer_session_id, 42);
  auto want = make_message(message_type::cdn);
  want.result = result;
  want.assigned_session_id = 7;
  want.disconnect_cause = cause;
  EXPECT_EQ(out[0].message, want);
  EXPECT_TRUE(find<call_destroyed>(fx)->was_established);
  EXPECT_FALSE(has<call_protocol_error>(fx));
}

TEST(L2tpCall, LocalCloseBeforeAnythingWasSentSendsNothing) {
  call_engine c{lac_config()};
  (void)c.open();
  auto fx = c.close({cdn_result::admin, std::nullopt, ""});
  EXPECT_EQ(c.state(), SS::destroyed);
  EXPECT_TRUE(sent(fx).empty());
  EXPECT_TRUE(has<call_destroyed>(fx));
}

TEST(L2tpCall, InformationalMessagesChangeNothing) {
  auto c = lns_waiting();
  (void)c.receive(iccn());
  auto wen = make_message(message_type::wen);
  wen.call_errors = call_errors_value{};
  EXPECT_TRUE(c.receive(wen).empty());
  auto sli = make_message(message_type::sli);
  sli.accm = accm_value{};
  EXPECT_TRUE(c.receive(sli).empty());
  EXPECT_EQ(c.state(), SS::established);
}

/// An unexpected message in each state: a protocol error, and a CDN "unexpected message" where the table aborts.
struct unexpected_case {
  const char* name;
  call_engine (*make)();
  control_message message;
  SS after;
  bool cdn;
};

TEST(L2tpCall, UnexpectedMessageInEachState) {
  auto hello = make_message(message_type::hello);
  const std::vector<unexpected_case> cases{
      {"idle lns, ICCN", [] { return lns(); }, iccn(), SS::idle, false},
      {"idle lns, hello", [] { return lns(); }, hello, SS::idle, false},
      {"wait-tunnel, ICRP",
       [] {
         call_engine c{lac_config()};
         (void)c.open();
         return c;
       },
       icrp(), SS::wait_tunnel, false},
      {"wait-reply, ICRQ", [] { return lac_waiting(); }, icrq(), SS::destroyed, true},
      {"wait-reply, hello", [] { return lac_waiting(); }, hello, SS::destroyed, true},
      {"wait-connect, ICRQ again", [] { return lns_waiting(); }, icrq(), SS::wait_connect, false},
      {"wait-connect, ICRP", [] { return lns_waiting(); }, icrp(), SS::destroyed, true},
      {"established, ICCN again",
       [] {
         auto c = lns_waiting();
         (void)c.receive(iccn());
         return c;
       },
       iccn(), SS::destroyed, true},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto c = k.make();
    const auto before = c.state();
    auto fx = c.receive(k.message);
    EXPECT_EQ(c.state(), k.after);
    const auto* err = find<call_protocol_error>(fx);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->state, before);
    if (k.cdn) {
      EXPECT_EQ(cdn_in(fx).result,
                (result_code{cdn_result::general_error, error_code::vendor_error, "unexpected message"}));
      EXPECT_TRUE(has<call_destroyed>(fx));
    } else {
      EXPECT_TRUE(sent(fx).empty());
      EXPECT_FALSE(has<call_destroyed>(fx));
    }
  }
}

TEST(L2tpCall, DestroyedCallIgnoresEverything) {
  auto c = lns_waiting();
  (void)c.tunnel_down();
  for (auto fx : {c.receive(iccn()), c.receive(cdn(1)), c.tunnel_up(), c.close({cdn_result::admin, {}, ""})}) {
    EXPECT_TRUE(sent(fx).empty());
    EXPECT_FALSE(has<call_destroyed>(fx));
    EXPECT_FALSE(has<call_protocol_error>(fx));
  }
}

}  // namespace
}  // namespace bras::l2tp
