// The accounting actor end to end: the on-disk spool (io/acct_spool), the
// real RADIUS client over real UDP sockets on loopback (io/radius_socket),
// and a small accounting server of our own on loopback that checks each
// request's authenticator (MD5 through OpenSSL, independently of
// protocol/radius/crypto) and can be taken down and brought back.
// Delivery in order with acknowledgement, delivery after an outage with a
// grown Acct-Delay-Time, resending after the actor is killed mid-outage,
// and a full spool under both policies.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/accounting.hpp"
#include "actors/radius_client.hpp"
#include "io/acct_spool.hpp"
#include "io/radius_socket.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;
constexpr std::uint32_t loopback = 0x7f000001;
const std::string secret = "testing123";

/// One Accounting-Request as the server saw it.
struct seen_request {
  std::string session_id;
  std::uint32_t status = 0;
  std::uint32_t delay = 0;
};

std::array<std::byte, 16> md5(wire::byte_span a, wire::byte_span b) {
  std::array<std::byte, 16> out{};
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

/// A RADIUS accounting server on 127.0.0.1 (RFC 2866 §3-4): answers Accounting-Requests whose
/// Request Authenticator holds, and Status-Server, while up; silent while down.
class accounting_server {
 public:
  accounting_server() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(loopback);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~accounting_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  void set_up(bool up) { up_ = up; }
  std::vector<seen_request> answered() {
    std::lock_guard lock(mutex_);
    return answered_;
  }
  int bad_authenticators() const { return bad_; }

 private:
  void run() {
    std::vector<std::byte> buf(4096);
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const auto n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 20 || !up_) continue;
      wire::bytes request(buf.begin(), buf.begin() + n);
      auto packet = radius::decode(request);
      if (!packet) continue;
      if (packet->code == radius::code::accounting_request) {
        // Request Authenticator = MD5(Code+Identifier+Length+16 zero octets+Attributes+Secret).
        wire::bytes zeroed = request;
        std::fill(zeroed.begin() + 4, zeroed.begin() + 20, std::byte{0});
        const auto expected = md5(zeroed, std::as_bytes(std::span(secret)));
        if (!std::equal(expected.begin(), expected.end(), request.begin() + 4)) {
          ++bad_;
          continue;
        }
        seen_request seen;
        if (const auto* a = packet->find(radius::attr::acct_session_id)) seen.session_id = radius::as_string(*a);
        if (const auto* a = packet->find(radius::attr::acct_status_type)) seen.status = radius::as_u32(*a).value_or(0);
        if (const auto* a = packet->find(radius::attr::acct_delay_time)) seen.delay = radius::as_u32(*a).value_or(0);
        std::lock_guard lock(mutex_);
        answered_.push_back(seen);
      } else if (packet->code != radius::code::status_server) {
        continue;
      }
      // Response Authenticator = MD5(Code+Identifier+Length+Request Authenticator+Attributes+Secret).
      wire::bytes reply(20);
      reply[0] = std::byte{static_cast<std::uint8_t>(radius::code::accounting_response)};
      reply[1] = request[1];
      reply[3] = std::byte{20};
      std::copy(request.begin() + 4, request.begin() + 20, reply.begin() + 4);
      const auto auth = md5(reply, std::as_bytes(std::span(secret)));
      std::copy(auth.begin(), auth.end(), reply.begin() + 4);
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> up_{true}, stop_{false};
  std::atomic<int> bad_{0};
  std::mutex mutex_;
  std::vector<seen_request> answered_;
  std::thread thread_;
};

/// An actor system with the RADIUS client and the accounting actor over a spool directory.
class accounting_rig {
 public:
  accounting_rig(const config::radius_settings& radius, std::atomic<bool>* refuse) : sys_(two_threads(cfg_)) {
    io_thread_ = std::thread([this] { io_.run(); });
    sockets_ = std::make_shared<io::radius_sockets>(io_);
    actors::radius_client_config rc;
    rc.service = actors::radius_service::accounting;
    rc.group = actors::group_config_of(radius.accounting);
    rc.transport = sockets_;
    rc.source_address = loopback;
    rc.nas = {loopback, "brasd-test"};
    rc.log = log();
    auto client = actors::spawn_radius_client(sys_, rc);
    if (auto* e = std::get_if<std::string>(&client)) throw std::runtime_error(*e);
    client_ = std::get<actors::radius_client_actor>(client);
    auto store = io::open_acct_spool(radius.spool);
    if (auto* e = std::get_if<std::string>(&store)) throw std::runtime_error(*e);
    actors::accounting_config ac;
    ac.radius = &radius;
    ac.store = std::move(std::get<0>(store));
    ac.client = client_;
    ac.nas = {loopback, "brasd-test"};
    ac.refuse_new_sessions = refuse;
    ac.log = log();
    accounting_ = actors::spawn_accounting(sys_, ac);
  }
  /// No Accounting-Off: the actors are killed, as a crash would leave the spool.
  ~accounting_rig() {
    caf::anon_send_exit(accounting_, caf::exit_reason::kill);
    caf::anon_send_exit(client_, caf::exit_reason::kill);
    accounting_ = actors::accounting_actor{};
    client_ = actors::radius_client_actor{};
    sys_.await_all_actors_done();
    sockets_->stop();
    guard_.reset();
    io_.stop();
    io_thread_.join();
  }

  void report(const radius::accounting_record& r) { caf::anon_send(accounting_, actors::acct_report{r}); }
  model::spool_snapshot stats() {
    caf::scoped_actor self{sys_};
    model::spool_snapshot out;
    self->request(accounting_, 5s, actors::aaa_stats_atom::value)
        .receive([&](model::spool_snapshot& s) { out = std::move(s); },
                 [&](caf::error& e) { ADD_FAILURE() << to_string(e); });
    return out;
  }
  bool accounting_off() {
    caf::scoped_actor self{sys_};
    bool out = false;
    self->request(accounting_, 10s, actors::acct_off_atom::value)
        .receive([&](bool b) { out = b; }, [&](caf::error& e) { ADD_FAILURE() << to_string(e); });
    return out;
  }
  /// Waits (up to `limit`) for `done` on the spool's snapshot.
  bool wait_for(const std::function<bool(const model::spool_snapshot&)>& done, std::chrono::seconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done(stats())) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

 private:
  static caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }
  static std::shared_ptr<spdlog::logger> log() {
    auto l = spdlog::get("aaa-test");
    if (!l) l = spdlog::stderr_color_mt("aaa-test");
    l->set_level(spdlog::level::warn);
    return l;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_{io_.get_executor()};
  std::thread io_thread_;
  std::shared_ptr<io::radius_sockets> sockets_;
  actors::radius_client_actor client_;
  actors::accounting_actor accounting_;
};

radius::accounting_record record(radius::acct_status status, const std::string& session) {
  radius::accounting_record r;
  r.status = status;
  r.session_id = session;
  r.user = "user-" + session;
  r.framed_ip = 0x0a000001;
  r.line.nas_port_id = "l2tp:1:" + session;
  r.event_timestamp = 1700000000;
  r.session_time = status == radius::acct_status::start ? 0 : 60;
  r.input_octets = 5'000'000'000ull;
  r.output_octets = 1234;
  r.terminate_cause = status == radius::acct_status::stop ? 1 : 0;
  return r;
}

class Accounting : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bras-acct-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    settings.enabled = true;
    config::radius_server_settings s;
    s.name = "test";
    s.address = loopback;
    s.port = server.port();
    s.secret = secret;
    s.timeout = 200ms;
    s.retries = 1;
    settings.accounting.servers.push_back(s);
    settings.accounting.dead_after = 1000;  // the client's failover is its own test's business
    settings.acct_max_in_flight = 64;
    settings.spool.directory = dir + "/spool";
    settings.spool.fsync_interval = 20ms;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  /// The first position of each (session, status) the server answered.
  std::map<std::pair<std::string, std::uint32_t>, std::size_t> first_seen() {
    std::map<std::pair<std::string, std::uint32_t>, std::size_t> out;
    const auto seen = server.answered();
    for (std::size_t i = 0; i < seen.size(); ++i) out.emplace(std::pair{seen[i].session_id, seen[i].status}, i);
    return out;
  }

  std::string dir;
  accounting_server server;
  config::radius_settings settings;
  std::atomic<bool> refuse{false};
};

constexpr std::uint32_t start = 1, stop = 2, interim = 3, on = 7, off = 8;

TEST_F(Accounting, DeliveredInOrderAndAcknowledged) {
  accounting_rig rig(settings, &refuse);
  for (int i = 0; i < 10; ++i) rig.report(record(radius::acct_status::start, "S" + std::to_string(i)));
  for (int i = 0; i < 10; ++i) rig.report(record(radius::acct_status::interim_update, "S" + std::to_string(i)));
  for (int i = 0; i < 10; ++i) rig.report(record(radius::acct_status::stop, "S" + std::to_string(i)));
  ASSERT_TRUE(rig.wait_for([](const auto& s) { return s.acknowledged == 31 && s.records == 0; }));
  const auto s = rig.stats();
  EXPECT_EQ(s.written, 31u);  // Accounting-On and 30
  EXPECT_EQ(s.starts, 10u);
  EXPECT_EQ(s.interims, 10u);
  EXPECT_EQ(s.stops, 10u);
  EXPECT_EQ(s.replayed, 0u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_GE(s.fsyncs, 1u);
  EXPECT_FALSE(s.oldest_age);
  EXPECT_EQ(server.bad_authenticators(), 0);
  const auto seen = server.answered();
  ASSERT_GE(seen.size(), 31u);
  EXPECT_EQ(seen[0].status, on);
  const auto first = first_seen();
  for (int i = 0; i < 10; ++i) {
    const auto id = "S" + std::to_string(i);
    ASSERT_TRUE(first.count({id, start}) && first.count({id, interim}) && first.count({id, stop})) << id;
    EXPECT_LT(first.at({id, start}), first.at({id, interim})) << id;
    EXPECT_LT(first.at({id, interim}), first.at({id, stop})) << id;
  }
  EXPECT_TRUE(rig.accounting_off());
  EXPECT_EQ(server.answered().back().status, off);
}

TEST_F(Accounting, OutageThenDeliveryWithGrownDelay) {
  server.set_up(false);
  accounting_rig rig(settings, &refuse);
  for (int i = 0; i < 5; ++i) rig.report(record(radius::acct_status::start, "O" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) rig.report(record(radius::acct_status::stop, "O" + std::to_string(i)));
  std::this_thread::sleep_for(2500ms);
  auto s = rig.stats();
  EXPECT_EQ(s.records, 11u);
  EXPECT_EQ(s.acknowledged, 0u);
  EXPECT_GT(s.resent, 0u);
  ASSERT_TRUE(s.oldest_age);
  EXPECT_GE(s.oldest_age->count(), 2);
  EXPECT_TRUE(server.answered().empty());
  server.set_up(true);
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.records == 0; }, 30s));
  const auto first = first_seen();
  for (int i = 0; i < 5; ++i) {
    const auto id = "O" + std::to_string(i);
    ASSERT_TRUE(first.count({id, start}) && first.count({id, stop})) << id;
    EXPECT_LT(first.at({id, start}), first.at({id, stop})) << id;
  }
  for (const auto& r : server.answered()) EXPECT_GE(r.delay, 2u) << r.session_id << " " << r.status;
}

TEST_F(Accounting, KilledActorsRecordsAreResentByTheNextOne) {
  server.set_up(false);
  {
    accounting_rig rig(settings, &refuse);
    for (int i = 0; i < 8; ++i) rig.report(record(radius::acct_status::stop, "K" + std::to_string(i)));
    ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.written == 9 && x.fsyncs > 0; }));
  }  // killed: no Accounting-Off, nothing acknowledged
  EXPECT_TRUE(server.answered().empty());
  server.set_up(true);
  accounting_rig rig(settings, &refuse);
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.records == 0; }));
  const auto s = rig.stats();
  EXPECT_EQ(s.replayed, 9u);  // the first run's Accounting-On and 8 Stops
  const auto first = first_seen();
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(first.count({"K" + std::to_string(i), stop})) << i;
  int ons = 0;
  for (const auto& r : server.answered()) ons += r.status == on;
  EXPECT_EQ(ons, 2);
}

TEST_F(Accounting, FullSpoolDropsOldestInterimsNeverStops) {
  settings.spool.max_bytes = 16 << 10;
  settings.spool.when_full = config::spool_full_policy::drop_oldest_interims;
  server.set_up(false);
  accounting_rig rig(settings, &refuse);
  for (int i = 0; i < 4; ++i) rig.report(record(radius::acct_status::start, "F" + std::to_string(i)));
  for (int n = 0; n < 300; ++n) rig.report(record(radius::acct_status::interim_update, "F" + std::to_string(n % 4)));
  for (int i = 0; i < 4; ++i) rig.report(record(radius::acct_status::stop, "F" + std::to_string(i)));
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.stops == 4; }));
  auto s = rig.stats();
  EXPECT_GT(s.dropped_interims, 0u);
  EXPECT_GE(s.interims + s.dropped_interims, 300u);  // written (older ones dropped for room), or dropped
  EXPECT_LT(s.records, 300u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_LE(s.bytes, settings.spool.max_bytes + settings.spool.max_bytes / 10);
  EXPECT_FALSE(refuse.load());
  server.set_up(true);
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.records == 0; }, 30s));
  const auto first = first_seen();
  for (int i = 0; i < 4; ++i) {
    const auto id = "F" + std::to_string(i);
    ASSERT_TRUE(first.count({id, start}) && first.count({id, stop})) << id;
    EXPECT_LT(first.at({id, start}), first.at({id, stop}));
  }
}

TEST_F(Accounting, FullSpoolRefusesNewSessionsUntilDrained) {
  settings.spool.max_bytes = 16 << 10;
  settings.spool.when_full = config::spool_full_policy::refuse_new_sessions;
  server.set_up(false);
  accounting_rig rig(settings, &refuse);
  for (int i = 0; i < 4; ++i) rig.report(record(radius::acct_status::start, "R" + std::to_string(i)));
  for (int n = 0; n < 300; ++n) rig.report(record(radius::acct_status::interim_update, "R" + std::to_string(n % 4)));
  for (int i = 0; i < 4; ++i) rig.report(record(radius::acct_status::stop, "R" + std::to_string(i)));
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.stops == 4; }));
  EXPECT_TRUE(refuse.load());
  auto s = rig.stats();
  EXPECT_TRUE(s.full);
  EXPECT_EQ(s.refused_sessions, 1u);
  EXPECT_EQ(s.lost, 0u);              // Stops went into the reserve
  EXPECT_GT(s.dropped_interims, 0u);  // those that did not fit are counted
  server.set_up(true);
  ASSERT_TRUE(rig.wait_for([](const auto& x) { return x.records == 0; }, 60s));
  EXPECT_FALSE(refuse.load());
  EXPECT_FALSE(rig.stats().full);
  const auto first = first_seen();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(first.count({"R" + std::to_string(i), stop})) << i;
}

}  // namespace
}  // namespace bras
