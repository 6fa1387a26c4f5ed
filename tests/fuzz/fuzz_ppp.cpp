// libFuzzer target for the PPP codecs (protocol/ppp/): the input goes through
// the frame decoder and the decoder of its protocol, and straight into every
// packet decoder. Each successful decode must re-encode and decode again to an
// equal value, and re-encoding that must give the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"

namespace {

using namespace bras;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

/// Decodes at offset 0 and at `base`; checks error offsets and the round trip.
template <class Packet>
void check(wire::byte_span data, std::size_t base, wire::result<Packet> (*decode)(wire::byte_span, std::size_t),
           wire::status (*encode)(wire::writer&, const Packet&)) {
  auto first = decode(data, base);
  if (!first) {
    require(first.err().offset >= base && first.err().offset <= base + data.size());
    auto unshifted = decode(data, 0);
    require(!unshifted && unshifted.err().reason == first.err().reason &&
            unshifted.err().offset + base == first.err().offset);
    return;
  }
  wire::bytes encoded;
  wire::writer w{encoded};
  require(encode(w, *first).ok());  // anything we decoded fits its length fields
  auto second = decode(encoded, 0);
  require(second.ok() && *second == *first);
  wire::bytes again;
  wire::writer w2{again};
  require(encode(w2, *second).ok() && again == encoded);
}

void check_frame(wire::byte_span data) {
  constexpr std::size_t base = 3;  // as if behind some transport header
  auto f = bras::ppp::decode_frame(data, base);
  if (!f) {
    require(f.err().offset >= base && f.err().offset <= base + data.size());
    return;
  }
  require(f->payload_offset + f->payload.size() == base + data.size());
  require(bras::ppp::is_valid_protocol(f->protocol));
  for (bool acfc : {false, true}) {
    for (bool pfc : {false, true}) {
      wire::bytes encoded;
      wire::writer w{encoded};
      bras::ppp::encode_frame(w, f->protocol, f->payload, {.acfc = acfc, .pfc = pfc});
      auto again = bras::ppp::decode_frame(encoded);
      require(again.ok() && again->protocol == f->protocol && std::ranges::equal(again->payload, f->payload));
    }
  }
  switch (f->protocol) {
    case bras::ppp::proto::lcp:
      check(f->payload, f->payload_offset, &bras::ppp::lcp::decode, &bras::ppp::lcp::encode);
      break;
    case bras::ppp::proto::pap:
      check(f->payload, f->payload_offset, &bras::ppp::pap::decode, &bras::ppp::pap::encode);
      break;
    case bras::ppp::proto::chap:
      check(f->payload, f->payload_offset, &bras::ppp::chap::decode, &bras::ppp::chap::encode);
      break;
    case bras::ppp::proto::ipcp:
      check(f->payload, f->payload_offset, &bras::ppp::ipcp::decode, &bras::ppp::ipcp::encode);
      break;
    case bras::ppp::proto::ipv6cp:
      check(f->payload, f->payload_offset, &bras::ppp::ipv6cp::decode, &bras::ppp::ipv6cp::encode);
      break;
    default: break;  // data protocols: the payload is not ours to parse
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const wire::byte_span data{reinterpret_cast<const std::byte*>(bytes), size};
  check_frame(data);
  constexpr std::size_t base = 7;
  check(data, base, &bras::ppp::lcp::decode, &bras::ppp::lcp::encode);
  check(data, base, &bras::ppp::pap::decode, &bras::ppp::pap::encode);
  check(data, base, &bras::ppp::chap::decode, &bras::ppp::chap::encode);
  check(data, base, &bras::ppp::ipcp::decode, &bras::ppp::ipcp::encode);
  check(data, base, &bras::ppp::ipv6cp::decode, &bras::ppp::ipv6cp::encode);
  return 0;
}
