#include "protocol/ppp/hdlc.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tests/unit/test_util.hpp"

namespace bras::ppp::hdlc {
namespace {

using test::hex;

/// Every frame the deframer delivers, in order.
std::vector<wire::bytes> drain(deframer& d) {
  std::vector<wire::bytes> out;
  while (auto f = d.next()) out.push_back(std::move(*f));
  return out;
}

/// Feeds `stream` in chunks of `chunk` bytes (the last one shorter).
void feed_in_chunks(deframer& d, const wire::bytes& stream, std::size_t chunk) {
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    d.feed(wire::byte_span{stream}.subspan(at, std::min(chunk, stream.size() - at)));
  }
}

// pppd's first LCP Configure-Request (asyncmap 0, magic 0x3c7e0a91, pcomp,
// accomp), before any ACCM is negotiated.
const wire::bytes lcp_request =
    hex("ff 03 # address, control\n"
        "c0 21 # LCP\n"
        "01 01 00 14 # Configure-Request, id 1, length 20\n"
        "02 06 00 00 00 00 # Async-Control-Character-Map 0\n"
        "05 06 3c 7e 0a 91 # Magic-Number (0x7e and 0x0a need escaping)\n"
        "07 02 # Protocol-Field-Compression\n"
        "08 02 # Address-and-Control-Field-Compression\n");

TEST(Hdlc, FcsCheckValue) {
  // RFC 1662 §C.2 is CRC-16/X.25: check value 0x906E over "123456789".
  EXPECT_EQ(static_cast<std::uint16_t>(~fcs16(wire::as_bytes("123456789"))), 0x906e);
  EXPECT_EQ(fcs16({}), fcs_initial);
  // Incremental: two halves give the same as the whole.
  EXPECT_EQ(fcs16(wire::as_bytes("6789"), fcs16(wire::as_bytes("12345"))), fcs16(wire::as_bytes("123456789")));
  // A frame followed by its transmitted FCS (complement, LSB first) gives the good value.
  wire::bytes with_fcs = wire::to_bytes("123456789");
  with_fcs.push_back(std::byte{0x6e});
  with_fcs.push_back(std::byte{0x90});
  EXPECT_EQ(fcs16(with_fcs), fcs_good);
}

TEST(Hdlc, NeedsEscape) {
  EXPECT_TRUE(needs_escape(0x7e, 0));
  EXPECT_TRUE(needs_escape(0x7d, 0));
  EXPECT_FALSE(needs_escape(0x00, 0));
  EXPECT_TRUE(needs_escape(0x00, default_accm));
  EXPECT_TRUE(needs_escape(0x1f, default_accm));
  EXPECT_FALSE(needs_escape(0x20, default_accm));
  EXPECT_FALSE(needs_escape(0xff, default_accm));
  EXPECT_TRUE(needs_escape(0x11, 0x000a0000)) << "XON (0x11) with the usual XON/XOFF map";
  EXPECT_TRUE(needs_escape(0x13, 0x000a0000)) << "XOFF (0x13)";
  EXPECT_FALSE(needs_escape(0x12, 0x000a0000));
}

TEST(Hdlc, EncodesLcpConfigureRequestWithDefaultAccm) {
  auto expected =
      hex("7e # flag\n"
          "ff 7d23 # address, control 0x03 escaped\n"
          "c0 21 # LCP\n"
          "7d21 7d21 7d20 7d34 # 01 01 00 14\n"
          "7d22 7d26 7d20 7d20 7d20 7d20 # ACCM option: 02 06 00 00 00 00\n"
          "7d25 7d26 3c 7d5e 7d2a 91 # Magic-Number: 05 06 3c 7e 0a 91\n"
          "7d27 7d22 # 07 02\n"
          "7d28 7d22 # 08 02\n"
          "f7 4c # FCS 0x4cf7, complemented, LSB first\n"
          "7e # flag\n");
  EXPECT_EQ(wire::to_hex(encode(lcp_request)), wire::to_hex(expected));
  EXPECT_EQ(wire::to_hex(encode(lcp_request, default_accm)), wire::to_hex(expected));
}

TEST(Hdlc, EncodesWithAccmZero) {
  auto expected =
      hex("7e # flag\n"
          "ff 03 c0 21 01 01 00 14 02 06 00 00 00 00 05 06 3c # control bytes sent as is\n"
          "7d5e # 0x7e is always escaped\n"
          "0a 91 07 02 08 02\n"
          "f7 4c # FCS\n"
          "7e # flag\n");
  EXPECT_EQ(wire::to_hex(encode(lcp_request, 0)), wire::to_hex(expected));
}

TEST(Hdlc, EncodeAppendsThroughWriter) {
  wire::bytes out = hex("aa");
  wire::writer w{out};
  encode(w, lcp_request);
  EXPECT_EQ(out.size(), 1 + encode(lcp_request).size());
  EXPECT_EQ(out[0], std::byte{0xaa});
  EXPECT_EQ(out[1], std::byte{flag});
}

TEST(Hdlc, EscapesFcsBytes) {
  // Find a one-byte payload whose FCS contains 0x7e or 0x7d: the FCS is escaped too.
  for (unsigned b = 0; b < 256; ++b) {
    const wire::bytes frame{std::byte(b), std::byte{0x21}, std::byte{0x45}};
    const auto fcs = static_cast<std::uint16_t>(~fcs16(frame));
    const auto lo = static_cast<std::uint8_t>(fcs & 0xff);
    if (lo != flag && lo != escape) continue;
    auto encoded = encode(frame, 0);
    EXPECT_EQ(std::count(encoded.begin(), encoded.end(), std::byte{flag}), 2) << "only the two flags";
    deframer d;
    d.feed(encoded);
    auto got = d.next();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, frame);
    return;
  }
  FAIL() << "no payload with an FCS byte to escape";
}

TEST(Hdlc, RoundTripsEveryByteValue) {
  wire::bytes all;
  for (unsigned b = 0; b < 256; ++b) all.push_back(std::byte(b));
  for (std::uint32_t accm : {0u, default_accm, 0x000a0000u, 0x80000001u}) {
    auto encoded = encode(all, accm);
    for (std::size_t i = 1; i + 1 < encoded.size(); ++i) {
      const auto byte = std::to_integer<std::uint8_t>(encoded[i]);
      EXPECT_NE(byte, flag) << "flag inside the frame at " << i;
      if (byte < 0x20) {
        EXPECT_EQ((accm >> byte) & 1u, 0u) << "unescaped flagged control byte at " << i;
      }
    }
    deframer d;
    d.feed(encoded);
    auto got = drain(d);
    ASSERT_EQ(got.size(), 1u) << accm;
    EXPECT_EQ(got[0], all);
    EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1}));
  }
}

TEST(Hdlc, DeframesOneByteAtATime) {
  auto stream = encode(lcp_request);
  const auto second = hex("ff 03 80 21 01 02 00 0a 03 06 00 00 00 00 # IPCP Configure-Request");
  auto more = encode(second, 0);
  stream.insert(stream.end(), more.begin(), more.end());
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
    deframer d;
    feed_in_chunks(d, stream, chunk);
    auto got = drain(d);
    ASSERT_EQ(got.size(), 2u) << "chunk " << chunk;
    EXPECT_EQ(got[0], lcp_request);
    EXPECT_EQ(got[1], second);
    EXPECT_EQ(d.counters().frames_ok, 2u);
    EXPECT_EQ(d.partial_size(), 0u);
  }
}

TEST(Hdlc, BackToBackFramesShareOneFlag) {
  const auto a = hex("ff 03 c0 21 09 01 00 08 00 00 00 00 # Echo-Request");
  const auto b = hex("ff 03 c0 21 0a 01 00 08 00 00 00 00 # Echo-Reply");
  auto stream = encode(a);
  auto eb = encode(b);
  stream.insert(stream.end(), eb.begin() + 1, eb.end());  // b's opening flag omitted (§4.1)
  // Idle fill: extra flags in between and at the end delimit nothing.
  stream.push_back(std::byte{flag});
  stream.push_back(std::byte{flag});
  deframer d;
  d.feed(stream);
  EXPECT_EQ(d.pending(), 2u);
  auto got = drain(d);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], a);
  EXPECT_EQ(got[1], b);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 2}));
  EXPECT_FALSE(d.next().has_value());
}

TEST(Hdlc, StreamMayStartWithoutFlag) {
  auto stream = encode(lcp_request);
  deframer d;
  d.feed(wire::byte_span{stream}.subspan(1));
  auto got = d.next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, lcp_request);
}

TEST(Hdlc, BadFcsDroppedAndCounted) {
  auto bad = encode(lcp_request, 0);
  bad[5] ^= std::byte{0x01};  // 0x01 -> 0x00 inside the LCP header
  auto good = encode(lcp_request, 0);
  bad.insert(bad.end(), good.begin(), good.end());
  deframer d;
  d.feed(bad);
  auto got = drain(d);
  ASSERT_EQ(got.size(), 1u) << "the good frame after the bad one survives";
  EXPECT_EQ(got[0], lcp_request);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1, .fcs_errors = 1}));
}

TEST(Hdlc, AbortSequenceDropsFrame) {
  auto stream =
      hex("7e ff 7d23 c0 21 7d21 # the start of a frame\n"
          "7d 7e # Control Escape then flag: abort (§4.2)\n");
  auto good = encode(lcp_request);
  stream.insert(stream.end(), good.begin() + 1, good.end());  // the abort's flag opens the next frame
  deframer d;
  d.feed(stream);
  auto got = drain(d);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], lcp_request);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1, .aborted = 1}));
}

TEST(Hdlc, AbortAcrossChunks) {
  deframer d;
  d.feed(hex("7e ff 03 c0 21 01 7d"));
  d.feed(hex("7e"));
  EXPECT_EQ(d.counters().aborted, 1u);
  EXPECT_FALSE(d.next().has_value());
}

TEST(Hdlc, EscapeSplitAcrossChunks) {
  auto stream = encode(lcp_request);
  const auto at = static_cast<std::size_t>(std::find(stream.begin(), stream.end(), std::byte{escape}) - stream.begin());
  deframer d;
  d.feed(wire::byte_span{stream}.first(at + 1));  // ends on the escape byte
  d.feed(wire::byte_span{stream}.subspan(at + 1));
  auto got = d.next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, lcp_request);
}

TEST(Hdlc, GarbageBetweenFlags) {
  auto stream =
      hex("7e 01 7e # one byte: runt\n"
          "7e 7d 5e 7d 5d 7e # two escaped bytes: runt\n"
          "7e 45 00 00 1c 00 00 40 00 40 01 7e # twelve bytes, not a frame: bad FCS\n"
          "7e 7e 7e # idle fill\n");
  auto good = encode(lcp_request);
  stream.insert(stream.end(), good.begin(), good.end());
  deframer d;
  d.feed(stream);
  auto got = drain(d);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], lcp_request);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1, .fcs_errors = 1, .runts = 2}));
}

TEST(Hdlc, ShortestFrameIsFourBytes) {
  // A one-byte protocol, one payload byte and the FCS is the smallest frame kept...
  const auto smallest = hex("21 45");
  deframer d;
  d.feed(encode(smallest));
  auto got = d.next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, smallest);
  // ... and three bytes between flags are dropped even when their FCS would check.
  const auto one = hex("21");
  d.feed(encode(one));
  EXPECT_FALSE(d.next().has_value());
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1, .runts = 1}));
}

TEST(Hdlc, OversizeDroppedWithBoundedMemory) {
  constexpr std::size_t max = 64;
  deframer d{max};
  wire::bytes fits(max, std::byte{0x41});
  wire::bytes too_big(max + 1, std::byte{0x41});
  d.feed(encode(too_big));
  d.feed(encode(fits));
  auto got = drain(d);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], fits);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 1, .oversize = 1}));

  // A long run with no flag never grows the buffer beyond max + FCS.
  wire::bytes flood(100000, std::byte{0x55});
  for (int i = 0; i < 10; ++i) {
    d.feed(flood);
    EXPECT_LE(d.partial_size(), max + fcs_size);
  }
  d.feed(encode(fits));
  got = drain(d);
  ASSERT_EQ(got.size(), 1u) << "the flag after the flood ends the oversize frame";
  EXPECT_EQ(got[0], fits);
  EXPECT_EQ(d.counters(), (deframer_counters{.frames_ok = 2, .oversize = 2}));
}

TEST(Hdlc, DefaultMaxFrameFitsLargeMru) {
  wire::bytes big(default_max_frame, std::byte{0x7e});  // every byte escaped on the wire
  deframer d;
  d.feed(encode(big));
  auto got = d.next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size(), default_max_frame);
}

TEST(Hdlc, ReceiveAccmRemovesInsertedControlBytes) {
  auto stream = encode(lcp_request);  // every control byte escaped
  // The line inserts XON/XOFF (0x11, 0x13) unescaped.
  stream.insert(stream.begin() + 2, std::byte{0x11});  // after 0xff, not after an escape
  stream.insert(stream.begin() + 6, std::byte{0x13});  // between 0xc0 and 0x21
  deframer keeps;
  keeps.feed(stream);
  EXPECT_FALSE(keeps.next().has_value()) << "rx_accm 0 keeps them: the FCS fails";
  EXPECT_EQ(keeps.counters().fcs_errors, 1u);
  deframer removes{default_max_frame, 0x000a0000};
  removes.feed(stream);
  auto got = removes.next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, lcp_request);
}

}  // namespace
}  // namespace bras::ppp::hdlc
