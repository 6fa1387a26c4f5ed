// The access concentrator's Discovery stage: PADI -> PADO, PADR -> PADS, PADT,
// the VLAN and Service-Name rules, RFC 4638 and the session bookkeeping.
// Limits, cookies and rate limits: pppoe_ac_limits_test.cpp.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/pppoe/access_concentrator.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "tests/unit/pppoe_ac_fixture.hpp"

namespace bras::pppoe {
namespace {

using namespace test;

TEST_F(AcTest, PadiGetsAPadoFromOurMacWithEveryEchoedTag) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  auto effects = receive(h, request(packet_code::padi, "internet",
                                    {host_uniq{wire::to_bytes("hu-1")}, relay_session_id{wire::to_bytes("relay")}}));
  ASSERT_EQ(all_of<dropped>(effects).size(), 0U);
  auto sent = all_of<send_discovery>(effects);
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].code, packet_code::pado);
  EXPECT_EQ(sent[0].port, 0);
  EXPECT_EQ(sent[0].delay, std::chrono::milliseconds{0});
  auto pado = parse(sent[0].frame);
  EXPECT_EQ(pado.hdr.dst, client_mac);
  EXPECT_EQ(pado.hdr.src, ac_mac);
  EXPECT_EQ(pado.hdr.ethertype, eth::ethertype_pppoe_discovery);
  EXPECT_FALSE(pado.hdr.outer_vlan);
  EXPECT_EQ(pado.d.code, packet_code::pado);
  EXPECT_EQ(pado.d.session_id, 0);
  ASSERT_NE(find<ac_name>(pado.d), nullptr);
  EXPECT_EQ(find<ac_name>(pado.d)->name, "bras-test");
  auto names = tags_of<service_name>(pado.d);
  ASSERT_EQ(names.size(), 1U);
  EXPECT_EQ(names[0].name, "internet");
  ASSERT_NE(find<ac_cookie>(pado.d), nullptr);
  EXPECT_GE(find<ac_cookie>(pado.d)->value.size(), 16U);
  ASSERT_NE(find<host_uniq>(pado.d), nullptr);
  EXPECT_EQ(find<host_uniq>(pado.d)->value, wire::to_bytes("hu-1"));
  ASSERT_NE(find<relay_session_id>(pado.d), nullptr);
  EXPECT_EQ(find<relay_session_id>(pado.d)->value, wire::to_bytes("relay"));
  EXPECT_EQ(find<ppp_max_payload>(pado.d), nullptr);  // not asked for
  EXPECT_EQ(ac->sessions(), 0U);                      // stateless until PADR
}

TEST_F(AcTest, AnyServiceRequestGetsTheOfferedNamesOrTheEmptyOne) {
  make(base_config());
  auto pado = only_frame(receive(from_client(client_mac, broadcast), request(packet_code::padi, "")));
  auto names = tags_of<service_name>(pado.d);
  ASSERT_EQ(names.size(), 2U);
  EXPECT_EQ(names[0].name, "internet");
  EXPECT_EQ(names[1].name, "voip");

  auto open = base_config();
  open.service_names.clear();
  make(open);
  pado = only_frame(receive(from_client(client_mac, broadcast), request(packet_code::padi, "")));
  names = tags_of<service_name>(pado.d);
  ASSERT_EQ(names.size(), 1U);
  EXPECT_EQ(names[0].name, "");
  // An empty offer list accepts any name, echoed.
  pado = only_frame(receive(from_client(client_mac, broadcast), request(packet_code::padi, "whatever")));
  EXPECT_EQ(tags_of<service_name>(pado.d).at(0).name, "whatever");
}

TEST_F(AcTest, ServiceNotOfferedGetsNoPado) {
  make(base_config());
  auto effects = receive(from_client(client_mac, broadcast), request(packet_code::padi, "video"));
  EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  EXPECT_EQ(refusal_of(effects), refusal::service_name);
  EXPECT_NE(all_of<dropped>(effects).at(0).detail.find("video"), std::string::npos);
}

TEST_F(AcTest, ServiceNamesOfTheVlanRuleThenThePortThenTheAc) {
  auto c = base_config();
  c.ports[0].service_names = {"port-svc"};
  c.ports[0].vlans[0].service_names = {"vlan-svc"};
  make(c);
  // Untagged: the port's list.
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast), request(packet_code::padi, "internet"))),
            refusal::service_name);
  EXPECT_EQ(tags_of<service_name>(
                only_frame(receive(from_client(client_mac, broadcast), request(packet_code::padi, "port-svc"))).d)
                .at(0)
                .name,
            "port-svc");
  // VLAN 150 (rule 100-199): the rule's list.
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 150), request(packet_code::padi, "port-svc"))),
            refusal::service_name);
  auto pado = only_frame(receive(from_client(client_mac, broadcast, 150), request(packet_code::padi, "")));
  EXPECT_EQ(tags_of<service_name>(pado.d).at(0).name, "vlan-svc");
  // QinQ rule without its own list: the port's.
  pado = only_frame(receive(from_client(client_mac, broadcast, 1000, 7), request(packet_code::padi, "")));
  EXPECT_EQ(tags_of<service_name>(pado.d).at(0).name, "port-svc");
}

TEST_F(AcTest, VlanRulesUntaggedSingleTaggedAndQinQ) {
  auto c = base_config();
  c.ports[0].untagged = false;
  make(c);
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
  // A priority tag (VID 0) is untagged too.
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 0), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
  // 802.1Q inside 100-199: the PADO carries the same tag.
  auto pado = only_frame(receive(from_client(client_mac, broadcast, 150), request(packet_code::padi, "")));
  ASSERT_TRUE(pado.hdr.outer_vlan);
  EXPECT_EQ(pado.hdr.outer_vlan->vid, 150);
  EXPECT_EQ(pado.hdr.outer_vlan->tpid, eth::tpid_8021q);
  EXPECT_FALSE(pado.hdr.inner_vlan);
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 200), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
  // Single tag 1000 matches no single-tag rule (1000 is a QinQ rule).
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 1000), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
  // QinQ 1000.7 inside the rule: both tags echoed, TPIDs kept.
  pado = only_frame(receive(from_client(client_mac, broadcast, 1000, 7), request(packet_code::padi, "")));
  ASSERT_TRUE(pado.hdr.outer_vlan && pado.hdr.inner_vlan);
  EXPECT_EQ(pado.hdr.outer_vlan->vid, 1000);
  EXPECT_EQ(pado.hdr.outer_vlan->tpid, eth::tpid_8021ad);
  EXPECT_EQ(pado.hdr.inner_vlan->vid, 7);
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 1000, 300), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
  // QinQ under a single-tag rule's outer VID: not configured.
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast, 150, 7), request(packet_code::padi, ""))),
            refusal::vlan_not_configured);
}

TEST_F(AcTest, PadrOpensTheSessionAndPadsCarriesItsId) {
  make(base_config());
  auto effects = connect(from_client(client_mac, broadcast, 150), "internet",
                         {host_uniq{wire::to_bytes("hu-7")}, relay_session_id{wire::to_bytes("r")}});
  auto pads = only_frame(effects);
  EXPECT_EQ(pads.d.code, packet_code::pads);
  EXPECT_NE(pads.d.session_id, 0);
  EXPECT_EQ(pads.hdr.dst, client_mac);
  EXPECT_EQ(pads.hdr.src, ac_mac);
  EXPECT_EQ(pads.hdr.outer_vlan->vid, 150);
  EXPECT_EQ(tags_of<service_name>(pads.d).at(0).name, "internet");
  EXPECT_EQ(find<host_uniq>(pads.d)->value, wire::to_bytes("hu-7"));
  EXPECT_EQ(find<relay_session_id>(pads.d)->value, wire::to_bytes("r"));
  EXPECT_EQ(find<ppp_max_payload>(pads.d), nullptr);

  auto opened = all_of<open_session>(effects);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened[0].port, 0);
  EXPECT_EQ(opened[0].session_id, pads.d.session_id);
  EXPECT_EQ(opened[0].to_client.dst, client_mac);
  EXPECT_EQ(opened[0].to_client.src, ac_mac);
  EXPECT_EQ(opened[0].to_client.ethertype, eth::ethertype_pppoe_session);
  EXPECT_EQ(opened[0].to_client.outer_vlan->vid, 150);
  EXPECT_EQ(opened[0].service_name, "internet");
  EXPECT_EQ(opened[0].max_payload, 1492);
  EXPECT_FALSE(opened[0].line);
  EXPECT_EQ(opened[0].host_uniq, wire::to_bytes("hu-7"));
  EXPECT_EQ(ac->sessions(), 1U);
  EXPECT_EQ(ac->starting(), 1U);
  ac->session_up(0, opened[0].session_id);
  EXPECT_EQ(ac->starting(), 0U);
  EXPECT_EQ(ac->sessions(), 1U);
}

TEST_F(AcTest, Tr101TagOfThePadrReachesTheSession) {
  make(base_config());
  access_line line;
  line.circuit_id = "dslam1 eth 1/1/1:100";
  line.remote_id = "sub-42";
  line.actual_rate_down = 16000;
  auto vendor = to_vendor_tag(line);
  ASSERT_TRUE(vendor.ok());
  auto opened = all_of<open_session>(connect(from_client(client_mac, broadcast), "", {}, {*vendor}));
  ASSERT_EQ(opened.size(), 1U);
  ASSERT_TRUE(opened[0].line);
  EXPECT_EQ(*opened[0].line, line);
}

TEST_F(AcTest, BrokenTr101TagIsMalformed) {
  make(base_config());
  // Sub-option 0x01 claiming 9 bytes with 1 present.
  vendor_specific broken{bbf_vendor_id, wire::bytes{std::byte{0x01}, std::byte{0x09}, std::byte{0x41}}};
  auto effects = connect(from_client(client_mac, broadcast), "", {}, {broken});
  EXPECT_EQ(refusal_of(effects), refusal::malformed);
  EXPECT_TRUE(all_of<open_session>(effects).empty());
  EXPECT_EQ(ac->sessions(), 0U);
}

TEST_F(AcTest, Rfc4638MaxPayloadIsGrantedUpToTheCap) {
  auto c = base_config();
  c.max_payload = 1500;
  make(c);
  auto h = from_client(client_mac, broadcast);
  auto pado = only_frame(receive(h, request(packet_code::padi, "", {ppp_max_payload{1500}})));
  ASSERT_NE(find<ppp_max_payload>(pado.d), nullptr);
  EXPECT_EQ(find<ppp_max_payload>(pado.d)->value, 1500);
  auto effects = connect(h, "", {ppp_max_payload{1500}});
  EXPECT_EQ(find<ppp_max_payload>(only_frame(effects).d)->value, 1500);
  EXPECT_EQ(all_of<open_session>(effects).at(0).max_payload, 1500);
  // Asked more than the cap: the cap.
  effects = connect(from_client(other_mac, broadcast), "", {ppp_max_payload{9000}});
  EXPECT_EQ(find<ppp_max_payload>(only_frame(effects).d)->value, 1500);
  EXPECT_EQ(all_of<open_session>(effects).at(0).max_payload, 1500);
  // Asked 1492 or less: not echoed.
  pado = only_frame(receive(h, request(packet_code::padi, "", {ppp_max_payload{1492}})));
  EXPECT_EQ(find<ppp_max_payload>(pado.d), nullptr);

  c.max_payload = 1496;
  make(c);
  effects = connect(h, "", {ppp_max_payload{1500}});
  EXPECT_EQ(find<ppp_max_payload>(only_frame(effects).d)->value, 1496);
  EXPECT_EQ(all_of<open_session>(effects).at(0).max_payload, 1496);

  c.max_payload = 1492;  // RFC 4638 off
  make(c);
  effects = connect(h, "", {ppp_max_payload{1500}});
  EXPECT_EQ(find<ppp_max_payload>(only_frame(effects).d), nullptr);
  EXPECT_EQ(all_of<open_session>(effects).at(0).max_payload, 1492);
}

TEST_F(AcTest, PadrForAServiceNotOfferedGetsServiceNameError) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  auto cookie = cookie_from_pado(h, "internet");
  auto effects =
      receive(to_us(h), request(packet_code::padr, "video", {ac_cookie{cookie}, host_uniq{wire::to_bytes("u")}}));
  EXPECT_EQ(refusal_of(effects), refusal::service_name);
  EXPECT_TRUE(all_of<open_session>(effects).empty());
  auto pads = only_frame(effects);
  EXPECT_EQ(pads.d.code, packet_code::pads);
  EXPECT_EQ(pads.d.session_id, 0);
  ASSERT_NE(find<service_name_error>(pads.d), nullptr);
  EXPECT_NE(find<service_name_error>(pads.d)->message.find("video"), std::string::npos);
  EXPECT_EQ(find<host_uniq>(pads.d)->value, wire::to_bytes("u"));
  EXPECT_EQ(ac->sessions(), 0U);
}

TEST_F(AcTest, DuplicatePadrResendsThePadsInsteadOfASecondSession) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  auto cookie = cookie_from_pado(h, "");
  auto padr = request(packet_code::padr, "", {ac_cookie{cookie}, host_uniq{wire::to_bytes("same")}});
  auto first = receive(to_us(h), padr);
  auto second = receive(to_us(h), padr);
  EXPECT_EQ(all_of<open_session>(first).size(), 1U);
  EXPECT_TRUE(all_of<open_session>(second).empty());
  EXPECT_TRUE(all_of<dropped>(second).empty());
  EXPECT_EQ(all_of<send_discovery>(second).at(0).frame, all_of<send_discovery>(first).at(0).frame);
  EXPECT_EQ(ac->sessions(), 1U);
  // Another Host-Uniq is another session.
  auto third =
      receive(to_us(h), request(packet_code::padr, "", {ac_cookie{cookie}, host_uniq{wire::to_bytes("other")}}));
  EXPECT_EQ(all_of<open_session>(third).size(), 1U);
  EXPECT_EQ(ac->sessions(), 2U);
  // Once the call is up a PADR with the same Host-Uniq opens a new session (the client restarted).
  ac->session_up(0, all_of<open_session>(first).at(0).session_id);
  auto fourth = receive(to_us(h), padr);
  EXPECT_EQ(all_of<open_session>(fourth).size(), 1U);
  EXPECT_EQ(ac->sessions(), 3U);
}

TEST_F(AcTest, PadtFromTheClientClosesItsSession) {
  make(base_config());
  auto h = from_client(client_mac, broadcast, 150);
  auto id = all_of<open_session>(connect(h, "")).at(0).session_id;
  // Another MAC, or an ID we do not have: unknown_session.
  auto wrong = from_client(other_mac, ac_mac, 150);
  EXPECT_EQ(refusal_of(receive(wrong, padt(id))), refusal::unknown_session);
  EXPECT_EQ(refusal_of(receive(to_us(h), padt(static_cast<std::uint16_t>(id + 1)))), refusal::unknown_session);
  // The client's MAC on another VLAN is another client.
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, ac_mac, 151), padt(id))), refusal::unknown_session);
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, ac_mac), padt(id))), refusal::unknown_session);
  discovery from_client_padt = padt(id);
  from_client_padt.tags.emplace_back(generic_error{"user logged off"});
  auto effects = receive(to_us(h), from_client_padt);
  auto closed = all_of<close_session>(effects);
  ASSERT_EQ(closed.size(), 1U);
  EXPECT_EQ(closed[0].port, 0);
  EXPECT_EQ(closed[0].session_id, id);
  EXPECT_NE(closed[0].reason.find("user logged off"), std::string::npos);
  // A retransmitted PADT while the caller tears down: nothing more.
  EXPECT_TRUE(receive(to_us(h), padt(id)).empty());
  // The caller ends it without a PADT: everything is freed.
  EXPECT_TRUE(ac->session_ended(0, id, "client PADT", false).empty());
  EXPECT_EQ(ac->sessions(), 0U);
  EXPECT_EQ(ac->starting(), 0U);
  EXPECT_EQ(refusal_of(receive(to_us(h), padt(id))), refusal::unknown_session);
}

TEST_F(AcTest, SessionEndedSendsAPadtWithTheReason) {
  make(base_config());
  auto h = from_client(client_mac, broadcast, 1000, 7);
  auto id = all_of<open_session>(connect(h, "")).at(0).session_id;
  auto effects = ac->session_ended(0, id, "LNS closed the tunnel", true);
  auto sent = all_of<send_discovery>(effects);
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].code, packet_code::padt);
  auto frame = parse(sent[0].frame);
  EXPECT_EQ(frame.hdr.dst, client_mac);
  EXPECT_EQ(frame.hdr.src, ac_mac);
  EXPECT_EQ(frame.hdr.ethertype, eth::ethertype_pppoe_discovery);
  EXPECT_EQ(frame.hdr.outer_vlan->vid, 1000);
  EXPECT_EQ(frame.hdr.inner_vlan->vid, 7);
  EXPECT_EQ(frame.d.code, packet_code::padt);
  EXPECT_EQ(frame.d.session_id, id);
  ASSERT_NE(find<generic_error>(frame.d), nullptr);
  EXPECT_EQ(find<generic_error>(frame.d)->message, "LNS closed the tunnel");
  EXPECT_EQ(ac->sessions(), 0U);
  // Twice: nothing (the ID is already free).
  EXPECT_TRUE(ac->session_ended(0, id, "again", true).empty());
}

TEST_F(AcTest, SessionIdsAreUniquePerPortAndReturned) {
  auto c = base_config();
  c.ports.push_back(c.ports[0]);
  c.ports[1].mac = eth::mac_address{0x02, 0, 0, 0, 0, 0x02};
  make(c);
  std::set<std::uint16_t> ids;
  for (unsigned i = 0; i < 50; ++i) {
    eth::mac_address mac = client_mac;
    mac[5] = static_cast<std::uint8_t>(i);
    auto id = all_of<open_session>(connect(from_client(mac, broadcast), "")).at(0).session_id;
    EXPECT_NE(id, 0);
    EXPECT_TRUE(ids.insert(id).second);
  }
  // The second port allocates independently.
  auto other_port = all_of<open_session>(connect(from_client(client_mac, broadcast), "", {}, {}, 1));
  ASSERT_EQ(other_port.size(), 1U);
  EXPECT_EQ(other_port[0].port, 1);
  EXPECT_EQ(other_port[0].to_client.src, c.ports[1].mac);
  // 70,000 open/close cycles never run out of IDs: each end returns its ID.
  auto h = from_client(other_mac, broadcast);
  auto cookie = cookie_from_pado(h, "");
  for (unsigned i = 0; i < 70000; ++i) {
    auto opened = all_of<open_session>(receive(to_us(h), request(packet_code::padr, "", {ac_cookie{cookie}})));
    ASSERT_EQ(opened.size(), 1U) << "cycle " << i;
    (void)ac->session_ended(0, opened[0].session_id, "cycle", false);
  }
  EXPECT_EQ(ac->sessions(), 51U);
}

TEST_F(AcTest, FramesNotForUsAndUnexpectedCodes) {
  make(base_config());
  auto elsewhere = from_client(client_mac, other_mac);
  EXPECT_EQ(refusal_of(receive(elsewhere, request(packet_code::padi, ""))), refusal::not_for_us);
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast), request(packet_code::padi, ""), 5)),
            refusal::not_for_us);
  discovery pado{packet_code::pado, 0, {ac_name{"rogue"}, service_name{""}}, false};
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, broadcast), pado)), refusal::unexpected_code);
  discovery pads{packet_code::pads, 3, {service_name{""}}, false};
  EXPECT_EQ(refusal_of(receive(from_client(client_mac, ac_mac), pads)), refusal::unexpected_code);
  // Unknown code 0x42 and a session-stage packet on the Discovery ethertype.
  auto unknown = wire::bytes{std::byte{0x11}, std::byte{0x42}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
  EXPECT_EQ(refusal_of(ac->receive(0, from_client(client_mac, ac_mac), unknown, now)), refusal::unexpected_code);
  auto session = wire::bytes{std::byte{0x11}, std::byte{0x00}, std::byte{0}, std::byte{1}, std::byte{0}, std::byte{0}};
  EXPECT_EQ(refusal_of(ac->receive(0, from_client(client_mac, ac_mac), session, now)), refusal::unexpected_code);
}

TEST_F(AcTest, MalformedFramesNameTheReasonAndOffset) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  // LENGTH says 8 but only 4 tag bytes follow.
  auto truncated = wire::bytes{std::byte{0x11}, std::byte{0x09}, std::byte{0},    std::byte{0}, std::byte{0},
                               std::byte{8},    std::byte{1},    std::byte{0x01}, std::byte{0}, std::byte{0}};
  auto effects = ac->receive(0, h, truncated, now);
  ASSERT_EQ(refusal_of(effects), refusal::malformed);
  EXPECT_NE(all_of<dropped>(effects)[0].detail.find("length past end"), std::string::npos);
  EXPECT_NE(all_of<dropped>(effects)[0].detail.find("18"), std::string::npos);  // 14 + 4
  EXPECT_NE(all_of<dropped>(effects)[0].detail.find("00:11:22:33:44:55"), std::string::npos);
  // A PADI without Service-Name breaks RFC 2516 §5.1.
  effects = receive(h, discovery{packet_code::padi, 0, {host_uniq{wire::to_bytes("x")}}, false});
  ASSERT_EQ(refusal_of(effects), refusal::malformed);
  EXPECT_NE(all_of<dropped>(effects)[0].detail.find("without Service-Name"), std::string::npos);
  // Version 2, an empty frame, a PADR sent to broadcast, a multicast source.
  auto v2 = wire::bytes{std::byte{0x21}, std::byte{0x09}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
  EXPECT_EQ(refusal_of(ac->receive(0, h, v2, now)), refusal::malformed);
  EXPECT_EQ(refusal_of(ac->receive(0, h, wire::bytes{}, now)), refusal::malformed);
  EXPECT_EQ(refusal_of(receive(h, request(packet_code::padr, ""))), refusal::malformed);
  auto multicast = from_client(eth::mac_address{0x01, 0, 0x5e, 0, 0, 1}, broadcast);
  EXPECT_EQ(refusal_of(receive(multicast, request(packet_code::padi, ""))), refusal::malformed);
  // PADT with SESSION_ID 0.
  EXPECT_EQ(refusal_of(receive(to_us(h), padt(0))), refusal::malformed);
}

TEST_F(AcTest, PadoDelayGrowsWithTheSessions) {
  auto c = base_config();
  c.pado_delay = {{2, std::chrono::milliseconds{100}}, {4, std::chrono::milliseconds{500}}};
  make(c);
  auto delay = [&] {
    return all_of<send_discovery>(receive(from_client(client_mac, broadcast), request(packet_code::padi, "")))
        .at(0)
        .delay;
  };
  std::vector<std::uint16_t> ids;
  std::vector<std::chrono::milliseconds> seen;
  for (unsigned i = 0; i < 5; ++i) {
    seen.push_back(delay());
    eth::mac_address mac = other_mac;
    mac[4] = static_cast<std::uint8_t>(i);
    ids.push_back(all_of<open_session>(connect(from_client(mac, broadcast), "")).at(0).session_id);
  }
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(seen, (std::vector<ms>{ms{0}, ms{0}, ms{100}, ms{100}, ms{500}}));
  (void)ac->session_ended(0, ids[0], "", false);
  (void)ac->session_ended(0, ids[1], "", false);
  (void)ac->session_ended(0, ids[2], "", false);
  EXPECT_EQ(delay(), ms{100});
}

}  // namespace
}  // namespace bras::pppoe
