#include "protocol/ppp/hdlc.hpp"

#include <array>
#include <utility>

namespace bras::ppp::hdlc {

namespace {

// RFC 1662 §C.2 fcstab: the reflected CRC-16/CCITT polynomial 0x8408, one
// entry per byte, built at compile time.
constexpr std::array<std::uint16_t, 256> make_fcs_table() noexcept {
  std::array<std::uint16_t, 256> table{};
  for (unsigned b = 0; b < 256; ++b) {
    unsigned v = b;
    for (int bit = 0; bit < 8; ++bit) v = (v & 1u) != 0 ? (v >> 1) ^ 0x8408u : v >> 1;
    table[b] = static_cast<std::uint16_t>(v);
  }
  return table;
}
constexpr auto fcs_table = make_fcs_table();
static_assert(fcs_table[1] == 0x1189 && fcs_table[255] == 0x0f78, "RFC 1662 §C.2 fcstab");

void put_escaped(wire::writer& w, std::uint8_t byte, std::uint32_t accm) {
  if (needs_escape(byte, accm)) {
    w.u8(escape);
    w.u8(static_cast<std::uint8_t>(byte ^ escape_xor));
  } else {
    w.u8(byte);
  }
}

}  // namespace

std::uint16_t fcs16(wire::byte_span data, std::uint16_t fcs) noexcept {
  for (std::byte b : data) {
    fcs = static_cast<std::uint16_t>((fcs >> 8) ^ fcs_table[(fcs ^ std::to_integer<unsigned>(b)) & 0xffu]);
  }
  return fcs;
}

void encode(wire::writer& w, wire::byte_span ppp_frame, std::uint32_t accm) {
  w.u8(flag);
  for (std::byte b : ppp_frame) put_escaped(w, std::to_integer<std::uint8_t>(b), accm);
  const auto fcs = static_cast<std::uint16_t>(~fcs16(ppp_frame));
  put_escaped(w, static_cast<std::uint8_t>(fcs & 0xffu), accm);
  put_escaped(w, static_cast<std::uint8_t>(fcs >> 8), accm);
  w.u8(flag);
}

wire::bytes encode(wire::byte_span ppp_frame, std::uint32_t accm) {
  wire::bytes out;
  // Worst case every byte escaped, plus two flags.
  out.reserve(2 * (ppp_frame.size() + fcs_size) + 2);
  wire::writer w{out};
  encode(w, ppp_frame, accm);
  return out;
}

void deframer::feed(wire::byte_span chunk) {
  for (std::byte b : chunk) {
    auto byte = std::to_integer<std::uint8_t>(b);
    if (byte == flag) {
      end_of_frame();
      continue;
    }
    if (too_long_) continue;
    if (escaped_) {
      escaped_ = false;
      byte = static_cast<std::uint8_t>(byte ^ escape_xor);
    } else if (byte == escape) {
      escaped_ = true;
      continue;
    } else if (byte < 0x20 && ((rx_accm_ >> byte) & 1u) != 0) {
      continue;  // inserted by the line, not sent by the peer (§7.1)
    }
    if (current_.size() >= max_frame_ + fcs_size) {
      too_long_ = true;
      escaped_ = false;
      current_.clear();
      continue;
    }
    current_.push_back(std::byte{byte});
  }
}

void deframer::end_of_frame() {
  const bool aborted = std::exchange(escaped_, false);
  if (std::exchange(too_long_, false)) {
    ++counters_.oversize;
  } else if (aborted) {
    ++counters_.aborted;
  } else if (current_.empty()) {
    // Two adjacent flags: idle fill or a shared flag, not a frame.
  } else if (current_.size() < fcs_size + 2) {
    ++counters_.runts;
  } else if (fcs16(current_) != fcs_good) {
    ++counters_.fcs_errors;
  } else {
    current_.resize(current_.size() - fcs_size);
    ready_.push_back(std::move(current_));
    ++counters_.frames_ok;
  }
  current_.clear();  // valid after the move as well
}

std::optional<wire::bytes> deframer::next() {
  if (ready_.empty()) return std::nullopt;
  wire::bytes frame = std::move(ready_.front());
  ready_.pop_front();
  return frame;
}

}  // namespace bras::ppp::hdlc
