// libFuzzer target for the L2TP decoders: header, raw AVPs, control messages
// (with and without a secret for hidden AVPs). Every successful decode is
// re-encoded and decoded again; a mismatch is a bug (trap).
#include <cstddef>
#include <cstdint>

#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/message.hpp"

namespace {

using namespace bras;

constexpr std::string_view secret = "fuzzsecret";

void round_trip_control(const l2tp::control_message& m, bool with_secret) {
  l2tp::encode_options eo;
  if (with_secret) eo.secret = secret;
  eo.random_vector = wire::bytes(16, std::byte{0x42});
  wire::bytes out;
  l2tp::encode_control(out, m, eo);
  l2tp::decode_options dopts;
  if (with_secret) dopts.secret = secret;
  auto again = l2tp::decode_control(out, 0, dopts);
  if (!again || !(*again == m)) __builtin_trap();
  (void)m.check();
  (void)m.unknown_mandatory();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::byte_span input{reinterpret_cast<const std::byte*>(data), size};

  // Whole datagram: header, then the control message inside it.
  if (auto p = l2tp::decode_packet(input)) {
    auto re = l2tp::encode_packet(p->hdr, p->payload);
    auto q = l2tp::decode_packet(re);
    if (!q || !(q->hdr == p->hdr) ||
        !std::equal(q->payload.begin(), q->payload.end(), p->payload.begin(), p->payload.end())) {
      __builtin_trap();
    }
    if (p->hdr.control) {
      if (auto m = l2tp::decode_control(p->payload, p->payload_offset)) round_trip_control(*m, false);
      if (auto m = l2tp::decode_control(p->payload, p->payload_offset, {secret})) round_trip_control(*m, true);
    }
  }

  // The raw input as an AVP list, with and without a secret.
  if (auto m = l2tp::decode_control(input)) round_trip_control(*m, false);
  if (auto m = l2tp::decode_control(input, 0, {secret})) round_trip_control(*m, true);

  // The generic AVP walker on its own.
  wire::reader r{input};
  while (!r.empty()) {
    auto avp = l2tp::read_avp(r);
    if (!avp) break;
    if (avp->value.size() + l2tp::avp_header_size > l2tp::avp_max_size) __builtin_trap();
    if (avp->hidden) (void)l2tp::unhide(*avp, secret, avp->value);
  }
  return 0;
}
