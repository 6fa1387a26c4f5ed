// The fixture of the access concentrator tests: a port with untagged access,
// a single-tag rule (100-199) and a QinQ rule (1000 / 1-100), limits off
// unless a test sets them, and the client's side of the exchange.
#pragma once

#include <gtest/gtest.h>

#include <optional>

#include "tests/unit/pppoe_ac_test_util.hpp"

namespace bras::pppoe::test {

class AcTest : public ::testing::Test {
 protected:
  static ac_config base_config() {
    ac_config c;
    c.ac_name = "bras-test";
    c.service_names = {"internet", "voip"};
    port_config port;
    port.mac = ac_mac;
    port.untagged = true;
    port.vlans.push_back(vlan_rule{100, 199, 0, 0, 0, {}});
    port.vlans.push_back(vlan_rule{1000, 1000, 1, 100, 0, {}});
    c.ports.push_back(port);
    c.padi_rate = 0;
    c.padi_rate_per_mac = 0;
    c.max_sessions = 0;
    c.max_sessions_per_mac = 0;
    c.max_starting = 0;
    return c;
  }

  void make(ac_config c) {
    wire::bytes s = secret('a');
    ac.emplace(std::move(c), s);
  }

  static discovery request(packet_code code, std::string name, std::vector<tag> extra = {}) {
    discovery d{code, 0, {service_name{std::move(name)}}, false};
    for (tag& t : extra) d.tags.push_back(std::move(t));
    return d;
  }

  static discovery padt(std::uint16_t id) { return discovery{packet_code::padt, id, {}, false}; }

  /// The same client and VLANs, unicast to our MAC.
  static eth::header to_us(eth::header h, const eth::mac_address& mac = ac_mac) {
    h.dst = mac;
    return h;
  }

  ac_effects receive(const eth::header& h, const discovery& d, std::uint16_t port = 0) {
    wire::bytes bytes = encoded(d);
    return ac->receive(port, h, bytes, now);
  }

  /// The AC-Cookie of the PADO answering a PADI from `h` (empty if there was none).
  wire::bytes cookie_from_pado(const eth::header& h, const std::string& name, std::uint16_t port = 0) {
    auto sent = all_of<send_discovery>(receive(h, request(packet_code::padi, name), port));
    EXPECT_EQ(sent.size(), 1U);
    if (sent.empty()) return {};
    auto pado = parse(sent[0].frame);
    const auto* cookie = find<ac_cookie>(pado.d);
    EXPECT_NE(cookie, nullptr);
    return cookie != nullptr ? cookie->value : wire::bytes{};
  }

  /// PADI (with `both`) from `h`, then PADR (with the cookie, `both` and `padr_only`): the PADR's effects.
  ac_effects connect(const eth::header& h, const std::string& name, std::vector<tag> both = {},
                     std::vector<tag> padr_only = {}, std::uint16_t port = 0) {
    auto sent = all_of<send_discovery>(receive(h, request(packet_code::padi, name, both), port));
    EXPECT_EQ(sent.size(), 1U);
    if (sent.empty()) return {};
    parsed_frame pado = parse(sent[0].frame);
    const auto* cookie = find<ac_cookie>(pado.d);
    EXPECT_NE(cookie, nullptr);
    std::vector<tag> tags = both;
    if (cookie != nullptr) tags.emplace_back(*cookie);
    for (tag& t : padr_only) tags.push_back(std::move(t));
    const eth::mac_address& our = port < ac_macs.size() ? ac_macs[port] : ac_mac;
    return receive(to_us(h, our), request(packet_code::padr, name, std::move(tags)), port);
  }

  std::optional<access_concentrator> ac;
  ac_clock::time_point now = ac_clock::time_point{} + std::chrono::hours{1};
  std::vector<eth::mac_address> ac_macs{ac_mac, eth::mac_address{0x02, 0, 0, 0, 0, 0x02}};
};

}  // namespace bras::pppoe::test
