// Cross-check of the DHCPv6 codec, server and PD client against an independent
// decoder: a whole exchange (Solicit/Advertise/Request/Reply, Renew, Release,
// Information-Request, a NoPrefixAvail answer) goes into a pcap as
// Ethernet/IPv6/UDP 546<->547; tshark must read our values back and flag
// nothing as malformed or as an expert error.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "protocol/dhcpv6/client.hpp"
#include "protocol/dhcpv6/server.hpp"
#include "tests/tshark/pcap.hpp"

namespace bras::dhcpv6 {
namespace {

const ip::ipv6_address client_address = *ip::parse_ipv6_address("fe80::2");
const ip::ipv6_address server_address = *ip::parse_ipv6_address("fe80::1");
const ip::ipv6_address all_servers = *ip::parse_ipv6_address("ff02::1:2");

/// Ethernet/IPv6/UDP with a correct UDP checksum (mandatory over IPv6, RFC 8200 §8.1).
wire::bytes udp6_frame(wire::byte_span payload, bool from_client) {
  const auto& src = from_client ? client_address : server_address;
  const auto& dst = from_client ? all_servers : client_address;
  const auto udp_length = static_cast<std::uint16_t>(8 + payload.size());
  wire::bytes f;
  wire::writer w{f};
  w.put(wire::byte_span{
      *wire::from_hex(from_client ? "333300010002 020000000002 86dd" : "020000000002 020000000001 86dd")});
  w.u32(0x60000000);
  w.u16(udp_length);
  w.u8(17);
  w.u8(from_client ? 1 : 64);
  w.put(wire::byte_span{src.data(), src.size()});
  w.put(wire::byte_span{dst.data(), dst.size()});
  const auto udp_at = f.size();
  w.u16(from_client ? client_port : server_port);
  w.u16(from_client ? server_port : client_port);
  w.u16(udp_length);
  w.u16(0);
  w.put(payload);
  std::uint32_t sum = 0;
  auto add = [&sum](wire::byte_span b) {
    for (std::size_t i = 0; i < b.size(); i += 2)
      sum += i + 1 < b.size() ? wire::load_u16(b.data() + i) : std::to_integer<std::uint32_t>(b[i]) << 8;
  };
  add(wire::byte_span{src.data(), src.size()});
  add(wire::byte_span{dst.data(), dst.size()});
  sum += udp_length + 17;
  add(wire::byte_span{f.data() + udp_at, f.size() - udp_at});
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const auto checksum = static_cast<std::uint16_t>(~sum & 0xffff);
  w.patch_u16(udp_at + 6, checksum == 0 ? 0xffff : checksum);
  return f;
}

TEST(Dhcpv6Tshark, APrefixDelegationExchangeDecodesWithOurValues) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  server_config config;
  config.server_duid = duid_uuid({std::byte{0xb5}, std::byte{1}});
  config.dns_servers = {*ip::parse_ipv6_address("2001:db8::53")};
  binding session;
  session.delegated = *ip::parse_ipv6_prefix("2001:db8:4200::/56");
  session.link = *ip::parse_ipv6_prefix("2001:db8:0:42::/64");
  const auto duid = duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{2}});

  const auto path =
      (std::filesystem::temp_directory_path() / ("dhcpv6_tshark_" + std::to_string(getpid()) + ".pcap")).string();
  test::pcap_writer pcap{path};
  auto exchange = [&](const wire::bytes& request) {
    pcap.ethernet(udp6_frame(request, true));
    auto decoded = decode(request);
    EXPECT_TRUE(decoded) << wire::to_string(decoded.err());
    auto o = handle(config, session, *decoded);
    const auto* a = std::get_if<answer>(&o.result);
    EXPECT_NE(a, nullptr);
    if (a == nullptr) return wire::bytes{};
    pcap.ethernet(udp6_frame(a->reply, false));
    return a->reply;
  };
  auto advertise = read_offer(exchange(make_solicit(0x010203, duid, 7, false)), 0x010203, duid);
  ASSERT_TRUE(advertise);
  auto reply = read_offer(exchange(make_request(0x010204, duid, advertise->lease)), 0x010204, duid);
  ASSERT_TRUE(reply);
  (void)exchange(make_renew(0x010205, duid, reply->lease));
  (void)exchange(make_release(0x010206, duid, reply->lease));
  message info;
  info.type = msg_type::information_request;
  info.transaction_id = 0x010207;
  info.oro = {option::dns_servers};
  (void)exchange(encode(info));
  session.delegated.reset();
  (void)exchange(make_solicit(0x010208, duid, 7, true));
  pcap.close();

  const std::vector<std::string> names{"dhcpv6.msgtype",
                                       "dhcpv6.xid",
                                       "dhcpv6.iaid",
                                       "dhcpv6.iaid.t1",
                                       "dhcpv6.iaid.t2",
                                       "dhcpv6.iaprefix.pref_addr",
                                       "dhcpv6.iaprefix.pref_len",
                                       "dhcpv6.iaprefix.valid_lifetime",
                                       "dhcpv6.dns_server",
                                       "dhcpv6.status_code",
                                       "_ws.malformed",
                                       "_ws.expert.severity",
                                       "_ws.expert.message"};
  auto rows = test::run_tshark(path, names, "-o udp.check_checksum:TRUE");
  std::filesystem::remove(path);
  ASSERT_EQ(rows.size(), 12u) << "tshark missing or unreadable capture";
  const char* expected_types[] = {"1", "2", "3", "7", "5", "7", "8", "7", "11", "7", "1", "7"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = rows[i];
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    EXPECT_EQ(row["dhcpv6.msgtype"], expected_types[i]);
    EXPECT_EQ(row["_ws.malformed"], "");
    // 8388608: PI_ERROR; checksum and malformed problems are errors.
    EXPECT_EQ(row["_ws.expert.severity"].find("8388608"), std::string::npos) << row["_ws.expert.message"];
  }
  EXPECT_EQ(rows[0]["dhcpv6.xid"], "0x010203");
  // Advertise and the Reply to Request: our prefix, IAID, T1/T2, lifetimes and DNS server.
  for (std::size_t i : {1u, 3u, 5u}) {
    EXPECT_EQ(rows[i]["dhcpv6.iaid"], "00000007");
    EXPECT_EQ(rows[i]["dhcpv6.iaid.t1"], std::to_string(config.t1));
    EXPECT_EQ(rows[i]["dhcpv6.iaid.t2"], std::to_string(config.t2));
    EXPECT_EQ(rows[i]["dhcpv6.iaprefix.pref_addr"], "2001:db8:4200::");
    EXPECT_EQ(rows[i]["dhcpv6.iaprefix.pref_len"], "56");
    EXPECT_EQ(rows[i]["dhcpv6.iaprefix.valid_lifetime"], std::to_string(config.valid_lifetime));
    EXPECT_EQ(rows[i]["dhcpv6.dns_server"], "2001:db8::53");
  }
  EXPECT_EQ(rows[7]["dhcpv6.status_code"], "0");  // Release: Success
  EXPECT_EQ(rows[9]["dhcpv6.dns_server"], "2001:db8::53");
  EXPECT_EQ(rows[11]["dhcpv6.status_code"], "6");  // NoPrefixAvail
}

}  // namespace
}  // namespace bras::dhcpv6
