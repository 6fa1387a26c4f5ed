// bras_ppp_standin: a pppd stand-in for the xl2tpd interop test. This machine
// has no kernel PPP, so xl2tpd's real pppd exits at once; the test bind-mounts
// this program over /usr/sbin/pppd in a private mount namespace instead.
//
// xl2tpd 1.3.18 (userspace mode) starts it as
//   /usr/sbin/pppd /dev/pts/N passive nodetach <local:remote> [debug] file <options>
// (an LAC passes ":" as local:remote, an LNS "100.64.0.1:100.64.0.10") with
// the pty slave on stdin and stdout, stderr inherited from xl2tpd (its log),
// xl2tpd's environment passed through, as a session leader whose controlling
// terminal is that pty (closing the call closes the master: SIGHUP or EOF).
// xl2tpd relays async HDLC (RFC 1662) between the pty and L2TP data messages,
// stripping the FCS without checking it.
//
// The program runs one of the project's PPP engines on the pty in raw mode,
// framed by bras::ppp::hdlc, with a ppoll()-driven timer table:
//  - role "client" (default): bras::ppp::client_engine, the subscriber (LCP,
//    PAP or CHAP-MD5, IPCP, optionally IPv6CP): behind an xl2tpd LAC dialing
//    the LNS under test.
//  - role "server": bras::ppp::server_engine with a built-in verdict, behind
//    an xl2tpd LNS: lets the harness check itself (client stand-in <-> xl2tpd
//    LAC <-> xl2tpd LNS <-> server stand-in) without brasd.
// Only the pty (stdin, or the first /dev/ argument when stdin is not a
// terminal) and, for the server, "local:remote" are taken from the arguments.
//
// Environment:
//   BRAS_STANDIN_ROLE=client|server
//   BRAS_STANDIN_USER, BRAS_STANDIN_PASSWORD  the client's credentials (default
//                             "standin", ""); the server accepts only these
//                             (PAP password or CHAP-MD5 secret)
//   BRAS_STANDIN_LOG          file to append event lines to (always also on stderr)
//   BRAS_STANDIN_IPV4=0       do not run IPCP
//   BRAS_STANDIN_IPV6=1       run IPv6CP as well
//   BRAS_STANDIN_RESTART_MS   LCP/NCP restart timer (default 1000)
//   BRAS_STANDIN_ECHO_INTERVAL=S  send LCP Echo-Requests every S seconds (default: none)
//   BRAS_STANDIN_HANGUP_AFTER=S   once the network is up (and the ping answered
//                             or given up), wait S seconds then close the link
//                             (LCP Terminate-Request)
//   BRAS_STANDIN_DEBUG=1      also log every frame ("tx <hex>", "rx <hex>")
//   client only:
//   BRAS_STANDIN_PING=A.B.C.D after IPCP is up, send an ICMP Echo-Request from the
//                             assigned address once a second (at most
//                             BRAS_STANDIN_PING_COUNT, default 5) until answered
//   server only:
//   BRAS_STANDIN_AUTH=pap|chap|none  what to require (default chap)
//   BRAS_STANDIN_DNS=A.B.C.D[,A.B.C.D]  offered in IPCP (default none)
//   The server answers ICMP Echo-Requests to its own address.
//
// Event lines, "<event> key=value ..." (the event names are stable, tests grep them):
//   started role= pid= pty=      lcp-up auth=pap|chap|none mru= peer-mru=      lcp-down
//   auth-ok | auth-failed message=     (client: the LNS's verdict)
//   auth-request method= user= / auth-accepted / auth-rejected   (server)
//   ipcp-up address=<ours> peer=<theirs> dns=<primary>,<secondary>   ipcp-down
//   ipv6cp-up local-id= peer-id=      ipv6cp-down
//   ping-sent to= from= seq=   ping-reply from= seq=   ping-timeout to= sent=   ping-answered from=
//   hangup (SIGHUP)   sigterm   hangup-after   pty-closed <why>   close-timeout
//   finished cause=<RFC 3145> dir= message=
// Exits 0 after "finished", 1 if it cannot start.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "ip_helpers.hpp"
#include "protocol/common/bytes.hpp"
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/client.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/hdlc.hpp"
#include "protocol/ppp/server.hpp"

namespace {

using namespace bras;
namespace hdlc = bras::ppp::hdlc;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

volatile std::sig_atomic_t got_sigterm = 0;
volatile std::sig_atomic_t got_sighup = 0;

extern "C" void on_signal(int sig) {
  if (sig == SIGHUP) {
    got_sighup = 1;
  } else {
    got_sigterm = 1;
  }
}

std::string env(const char* name, std::string_view fallback = {}) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string{v} : std::string{fallback};
}

long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end != nullptr && *end == '\0' && n >= 0) ? n : fallback;
}

using interop::dotted;
using interop::hex64;
using interop::icmp_echo_reply;
using interop::icmp_echo_request;
using interop::make_icmp_echo;
using interop::parse_icmp_echo;
using interop::parse_ipv4;

constexpr std::uint16_t ping_ident = 0x4252;  // "BR"
constexpr std::string_view ping_payload = "bras-ppp-standin";

// ------------------------------------------------------------------ the loop

/// What the environment and arguments ask for besides the engine's configuration.
struct options {
  std::string log_path;
  std::string user;
  std::string password;
  std::uint32_t local_address = 0;    ///< server: ours (host order)
  std::uint32_t remote_address = 0;   ///< server: assigned to the client
  std::optional<std::uint32_t> ping;  ///< client: target (host order)
  unsigned ping_count = 5;
  std::optional<std::chrono::seconds> hangup_after;
  bool debug = false;
};

template <class Engine>
class standin {
  static constexpr bool is_server = std::is_same_v<Engine, ppp::server_engine>;

 public:
  /// `config`: the engine's (client_config or server_config); the engine is built in place.
  template <class Config>
  standin(int fd, std::string pty, options opts, Config config)
      : fd_(fd), pty_(std::move(pty)), opts_(std::move(opts)), engine_(std::move(config)) {}

  /// Runs until the engine reports `finished`; returns the exit status.
  int run() {
    event(std::string{"started role="} + (is_server ? "server" : "client") + " pid=" + std::to_string(::getpid()) +
          " pty=" + pty_);
    perform(engine_.start());
    sigset_t run_mask;
    sigprocmask(SIG_SETMASK, nullptr, &run_mask);
    sigdelset(&run_mask, SIGTERM);
    sigdelset(&run_mask, SIGINT);
    sigdelset(&run_mask, SIGHUP);
    while (!done_) {
      pollfd p{fd_, POLLIN, 0};
      const auto wait = until_next_deadline();
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(wait.count() / 1000);
      ts.tv_nsec = static_cast<long>((wait.count() % 1000) * 1000000);
      const int n = ppoll(&p, pty_open_ ? 1 : 0, &ts, &run_mask);
      if (n < 0 && errno != EINTR) {
        lower_down("poll-failed errno=" + std::to_string(errno));
        break;
      }
      handle_signals();
      if (!done_ && n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_pty();
      if (!done_) run_timers();
    }
    return 0;
  }

 private:
  void event(const std::string& line) {
    std::fprintf(stderr, "bras-ppp-standin[%d]: %s\n", static_cast<int>(::getpid()), line.c_str());
    if (opts_.log_path.empty()) return;
    const int lfd = ::open(opts_.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (lfd < 0) return;
    const std::string with_newline = line + "\n";
    write_all(lfd, wire::as_bytes(with_newline));  // one write: lines from two processes do not mix
    ::close(lfd);
  }

  static bool write_all(int fd, wire::byte_span data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      data = data.subspan(static_cast<std::size_t>(n));
    }
    return true;
  }

  void send(const wire::bytes& frame) {
    if (opts_.debug) event("tx " + wire::to_hex(frame));
    if (!pty_open_) return;
    // The default ACCM (every control byte escaped) suits any ACCM the peer asks for.
    if (!write_all(fd_, hdlc::encode(frame))) pty_closed("write errno=" + std::to_string(errno));
  }

  void pty_closed(const std::string& why) {
    if (!pty_open_) return;
    pty_open_ = false;
    lower_down("pty-closed " + why);
  }

  void lower_down(const std::string& why) {
    if (done_) return;
    event(why);
    perform(engine_.lower_down());
    done_ = true;  // lower_down always finishes; be sure even if it reported nothing
  }

  void close_link(const std::string& why, std::chrono::seconds grace) {
    event(why);
    closing_deadline_ = clock_type::now() + grace;
    if constexpr (is_server) {
      perform(engine_.close(ppp::cause::admin, why));
    } else {
      perform(engine_.close(why));
    }
  }

  void handle_signals() {
    if (got_sighup != 0) {
      got_sighup = 0;
      pty_open_ = false;  // the other end is gone: nothing more can be sent
      lower_down("hangup");
    }
    if (got_sigterm != 0 && !done_) {
      got_sigterm = 0;
      if (closing_deadline_) {
        lower_down("sigterm-again");
      } else {
        close_link("sigterm", 3s);
      }
    }
  }

  void read_pty() {
    std::array<std::byte, 4096> buf{};
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      pty_closed(n == 0 ? "eof" : "read errno=" + std::to_string(errno));
      return;
    }
    deframer_.feed(wire::byte_span{buf.data(), static_cast<std::size_t>(n)});
    while (!done_) {
      auto frame = deframer_.next();
      if (!frame) break;
      receive(*frame);
    }
  }

  [[nodiscard]] std::uint32_t our_address() const {
    if constexpr (is_server) {
      return opts_.local_address;
    } else {
      return engine_.address();
    }
  }

  void receive(const wire::bytes& frame) {
    if (opts_.debug) event("rx " + wire::to_hex(frame));
    auto f = ppp::decode_frame(frame);
    if (!f || (f->protocol != ppp::proto::ipv4 && f->protocol != ppp::proto::ipv6)) {
      perform(engine_.receive(frame));
      return;
    }
    if (f->protocol != ppp::proto::ipv4 || engine_.ipcp_state() != ppp::ppp_state::opened) return;
    auto echo = parse_icmp_echo(f->payload);
    if (!echo || echo->dst != our_address()) return;
    if (echo->type == icmp_echo_request) {
      event("ping-answered from=" + dotted(echo->src) + " seq=" + std::to_string(echo->seq));
      send(engine_.frame_ip(ppp::network::ipv4,
                            make_icmp_echo(icmp_echo_reply, echo->dst, echo->src, echo->ident, echo->seq, echo->data)));
    } else if (opts_.ping && echo->ident == ping_ident && !ping_answered_) {
      ping_answered_ = true;
      ping_next_.reset();
      event("ping-reply from=" + dotted(echo->src) + " seq=" + std::to_string(echo->seq));
      schedule_hangup();
    }
  }

  void run_timers() {
    const auto now = clock_type::now();
    for (std::size_t i = 0; i < timers_.size() && !done_; ++i) {
      // Re-read the table each time: an effect may have stopped a timer that is also due.
      if (timers_[i] && *timers_[i] <= now) {
        timers_[i].reset();
        perform(engine_.timeout(static_cast<ppp::timer>(i)));
      }
    }
    if (done_) return;
    if (ping_next_ && *ping_next_ <= now) send_ping();
    if (hangup_at_ && *hangup_at_ <= now) {
      hangup_at_.reset();
      close_link("hangup-after", 5s);
    }
    if (closing_deadline_ && *closing_deadline_ <= now) lower_down("close-timeout");
  }

  [[nodiscard]] std::chrono::milliseconds until_next_deadline() const {
    std::optional<clock_type::time_point> next;
    auto consider = [&next](const std::optional<clock_type::time_point>& t) {
      if (t && (!next || *t < *next)) next = t;
    };
    for (const auto& t : timers_) consider(t);
    consider(ping_next_);
    consider(hangup_at_);
    consider(closing_deadline_);
    if (!next) return 60s;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - clock_type::now());
    return std::max(left, std::chrono::milliseconds{0});
  }

  void send_ping() {
    if (ping_sent_ >= opts_.ping_count) {
      ping_next_.reset();
      event("ping-timeout to=" + dotted(*opts_.ping) + " sent=" + std::to_string(ping_sent_));
      schedule_hangup();
      return;
    }
    ++ping_sent_;
    const auto seq = static_cast<std::uint16_t>(ping_sent_);
    event("ping-sent to=" + dotted(*opts_.ping) + " from=" + dotted(our_address()) + " seq=" + std::to_string(seq));
    send(engine_.frame_ip(ppp::network::ipv4, make_icmp_echo(icmp_echo_request, our_address(), *opts_.ping, ping_ident,
                                                             seq, wire::as_bytes(ping_payload))));
    ping_next_ = clock_type::now() + 1s;
  }

  void schedule_hangup() {
    if (opts_.hangup_after && !hangup_at_ && !closing_deadline_) hangup_at_ = clock_type::now() + *opts_.hangup_after;
  }

  void note_lcp_state() {
    const bool open = engine_.lcp_state() == ppp::ppp_state::opened;
    if (open == lcp_open_) return;
    lcp_open_ = open;
    if (!open) {
      event("lcp-down");
      return;
    }
    const auto auth = engine_.auth_protocol();
    const char* method = auth == ppp::proto::pap ? "pap" : auth == ppp::proto::chap ? "chap" : "none";
    event(std::string{"lcp-up auth="} + method + " mru=" + std::to_string(engine_.mru()) +
          " peer-mru=" + std::to_string(engine_.peer_mru()));
  }

  void perform(const ppp::effects& effects) {
    for (const auto& e : effects) {
      std::visit([this](const auto& x) { apply(x); }, e);
      if (done_) return;
    }
    note_lcp_state();
  }

  void apply(const ppp::send_frame& e) { send(e.frame); }
  void apply(const ppp::arm_timer& e) { timers_.at(static_cast<std::size_t>(e.which)) = clock_type::now() + e.after; }
  void apply(const ppp::stop_timer& e) { timers_.at(static_cast<std::size_t>(e.which)).reset(); }

  void apply(const ppp::authenticate& e) {
    if constexpr (is_server) {
      note_lcp_state();  // lcp-up before the authentication lines
      bool ok = e.user == opts_.user;
      if (e.kind == ppp::authenticate::method::pap) {
        ok = ok && e.password == opts_.password;
      } else {
        auto expected = ppp::chap_md5_response(e.chap_id, wire::as_bytes(opts_.password), e.challenge);
        ok = ok && expected.ok() && std::ranges::equal(*expected, e.response);
      }
      event(std::string{"auth-request method="} + (e.kind == ppp::authenticate::method::pap ? "pap" : "chap") +
            " user=" + e.user);
      event(ok ? "auth-accepted" : "auth-rejected");
      perform(engine_.auth_result(ok, opts_.remote_address, ok ? "welcome" : "denied"));
    }
  }

  void apply(const ppp::auth_outcome& e) {
    if (e.accepted) {
      note_lcp_state();  // lcp-up before auth-ok in the log
      event("auth-ok");
    } else {
      event("auth-failed message=" + e.message);  // before lcp-down
    }
  }

  void apply(const ppp::network_up& e) {
    note_lcp_state();
    if (e.which == ppp::network::ipv6) {
      event("ipv6cp-up local-id=" + hex64(e.local_interface_id) + " peer-id=" + hex64(e.peer_interface_id));
      if (!opts_.ping) schedule_hangup();
      return;
    }
    event("ipcp-up address=" + dotted(e.local_address) + " peer=" + dotted(e.peer_address) +
          " dns=" + dotted(e.primary_dns) + "," + dotted(e.secondary_dns));
    if (opts_.ping) {
      ping_next_ = clock_type::now();
    } else {
      schedule_hangup();
    }
  }

  void apply(const ppp::network_down& e) {
    event(e.which == ppp::network::ipv6 ? "ipv6cp-down" : "ipcp-down");
    if (e.which == ppp::network::ipv4) ping_next_.reset();
  }

  void apply(const ppp::finished& e) {
    note_lcp_state();
    event("finished cause=" + std::to_string(e.cause) + " dir=" + std::to_string(static_cast<int>(e.dir)) +
          " message=" + e.message);
    done_ = true;
  }

  int fd_;
  std::string pty_;
  options opts_;
  Engine engine_;
  hdlc::deframer deframer_;
  std::array<std::optional<clock_type::time_point>, ppp::timer_count> timers_{};
  std::optional<clock_type::time_point> ping_next_;
  std::optional<clock_type::time_point> hangup_at_;
  std::optional<clock_type::time_point> closing_deadline_;
  unsigned ping_sent_ = 0;
  bool ping_answered_ = false;
  bool pty_open_ = true;
  bool lcp_open_ = false;
  bool done_ = false;
};

/// Opens the pty xl2tpd handed over and puts it in raw mode; -1 if there is none.
int open_pty(int argc, char** argv, std::string& name) {
  int fd = -1;
  if (::isatty(STDIN_FILENO) != 0) {
    fd = STDIN_FILENO;
    const char* n = ::ttyname(STDIN_FILENO);
    name = n != nullptr ? n : "stdin";
  } else {
    for (int i = 1; i < argc; ++i) {
      if (std::string_view{argv[i]}.starts_with("/dev/")) {
        name = argv[i];
        fd = ::open(argv[i], O_RDWR | O_NOCTTY | O_CLOEXEC);
        break;
      }
    }
  }
  if (fd < 0) return -1;
  termios tio{};
  if (::tcgetattr(fd, &tio) == 0) {
    ::cfmakeraw(&tio);  // no echo, no CR/LF mapping, no signals, no flow control: 8-bit clean
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    ::tcsetattr(fd, TCSANOW, &tio);
  }
  return fd;
}

/// pppd's "local:remote" argument (either side may be empty), if present.
void parse_local_remote(int argc, char** argv, options& opts) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a{argv[i]};
    const auto colon = a.find(':');
    if (colon == std::string_view::npos || a.starts_with("/")) continue;
    if (auto l = parse_ipv4(a.substr(0, colon))) opts.local_address = *l;
    if (auto r = parse_ipv4(a.substr(colon + 1))) opts.remote_address = *r;
    return;
  }
}

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: ppoll returns EINTR
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGHUP);
  sigprocmask(SIG_BLOCK, &blocked, nullptr);  // delivered only inside ppoll
}

}  // namespace

int main(int argc, char** argv) {
  std::string pty;
  const int fd = open_pty(argc, argv, pty);
  if (fd < 0) {
    std::fprintf(stderr, "bras-ppp-standin: no pty on stdin nor as a /dev/ argument\n");
    return 1;
  }
  install_signals();

  options opts;
  opts.log_path = env("BRAS_STANDIN_LOG");
  opts.user = env("BRAS_STANDIN_USER", "standin");
  opts.password = env("BRAS_STANDIN_PASSWORD");
  opts.debug = env("BRAS_STANDIN_DEBUG") == "1";
  if (const long after = env_number("BRAS_STANDIN_HANGUP_AFTER", -1); after >= 0) {
    opts.hangup_after = std::chrono::seconds{after};
  }
  const bool ipv4 = env("BRAS_STANDIN_IPV4", "1") != "0";
  const bool ipv6 = env("BRAS_STANDIN_IPV6") == "1";
  ppp::negotiation_config negotiation;
  negotiation.restart_timer = std::chrono::milliseconds{env_number("BRAS_STANDIN_RESTART_MS", 1000)};

  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> u32{1, 0xffffffffu};
  const std::uint64_t interface_id = (std::uint64_t{u32(rd)} << 32) | u32(rd);

  const std::string role = env("BRAS_STANDIN_ROLE", "client");
  if (role == "server") {
    parse_local_remote(argc, argv, opts);
    ppp::server_config config;
    const std::string auth = env("BRAS_STANDIN_AUTH", "chap");
    if (auth == "pap") {
      config.lcp.auth = {ppp::lcp::auth_method::pap};
    } else if (auth == "chap") {
      config.lcp.auth = {ppp::lcp::auth_method::chap_md5};
    } else if (auth != "none") {
      std::fprintf(stderr, "bras-ppp-standin: BRAS_STANDIN_AUTH=%s is not pap, chap or none\n", auth.c_str());
      return 1;
    }
    config.lcp.magic = u32(rd);
    config.lcp.fresh_magic = u32(rd);
    config.negotiation = negotiation;
    config.name = "bras-standin";
    for (auto& b : config.challenge) b = std::byte(u32(rd) & 0xff);
    config.seed = u32(rd);
    config.echo_interval = std::chrono::seconds{env_number("BRAS_STANDIN_ECHO_INTERVAL", 0)};
    config.ipv4 = ipv4;
    config.ipv6 = ipv6;
    config.local_address = opts.local_address;
    const std::string dns = env("BRAS_STANDIN_DNS");
    const auto comma = dns.find(',');
    config.primary_dns = parse_ipv4(dns.substr(0, comma)).value_or(0);
    if (comma != std::string::npos) config.secondary_dns = parse_ipv4(dns.substr(comma + 1)).value_or(0);
    config.local_interface_id = interface_id;
    standin<ppp::server_engine> s{fd, std::move(pty), std::move(opts), std::move(config)};
    return s.run();
  }
  if (role != "client") {
    std::fprintf(stderr, "bras-ppp-standin: BRAS_STANDIN_ROLE=%s is not client or server\n", role.c_str());
    return 1;
  }
  if (const auto target = env("BRAS_STANDIN_PING"); !target.empty()) {
    opts.ping = parse_ipv4(target);
    if (!opts.ping) {
      std::fprintf(stderr, "bras-ppp-standin: BRAS_STANDIN_PING=%s is not an IPv4 address\n", target.c_str());
      return 1;
    }
    opts.ping_count = static_cast<unsigned>(env_number("BRAS_STANDIN_PING_COUNT", 5));
  }
  ppp::client_config config;
  config.user = opts.user;
  config.password = opts.password;
  config.magic = u32(rd);
  config.ipv4 = ipv4;
  config.ipv6 = ipv6;
  config.interface_id = interface_id;
  config.negotiation = negotiation;
  config.auth_restart = negotiation.restart_timer;
  config.echo_interval = std::chrono::seconds{env_number("BRAS_STANDIN_ECHO_INTERVAL", 0)};
  standin<ppp::client_engine> s{fd, std::move(pty), std::move(opts), std::move(config)};
  return s.run();
}
