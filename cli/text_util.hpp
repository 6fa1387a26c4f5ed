// Formatting shared by the Junos-style text renderers (cli/text_session.cpp,
// cli/text_tunnel.cpp, cli/text_summary.cpp): dates, durations, counters, addresses, state names and
// column padding. Header-only so bras_cli_render needs no extra source; pure
// functions of their arguments (the date uses the process's TZ through
// localtime_r, as Junos prints local time). docs/cli.md documents every rule.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "cli/render.hpp"
#include "model/query.hpp"

namespace bras::cli {

/// Helpers of the text renderers only (named apart from other renderers' details).
namespace text_detail {

/// `value` left-aligned in `width` columns; a value as wide or wider keeps one
/// space after it, so a long name shifts the row instead of touching the next column.
[[nodiscard]] inline std::string col(std::string_view value, std::size_t width) {
  std::string out(value);
  out.append(value.size() < width ? width - value.size() : 1, ' ');
  return out;
}

/// `value` left-aligned in exactly `width` columns (no forced separator).
[[nodiscard]] inline std::string ljust(std::string_view value, std::size_t width) {
  std::string out(value);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

/// `value` right-aligned in `width` columns.
[[nodiscard]] inline std::string rjust(std::string_view value, std::size_t width) {
  std::string out;
  if (value.size() < width) out.assign(width - value.size(), ' ');
  out += value;
  return out;
}

/// `value` right-aligned in `width` columns, keeping at least one space before
/// it so a value that fills the column never runs into the previous one.
[[nodiscard]] inline std::string rcol(std::string_view value, std::size_t width) {
  return value.size() < width ? rjust(value, width) : ' ' + std::string(value);
}

/// printf's "%5u": the Junos habit for IDs in the LAC and M Series layouts.
[[nodiscard]] inline std::string pad5(std::uint64_t value) {
  return rjust(std::to_string(value), 5);
}

/// "Label: value", or "Label:" when the value is empty: Junos prints
/// "Local IP:, Remote IP:" for absent values, with no space after the colon.
[[nodiscard]] inline std::string field(std::string_view label, std::string_view value) {
  std::string out(label);
  out += ':';
  if (!value.empty()) {
    out += ' ';
    out += value;
  }
  return out;
}

/// Dotted quad of a host-order IPv4 address; "" for 0 (none).
[[nodiscard]] inline std::string ipv4(std::uint32_t address) {
  if (address == 0) return {};
  return std::to_string(address >> 24) + '.' + std::to_string((address >> 16) & 0xffu) + '.' +
         std::to_string((address >> 8) & 0xffu) + '.' + std::to_string(address & 0xffu);
}

/// "a.b.c.d:port" (Junos prints tunnel endpoints with the UDP port); "" when unknown.
[[nodiscard]] inline std::string endpoint(const model::udp_peer& peer) {
  if (peer.address == 0 && peer.port == 0) return {};
  std::string address = peer.address == 0 ? std::string("0.0.0.0") : ipv4(peer.address);
  return address + ':' + std::to_string(peer.port);
}

/// Junos' date, in local time: "Tue Aug 24 14:38:23 2010". Unlike ctime() the
/// day of the month is not padded ("Mon Aug 1 13:27:47 2011", as in the sample).
[[nodiscard]] inline std::string junos_date(model::wall_time when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return "N/A";
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto two = [](int v) { return (v < 10 ? std::string("0") : std::string()) + std::to_string(v); };
  // tm fields are in range after a successful localtime_r; the modulo keeps the indexes provably in bounds.
  return std::string(days[static_cast<std::size_t>(tm.tm_wday) % days.size()]) + ' ' +
         months[static_cast<std::size_t>(tm.tm_mon) % months.size()] + ' ' + std::to_string(tm.tm_mday) + ' ' +
         two(tm.tm_hour) + ':' + two(tm.tm_min) + ':' + two(tm.tm_sec) + ' ' + std::to_string(tm.tm_year + 1900);
}

/// "HH:MM:SS"; hours grow past 99 rather than wrap ("123:04:05"); negative
/// durations (a clock stepped back) show as 00:00:00.
[[nodiscard]] inline std::string duration_hms(std::chrono::seconds d) {
  const std::int64_t total = d.count() < 0 ? 0 : d.count();
  const auto two = [](std::int64_t v) { return (v < 10 ? std::string("0") : std::string()) + std::to_string(v); };
  return two(total / 3600) + ':' + two(total / 60 % 60) + ':' + two(total % 60);
}

/// Time from `since` to `now` as HH:MM:SS.
[[nodiscard]] inline std::string elapsed(model::wall_time since, model::wall_time now) {
  return duration_hms(std::chrono::duration_cast<std::chrono::seconds>(now - since));
}

/// A counter as Junos prints it in the Packets / Bytes tables: exact below
/// 10000, else one decimal and a decimal (10^3n) suffix k, m, g, t, p, e,
/// rounded to nearest ("29.0k" in the sample; 999950 becomes "1.0m", never "1000.0k").
[[nodiscard]] inline std::string junos_count(std::uint64_t value) {
  if (value < 10000) return std::to_string(value);
  static constexpr std::array<char, 6> suffixes{'k', 'm', 'g', 't', 'p', 'e'};
  std::uint64_t unit = 1000;
  for (std::size_t i = 0; i < suffixes.size(); ++i, unit *= 1000) {
    // tenths = round(value * 10 / unit) without overflowing 64 bits: r * 10 < 10 * unit <= 10^19.
    const std::uint64_t tenths = value / unit * 10 + (value % unit * 10 + unit / 2) / unit;
    if (tenths < 10000 || i + 1 == suffixes.size()) {
      return std::to_string(tenths / 10) + '.' + std::to_string(tenths % 10) + suffixes[i];
    }
  }
  return std::to_string(value);  // unreachable: the last suffix always returns
}

/// Junos' session state for an RFC 2661 state string (l2tp::to_string(session_state)).
/// LNS: lns-ic-* (the Junos names); LAC: lac-ic-* by analogy (Junos shows only
/// Established on the LAC). Unknown strings pass through so a new state is never hidden.
[[nodiscard]] inline std::string session_state_name(std::string_view rfc, bool lac) {
  if (rfc == "established") return "Established";
  if (rfc == "destroyed") return "destroyed";
  const std::string prefix = lac ? "lac-ic-" : "lns-ic-";
  if (rfc == "idle" || rfc == "wait-tunnel" || rfc == "wait-reply" || rfc == "wait-connect") {
    return prefix + std::string(rfc);
  }
  return std::string(rfc);
}

/// Junos' tunnel state for an RFC 2661 tunnel state (l2tp::to_string(tunnel_state)):
/// cc-responder-* on the LNS (the Junos names), cc-initiator-* on the LAC;
/// closing (StopCCN sent or received, state held) is Junos' "closed".
[[nodiscard]] inline std::string tunnel_state_name(std::string_view rfc, bool lac) {
  if (rfc == "established") return "Established";
  if (rfc == "closing") return "closed";
  if (rfc == "destroyed") return "destroyed";
  const std::string prefix = lac ? "cc-initiator-" : "cc-responder-";
  if (rfc == "idle" || rfc == "wait-ctl-reply" || rfc == "wait-ctl-conn") return prefix + std::string(rfc);
  return std::string(rfc);
}

/// The PPP authentication protocol by its PPP protocol number.
[[nodiscard]] inline std::string auth_name(std::uint16_t protocol) {
  switch (protocol) {
    case 0: return "None";
    case 0xc023: return "PAP";
    case 0xc223: return "CHAP";
    case 0xc227: return "EAP";
    default: {
      // Something brasd does not negotiate today: show the number rather than guess a name.
      static constexpr std::string_view digits = "0123456789abcdef";
      std::string hex = "0x0000";
      for (std::size_t i = 0; i < 4; ++i) hex[5 - i] = digits[(protocol >> (4 * i)) & 0xfu];
      return hex;
    }
  }
}

/// On / Off, or N/A when the setting does not apply (LCP renegotiation on the LAC).
[[nodiscard]] inline std::string on_off(std::optional<bool> value) {
  if (!value) return "N/A";
  return *value ? "On" : "Off";
}

/// Enabled / Disabled, the summary's habit.
[[nodiscard]] inline const char* enabled(bool value) {
  return value ? "Enabled" : "Disabled";
}

/// One row of a Packets / Bytes table; `bytes` absent for the error rows.
struct counter_row {
  std::string_view label;
  std::uint64_t packets = 0;
  std::optional<std::uint64_t> bytes;
};

/// One row of the table below (brasd appends rows of its own under the Junos ones).
inline void append_counter_row(std::string& out, const counter_row& row) {
  out += "      " + ljust(row.label, 10) + rjust(junos_count(row.packets), 15);
  if (row.bytes) out += rjust(junos_count(*row.bytes), 13);
  out += '\n';
}

/// The aligned Packets / Bytes table of the session extensive samples
/// (labels at column 6, packets ending at column 30, bytes at 43).
inline void append_counter_table(std::string& out, std::initializer_list<counter_row> rows) {
  out += "                        Packets        Bytes\n";
  for (const auto& row : rows) append_counter_row(out, row);
}

/// The Control / Data / Errors table of any snapshot that carries the shared
/// traffic counters (session, destination, summary).
template <class Snapshot>
inline void append_traffic_table(std::string& out, const Snapshot& x) {
  append_counter_table(out, {{"Control Tx", x.control_tx_packets, x.control_tx_bytes},
                             {"Control Rx", x.control_rx_packets, x.control_rx_bytes},
                             {"Data Tx", x.data_tx_packets, x.data_tx_bytes},
                             {"Data Rx", x.data_rx_packets, x.data_rx_bytes},
                             {"Errors Tx", x.tx_errors, std::nullopt},
                             {"Errors Rx", x.rx_errors, std::nullopt}});
}

/// The tab-separated table of the MX `statistics` sample (tabs and the
/// trailing spaces after "Packets" and "Bytes" as on the page).
inline void append_tab_table(std::string& out, std::initializer_list<counter_row> rows) {
  out += "\t\t\t\tPackets \t\tBytes \n";
  for (const auto& row : rows) {
    out += std::string(row.label) + " \t\t" + junos_count(row.packets);
    if (row.bytes) out += " \t\t\t" + junos_count(*row.bytes);
    out += '\n';
  }
}

/// Appends `block` to `out`, with a blank line between blocks (Junos separates
/// per-object blocks, as in the M Series extensive sample).
inline void append_block(std::string& out, const std::string& block) {
  if (block.empty()) return;
  if (!out.empty()) out += '\n';
  out += block;
}

/// The line added when shards did not answer in time, so a partial answer is never taken for a whole one.
[[nodiscard]] inline std::string shards_warning(std::size_t missing, std::string_view consequence,
                                                std::string_view what = "shard") {
  if (missing == 0) return {};
  return "warning: " + std::to_string(missing) + " " + std::string(what) + (missing == 1 ? "" : "s") +
         " did not answer in time; " + std::string(consequence) + '\n';
}

/// `show services l2tp session ...` in text (cli/text_session.cpp); render_text dispatches here.
[[nodiscard]] std::string render_sessions(const command& c, const model::query_snapshot& s, const render_options& o);
/// `show services l2tp tunnel ...` in text (cli/text_tunnel.cpp).
[[nodiscard]] std::string render_tunnels(const command& c, const model::query_snapshot& q);
/// `show services l2tp destination ...` in text (cli/text_tunnel.cpp).
[[nodiscard]] std::string render_destinations(const command& c, const model::query_snapshot& q);

}  // namespace text_detail
}  // namespace bras::cli
