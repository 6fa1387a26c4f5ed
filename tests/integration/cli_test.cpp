// The operator interface end to end: brasd's Unix socket, SO_PEERCRED
// checks, the query fan-out behind `show`, and `clear` reaching the peers
// (CDN, StopCCN). A brasd LAC with emulated subscribers dials a brasd LNS
// over real UDP; the test talks to both daemons' sockets as bras-cli does
// (cli/wire.hpp).
#include <gtest/gtest.h>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

#include "cli/wire.hpp"
#include "tests/integration/ppp_harness.hpp"

namespace bras {
namespace {

using namespace ppp_harness;
using event = actors::subscriber_event;

struct reply {
  bool connected = false;
  bool ok = false;
  std::string body;
};

/// A connected Unix stream socket, or -1.
int connect_to(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// One request as bras-cli sends it.
reply ask(const std::string& path, const std::string& line) {
  reply r;
  const int fd = connect_to(path);
  if (fd < 0) return r;
  r.connected = true;
  const auto request = line + "\n";
  // MSG_NOSIGNAL: a refusal must come back as a reply, never as SIGPIPE.
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ADD_FAILURE() << "send";
  }
  std::string all;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (all.starts_with(cli::wire::status_ok)) {
    r.ok = true;
    r.body = all.substr(cli::wire::status_ok.size());
  } else if (all.starts_with(cli::wire::status_error)) {
    r.body = all.substr(cli::wire::status_error.size());
  } else {
    ADD_FAILURE() << "no status line in reply: " << all;
  }
  return r;
}

std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

bool has_word(const std::string& text, const std::string& word) {
  return std::regex_search(text, std::regex{"(^|[^0-9A-Za-z])" + word + "([^0-9A-Za-z]|$)"});
}

/// A session row of the standard listing: local ID, remote ID, state.
bool has_session_row(const std::string& text, std::uint16_t sid) {
  return std::regex_search(text, std::regex{"(^|\n) +" + std::to_string(sid) + " +[0-9]+ +[A-Za-z]"});
}

std::string socket_dir() {
  auto dir = "/tmp/bras-cli-test-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

/// An LNS and an LAC that both serve the operator interface, and three
/// subscribers (alice twice, bob) up through them.
struct operated_pair {
  operated_pair()
      : dir{socket_dir()}, lns{[this] {
          auto c = ppp_lns("  ipv6: false\n");
          c.cli.socket = dir + "/lns.sock";
          return c;
        }()} {
    lns.start();
    auto c = lac_settings(lns.local(0).port, "s3cret", 0);
    c.cli.socket = dir + "/lac.sock";
    lac = std::make_unique<app::daemon>(std::move(c));
    lac->start();
    obs = std::make_unique<observer>(lac->system());
    subs.push_back(dial(*lac, *obs, 1, client("alice", "wonderland", 0x501)));
    subs.push_back(dial(*lac, *obs, 2, client("alice", "wonderland", 0x502)));
    subs.push_back(dial(*lac, *obs, 3, client("bob", "builder", 0x503)));
    up = obs->wait([&] { return obs->count(event::kind::ipv4_up) == 3; });
    // The subscriber sees IPCP open a moment before the LNS records it.
    up = up && eventually([&] { return sessions_with_address() == 3; });
  }
  ~operated_pair() {
    subs.clear();
    obs.reset();
    lac.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// The LNS's sessions, straight from the query actor.
  model::query_snapshot query(model::query_filter f = {}) {
    caf::scoped_actor self{lns.system()};
    model::query_snapshot out;
    self->request(lns.query(), 10s, actors::query_atom::value, model::query_request{std::move(f)})
        .receive([&](model::query_snapshot& q) { out = std::move(q); }, [&](caf::error&) { ADD_FAILURE(); });
    return out;
  }
  std::size_t sessions_with_address() {
    std::size_t n = 0;
    for (const auto& t : query().tunnels) {
      for (const auto& s : t.sessions) n += s.address != 0 ? 1 : 0;
    }
    return n;
  }
  const model::session_snapshot* session_of(const model::query_snapshot& q, const std::string& user) {
    for (const auto& t : q.tunnels) {
      for (const auto& s : t.sessions) {
        if (s.user == user) return &s;
      }
    }
    return nullptr;
  }

  std::string dir;
  app::daemon lns;
  std::unique_ptr<app::daemon> lac;
  std::unique_ptr<observer> obs;
  std::vector<actors::subscriber_actor> subs;
  bool up = false;
};

/// A PPP LNS serving the operator interface on a socket in a scratch
/// directory, which goes when it does.
struct served_lns {
  explicit served_lns(const std::string& operator_group = "bras") : dir{socket_dir()} {
    cfg = ppp_lns("  ipv6: false\n");
    cfg.cli.socket = dir + "/cli.sock";
    cfg.cli.operator_group = operator_group;
    lns = std::make_unique<app::daemon>(cfg);
    lns->start();
  }
  ~served_lns() {
    lns->shutdown();
    lns.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  [[nodiscard]] const std::string& sock() const { return cfg.cli.socket; }

  std::string dir;
  config::settings cfg;
  std::unique_ptr<app::daemon> lns;
};

TEST(CliSocket, IsOwnerAndGroupOnly) {
  operated_pair p;
  struct stat st {};
  ASSERT_EQ(::stat((p.dir + "/lns.sock").c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST(CliSocket, ShowAgreesWithTheQueryActorAndFiltersSelect) {
  operated_pair p;
  ASSERT_TRUE(p.up);
  const auto q = p.query();
  ASSERT_EQ(q.tunnels.size(), 1u);
  ASSERT_EQ(q.tunnels[0].sessions.size(), 3u);
  const auto* bob = p.session_of(q, "bob");
  ASSERT_NE(bob, nullptr);
  const auto lns_sock = p.dir + "/lns.sock";

  auto all = ask(lns_sock, "show services l2tp session");
  ASSERT_TRUE(all.ok) << all.body;
  EXPECT_TRUE(has_word(all.body, std::to_string(q.tunnels[0].tunnel.local_tunnel_id))) << all.body;
  std::size_t established = 0;
  for (const auto& s : q.tunnels[0].sessions) {
    EXPECT_TRUE(has_session_row(all.body, s.local_session_id)) << s.local_session_id << "\n" << all.body;
  }
  for (std::size_t at = 0; (at = all.body.find("Established", at)) != std::string::npos; ++at) ++established;
  EXPECT_EQ(established, 3u) << all.body;

  // Abbreviated, with a filter: only bob's session.
  auto only_bob = ask(lns_sock, "sh ser l2 sess user bob");
  ASSERT_TRUE(only_bob.ok) << only_bob.body;
  EXPECT_TRUE(has_session_row(only_bob.body, bob->local_session_id)) << only_bob.body;
  for (const auto& s : q.tunnels[0].sessions) {
    if (s.user != "bob") {
      EXPECT_FALSE(has_session_row(only_bob.body, s.local_session_id)) << only_bob.body;
    }
  }
  auto by_id =
      ask(lns_sock, "show services l2tp session extensive local-session-id " + std::to_string(bob->local_session_id));
  ASSERT_TRUE(by_id.ok) << by_id.body;
  EXPECT_NE(by_id.body.find("Session local ID: " + std::to_string(bob->local_session_id)), std::string::npos)
      << by_id.body;
  EXPECT_EQ(by_id.body.find("Session local ID: " +
                            std::to_string(q.tunnels[0].sessions[0].local_session_id == bob->local_session_id
                                               ? q.tunnels[0].sessions[1].local_session_id
                                               : q.tunnels[0].sessions[0].local_session_id)),
            std::string::npos);
  // Every filter of the reference page: the matching value selects all
  // three sessions, a wrong one none. (brasd's interface is its tun device:
  // empty here, so the interface filter takes the name.unit form.)
  const auto& t = q.tunnels[0].tunnel;
  auto ip = [](std::uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) +
           "." + std::to_string(a & 255);
  };
  const std::vector<std::pair<std::string, std::string>> filters{
      {"local-tunnel-id " + std::to_string(t.local_tunnel_id),
       "local-tunnel-id " + std::to_string(t.local_tunnel_id + 1)},
      {"local-gateway " + ip(t.local.address), "local-gateway 192.0.2.1"},
      {"local-gateway-name lo", "local-gateway-name elsewhere"},
      {"peer-gateway " + ip(t.peer.address), "peer-gateway 192.0.2.2"},
      {"peer-gateway-name lac-under-test", "peer-gateway-name someone-else"},
      {"tunnel-group g", "tunnel-group h"},
      {"interface ." + std::to_string(bob->interface_unit), "interface bras9"},
  };
  for (const auto& [match, miss] : filters) {
    auto hit = ask(lns_sock, "show services l2tp session " + match + " | match Established | count");
    EXPECT_TRUE(hit.ok) << match << ": " << hit.body;
    const auto expected = match.starts_with("interface") ? "Count: 1 lines" : "Count: 3 lines";
    EXPECT_NE(hit.body.find(expected), std::string::npos) << match << ": " << hit.body;
    auto none = ask(lns_sock, "show services l2tp session " + miss + " | match Established | count");
    EXPECT_TRUE(none.ok) << miss << ": " << none.body;
    EXPECT_NE(none.body.find("Count: 0 lines"), std::string::npos) << miss << ": " << none.body;
  }

  auto nobody = ask(lns_sock, "show services l2tp session user mallory");
  ASSERT_TRUE(nobody.ok);
  EXPECT_EQ(nobody.body.find("Established"), std::string::npos) << nobody.body;

  // | count counts the lines the plain command prints.
  auto counted = ask(lns_sock, "show services l2tp session | count");
  ASSERT_TRUE(counted.ok);
  EXPECT_NE(counted.body.find("Count: " + std::to_string(lines(all.body)) + " lines"), std::string::npos)
      << counted.body;
  auto matched = ask(lns_sock, "show services l2tp session | match Established | count");
  EXPECT_NE(matched.body.find("Count: 3 lines"), std::string::npos) << matched.body;

  // The tunnel and summary views see the same tunnel and sessions.
  auto tunnels = ask(lns_sock, "show services l2tp tunnel");
  ASSERT_TRUE(tunnels.ok);
  EXPECT_TRUE(has_word(tunnels.body, std::to_string(q.tunnels[0].tunnel.local_tunnel_id))) << tunnels.body;
  auto summary = ask(lns_sock, "show services l2tp summary");
  ASSERT_TRUE(summary.ok);
  EXPECT_NE(summary.body.find("Sessions: 3"), std::string::npos) << summary.body;
  EXPECT_NE(summary.body.find("Tunnels: 1"), std::string::npos) << summary.body;

  // The LAC shows the same calls from its side.
  auto lac_view = ask(p.dir + "/lac.sock", "show services l2tp session");
  ASSERT_TRUE(lac_view.ok) << lac_view.body;
  std::size_t lac_established = 0;
  for (std::size_t at = 0; (at = lac_view.body.find("Established", at)) != std::string::npos; ++at) ++lac_established;
  EXPECT_EQ(lac_established, 3u) << lac_view.body;

  // Nonsense is refused with the reason, and the daemon carries on.
  auto bad = ask(lns_sock, "show services l2tp sessionz");
  EXPECT_TRUE(bad.connected);
  EXPECT_FALSE(bad.ok);
  EXPECT_FALSE(bad.body.empty());
  EXPECT_TRUE(ask(lns_sock, "show services l2tp summary").ok);
}

TEST(CliSocket, ClearReachesThePeers) {
  operated_pair p;
  ASSERT_TRUE(p.up);
  const auto q = p.query();
  const auto* bob = p.session_of(q, "bob");
  ASSERT_NE(bob, nullptr);
  const auto sid = std::to_string(bob->local_session_id);
  const auto lns_sock = p.dir + "/lns.sock";

  // One session: the LAC gets a CDN and bob's PPP ends; nobody else's.
  auto cleared = ask(lns_sock, "clear services l2tp session local-session-id " + sid);
  ASSERT_TRUE(cleared.ok) << cleared.body;
  EXPECT_NE(cleared.body.find("Session " + sid + " closed"), std::string::npos) << cleared.body;
  EXPECT_TRUE(p.obs->wait([&] { return p.obs->count(event::kind::finished) == 1; }));
  EXPECT_TRUE(eventually([&] { return p.lac->ctx().stats.sessions_active.load() == 2; }));
  EXPECT_TRUE(eventually([&] { return p.lns.ctx().stats.sessions_active.load() == 2; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(p.lns) == 2; }));
  EXPECT_EQ(p.query().tunnels.at(0).sessions.size(), 2u);

  // Statistics only: both remaining sessions say so and stay up.
  auto stats = ask(lns_sock, "clear services l2tp session statistics all");
  ASSERT_TRUE(stats.ok) << stats.body;
  std::size_t reset = 0;
  for (std::size_t at = 0; (at = stats.body.find("statistics cleared", at)) != std::string::npos; ++at) ++reset;
  EXPECT_EQ(reset, 2u) << stats.body;
  EXPECT_EQ(p.lns.ctx().stats.sessions_active.load(), 2);

  // The tunnel: StopCCN, the LAC's tunnel and calls go, every address returns.
  const auto tid = std::to_string(q.tunnels[0].tunnel.local_tunnel_id);
  auto closed = ask(lns_sock, "clear services l2tp tunnel all");
  ASSERT_TRUE(closed.ok) << closed.body;
  EXPECT_NE(closed.body.find("Tunnel " + tid + " closed"), std::string::npos) << closed.body;
  EXPECT_TRUE(eventually([&] { return p.lac->ctx().stats.tunnels_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return p.lns.ctx().stats.tunnels_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return p.lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return pool_in_use(p.lns) == 0; }));
  EXPECT_TRUE(p.obs->wait([&] { return p.obs->count(event::kind::finished) == 3; }));

  // Nothing left to clear: no lines, no error.
  auto again = ask(lns_sock, "clear services l2tp tunnel all");
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(again.body.find("closed"), std::string::npos) << again.body;
}

/// Runs `line` against `path` as uid/gid 65534 (nobody), with `gid` as the
/// primary group; returns the reply's first line.
std::string ask_as(const std::string& path, const std::string& line, gid_t gid) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(65534) != 0) ::_exit(2);
    auto r = ask(path, line);
    std::string out = !r.connected ? "not connected" : (r.ok ? "ok " : "error ") + r.body;
    if (::write(fds[1], out.data(), out.size()) < 0) ::_exit(3);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return out;
}

TEST(CliSocket, CallersOutsideTheOperatorGroupAreRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (to act as another user)";
  struct group* g = ::getgrnam("users");
  if (g == nullptr) GTEST_SKIP() << "no 'users' group here";
  const gid_t operators = g->gr_gid;
  served_lns served{"users"};
  const auto& sock = served.sock();
  struct stat st {};
  ASSERT_EQ(::stat(sock.c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, operators);  // the socket belongs to the operator group
  // With 0660, the file system already keeps strangers out ...
  EXPECT_EQ(ask_as(sock, "show services l2tp summary", 65534), "not connected");
  // ... and if someone loosens the mode, brasd itself still refuses them.
  ASSERT_EQ(::chmod(sock.c_str(), 0666), 0);
  auto refused = ask_as(sock, "show services l2tp summary", 65534);
  EXPECT_TRUE(refused.starts_with("error ")) << refused;
  EXPECT_NE(refused.find("permission denied"), std::string::npos) << refused;
  EXPECT_NE(refused.find("users"), std::string::npos) << refused;
  // A member of the operator group gets in.
  auto admitted = ask_as(sock, "show services l2tp summary", operators);
  EXPECT_TRUE(admitted.starts_with("ok ")) << admitted;
  EXPECT_NE(admitted.find("Sessions: 0"), std::string::npos) << admitted;
}

TEST(CliSocket, SetLogLevelChangesTheRunningLoggers) {
  served_lns served;
  const auto& sock = served.sock();
  const auto before = spdlog::get("ppp")->level();
  auto set = ask(sock, "set log level ppp debug");
  ASSERT_TRUE(set.ok) << set.body;
  EXPECT_EQ(set.body, "Log level of ppp set to debug\n");
  EXPECT_EQ(spdlog::get("ppp")->level(), spdlog::level::debug);
  auto shown = ask(sock, "show log level | match ppp");
  EXPECT_TRUE(shown.ok);
  EXPECT_TRUE(std::regex_search(shown.body, std::regex{"^ppp +debug"})) << shown.body;
  auto all = ask(sock, "set log level all warning");
  EXPECT_NE(all.body.find("Log level of l2tp set to warning"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find("Log level of cli set to warning"), std::string::npos) << all.body;
  EXPECT_EQ(spdlog::get("ppp")->level(), spdlog::level::warn);
  EXPECT_FALSE(ask(sock, "set log level ppp loud").ok);
  EXPECT_EQ(spdlog::get("ppp")->level(), spdlog::level::warn);
  spdlog::get("ppp")->set_level(before);
}

TEST(CliSocket, AaaCommandsAnswerFromTheAaaSnapshot) {
  // No RADIUS configured: the query actor answers at once, and each view says so, in every format.
  served_lns served;
  const auto& sock = served.sock();
  auto stats = ask(sock, "show network-access aaa statistics");
  ASSERT_TRUE(stats.ok) << stats.body;
  EXPECT_EQ(stats.body, "RADIUS is not configured\n");
  auto servers = ask(sock, "sh net aaa rad");
  ASSERT_TRUE(servers.ok) << servers.body;
  EXPECT_EQ(servers.body, "No RADIUS servers configured\n");
  auto spool = ask(sock, "show network-access aaa accounting-spool | display json");
  ASSERT_TRUE(spool.ok) << spool.body;
  EXPECT_NE(spool.body.find("\"aaa-accounting-spool-information\""), std::string::npos) << spool.body;
  EXPECT_NE(spool.body.find("\"spool-enabled\""), std::string::npos) << spool.body;
  auto xml = ask(sock, "show network-access aaa statistics | display xml | match radius-configured");
  ASSERT_TRUE(xml.ok) << xml.body;
  EXPECT_NE(xml.body.find("<radius-configured>no</radius-configured>"), std::string::npos) << xml.body;
  EXPECT_FALSE(ask(sock, "show network-access aaa").ok);  // incomplete: a syntax error, not a query
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator{"/proc/self/fd"}) ++n;
  return n;
}

TEST(CliSocket, ClientsThatHangUpEarlyLeaveNothingBehind) {
  served_lns served;
  ASSERT_TRUE(ask(served.sock(), "show services l2tp summary").ok);
  const auto before = open_fds();
  for (int i = 0; i < 200; ++i) {
    const int fd = connect_to(served.sock());
    ASSERT_GE(fd, 0);
    if (i % 2 == 1) {
      ASSERT_EQ(::send(fd, "show serv", 9, MSG_NOSIGNAL), 9);  // half a line, no newline
    }
    ::close(fd);
  }
  // Every one of those connections is closed by brasd, not kept until it stops.
  EXPECT_TRUE(eventually([&] { return open_fds() <= before; }, 5s)) << open_fds() << " open, " << before << " before";
  EXPECT_TRUE(ask(served.sock(), "show services l2tp summary").ok);
}

TEST(CliSocket, AStaleSocketFileIsReplacedAndAMissingDirectoryCreated) {
  // What a crashed daemon leaves behind: a socket file nobody serves.
  const auto dir = socket_dir() + "/not-yet";
  const auto path = dir + "/cli.sock";
  std::filesystem::create_directories(dir);
  {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::is_socket(path));
  ASSERT_EQ(connect_to(path), -1);
  auto cfg = ppp_lns("  ipv6: false\n");
  cfg.cli.socket = path;
  {
    app::daemon lns{cfg};
    lns.start();
    EXPECT_TRUE(ask(path, "show services l2tp summary").ok);
    lns.shutdown();
  }
  EXPECT_FALSE(std::filesystem::exists(path));  // removed on the way out
  std::filesystem::remove_all(dir);
  // A directory that does not exist yet is created.
  {
    app::daemon lns{cfg};
    lns.start();
    EXPECT_TRUE(std::filesystem::is_directory(dir));
    EXPECT_TRUE(ask(path, "show services l2tp summary").ok);
    lns.shutdown();
  }
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path{dir}.parent_path(), ec);
}

TEST(CliSocket, ASecondDaemonOnTheSameSocketFailsAndLeavesTheFirstServing) {
  served_lns first;
  EXPECT_THROW(app::daemon second{first.cfg}, std::system_error);
  EXPECT_TRUE(ask(first.sock(), "show services l2tp summary").ok);
}

}  // namespace
}  // namespace bras
