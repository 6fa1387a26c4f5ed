// The DHCPv6-PD client (bras-loadgen's side) against the per-session server:
// Solicit/Advertise/Request to a bound lease, Rapid Commit, Renew, Release,
// and every reason read_offer refuses an answer.
#include "protocol/dhcpv6/client.hpp"

#include "protocol/dhcpv6/server.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::dhcpv6 {
namespace {

using test::hex;
using test::span;

class Dhcpv6Client : public ::testing::Test {
 protected:
  Dhcpv6Client() {
    config.server_duid = hex("0004 0102030405060708090a0b0c0d0e0f10");
    config.dns_servers = {*ip::parse_ipv6_address("2001:db8::53")};
    session.delegated = *ip::parse_ipv6_prefix("2001:db8:4200::/56");
    session.link = *ip::parse_ipv6_prefix("2001:db8:0:42::/64");
  }

  /// Hands a client message to the server (decoded as brasd decodes it) and returns the answer.
  wire::bytes exchange(const wire::bytes& client_message, route_change expected_route) {
    auto request = decode(span(client_message));
    EXPECT_TRUE(request) << wire::to_string(request.err());
    if (!request) return {};
    auto o = handle(config, session, *request);
    EXPECT_EQ(o.route, expected_route);
    const auto* a = std::get_if<answer>(&o.result);
    EXPECT_NE(a, nullptr) << "the server dropped a " << to_string(request->type);
    return a ? a->reply : wire::bytes{};
  }

  server_config config;
  binding session;
  const wire::bytes duid =
      duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0x42}, std::byte{1}});
};

TEST_F(Dhcpv6Client, SolicitCarriesIaPdElapsedTimeDnsRequestAndRapidCommit) {
  auto m = decode(span(make_solicit(0x1000001, duid, 77, true)));
  ASSERT_TRUE(m) << wire::to_string(m.err());
  EXPECT_EQ(m->type, msg_type::solicit);
  EXPECT_EQ(m->transaction_id, 0x000001u);  // 24 bits
  EXPECT_EQ(m->client_id, duid);
  EXPECT_FALSE(m->server_id);
  ASSERT_EQ(m->ia_pds.size(), 1u);
  EXPECT_EQ(m->ia_pds[0].iaid, 77u);
  EXPECT_EQ(m->elapsed_time, 0);
  EXPECT_EQ(m->oro, std::vector<std::uint16_t>{option::dns_servers});
  EXPECT_TRUE(m->rapid_commit);
  auto slow = decode(span(make_solicit(1, duid, 77, false)));
  ASSERT_TRUE(slow);
  EXPECT_FALSE(slow->rapid_commit);
}

TEST_F(Dhcpv6Client, AdvertiseRequestRenewRelease) {
  auto advertise = read_offer(span(exchange(make_solicit(10, duid, 1, false), route_change::none)), 10, duid);
  ASSERT_TRUE(advertise) << wire::to_string(advertise.err());
  EXPECT_FALSE(advertise->bound);
  EXPECT_EQ(advertise->lease.prefix, *session.delegated);
  EXPECT_EQ(advertise->lease.server_duid, config.server_duid);
  EXPECT_FALSE(session.bound);

  auto reply = read_offer(span(exchange(make_request(11, duid, advertise->lease), route_change::bind)), 11, duid);
  ASSERT_TRUE(reply) << wire::to_string(reply.err());
  EXPECT_TRUE(reply->bound);
  const auto& lease = reply->lease;
  EXPECT_EQ(lease.prefix, *session.delegated);
  EXPECT_EQ(lease.iaid, 1u);
  EXPECT_EQ(lease.t1, config.t1);
  EXPECT_EQ(lease.t2, config.t2);
  EXPECT_EQ(lease.preferred_lifetime, config.preferred_lifetime);
  EXPECT_EQ(lease.valid_lifetime, config.valid_lifetime);
  EXPECT_EQ(lease.dns_servers, config.dns_servers);
  EXPECT_TRUE(session.bound);
  EXPECT_EQ(session.client_duid, duid);

  config.valid_lifetime = 9000;  // a renewal carries the server's current lifetimes
  auto renewed = read_offer(span(exchange(make_renew(12, duid, lease), route_change::none)), 12, duid);
  ASSERT_TRUE(renewed) << wire::to_string(renewed.err());
  EXPECT_TRUE(renewed->bound);
  EXPECT_EQ(renewed->lease.prefix, lease.prefix);
  EXPECT_EQ(renewed->lease.valid_lifetime, 9000u);

  auto released = decode(span(exchange(make_release(13, duid, renewed->lease), route_change::unbind)));
  ASSERT_TRUE(released);
  EXPECT_EQ(released->type, msg_type::reply);
  ASSERT_TRUE(released->status);
  EXPECT_EQ(released->status->code, status::success);
  EXPECT_FALSE(session.bound);
  // A Reply to a Release grants nothing.
  EXPECT_EQ(read_offer(span(exchange(make_release(14, duid, lease), route_change::none)), 14, duid).err().reason,
            "no binding");
}

TEST_F(Dhcpv6Client, RapidCommitBindsInOneExchange) {
  auto reply = read_offer(span(exchange(make_solicit(20, duid, 3, true), route_change::bind)), 20, duid);
  ASSERT_TRUE(reply) << wire::to_string(reply.err());
  EXPECT_TRUE(reply->bound);
  EXPECT_EQ(reply->lease.iaid, 3u);
  EXPECT_EQ(reply->lease.prefix, *session.delegated);
  EXPECT_TRUE(session.bound);
}

TEST_F(Dhcpv6Client, ReadOfferRefusesWhatIsNotItsLease) {
  const auto advertise = exchange(make_solicit(30, duid, 1, false), route_change::none);
  EXPECT_EQ(read_offer(span(advertise), 31, duid).err().reason, "wrong transaction");
  EXPECT_EQ(read_offer(span(advertise), 30, hex("0003 0001 020000000099")).err().reason, "not for this client");
  EXPECT_EQ(read_offer(span(make_solicit(30, duid, 1, false)), 30, duid).err().reason, "not an advertise or reply");
  EXPECT_EQ(read_offer(span(hex("07 00")), 30, duid).err().reason, "truncated header");

  session.delegated.reset();
  const auto refused = exchange(make_solicit(32, duid, 1, true), route_change::none);
  EXPECT_EQ(read_offer(span(refused), 32, duid).err().reason, "no prefix available");

  message failing;
  failing.type = msg_type::reply;
  failing.transaction_id = 33;
  failing.client_id = duid;
  failing.server_id = config.server_duid;
  failing.status = status_code{status::unspec_fail, "busy"};
  EXPECT_EQ(read_offer(span(encode(failing)), 33, duid).err().reason, "failure status");
  failing.server_id.reset();
  failing.status.reset();
  EXPECT_EQ(read_offer(span(encode(failing)), 33, duid).err().reason, "no server identifier");

  // Lifetimes 0, or a preferred lifetime above the valid one (RFC 8415 §21.22): not a lease.
  failing.server_id = config.server_duid;
  const auto p = *ip::parse_ipv6_prefix("2001:db8:4200::/56");
  failing.ia_pds.push_back(ia_pd{1, 0, 0, {ia_prefix{0, 0, p, std::nullopt}, ia_prefix{10, 5, p, std::nullopt}}, {}});
  EXPECT_EQ(read_offer(span(encode(failing)), 33, duid).err().reason, "no delegated prefix");
}

TEST_F(Dhcpv6Client, ASecondClientOnTheSessionGetsNoPrefix) {
  ASSERT_TRUE(read_offer(span(exchange(make_solicit(40, duid, 1, true), route_change::bind)), 40, duid));
  const auto other = duid_ll({std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0x42}, std::byte{2}});
  auto second = read_offer(span(exchange(make_solicit(41, other, 1, true), route_change::none)), 41, other);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.err().reason, "no prefix available");
}

}  // namespace
}  // namespace bras::dhcpv6
