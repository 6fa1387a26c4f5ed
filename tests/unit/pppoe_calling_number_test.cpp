#include <gtest/gtest.h>

#include <string>

#include "protocol/pppoe/calling_number.hpp"

namespace bras::pppoe {
namespace {

calling_number_fields qinq_fields() {
  calling_number_fields f;
  f.mac = {0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0xef};
  f.interface = "access0";
  f.outer_vid = 1000;
  f.inner_vid = 42;
  f.circuit_id = "dslam1 eth 1/1/1:100";
  f.remote_id = "sub-42";
  f.session_id = 4711;
  return f;
}

TEST(CallingNumber, EveryPlaceholder) {
  auto f = qinq_fields();
  EXPECT_EQ(format_calling_number("{mac}", f), "00:1a:2b:3c:4d:ef");
  EXPECT_EQ(format_calling_number("{interface}:{vlan}", f), "access0:1000");
  EXPECT_EQ(format_calling_number("{svlan}.{cvlan}", f), "1000.42");
  EXPECT_EQ(format_calling_number("{circuit-id}/{remote-id}", f), "dslam1 eth 1/1/1:100/sub-42");
  EXPECT_EQ(format_calling_number("#{session}", f), "#4711");
  EXPECT_EQ(format_calling_number("plain text", f), "plain text");
  EXPECT_EQ(format_calling_number("", f), "");
}

TEST(CallingNumber, SingleTagAndUntagged) {
  auto f = qinq_fields();
  f.inner_vid.reset();
  f.outer_vid = 150;
  EXPECT_EQ(format_calling_number("{vlan}|{svlan}|{cvlan}", f), "150||150");
  f.outer_vid.reset();
  EXPECT_EQ(format_calling_number("{interface}:{vlan}:{svlan}:{cvlan}", f), "access0:::");
}

TEST(CallingNumber, FallbacksTakeTheFirstNonEmpty) {
  auto f = qinq_fields();
  EXPECT_EQ(format_calling_number("{circuit-id|mac}", f), "dslam1 eth 1/1/1:100");
  f.circuit_id.clear();
  EXPECT_EQ(format_calling_number("{circuit-id|mac}", f), "00:1a:2b:3c:4d:ef");
  EXPECT_EQ(format_calling_number("{circuit-id|remote-id|mac}", f), "sub-42");
  f.remote_id.clear();
  EXPECT_EQ(format_calling_number("{circuit-id|remote-id}", f), "");
}

TEST(CallingNumber, UnknownPlaceholdersAreKeptLiterally) {
  auto f = qinq_fields();
  EXPECT_EQ(format_calling_number("{nope}-{mac}", f), "{nope}-00:1a:2b:3c:4d:ef");
  EXPECT_EQ(format_calling_number("{circuit-id|nope}", f), "{circuit-id|nope}");
  EXPECT_EQ(format_calling_number("{}", f), "{}");
  EXPECT_EQ(format_calling_number("open { only", f), "open { only");
  EXPECT_EQ(format_calling_number("close } only", f), "close } only");
  EXPECT_EQ(format_calling_number("{{mac}", f), "{{mac}");
}

TEST(CallingNumber, CappedWithinAnAvpWithoutCuttingUtf8) {
  auto f = qinq_fields();
  f.circuit_id = std::string(300, 'x');
  EXPECT_EQ(format_calling_number("{circuit-id}", f).size(), max_calling_number);
  // 252 ASCII bytes then a 2-byte UTF-8 character straddling the cap: cut before it.
  f.circuit_id = std::string(252, 'a') + "\xc3\xa9" + "tail";
  auto out = format_calling_number("{circuit-id}", f);
  EXPECT_EQ(out, std::string(252, 'a'));
}

TEST(CallingNumber, MacFormat) {
  EXPECT_EQ(format_mac({0xff, 0x00, 0x0a, 0xa0, 0x12, 0x9f}), "ff:00:0a:a0:12:9f");
}

}  // namespace
}  // namespace bras::pppoe
