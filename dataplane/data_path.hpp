// Subscriber IP forwarding between L2TP data messages and the tun device.
//
// Two designs, chosen by data-plane.mode per direction and measured against each other
// (docs/benchmarks.md): on the fast path the I/O thread does everything for
// an IP packet (session lookup, anti-spoofing, MSS clamping, MTU handling,
// encapsulation, counters in place); on the actor path it only looks the
// session up and hands every packet to the session's sink (its actor), which
// calls the same functions. PPP control frames always go to the sink. The
// default is the fast path both ways: with tun bursts sent by sendmmsg and two
// tun queues it beats the actor path downstream too (split, fast path upstream
// and actors downstream, was the default before batching).
//
// On the fast path nothing is copied: MSS clamping rewrites the packet where
// it was received, and the headers to the subscriber go into the headroom the
// tun reader left in front of the packet (dataplane/encap.hpp). tun is read in
// bursts; the fast path sends a burst with one transport::send_batch per
// gateway (sendmmsg): one system call per burst to send, not one per packet
// (reading stays one read() per packet: tun has no batched read).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "configs/config.hpp"
#include "dataplane/encap.hpp"
#include "dataplane/session_table.hpp"
#include "dataplane/transport.hpp"
#include "model/counters.hpp"

namespace bras::dataplane {

class pppoe_path;

/// The most packets from_tun takes at once (a tun reader's burst).
inline constexpr std::size_t tun_burst = 64;

class data_path final : public data_plane {
 public:
  /// `tun` may be null (control plane only: IP packets are counted and dropped).
  /// `tun_write_failed` (may be empty) hears errno when tun refuses a packet.
  data_path(config::data_path_mode mode, session_table& sessions, model::counters& stats, transport& tx,
            packet_writer* tun, std::function<void(int)> tun_write_failed = {});

  /// I/O thread: an L2TP data message (T=0), in the receive buffer (rewritten
  /// in place by MSS clamping). False when it is for no session we know (the
  /// caller passes it on, to be counted).
  bool from_l2tp(std::uint16_t gateway, model::udp_peer peer, std::span<std::byte> datagram) noexcept;
  /// The LAC's PPPoE data plane (set before the I/O thread starts; null: none):
  /// frames of relaying PPPoE sessions go to it, not to their actor.
  void set_pppoe(pppoe_path* pppoe) noexcept { pppoe_ = pppoe; }
  /// I/O thread: a packet read from tun, with encap_headroom bytes in front of it.
  void from_tun(headroom_packet packet) noexcept { from_tun(std::span<headroom_packet>{&packet, 1}); }
  /// A tun reader (the I/O thread or a queue's thread; reentrant): up to tun_burst packets read
  /// from tun, each with encap_headroom bytes in front of it, handled in order. On the fast path
  /// they are encapsulated in place and sent with one transport::send_batch per gateway, before
  /// this returns: the buffers are the reader's again after it.
  void from_tun(std::span<headroom_packet> burst) noexcept;

  void from_subscriber(data_session& s, bool ipv6, wire::byte_span packet) noexcept override;
  void to_subscriber(data_session& s, wire::byte_span packet) noexcept override;
  void send_frame(data_session& s, wire::byte_span frame) noexcept override;

 private:
  /// Datagrams encapsulated in place, waiting for their send_batch (one tun burst).
  struct tx_burst;
  /// Sends what `b` holds (one send_batch per gateway), counts what the kernel refused, empties it.
  void flush(tx_burst& b) noexcept;
  /// Anti-spoofing and the receive counters; false when the packet is dropped.
  bool admit(data_session& s, bool ipv6, wire::byte_span packet) noexcept;
  void write_tun(wire::byte_span packet) noexcept;
  /// The fast path's upstream: clamps in place.
  void up_in_place(data_session& s, bool ipv6, std::span<std::byte> packet) noexcept;
  /// `packet` (with headroom) to the subscriber, or fragments / ICMP when it exceeds the MTU.
  void down_in_place(data_session& s, headroom_packet& packet, tx_burst& b) noexcept;
  /// A packet above the session's MTU: IPv4 fragments, or ICMP back through tun.
  void too_big(data_session& s, bool ipv6, wire::byte_span packet) noexcept;
  /// Copies `packet` behind headroom in this thread's scratch buffer and sends it.
  void send_copy(data_session& s, std::uint16_t protocol, wire::byte_span packet) noexcept;
  /// Clamps, counts and sends an IP packet that has headroom (into `b` when not null).
  void send_ip(data_session& s, bool ipv6, headroom_packet& packet, tx_burst* b = nullptr) noexcept;
  /// Encapsulates in place and sends it, or queues it in `b` when not null.
  void send_data(data_session& s, std::uint16_t protocol, headroom_packet& payload, tx_burst* b = nullptr) noexcept;

  session_table& sessions_;
  model::counters& stats_;
  transport& tx_;
  packet_writer* tun_;
  std::function<void(int)> tun_write_failed_;
  pppoe_path* pppoe_ = nullptr;
  bool fast_up_;    ///< subscriber -> tun handled on the I/O thread
  bool fast_down_;  ///< tun -> subscriber handled on the I/O thread
  std::atomic<std::uint16_t> icmp_id_{0};
};

}  // namespace bras::dataplane
