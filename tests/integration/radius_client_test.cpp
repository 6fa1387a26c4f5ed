// The RADIUS client actor over real UDP sockets on loopback (io/radius_socket)
// against the test responder: round trips, retransmission, failover, dead
// servers revived by Status-Server, forged and unauthenticated replies, the
// bounded queue, and a second source port beyond 256 requests in flight.
#include "actors/radius_client.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <set>
#include <thread>

#include "actors/messages.hpp"
#include "io/radius_socket.hpp"
#include "tests/integration/freeradius.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/radius_responder.hpp"

namespace bras {
namespace {

using actors::radius_call;
using actors::radius_client_actor;
using actors::radius_outcome;
using test::radius_responder;

constexpr std::uint32_t loopback = 0x7f000001;

caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

radius::server_config server(std::string name, const radius_responder& r, std::chrono::milliseconds timeout = 500ms,
                             unsigned retries = 2) {
  radius::server_config s;
  s.name = std::move(name);
  s.address = loopback;
  s.port = r.port();
  s.secret = "testing123";
  s.timeout = timeout;
  s.retries = retries;
  return s;
}

radius::packet access_request(const std::string& user, const std::string& password) {
  radius::packet p;
  p.code = radius::code::access_request;
  p.add_string(radius::attr::user_name, user);
  p.add_string(radius::attr::user_password, password);
  p.add_ipv4(radius::attr::nas_ip_address, loopback);
  return p;
}

radius::packet accounting_start(const std::string& session) {
  radius::packet p;
  p.code = radius::code::accounting_request;
  p.add_u32(radius::attr::acct_status_type, static_cast<std::uint32_t>(radius::acct_status::start));
  p.add_string(radius::attr::acct_session_id, session);
  p.add_string(radius::attr::user_name, "bras-test");
  p.add_ipv4(radius::attr::nas_ip_address, loopback);
  return p;
}

class RadiusClient : public ::testing::Test {
 protected:
  RadiusClient() {
    sys.await_actors_before_shutdown(false);
    io_thread = std::thread([this] { io.run(); });
    log->set_level(spdlog::level::info);
  }
  ~RadiusClient() override {
    for (auto& c : clients) caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
    sockets->stop();
    work.reset();
    io.stop();
    io_thread.join();
  }

  radius_client_actor spawn(radius::group_config group, std::size_t queue_limit = 4096,
                            actors::radius_service service = actors::radius_service::authentication) {
    actors::radius_client_config c;
    c.service = service;
    c.group = std::move(group);
    c.transport = sockets;
    c.source_address = loopback;
    c.queue_limit = queue_limit;
    c.nas.identifier = "brasd-test";
    c.log = log;
    auto r = actors::spawn_radius_client(sys, std::move(c));
    if (auto* e = std::get_if<std::string>(&r)) ADD_FAILURE() << *e;
    clients.push_back(std::get<radius_client_actor>(r));
    return clients.back();
  }

  radius_outcome call(const radius_client_actor& client, radius::packet request, std::chrono::seconds limit = 10s) {
    caf::scoped_actor self{sys};
    radius_outcome got;
    self->request(client, limit, radius_call{actors::radius_service::authentication, std::move(request)})
        .receive([&](radius_outcome& o) { got = std::move(o); },
                 [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
    return got;
  }

  model::radius_client_snapshot stats(const radius_client_actor& client) {
    caf::scoped_actor self{sys};
    model::radius_client_snapshot got;
    self->request(client, 5s, actors::aaa_stats_atom::value)
        .receive([&](model::radius_client_snapshot& s) { got = std::move(s); },
                 [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
    return got;
  }

  std::size_t logged(std::string_view event) {
    std::size_t n = 0;
    for (const auto& line : ring->last_formatted()) n += line.find(event) != std::string::npos ? 1 : 0;
    return n;
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::shared_ptr<io::radius_sockets> sockets = std::make_shared<io::radius_sockets>(io);
  std::thread io_thread;
  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("aaa", ring);
  std::vector<radius_client_actor> clients;
};

TEST_F(RadiusClient, AccessRequestRoundTrip) {
  radius_responder r;
  r.set([](auto& b) { b.reply_message = "welcome"; });
  radius::group_config g;
  g.servers = {server("one", r)};
  auto client = spawn(g);
  EXPECT_EQ(logged("radius-message-authenticator-unknown server=one"), 1u);

  auto out = call(client, access_request("alice", "s3cret"));
  ASSERT_TRUE(out.answered) << out.error;
  EXPECT_EQ(out.reply.code, radius::code::access_accept);
  EXPECT_EQ(out.server, "one");
  ASSERT_NE(out.reply.find(radius::attr::reply_message), nullptr);
  EXPECT_EQ(radius::as_string(*out.reply.find(radius::attr::reply_message)), "welcome");

  // What reached the server: the password hidden with the secret, a valid Message-Authenticator.
  auto got = r.received();
  ASSERT_EQ(got.size(), 1u);
  const auto* hidden = got[0].packet.find(radius::attr::user_password);
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(radius::unhide_password(hidden->value, "testing123", got[0].packet.auth), "s3cret");
  EXPECT_TRUE(std::holds_alternative<radius::packet>(radius::open_request(got[0].raw, "testing123")));

  auto s = stats(client);
  ASSERT_EQ(s.servers.size(), 1u);
  EXPECT_EQ(s.servers[0].requests, 1u);
  EXPECT_EQ(s.servers[0].accepts, 1u);
  EXPECT_EQ(s.servers[0].retransmissions, 0u);
  EXPECT_EQ(s.servers[0].state, "alive");
  EXPECT_EQ(s.servers[0].service, "authentication");
  EXPECT_EQ(s.servers[0].message_authenticator, "auto");
  EXPECT_FALSE(s.servers[0].message_authenticator_seen);
  std::uint64_t in_buckets = 0;
  for (auto b : s.servers[0].latency_buckets) in_buckets += b;
  EXPECT_EQ(in_buckets, 1u);
  EXPECT_EQ(s.source_ports, 1u);
  // An `auto` server that answered without Message-Authenticator is warned about once, not per reply.
  EXPECT_TRUE(call(client, access_request("alice", "s3cret")).answered);
  EXPECT_EQ(logged("radius-no-message-authenticator server=one"), 1u);
}

TEST_F(RadiusClient, AccountingRequestRoundTrip) {
  radius_responder r;
  radius::group_config g;
  g.servers = {server("acct", r)};
  auto client = spawn(g, 4096, actors::radius_service::accounting);
  auto out = call(client, accounting_start("0000000000000001"));
  ASSERT_TRUE(out.answered) << out.error;
  EXPECT_EQ(out.reply.code, radius::code::accounting_response);
  auto got = r.received();
  ASSERT_EQ(got.size(), 1u);
  // The Accounting Request Authenticator the server checks (RFC 2866 §3).
  EXPECT_TRUE(std::holds_alternative<radius::packet>(radius::open_request(got[0].raw, "testing123")));
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].responses, 1u);
  EXPECT_EQ(s.servers[0].service, "accounting");
}

TEST_F(RadiusClient, RetransmitsTheSameBytesThenGetsTheAnswer) {
  radius_responder r;
  r.set([](auto& b) { b.drop = 2; });
  radius::group_config g;
  g.servers = {server("one", r, 150ms, 2)};
  auto client = spawn(g);
  auto out = call(client, access_request("bob", "pw"));
  ASSERT_TRUE(out.answered) << out.error;
  auto got = r.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].raw, got[0].raw);
  EXPECT_EQ(got[2].raw, got[0].raw);
  EXPECT_EQ(got[2].from, got[0].from);
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].requests, 1u);
  EXPECT_EQ(s.servers[0].retransmissions, 2u);
  EXPECT_EQ(s.servers[0].timeouts, 0u);
}

TEST_F(RadiusClient, FailsOverToTheSecondServerAndMarksTheFirstDead) {
  radius_responder first, second;
  first.set([](auto& b) { b.answer = false; });
  radius::group_config g;
  g.servers = {server("first", first, 150ms, 1), server("second", second, 150ms, 1)};
  g.servers[1].weight = 0;  // standby: the first is always tried first
  g.dead_after = 1;
  g.dead_time = 60s;
  auto client = spawn(g);
  auto out = call(client, access_request("carol", "pw"));
  ASSERT_TRUE(out.answered) << out.error;
  EXPECT_EQ(out.server, "second");
  auto to_first = first.received();
  auto to_second = second.received();
  ASSERT_EQ(to_first.size(), 2u);  // the request and its one retransmission
  ASSERT_EQ(to_second.size(), 1u);
  // A new request to the next server: its own authenticator (and hidden password), not a copy.
  EXPECT_NE(to_second[0].packet.auth, to_first[0].packet.auth);
  EXPECT_EQ(radius::unhide_password(to_second[0].packet.find(radius::attr::user_password)->value, "testing123",
                                    to_second[0].packet.auth),
            "pw");

  auto s = stats(client);
  EXPECT_EQ(s.servers[0].state, "dead");
  EXPECT_TRUE(s.servers[0].dead_until.has_value());
  EXPECT_EQ(s.servers[0].timeouts, 1u);
  EXPECT_EQ(s.servers[0].retransmissions, 1u);
  EXPECT_EQ(s.servers[1].state, "alive");
  EXPECT_EQ(logged("radius-server-dead server=first"), 1u);

  // Dead: the next request goes straight to the standby.
  EXPECT_EQ(call(client, access_request("carol", "pw")).server, "second");
  EXPECT_EQ(first.received().size(), 2u);

  // Both silent: every server tried, the caller hears "timeout".
  second.set([](auto& b) { b.answer = false; });
  auto lost = call(client, access_request("carol", "pw"));
  EXPECT_FALSE(lost.answered);
  EXPECT_EQ(lost.error, "timeout");
  EXPECT_EQ(stats(client).no_server, 1u);
}

TEST_F(RadiusClient, StatusServerProbeRevivesADeadServerAfterItsDeadTime) {
  radius_responder first, second;
  first.set([](auto& b) { b.answer = false; });
  radius::group_config g;
  g.servers = {server("first", first, 200ms, 0), server("second", second, 200ms, 0)};
  g.servers[1].weight = 0;
  g.dead_after = 1;
  g.dead_time = 1s;
  g.probe_interval = 1s;
  auto client = spawn(g);
  EXPECT_EQ(call(client, access_request("dave", "pw")).server, "second");
  ASSERT_EQ(stats(client).servers[0].state, "dead");

  // The first probe (after the dead time) goes unanswered; the next, a probe interval later, is answered.
  ASSERT_TRUE(eventually([&] { return first.count(radius::code::status_server) >= 1; }, 5s));
  first.set();
  ASSERT_TRUE(eventually([&] { return stats(client).servers[0].state == "alive"; }, 5s));
  EXPECT_GE(first.count(radius::code::status_server), 2u);
  auto s = stats(client);
  EXPECT_GE(s.servers[0].status_server_sent, 2u);
  EXPECT_EQ(s.servers[0].status_server_answered, 1u);
  EXPECT_EQ(logged("radius-server-alive server=first"), 1u);
  EXPECT_GE(logged("radius-probe-unanswered server=first"), 1u);
  // The probe is a proper Status-Server (RFC 5997: Message-Authenticator, checked by the server).
  for (const auto& req : first.received()) {
    if (req.packet.code != radius::code::status_server) continue;
    EXPECT_TRUE(std::holds_alternative<radius::packet>(radius::open_request(req.raw, "testing123")));
  }
  // Alive again: requests go to it.
  EXPECT_EQ(call(client, access_request("dave", "pw")).server, "first");
}

TEST_F(RadiusClient, ForgedReplyIsDroppedAndCountedWhileTheRealOneCompletes) {
  radius_responder r;
  r.set([](auto& b) { b.forge_first = true; });
  radius::group_config g;
  g.servers = {server("one", r)};
  auto client = spawn(g);
  auto out = call(client, access_request("eve", "pw"));
  ASSERT_TRUE(out.answered) << out.error;
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].bad_authenticators, 1u);
  EXPECT_EQ(s.servers[0].accepts, 1u);
  EXPECT_EQ(r.received().size(), 1u);  // no retransmission was needed
}

TEST_F(RadiusClient, ForgedReplyAloneDoesNotEndTheRequest) {
  radius_responder r;
  r.set([](auto& b) { b.hold = true; });
  radius::group_config g;
  g.servers = {server("one", r, 2000ms, 0)};
  auto client = spawn(g);
  caf::scoped_actor self{sys};
  auto pending =
      self->request(client, 10s, radius_call{actors::radius_service::authentication, access_request("eve", "pw")});
  ASSERT_TRUE(eventually([&] { return r.held() == 1; }));
  // Only a forgery: refused, counted, and the request still waits for the real answer.
  r.set([](auto& b) {
    b.forge_first = true;
    b.genuine = false;
  });
  r.release_held();
  ASSERT_TRUE(eventually([&] { return stats(client).servers[0].bad_authenticators == 1; }));
  EXPECT_EQ(stats(client).servers[0].outstanding, 1u);
  r.set();
  r.answer(r.received().at(0));
  radius_outcome out;
  pending.receive([&](radius_outcome& o) { out = std::move(o); },
                  [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
  EXPECT_TRUE(out.answered) << out.error;
  EXPECT_EQ(stats(client).servers[0].accepts, 1u);
  EXPECT_EQ(r.received().size(), 1u);
}

TEST_F(RadiusClient, ReplyFromAnotherPortIsDroppedAndCounted) {
  radius_responder r;
  r.set([](auto& b) { b.wrong_source_first = true; });
  radius::group_config g;
  g.servers = {server("one", r)};
  auto client = spawn(g);
  auto out = call(client, access_request("mallory", "pw"));
  ASSERT_TRUE(out.answered) << out.error;
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].malformed, 1u);
  EXPECT_EQ(s.servers[0].accepts, 1u);
  EXPECT_EQ(r.received().size(), 1u);
  EXPECT_EQ(logged("radius-reply-wrong-source server=one"), 1u);
}

TEST_F(RadiusClient, PolicyYesRefusesAReplyWithoutMessageAuthenticator) {
  radius_responder r;
  radius::group_config g;
  g.servers = {server("strict", r, 200ms, 1)};
  g.servers[0].message_authenticator = radius::message_authenticator_setting::yes;
  auto client = spawn(g);
  EXPECT_EQ(logged("radius-message-authenticator-unknown"), 0u);
  auto out = call(client, access_request("frank", "pw"));
  EXPECT_FALSE(out.answered);
  EXPECT_EQ(out.error, "timeout");
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].missing_message_authenticator, 2u);  // the reply to each attempt
  EXPECT_EQ(s.servers[0].accepts, 0u);
  // With one, it is accepted.
  r.set([](auto& b) { b.message_authenticator = true; });
  EXPECT_TRUE(call(client, access_request("frank", "pw")).answered);
}

TEST_F(RadiusClient, AutoPolicyLatchesOnceTheServerSentMessageAuthenticator) {
  radius_responder r;
  r.set([](auto& b) { b.message_authenticator = true; });
  radius::group_config g;
  g.servers = {server("auto", r, 200ms, 0)};
  auto client = spawn(g);
  ASSERT_TRUE(call(client, access_request("grace", "pw")).answered);
  EXPECT_TRUE(stats(client).servers[0].message_authenticator_seen);
  // From now on a reply without one is refused (what a BlastRADIUS forgery would look like).
  r.set();
  auto out = call(client, access_request("grace", "pw"));
  EXPECT_FALSE(out.answered);
  EXPECT_EQ(out.error, "timeout");
  EXPECT_EQ(stats(client).servers[0].missing_message_authenticator, 1u);
  EXPECT_EQ(logged("radius-no-message-authenticator"), 0u);
}

TEST_F(RadiusClient, QueueFullIsAnsweredAtOnce) {
  radius_responder r;
  r.set([](auto& b) { b.hold = true; });
  radius::group_config g;
  g.servers = {server("one", r, 5000ms, 0)};
  g.servers[0].max_outstanding = 1;
  auto client = spawn(g, 2);
  caf::scoped_actor self{sys};
  using handle = decltype(self->request(client, 10s, radius_call{}));
  std::vector<handle> pending;
  for (int i = 0; i < 3; ++i) {
    pending.push_back(self->request(
        client, 10s,
        radius_call{actors::radius_service::authentication, access_request("u" + std::to_string(i), "pw")}));
  }
  ASSERT_TRUE(eventually([&] { return r.held() == 1 && stats(client).queued == 2; }));
  const auto before = std::chrono::steady_clock::now();
  auto refused = call(client, access_request("late", "pw"));
  EXPECT_FALSE(refused.answered);
  EXPECT_EQ(refused.error, "queue-full");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_EQ(stats(client).queue_full, 1u);
  // Room again: the queued ones go in order, one at a time (max-outstanding 1).
  r.set();
  r.release_held();
  for (auto& p : pending) {
    p.receive([&](radius_outcome& o) { EXPECT_TRUE(o.answered) << o.error; },
              [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
  }
  auto got = r.received();
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(radius::as_string(*got[i].packet.find(radius::attr::user_name)), "u" + std::to_string(i));
  }
  EXPECT_EQ(stats(client).queued, 0u);
}

TEST_F(RadiusClient, MoreThan256InFlightOpensASecondSourcePort) {
  radius_responder r;
  r.set([](auto& b) { b.hold = true; });
  radius::group_config g;
  g.servers = {server("one", r, 10000ms, 0)};
  g.servers[0].max_outstanding = 1000;
  auto client = spawn(g);
  caf::scoped_actor self{sys};
  using handle = decltype(self->request(client, 10s, radius_call{}));
  std::vector<handle> pending;
  for (int i = 0; i < 300; ++i) {
    pending.push_back(self->request(
        client, 20s,
        radius_call{actors::radius_service::authentication, access_request("u" + std::to_string(i), "pw")}));
  }
  ASSERT_TRUE(eventually([&] { return r.held() == 300; }));
  auto s = stats(client);
  EXPECT_EQ(s.source_ports, 2u);
  EXPECT_EQ(s.servers[0].outstanding, 300u);
  std::set<std::uint16_t> ports;
  std::set<std::pair<std::uint16_t, std::uint8_t>> ids;
  for (const auto& req : r.received()) {
    ports.insert(req.from.port);
    ids.insert({req.from.port, req.packet.id});
  }
  EXPECT_EQ(ports.size(), 2u);
  EXPECT_EQ(ids.size(), 300u);  // (port, identifier) unique among requests in flight
  r.set();
  r.release_held();
  std::size_t answered = 0;
  for (auto& p : pending) {
    p.receive([&](radius_outcome& o) { answered += o.answered ? 1 : 0; },
              [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
  }
  EXPECT_EQ(answered, 300u);
  EXPECT_EQ(stats(client).servers[0].outstanding, 0u);
}

TEST_F(RadiusClient, RealFreeRadiusAcceptsAPapUserAndAnswersAccounting) {
  test::freeradius server{"bras-test Cleartext-Password := \"testpass\"\n\tReply-Message := \"hello bras\"\n"};
  if (!server.available()) GTEST_SKIP() << "freeradius is not installed";
  ASSERT_TRUE(server.ready()) << server.log();
  radius::group_config auth, acct;
  radius::server_config s;
  s.name = "freeradius";
  s.address = loopback;
  s.secret = "testing123";
  s.timeout = 2000ms;
  s.port = server.auth_port();
  auth.servers = {s};
  s.port = server.acct_port();
  acct.servers = {s};
  auto auth_client = spawn(auth);
  auto acct_client = spawn(acct, 4096, actors::radius_service::accounting);

  auto accept = call(auth_client, access_request("bras-test", "testpass"));
  ASSERT_TRUE(accept.answered) << accept.error << "\n" << server.log();
  EXPECT_EQ(accept.reply.code, radius::code::access_accept);
  ASSERT_NE(accept.reply.find(radius::attr::reply_message), nullptr);
  EXPECT_EQ(radius::as_string(*accept.reply.find(radius::attr::reply_message)), "hello bras");

  auto reject = call(auth_client, access_request("bras-test", "wrong"));
  ASSERT_TRUE(reject.answered) << reject.error;
  EXPECT_EQ(reject.reply.code, radius::code::access_reject);

  auto response = call(acct_client, accounting_start("brasd-test-0001"));
  ASSERT_TRUE(response.answered) << response.error << "\n" << server.log();
  EXPECT_EQ(response.reply.code, radius::code::accounting_response);

  auto a = stats(auth_client).servers.at(0);
  EXPECT_EQ(a.accepts, 1u);
  EXPECT_EQ(a.rejects, 1u);
  EXPECT_EQ(a.bad_authenticators + a.malformed + a.missing_message_authenticator, 0u);
  EXPECT_EQ(stats(acct_client).servers.at(0).responses, 1u);
  // The record reached FreeRADIUS's detail file (in the server's own directory).
  EXPECT_TRUE(eventually([&] {
    for (const auto& f : std::filesystem::recursive_directory_iterator(server.dir() + "/log")) {
      if (f.path().filename().string().starts_with("detail")) return true;
    }
    return false;
  }));
}

TEST_F(RadiusClient, AThousandCallsThroughQueueAndRetransmissionsAllComplete) {
  radius_responder r;
  r.set([](auto& b) { b.drop_every = 3; });
  radius::group_config g;
  g.servers = {server("one", r, 300ms, 3)};
  g.servers[0].max_outstanding = 200;  // the rest wait in the queue
  auto client = spawn(g);
  caf::scoped_actor self{sys};
  using handle = decltype(self->request(client, 10s, radius_call{}));
  std::vector<handle> pending;
  for (int i = 0; i < 1000; ++i) {
    pending.push_back(self->request(
        client, 30s,
        radius_call{actors::radius_service::authentication, access_request("u" + std::to_string(i), "pw")}));
  }
  std::size_t answered = 0;
  for (auto& p : pending) {
    p.receive([&](radius_outcome& o) { answered += o.answered ? 1 : 0; },
              [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
  }
  EXPECT_EQ(answered, 1000u);
  auto s = stats(client);
  EXPECT_EQ(s.servers[0].requests, 1000u);
  // Every third first transmission was dropped (more only if the loaded machine was slower than the timeout).
  EXPECT_GE(s.servers[0].retransmissions, 333u);
  EXPECT_EQ(s.servers[0].timeouts, 0u);
  EXPECT_EQ(s.servers[0].outstanding, 0u);
  EXPECT_EQ(s.queued, 0u);
}

}  // namespace
}  // namespace bras
