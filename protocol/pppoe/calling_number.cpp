#include "protocol/pppoe/calling_number.hpp"

#include <array>

namespace bras::pppoe {

namespace {

std::string vid_text(const std::optional<std::uint16_t>& vid) {
  return vid ? std::to_string(*vid) : std::string{};
}

// The value of one placeholder name, or nullopt if the name is unknown.
std::optional<std::string> value_of(std::string_view name, const calling_number_fields& f) {
  bool qinq = f.outer_vid && f.inner_vid;
  if (name == "mac") return format_mac(f.mac);
  if (name == "interface") return f.interface;
  if (name == "vlan") return vid_text(f.outer_vid);
  if (name == "svlan") return qinq ? vid_text(f.outer_vid) : std::string{};
  if (name == "cvlan") return qinq ? vid_text(f.inner_vid) : vid_text(f.outer_vid);
  if (name == "circuit-id") return f.circuit_id;
  if (name == "remote-id") return f.remote_id;
  if (name == "session") return std::to_string(f.session_id);
  return std::nullopt;
}

// "a|b|c": the first non-empty alternative; nullopt if any name is unknown.
std::optional<std::string> expand(std::string_view body, const calling_number_fields& f) {
  std::optional<std::string> chosen;
  while (true) {
    std::size_t bar = body.find('|');
    auto value = value_of(body.substr(0, bar), f);
    if (!value) return std::nullopt;
    if (!chosen || chosen->empty()) chosen = std::move(value);
    if (bar == std::string_view::npos) break;
    body.remove_prefix(bar + 1);
  }
  return chosen;
}

bool utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0U) == 0x80U;
}

}  // namespace

std::string format_mac(const eth::mac_address& mac) {
  static constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(17);
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(digits[mac[i] >> 4]);
    out.push_back(digits[mac[i] & 0x0fU]);
  }
  return out;
}

std::string format_calling_number(std::string_view pattern, const calling_number_fields& fields) {
  std::string out;
  while (!pattern.empty()) {
    std::size_t open = pattern.find('{');
    std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
    if (close == std::string_view::npos) {
      out.append(pattern);
      break;
    }
    out.append(pattern.substr(0, open));
    std::string_view placeholder = pattern.substr(open, close - open + 1);
    if (auto value = expand(placeholder.substr(1, placeholder.size() - 2), fields)) {
      out.append(*value);
    } else {
      out.append(placeholder);  // unknown: kept as written
    }
    pattern.remove_prefix(close + 1);
  }
  if (out.size() > max_calling_number) {
    std::size_t cut = max_calling_number;
    while (cut > 0 && utf8_continuation(out[cut])) --cut;
    out.resize(cut);
  }
  return out;
}

}  // namespace bras::pppoe
