// libFuzzer target for the PPPoE codec: Ethernet, PPPoE header, Discovery,
// Session and the TR-101 sub-options. Every successful decode is re-encoded
// and decoded again; the second decode must succeed and compare equal, and
// where the encoding is canonical it must reproduce the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "protocol/pppoe/access_line.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace {

using namespace bras;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool same(wire::byte_span a, wire::byte_span b) {
  return std::ranges::equal(a, b);
}

// Errors must point inside (or just past) the bytes that were handed in.
void require_in_range(const wire::error& e, std::size_t base, std::size_t size) {
  require(e.offset >= base && e.offset <= base + size);
  require(!e.reason.empty());
}

void access_line_round_trip(const pppoe::access_line& a) {
  wire::bytes out;
  wire::writer w{out};
  require(encode(a, w).ok());
  auto again = pppoe::decode_access_line(out);
  require(again.ok() && *again == a);
  auto tag = pppoe::to_vendor_tag(a);
  require(tag.ok() && tag->vendor_id == pppoe::bbf_vendor_id && tag->data == out);
}

void discovery_round_trip(const pppoe::discovery& d, wire::byte_span input, std::size_t base) {
  wire::bytes out;
  wire::writer w{out};
  require(encode(d, w).ok());
  auto again = pppoe::decode_discovery(out, base);
  require(again.ok() && *again == d);
  // Without End-Of-List nothing was dropped: the encoding is the packet up to LENGTH.
  if (!d.end_of_list) require(out.size() <= input.size() && same(out, input.first(out.size())));
  // The semantic check is a pure function of the value.
  auto s1 = check(d, base);
  auto s2 = check(*again, base);
  require(s1.ok() == s2.ok() && (s1.ok() || s1.err() == s2.err()));
  // TR-101: the same result (value or error at the same offset) from both copies.
  auto a1 = pppoe::access_line_of(d, base);
  auto a2 = pppoe::access_line_of(*again, base);
  require(a1.ok() == a2.ok());
  if (a1.ok()) {
    require(*a1 == *a2);
    if (a1->has_value()) access_line_round_trip(**a1);
  } else {
    require(a1.err() == a2.err());
    require_in_range(a1.err(), base, input.size());
  }
}

void session_round_trip(const pppoe::session_view& s, wire::byte_span input) {
  wire::bytes out;
  wire::writer w{out};
  require(pppoe::encode_session(s.session_id, s.payload, w).ok());
  auto again = pppoe::decode_session(out);
  require(again.ok() && again->session_id == s.session_id && same(again->payload, s.payload));
  require(same(out, input.first(out.size())));
}

void try_discovery(wire::byte_span in, std::size_t base) {
  auto d = pppoe::decode_discovery(in, base);
  if (d.ok()) {
    discovery_round_trip(*d, in, base);
  } else {
    require_in_range(d.err(), base, in.size());
  }
}

void try_session(wire::byte_span in, std::size_t base) {
  auto s = pppoe::decode_session(in, base);
  if (s.ok()) {
    require(s->payload.size() + pppoe::header_size <= in.size());
    session_round_trip(*s, in);
  } else {
    require_in_range(s.err(), base, in.size());
  }
}

void try_ethernet(wire::byte_span in) {
  auto f = eth::decode(in);
  if (!f.ok()) {
    require_in_range(f.err(), 0, in.size());
    return;
  }
  wire::bytes out;
  wire::writer w{out};
  require(encode(f->hdr, f->payload, w).ok());
  require(same(out, in));  // the Ethernet encoding is canonical
  auto again = eth::decode(out);
  require(again.ok() && again->hdr == f->hdr && same(again->payload, f->payload));
  std::size_t hsize = eth::header_size(f->hdr);
  require(hsize + f->payload.size() == in.size());
  if (f->hdr.ethertype == eth::ethertype_pppoe_discovery) try_discovery(f->payload, hsize);
  if (f->hdr.ethertype == eth::ethertype_pppoe_session) try_session(f->payload, hsize);
}

void try_access_line(wire::byte_span in) {
  auto a = pppoe::decode_access_line(in, 3);
  if (a.ok()) {
    access_line_round_trip(*a);
  } else {
    require_in_range(a.err(), 3, in.size());
  }
}

void try_header(wire::byte_span in) {
  auto h = pppoe::decode_header(in, 5);
  if (h.ok()) {
    require(h->payload.size() + pppoe::header_size <= in.size());
    require(h->payload.data() == in.data() + pppoe::header_size);
  } else {
    require_in_range(h.err(), 5, in.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::byte_span in{reinterpret_cast<const std::byte*>(data), size};
  try_ethernet(in);
  try_header(in);
  try_discovery(in, 0);
  try_session(in, 0);
  try_access_line(in);
  return 0;
}
