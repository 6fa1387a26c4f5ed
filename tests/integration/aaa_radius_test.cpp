// The AAA actor's RADIUS backend against a real FreeRADIUS (Debian's 3.2,
// stock configuration: tests/integration/freeradius.hpp): PAP and CHAP accepts with their attributes
// (Framed-IP reserved, Framed-Pool by name, timeouts, Class, MTU), Reject with
// its Reply-Message, tagged tunnel attributes for the LAC (merged into a local
// tunnel profile named by ERX-Tunnel-Group), and the refusals RADIUS itself
// cannot produce: a silent server (timeout, queue full) and a full spool.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/aaa.hpp"
#include "actors/radius_client.hpp"
#include "io/asio.hpp"
#include "io/radius_socket.hpp"
#include "protocol/common/crypto.hpp"
#include "tests/integration/freeradius.hpp"
#include "tests/integration/harness.hpp"

namespace bras {
namespace {

constexpr std::uint32_t loopback = 0x7f000001;

/// A UDP socket on 127.0.0.1 that never answers: a RADIUS server that is down but not refusing.
struct silent_server {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::uint16_t port = 0;
  silent_server() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(loopback);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~silent_server() { ::close(fd); }
  silent_server(const silent_server&) = delete;
  silent_server& operator=(const silent_server&) = delete;
};

const char* const users = R"(pap-ip	Cleartext-Password := "pw-ip"
	Framed-IP-Address = 10.77.0.5,
	Session-Timeout = 3600,
	Idle-Timeout = 600,
	Acct-Interim-Interval = 300,
	Class = "gold",
	Framed-MTU = 1400,
	Reply-Message = "hello"

pool-user	Cleartext-Password := "pw-pool"
	Framed-Pool = "radius-pool"

bad-pool	Cleartext-Password := "pw-bad"
	Framed-Pool = "no-such-pool"

chap-user	Cleartext-Password := "chap-secret"
	Framed-IP-Address = 255.255.255.254

suspended	Auth-Type := Reject
	Reply-Message = "account suspended"

lac@tunnel.example	Cleartext-Password := "pw-lac"
	Tunnel-Type:1 = L2TP,
	Tunnel-Medium-Type:1 = IPv4,
	Tunnel-Server-Endpoint:1 = "192.0.2.1",
	Tunnel-Password:1 = "x",
	Tunnel-Preference:1 = 1,
	Tunnel-Type:2 = L2TP,
	Tunnel-Medium-Type:2 = IPv4,
	Tunnel-Server-Endpoint:2 = "192.0.2.9",
	Tunnel-Preference:2 = 2

v6-static	Cleartext-Password := "pw-v6"
	Framed-IPv6-Prefix = 2001:db8:100:5::/64,
	Delegated-IPv6-Prefix = 2001:db8:7777:ab00::/56

v6-pools	Cleartext-Password := "pw-v6"
	Framed-IPv6-Pool = "radius-v6",
	Delegated-IPv6-Prefix-Pool = "radius-pd"

grouped@tunnel.example	Cleartext-Password := "pw-grouped"
	ERX-Tunnel-Group = "isp",
	Tunnel-Type:1 = L2TP,
	Tunnel-Medium-Type:1 = IPv4,
	Tunnel-Server-Endpoint:1 = "192.0.2.1",
	Tunnel-Password:1 = "from-radius"
)";

config::settings aaa_settings() {
  config::settings s;
  s.l2tp.host_name = "bras-under-test";
  s.address_pools = {{"default", {*config::parse_prefix("10.77.0.0/24")}, {}},
                     {"radius-pool", {*config::parse_prefix("10.88.0.0/24")}, {}}};
  s.ppp.address_pool = "default";
  s.aaa.method = config::aaa_method::radius;
  s.aaa.domains = {{"local.example", config::aaa_method::local}};
  config::subscriber carol;
  carol.user = "carol@local.example";
  carol.password = "pw-local";
  s.aaa.subscribers = {carol};
  // The LAC's local profile "isp" that an Accept naming it merges with.
  config::lns_destination a;
  a.name = "lns-a";
  a.address = "192.0.2.1";
  a.port = 1702;
  a.secret = "local-a";
  a.max_sessions = 40;
  config::lns_destination b;
  b.name = "lns-b";
  b.address = "192.0.2.2";
  b.secret = "local-b";
  s.l2tp.destinations = {a, b};
  s.l2tp.tunnel_profiles = {{"isp", {"lns-a", "lns-b"}, "weighted"}};
  return s;
}

config::radius_group_settings group_at(std::uint16_t port, std::chrono::milliseconds timeout, unsigned retries,
                                       unsigned max_outstanding = 256) {
  config::radius_server_settings srv;
  srv.address = loopback;
  srv.port = port;
  srv.secret = "testing123";
  srv.timeout = timeout;
  srv.retries = retries;
  srv.max_outstanding = max_outstanding;
  config::radius_group_settings g;
  g.servers = {srv};
  return g;
}

/// An AAA actor with a RADIUS client over real UDP sockets.
class aaa_radius_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0 || std::system("command -v freeradius >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "needs root and freeradius";
    }
    io_thread_ = std::thread{[this] { io_.run(); }};
    transport_ = std::make_shared<io::radius_sockets>(io_);
    system_cfg_.set("scheduler.max-threads", 2);
    system_cfg_.set("logger.verbosity", caf::atom("quiet"));
    system_.emplace(system_cfg_);  // the config must outlive the system
    log_ = spdlog::get("aaa-radius-test");
    if (!log_) log_ = spdlog::stderr_color_mt("aaa-radius-test");
    log_->set_level(spdlog::level::warn);
  }

  void TearDown() override {
    if (!system_) return;
    for (auto& a : actors_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : clients_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    actors_.clear();
    clients_.clear();
    system_->await_all_actors_done();
    transport_->stop();
    guard_.reset();
    io_.stop();
    io_thread_.join();
  }

  /// An AAA actor whose RADIUS client sends to `group`.
  actors::aaa_actor spawn(const config::radius_group_settings& group, std::size_t queue_limit = 4096) {
    actors::radius_client_config rc;
    rc.group = actors::group_config_of(group);
    rc.transport = transport_;
    rc.source_address = loopback;
    rc.queue_limit = queue_limit;
    rc.log = log_;
    auto client = actors::spawn_radius_client(*system_, rc);
    if (auto* e = std::get_if<std::string>(&client)) ADD_FAILURE() << *e;
    clients_.push_back(std::get<actors::radius_client_actor>(client));
    actors::aaa_config ac;
    ac.settings = &settings_;
    ac.stats = &stats_;
    ac.log = log_;
    ac.radius = clients_.back();
    ac.accounting_refuses = &refuses_;
    auto db = actors::load_subscriber_db(settings_.aaa);
    auto aaa = actors::spawn_aaa(*system_, ac, std::move(std::get<actors::subscriber_db>(db)));
    if (auto* e = std::get_if<std::string>(&aaa)) ADD_FAILURE() << *e;
    actors_.push_back(std::get<actors::aaa_actor>(aaa));
    return actors_.back();
  }

  /// Asks as `session` (the grant's holder), or as a throwaway actor.
  actors::aaa_verdict ask(const actors::aaa_actor& aaa, actors::aaa_request r, caf::scoped_actor* session = nullptr) {
    actors::aaa_verdict out;
    out.reason = "no-answer";
    std::optional<caf::scoped_actor> own;
    if (session == nullptr) session = &own.emplace(*system_);
    (*session)
        ->request(aaa, 20s, std::move(r))
        .receive([&](actors::aaa_verdict& v) { out = std::move(v); },
                 [&](caf::error& e) { out.reason = "error: " + caf::to_string(e); });
    return out;
  }

  static actors::aaa_request pap(std::string user, std::string password) {
    actors::aaa_request r;
    r.user = std::move(user);
    r.password = std::move(password);
    r.line.nas_port_id = "l2tp:1:1";
    r.acct_session_id = "test-0001";
    return r;
  }

  config::settings settings_ = aaa_settings();
  model::counters stats_;
  std::atomic<bool> refuses_{false};
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_{
      boost::asio::make_work_guard(io_)};
  std::thread io_thread_;
  std::shared_ptr<io::radius_sockets> transport_;
  caf::actor_system_config system_cfg_;
  std::optional<caf::actor_system> system_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<actors::radius_client_actor> clients_;
  std::vector<actors::aaa_actor> actors_;
};

/// One FreeRADIUS for every test that needs a real one (it takes a second or two to start).
class with_freeradius : public aaa_radius_test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0 || std::system("command -v freeradius >/dev/null 2>&1") != 0) return;
    server_ = new test::freeradius{users};
    if (!server_->ready()) ADD_FAILURE() << "FreeRADIUS did not start:\n" << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  actors::aaa_actor spawn_real() { return spawn(group_at(server_->auth_port(), 2000ms, 1)); }

  static test::freeradius* server_;
};
test::freeradius* with_freeradius::server_ = nullptr;

TEST_F(with_freeradius, PapAcceptCarriesFramedIpAndItsAttributes) {
  auto aaa = spawn_real();
  std::optional<caf::scoped_actor> session{*system_};  // holds the grant while it lives
  auto v = ask(aaa, pap("pap-ip", "pw-ip"), &*session);
  ASSERT_TRUE(v.accepted) << v.reason << " " << v.message << "\n" << server_->log();
  EXPECT_TRUE(v.radius);
  EXPECT_EQ(v.address, 0x0a4d0005U) << "Framed-IP-Address 10.77.0.5, reserved in the default pool";
  EXPECT_EQ(v.session_timeout, std::chrono::seconds{3600});
  EXPECT_EQ(v.idle_timeout, std::chrono::seconds{600});
  EXPECT_EQ(v.interim_interval, std::chrono::seconds{300});
  ASSERT_EQ(v.classes.size(), 1U);
  EXPECT_EQ(wire::to_string(v.classes[0]), "gold");
  EXPECT_EQ(v.framed_mtu, 1400);
  EXPECT_EQ(v.message, "hello");
  // The address is held like a local static one: a second session cannot have it...
  auto again = ask(aaa, pap("pap-ip", "pw-ip"));
  EXPECT_TRUE(again.accepted);
  EXPECT_EQ(again.address, 0U);
  EXPECT_EQ(stats_.auth_accepts.load(), 2U);
  // ...until the first session ends holding it (no release: the AAA actor's monitor takes it back).
  session.reset();
  EXPECT_TRUE(eventually([&] { return ask(aaa, pap("pap-ip", "pw-ip")).address == 0x0a4d0005U; }));
  EXPECT_NE(server_->log().find("User-Name = \"pap-ip\""), std::string::npos);
}

TEST_F(with_freeradius, FramedPoolPicksThePoolByNameAndAnUnknownOneIsRefused) {
  auto aaa = spawn_real();
  caf::scoped_actor session{*system_};
  auto v = ask(aaa, pap("pool-user", "pw-pool"), &session);
  ASSERT_TRUE(v.accepted) << v.reason;
  EXPECT_EQ(v.address >> 8, 0x0a5800U) << "from radius-pool (10.88.0.0/24)";
  auto bad = ask(aaa, pap("bad-pool", "pw-bad"));
  EXPECT_FALSE(bad.accepted);
  EXPECT_EQ(bad.reason, "unknown-pool");
  caf::scoped_actor operator_{*system_};
  auto radius_pool_in_use = [&] {
    std::size_t in_use = 99;
    operator_->request(aaa, 5s, actors::pool_atom::value)
        .receive(
            [&](std::vector<model::pool_usage>& u) {
              if (u.size() == 2) in_use = u[1].in_use;
            },
            [](caf::error&) {});
    return in_use;
  };
  EXPECT_EQ(radius_pool_in_use(), 1U) << "held by the session, like a local grant";
  // The session's release gives it back.
  session->send(aaa, actors::aaa_release{"pool-user", v.address, std::nullopt, std::nullopt});
  EXPECT_TRUE(eventually([&] { return radius_pool_in_use() == 0; }));
}

TEST_F(with_freeradius, Ipv6PrefixesFromTheAcceptItsPoolsOrTheDefaults) {
  auto v6 = [](std::string_view t) { return *ip::parse_ipv6_prefix(t); };
  settings_.prefix_pools = {{"demo-v6", {v6("2001:db8:100::/48")}, 64, {}},
                            {"radius-v6", {v6("2001:db8:200::/48")}, 64, {}},
                            {"demo-pd", {v6("2001:db8:8000::/40")}, 56, {}},
                            {"radius-pd", {v6("2001:db8:9000::/40")}, 56, {}}};
  settings_.ipv6.prefix_pool = "demo-v6";
  settings_.ipv6.delegated_prefix_pool = "demo-pd";
  auto aaa = spawn_real();
  auto text = [](const std::optional<ip::ipv6_prefix>& p) { return p ? ip::to_string(*p) : "<none>"; };
  std::optional<caf::scoped_actor> holder{*system_};
  // Framed-IPv6-Prefix (in demo-v6: reserved there) and Delegated-IPv6-Prefix (in no pool: held).
  auto fixed = ask(aaa, pap("v6-static", "pw-v6"), &*holder);
  ASSERT_TRUE(fixed.accepted) << fixed.reason << "\n" << server_->log();
  EXPECT_EQ(text(fixed.framed_ipv6_prefix), "2001:db8:100:5::/64");
  EXPECT_EQ(text(fixed.delegated_ipv6_prefix), "2001:db8:7777:ab00::/56");
  auto twice = ask(aaa, pap("v6-static", "pw-v6"));
  EXPECT_TRUE(twice.accepted) << "IPv4 still works";
  EXPECT_EQ(text(twice.framed_ipv6_prefix), "<none>") << "held by the first session";
  EXPECT_EQ(text(twice.delegated_ipv6_prefix), "<none>");
  // Framed-IPv6-Pool and Delegated-IPv6-Prefix-Pool pick the pools by name.
  caf::scoped_actor session{*system_};
  auto pooled = ask(aaa, pap("v6-pools", "pw-v6"), &session);
  ASSERT_TRUE(pooled.accepted);
  EXPECT_EQ(text(pooled.framed_ipv6_prefix), "2001:db8:200::/64");
  EXPECT_EQ(text(pooled.delegated_ipv6_prefix), "2001:db8:9000::/56");
  // No IPv6 attribute: the ipv6 section's default pools.
  caf::scoped_actor plain{*system_};
  auto defaults = ask(aaa, pap("pool-user", "pw-pool"), &plain);
  EXPECT_EQ(text(defaults.framed_ipv6_prefix), "2001:db8:100::/64");
  EXPECT_EQ(text(defaults.delegated_ipv6_prefix), "2001:db8:8000::/56");
  caf::scoped_actor operator_{*system_};
  auto in_use = [&](const std::string& name) {
    std::size_t n = 99;
    operator_->request(aaa, 5s, actors::pool_atom::value)
        .receive(
            [&](std::vector<model::pool_usage>& u) {
              for (const auto& p : u) {
                if (p.name == name) n = p.in_use;
              }
            },
            [](caf::error&) {});
    return n;
  };
  EXPECT_EQ(in_use("radius-v6"), 1U);
  EXPECT_EQ(in_use("radius-pd"), 1U);
  EXPECT_EQ(in_use("demo-v6"), 2U);
  // The session's release gives its prefixes back; the holder's end gives the static ones back.
  session->send(
      aaa, actors::aaa_release{"v6-pools", pooled.address, pooled.framed_ipv6_prefix, pooled.delegated_ipv6_prefix});
  EXPECT_TRUE(eventually([&] { return in_use("radius-v6") == 0 && in_use("radius-pd") == 0; }));
  holder.reset();
  EXPECT_TRUE(eventually([&] { return in_use("demo-v6") == 1; }));
  auto back = ask(aaa, pap("v6-static", "pw-v6"));
  EXPECT_EQ(text(back.delegated_ipv6_prefix), "2001:db8:7777:ab00::/56");
}

TEST_F(with_freeradius, ChapAcceptFromThePoolAndRejectWithReplyMessage) {
  auto aaa = spawn_real();
  actors::aaa_request chap;
  chap.chap = true;
  chap.user = "chap-user";
  chap.chap_id = 7;
  chap.challenge = wire::bytes(16, std::byte{0x5a});
  const std::byte id{7};
  const auto digest = wire::md5({std::span{&id, 1}, wire::to_bytes(std::string_view{"chap-secret"}), chap.challenge});
  ASSERT_TRUE(digest.has_value());
  chap.response.assign(digest->begin(), digest->end());
  auto v = ask(aaa, chap);
  ASSERT_TRUE(v.accepted) << v.reason;
  EXPECT_EQ(v.address >> 8, 0x0a4d00U) << "255.255.255.254: the default pool";

  auto wrong = chap;
  wrong.response[0] ^= std::byte{1};
  auto refused = ask(aaa, wrong);
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.reason, "radius-reject");
  EXPECT_EQ(refused.message, "authentication failed");

  auto suspended = ask(aaa, pap("suspended", "whatever"));
  EXPECT_FALSE(suspended.accepted);
  EXPECT_EQ(suspended.reason, "radius-reject");
  EXPECT_EQ(suspended.message, "account suspended");
  EXPECT_EQ(stats_.auth_rejects.load(), 2U);
}

TEST_F(with_freeradius, LocalRealmStaysLocalAndSpoolFullRefusesRadiusUsers) {
  auto aaa = spawn_real();
  auto local = ask(aaa, pap("carol@local.example", "pw-local"));
  EXPECT_TRUE(local.accepted) << local.reason;
  EXPECT_FALSE(local.radius);
  EXPECT_EQ(server_->log().find("carol@local.example"), std::string::npos) << "never sent to RADIUS";
  refuses_ = true;
  auto refused = ask(aaa, pap("pap-ip", "pw-ip"));
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.reason, "accounting-spool-full");
  EXPECT_EQ(refused.message, "service unavailable");
}

TEST_F(with_freeradius, LacVerdictCarriesTaggedTunnelsAndMergesANamedProfile) {
  auto aaa = spawn_real();
  auto r = pap("lac@tunnel.example", "pw-lac");
  r.lac = true;
  auto v = ask(aaa, r);
  ASSERT_TRUE(v.accepted) << v.reason;
  EXPECT_EQ(v.address, 0U) << "no address at the LAC";
  ASSERT_EQ(v.tunnels.size(), 2U);
  EXPECT_EQ(v.tunnels[0].address, 0xc0000201U);
  EXPECT_EQ(v.tunnels[0].secret, "x") << "Tunnel-Password decrypted";
  EXPECT_EQ(v.tunnels[0].tag, 1);
  EXPECT_EQ(v.tunnels[1].address, 0xc0000209U);
  EXPECT_EQ(v.tunnels[1].tag, 2);

  auto g = pap("grouped@tunnel.example", "pw-grouped");
  g.lac = true;
  auto merged = ask(aaa, g);
  ASSERT_TRUE(merged.accepted) << merged.reason;
  ASSERT_EQ(merged.tunnels.size(), 2U) << "the profile's two destinations, lns-a overridden by RADIUS";
  EXPECT_EQ(merged.tunnels[0].name, "lns-a");
  EXPECT_EQ(merged.tunnels[0].secret, "from-radius");
  EXPECT_EQ(merged.tunnels[0].port, 1702) << "filled from the local destination";
  EXPECT_EQ(merged.tunnels[0].max_sessions, 40U);
  EXPECT_EQ(merged.tunnels[1].name, "lns-b");
  EXPECT_EQ(merged.tunnels[1].secret, "local-b");
}

TEST_F(aaa_radius_test, SilentServerTimesOutAsUnavailable) {
  silent_server silent;
  auto aaa = spawn(group_at(silent.port, 200ms, 0));
  auto v = ask(aaa, pap("anyone", "pw"));
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.reason, "radius-timeout");
  EXPECT_EQ(v.message, "authentication unavailable");
  EXPECT_EQ(stats_.aaa_radius_unavailable.load(), 1U);
}

TEST_F(aaa_radius_test, FullQueueRefusesNewSessionsAtOnce) {
  silent_server silent;
  // One request outstanding and no queue: the second is refused while the first waits.
  auto aaa = spawn(group_at(silent.port, 3000ms, 0, 1), 0);
  caf::anon_send(aaa, pap("first", "pw"));  // its answer goes nowhere; it only holds the one slot
  const auto started = std::chrono::steady_clock::now();
  auto second = ask(aaa, pap("second", "pw"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "refused at once, not after a timeout";
  EXPECT_FALSE(second.accepted);
  EXPECT_EQ(second.reason, "radius-queue-full");
  EXPECT_EQ(second.message, "authentication unavailable");
}

}  // namespace
}  // namespace bras
