// The sessions the data plane forwards for: by (tunnel ID, session ID) for
// packets from the LAC, by IPv4 address and by IPv6 prefix (the session's /64
// and its delegated prefix, longest match) for packets from tun; by IPv6
// interface identifier for IPv6CP's uniqueness check. Session actors add and remove their entry (rare); the
// I/O thread looks entries up per packet under a shared lock (readers never
// wait for each other, only for the rare add/bind/remove) and updates the
// entry's counters in place (relaxed atomics, no lock). This table is the one
// structure of brasd shared behind a lock (docs/architecture.md).
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/endpoint.hpp"
#include "protocol/common/bytes.hpp"
#include "protocol/ip/ipv6_prefix.hpp"
#include "protocol/pppoe/ethernet.hpp"

namespace bras::dataplane {

/// Where the data plane hands what it does not forward itself: PPP control
/// frames, and every packet on the actor path. The layer above implements it
/// (actors/session_sink.hpp: the session actor's mailbox), so this one needs
/// no actor framework. Called from the I/O thread.
class session_sink {
 public:
  virtual ~session_sink() = default;
  /// A PPP frame from the subscriber (the L2TP payload, PPP header included).
  virtual void ppp_frame(wire::byte_span frame) noexcept = 0;
  /// An IP packet from tun for the subscriber.
  virtual void tun_packet(wire::byte_span packet) noexcept = 0;
};

/// Makes a session_sink from a handle of the layer above, which specialises it
/// (`static std::shared_ptr<session_sink> make(Handle)`); this layer never
/// names the handle's type.
template <class Handle>
struct sink_for;

/// A session's sink, assignable from any handle that has a sink_for (so
/// `entry.actor = some_actor_handle` reads as it always did).
class sink_ref {
 public:
  sink_ref() = default;
  sink_ref& operator=(std::shared_ptr<session_sink> sink) noexcept {
    sink_ = std::move(sink);
    return *this;
  }
  template <class Handle>
  requires(!std::same_as<std::remove_cvref_t<Handle>, sink_ref> &&
           requires(Handle && h) { sink_for<std::remove_cvref_t<Handle>>::make(std::forward<Handle>(h)); }) sink_ref&
  operator=(Handle&& handle) {
    sink_ = sink_for<std::remove_cvref_t<Handle>>::make(std::forward<Handle>(handle));
    return *this;
  }
  [[nodiscard]] session_sink* get() const noexcept { return sink_.get(); }
  session_sink* operator->() const noexcept { return sink_.get(); }
  explicit operator bool() const noexcept { return sink_ != nullptr; }

 private:
  std::shared_ptr<session_sink> sink_;
};

/// The subscriber side of an LAC session that arrived over PPPoE (RFC 2516).
/// The PPPoE session actor creates it at PADS (with `relaying` false: every
/// frame goes to its sink, for LCP and authentication at the LAC); the L2TP
/// session fills the data_session's L2TP fields once its call is up, adds
/// it to the table by ID and then sets `relaying` (release): from then on the
/// I/O thread relays frames both ways without an actor.
struct pppoe_leg {
  std::uint16_t port = 0;               ///< access interface index (config order)
  std::uint16_t session_id = 0;         ///< the PPPoE SESSION_ID
  eth::header to_client;                ///< dst: the subscriber, src: our MAC, its VLAN tags, ethertype 0x8864
  std::atomic<bool> relaying{false};    ///< the L2TP call is up (acquire before reading the L2TP fields)
  std::atomic<std::uint32_t> magic{0};  ///< our LCP magic: Echo-Replies the LAC sends itself carry it
};

/// One session as the data plane sees it.
struct data_session {
  // Fixed when the entry is added.
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
  std::uint16_t peer_tunnel_id = 0;
  std::uint16_t peer_session_id = 0;
  std::uint16_t gateway = 0;
  model::udp_peer peer;
  sink_ref actor;    ///< the session actor: PPP control frames, and every packet in actor mode
  bool lac = false;  ///< an LAC session: frames are relayed to the subscriber, not terminated
  /// The authenticated user; written before the first address binding, read by scrapes
  /// under the table's lock (for the per-session metric families).
  std::string user;

  // Set by the session actor as PPP progresses; read by the data plane.
  std::atomic<std::uint32_t> ipv4{0};      ///< the subscriber's address once IPCP is up (host order)
  std::atomic<std::uint64_t> ipv6_iid{0};  ///< the subscriber's interface identifier once IPv6CP is up
  /// The routed IPv6 prefixes (anti-spoofing reads them; the table's routes point here): the
  /// session's /64 by its upper 64 bits, and the delegated prefix (length <= 64) by its upper 64
  /// bits and length. 0: none (before IPv6CP is up / while DHCPv6 has not bound it).
  std::atomic<std::uint64_t> ipv6_link_net{0};
  std::atomic<std::uint64_t> ipv6_delegated_net{0};
  std::atomic<std::uint8_t> ipv6_delegated_length{0};
  std::atomic<std::uint16_t> mtu{1500};   ///< the subscriber's MRU: the largest IP packet we send it
  std::atomic<std::uint16_t> tcp_mss{0};  ///< MSS clamp (0: none)
  std::atomic<bool> acfc{false};          ///< address/control field compression when sending
  std::atomic<bool> pfc{false};           ///< protocol field compression when sending
  std::atomic<bool> sequencing{false};    ///< send data messages with Ns/Nr (the LAC asked for it)
  std::atomic<std::uint16_t> next_ns{0};

  // Counters, updated in place by whichever thread forwards the packet.
  std::atomic<std::uint64_t> rx_packets{0};  ///< data from the subscriber
  std::atomic<std::uint64_t> rx_bytes{0};
  std::atomic<std::uint64_t> tx_packets{0};  ///< data to the subscriber
  std::atomic<std::uint64_t> tx_bytes{0};
  std::atomic<std::uint64_t> rx_v6_packets{0};  ///< of rx_packets / rx_bytes, IPv6 alone
  std::atomic<std::uint64_t> rx_v6_bytes{0};
  std::atomic<std::uint64_t> tx_v6_packets{0};  ///< of tx_packets / tx_bytes, IPv6 alone
  std::atomic<std::uint64_t> tx_v6_bytes{0};
  std::atomic<std::uint64_t> rx_errors{0};  ///< undecodable or not allowed (spoofed, NCP down)
  std::atomic<std::uint64_t> tx_errors{0};  ///< could not be sent (too big with DF, socket error)
  std::atomic<std::uint64_t> spoofed{0};    ///< source address not the session's
  std::atomic<std::uint64_t> mss_clamped{0};
  std::atomic<std::uint64_t> fragmented{0};
  std::atomic<std::uint64_t> icmp_sent{0};  ///< ICMP fragmentation-needed / ICMPv6 packet-too-big
  std::atomic<std::int64_t> last_rx_ns{0};  ///< steady clock of the last data from the subscriber (PPPoE: any frame)

  /// LAC sessions reached over PPPoE: the subscriber's side (null otherwise).
  std::unique_ptr<pppoe_leg> pppoe;
};

using data_session_ptr = std::shared_ptr<data_session>;

class session_table {
 public:
  /// Adds the entry under its (local tunnel ID, local session ID).
  void add(const data_session_ptr& s);
  /// Removes the entry and its address bindings.
  void remove(const data_session& s);
  /// Routes `address` (host order) to `s`; false if another session holds it.
  /// Also records the session's user (for scrapes) under the lock.
  bool bind_ipv4(const data_session_ptr& s, std::uint32_t address, std::string_view user = {});
  void unbind_ipv4(const data_session& s);
  bool bind_ipv6(const data_session_ptr& s, std::uint64_t interface_id);
  void unbind_ipv6(const data_session& s);
  /// Which of a session's IPv6 prefixes a route is.
  enum class ipv6_route : std::uint8_t { link, delegated };
  /// Routes `prefix` (length <= 64; the link's is a /64) to `s` and records it in the session's
  /// ipv6_link_net / ipv6_delegated_* for anti-spoofing; false (nothing changed) if another
  /// route overlaps it (another session's, or the session's own of the other kind: every
  /// address has one route), the length is 0 or above 64, or a link route is not a /64.
  /// Rebinding the same kind replaces the session's previous route of that kind.
  bool bind_ipv6_prefix(const data_session_ptr& s, ipv6_route kind, const ip::ipv6_prefix& prefix);
  /// Removes the session's route of `kind` (none: no change).
  void unbind_ipv6_prefix(const data_session& s, ipv6_route kind);

  [[nodiscard]] data_session_ptr find(std::uint16_t tunnel_id, std::uint16_t session_id) const;
  [[nodiscard]] data_session_ptr find_ipv4(std::uint32_t address) const;
  [[nodiscard]] data_session_ptr find_ipv6(std::uint64_t interface_id) const;
  /// The session whose /64 or delegated prefix holds `destination` (longest match); null if none.
  [[nodiscard]] data_session_ptr find_ipv6_route(const ip::ipv6_address& destination) const;
  /// Sessions with a /64 routed (dual-stack sessions, for scrapes and tests).
  [[nodiscard]] std::size_t ipv6_link_routes() const;
  /// Sessions with a delegated prefix routed.
  [[nodiscard]] std::size_t ipv6_delegated_routes() const;
  [[nodiscard]] std::size_t size() const;
  /// Calls `f(const data_session&)` for up to `limit` sessions with an IPv4 address, under the
  /// shared lock (scrapes: `f` must be quick and must not touch the table).
  template <class F>
  std::size_t visit_bound(std::size_t limit, F&& f) const {
    std::shared_lock lock{mutex_};
    std::size_t n = 0;
    for (const auto& [address, s] : by_ipv4_) {
      if (n == limit) break;
      f(*s);
      ++n;
    }
    return n;
  }
  [[nodiscard]] std::size_t ipv4_bindings() const;

  /// PPPoE sessions (LAC), by (access port, PPPoE SESSION_ID); `s->pppoe` must be set.
  void add_pppoe(const data_session_ptr& s);
  void remove_pppoe(const data_session& s);
  [[nodiscard]] data_session_ptr find_pppoe(std::uint16_t port, std::uint16_t session_id) const;
  [[nodiscard]] std::size_t pppoe_size() const;

 private:
  static std::uint32_t key(std::uint16_t tunnel_id, std::uint16_t session_id) noexcept {
    return (std::uint32_t{tunnel_id} << 16) | session_id;
  }
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint32_t, data_session_ptr> by_id_;
  std::unordered_map<std::uint32_t, data_session_ptr> by_ipv4_;
  std::unordered_map<std::uint64_t, data_session_ptr> by_ipv6_;
  std::unordered_map<std::uint32_t, data_session_ptr> by_pppoe_;  ///< (port << 16) | PPPoE SESSION_ID

  /// The IPv6 routes of one prefix length, keyed by the prefix's upper 64 bits (masked).
  struct ipv6_routes_of_length {
    std::uint8_t length = 0;
    std::unordered_map<std::uint64_t, data_session_ptr> routes;
  };
  /// The lengths in use, longest first (a lookup tries each: usually two, /64 and the delegated one).
  std::vector<ipv6_routes_of_length> ipv6_routes_;
  /// Every route as a span of upper-64-bit values, first -> last: routes never overlap, so the
  /// one span that could overlap a new route is found in O(log n) whatever the lengths.
  std::map<std::uint64_t, std::uint64_t> ipv6_spans_;
  std::size_t ipv6_link_count_ = 0;
  std::size_t ipv6_delegated_count_ = 0;

  /// Removes the session's route of `kind` (the lock held); true if there was one.
  bool drop_ipv6_route(const data_session& s, ipv6_route kind);
};

/// The forwarding functions the session actors use in actor mode
/// (dataplane/data_path.hpp implements them).
class data_plane {
 public:
  virtual ~data_plane() = default;
  /// An IP packet (network: 4 or 6) from the subscriber: checks, clamps, writes it to tun.
  virtual void from_subscriber(data_session& s, bool ipv6, wire::byte_span packet) noexcept = 0;
  /// An IP packet from tun for the subscriber: fits it to the MTU, encapsulates, sends it.
  virtual void to_subscriber(data_session& s, wire::byte_span packet) noexcept = 0;
  /// A PPP frame (control) to the subscriber in an L2TP data message.
  virtual void send_frame(data_session& s, wire::byte_span frame) noexcept = 0;
};

}  // namespace bras::dataplane
