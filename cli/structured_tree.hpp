// Internal to the structured views (structured.cpp, structured_values.cpp,
// structured_objects.cpp): value formatting, tree helpers, and the element
// builders of each show object. Not part of the public API (structured.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "cli/command.hpp"
#include "cli/structured.hpp"
#include "model/query.hpp"

namespace bras::cli::structured_detail {

// ---- values (structured_values.cpp) ----

std::string num(std::uint64_t v);
std::string ipv4(std::uint32_t a);
/// "YYYY-MM-DD HH:MM:SS UTC", as Junos puts absolute times in XML.
std::string format_date(model::wall_time t);
/// Elapsed times as HH:MM:SS like the text views; hours are not wrapped.
std::string format_duration(std::int64_t seconds);
std::string on_off(bool b);
std::string enabled(bool b);
/// The PPP authentication protocol's name by its number ("0x...." when unknown).
std::string authentication(std::uint16_t protocol);
/// The 64-bit IPv6CP interface identifier in the usual four-group form.
std::string interface_id(std::uint64_t id);

// ---- tree helpers (structured_values.cpp) ----

void add_if(xml_node& parent, std::string name, const std::string& value);
void add_date(xml_node& parent, std::string name, model::wall_time t);
void add_duration(xml_node& parent, std::string name, std::int64_t seconds);
std::int64_t since(model::wall_time now, model::wall_time then);

/// The view a command asks for: `statistics` overrides the level, and the
/// level with no keyword shows the brief rows (as on Junos).
enum class view : std::uint8_t { brief, detail, extensive, statistics };

view view_of(const command& c);
/// Junos marks the reply root with the output style it was rendered in.
std::string style_of(const command& c);

/// The packet/byte table every object's statistics share (the Junos
/// "Control / Data / Errors × Tx / Rx" block).
template <class T>
void add_traffic_counters(xml_node& row, const T& x) {
  row.add("control-tx-packets", num(x.control_tx_packets));
  row.add("control-tx-bytes", num(x.control_tx_bytes));
  row.add("control-rx-packets", num(x.control_rx_packets));
  row.add("control-rx-bytes", num(x.control_rx_bytes));
  row.add("data-tx-packets", num(x.data_tx_packets));
  row.add("data-tx-bytes", num(x.data_tx_bytes));
  row.add("data-rx-packets", num(x.data_rx_packets));
  row.add("data-rx-bytes", num(x.data_rx_bytes));
  row.add("error-tx-packets", num(x.tx_errors));
  row.add("error-rx-packets", num(x.rx_errors));
}

// ---- the show objects' elements (structured_objects.cpp) ----

void add_session_group(xml_node& root, const model::tunnel_report& r, view v, model::wall_time now);
void add_tunnel(xml_node& root, const model::tunnel_snapshot& t, view v, model::wall_time now);
void add_destination(xml_node& root, const model::destination_snapshot& d, view v);
void add_summary(xml_node& root, const model::summary_snapshot& s, bool statistics);
void add_subscribers(xml_node& root, const model::subscribers_snapshot& s);

// ---- show network-access aaa ... (structured_aaa.cpp) ----

/// The reply root's element name of an aaa command.
std::string aaa_root_name(object target);

}  // namespace bras::cli::structured_detail
