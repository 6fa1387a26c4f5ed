// The per-session DHCPv6 server (RFC 8415 §16, §18.3): one test per path, each
// decoding the answer the server encoded.
#include "protocol/dhcpv6/server.hpp"

#include "tests/unit/test_util.hpp"

namespace bras::dhcpv6 {
namespace {

using test::ipv6_address_of;
using test::ipv6_prefix_of;

using test::hex;
using test::span;

const wire::bytes alice = hex("0003 0001 020000000001");
const wire::bytes mallory = hex("0003 0001 020000000066");

class Dhcpv6Server : public ::testing::Test {
 protected:
  Dhcpv6Server() {
    std::array<std::byte, 16> uuid{};
    uuid[0] = std::byte{0xb5};
    config.server_duid = duid_uuid(uuid);
    config.dns_servers = {ipv6_address_of("2001:db8::53")};
    b.delegated = ipv6_prefix_of("2001:db8:100::/56");
    b.link = ipv6_prefix_of("2001:db8:0:1::/64");
  }

  static message from(msg_type type, const wire::bytes& duid, std::uint32_t tid = 0xabcdef) {
    message m;
    m.type = type;
    m.transaction_id = tid;
    m.client_id = duid;
    return m;
  }
  message to_us(msg_type type, const wire::bytes& duid) const {
    auto m = from(type, duid);
    m.server_id = config.server_duid;
    return m;
  }
  static message with_ia_pd(message m, std::uint32_t iaid = 1) {
    m.ia_pds.push_back(ia_pd{iaid, 0, 0, {}, std::nullopt});
    return m;
  }

  /// The answer decoded, failing the test if the message was dropped or the answer does not decode.
  message answer_of(const outcome& o, msg_type expected = msg_type::reply) {
    const auto* a = std::get_if<answer>(&o.result);
    EXPECT_NE(a, nullptr) << "dropped: " << (a ? "" : std::get<drop>(o.result).detail);
    if (!a) return {};
    EXPECT_EQ(a->reply_type, expected);
    auto m = decode(span(a->reply));
    EXPECT_TRUE(m) << wire::to_string(m.err());
    if (!m) return {};
    EXPECT_EQ(m->type, expected);
    EXPECT_EQ(m->server_id, config.server_duid);
    return *m;
  }
  static drop drop_of(const outcome& o) {
    const auto* d = std::get_if<drop>(&o.result);
    EXPECT_NE(d, nullptr) << "answered";
    EXPECT_EQ(o.route, route_change::none);
    return d ? *d : drop{};
  }

  /// Binds the session's prefix to `duid` with a Request.
  void bind(const wire::bytes& duid) {
    auto o = handle(config, b, with_ia_pd(to_us(msg_type::request, duid)));
    ASSERT_EQ(o.route, route_change::bind);
    ASSERT_TRUE(b.bound);
  }

  void expect_granted(const ia_pd& ia, std::uint32_t iaid) const {
    EXPECT_EQ(ia.iaid, iaid);
    EXPECT_EQ(ia.t1, config.t1);
    EXPECT_EQ(ia.t2, config.t2);
    EXPECT_FALSE(ia.status);
    ASSERT_FALSE(ia.prefixes.empty());
    EXPECT_EQ(ia.prefixes[0].prefix, *b.delegated);
    EXPECT_EQ(ia.prefixes[0].preferred_lifetime, config.preferred_lifetime);
    EXPECT_EQ(ia.prefixes[0].valid_lifetime, config.valid_lifetime);
  }

  server_config config;
  binding b;
};

TEST_F(Dhcpv6Server, SolicitGetsAnAdvertiseWithPreferenceAndBindsNothing) {
  auto o = handle(config, b, with_ia_pd(from(msg_type::solicit, alice)));
  EXPECT_EQ(o.route, route_change::none);
  auto m = answer_of(o, msg_type::advertise);
  EXPECT_EQ(m.transaction_id, 0xabcdefu);
  EXPECT_EQ(m.client_id, alice);
  EXPECT_EQ(m.preference, 255);
  EXPECT_FALSE(m.rapid_commit);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  expect_granted(m.ia_pds[0], 1);
  EXPECT_EQ(m.dns_servers, config.dns_servers);
  EXPECT_FALSE(b.bound);
  EXPECT_FALSE(b.client_duid);
}

TEST_F(Dhcpv6Server, SolicitWithRapidCommitIsAReplyThatBinds) {
  auto solicit = with_ia_pd(from(msg_type::solicit, alice), 42);
  solicit.rapid_commit = true;
  auto o = handle(config, b, solicit);
  EXPECT_EQ(o.route, route_change::bind);
  auto m = answer_of(o, msg_type::reply);
  EXPECT_TRUE(m.rapid_commit);
  EXPECT_FALSE(m.preference);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  expect_granted(m.ia_pds[0], 42);
  EXPECT_TRUE(b.bound);
  EXPECT_EQ(b.client_duid, alice);
}

TEST_F(Dhcpv6Server, RapidCommitTurnedOffStillAdvertises) {
  config.rapid_commit = false;
  auto solicit = with_ia_pd(from(msg_type::solicit, alice));
  solicit.rapid_commit = true;
  auto o = handle(config, b, solicit);
  auto m = answer_of(o, msg_type::advertise);
  EXPECT_FALSE(m.rapid_commit);
  EXPECT_EQ(o.route, route_change::none);
  EXPECT_FALSE(b.bound);
}

TEST_F(Dhcpv6Server, RequestBindsAndAddsTheRouteOnce) {
  auto request = with_ia_pd(to_us(msg_type::request, alice));
  auto first = handle(config, b, request);
  EXPECT_EQ(first.route, route_change::bind);
  expect_granted(answer_of(first).ia_pds.at(0), 1);
  EXPECT_TRUE(b.bound);
  EXPECT_EQ(b.client_duid, alice);
  auto again = handle(config, b, request);
  EXPECT_EQ(again.route, route_change::none);
  expect_granted(answer_of(again).ia_pds.at(0), 1);
}

TEST_F(Dhcpv6Server, NoDelegatedPrefixGivesNoPrefixAvail) {
  b.delegated.reset();
  auto solicit = with_ia_pd(from(msg_type::solicit, alice), 5);
  solicit.rapid_commit = true;
  auto o = handle(config, b, solicit);
  EXPECT_EQ(o.route, route_change::none);
  auto m = answer_of(o);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  EXPECT_EQ(m.ia_pds[0].iaid, 5u);
  EXPECT_TRUE(m.ia_pds[0].prefixes.empty());
  ASSERT_TRUE(m.ia_pds[0].status);
  EXPECT_EQ(m.ia_pds[0].status->code, status::no_prefix_avail);
  EXPECT_FALSE(b.bound);
}

TEST_F(Dhcpv6Server, IaNaGetsNoAddrsAvailInThatIa) {
  auto request = with_ia_pd(to_us(msg_type::request, alice));
  request.ia_nas.push_back(ia_na{9, 0, 0, {}, std::nullopt});
  auto m = answer_of(handle(config, b, request));
  ASSERT_EQ(m.ia_nas.size(), 1u);
  EXPECT_EQ(m.ia_nas[0].iaid, 9u);
  ASSERT_TRUE(m.ia_nas[0].status);
  EXPECT_EQ(m.ia_nas[0].status->code, status::no_addrs_avail);
  expect_granted(m.ia_pds.at(0), 1);
  EXPECT_FALSE(m.status);
}

TEST_F(Dhcpv6Server, OnlyAnIaTaGetsAMessageLevelNoAddrsAvail) {
  auto solicit = from(msg_type::solicit, alice);
  solicit.has_ia_ta = true;
  auto m = answer_of(handle(config, b, solicit), msg_type::advertise);
  ASSERT_TRUE(m.status);
  EXPECT_EQ(m.status->code, status::no_addrs_avail);
  EXPECT_TRUE(m.ia_pds.empty());
}

TEST_F(Dhcpv6Server, AnotherClientWhileBoundGetsNoPrefixAvail) {
  bind(alice);
  for (auto type : {msg_type::solicit, msg_type::request}) {
    auto other = with_ia_pd(type == msg_type::request ? to_us(type, mallory) : from(type, mallory));
    other.rapid_commit = true;
    auto o = handle(config, b, other);
    EXPECT_EQ(o.route, route_change::none);
    auto m = answer_of(o);
    ASSERT_EQ(m.ia_pds.size(), 1u);
    EXPECT_TRUE(m.ia_pds[0].prefixes.empty());
    ASSERT_TRUE(m.ia_pds[0].status);
    EXPECT_EQ(m.ia_pds[0].status->code, status::no_prefix_avail);
  }
  EXPECT_TRUE(b.bound);
  EXPECT_EQ(b.client_duid, alice);
}

TEST_F(Dhcpv6Server, OnePrefixPerSessionEvenForTwoIaPds) {
  auto request = with_ia_pd(with_ia_pd(to_us(msg_type::request, alice), 1), 2);
  auto m = answer_of(handle(config, b, request));
  ASSERT_EQ(m.ia_pds.size(), 2u);
  expect_granted(m.ia_pds[0], 1);
  EXPECT_EQ(m.ia_pds[1].iaid, 2u);
  ASSERT_TRUE(m.ia_pds[1].status);
  EXPECT_EQ(m.ia_pds[1].status->code, status::no_prefix_avail);
}

TEST_F(Dhcpv6Server, RenewExtendsOursAndZeroesPrefixesThatAreNotOurs) {
  bind(alice);
  auto renew = to_us(msg_type::renew, alice);
  renew.ia_pds.push_back(ia_pd{1,
                               0,
                               0,
                               {ia_prefix{0, 0, *b.delegated, std::nullopt},
                                ia_prefix{0, 0, ipv6_prefix_of("2001:db8:ff00::/56"), std::nullopt}},
                               std::nullopt});
  auto o = handle(config, b, renew);
  EXPECT_EQ(o.route, route_change::none);
  auto m = answer_of(o);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  expect_granted(m.ia_pds[0], 1);
  ASSERT_EQ(m.ia_pds[0].prefixes.size(), 2u);
  EXPECT_EQ(m.ia_pds[0].prefixes[1].prefix, ipv6_prefix_of("2001:db8:ff00::/56"));
  EXPECT_EQ(m.ia_pds[0].prefixes[1].valid_lifetime, 0u);
  EXPECT_EQ(m.ia_pds[0].prefixes[1].preferred_lifetime, 0u);
  EXPECT_TRUE(b.bound);
}

TEST_F(Dhcpv6Server, RenewWithoutABindingGetsNoBinding) {
  auto renew = to_us(msg_type::renew, alice);
  renew.ia_pds.push_back(ia_pd{1, 0, 0, {ia_prefix{0, 0, *b.delegated, std::nullopt}}, std::nullopt});
  auto o = handle(config, b, renew);
  EXPECT_EQ(o.route, route_change::none);
  auto m = answer_of(o);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  ASSERT_TRUE(m.ia_pds[0].status);
  EXPECT_EQ(m.ia_pds[0].status->code, status::no_binding);
  EXPECT_FALSE(b.bound);
}

TEST_F(Dhcpv6Server, RebindOfTheBoundClientExtends) {
  bind(alice);
  auto rebind = from(msg_type::rebind, alice);
  rebind.ia_pds.push_back(ia_pd{1, 0, 0, {ia_prefix{0, 0, *b.delegated, std::nullopt}}, std::nullopt});
  auto o = handle(config, b, rebind);
  EXPECT_EQ(o.route, route_change::none);
  expect_granted(answer_of(o).ia_pds.at(0), 1);
}

// §18.3.5: no binding, but the prefix it names is the session's and free: bound again.
TEST_F(Dhcpv6Server, RebindWithoutABindingNamingOurFreePrefixBindsIt) {
  auto rebind = from(msg_type::rebind, alice);
  rebind.ia_pds.push_back(ia_pd{4, 0, 0, {ia_prefix{0, 0, *b.delegated, std::nullopt}}, std::nullopt});
  auto o = handle(config, b, rebind);
  EXPECT_EQ(o.route, route_change::bind);
  expect_granted(answer_of(o).ia_pds.at(0), 4);
  EXPECT_TRUE(b.bound);
  EXPECT_EQ(b.client_duid, alice);
}

TEST_F(Dhcpv6Server, RebindNamingPrefixesThatAreNotOursGetsThemWithLifetimesZero) {
  bind(alice);
  auto rebind = from(msg_type::rebind, mallory);
  rebind.ia_pds.push_back(ia_pd{1,
                                0,
                                0,
                                {ia_prefix{0, 0, *b.delegated, std::nullopt},
                                 ia_prefix{0, 0, ipv6_prefix_of("2001:db8:ff00::/56"), std::nullopt}},
                                std::nullopt});
  auto o = handle(config, b, rebind);
  EXPECT_EQ(o.route, route_change::none);
  auto m = answer_of(o);
  ASSERT_EQ(m.ia_pds.size(), 1u);
  ASSERT_EQ(m.ia_pds[0].prefixes.size(), 2u);
  for (const auto& p : m.ia_pds[0].prefixes) {
    EXPECT_EQ(p.valid_lifetime, 0u);
    EXPECT_EQ(p.preferred_lifetime, 0u);
  }
  EXPECT_EQ(b.client_duid, alice);
}

TEST_F(Dhcpv6Server, RebindWithoutABindingOrAPrefixGetsNoBinding) {
  auto m = answer_of(handle(config, b, with_ia_pd(from(msg_type::rebind, alice))));
  ASSERT_EQ(m.ia_pds.size(), 1u);
  ASSERT_TRUE(m.ia_pds[0].status);
  EXPECT_EQ(m.ia_pds[0].status->code, status::no_binding);
  EXPECT_FALSE(b.bound);
}

TEST_F(Dhcpv6Server, ReleaseUnbindsAndRemovesTheRoute) {
  bind(alice);
  auto release = to_us(msg_type::release, alice);
  release.ia_pds.push_back(ia_pd{1, 0, 0, {ia_prefix{0, 0, *b.delegated, std::nullopt}}, std::nullopt});
  auto o = handle(config, b, release);
  EXPECT_EQ(o.route, route_change::unbind);
  auto m = answer_of(o);
  ASSERT_TRUE(m.status);
  EXPECT_EQ(m.status->code, status::success);
  EXPECT_TRUE(m.ia_pds.empty());
  EXPECT_FALSE(b.bound);
  EXPECT_FALSE(b.client_duid);
  EXPECT_EQ(b.delegated, ipv6_prefix_of("2001:db8:100::/56"));  // still the session's, for the next client

  // Released again (a retransmission): Success with NoBinding in the IA, and no route change.
  auto again = handle(config, b, release);
  EXPECT_EQ(again.route, route_change::none);
  auto m2 = answer_of(again);
  ASSERT_TRUE(m2.status);
  EXPECT_EQ(m2.status->code, status::success);
  ASSERT_EQ(m2.ia_pds.size(), 1u);
  ASSERT_TRUE(m2.ia_pds[0].status);
  EXPECT_EQ(m2.ia_pds[0].status->code, status::no_binding);
}

TEST_F(Dhcpv6Server, ReleaseByAnotherClientLeavesTheBinding) {
  bind(alice);
  auto o = handle(config, b, with_ia_pd(to_us(msg_type::release, mallory)));
  EXPECT_EQ(o.route, route_change::none);
  EXPECT_EQ(answer_of(o).ia_pds.at(0).status->code, status::no_binding);
  EXPECT_TRUE(b.bound);
  EXPECT_EQ(b.client_duid, alice);
}

TEST_F(Dhcpv6Server, DeclineDropsTheBinding) {
  bind(alice);
  auto o = handle(config, b, with_ia_pd(to_us(msg_type::decline, alice)));
  EXPECT_EQ(o.route, route_change::unbind);
  auto m = answer_of(o);
  ASSERT_TRUE(m.status);
  EXPECT_EQ(m.status->code, status::success);
  EXPECT_FALSE(b.bound);
}

TEST_F(Dhcpv6Server, ConfirmJudgesAddressesAgainstTheLink) {
  auto confirm = from(msg_type::confirm, alice);
  confirm.ia_nas.push_back(ia_na{1, 0, 0, {ia_address{ipv6_address_of("2001:db8:0:1::5"), 0, 0}}, std::nullopt});
  auto on_link = answer_of(handle(config, b, confirm));
  ASSERT_TRUE(on_link.status);
  EXPECT_EQ(on_link.status->code, status::success);

  confirm.ia_nas[0].addresses.push_back(ia_address{ipv6_address_of("2001:db8:0:2::5"), 0, 0});
  auto off_link = answer_of(handle(config, b, confirm));
  ASSERT_TRUE(off_link.status);
  EXPECT_EQ(off_link.status->code, status::not_on_link);

  b.link.reset();
  confirm.ia_nas[0].addresses.resize(1);
  auto no_link = answer_of(handle(config, b, confirm));
  ASSERT_TRUE(no_link.status);
  EXPECT_EQ(no_link.status->code, status::not_on_link);
}

TEST_F(Dhcpv6Server, ConfirmWithoutAddressesIsDropped) {
  auto confirm = with_ia_pd(from(msg_type::confirm, alice));
  confirm.ia_nas.push_back(ia_na{1, 0, 0, {}, std::nullopt});
  auto d = drop_of(handle(config, b, confirm));
  EXPECT_EQ(d.reason, drop_reason::invalid);
  EXPECT_EQ(d.detail, "confirm-without-address");
}

TEST_F(Dhcpv6Server, InformationRequestGetsDnsAndARefreshTime) {
  message info;
  info.type = msg_type::information_request;
  info.transaction_id = 7;
  info.oro = {option::dns_servers};
  auto m = answer_of(handle(config, b, info));
  EXPECT_EQ(m.transaction_id, 7u);
  EXPECT_FALSE(m.client_id);
  EXPECT_EQ(m.dns_servers, config.dns_servers);
  EXPECT_EQ(m.information_refresh_time, 86400u);
  EXPECT_TRUE(m.ia_pds.empty());

  info.server_id = config.server_duid;  // §16.12: ours is allowed
  info.client_id = alice;
  EXPECT_EQ(answer_of(handle(config, b, info)).client_id, alice);
}

TEST_F(Dhcpv6Server, NoDnsConfiguredMeansNoDnsOption) {
  config.dns_servers.clear();
  auto m = answer_of(handle(config, b, with_ia_pd(from(msg_type::solicit, alice))), msg_type::advertise);
  EXPECT_TRUE(m.dns_servers.empty());
}

// RFC 8415 §16: what is discarded, and why.
TEST_F(Dhcpv6Server, DropsWhatSection16Discards) {
  const wire::bytes other_server = hex("0004 ffffffffffffffffffffffffffffffff");
  struct drop_case {
    message request;
    drop_reason reason;
    std::string_view detail;
  };
  std::vector<drop_case> cases;
  for (auto type : {msg_type::solicit, msg_type::rebind, msg_type::confirm}) {
    auto with_server = from(type, alice);
    with_server.server_id = config.server_duid;
    cases.push_back({with_server, drop_reason::invalid, "server-id-not-allowed"});
    auto anonymous = from(type, alice);
    anonymous.client_id.reset();
    cases.push_back({anonymous, drop_reason::invalid, "no-client-id"});
  }
  for (auto type : {msg_type::request, msg_type::renew, msg_type::release, msg_type::decline}) {
    cases.push_back({with_ia_pd(from(type, alice)), drop_reason::invalid, "no-server-id"});
    auto other = with_ia_pd(from(type, alice));
    other.server_id = other_server;
    cases.push_back({other, drop_reason::not_for_us, "other-server-id"});
    auto anonymous = with_ia_pd(to_us(type, alice));
    anonymous.client_id.reset();
    cases.push_back({anonymous, drop_reason::invalid, "no-client-id"});
  }
  auto info_other = from(msg_type::information_request, alice);
  info_other.server_id = other_server;
  cases.push_back({info_other, drop_reason::not_for_us, "other-server-id"});
  cases.push_back(
      {with_ia_pd(from(msg_type::information_request, alice)), drop_reason::invalid, "ia-in-information-request"});
  for (auto type : {msg_type::advertise, msg_type::reply, msg_type::reconfigure})
    cases.push_back({to_us(type, alice), drop_reason::invalid, "server-message"});
  for (auto type : {msg_type::relay_forw, msg_type::relay_repl})
    cases.push_back({from(type, alice), drop_reason::invalid, "relay-message"});
  cases.push_back({from(static_cast<msg_type>(0), alice), drop_reason::invalid, "unexpected-type"});

  bind(alice);
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string{to_string(c.request.type)} + " " + std::string{c.detail});
    auto d = drop_of(handle(config, b, c.request));
    EXPECT_EQ(d.reason, c.reason);
    EXPECT_EQ(d.detail, c.detail);
    EXPECT_TRUE(b.bound);  // nothing dropped touches the binding
    EXPECT_EQ(b.client_duid, alice);
  }
}

}  // namespace
}  // namespace bras::dhcpv6
