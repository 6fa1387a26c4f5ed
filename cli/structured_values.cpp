// Value formatting and tree helpers shared by the structured views' element
// builders (structured_objects.cpp, structured.cpp).
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "cli/structured_tree.hpp"

namespace bras::cli::structured_detail {

using model::wall_time;

constexpr std::string_view hex_digits = "0123456789abcdef";

// ---- values ----

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

std::string ipv4(std::uint32_t a) {
  return num(a >> 24) + "." + num((a >> 16) & 0xffu) + "." + num((a >> 8) & 0xffu) + "." + num(a & 0xffu);
}

namespace {

std::string two_digits(std::int64_t v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

std::int64_t epoch_seconds(wall_time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

/// Junos puts absolute times in XML as "YYYY-MM-DD HH:MM:SS UTC" (in UTC so
/// output does not depend on the daemon's time zone).
std::string format_date(wall_time t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  char buffer[40];
  if (gmtime_r(&tt, &utc) == nullptr || std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc) == 0) {
    return std::to_string(epoch_seconds(t));
  }
  return buffer;
}

/// Elapsed times as HH:MM:SS like the text views; hours are not wrapped.
std::string format_duration(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;  // a clock step back must not print garbage
  return two_digits(seconds / 3600) + ":" + two_digits(seconds / 60 % 60) + ":" + two_digits(seconds % 60);
}

std::string on_off(bool b) {
  return b ? "On" : "Off";
}
std::string enabled(bool b) {
  return b ? "Enabled" : "Disabled";
}

std::string authentication(std::uint16_t protocol) {
  switch (protocol) {
    case 0: return "None";
    case 0xc023: return "PAP";
    case 0xc223: return "CHAP";
    default: break;
  }
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(protocol >> shift) & 0xfu];
  return out;
}

/// The 64-bit IPv6CP interface identifier in the usual four-group form.
std::string interface_id(std::uint64_t id) {
  std::string out;
  for (int group = 3; group >= 0; --group) {
    const auto bits = static_cast<unsigned>((id >> (group * 16)) & 0xffffu);
    std::string part;
    for (int shift = 12; shift >= 0; shift -= 4) part += hex_digits[(bits >> shift) & 0xfu];
    const auto first = part.find_first_not_of('0');
    out += first == std::string::npos ? "0" : part.substr(first);
    if (group != 0) out += ':';
  }
  return out;
}

// ---- tree helpers ----

void add_if(xml_node& parent, std::string name, const std::string& value) {
  if (!value.empty()) parent.add(std::move(name), value);
}

void add_date(xml_node& parent, std::string name, wall_time t) {
  parent.add(std::move(name), format_date(t)).attributes.emplace_back("junos:seconds", num(epoch_seconds(t)));
}

void add_duration(xml_node& parent, std::string name, std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  parent.add(std::move(name), format_duration(seconds)).attributes.emplace_back("junos:seconds", num(seconds));
}

std::int64_t since(wall_time now, wall_time then) {
  return std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
}

view view_of(const command& c) {
  if (c.statistics) return view::statistics;
  switch (c.detail) {
    case level::standard:
    case level::brief: return view::brief;
    case level::detail: return view::detail;
    case level::extensive: return view::extensive;
  }
  return view::brief;
}

/// Junos marks the reply root with the output style it was rendered in.
std::string style_of(const command& c) {
  if (c.statistics) return "statistics";
  switch (c.detail) {
    case level::standard: return "normal";
    case level::brief: return "brief";
    case level::detail: return "detail";
    case level::extensive: return "extensive";
  }
  return "normal";
}

}  // namespace bras::cli::structured_detail
