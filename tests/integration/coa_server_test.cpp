// The CoA / Disconnect server (RFC 5176) over real UDP on loopback: a client
// socket sends requests sealed with the codec; the server's query actor is a
// stand-in that records each clear_request and answers it as told. Checked:
// ACK and NAK codes with their Error-Cause, what the sessions were asked to do,
// and the drops (unknown client, bad authenticator, Event-Timestamp replay)
// with their counters; a retransmission is answered from the cache, not acted on twice.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/coa_server.hpp"
#include "protocol/radius/attributes.hpp"
#include "protocol/radius/crypto.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;
using actors::coa_actor;
using model::clear_report;
using model::clear_request;

constexpr std::uint32_t loopback = 0x7f000001;
constexpr std::uint32_t stranger = 0x7f000003;  // also loopback, but no configured client
const std::string secret = "testing123";

sockaddr_in address_of(model::udp_peer p) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(p.address);
  a.sin_port = htons(p.port);
  return a;
}

/// A bound UDP socket on loopback.
class udp_socket {
 public:
  explicit udp_socket(model::udp_peer local) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    auto a = address_of(local);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  }
  ~udp_socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] model::udp_peer local() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return {ntohl(a.sin_addr.s_addr), ntohs(a.sin_port)};
  }
  bool send(model::udp_peer to, wire::byte_span data) const {
    auto a = address_of(to);
    return ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a) ==
           static_cast<ssize_t>(data.size());
  }
  /// The next datagram within `wait`, or none.
  std::optional<std::pair<model::udp_peer, wire::bytes>> receive(std::chrono::milliseconds wait) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
    wire::bytes buf(4096);
    sockaddr_in a{};
    socklen_t len = sizeof a;
    auto n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&a), &len);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<std::size_t>(n));
    return std::pair{model::udp_peer{ntohl(a.sin_addr.s_addr), ntohs(a.sin_port)}, std::move(buf)};
  }

 private:
  int fd_;
  bool ok_ = false;
};

/// The transport for the test: real UDP sockets, each read by a thread that hands datagrams to the actor.
class test_transport final : public actors::radius_transport {
 public:
  ~test_transport() override { stop(); }
  std::variant<std::uint32_t, std::string> open(model::udp_peer local, actors::radius_receiver to) override {
    auto s = std::make_unique<udp_socket>(local);
    if (!s->ok()) return std::string{"bind failed"};
    const auto index = static_cast<std::uint32_t>(sockets_.size());
    auto* raw = s.get();
    sockets_.push_back(std::move(s));
    auto receiver = std::get<coa_actor>(to);
    readers_.emplace_back([this, raw, receiver, index] {
      while (!stopping_) {
        if (auto d = raw->receive(50ms)) caf::anon_send(receiver, actors::radius_datagram{index, d->first, d->second});
      }
    });
    return index;
  }
  bool send(std::uint32_t socket, model::udp_peer to, wire::byte_span data) noexcept override {
    return sockets_.at(socket)->send(to, data);
  }
  [[nodiscard]] model::udp_peer local(std::uint32_t socket) const noexcept override {
    return sockets_.at(socket)->local();
  }
  void stop() {
    stopping_ = true;
    for (auto& t : readers_) t.join();
    readers_.clear();
  }

 private:
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<udp_socket>> sockets_;
  std::vector<std::thread> readers_;
};

/// What the stand-in query actor was asked, and how it answers.
struct query_record {
  std::mutex mutex;
  std::vector<clear_request> asked;
  std::function<clear_report(const clear_request&)> answer;

  std::vector<clear_request> take() {
    std::lock_guard lock{mutex};
    return std::exchange(asked, {});
  }
};

actors::query_actor::behavior_type query_standin(actors::query_actor::pointer, std::shared_ptr<query_record> record) {
  return {
      [](actors::query_atom, model::query_request&) { return model::query_snapshot{}; },
      [record](actors::clear_atom, clear_request& r) {
        std::lock_guard lock{record->mutex};
        record->asked.push_back(r);
        return record->answer(r);
      },
      [](actors::aaa_stats_atom) { return model::aaa_snapshot{}; },
  };
}

/// Sessions the stand-in knows: alice has one; "stuck" belongs to a tunnel that does not answer.
clear_report sessions_of(const clear_request& r) {
  clear_report out;
  if (r.filter.user == std::optional<std::string>{"alice"}) out.sessions.emplace_back(1, 1);
  if (r.filter.acct_session_id == std::optional<std::string>{"0000000a-00000001"}) out.sessions.emplace_back(1, 2);
  if (r.filter.user == std::optional<std::string>{"stuck"}) out.sessions_missing = 1;
  return out;
}

class CoaServer : public ::testing::Test {
 protected:
  CoaServer() {
    record->answer = sessions_of;
    auto query = system.spawn(query_standin, record);
    actors::coa_config cfg;
    cfg.transport = transport;
    cfg.listen = {loopback, 0};
    cfg.clients = {{loopback, secret}};
    cfg.replay_window = 300s;
    cfg.query = query;
    cfg.nas = {loopback, "brasd"};
    auto spawned = actors::spawn_coa_server(system, cfg);
    if (auto* why = std::get_if<std::string>(&spawned)) ADD_FAILURE() << *why;
    coa = std::get<coa_actor>(spawned);
    server = transport->local(0);
    query_handle = query;
  }
  ~CoaServer() override {
    transport->stop();
    caf::anon_send_exit(coa, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(query_handle, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
  }
  static caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }

  static radius::packet request(radius::code c, std::uint8_t id) {
    radius::packet p;
    p.code = c;
    p.id = id;
    return p;
  }

  /// Seals `p` with `with_secret`, sends it from `client`, and returns the sealed bytes.
  wire::bytes send(const udp_socket& from, const radius::packet& p, const std::string& with_secret = secret) {
    auto sealed = radius::seal_request(p, with_secret);
    EXPECT_TRUE(sealed.has_value());
    if (!sealed) return {};
    EXPECT_TRUE(from.send(server, *sealed));
    return *sealed;
  }

  /// The reply to `sealed`, opened and checked against its Request Authenticator.
  std::optional<radius::packet> reply_to(
      const udp_socket& at, const wire::bytes& sealed,
      radius::message_authenticator_policy policy = radius::message_authenticator_policy::no) {
    auto got = at.receive(3000ms);
    if (!got) return std::nullopt;
    EXPECT_EQ(got->first, server);
    radius::authenticator request_auth{};
    std::copy(sealed.begin() + 4, sealed.begin() + 20, request_auth.begin());
    auto opened = radius::open_reply(got->second, request_auth, secret, policy);
    if (auto* refusal = std::get_if<radius::reply_refusal>(&opened)) {
      ADD_FAILURE() << "reply refused: " << radius::to_string(*refusal);
      return std::nullopt;
    }
    auto reply = std::get<radius::opened_reply>(opened).reply;
    EXPECT_EQ(reply.id, std::to_integer<std::uint8_t>(sealed[1]));
    return reply;
  }

  static std::optional<std::uint32_t> error_cause(const radius::packet& p) {
    const auto* a = p.find(radius::attr::error_cause);
    return a ? radius::as_u32(*a) : std::nullopt;
  }

  model::coa_snapshot stats() {
    caf::scoped_actor self{system};
    model::coa_snapshot out;
    self->request(coa, caf::infinite, actors::aaa_stats_atom::value)
        .receive([&](model::coa_snapshot& s) { out = s; }, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
    return out;
  }

  static std::uint32_t unix_now() {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  }

  caf::actor_system_config system_config;
  caf::actor_system system{two_threads(system_config)};
  std::shared_ptr<test_transport> transport = std::make_shared<test_transport>();
  std::shared_ptr<query_record> record = std::make_shared<query_record>();
  coa_actor coa;
  actors::query_actor query_handle;
  model::udp_peer server;
  udp_socket client{{loopback, 0}};
};

TEST_F(CoaServer, DisconnectOfALiveSessionIsAckedAndClosesIt) {
  auto p = request(radius::code::disconnect_request, 7);
  p.add_string(radius::attr::user_name, "alice");
  p.add_u32(radius::attr::event_timestamp, unix_now());
  const auto sealed = send(client, p);
  auto reply = reply_to(client, sealed);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::disconnect_ack);
  EXPECT_EQ(reply->id, 7);
  EXPECT_FALSE(error_cause(*reply));
  auto asked = record->take();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].filter.user, std::optional<std::string>{"alice"});
  EXPECT_FALSE(asked[0].change) << "a Disconnect closes: no change";
  EXPECT_FALSE(asked[0].tunnels);
  EXPECT_FALSE(asked[0].statistics);
  const auto s = stats();
  EXPECT_EQ(s.disconnect_requests, 1u);
  EXPECT_EQ(s.acks, 1u);
  EXPECT_EQ(s.naks, 0u);
  EXPECT_EQ(s.listen, server);
  EXPECT_TRUE(s.enabled);
}

TEST_F(CoaServer, AMessageAuthenticatorInTheRequestIsAnsweredWithOne) {
  auto p = request(radius::code::disconnect_request, 8);
  p.add_string(radius::attr::user_name, "alice");
  p.add(radius::attr::message_authenticator, wire::bytes(16));  // seal_request computes it
  const auto sealed = send(client, p);
  auto reply = reply_to(client, sealed, radius::message_authenticator_policy::yes);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::disconnect_ack);
  EXPECT_NE(reply->find(radius::attr::message_authenticator), nullptr);
  // Without one in the request, the reply carries none (what RFC 5176 clients expect).
  auto plain = request(radius::code::disconnect_request, 9);
  plain.add_string(radius::attr::user_name, "alice");
  auto second = reply_to(client, send(client, plain));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->find(radius::attr::message_authenticator), nullptr);
}

TEST_F(CoaServer, CoaChangesTimeoutsAndInterimOfTheMatchedSession) {
  auto p = request(radius::code::coa_request, 9);
  p.add_string(radius::attr::acct_session_id, "0000000a-00000001");
  p.add_u32(radius::attr::session_timeout, 600);
  p.add_u32(radius::attr::idle_timeout, 120);
  p.add_u32(radius::attr::acct_interim_interval, 300);
  auto reply = reply_to(client, send(client, p));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::coa_ack);
  auto asked = record->take();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].filter.acct_session_id, std::optional<std::string>{"0000000a-00000001"});
  EXPECT_FALSE(asked[0].filter.user);
  ASSERT_TRUE(asked[0].change);
  EXPECT_EQ(asked[0].change->session_timeout, std::optional<std::chrono::seconds>{600s});
  EXPECT_EQ(asked[0].change->idle_timeout, std::optional<std::chrono::seconds>{120s});
  EXPECT_EQ(asked[0].change->interim_interval, std::optional<std::chrono::seconds>{300s});
  EXPECT_EQ(stats().coa_requests, 1u);
}

TEST_F(CoaServer, MatchByAddressAndNasPortIdReachesTheFilter) {
  auto p = request(radius::code::disconnect_request, 3);
  p.add_ipv4(radius::attr::framed_ip_address, 0x64400002);
  p.add_string(radius::attr::nas_port_id, "l2tp:1:2");
  auto reply = reply_to(client, send(client, p));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::disconnect_nak);
  EXPECT_EQ(error_cause(*reply), std::optional<std::uint32_t>{radius::error_cause::session_context_not_found});
  auto asked = record->take();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].filter.address, std::optional<std::uint32_t>{0x64400002});
  EXPECT_EQ(asked[0].filter.nas_port_id, std::optional<std::string>{"l2tp:1:2"});
}

TEST_F(CoaServer, UnknownSessionIsNakked503) {
  auto p = request(radius::code::disconnect_request, 11);
  p.add_string(radius::attr::user_name, "nobody");
  auto reply = reply_to(client, send(client, p));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::disconnect_nak);
  EXPECT_EQ(error_cause(*reply), std::optional<std::uint32_t>{503});
  const auto s = stats();
  EXPECT_EQ(s.naks, 1u);
  EXPECT_EQ(s.acks, 0u);
}

TEST_F(CoaServer, SessionsThatDidNotAnswerAreNakked506) {
  auto p = request(radius::code::coa_request, 12);
  p.add_string(radius::attr::user_name, "stuck");
  p.add_u32(radius::attr::session_timeout, 60);
  auto reply = reply_to(client, send(client, p));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::coa_nak);
  EXPECT_EQ(error_cause(*reply), std::optional<std::uint32_t>{radius::error_cause::resources_unavailable});
}

TEST_F(CoaServer, RequestsBrasdCannotActOnAreNakkedWithoutTouchingSessions) {
  struct refused {
    radius::packet request;
    radius::code nak;
    std::uint32_t cause;
  };
  std::vector<refused> cases;
  {
    auto p = request(radius::code::coa_request, 20);  // Filter-Id: not something brasd changes
    p.add_string(radius::attr::user_name, "alice");
    p.add_string(radius::attr::filter_id, "gold");
    cases.push_back({p, radius::code::coa_nak, radius::error_cause::unsupported_attribute});
  }
  {
    auto p = request(radius::code::disconnect_request, 21);  // no session identification at all
    p.add_string(radius::attr::nas_identifier, "brasd");
    cases.push_back({p, radius::code::disconnect_nak, radius::error_cause::missing_attribute});
  }
  {
    auto p = request(radius::code::disconnect_request, 22);  // another NAS
    p.add_string(radius::attr::user_name, "alice");
    p.add_string(radius::attr::nas_identifier, "other-bras");
    cases.push_back({p, radius::code::disconnect_nak, radius::error_cause::nas_identification_mismatch});
  }
  {
    auto p = request(radius::code::coa_request, 23);
    p.add_string(radius::attr::user_name, "alice");
    p.add_ipv4(radius::attr::nas_ip_address, 0x0a000001);
    cases.push_back({p, radius::code::coa_nak, radius::error_cause::nas_identification_mismatch});
  }
  {
    auto p = request(radius::code::disconnect_request, 27);  // brasd has no IPv6 NAS address
    p.add_string(radius::attr::user_name, "alice");
    p.add(radius::attr::nas_ipv6_address, wire::bytes(16, std::byte{0x20}));
    cases.push_back({p, radius::code::disconnect_nak, radius::error_cause::nas_identification_mismatch});
  }
  {
    auto p = request(radius::code::coa_request, 24);  // identifies a session, changes nothing
    p.add_string(radius::attr::user_name, "alice");
    cases.push_back({p, radius::code::coa_nak, radius::error_cause::invalid_request});
  }
  {
    auto p = request(radius::code::disconnect_request, 25);  // a Disconnect does not change timeouts
    p.add_string(radius::attr::user_name, "alice");
    p.add_u32(radius::attr::session_timeout, 60);
    cases.push_back({p, radius::code::disconnect_nak, radius::error_cause::unsupported_attribute});
  }
  {
    auto p = request(radius::code::coa_request, 26);  // Session-Timeout of 3 bytes
    p.add_string(radius::attr::user_name, "alice");
    const std::byte bad[3]{};
    p.add(radius::attr::session_timeout, bad);
    cases.push_back({p, radius::code::coa_nak, radius::error_cause::invalid_attribute_value});
  }
  for (const auto& c : cases) {
    auto reply = reply_to(client, send(client, c.request));
    ASSERT_TRUE(reply) << "no answer to id " << int{c.request.id};
    EXPECT_EQ(reply->code, c.nak) << "id " << int{c.request.id};
    EXPECT_EQ(error_cause(*reply), std::optional<std::uint32_t>{c.cause}) << "id " << int{c.request.id};
  }
  EXPECT_TRUE(record->take().empty()) << "a refused request reached the sessions";
  EXPECT_EQ(stats().naks, cases.size());
}

TEST_F(CoaServer, UnknownClientIsDroppedAndCounted) {
  udp_socket outsider{{stranger, 0}};
  ASSERT_TRUE(outsider.ok());
  auto p = request(radius::code::disconnect_request, 30);
  p.add_string(radius::attr::user_name, "alice");
  send(outsider, p);
  EXPECT_FALSE(outsider.receive(500ms)) << "an unlisted client got an answer";
  EXPECT_TRUE(record->take().empty());
  const auto s = stats();
  EXPECT_EQ(s.unknown_client, 1u);
  EXPECT_EQ(s.disconnect_requests, 0u);
}

TEST_F(CoaServer, BadAuthenticatorIsDroppedAndCounted) {
  auto p = request(radius::code::disconnect_request, 31);
  p.add_string(radius::attr::user_name, "alice");
  send(client, p, "not-the-secret");
  EXPECT_FALSE(client.receive(500ms)) << "a request with a bad authenticator got an answer";
  EXPECT_TRUE(record->take().empty());
  EXPECT_EQ(stats().bad_authenticator, 1u);
}

TEST_F(CoaServer, GarbageIsDroppedAndCounted) {
  const std::byte junk[5]{std::byte{40}, std::byte{1}, std::byte{0}, std::byte{5}, std::byte{0}};
  client.send(server, junk);
  EXPECT_FALSE(client.receive(500ms));
  EXPECT_EQ(stats().malformed, 1u);
}

TEST_F(CoaServer, EventTimestampOutsideTheReplayWindowIsDropped) {
  for (const std::uint32_t when : {unix_now() - 1000, unix_now() + 1000}) {
    auto p = request(radius::code::disconnect_request, static_cast<std::uint8_t>(when & 0xff));
    p.add_string(radius::attr::user_name, "alice");
    p.add_u32(radius::attr::event_timestamp, when);
    send(client, p);
    EXPECT_FALSE(client.receive(500ms)) << "a replayed request got an answer";
  }
  EXPECT_TRUE(record->take().empty()) << "a replayed request reached the sessions";
  const auto s = stats();
  EXPECT_EQ(s.replayed, 2u);
  EXPECT_EQ(s.acks + s.naks, 0u);
}

TEST_F(CoaServer, RetransmissionIsAnsweredFromTheCacheNotActedOnAgain) {
  auto p = request(radius::code::disconnect_request, 40);
  p.add_string(radius::attr::user_name, "alice");
  p.add_u32(radius::attr::event_timestamp, unix_now());
  const auto sealed = send(client, p);
  auto first = client.receive(3000ms);
  ASSERT_TRUE(first);
  ASSERT_TRUE(client.send(server, sealed));  // the client did not hear us: the same datagram again
  auto second = client.receive(3000ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->second, second->second) << "the retransmission got a different answer";
  EXPECT_EQ(record->take().size(), 1u) << "the retransmission was acted on again";
  // The same identifier with a new authenticator is a new request.
  p.add_string(radius::attr::nas_identifier, "brasd");
  auto reply = reply_to(client, send(client, p));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, radius::code::disconnect_ack);
  EXPECT_EQ(record->take().size(), 1u);
  const auto s = stats();
  EXPECT_EQ(s.disconnect_requests, 2u);
  EXPECT_EQ(s.acks, 2u);
  EXPECT_EQ(s.replayed, 1u);
}

TEST(CoaServerSpawn, ABusyPortIsAnError) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 1);
  caf::actor_system system{cfg};
  auto transport = std::make_shared<test_transport>();
  udp_socket taken{{loopback, 0}};
  actors::coa_config c;
  c.transport = transport;
  c.listen = taken.local();
  c.clients = {{loopback, secret}};
  auto record = std::make_shared<query_record>();
  record->answer = sessions_of;
  auto query = system.spawn(query_standin, record);
  c.query = query;
  auto spawned = actors::spawn_coa_server(system, c);
  ASSERT_TRUE(std::holds_alternative<std::string>(spawned));
  EXPECT_NE(std::get<std::string>(spawned).find("coa:"), std::string::npos);
  caf::anon_send_exit(query, caf::exit_reason::user_shutdown);
  transport->stop();
  system.await_all_actors_done();
}

}  // namespace
}  // namespace bras
