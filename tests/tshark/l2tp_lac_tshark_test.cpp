// tshark, an independent decoder, reads what the LAC's call engine sends for a
// PPPoE subscriber: the ICRQ with Calling Number and the RFC 5515 access-line
// AVPs built from a TR-101 tag, the ICCN's connect speeds from the line, and
// the CSUN after a rate change; no frame is malformed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "protocol/l2tp/call.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/line_avps.hpp"
#include "tests/tshark/pcap.hpp"

namespace bras {
namespace {

/// The control messages an LAC call engine sent, in order.
std::vector<l2tp::call_send> sent(const l2tp::call_effects& fx) {
  std::vector<l2tp::call_send> out;
  for (const auto& e : fx) {
    if (const auto* s = std::get_if<l2tp::call_send>(&e)) out.push_back(*s);
  }
  return out;
}

TEST(TsharkLac, IcrqWithLineAvpsIccnAndCsunDecodeCleanly) {
  ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is required (./scripts/test installs it)";
  pppoe::access_line line;
  line.circuit_id = "olt1 xpon 0/1/2:1.1";
  line.remote_id = "cpe-0042";
  line.actual_rate_up = 50000;
  line.actual_rate_down = 300000;
  line.min_rate_up = 1000;
  line.min_rate_down = 2000;
  line.attainable_rate_up = 60000;
  line.attainable_rate_down = 400000;
  line.max_rate_up = 100000;
  line.max_rate_down = 1000000;
  line.encapsulation = pppoe::access_loop_encapsulation{1, 2, 0};

  l2tp::call_config cfg;
  cfg.role = l2tp::call_role::lac;
  cfg.local_session_id = 0x0031;
  cfg.call_serial = 7;
  cfg.calling_number = *line.circuit_id;
  cfg.access_line = l2tp::line_avps(line);
  cfg.tx_connect_speed = l2tp::connect_speed_of(*line.actual_rate_down);
  cfg.rx_connect_speed = l2tp::connect_speed_of(*line.actual_rate_up);
  l2tp::call_engine call{cfg};
  (void)call.open();
  auto icrq = sent(call.tunnel_up());
  auto icrp = l2tp::make_message(l2tp::message_type::icrp);
  icrp.assigned_session_id = 0x0099;
  auto iccn = sent(call.receive(icrp));
  auto csun = sent(call.line_update(l2tp::connect_speed_of(250000), l2tp::connect_speed_of(40000)));
  ASSERT_EQ(icrq.size(), 1u);
  ASSERT_EQ(iccn.size(), 1u);
  ASSERT_EQ(csun.size(), 1u);

  auto pcap =
      (std::filesystem::temp_directory_path() / ("bras-lac-tshark-" + std::to_string(getpid()) + ".pcap")).string();
  {
    test::pcap_writer w{pcap};
    std::uint16_t ns = 0;
    for (const auto* s : {&icrq[0], &iccn[0], &csun[0]}) {
      l2tp::bytes avps;
      l2tp::encode_control(avps, s->message);
      l2tp::header h;
      h.control = true;
      h.tunnel_id = 0x1234;
      h.session_id = s->peer_session_id;
      h.ns = ns++;
      h.nr = 1;
      w.udp(l2tp::encode_packet(h, avps));
    }
  }
  auto rows = test::run_tshark(pcap, {"_ws.malformed",
                                      "_ws.expert.severity",
                                      "l2tp.session",
                                      "l2tp.avp.message_type",
                                      "l2tp.avp.calling_number",
                                      "l2tp.broadband.agent_circuit_id",
                                      "l2tp.broadband.agent_remote_id",
                                      "l2tp.broadband.actual_dr_up",
                                      "l2tp.broadband.actual_dr_down",
                                      "l2tp.broadband.minimum_dr_up",
                                      "l2tp.broadband.minimum_dr_down",
                                      "l2tp.broadband.attainable_dr_up",
                                      "l2tp.broadband.attainable_dr_down",
                                      "l2tp.broadband.maximum_dr_up",
                                      "l2tp.broadband.maximum_dr_down",
                                      "l2tp.broadband.access_loop_encapsulation.data_link",
                                      "l2tp.avp.connect_speed",
                                      "l2tp.avp.rx_connect_speed",
                                      "l2tp.avp.csu.remote_session_id",
                                      "l2tp.avp.csu.current_tx_speed",
                                      "l2tp.avp.csu.current_rx_speed"});
  std::filesystem::remove(pcap);
  ASSERT_EQ(rows.size(), 3u);
  for (auto& r : rows) {
    EXPECT_EQ(r["_ws.malformed"], "");
    EXPECT_EQ(r["_ws.expert.severity"].find("8388608"), std::string::npos);  // no expert error
  }
  auto& q = rows[0];
  EXPECT_EQ(q["l2tp.avp.message_type"], "10");
  EXPECT_EQ(q["l2tp.avp.calling_number"], "olt1 xpon 0/1/2:1.1");
  EXPECT_EQ(q["l2tp.broadband.agent_circuit_id"], "olt1 xpon 0/1/2:1.1");
  EXPECT_EQ(q["l2tp.broadband.agent_remote_id"], "cpe-0042");
  EXPECT_EQ(q["l2tp.broadband.actual_dr_up"], "50000000");
  EXPECT_EQ(q["l2tp.broadband.actual_dr_down"], "300000000");
  EXPECT_EQ(q["l2tp.broadband.minimum_dr_up"], "1000000");
  EXPECT_EQ(q["l2tp.broadband.minimum_dr_down"], "2000000");
  EXPECT_EQ(q["l2tp.broadband.attainable_dr_up"], "60000000");
  EXPECT_EQ(q["l2tp.broadband.attainable_dr_down"], "400000000");
  EXPECT_EQ(q["l2tp.broadband.maximum_dr_up"], "100000000");
  EXPECT_EQ(q["l2tp.broadband.maximum_dr_down"], "1000000000");
  EXPECT_EQ(q["l2tp.broadband.access_loop_encapsulation.data_link"], "0x01");
  auto& c = rows[1];
  EXPECT_EQ(c["l2tp.avp.message_type"], "12");
  EXPECT_EQ(c["l2tp.avp.connect_speed"], "300000000");
  EXPECT_EQ(c["l2tp.avp.rx_connect_speed"], "50000000");
  auto& u = rows[2];
  EXPECT_EQ(u["l2tp.avp.message_type"], "28");
  EXPECT_EQ(u["l2tp.session"], "0");
  EXPECT_EQ(u["l2tp.avp.csu.remote_session_id"], "153");
  EXPECT_EQ(u["l2tp.avp.csu.current_tx_speed"], "250000000");
  EXPECT_EQ(u["l2tp.avp.csu.current_rx_speed"], "40000000");
}

}  // namespace
}  // namespace bras
