#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

// ---- 13. loopback ----

TEST(PppServer, RequestsCarryingOurMagicEndWithCause7) {
  server_config c = open_config();
  c.max_loopback = 3;
  driver d{c};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  // Two looped requests, then a different one: the count starts over.
  for (int i = 0; i < 2; ++i) {
    const effects e = d.receive(lcp_frame(lcp::configure_request{ours->identifier, ours->options}));
    EXPECT_EQ(kinds(e), "lcp:conf-nak");
    EXPECT_EQ(sent_lcp<lcp::configure_nak>(e)->options, (std::vector<lcp::option>{lcp::magic_number{fresh_magic}}));
  }
  EXPECT_EQ(kinds(d.receive(lcp_frame(lcp::configure_request{9, {lcp::magic_number{0}}}))), "lcp:conf-nak");
  effects last;
  int naks = 0;
  for (; naks < 20; ++naks) {
    last = d.receive(lcp_frame(lcp::configure_request{ours->identifier, ours->options}));
    if (kinds(last) != "lcp:conf-nak") break;
  }
  EXPECT_EQ(naks, 2) << "the third consecutive looped request ends the link";
  EXPECT_EQ(kinds(last), "lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(last);
  ASSERT_TRUE(term.has_value());
  // Looped back, our Terminate-Request comes back too: answered, and still ends with 7.
  const effects back = d.receive(lcp_frame(*term));
  EXPECT_EQ(kinds(back), "lcp:term-ack");
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(7)");
}

// ---- end to end against the subscriber engine ----

/// Both engines, frames pumped between them until neither has anything to
/// say; AAA answers at once from a one-user table.
class loop {
 public:
  loop(server_config s, client_config c) : server{std::move(s)}, client{std::move(c)} {}

  void start() {
    take_client(client.start());
    take_server(server.start());
    pump();
  }
  void pump() {
    for (int guard = 0; guard < 1000 && (!to_server.empty() || !to_client.empty() || pending_aaa); ++guard) {
      if (!to_server.empty()) {
        const wire::bytes f = std::move(to_server.front());
        to_server.pop_front();
        take_server(server.receive(span(f)));
      } else if (!to_client.empty()) {
        const wire::bytes f = std::move(to_client.front());
        to_client.pop_front();
        take_client(client.receive(span(f)));
      } else if (pending_aaa) {
        const authenticate a = std::move(*pending_aaa);
        pending_aaa.reset();
        take_server(server.auth_result(verify(a), assigned, "hello"));
      }
    }
  }
  void client_close() {
    take_client(client.close());
    pump();
  }
  void server_close(std::uint16_t code, std::string_view message) {
    take_server(server.close(code, message));
    pump();
  }
  /// Fires an armed server timer, then pumps.
  void expire_server(timer t) {
    ASSERT_TRUE(server_armed[static_cast<std::size_t>(t)]);
    server_armed[static_cast<std::size_t>(t)] = false;
    take_server(server.timeout(t));
    pump();
  }

  server_engine server;
  client_engine client;
  std::array<bool, timer_count> server_armed{};
  std::vector<network_up> server_up;
  std::vector<network_up> client_up;
  std::vector<authenticate> asked;
  std::optional<finished> server_end;
  std::optional<finished> client_end;
  std::string password = "secret";

 private:
  bool verify(const authenticate& a) const {
    if (a.user != "alice") return false;
    if (a.kind == authenticate::method::pap) return a.password == password;
    auto expected = chap_md5_response(a.chap_id, wire::as_bytes(password), span(a.challenge));
    return expected.ok() && wire::bytes(expected->begin(), expected->end()) == a.response;
  }
  void take_server(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_client.push_back(s->frame);
      if (const auto* a = std::get_if<arm_timer>(&x)) server_armed[static_cast<std::size_t>(a->which)] = true;
      if (const auto* st = std::get_if<stop_timer>(&x)) server_armed[static_cast<std::size_t>(st->which)] = false;
      if (const auto* au = std::get_if<authenticate>(&x)) {
        asked.push_back(*au);
        pending_aaa = *au;
      }
      if (const auto* up = std::get_if<network_up>(&x)) server_up.push_back(*up);
      if (const auto* f = std::get_if<finished>(&x)) {
        EXPECT_FALSE(server_end.has_value()) << "server finished twice";
        server_end = *f;
      }
    }
  }
  void take_client(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_server.push_back(s->frame);
      if (const auto* up = std::get_if<network_up>(&x)) client_up.push_back(*up);
      if (const auto* f = std::get_if<finished>(&x)) client_end = *f;
    }
  }

  std::deque<wire::bytes> to_server;
  std::deque<wire::bytes> to_client;
  std::optional<authenticate> pending_aaa;
};

client_config subscriber(bool ipv6) {
  client_config c;
  c.user = "alice";
  c.password = "secret";
  c.magic = peer_magic;
  c.mru = 1492;
  c.ipv6 = ipv6;
  c.interface_id = peer_iid;
  return c;
}

TEST(PppServerLoop, ChapDualStackComesUpOnBothSides) {
  loop l{chap_config(), subscriber(true)};
  l.start();
  ASSERT_EQ(l.asked.size(), 1u);
  EXPECT_EQ(l.asked[0].kind, authenticate::method::chap_md5);
  EXPECT_FALSE(l.server_end.has_value());
  EXPECT_EQ(l.server.phase(), link_phase::network);
  EXPECT_EQ(l.server.ipcp_state(), ppp_state::opened);
  EXPECT_EQ(l.server.ipv6cp_state(), ppp_state::opened);
  EXPECT_EQ(l.server.peer_mru(), 1492);
  EXPECT_EQ(l.server.peer_address(), assigned);
  EXPECT_EQ(l.server.peer_interface_id(), peer_iid);
  EXPECT_EQ(l.server_up.size(), 2u);
  EXPECT_EQ(l.client.address(), assigned);
  EXPECT_EQ(l.client.primary_dns(), dns1);
  EXPECT_EQ(l.client.secondary_dns(), dns2);
  EXPECT_EQ(l.client.peer_interface_id(), lns_iid);
  EXPECT_EQ(l.client_up.size(), 2u);

  // The subscriber hangs up: Terminate-Request and Ack; the server finishes after its pause.
  l.client_close();
  EXPECT_TRUE(l.client_end.has_value());
  ASSERT_FALSE(l.server_end.has_value()) << "RFC 1661 §5.5: a restart period before finishing";
  l.expire_server(timer::lcp);
  ASSERT_TRUE(l.server_end.has_value());
  EXPECT_EQ(l.server_end->cause, cause::normal);
  EXPECT_EQ(l.server_end->dir, direction::at_peer);
}

TEST(PppServerLoop, PapWithoutIpv6OnTheClientRejectsIpv6cp) {
  loop l{pap_config(), subscriber(false)};
  l.start();
  ASSERT_EQ(l.asked.size(), 1u);
  EXPECT_EQ(l.asked[0].kind, authenticate::method::pap);
  EXPECT_EQ(l.asked[0].password, "secret");
  EXPECT_EQ(l.server.ipcp_state(), ppp_state::opened);
  EXPECT_NE(l.server.ipv6cp_state(), ppp_state::opened);
  EXPECT_FALSE(l.server_end.has_value()) << "IPv4 alone keeps the link";
  EXPECT_EQ(l.client.address(), assigned);
}

TEST(PppServerLoop, WrongPasswordEndsBothSides) {
  loop l{chap_config(), subscriber(false)};
  l.password = "other";
  l.start();
  // The server waits on its Terminate-Request; the client acked it.
  if (!l.server_end && l.server_armed[static_cast<std::size_t>(timer::lcp)]) l.expire_server(timer::lcp);
  ASSERT_TRUE(l.server_end.has_value());
  EXPECT_EQ(l.server_end->cause, cause::auth_failed);
  EXPECT_TRUE(l.server_up.empty());
  EXPECT_TRUE(l.client_up.empty());
}

TEST(PppServerLoop, AdminCloseReachesTheClient) {
  loop l{pap_config(), subscriber(true)};
  l.start();
  ASSERT_EQ(l.server.phase(), link_phase::network);
  l.server_close(cause::admin, "admin");
  ASSERT_TRUE(l.server_end.has_value()) << "the client acked the Terminate-Request";
  EXPECT_EQ(l.server_end->cause, cause::admin);
}

}  // namespace
}  // namespace bras::ppp
