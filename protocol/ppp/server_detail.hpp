// Internal to the LNS engine (server_impl.hpp and the server*.cpp files): the
// per-protocol traits that let one template run LCP, IPCP and IPv6CP, a layer's
// bookkeeping, and helpers free of the engine's state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::ppp {

namespace server_detail {

// ---- per-protocol traits, so one template runs LCP, IPCP and IPv6CP ----

/// A control protocol's number, restart timer, packet and option types and codec.
template <std::uint16_t Number, timer Restart, class Packet, class Option,
          wire::result<Packet> (*Decode)(wire::byte_span, std::size_t),
          wire::status (*Encode)(wire::writer&, const Packet&)>
struct control_traits {
  static constexpr std::uint16_t number = Number;
  static constexpr timer restart = Restart;
  using packet = Packet;
  using option = Option;
  static wire::result<packet> decode(wire::byte_span b, std::size_t base) { return Decode(b, base); }
  static wire::status encode(wire::writer& w, const packet& p) { return Encode(w, p); }
};

using lcp_traits = control_traits<proto::lcp, timer::lcp, lcp::packet, lcp::option, &lcp::decode, &lcp::encode>;
using ipcp_traits = control_traits<proto::ipcp, timer::ipcp, ipcp::packet, ipcp::option, &ipcp::decode, &ipcp::encode>;
using ipv6cp_traits =
    control_traits<proto::ipv6cp, timer::ipv6cp, ipv6cp::packet, ipv6cp::option, &ipv6cp::decode, &ipv6cp::encode>;

/// One control protocol's automaton, our current request and the bookkeeping around it.
template <class P>
struct layer {
  using request = configure_packet<control_code::configure_request, typename P::option>;
  negotiation neg;
  /// Our latest Configure-Request (identifier = the one sent). Its options are held only while they
  /// differ from what the policy asks for (`stock` false): a layer not started yet, or up on the
  /// policy's own request, holds none; the engine rebuilds them when it needs them (ours()).
  request ours;
  bool stock = true;                ///< ours.options are the policy's request, not held
  std::uint8_t next_id = 1;         ///< identifier of our next request
  std::uint32_t naks_received = 0;  ///< Naks/Rejects of our requests in this negotiation
  std::unique_ptr<request> early;   ///< NCP: the peer's request seen before the network phase (rare)
  bool enabled = true;
};

/// Identifiers and replacement numbers: not secrets, just varied (xorshift32).
struct rng {
  std::uint32_t s;
  std::uint32_t next() noexcept {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  std::uint32_t nonzero() noexcept {
    std::uint32_t v = 0;
    while (v == 0) v = next();
    return v;
  }
};

/// An LCP Configure-Request's options as carried in AVPs 26-28, decoded by wrapping them in a header.
inline std::optional<lcp::configure_request> decode_proxied(const wire::bytes& options) {
  if (options.size() > 1500) return std::nullopt;
  wire::bytes packet;
  packet.reserve(options.size() + 4);
  const auto length = static_cast<std::uint16_t>(options.size() + 4);
  packet.push_back(std::byte{1});
  packet.push_back(std::byte{1});
  packet.push_back(static_cast<std::byte>(length >> 8));
  packet.push_back(static_cast<std::byte>(length & 0xff));
  packet.insert(packet.end(), options.begin(), options.end());
  auto decoded = lcp::decode(packet);
  if (!decoded) return std::nullopt;
  if (auto* req = std::get_if<lcp::configure_request>(&decoded.value())) return std::move(*req);
  return std::nullopt;
}

/// AVP 27's value: the options of our Configure-Request, without its 4-byte header.
inline wire::bytes proxied_options_of(const lcp::configure_request& request) {
  wire::bytes packet;
  wire::writer w{packet};
  if (!lcp::encode(w, lcp::packet{request}) || packet.size() < 4) return {};
  return {packet.begin() + 4, packet.end()};
}

/// AVP 26/28's value: the options of a received Configure-Request as carried (bounded by its Length).
inline wire::bytes received_options_of(wire::byte_span packet) {
  if (packet.size() < 4) return {};
  const std::size_t length = (std::to_integer<std::size_t>(packet[2]) << 8) | std::to_integer<std::size_t>(packet[3]);
  if (length < 4 || length > packet.size()) return {};
  return {packet.begin() + 4, packet.begin() + static_cast<std::ptrdiff_t>(length)};
}

template <class Packet>
wire::bytes encode_frame_of(std::uint16_t protocol, const Packet& p,
                            wire::status (*encode)(wire::writer&, const Packet&)) {
  wire::bytes b;
  wire::writer w{b};
  encode_frame_header(w, protocol, {});
  if (!encode(w, p)) return {};
  return b;
}

}  // namespace server_detail

}  // namespace bras::ppp
