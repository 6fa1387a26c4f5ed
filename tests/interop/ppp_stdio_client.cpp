// bras_ppp_stdio_client: a PPP subscriber speaking async HDLC (RFC 1662) on
// stdin/stdout, for rp-pppoe's `pppoe` in session mode. pppd normally runs
// `pppoe -I IFACE` as its "pty" program; here the test wires pppoe's stdout
// to our stdin and our stdout to pppoe's stdin (two FIFOs), so pppoe does the
// PPPoE Discovery and encapsulation and this program is the whole PPP end:
// bras::ppp::client_engine (LCP, PAP or CHAP-MD5, IPCP, optionally IPv6CP),
// framed by bras::ppp::hdlc, timers in a ppoll() loop.
//
// The session ends in one of three ways: --hold seconds after IPCP came up we
// send an LCP Terminate-Request and exit once it is acked (closing stdout:
// pppoe sees EOF and sends a PADT); EOF on stdin (pppoe exited, e.g. on the
// AC's PADT) ends the link at once; SIGTERM/SIGINT closes like --hold.
//
// Event lines on stderr, "<event> key=value ..." (tests grep them):
//   started pid=      lcp-up auth=pap|chap|none mru= peer-mru=      lcp-down
//   auth-ok | auth-failed message=
//   ipcp-up <address> peer=<address> dns=<primary>,<secondary>      ipcp-down
//   ipv6cp-up local-id= peer-id=      ipv6cp-down
//   ping-sent to= seq=   ping-reply from= seq=   ping-answered from= seq=
//   ping-summary sent= received=
//   hold-done   signal   eof <why>   setup-timeout   close-timeout
//   finished cause=<RFC 3145> dir= message=
//   result ok | result failed reason=<why>
// Exits 0 if the network came up, at least --min-replies pings were answered
// and the link then ended (hold, signal, or the peer's Terminate/EOF after the
// hold); 1 otherwise; 2 on bad arguments.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <variant>

#include "ip_helpers.hpp"
#include "protocol/common/bytes.hpp"
#include "protocol/ppp/client.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/hdlc.hpp"

namespace {

using namespace bras;
namespace hdlc = bras::ppp::hdlc;
using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;
using namespace std::chrono_literals;

volatile std::sig_atomic_t got_signal = 0;

extern "C" void on_signal(int) {
  got_signal = 1;
}

constexpr std::uint16_t ping_ident = 0x4253;  // "BS"
constexpr std::string_view ping_payload = "bras-ppp-stdio-client";

/// The command line.
struct options {
  std::string user;
  std::string password;
  std::string auth = "any";  ///< which authentication protocols we agree to
  double hold_seconds = 2;   ///< network up -> LCP Terminate-Request
  double setup_timeout_seconds = 30;
  std::string ping;  ///< ICMP echo target (dotted), empty: none
  unsigned ping_count = 3;
  unsigned ping_interval_ms = 200;
  unsigned min_replies = 0;  ///< set to 1 when --ping is given and this is not
  bool ipv6 = false;
  unsigned restart_ms = 1000;
  unsigned echo_interval = 0;
  bool debug = false;
};

class stdio_client {
 public:
  stdio_client(options opts, ppp::client_config config, std::optional<std::uint32_t> ping_target)
      : opts_(std::move(opts)), engine_(std::move(config)), ping_target_(ping_target) {}

  /// Runs until the engine reports `finished`; returns the exit status.
  int run() {
    event("started pid=" + std::to_string(::getpid()));
    setup_deadline_ = clock_type::now() + to_duration(opts_.setup_timeout_seconds);
    perform(engine_.start());
    sigset_t run_mask;
    sigprocmask(SIG_SETMASK, nullptr, &run_mask);
    sigdelset(&run_mask, SIGTERM);
    sigdelset(&run_mask, SIGINT);
    while (!done_) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      const auto wait = until_next_deadline();
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(wait.count() / 1000);
      ts.tv_nsec = static_cast<long>((wait.count() % 1000) * 1000000);
      const int n = ppoll(&p, stdin_open_ ? 1 : 0, &ts, &run_mask);
      if (n < 0 && errno != EINTR) {
        link_gone("poll-failed errno=" + std::to_string(errno));
        break;
      }
      if (got_signal != 0 && !done_) {
        got_signal = 0;
        if (closing_deadline_) {
          link_gone("signal-again");
        } else {
          close_link("signal");
        }
      }
      if (!done_ && n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_stdin();
      if (!done_) run_timers();
    }
    return verdict();
  }

 private:
  static std::chrono::milliseconds to_duration(double seconds) {
    return std::chrono::milliseconds{static_cast<long long>(seconds * 1000)};
  }

  static void event(const std::string& line) {
    const std::string with_newline = line + "\n";
    write_all(STDERR_FILENO, wire::as_bytes(with_newline));  // one write per line
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

  int verdict() const {
    std::string reason;
    if (!network_up_) {
      reason = failure_.empty() ? "network-never-up" : failure_;
    } else if (replies_ < opts_.min_replies) {
      reason = "ping-replies=" + std::to_string(replies_) + "<" + std::to_string(opts_.min_replies);
    } else if (!hold_reached_) {
      reason = "link-ended-before-hold";
    }
    if (reason.empty()) {
      event("result ok");
      return 0;
    }
    event("result failed reason=" + reason);
    return 1;
  }

  void send(const wire::bytes& frame) {
    if (opts_.debug) event("tx " + wire::to_hex(frame));
    if (!stdout_open_) return;
    // The default ACCM (every control byte escaped) suits any ACCM the peer asks for.
    if (!write_all(STDOUT_FILENO, hdlc::encode(frame))) {
      stdout_open_ = false;
      link_gone("write-failed errno=" + std::to_string(errno));
    }
  }

  /// The lower layer is gone (EOF, write error, a second signal): finished at once.
  void link_gone(const std::string& why) {
    if (done_) return;
    event(why);
    perform(engine_.lower_down());
    done_ = true;  // lower_down always finishes; be sure even if it reported nothing
  }

  void close_link(const std::string& why) {
    event(why);
    closing_deadline_ = clock_type::now() + 5s;
    perform(engine_.close(why));
  }

  void read_stdin() {
    std::array<std::byte, 4096> buf{};
    const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      stdin_open_ = false;
      link_gone(n == 0 ? "eof stdin" : "eof read-errno=" + std::to_string(errno));
      return;
    }
    deframer_.feed(wire::byte_span{buf.data(), static_cast<std::size_t>(n)});
    while (!done_) {
      auto frame = deframer_.next();
      if (!frame) break;
      receive(*frame);
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
    auto echo = interop::parse_icmp_echo(f->payload);
    if (!echo || echo->dst != engine_.address()) return;
    if (echo->type == interop::icmp_echo_request) {
      event("ping-answered from=" + interop::dotted(echo->src) + " seq=" + std::to_string(echo->seq));
      send(engine_.frame_ip(ppp::network::ipv4, interop::make_icmp_echo(interop::icmp_echo_reply, echo->dst, echo->src,
                                                                        echo->ident, echo->seq, echo->data)));
    } else if (echo->ident == ping_ident) {
      ++replies_;
      event("ping-reply from=" + interop::dotted(echo->src) + " seq=" + std::to_string(echo->seq));
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
    if (setup_deadline_ && *setup_deadline_ <= now) {
      setup_deadline_.reset();
      failure_ = "setup-timeout";
      close_link("setup-timeout");
    }
    if (hold_at_ && *hold_at_ <= now) {
      hold_at_.reset();
      hold_reached_ = true;
      if (ping_target_)
        event("ping-summary sent=" + std::to_string(pings_sent_) + " received=" + std::to_string(replies_));
      close_link("hold-done");
    }
    if (closing_deadline_ && *closing_deadline_ <= now) link_gone("close-timeout");
  }

  [[nodiscard]] std::chrono::milliseconds until_next_deadline() const {
    std::optional<time_point> next;
    auto consider = [&next](const std::optional<time_point>& t) {
      if (t && (!next || *t < *next)) next = t;
    };
    for (const auto& t : timers_) consider(t);
    consider(ping_next_);
    consider(setup_deadline_);
    consider(hold_at_);
    consider(closing_deadline_);
    if (!next) return 60s;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - clock_type::now());
    return std::max(left, std::chrono::milliseconds{0});
  }

  void send_ping() {
    if (pings_sent_ >= opts_.ping_count) {
      ping_next_.reset();
      return;
    }
    ++pings_sent_;
    const auto seq = static_cast<std::uint16_t>(pings_sent_);
    event("ping-sent to=" + interop::dotted(*ping_target_) + " seq=" + std::to_string(seq));
    send(engine_.frame_ip(ppp::network::ipv4,
                          interop::make_icmp_echo(interop::icmp_echo_request, engine_.address(), *ping_target_,
                                                  ping_ident, seq, wire::as_bytes(ping_payload))));
    ping_next_ = clock_type::now() + std::chrono::milliseconds{opts_.ping_interval_ms};
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
  void apply(const ppp::authenticate&) {}  // the authenticator's effect: never from the client engine

  void apply(const ppp::auth_outcome& e) {
    if (e.accepted) {
      note_lcp_state();  // lcp-up before auth-ok
      event("auth-ok");
    } else {
      failure_ = "auth-failed";
      event("auth-failed message=" + e.message);
    }
  }

  void apply(const ppp::network_up& e) {
    note_lcp_state();
    if (e.which == ppp::network::ipv6) {
      event("ipv6cp-up local-id=" + interop::hex64(e.local_interface_id) +
            " peer-id=" + interop::hex64(e.peer_interface_id));
    } else {
      event("ipcp-up " + interop::dotted(e.local_address) + " peer=" + interop::dotted(e.peer_address) +
            " dns=" + interop::dotted(e.primary_dns) + "," + interop::dotted(e.secondary_dns));
      if (ping_target_) ping_next_ = clock_type::now();
    }
    if (!network_up_) {
      network_up_ = true;
      setup_deadline_.reset();
      hold_at_ = clock_type::now() + to_duration(opts_.hold_seconds);
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

  options opts_;
  ppp::client_engine engine_;
  std::optional<std::uint32_t> ping_target_;
  hdlc::deframer deframer_;
  std::array<std::optional<time_point>, ppp::timer_count> timers_{};
  std::optional<time_point> setup_deadline_;
  std::optional<time_point> ping_next_;
  std::optional<time_point> hold_at_;
  std::optional<time_point> closing_deadline_;
  std::string failure_;
  unsigned pings_sent_ = 0;
  unsigned replies_ = 0;
  bool network_up_ = false;
  bool hold_reached_ = false;
  bool stdin_open_ = true;
  bool stdout_open_ = true;
  bool lcp_open_ = false;
  bool done_ = false;
};

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: ppoll returns EINTR
  for (int sig : {SIGTERM, SIGINT}) sigaction(sig, &sa, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);  // pppoe gone: write() fails with EPIPE instead
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_BLOCK, &blocked, nullptr);  // delivered only inside ppoll
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"PPP subscriber on stdin/stdout (async HDLC) for rp-pppoe's pppoe"};
  app.add_option("--user", opts.user, "PAP/CHAP user name")->required();
  app.add_option("--password", opts.password, "PAP password or CHAP secret");
  app.add_option("--auth", opts.auth, "authentication protocols to agree to")
      ->check(CLI::IsMember({"any", "pap", "chap"}));
  app.add_option("--hold", opts.hold_seconds, "seconds to keep the link up after IPCP, then LCP Terminate");
  app.add_option("--setup-timeout", opts.setup_timeout_seconds, "seconds for the network to come up");
  app.add_option("--ping", opts.ping, "send ICMP echoes to this IPv4 address once IPCP is up");
  app.add_option("--ping-count", opts.ping_count, "echoes to send");
  app.add_option("--ping-interval-ms", opts.ping_interval_ms, "between echoes");
  auto* min_replies =
      app.add_option("--min-replies", opts.min_replies, "replies needed to succeed (default 1 with --ping)");
  app.add_flag("--ipv6", opts.ipv6, "open IPv6CP too");
  app.add_option("--restart-ms", opts.restart_ms, "LCP/NCP restart timer");
  app.add_option("--echo-interval", opts.echo_interval, "seconds between LCP Echo-Requests (0: none)");
  app.add_flag("--debug", opts.debug, "log every frame (tx/rx hex)");
  CLI11_PARSE(app, argc, argv);

  std::optional<std::uint32_t> ping_target;
  if (!opts.ping.empty()) {
    ping_target = interop::parse_ipv4(opts.ping);
    if (!ping_target) {
      std::fprintf(stderr, "--ping %s is not an IPv4 address\n", opts.ping.c_str());
      return 2;
    }
    if (min_replies->count() == 0) opts.min_replies = 1;
  }
  install_signals();

  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> u32{1, 0xffffffffu};
  ppp::client_config config;
  config.user = opts.user;
  config.password = opts.password;
  config.accept_pap = opts.auth != "chap";
  config.accept_chap_md5 = opts.auth != "pap";
  config.mru = 1492;  // PPPoE (RFC 2516 §7)
  config.magic = u32(rd);
  config.ipv6 = opts.ipv6;
  config.interface_id = (std::uint64_t{u32(rd)} << 32) | u32(rd);
  config.negotiation.restart_timer = std::chrono::milliseconds{opts.restart_ms};
  config.auth_restart = config.negotiation.restart_timer;
  config.echo_interval = std::chrono::seconds{opts.echo_interval};
  stdio_client client{std::move(opts), std::move(config), ping_target};
  return client.run();
}
