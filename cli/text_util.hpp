// Formatting shared by the Junos-style text renderers (cli/text_session.cpp,
// cli/text_tunnel.cpp, cli/text_summary.cpp): dates, durations, counters, addresses, state names and
// column padding. Header-only so bras_cli_render needs no extra source; pure
// functions of their arguments (the date uses the process's TZ through
// localtime_r, as Junos prints local time). docs/cli.md documents every rule.
#pragma once

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cli/command.hpp"
#include "cli/render.hpp"
#include "model/query.hpp"

namespace bras::cli {

/// Helpers of the text renderers only (named apart from other renderers' details).
namespace text_detail {

// ---- appenders: the listing of 100,000 sessions is built with these, into one reused buffer
// (no string per field); the value-returning forms below are for the small views ----

/// Appends the decimal digits of `value`.
inline void append_uint(std::string& out, std::uint64_t value) {
  std::array<char, 20> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), end);
}

/// Appends `value` left-aligned in `width` columns; a value as wide or wider keeps one
/// space after it, so a long name shifts the row instead of touching the next column.
inline void append_col(std::string& out, std::string_view value, std::size_t width) {
  out += value;
  out.append(value.size() < width ? width - value.size() : 1, ' ');
}

/// Appends `value` left-aligned in exactly `width` columns (no forced separator).
inline void append_ljust(std::string& out, std::string_view value, std::size_t width) {
  out += value;
  if (value.size() < width) out.append(width - value.size(), ' ');
}

/// Appends `value` right-aligned in `width` columns.
inline void append_rjust(std::string& out, std::string_view value, std::size_t width) {
  if (value.size() < width) out.append(width - value.size(), ' ');
  out += value;
}

/// Right-aligns in `width` columns what was appended to `out` since `at`.
inline void rjust_since(std::string& out, std::size_t at, std::size_t width) {
  const std::size_t written = out.size() - at;
  if (written < width) out.insert(at, width - written, ' ');
}

/// Appends `value` in decimal, right-aligned in `width` columns.
inline void append_uint_rjust(std::string& out, std::uint64_t value, std::size_t width) {
  const std::size_t at = out.size();
  append_uint(out, value);
  rjust_since(out, at, width);
}

/// Appends printf's "%5u": the Junos habit for IDs in the LAC and M Series layouts.
inline void append_pad5(std::string& out, std::uint64_t value) {
  append_uint_rjust(out, value, 5);
}

/// Appends "Label: value", or "Label:" when the value is empty: Junos prints
/// "Local IP:, Remote IP:" for absent values, with no space after the colon.
inline void append_field(std::string& out, std::string_view label, std::string_view value) {
  out += label;
  out += ':';
  if (!value.empty()) {
    out += ' ';
    out += value;
  }
}

/// Appends the dotted quad of a host-order IPv4 address; nothing for 0 (none).
inline void append_ipv4(std::string& out, std::uint32_t address) {
  if (address == 0) return;
  append_uint(out, address >> 24);
  out += '.';
  append_uint(out, (address >> 16) & 0xffu);
  out += '.';
  append_uint(out, (address >> 8) & 0xffu);
  out += '.';
  append_uint(out, address & 0xffu);
}

/// Appends "Label: a.b.c.d", or "Label:" for no address (append_field of ipv4()).
inline void append_ipv4_field(std::string& out, std::string_view label, std::uint32_t address) {
  out += label;
  out += ':';
  if (address == 0) return;
  out += ' ';
  append_ipv4(out, address);
}

/// Appends `value` as two digits at least ("07", "59", "123").
inline void append_two(std::string& out, std::int64_t value) {
  if (value < 10) out += '0';
  append_uint(out, static_cast<std::uint64_t>(value < 0 ? 0 : value));
}

/// Appends Junos' date, in local time: "Tue Aug 24 14:38:23 2010". Unlike ctime() the
/// day of the month is not padded ("Mon Aug 1 13:27:47 2011", as in the sample).
inline void append_junos_date(std::string& out, model::wall_time when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) {
    out += "N/A";
    return;
  }
  static constexpr std::array<std::string_view, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // tm fields are in range after a successful localtime_r; the modulo keeps the indexes provably in bounds.
  out += days[static_cast<std::size_t>(tm.tm_wday) % days.size()];
  out += ' ';
  out += months[static_cast<std::size_t>(tm.tm_mon) % months.size()];
  out += ' ';
  append_uint(out, static_cast<std::uint64_t>(tm.tm_mday));
  out += ' ';
  append_two(out, tm.tm_hour);
  out += ':';
  append_two(out, tm.tm_min);
  out += ':';
  append_two(out, tm.tm_sec);
  out += ' ';
  const int year = tm.tm_year + 1900;
  if (year < 0) out += '-';
  append_uint(out, static_cast<std::uint64_t>(year < 0 ? -static_cast<std::int64_t>(year) : year));
}

/// Appends "HH:MM:SS"; hours grow past 99 rather than wrap ("123:04:05"); negative
/// durations (a clock stepped back) show as 00:00:00.
inline void append_duration_hms(std::string& out, std::chrono::seconds d) {
  const std::int64_t total = d.count() < 0 ? 0 : d.count();
  append_two(out, total / 3600);
  out += ':';
  append_two(out, total / 60 % 60);
  out += ':';
  append_two(out, total % 60);
}

/// Appends a counter as Junos prints it in the Packets / Bytes tables: exact below
/// 10000, else one decimal and a decimal (10^3n) suffix k, m, g, t, p, e,
/// rounded to nearest ("29.0k" in the sample; 999950 becomes "1.0m", never "1000.0k").
inline void append_junos_count(std::string& out, std::uint64_t value) {
  if (value < 10000) {
    append_uint(out, value);
    return;
  }
  static constexpr std::array<char, 6> suffixes{'k', 'm', 'g', 't', 'p', 'e'};
  std::uint64_t unit = 1000;
  for (std::size_t i = 0; i < suffixes.size(); ++i, unit *= 1000) {
    // tenths = round(value * 10 / unit) without overflowing 64 bits: r * 10 < 10 * unit <= 10^19.
    const std::uint64_t tenths = value / unit * 10 + (value % unit * 10 + unit / 2) / unit;
    if (tenths < 10000 || i + 1 == suffixes.size()) {
      append_uint(out, tenths / 10);
      out += '.';
      append_uint(out, tenths % 10);
      out += suffixes[i];
      return;
    }
  }
}

/// Appends `value` as junos_count() prints it, right-aligned in `width` columns.
inline void append_junos_count_rjust(std::string& out, std::uint64_t value, std::size_t width) {
  const std::size_t at = out.size();
  append_junos_count(out, value);
  rjust_since(out, at, width);
}

// ---- the same as values ----

/// `value` left-aligned in `width` columns (append_col).
[[nodiscard]] inline std::string col(std::string_view value, std::size_t width) {
  std::string out;
  append_col(out, value, width);
  return out;
}

/// `value` left-aligned in exactly `width` columns (no forced separator).
[[nodiscard]] inline std::string ljust(std::string_view value, std::size_t width) {
  std::string out;
  append_ljust(out, value, width);
  return out;
}

/// `value` right-aligned in `width` columns.
[[nodiscard]] inline std::string rjust(std::string_view value, std::size_t width) {
  std::string out;
  append_rjust(out, value, width);
  return out;
}

/// `value` right-aligned in `width` columns, keeping at least one space before
/// it so a value that fills the column never runs into the previous one.
[[nodiscard]] inline std::string rcol(std::string_view value, std::size_t width) {
  return value.size() < width ? rjust(value, width) : ' ' + std::string(value);
}

/// printf's "%5u".
[[nodiscard]] inline std::string pad5(std::uint64_t value) {
  std::string out;
  append_pad5(out, value);
  return out;
}

/// "Label: value", or "Label:" when the value is empty.
[[nodiscard]] inline std::string field(std::string_view label, std::string_view value) {
  std::string out;
  append_field(out, label, value);
  return out;
}

/// Dotted quad of a host-order IPv4 address; "" for 0 (none).
[[nodiscard]] inline std::string ipv4(std::uint32_t address) {
  std::string out;
  append_ipv4(out, address);
  return out;
}

/// "a.b.c.d:port" (Junos prints tunnel endpoints with the UDP port); "" when unknown.
[[nodiscard]] inline std::string endpoint(const model::udp_peer& peer) {
  if (peer.address == 0 && peer.port == 0) return {};
  std::string address = peer.address == 0 ? std::string("0.0.0.0") : ipv4(peer.address);
  return address + ':' + std::to_string(peer.port);
}

/// Junos' date, in local time (append_junos_date).
[[nodiscard]] inline std::string junos_date(model::wall_time when) {
  std::string out;
  append_junos_date(out, when);
  return out;
}

/// "HH:MM:SS" (append_duration_hms).
[[nodiscard]] inline std::string duration_hms(std::chrono::seconds d) {
  std::string out;
  append_duration_hms(out, d);
  return out;
}

/// Time from `since` to `now` as HH:MM:SS.
[[nodiscard]] inline std::string elapsed(model::wall_time since, model::wall_time now) {
  return duration_hms(std::chrono::duration_cast<std::chrono::seconds>(now - since));
}

/// A counter as Junos prints it in the Packets / Bytes tables (append_junos_count).
[[nodiscard]] inline std::string junos_count(std::uint64_t value) {
  std::string out;
  append_junos_count(out, value);
  return out;
}

/// Appends Junos' session state for an RFC 2661 state string (l2tp::to_string(session_state)).
/// LNS: lns-ic-* (the Junos names); LAC: lac-ic-* by analogy (Junos shows only
/// Established on the LAC). Unknown strings pass through so a new state is never hidden.
inline void append_session_state(std::string& out, std::string_view rfc, bool lac) {
  if (rfc == "established") {
    out += "Established";
    return;
  }
  if (rfc == "idle" || rfc == "wait-tunnel" || rfc == "wait-reply" || rfc == "wait-connect") {
    out += lac ? "lac-ic-" : "lns-ic-";
  }
  out += rfc;  // "destroyed" and unknown states as they are
}

/// Junos' session state as a value (append_session_state).
[[nodiscard]] inline std::string session_state_name(std::string_view rfc, bool lac) {
  std::string out;
  append_session_state(out, rfc, lac);
  return out;
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

/// Appends the PPP authentication protocol by its PPP protocol number.
inline void append_auth_name(std::string& out, std::uint16_t protocol) {
  switch (protocol) {
    case 0: out += "None"; return;
    case 0xc023: out += "PAP"; return;
    case 0xc223: out += "CHAP"; return;
    case 0xc227: out += "EAP"; return;
    default: {
      // Something brasd does not negotiate today: show the number rather than guess a name.
      static constexpr std::string_view digits = "0123456789abcdef";
      std::array<char, 6> hex{'0', 'x', '0', '0', '0', '0'};
      for (std::size_t i = 0; i < 4; ++i) hex[5 - i] = digits[(protocol >> (4 * i)) & 0xfu];
      out.append(hex.data(), hex.size());
      return;
    }
  }
}

/// The PPP authentication protocol's name as a value (append_auth_name).
[[nodiscard]] inline std::string auth_name(std::uint16_t protocol) {
  std::string out;
  append_auth_name(out, protocol);
  return out;
}

/// On / Off, or N/A when the setting does not apply (LCP renegotiation on the LAC).
[[nodiscard]] inline const char* on_off_name(std::optional<bool> value) {
  if (!value) return "N/A";
  return *value ? "On" : "Off";
}

/// on_off_name as a std::string, for concatenation.
[[nodiscard]] inline std::string on_off(std::optional<bool> value) {
  return on_off_name(value);
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
  out += "      ";
  append_ljust(out, row.label, 10);
  append_junos_count_rjust(out, row.packets, 15);
  if (row.bytes) append_junos_count_rjust(out, *row.bytes, 13);
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
    out += row.label;
    out += " \t\t";
    append_junos_count(out, row.packets);
    if (row.bytes) {
      out += " \t\t\t";
      append_junos_count(out, *row.bytes);
    }
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

/// The lines a show reply ends with when shards or tunnels did not answer in time.
[[nodiscard]] inline std::string snapshot_warnings(const model::query_snapshot& s) {
  return shards_warning(s.shards_missing, "the output may be incomplete") +
         shards_warning(s.tunnels_missing, "the output may be incomplete", "tunnel");
}

/// `show services l2tp session ...` in text (cli/text_session.cpp); render_text dispatches here.
[[nodiscard]] std::string render_sessions(const command& c, const model::query_snapshot& s, const render_options& o);

/// The same listing session by session (cli/text_session.cpp), for render_stream: 100,000
/// sessions' text is appended in parts to a reused buffer, never built as one string. Holds
/// references: the command, the snapshot and the options must outlive it.
class session_listing {
 public:
  session_listing(const command& c, const model::query_snapshot& s, const render_options& o);
  /// Appends whole sessions to `out` until it has grown by at least `want` bytes or the
  /// listing ends; false when nothing was left to append.
  bool next(std::string& out, std::size_t want);

 private:
  const command& command_;
  const model::query_snapshot& snapshot_;
  const render_options& options_;
  bool rows_;               ///< one row per session (standard, brief), not a block
  std::size_t tunnel_ = 0;  ///< the next session: snapshot_.tunnels[tunnel_].sessions[session_]
  std::size_t session_ = 0;
  bool any_ = false;         ///< a group was written (the next one needs a blank line)
  bool group_open_ = false;  ///< the current tunnel's group has its header
  std::uint8_t group_style_ = 0;
  std::string_view group_interface_;  ///< M Series groups are per tunnel and interface

 public:
  /// The dates rendered last (time_t, text): consecutive sessions mostly share their second.
  struct date_memo {
    std::array<std::pair<std::int64_t, std::string>, 2> recent{
        {{std::numeric_limits<std::int64_t>::min(), {}}, {std::numeric_limits<std::int64_t>::min(), {}}}};
    std::size_t next = 0;
  };

 private:
  date_memo dates_;
};
/// `show services l2tp tunnel ...` in text (cli/text_tunnel.cpp).
[[nodiscard]] std::string render_tunnels(const command& c, const model::query_snapshot& q);
/// `show services l2tp destination ...` in text (cli/text_tunnel.cpp).
[[nodiscard]] std::string render_destinations(const command& c, const model::query_snapshot& q);

}  // namespace text_detail
}  // namespace bras::cli
