#include <vector>

#include "protocol/pppoe/pppoe.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::pppoe {
namespace {

using test::hex;

// RFC 2516 §5: what each Discovery packet must carry.

discovery make(packet_code c, std::uint16_t session_id, std::vector<tag> tags) {
  return discovery{c, session_id, std::move(tags), false};
}

TEST(PppoeCheck, AcceptsWellFormedPackets) {
  const discovery ok[] = {
      make(packet_code::padi, 0, {service_name{""}, host_uniq{hex("01")}}),
      make(packet_code::pado, 0, {ac_name{"bras1"}, service_name{""}, service_name{"internet"}}),
      make(packet_code::padr, 0, {service_name{"internet"}, ac_cookie{hex("02")}}),
      make(packet_code::pads, 0x1234, {service_name{"internet"}}),
      make(packet_code::pads, 0, {service_name_error{"no such service"}}),
      make(packet_code::padt, 0x1234, {}),
  };
  for (const auto& d : ok) {
    SCOPED_TRACE(to_string(d.code));
    auto s = check(d);
    EXPECT_TRUE(s.ok()) << wire::to_string(s.err());
  }
  EXPECT_TRUE(check_padi(ok[0]).ok());
  EXPECT_TRUE(check_pado(ok[1]).ok());
  EXPECT_TRUE(check_padr(ok[2]).ok());
  EXPECT_TRUE(check_pads(ok[3]).ok());
  EXPECT_TRUE(check_padt(ok[5]).ok());
}

TEST(PppoeCheck, AcceptsDecodedPadi) {
  auto b =
      hex("11 09 0000 0004  # PADI, session 0\n"
          "0101 0000        # Service-Name (any)\n");
  auto d = decode_discovery(test::span(b));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(check(*d).ok());
}

TEST(PppoeCheck, NamesTheMissingItem) {
  struct bad {
    discovery d;
    wire::error want;
  };
  const bad cases[] = {
      {make(packet_code::padi, 1, {service_name{""}}), {"PADI session id not zero", 16}},
      {make(packet_code::padi, 0, {host_uniq{hex("01")}}), {"PADI without Service-Name", 20}},
      {make(packet_code::padi, 0, {service_name{""}, service_name{"x"}}), {"PADI with more than one Service-Name", 20}},
      {make(packet_code::pado, 5, {ac_name{"a"}, service_name{""}}), {"PADO session id not zero", 16}},
      {make(packet_code::pado, 0, {service_name{""}}), {"PADO without AC-Name", 20}},
      {make(packet_code::pado, 0, {ac_name{"a"}, ac_name{"b"}, service_name{""}}),
       {"PADO with more than one AC-Name", 20}},
      {make(packet_code::pado, 0, {ac_name{"a"}}), {"PADO without Service-Name", 20}},
      {make(packet_code::padr, 9, {service_name{""}}), {"PADR session id not zero", 16}},
      {make(packet_code::padr, 0, {}), {"PADR without Service-Name", 20}},
      {make(packet_code::padr, 0, {service_name{""}, service_name{""}}), {"PADR with more than one Service-Name", 20}},
      {make(packet_code::pads, 0, {service_name{""}}), {"PADS session id zero without Service-Name-Error", 16}},
      {make(packet_code::pads, 3, {service_name_error{""}}),
       {"PADS with Service-Name-Error has a non-zero session id", 16}},
      {make(packet_code::pads, 3, {}), {"PADS without Service-Name", 20}},
      {make(packet_code::padt, 0, {}), {"PADT session id zero", 16}},
      {make(packet_code::session, 1, {}), {"not a Discovery code", 15}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want.reason);
    auto s = check(c.d, 14);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.err(), c.want);
  }
}

TEST(PppoeCheck, PerTypeCheckRejectsOtherCodes) {
  auto padi = make(packet_code::padi, 0, {service_name{""}});
  EXPECT_EQ(check_pado(padi).err(), (wire::error{"not a PADO", 1}));
  EXPECT_EQ(check_padr(padi).err().reason, "not a PADR");
  EXPECT_EQ(check_pads(padi).err().reason, "not a PADS");
  EXPECT_EQ(check_padt(padi).err().reason, "not a PADT");
  EXPECT_EQ(check_padi(make(packet_code::padt, 1, {})).err().reason, "not a PADI");
}

}  // namespace
}  // namespace bras::pppoe
