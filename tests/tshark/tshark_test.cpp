// Cross-check against an independent decoder: encode control and data
// messages (PPP inside), write them to a pcap, and require that tshark finds
// no malformed packet and reports the message types and AVP / option values
// that were encoded.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/message.hpp"
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"
#include "protocol/pppoe/access_concentrator.hpp"
#include "tests/tshark/pcap.hpp"

namespace bras {
namespace {

using bytes = wire::bytes;
using fields = test::tshark_expectations;

std::string dec(std::uint64_t v) {
  return std::to_string(v);
}
std::string hex0x(std::uint64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}
std::string hexbytes(wire::byte_span b) {
  return wire::to_hex(b);
}
bytes hx(const char* s) {
  return *wire::from_hex(s);
}

class TsharkCrossCheck : public test::tshark_fixture {
 protected:
  void add(std::string what, const wire::bytes& udp_payload, fields expect) {
    writer().udp(udp_payload);
    expect_frame(std::move(what), std::move(expect));
  }

  /// A control message: tshark must report its type and these AVP values.
  void control(const l2tp::control_message& m, fields expect, const l2tp::encode_options& opts = {}) {
    static std::uint16_t ns = 0;
    bytes avps;
    l2tp::encode_control(avps, m, opts);
    l2tp::header h;
    h.control = true;
    h.tunnel_id = 0x1234;
    h.session_id = m.assigned_session_id ? 0x0077 : 0;
    h.ns = ns++;
    h.nr = 3;
    expect.emplace_back("l2tp.type", "1");
    expect.emplace_back("l2tp.tunnel", dec(h.tunnel_id));
    expect.emplace_back("l2tp.session", dec(h.session_id));
    expect.emplace_back("l2tp.Ns", dec(h.ns));
    expect.emplace_back("l2tp.Nr", "3");
    if (m.type != l2tp::message_type::zlb) {
      expect.emplace_back("l2tp.avp.message_type", dec(static_cast<std::uint16_t>(m.type)));
    }
    add(std::string{l2tp::message_name(m.type)}, l2tp::encode_packet(h, avps), std::move(expect));
  }

  /// A data message carrying a PPP frame.
  void data(std::string what, const l2tp::header& h, std::uint16_t protocol, const bytes& ppp_payload, fields expect,
            ppp::frame_flags flags = {}) {
    bytes frame;
    wire::writer w{frame};
    ppp::encode_frame(w, protocol, ppp_payload, flags);
    expect.emplace_back("l2tp.type", "0");
    expect.emplace_back("l2tp.tunnel", dec(h.tunnel_id));
    expect.emplace_back("l2tp.session", dec(h.session_id));
    expect.emplace_back("ppp.protocol", hex0x(protocol, 4));
    add(std::move(what), l2tp::encode_packet(h, frame), std::move(expect));
  }
};

TEST_F(TsharkCrossCheck, ControlMessagesOfEveryType) {
  using namespace l2tp;
  auto challenge = hx("00112233445566778899aabbccddeeff");

  auto sccrq = make_message(message_type::sccrq);
  sccrq.protocol_version = protocol_version_value{1, 0};
  sccrq.framing_capabilities = framing_bits::synchronous | framing_bits::asynchronous;
  sccrq.bearer_capabilities = bearer_bits::digital;
  sccrq.tie_breaker = 0x0102030405060708ULL;
  sccrq.firmware_revision = 0x0690;
  sccrq.host_name = "lac-1.example";
  sccrq.vendor_name = "brasd";
  sccrq.assigned_tunnel_id = 0x4242;
  sccrq.receive_window_size = 16;
  sccrq.challenge = challenge;
  control(sccrq, {{"l2tp.avp.type", "0,2,3,4,5,6,7,8,9,10,11"},
                  {"l2tp.avp.mandatory", "1,1,1,1,0,0,1,0,1,1,1"},
                  {"l2tp.avp.protocol_version", "1"},
                  {"l2tp.avp.protocol_revision", "0"},
                  {"l2tp.avp.sync_framing_supported", "1"},
                  {"l2tp.avp.async_framing_supported", "1"},
                  {"l2tp.avp.digital_access_supported", "1"},
                  {"l2tp.avp.analog_access_supported", "0"},
                  {"l2tp.tie_breaker", hex0x(*sccrq.tie_breaker, 16)},
                  {"l2tp.avp.firmware_revision", dec(*sccrq.firmware_revision)},
                  {"l2tp.avp.host_name", *sccrq.host_name},
                  {"l2tp.avp.vendor_name", *sccrq.vendor_name},
                  {"l2tp.avp.assigned_tunnel_id", dec(*sccrq.assigned_tunnel_id)},
                  {"l2tp.avp.receive_window_size", "16"},
                  {"l2tp.avp.chap_challenge", hexbytes(challenge)}});

  auto sccrp = make_message(message_type::sccrp);
  sccrp.protocol_version = protocol_version_value{1, 0};
  sccrp.framing_capabilities = framing_bits::synchronous;
  sccrp.host_name = "lns";
  sccrp.assigned_tunnel_id = 7;
  sccrp.challenge_response = challenge_response(2, "secret", challenge);
  control(sccrp,
          {{"l2tp.avp.host_name", "lns"}, {"l2tp.avp.chap_challenge_response", hexbytes(*sccrp.challenge_response)}});

  auto scccn = make_message(message_type::scccn);
  scccn.challenge_response = challenge_response(3, "secret", challenge);
  control(scccn, {{"l2tp.avp.chap_challenge_response", hexbytes(*scccn.challenge_response)}});

  auto stopccn = make_message(message_type::stopccn);
  stopccn.result = result_code{stopccn_result::not_authorized, error_code::vendor_error, "bad secret"};
  stopccn.assigned_tunnel_id = 7;
  control(stopccn, {{"l2tp.result_code", "4"}, {"l2tp.avp.error_code", "6"}, {"l2tp.avp.error_message", "bad secret"}});

  control(make_message(message_type::hello), {{"l2tp.avp.type", "0"}});
  control(make_message(message_type::zlb), {{"l2tp.avp.type", ""}, {"l2tp.length", "12"}});

  auto ocrq = make_message(message_type::ocrq);
  ocrq.assigned_session_id = 0x0077;
  ocrq.call_serial_number = 99;
  ocrq.minimum_bps = 9600;
  ocrq.maximum_bps = 1000000;
  ocrq.bearer_type = bearer_bits::digital;
  ocrq.framing_type = framing_bits::synchronous;
  ocrq.called_number = "5550100";
  ocrq.sub_address = "12";
  control(ocrq, {{"l2tp.avp.assigned_session_id", "119"},
                 {"l2tp.avp.call_serial_number", "99"},
                 {"l2tp.avp.minimum_bps", "9600"},
                 {"l2tp.avp.maximum_bps", "1000000"},
                 {"l2tp.avp.digital_bearer_type", "1"},
                 {"l2tp.avp.sync_framing_type", "1"},
                 {"l2tp.avp.called_number", "5550100"},
                 {"l2tp.avp.sub_address", "12"}});

  auto ocrp = make_message(message_type::ocrp);
  ocrp.assigned_session_id = 0x0077;
  ocrp.physical_channel_id = 5;
  control(ocrp, {{"l2tp.avp.physical_channel", "5"}});

  auto occn = make_message(message_type::occn);
  occn.framing_type = framing_bits::asynchronous;
  occn.tx_connect_speed = 100000000;
  occn.rx_connect_speed = 20000000;
  occn.sequencing_required = true;
  control(occn, {{"l2tp.avp.async_framing_type", "1"},
                 {"l2tp.avp.connect_speed", "100000000"},
                 {"l2tp.avp.rx_connect_speed", "20000000"},
                 {"l2tp.avp.type", "0,19,24,38,39"}});

  auto icrq = make_message(message_type::icrq);
  icrq.assigned_session_id = 0x0077;
  icrq.call_serial_number = 1;
  icrq.bearer_type = bearer_bits::analog;
  icrq.calling_number = "0011.2233.4455";
  icrq.access_line.agent_circuit_id = "dslam1 eth 1/1/1:100";
  icrq.access_line.agent_remote_id = "customer-42";
  icrq.access_line.actual_rate_up = 10000000;
  icrq.access_line.actual_rate_down = 100000000;
  icrq.access_line.actual_interleaving_delay_down = 8;
  icrq.access_line.access_loop_encapsulation = std::array<std::uint8_t, 3>{1, 2, 0};
  control(icrq, {{"l2tp.avp.analog_bearer_type", "1"},
                 {"l2tp.avp.calling_number", "0011.2233.4455"},
                 {"l2tp.broadband.agent_circuit_id", "dslam1 eth 1/1/1:100"},
                 {"l2tp.broadband.agent_remote_id", "customer-42"},
                 {"l2tp.broadband.actual_dr_up", "10000000"},
                 {"l2tp.broadband.actual_dr_down", "100000000"},
                 {"l2tp.broadband.actual_interleaving_delay_down", "8"},
                 {"l2tp.broadband.access_loop_encapsulation.data_link", "0x01"}});

  auto icrp = make_message(message_type::icrp);
  icrp.assigned_session_id = 0x0099;
  icrp.connect_speed_update_enable = true;
  control(icrp, {{"l2tp.avp.assigned_session_id", "153"}, {"l2tp.avp.type", "0,14,98"}});

  auto iccn = make_message(message_type::iccn);
  iccn.framing_type = framing_bits::synchronous;
  iccn.tx_connect_speed = 50000000;
  iccn.initial_received_lcp_confreq = hx("0101000a050611223344");
  iccn.last_sent_lcp_confreq = hx("0101000e010405d4050655667788");
  iccn.last_received_lcp_confreq = hx("0102000a050611223344");
  iccn.proxy_authen_type = proxy_auth::chap;
  iccn.proxy_authen_name = "user@isp.example";
  iccn.proxy_authen_challenge = hx("0a0b0c0d0e0f");
  iccn.proxy_authen_id = 7;
  iccn.proxy_authen_response = hx("f0e1d2c3b4a5968778695a4b3c2d1e0f");
  iccn.private_group_id = wire::to_bytes("vrf-a");
  control(iccn, {{"l2tp.avp.proxy_authen_type", "2"},
                 {"l2tp.avp.proxy_authen_name", "user@isp.example"},
                 {"l2tp.avp.proxy_authen_challenge", "0a0b0c0d0e0f"},
                 {"l2tp.avp.proxy_authen_id", "7"},
                 {"l2tp.avp.proxy_authen_response", "f0e1d2c3b4a5968778695a4b3c2d1e0f"},
                 {"l2tp.avp.type", "0,19,24,26,27,28,29,30,31,32,33,37"}});

  auto cdn = make_message(message_type::cdn);
  cdn.result = result_code{cdn_result::admin, error_code::none, ""};
  cdn.q931 = q931_cause{16, 5, "normal"};
  cdn.assigned_session_id = 0x0077;
  cdn.disconnect_cause = ppp_disconnect_cause{8, 0xc021, 2, "echo timeout"};
  control(cdn, {{"l2tp.result_code", "3"},
                {"l2tp.avp.cause_code", "16"},
                {"l2tp.avp.cause_msg", "5"},
                {"l2tp.avp.advisory_msg", "normal"},
                {"l2tp.avp.disconnect_code", "8"},
                {"l2tp.avp.control_protocol_number", "49185"},
                {"l2tp.avp.cause_code_direction", "2"},
                {"l2tp.avp.cause_code_message", "echo timeout"}});

  auto wen = make_message(message_type::wen);
  wen.call_errors = call_errors_value{1, 2, 3, 4, 5, 6};
  control(wen, {{"l2tp.avp.crc_errors", "1"},
                {"l2tp.avp.framing_errors", "2"},
                {"l2tp.avp.hardware_overruns", "3"},
                {"l2tp.avp.buffer_overruns", "4"},
                {"l2tp.avp.time_out_errors", "5"},
                {"l2tp.avp.alignment_errors", "6"}});

  auto sli = make_message(message_type::sli);
  sli.accm = accm_value{0, 0xffffffff};
  control(sli, {{"l2tp.avp.send_accm", "0"}, {"l2tp.avp.receive_accm", "4294967295"}});

  auto csun = make_message(message_type::csun);
  csun.speed_updates = {{0x0077, 1000000, 500000}, {0x0078, 2000000, 600000}};
  control(csun, {{"l2tp.avp.csu.remote_session_id", "119,120"},
                 {"l2tp.avp.csu.current_tx_speed", "1000000,2000000"},
                 {"l2tp.avp.csu.current_rx_speed", "500000,600000"}});

  auto csurq = make_message(message_type::csurq);
  csurq.speed_updates = {{0x0079, 0, 0}};
  control(csurq, {{"l2tp.avp.csu.remote_session_id", "121"}});

  // Hidden AVPs: tshark cannot decipher them, but must parse around them.
  auto hidden = make_message(message_type::icrq);
  hidden.assigned_session_id = 0x0080;
  hidden.call_serial_number = 2;
  hidden.calling_number = "hidden-number";
  encode_options opts;
  opts.secret = "s3cret";
  opts.hide_types = sensitive_avps;
  // tshark lists no type for a hidden AVP, only its H bit.
  control(hidden, {{"l2tp.avp.type", "0,14,15,36"}, {"l2tp.avp.hidden", "0,0,0,0,1"}}, opts);

  verify();
}

TEST_F(TsharkCrossCheck, DataMessagesWithPpp) {
  using namespace ppp;
  l2tp::header plain;
  plain.tunnel_id = 0x1234;
  plain.session_id = 0x0077;

  lcp::configure_request creq;
  creq.identifier = 1;
  creq.options = {
      lcp::mru{1492}, lcp::accm{0}, lcp::auth_protocol::chap(lcp::chap_algorithm::md5), lcp::magic_number{0x11223344},
      lcp::pfc{},     lcp::acfc{}};
  bytes b;
  {
    wire::writer w{b};
    ASSERT_TRUE(lcp::encode(w, creq));
  }
  data("LCP Configure-Request", plain, proto::lcp, b,
       {{"ppp.code", "1"},
        {"ppp.identifier", "1"},
        {"lcp.opt.type", "1,2,3,5,7,8"},
        {"lcp.opt.mru", "1492"},
        {"lcp.opt.asyncmap", "0x00000000"},
        {"lcp.opt.auth_protocol", "0xc223"},
        {"lcp.opt.algorithm", "5"},
        {"lcp.opt.magic_number", "0x11223344"}});

  lcp::echo_request echo;
  echo.identifier = 9;
  echo.magic_number = 0xcafebabe;
  echo.data = hx("0102");
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(lcp::encode(w, echo));
  }
  l2tp::header every = plain;
  every.length_present = true;
  every.sequence_present = true;
  every.offset_present = true;
  every.offset_size = 4;
  every.ns = 17;
  every.nr = 0;
  data("LCP Echo-Request, L+S+O bits, ACFC", every, proto::lcp, b,
       {{"ppp.code", "9"}, {"lcp.magic_number", "0xcafebabe"}, {"l2tp.Ns", "17"}, {"l2tp.offset", "4"}},
       frame_flags{true, false});

  pap::authenticate_request pap_req;
  pap_req.identifier = 3;
  pap_req.peer_id = "demo";
  pap_req.password = "demo-password";
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(pap::encode(w, pap_req));
  }
  data("PAP Authenticate-Request", plain, proto::pap, b,
       {{"pap.code", "1"}, {"pap.peer_id", "demo"}, {"pap.password", "demo-password"}});

  chap::challenge chal;
  chal.identifier = 4;
  chal.value = hx("00112233445566778899aabbccddeeff");
  chal.name = "lns.example";
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(chap::encode(w, chal));
  }
  data("CHAP Challenge", plain, proto::chap, b,
       {{"chap.code", "1"}, {"chap.value", "00112233445566778899aabbccddeeff"}, {"chap.name", "lns.example"}});

  chap::response resp;
  resp.identifier = 4;
  auto digest = chap_md5_response(4, wire::as_bytes("demo"), chal.value);
  ASSERT_TRUE(digest);
  resp.value.assign(digest->begin(), digest->end());
  resp.name = "demo";
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(chap::encode(w, resp));
  }
  data("CHAP Response", plain, proto::chap, b,
       {{"chap.code", "2"}, {"chap.value", wire::to_hex(resp.value)}, {"chap.name", "demo"}});

  ipcp::configure_request ipreq;
  ipreq.identifier = 5;
  ipreq.options = {ipcp::ip_address{0x64400001}, ipcp::primary_dns{0x08080808}, ipcp::secondary_dns{0x01010101}};
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(ipcp::encode(w, ipreq));
  }
  data("IPCP Configure-Request, PFC", plain, proto::ipcp, b,
       {{"ppp.code", "1"},
        {"ipcp.opt.ip_address", "100.64.0.1"},
        {"ipcp.opt.pri_dns_address", "8.8.8.8"},
        {"ipcp.opt.sec_dns_address", "1.1.1.1"}});

  ipv6cp::configure_request v6req;
  v6req.identifier = 6;
  v6req.options = {ipv6cp::interface_identifier{0x0211223344556677ULL}};
  b.clear();
  {
    wire::writer w{b};
    ASSERT_TRUE(ipv6cp::encode(w, v6req));
  }
  data("IPv6CP Configure-Request", plain, proto::ipv6cp, b, {{"ppp.code", "1"}});

  // An IPv4 datagram (ICMP echo) inside PPP, compressed protocol field.
  auto ip = hx("4500001c00000000400100000a0000010a000002 0800f7ff00000000");
  // ip.src / ip.dst list the outer header, then the subscriber's.
  data("IPv4 in PPP, ACFC+PFC", plain, proto::ipv4, ip,
       {{"ip.src", "192.0.2.1,10.0.0.1"}, {"ip.dst", "192.0.2.2,10.0.0.2"}}, frame_flags{true, true});

  verify();
}

// PPPoE Discovery as the access concentrator sends it: tshark (an independent
// decoder) must read each frame as PPPoED with the code and tags encoded.
class TsharkPppoe : public TsharkCrossCheck {
 protected:
  void ethernet(std::string what, const wire::bytes& frame, fields expect) {
    writer().ethernet(frame);
    expect_frame(std::move(what), std::move(expect));
  }

  /// The frame of the only send_discovery effect (empty if there is not exactly one).
  static wire::bytes sent_frame(const pppoe::ac_effects& effects) {
    wire::bytes frame;
    int n = 0;
    for (const auto& e : effects) {
      if (const auto* s = std::get_if<pppoe::send_discovery>(&e)) {
        frame = s->frame;
        ++n;
      }
    }
    EXPECT_EQ(n, 1);
    return n == 1 ? frame : wire::bytes{};
  }
};

TEST_F(TsharkPppoe, AccessConcentratorPadoPadsPadt) {
  using namespace pppoe;
  const eth::mac_address our_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  const eth::mac_address client{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  ac_config config;
  config.ac_name = "bras-tshark";
  config.service_names = {"internet"};
  config.max_payload = 1500;
  config.max_sessions = 1;
  port_config port;
  port.mac = our_mac;
  port.vlans.push_back(vlan_rule{100, 199, 0, 0, 0, {}});
  config.ports.push_back(port);
  wire::bytes secret(32, std::byte{0x42});
  access_concentrator ac{config, secret};
  auto now = ac_clock::now();

  eth::header h;
  h.src = client;
  h.dst = eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  h.outer_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, 150};
  h.ethertype = eth::ethertype_pppoe_discovery;
  auto send = [&](const eth::header& hdr, const discovery& d) {
    wire::bytes out;
    wire::writer w{out};
    EXPECT_TRUE(encode(d, w).ok());
    return ac.receive(0, hdr, out, now);
  };
  const wire::bytes uniq = hx("cafe0001");
  const wire::bytes relay = hx("0102030405");
  discovery padi{packet_code::padi,
                 0,
                 {service_name{"internet"}, host_uniq{uniq}, relay_session_id{relay}, ppp_max_payload{1500}},
                 false};
  wire::bytes pado = sent_frame(send(h, padi));
  ASSERT_FALSE(pado.empty());
  auto pado_decoded = decode_discovery(eth::decode(pado)->payload);
  ASSERT_TRUE(pado_decoded.ok());
  const auto* cookie = find<ac_cookie>(*pado_decoded);
  ASSERT_NE(cookie, nullptr);
  fields common{
      {"eth.src", "02:00:00:00:00:01"}, {"eth.dst", "00:11:22:33:44:55"}, {"vlan.id", "150"}, {"eth.type", "0x8100"}};
  fields pado_expect = common;
  pado_expect.insert(pado_expect.end(), {{"pppoe.code", "0x07"},
                                         {"pppoe.session_id", "0x0000"},
                                         {"pppoed.tags.ac_name", "bras-tshark"},
                                         {"pppoed.tags.service_name", "internet"},
                                         {"pppoed.tags.ac_cookie", hexbytes(cookie->value)},
                                         {"pppoed.tags.host_uniq", "cafe0001"},
                                         {"pppoed.tags.relay_session_id", "0102030405"},
                                         {"pppoed.tags.max_payload", "05dc"}});
  ethernet("PADO", pado, pado_expect);

  h.dst = our_mac;
  discovery padr = padi;
  padr.code = packet_code::padr;
  padr.tags.emplace_back(*cookie);
  auto accepted = send(h, padr);
  wire::bytes pads = sent_frame(accepted);
  std::uint16_t id = 0;
  for (const auto& e : accepted) {
    if (const auto* o = std::get_if<open_session>(&e)) id = o->session_id;
  }
  ASSERT_NE(id, 0);
  fields pads_expect = common;
  pads_expect.insert(pads_expect.end(), {{"pppoe.code", "0x65"},
                                         {"pppoe.session_id", hex0x(id, 4)},
                                         {"pppoed.tags.service_name", "internet"},
                                         {"pppoed.tags.host_uniq", "cafe0001"},
                                         {"pppoed.tags.relay_session_id", "0102030405"},
                                         {"pppoed.tags.max_payload", "05dc"}});
  ethernet("PADS", pads, pads_expect);

  // A second session is over max_sessions: PADS with SESSION_ID 0 and AC-System-Error.
  discovery second = padr;
  second.tags[1] = host_uniq{hx("cafe0002")};
  fields refused = common;
  refused.insert(refused.end(), {{"pppoe.code", "0x65"},
                                 {"pppoe.session_id", "0x0000"},
                                 {"pppoed.tags.host_uniq", "cafe0002"},
                                 {"pppoed.tags.ac_system_error", "session limit reached"}});
  ethernet("PADS refusing", sent_frame(send(h, second)), refused);

  fields padt_expect = common;
  padt_expect.insert(padt_expect.end(), {{"pppoe.code", "0xa7"},
                                         {"pppoe.session_id", hex0x(id, 4)},
                                         {"pppoed.tags.generic_error", "LNS closed the tunnel"}});
  ethernet("PADT", sent_frame(ac.session_ended(0, id, "LNS closed the tunnel", true)), padt_expect);

  verify();
}

}  // namespace
}  // namespace bras
