// libFuzzer target for the L2TP control-connection engine
// (protocol/l2tp/control_connection.hpp): an LNS engine and an LAC engine,
// driven by a script of steps read from the input: pass one engine's next
// datagram to the other (or drop it), feed arbitrary bytes, feed a control
// message built from fuzz bytes (valid-ish, so decoding is passed), advance
// the clock, or make an API call. Invariants checked after every step (trap
// on violation): in flight never exceeds the peer's receive window; no
// session ID is handed out while held; nothing but a refused call comes
// after destroyed; a
// wake-up is never in the past and is always asked for while messages are in flight.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "protocol/l2tp/control_connection.hpp"

namespace {

using namespace bras;
using namespace bras::l2tp;
using namespace std::chrono_literals;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

/// The script: bytes read one at a time, zeros once exhausted.
struct script {
  std::span<const std::uint8_t> data;
  std::size_t at = 0;
  [[nodiscard]] bool more() const { return at < data.size(); }
  std::uint8_t byte() { return more() ? data[at++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((byte() << 8) | byte()); }
  wire::bytes take(std::size_t n) {
    wire::bytes b;
    for (std::size_t k = 0; k < n && more(); ++k) b.push_back(std::byte{byte()});
    return b;
  }
};

/// One engine, what it sent, and what the invariants need to remember.
struct side {
  std::optional<control_connection> engine;
  std::deque<wire::bytes> outbox;
  std::set<std::uint16_t> held;  ///< session IDs handed out and not given back
  std::optional<time_point> wake;
  bool destroyed = false;
  int reservations = 0;
  std::uint64_t next_token = 1;

  void check(const connection_effects& fx, time_point now) {
    bool woken = false;
    for (const auto& e : fx) {
      require(!destroyed || std::holds_alternative<call_failed>(e));  // nothing after destroyed but refusals
      if (const auto* s = std::get_if<send_datagram>(&e)) {
        require(!s->data.empty());
        outbox.push_back(s->data);
        if (outbox.size() > 32) outbox.pop_front();
      } else if (const auto* c = std::get_if<create_session>(&e)) {
        require(c->local_session_id != 0 && held.insert(c->local_session_id).second);
      } else if (const auto* st = std::get_if<start_call>(&e)) {
        require(st->local_session_id != 0 && held.insert(st->local_session_id).second);
      } else if (std::holds_alternative<tunnel_down>(e)) {
        reservations -= static_cast<int>(held.size());  // the sessions end and give their places back
        held.clear();
      } else if (const auto* w = std::get_if<wake_at>(&e)) {
        require(w->at >= now);
        wake = w->at;
        woken = true;
      } else if (std::holds_alternative<tunnel_destroyed>(e)) {
        destroyed = true;
        wake.reset();
      }
    }
    const auto& e = *engine;
    require(e.channel().in_flight() <= e.channel().peer_window());
    require(e.session_count() == held.size());
    require(destroyed == (e.state() == tunnel_state::destroyed));
    if (!destroyed && e.channel().in_flight() > 0) require(woken);
    require(reservations >= 0);
  }
};

constexpr std::array<message_type, 15> crafted_types{
    message_type::sccrq, message_type::sccrp, message_type::scccn, message_type::stopccn, message_type::hello,
    message_type::icrq,  message_type::icrp,  message_type::iccn,  message_type::cdn,     message_type::wen,
    message_type::sli,   message_type::zlb,   message_type::ocrq,  message_type{5},       message_type{50}};

/// A control message of a type the script picks, with AVPs it switches on.
control_message craft(script& s) {
  auto m = make_message(crafted_types[s.byte() % crafted_types.size()]);
  const auto flags = s.u16();
  if (flags & 0x0001)
    m.protocol_version = protocol_version_value{1, static_cast<std::uint8_t>((flags & 0x0002) ? 1 : 0)};
  if (flags & 0x0004) m.framing_capabilities = framing_bits::synchronous;
  if (flags & 0x0008) m.host_name = (flags & 0x0010) ? "lac" : "other";
  if (flags & 0x0020) m.assigned_tunnel_id = s.byte();
  if (flags & 0x0040) m.receive_window_size = s.byte() % 6;
  if (flags & 0x0080) m.challenge = s.take(16);
  if (flags & 0x0100) {
    wire::md5_digest d{};
    for (auto& b : d) b = std::byte{s.byte()};
    m.challenge_response = d;
  }
  if (flags & 0x0200) m.assigned_session_id = s.byte() % 8;
  if (flags & 0x0400) m.call_serial_number = 1;
  if (flags & 0x0800) m.result = result_code{static_cast<std::uint16_t>(s.byte() % 8), std::nullopt, ""};
  if (flags & 0x1000) m.tie_breaker = s.byte();
  if (flags & 0x2000) m.unknown.push_back({true, false, 0, 200, wire::bytes{std::byte{1}}});
  if (flags & 0x4000) {
    m.tx_connect_speed = 1000;
    m.framing_type = framing_bits::synchronous;
  }
  return m;
}

connection_config make_config(connection_role role, std::uint8_t setup, side& me) {
  connection_config cfg;
  cfg.role = role;
  cfg.local_tunnel_id = role == connection_role::lns ? 11 : 22;
  cfg.host_name = role == connection_role::lns ? "lns" : "lac";
  cfg.peer_name = "peer";
  cfg.tie_breaker = role == connection_role::lac ? 7 : 0;
  cfg.ask_tie_break = (setup & 0x01) != 0;
  cfg.log_transitions = [setup] { return (setup & 0x02) != 0; };
  peer_profile p;
  p.secret = (setup & 0x04) != 0 ? "s" : "";
  if (role == connection_role::lac && (setup & 0x08) != 0) p.secret = "mismatch";
  p.hide_avps = (setup & 0x10) != 0;
  p.hello_interval = std::chrono::seconds{(setup & 0x20) != 0 ? 0 : 5};
  p.max_sessions = (setup & 0x40) != 0 ? 2 : 0;
  p.reliable.initial_timeout = 1s;
  p.reliable.max_timeout = 4s;
  p.reliable.max_retransmits = 3;
  p.reliable.receive_window = 4;
  cfg.expected_peer_host_name = role == connection_role::lac && (setup & 0x80) != 0 ? "lns" : "";
  cfg.profile = p;
  cfg.select_client = [p, setup](wire::byte_span) -> std::optional<client_selection> {
    if ((setup & 0x08) != 0 && (setup & 0x04) == 0) return std::nullopt;
    return client_selection{p, (setup & 0xc0) == 0xc0};
  };
  cfg.reserve_session = [&me] {
    if (me.reservations >= 3) return false;
    ++me.reservations;
    return true;
  };
  cfg.release_session = [&me] { --me.reservations; };
  return cfg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Every state is a few dozen steps away; longer scripts only slow the run down.
  constexpr std::size_t max_script = 128;
  script s{{data, std::min(size, max_script)}};
  const auto setup = s.byte();
  std::array<side, 2> sides;  // 0: LNS, 1: LAC
  sides[0].engine.emplace(make_config(connection_role::lns, setup, sides[0]));
  sides[1].engine.emplace(make_config(connection_role::lac, setup, sides[1]));
  time_point now = time_point{} + 100s;
  sides[1].check(sides[1].engine->open(now), now);
  while (s.more()) {
    const auto op = s.byte();
    auto& me = sides[op & 1];
    auto& other = sides[(op & 1) ^ 1];
    auto& engine = *me.engine;
    std::optional<connection_effects> fx;  // empty when the step called nothing
    switch ((op >> 1) % 6) {
      case 0:  // the other engine's oldest datagram, delivered or lost
        if (!other.outbox.empty()) {
          auto d = std::move(other.outbox.front());
          other.outbox.pop_front();
          if ((op & 0x80) == 0) fx = engine.receive(d, datagram_source::peer, "peer", now);
        }
        break;
      case 1: {  // arbitrary bytes, from the peer or elsewhere
        auto d = s.take(s.byte() % 96);
        auto from = static_cast<datagram_source>((op >> 4) % 3);
        fx = engine.receive(d, from, "x", now);
        break;
      }
      case 2: {  // a crafted message, in sequence unless the script says otherwise
        auto m = craft(s);
        auto ns = (op & 0x10) != 0 ? s.u16() : engine.channel().next_nr();
        auto nr = (op & 0x20) != 0 ? s.u16() : engine.channel().next_ns();
        auto session = (op & 0x40) != 0 ? s.byte() % 8 : 0;
        auto d = encode_control_packet(engine.local_tunnel_id(), static_cast<std::uint16_t>(session), ns, nr, m);
        auto from = (op & 0x80) != 0 ? datagram_source::peer_address : datagram_source::peer;
        fx = engine.receive(d, from, "peer", now);
        break;
      }
      case 3: {  // time passes: to the wake-up asked for, or by a scripted step
        const auto step = s.byte();
        if ((step & 0x80) != 0 && me.wake) {
          now = std::max(now, *me.wake);
        } else {
          now += std::chrono::milliseconds{(step & 0x7f) * 97};
        }
        fx = engine.timer(now);
        other.check(other.engine->timer(now), now);
        break;
      }
      case 4: {  // API calls
        const auto which = s.byte();
        switch (which % 8) {
          case 0: fx = engine.close(now); break;
          case 1: fx = engine.shutdown(now); break;
          case 2: fx = engine.place_call(me.next_token++, now); break;
          case 3:
          case 4: {
            std::uint16_t id = me.held.empty() ? s.byte() % 8 : *me.held.begin();
            if (which % 8 == 4) {
              if (engine.has_session(id)) {
                me.held.erase(id);
                --me.reservations;  // what the session does as it ends
              }
              fx = engine.session_gone(id, now);
            } else {
              auto m = craft(s);
              fx = engine.session_send(id, s.byte(), m, now);
            }
            break;
          }
          case 5: fx = engine.tie_break(static_cast<tie_outcome>((which >> 3) % 4), now); break;
          case 6: fx = engine.open(now); break;
          default: engine.clear_statistics(); break;
        }
        break;
      }
      default:  // the other engine's datagrams arrive twice (duplicates)
        if (!other.outbox.empty()) fx = engine.receive(other.outbox.back(), datagram_source::peer, "peer", now);
        break;
    }
    if (fx) me.check(*fx, now);
  }
  return 0;
}
