#include "tools/pppoe_loadgen.hpp"

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <queue>
#include <sstream>
#include <system_error>

#include "tools/emulator/packet_link.hpp"
#include "tools/emulator/pppoe_subscriber.hpp"

namespace bras::loadgen {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using emulator::pppoe_event;

struct timer_entry {
  clock_type::time_point due;
  std::uint32_t id = 0;
  std::uint8_t which = 0;
  std::uint32_t generation = 0;
  bool operator>(const timer_entry& other) const { return due > other.due; }
};

/// Drives every subscriber of the run from one thread: the link, the timers, the bookkeeping.
class pppoe_driver final : public emulator::pppoe_host {
 public:
  pppoe_driver(const pppoe_options& o, emulator::packet_link& link) : o_(o), link_(link) {
    subscribers_.resize(o.sessions);
    started_.resize(o.sessions);
    status_.resize(o.sessions, status::idle);
  }

  void send(std::uint32_t, wire::bytes frame) override { link_.queue(std::move(frame)); }

  void arm(std::uint32_t id, std::uint8_t which, std::uint32_t generation, std::chrono::microseconds after) override {
    timers_.push({clock_type::now() + after, id, which, generation});
  }

  void event(std::uint32_t id, pppoe_event e) override {
    const std::size_t i = id - 1;
    if (e.what == pppoe_event::kind::ipv4_up && status_[i] == status::pending) {
      const auto t = clock_type::now();
      report_.latency_ms.push_back(std::chrono::duration<double, std::milli>(t - started_[i]).count());
      ++report_.per_second[static_cast<long>(std::chrono::duration<double>(t - t0_).count())];
      ++report_.up;
      status_[i] = status::up;
      last_change_ = t;
    } else if ((e.what == pppoe_event::kind::auth_failed || e.what == pppoe_event::kind::finished) &&
               status_[i] == status::pending) {
      ++report_.failures[e.message.empty() ? "finished" : e.message];
      ++report_.failed;
      status_[i] = status::failed;
      last_change_ = clock_type::now();
    } else if (e.what == pppoe_event::kind::finished && status_[i] == status::up && !hanging_up_) {
      ++ended_while_up_;
    }
    if (e.what == pppoe_event::kind::finished) --live_;
  }

  /// Starts subscribers while --rate and --max-outstanding allow.
  void start_more() {
    const double elapsed = std::chrono::duration<double>(clock_type::now() - t0_).count();
    const auto allowed = o_.rate > 0 ? static_cast<unsigned>(elapsed * o_.rate) + 1 : o_.sessions;
    while (next_ < o_.sessions && next_ < allowed && next_ - report_.up - report_.failed < o_.max_outstanding) {
      const std::uint32_t id = ++next_;
      subscribers_[id - 1] = std::make_unique<emulator::pppoe_subscriber>(config_of(id), *this, counters_);
      started_[id - 1] = clock_type::now();
      status_[id - 1] = status::pending;
      ++live_;
      subscribers_[id - 1]->start();
    }
  }

  /// Runs the link and the timers until `until`.
  void pump(clock_type::time_point until) {
    for (;;) {
      auto now = clock_type::now();
      while (!timers_.empty() && timers_.top().due <= now) {
        const auto t = timers_.top();
        timers_.pop();
        if (auto& s = subscribers_[t.id - 1]) s->timeout(t.which, t.generation);
      }
      link_.flush();
      if (now >= until) return;
      auto next = until;
      if (!timers_.empty()) next = std::min(next, timers_.top().due);
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
      pollfd p{link_.fd(), static_cast<short>(POLLIN | (link_.has_pending() ? POLLOUT : 0)), 0};
      ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, wait)));
      link_.receive([this](wire::byte_span frame) { dispatch(frame); });
    }
  }

  int run(run_report& out) {
    t0_ = last_change_ = clock_type::now();
    auto last_progress = t0_;
    report_.sessions = o_.sessions;
    while (report_.up + report_.failed < o_.sessions) {
      start_more();
      pump(clock_type::now() + 5ms);
      const auto now = clock_type::now();
      if (now - last_progress >= 1s) {
        last_progress = now;
        std::fprintf(stderr, "\restablished %u  failed %u  outstanding %u  rate %.0f/s    ", report_.up, report_.failed,
                     next_ - report_.up - report_.failed,
                     report_.up / std::max(1e-9, std::chrono::duration<double>(now - t0_).count()));
      }
      if (now - last_change_ > std::chrono::seconds{o_.timeout}) {
        const unsigned missing = o_.sessions - report_.up - report_.failed;
        report_.failures["no progress for " + std::to_string(o_.timeout) + " s"] += missing;
        report_.failed += missing;
        break;
      }
    }
    report_.seconds = std::chrono::duration<double>(clock_type::now() - t0_).count();
    std::fprintf(stderr, "\n");
    if (o_.hold > 0 && report_.up > 0) hold();
    hang_up();
    report_.traffic = o_.traffic > 0;
    report_.traffic_pps = o_.traffic;
    report_.traffic_size = o_.traffic_size;
    describe();
    out = std::move(report_);
    return out.failed == 0 ? 0 : 1;
  }

 private:
  enum class status : std::uint8_t { idle, pending, up, failed };

  emulator::pppoe_subscriber_config config_of(std::uint32_t id) const {
    emulator::pppoe_subscriber_config c;
    c.id = id;
    c.mac = emulator::subscriber_mac(id);
    const std::size_t i = id - 1;
    if (!o_.vlans.empty() && !o_.svlans.empty()) {
      const std::size_t pair = i % (o_.svlans.size() * o_.vlans.size());
      c.outer_vlan = eth::vlan_tag{o_.svlan_tpid, 0, false, o_.svlans[pair / o_.vlans.size()]};
      c.inner_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, o_.vlans[pair % o_.vlans.size()]};
    } else if (!o_.vlans.empty()) {
      c.outer_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, o_.vlans[i % o_.vlans.size()]};
    }
    c.service_name = o_.service_name;
    c.ac_name = o_.ac_name;
    c.max_payload = o_.max_payload;
    if (!o_.circuit_id.empty() || !o_.remote_id.empty()) {
      pppoe::access_line line;
      if (!o_.circuit_id.empty()) line.circuit_id = expand(o_.circuit_id, id);
      if (!o_.remote_id.empty()) line.remote_id = expand(o_.remote_id, id);
      c.access_line = std::move(line);
    }
    c.ppp.user = expand(o_.user, id);
    c.ppp.password = expand(o_.password, id);
    c.ppp.magic = 0x10000000u + id;
    c.ppp.ipv6 = o_.ipv6;
    c.ppp.interface_id = 0x0200000000000000ull + id;
    c.traffic_pps = o_.traffic;
    c.traffic_destination = o_.traffic_destination;
    c.traffic_size = o_.traffic_size;
    return c;
  }

  void dispatch(wire::byte_span bytes) {
    auto frame = eth::decode(bytes);
    if (!frame) {
      ++counters_.dropped_malformed;
      return;
    }
    // Our MACs carry the session number; anything else (other hosts' PADIs) is not ours.
    const auto id = emulator::subscriber_id(frame.value().hdr.dst);
    if (!id || *id == 0 || *id > subscribers_.size() || !subscribers_[*id - 1]) {
      ++not_ours_;
      return;
    }
    subscribers_[*id - 1]->receive(frame.value());
  }

  /// Holds the sessions; with traffic, prints the rates once a second and
  /// measures them over the hold, then stops the senders and waits for the
  /// replies still in flight.
  void hold() {
    std::fprintf(stderr, "holding %u sessions for %u s\n", report_.up, o_.hold);
    auto& c = counters_;
    const auto start = clock_type::now();
    const auto sent0 = c.traffic_sent, received0 = c.traffic_received;
    auto last_sent = sent0, last_received = received0;
    for (unsigned s = 0; s < o_.hold; ++s) {
      pump(start + std::chrono::seconds{s + 1});
      if (o_.traffic <= 0) continue;
      std::fprintf(stderr, "\rtraffic: %llu pps sent, %llu pps received    ",
                   static_cast<unsigned long long>(c.traffic_sent - last_sent),
                   static_cast<unsigned long long>(c.traffic_received - last_received));
      last_sent = c.traffic_sent;
      last_received = c.traffic_received;
    }
    if (o_.traffic <= 0) return;
    std::fprintf(stderr, "\n");
    auto& tr = report_.tr;
    tr.held_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    tr.held_sent_pps = static_cast<double>(c.traffic_sent - sent0) / tr.held_seconds;
    tr.held_received_pps = static_cast<double>(c.traffic_received - received0) / tr.held_seconds;
    c.traffic_stopped = true;
    pump(clock_type::now() + 500ms);
    tr.sent = c.traffic_sent;
    tr.received = c.traffic_received;
    tr.sent_bytes = c.traffic_sent_bytes;
    tr.received_bytes = c.traffic_received_bytes;
  }

  /// LCP Terminate and PADT from every subscriber still there; waits for them to end.
  void hang_up() {
    hanging_up_ = true;
    counters_.traffic_stopped = true;
    for (auto& s : subscribers_) {
      if (s && !s->ended()) s->close();
    }
    // Max-Terminate (2) x the restart timer (3 s) bounds an unanswered Terminate-Request.
    const auto deadline = clock_type::now() + 7s;
    while (live_ > 0 && clock_type::now() < deadline) pump(clock_type::now() + 10ms);
    link_.flush();
  }

  void describe() {
    const auto& c = counters_;
    std::ostringstream json;
    json << "\"pppoe\": {\"interface\": \"" << o_.interface << "\", \"padi_sent\": " << c.padi_sent
         << ", \"pado_received\": " << c.pado_received << ", \"padr_sent\": " << c.padr_sent
         << ", \"pads_received\": " << c.pads_received << ", \"padt_sent\": " << c.padt_sent
         << ", \"padt_received\": " << c.padt_received << ", \"discovery_retransmits\": " << c.discovery_retransmits
         << ", \"ended_while_up\": " << ended_while_up_ << ", \"dropped_malformed\": " << c.dropped_malformed
         << ", \"dropped_unexpected\": " << c.dropped_unexpected << ", \"not_ours\": " << not_ours_
         << ", \"frames_sent\": " << link_.sent << ", \"frames_received\": " << link_.received
         << ", \"send_errors\": " << link_.send_errors << "}";
    report_.extra_json.push_back(json.str());
    char line[256];
    std::snprintf(line, sizeof line,
                  "pppoe: %llu PADI, %llu PADO, %llu PADR, %llu PADS, %llu PADT sent, %llu PADT received, "
                  "%llu retransmits; dropped %llu malformed, %llu unexpected",
                  static_cast<unsigned long long>(c.padi_sent), static_cast<unsigned long long>(c.pado_received),
                  static_cast<unsigned long long>(c.padr_sent), static_cast<unsigned long long>(c.pads_received),
                  static_cast<unsigned long long>(c.padt_sent), static_cast<unsigned long long>(c.padt_received),
                  static_cast<unsigned long long>(c.discovery_retransmits),
                  static_cast<unsigned long long>(c.dropped_malformed),
                  static_cast<unsigned long long>(c.dropped_unexpected));
    report_.extra_lines.emplace_back(line);
  }

  const pppoe_options& o_;
  emulator::packet_link& link_;
  emulator::pppoe_counters counters_;
  std::vector<std::unique_ptr<emulator::pppoe_subscriber>> subscribers_;  ///< by session number - 1
  std::vector<clock_type::time_point> started_;
  std::vector<status> status_;
  std::priority_queue<timer_entry, std::vector<timer_entry>, std::greater<>> timers_;
  run_report report_;
  clock_type::time_point t0_, last_change_;
  unsigned next_ = 0;  ///< subscribers started
  std::uint64_t live_ = 0;
  std::uint64_t ended_while_up_ = 0;
  std::uint64_t not_ours_ = 0;
  bool hanging_up_ = false;
};

}  // namespace

std::string expand(std::string pattern, std::uint64_t n) {
  for (std::size_t at; (at = pattern.find("{n}")) != std::string::npos;) pattern.replace(at, 3, std::to_string(n));
  return pattern;
}

std::optional<std::vector<std::uint16_t>> parse_vlan_range(const std::string& text) {
  unsigned first = 0, last = 0;
  char dash = 0, extra = 0;
  const int n = std::sscanf(text.c_str(), "%u%c%u%c", &first, &dash, &last, &extra);
  if (n == 1) {
    last = first;
  } else if (n != 3 || dash != '-') {
    return std::nullopt;
  }
  if (first < 1 || last > 4094 || first > last) return std::nullopt;
  std::vector<std::uint16_t> vids;
  for (unsigned v = first; v <= last; ++v) vids.push_back(static_cast<std::uint16_t>(v));
  return vids;
}

int run_pppoe(const pppoe_options& o, run_report& report) {
  std::unique_ptr<emulator::packet_link> link;
  try {
    link = std::make_unique<emulator::packet_link>(o.interface);
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "bras-loadgen: --pppoe %s: %s\n", o.interface.c_str(), e.what());
    return 2;
  }
  pppoe_driver driver{o, *link};
  return driver.run(report);
}

}  // namespace bras::loadgen
