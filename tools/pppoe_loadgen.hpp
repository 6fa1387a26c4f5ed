// bras-loadgen --pppoe IFACE: emulated PPPoE subscribers on an Ethernet
// interface (tools/emulator/pppoe_subscriber.hpp over a packet_link), paced
// by --rate and --max-outstanding, held with optional load traffic, then
// hung up with LCP Terminate and PADT. One thread drives them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/loadgen_report.hpp"

namespace bras::loadgen {

struct pppoe_options {
  std::string interface;
  unsigned sessions = 100;
  double rate = 0;  ///< sessions started per second; 0: as fast as max_outstanding allows
  unsigned max_outstanding = 1000;
  std::string user = "demo";  ///< {n}: the session number
  std::string password = "demo";
  unsigned hold = 0;  ///< seconds to hold the sessions before hanging up
  bool ipv6 = false;
  unsigned timeout = 60;  ///< seconds without progress before giving up
  double traffic = 0;     ///< ICMP Echo Requests per second per session
  std::uint32_t traffic_destination = 0;
  unsigned traffic_size = 128;
  std::vector<std::uint16_t> vlans;   ///< C-VLANs (or the only tag); empty: untagged
  std::vector<std::uint16_t> svlans;  ///< S-VLANs for QinQ (with vlans)
  std::uint16_t svlan_tpid = 0x8100;
  std::string service_name;
  std::string ac_name;
  std::string circuit_id;  ///< TR-101 Agent-Circuit-Id pattern ({n}); empty: none
  std::string remote_id;   ///< TR-101 Agent-Remote-Id pattern ({n}); empty: none
  std::uint16_t max_payload = 0;
};

/// "100" or "100-103" as VIDs 1..4094; nullopt when malformed.
[[nodiscard]] std::optional<std::vector<std::uint16_t>> parse_vlan_range(const std::string& text);

/// "user{n}@isp" with n = 7 gives "user7@isp".
[[nodiscard]] std::string expand(std::string pattern, std::uint64_t n);

/// Runs the subscribers and fills `report`; returns the exit status
/// (0 all up, 1 some failed, 2 the interface could not be used).
int run_pppoe(const pppoe_options& o, run_report& report);

}  // namespace bras::loadgen
