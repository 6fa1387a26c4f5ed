// Internal to the client engine (client_impl.hpp and the client*.cpp files):
// the helpers it is built from, free of the engine's state.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "protocol/ppp/answer_builder.hpp"
#include "protocol/ppp/client.hpp"

namespace bras::ppp {

namespace client_detail {

/// The smallest MRU we accept from the LNS (and from its Nak of ours).
constexpr std::uint16_t min_mru = 576;

enum class layer : std::uint8_t { lcp = 0, ipcp = 1, ipv6cp = 2 };

constexpr std::size_t index_of(layer l) noexcept {
  return static_cast<std::size_t>(l);
}
constexpr std::size_t index_of(timer t) noexcept {
  return static_cast<std::size_t>(t);
}
constexpr std::size_t index_of(network n) noexcept {
  return static_cast<std::size_t>(n);
}

constexpr std::uint16_t protocol_of(layer l) noexcept {
  switch (l) {
    case layer::lcp: return proto::lcp;
    case layer::ipcp: return proto::ipcp;
    case layer::ipv6cp: return proto::ipv6cp;
  }
  return proto::lcp;
}

constexpr timer timer_of(layer l) noexcept {
  switch (l) {
    case layer::lcp: return timer::lcp;
    case layer::ipcp: return timer::ipcp;
    case layer::ipv6cp: return timer::ipv6cp;
  }
  return timer::lcp;
}

constexpr bool negotiating(ppp_state s) noexcept {
  return s == ppp_state::req_sent || s == ppp_state::ack_rcvd || s == ppp_state::ack_sent;
}

/// Open or on its way there.
constexpr bool alive(ppp_state s) noexcept {
  return negotiating(s) || s == ppp_state::opened;
}

/// The automaton accepts received packets only once the lower layer is up (states 2-9).
constexpr bool receiving(ppp_state s) noexcept {
  return s != ppp_state::initial && s != ppp_state::starting;
}

/// Codes 1-7 (Configure-*, Terminate-*, Code-Reject) are required: rejecting one is catastrophic (RFC 1661 §5.6).
inline bool catastrophic(const code_reject& reject) noexcept {
  if (reject.rejected_packet.empty()) return true;
  const auto code = std::to_integer<std::uint8_t>(reject.rejected_packet.front());
  return code >= 1 && code <= 7;
}

/// A Magic-Number or Interface-Identifier to suggest instead of `ours` (we get no randomness).
template <class T>
inline T other_than(T ours) noexcept {
  return distinct_nonzero(static_cast<T>(~ours), ours);
}

/// RCR+ when we Ack the request, RCR- when we Nak or Reject it.
template <class Option, class Packet>
inline ppp_event event_of(const Packet& answer) noexcept {
  return std::holds_alternative<configure_packet<control_code::configure_ack, Option>>(answer) ? ppp_event::rcr_plus
                                                                                               : ppp_event::rcr_minus;
}

/// Our options without the rejected ones; nothing when the Reject does not answer our request
/// (identifier differs, or its options are not ours unmodified and in order, RFC 1661 §5.4).
template <class Option>
std::optional<std::vector<Option>> without_rejected(
    const std::optional<configure_packet<control_code::configure_request, Option>>& ours,
    const configure_packet<control_code::configure_reject, Option>& reject) {
  if (!ours) return std::nullopt;
  return ppp::without_rejected(*ours, reject);
}

/// A Configure-Ack answers our latest request only with its identifier and exactly its options (RFC 1661 §5.2).
template <class Option>
bool acks(const std::optional<configure_packet<control_code::configure_request, Option>>& ours,
          const configure_packet<control_code::configure_ack, Option>& ack) {
  return ours && ack.identifier == ours->identifier && ack.options == ours->options;
}

template <class Packet, class Encode>
inline wire::bytes encode_with(Encode encode, const Packet& p) {
  wire::bytes out;
  wire::writer w{out};
  if (!encode(w, p)) out.clear();
  return out;
}

inline wire::bytes encode_lcp(const lcp::packet& p) {
  return encode_with(&lcp::encode, p);
}
inline wire::bytes encode_ipcp(const ipcp::packet& p) {
  return encode_with(&ipcp::encode, p);
}
inline wire::bytes encode_ipv6cp(const ipv6cp::packet& p) {
  return encode_with(&ipv6cp::encode, p);
}

/// A packet of the format every control protocol shares: code, identifier, length, data.
inline wire::bytes control_packet(control_code code, std::uint8_t identifier, wire::byte_span data) {
  wire::bytes out;
  wire::writer w{out};
  w.u8(static_cast<std::uint8_t>(code));
  w.u8(identifier);
  w.u16(static_cast<std::uint16_t>(4 + data.size()));
  w.put(data);
  return out;
}

/// The received packet from its code to the end of its length field (padding dropped).
inline wire::byte_span packet_bytes(wire::byte_span payload) {
  auto header = decode_control_header(payload);
  if (!header) return payload;
  return payload.first(4 + header->data.size());
}

/// The start of `data` that fits in `mru` after `overhead` bytes of headers.
inline wire::byte_span truncated(wire::byte_span data, std::size_t overhead, std::uint16_t mru) {
  const std::size_t limit = mru > overhead ? mru - overhead : 0;
  return data.first(std::min(data.size(), limit));
}

}  // namespace client_detail

}  // namespace bras::ppp
