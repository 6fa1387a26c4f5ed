// libFuzzer target for the RFC 1662 async HDLC codec (protocol/ppp/hdlc.hpp).
//  1. The input as a byte stream: deframing it whole, one byte at a time and in
//     input-chosen chunks gives the same frames and counters; memory stays
//     bounded; every frame delivered re-encodes and deframes to itself.
//  2. The input as a PPP frame: encoded under an input-chosen ACCM, it has
//     flags only at its ends and no flagged control byte, and deframes to
//     exactly the input (or is counted as a runt or oversize frame).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/ppp/hdlc.hpp"

namespace {

using namespace bras;
namespace hdlc = bras::ppp::hdlc;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

// Small enough for the fuzzer to reach the oversize path.
constexpr std::size_t max_frame = 300;

struct outcome {
  std::vector<wire::bytes> frames;
  hdlc::deframer_counters counters;
  bool operator==(const outcome&) const = default;
};

/// Deframes `stream` in chunks whose sizes cycle through `sizes` (1 if empty).
outcome deframe(wire::byte_span stream, wire::byte_span sizes) {
  hdlc::deframer d{max_frame};
  outcome out;
  std::size_t at = 0;
  std::size_t k = 0;
  while (at < stream.size()) {
    std::size_t n = sizes.empty() ? 1 : std::to_integer<std::size_t>(sizes[k++ % sizes.size()]) + 1;
    if (n > stream.size() - at) n = stream.size() - at;
    d.feed(stream.subspan(at, n));
    at += n;
    require(d.partial_size() <= max_frame + hdlc::fcs_size);
    while (auto f = d.next()) out.frames.push_back(std::move(*f));
  }
  out.counters = d.counters();
  return out;
}

void check_stream(wire::byte_span data) {
  const auto whole = deframe(data, wire::byte_span{});
  const std::byte one[] = {std::byte{0}};
  require(deframe(data, one) == whole);
  require(deframe(data, data.first(data.size() < 8 ? data.size() : 8)) == whole);
  require(whole.counters.frames_ok == whole.frames.size());
  for (const auto& f : whole.frames) {
    require(f.size() >= 2 && f.size() <= max_frame);
    hdlc::deframer again{max_frame};
    again.feed(hdlc::encode(f));
    auto g = again.next();
    require(g.has_value() && *g == f && !again.next().has_value());
  }
}

void check_frame(wire::byte_span data) {
  std::uint32_t accm = 0;
  for (std::size_t i = 0; i < 4 && i < data.size(); ++i) {
    accm = (accm << 8) | std::to_integer<std::uint32_t>(data[i]);
  }
  const auto encoded = hdlc::encode(data, accm);
  require(encoded.size() >= 4 && encoded.front() == std::byte{hdlc::flag} && encoded.back() == std::byte{hdlc::flag});
  for (std::size_t i = 1; i + 1 < encoded.size(); ++i) {
    const auto b = std::to_integer<std::uint8_t>(encoded[i]);
    require(b != hdlc::flag);
    require(b >= 0x20 || ((accm >> b) & 1u) == 0);
  }
  hdlc::deframer d{max_frame};
  d.feed(encoded);
  auto f = d.next();
  const auto& c = d.counters();
  if (data.size() < 2) {  // with the FCS, fewer than 4 bytes between the flags
    require(!f && c == hdlc::deframer_counters{.runts = 1});
  } else if (data.size() > max_frame) {
    require(!f && c == hdlc::deframer_counters{.oversize = 1});
  } else {
    require(f.has_value() && std::ranges::equal(*f, data) && c == hdlc::deframer_counters{.frames_ok = 1});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const wire::byte_span data{reinterpret_cast<const std::byte*>(bytes), size};
  check_stream(data);
  check_frame(data);
  return 0;
}
