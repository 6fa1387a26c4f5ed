#include "protocol/common/bytes.hpp"

#include "tests/unit/test_util.hpp"

namespace bras::wire {
namespace {

using test::hex;

TEST(Reader, ReadsNetworkOrder) {
  auto b = hex("01 | 0203 | 04050607 | 08090a0b0c0d0e0f");
  reader r{test::span(b)};
  std::uint8_t a = 0;
  std::uint16_t c = 0;
  std::uint32_t d = 0;
  std::uint64_t e = 0;
  ASSERT_TRUE(r.u8(a));
  ASSERT_TRUE(r.u16(c));
  ASSERT_TRUE(r.u32(d));
  ASSERT_TRUE(r.u64(e));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(c, 0x0203);
  EXPECT_EQ(d, 0x04050607u);
  EXPECT_EQ(e, 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.failed());
}

TEST(Reader, FailedReadChangesNothingAndSticks) {
  auto b = hex("0102 03");
  reader r{test::span(b), 100};
  std::uint32_t v = 0xdeadbeef;
  EXPECT_FALSE(r.u32(v));
  EXPECT_EQ(v, 0xdeadbeefu);
  EXPECT_EQ(r.offset(), 100u);
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.failure()->offset, 100u);
  std::uint8_t x = 0;
  EXPECT_FALSE(r.u8(x)) << "a failed reader stays failed";
}

TEST(Reader, SubReaderIsBoundedAndKeepsAbsoluteOffsets) {
  auto b = hex("aa bbcc dd");
  reader r{test::span(b), 10};
  std::uint8_t x = 0;
  ASSERT_TRUE(r.u8(x));
  auto sub = r.sub(2);
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->offset(), 11u);
  std::uint16_t y = 0;
  ASSERT_TRUE(sub->u16(y));
  EXPECT_EQ(y, 0xbbcc);
  EXPECT_FALSE(sub->u8(x)) << "sub-reader must not read past its bound";
  EXPECT_EQ(r.offset(), 13u);
  EXPECT_FALSE(r.sub(2).has_value());
}

TEST(Reader, HugeLengthDoesNotOverflow) {
  auto b = hex("00");
  reader r{test::span(b)};
  byte_span out;
  EXPECT_FALSE(r.take(static_cast<std::size_t>(-1), out));
  EXPECT_FALSE(r.skip(static_cast<std::size_t>(-1)));
}

TEST(Writer, PatchesReservedLength) {
  bytes out;
  writer w{out};
  auto at = w.reserve_u16();
  w.u32(0x01020304);
  w.patch_u16(at, static_cast<std::uint16_t>(w.size()));
  EXPECT_EQ(to_hex(out), "000601020304");
}

TEST(Hex, ParsesAnnotatedVectors) {
  auto b = from_hex("c8 02 # flags, version\n 00 0c # length\n");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(to_hex(*b), "c802000c");
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace bras::wire
