// RFC 2661 §5.8 reliable delivery of control messages for one tunnel, as a
// pure state machine: callers pass the time in and get back what to send.
//
// - Ns/Nr with 16-bit modular comparison; the peer's receive window bounds
//   what is in flight, the rest waits in a send queue.
// - In-order delivery; messages ahead of Nr (within our window) wait in a
//   bounded out-of-order buffer; duplicates are dropped and acknowledged.
// - An explicit ZLB acknowledgement goes out after `ack_delay` unless a
//   message we send first carries the Nr.
// - Retransmission of everything in flight (go-back-N) with exponential
//   back-off from `initial_timeout` capped at `max_timeout`; after
//   `max_retransmits` timeouts in a row with no acknowledgement the channel
//   is failed (tear the tunnel down).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::l2tp {

using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;
using duration = clock_type::duration;

/// a < b in 16-bit sequence space (RFC 1982 style).
[[nodiscard]] constexpr bool seq_less(std::uint16_t a, std::uint16_t b) noexcept {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b)) < 0;
}

struct reliable_config {
  duration initial_timeout = std::chrono::seconds{1};
  duration max_timeout = std::chrono::seconds{8};
  unsigned max_retransmits = 5;
  duration ack_delay = std::chrono::milliseconds{50};
  /// Our receive window (advertised in the Receive Window Size AVP); also
  /// the bound of the out-of-order buffer.
  std::uint16_t receive_window = 16;
};

/// A control frame to put on the wire now: header sequence numbers and the
/// encoded AVPs (empty for a ZLB acknowledgement).
struct outbound_frame {
  std::uint16_t ns = 0;
  std::uint16_t nr = 0;
  wire::bytes avps;
  bool retransmission = false;
  std::uint16_t session_id = 0;  ///< the header's Session ID, as given to send()
};

/// A control message released in order: its AVPs and its header's Session ID.
struct inbound_message {
  wire::bytes avps;
  std::uint16_t session_id = 0;
  friend bool operator==(const inbound_message&, const inbound_message&) = default;
};

/// What one received control frame amounted to.
enum class receive_verdict : std::uint8_t {
  delivered,      ///< in order: this and possibly buffered successors delivered
  zlb,            ///< an acknowledgement only
  duplicate,      ///< already delivered: dropped, re-acknowledged
  buffered,       ///< ahead of sequence, inside our window: held
  out_of_window,  ///< too far ahead: dropped
};

/// Counters for show commands and metrics (RFC 3371 vocabulary).
struct reliable_stats {
  std::uint64_t tx_messages = 0;
  std::uint64_t tx_zlb = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t rx_messages = 0;
  std::uint64_t rx_zlb = 0;
  std::uint64_t rx_duplicates = 0;
  std::uint64_t rx_out_of_order = 0;
  std::uint64_t rx_out_of_window = 0;
  std::uint64_t ack_timeouts = 0;
};

/// Time from the first transmission to giving up: one full retransmission
/// cycle. A closing tunnel keeps its state this long (RFC 2661 §5.7).
[[nodiscard]] duration full_retransmission_cycle(const reliable_config& cfg) noexcept;

class reliable_channel {
 public:
  explicit reliable_channel(reliable_config cfg = {}) : cfg_(cfg) {}

  /// The peer's Receive Window Size (RFC 2661: 4 when it sent none).
  void set_peer_window(std::uint16_t window) noexcept { peer_window_ = window == 0 ? 1 : window; }
  [[nodiscard]] std::uint16_t peer_window() const noexcept { return peer_window_; }
  /// Our window (what we advertise), settable once the peer is identified.
  void set_receive_window(std::uint16_t window) noexcept { cfg_.receive_window = window == 0 ? 1 : window; }
  /// New timers and limits (the peer is identified), keeping the sequence state.
  void reconfigure(const reliable_config& cfg) noexcept {
    cfg_ = cfg;
    if (cfg_.receive_window == 0) cfg_.receive_window = 1;
  }

  /// Queues a control message (its encoded AVPs, and the Session ID its
  /// header carries); sends it at once into `out` if the peer's window has room.
  void send(wire::bytes avps, time_point now, std::vector<outbound_frame>& out, std::uint16_t session_id = 0);

  /// Processes the sequence numbers of a received control frame. In-order
  /// messages (this one and any buffered successors) are appended to
  /// `deliver` in order; acknowledgements free the window and may release
  /// queued messages into `out`.
  receive_verdict receive(std::uint16_t ns, std::uint16_t nr, wire::byte_span avps, time_point now,
                          std::vector<inbound_message>& deliver, std::vector<outbound_frame>& out,
                          std::uint16_t session_id = 0);

  /// Runs due timers: the delayed ZLB and retransmissions.
  void on_timer(time_point now, std::vector<outbound_frame>& out);

  /// When on_timer() next has something to do.
  [[nodiscard]] std::optional<time_point> next_deadline() const noexcept;

  /// Retransmissions exhausted: the tunnel must be torn down.
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  /// Nothing in flight and nothing queued.
  [[nodiscard]] bool idle() const noexcept { return in_flight_.empty() && queue_.empty(); }
  [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_.size(); }
  [[nodiscard]] std::size_t queued() const noexcept { return queue_.size(); }
  [[nodiscard]] std::uint16_t next_ns() const noexcept { return next_ns_; }
  [[nodiscard]] std::uint16_t next_nr() const noexcept { return next_nr_; }
  [[nodiscard]] time_point last_receive() const noexcept { return last_receive_; }
  [[nodiscard]] const reliable_stats& stats() const noexcept { return stats_; }

 private:
  struct pending {
    std::uint16_t ns = 0;
    wire::bytes avps;
    std::uint16_t session_id = 0;
  };
  struct queued_message {
    wire::bytes avps;
    std::uint16_t session_id = 0;
  };

  void acknowledge(std::uint16_t nr, time_point now);
  void transmit_queued(time_point now, std::vector<outbound_frame>& out);
  void send_ack_now(std::vector<outbound_frame>& out);
  /// The timeout of retransmission round `round` (1 = first transmission).
  [[nodiscard]] duration timeout_for(unsigned round) const noexcept;

  reliable_config cfg_;
  std::uint16_t peer_window_ = 4;
  std::uint16_t next_ns_ = 0;                              ///< Ns of the next new message
  std::uint16_t next_nr_ = 0;                              ///< Ns we expect next from the peer
  std::uint16_t sent_nr_ = 0;                              ///< the Nr we last sent (acknowledged up to)
  std::deque<pending> in_flight_;                          ///< sent, not yet acknowledged, in Ns order
  std::deque<queued_message> queue_;                       ///< waiting for window space
  std::map<std::uint16_t, inbound_message> out_of_order_;  ///< keyed by distance from next_nr_ at arrival
  std::optional<time_point> retransmit_at_;
  std::optional<time_point> ack_at_;
  time_point last_receive_{};
  unsigned timeouts_without_progress_ = 0;
  bool failed_ = false;
  reliable_stats stats_;
};

}  // namespace bras::l2tp
