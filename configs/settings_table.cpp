#include "configs/settings_table.hpp"

#include <optional>
#include <type_traits>

#include "configs/yaml_walker.hpp"

namespace bras::config {

namespace {

/// The choice at `index` of "a|b|c".
std::string_view choice_at(std::string_view choices, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i) choices.remove_prefix(std::min(choices.size(), choices.find('|') + 1));
  return choices.substr(0, choices.find('|'));
}

/// The index of `value` in "a|b|c", or -1.
int choice_index(std::string_view choices, std::string_view value) {
  for (int i = 0;; ++i) {
    auto bar = choices.find('|');
    if (choices.substr(0, bar) == value) return i;
    if (bar == std::string_view::npos) return -1;
    choices.remove_prefix(bar + 1);
  }
}

/// A choice key: the text must be one of `choices`; a string member keeps the
/// text, an enum member the index. An absent key is checked too (its default).
template <class T>
void apply_choice(const YAML::Node& n, const std::string& path, const yaml_walker& w, const char* key, T& out,
                  std::string_view choices, std::string_view reason) {
  std::string value;
  if constexpr (std::is_enum_v<T>) {
    // An enum's key, when present, must not be empty (the walker's "must not be empty").
    value = n[key] ? w.required_text(n, path, key) : std::string{choice_at(choices, static_cast<std::size_t>(out))};
  } else {
    value = out;
    w.text(n, path, key, value);
  }
  const int index = choice_index(choices, value);
  if (index < 0) {
    std::string why{reason};
    if (auto at = why.find("{}"); at != std::string::npos) why.replace(at, 2, value);
    w.fail(n[key], yaml_walker::join(path, key), why);
  }
  if constexpr (std::is_enum_v<T>) {
    out = static_cast<T>(index);
  } else {
    out = value;
  }
}

template <class T>
constexpr bool is_optional = false;
template <class T>
constexpr bool is_optional<std::optional<T>> = true;

/// An integer key; an optional member is set only when the key is present.
template <class T>
void read_integer(const YAML::Node& n, const std::string& path, const yaml_walker& w, const char* key, T& out,
                  long long min, long long max) {
  if constexpr (is_optional<T>) {
    w.optional_number(n, path, key, out, min, max);
  } else {
    w.number(n, path, key, out, min, max);
  }
}

/// A duration key in the member's unit; an optional member is set only when the key is present.
template <class T>
void read_duration(const YAML::Node& n, const std::string& path, const yaml_walker& w, const char* key, T& out,
                   long long min, long long max) {
  if constexpr (is_optional<T>) {
    w.optional_span(n, path, key, out, min, max);
  } else {
    w.span(n, path, key, out, min, max);
  }
}

template <class T>
std::string show_number(const T& v) {
  if constexpr (is_optional<T>) {
    return v ? show_number(*v) : std::string{};
  } else if constexpr (requires { v.count(); }) {
    return std::to_string(v.count());
  } else {
    return std::to_string(v);
  }
}

template <class T>
std::string show_choice(const T& v, std::string_view choices) {
  if constexpr (std::is_enum_v<T>) {
    return std::string{choice_at(choices, static_cast<std::size_t>(v))};
  } else {
    return v;
  }
}

// Each table's rows fill BRAS_CONFIG_TARGET.
// clang-format off
#define BRAS_CONFIG_INTEGER(section, key, member, value, min, max, help) \
  {section, key, setting_kind::integer, value, min, max, {}, help, \
   [](const YAML::Node& n, const std::string& p, const yaml_walker& w, BRAS_CONFIG_TARGET& s) { read_integer(n, p, w, key, s.member, min, max); }, \
   [](const BRAS_CONFIG_TARGET& s) { return show_number(s.member); }},
#define BRAS_CONFIG_DURATION(section, key, member, value, min, max, help) \
  {section, key, setting_kind::duration, value, min, max, {}, help, \
   [](const YAML::Node& n, const std::string& p, const yaml_walker& w, BRAS_CONFIG_TARGET& s) { read_duration(n, p, w, key, s.member, min, max); }, \
   [](const BRAS_CONFIG_TARGET& s) { return show_number(s.member); }},
#define BRAS_CONFIG_FLAG(section, key, member, value, help) \
  {section, key, setting_kind::flag, value, 0, 0, {}, help, \
   [](const YAML::Node& n, const std::string& p, const yaml_walker& w, BRAS_CONFIG_TARGET& s) { w.flag(n, p, key, s.member); }, \
   [](const BRAS_CONFIG_TARGET& s) { return std::string{s.member ? "true" : "false"}; }},
#define BRAS_CONFIG_TEXT(section, key, member, value, help) \
  {section, key, setting_kind::text, value, 0, 0, {}, help, \
   [](const YAML::Node& n, const std::string& p, const yaml_walker& w, BRAS_CONFIG_TARGET& s) { w.text(n, p, key, s.member); }, \
   [](const BRAS_CONFIG_TARGET& s) { return std::string{s.member}; }},
#define BRAS_CONFIG_CHOICE(section, key, member, value, choices, reason, help) \
  {section, key, setting_kind::choice, value, 0, 0, choices, help, \
   [](const YAML::Node& n, const std::string& p, const yaml_walker& w, BRAS_CONFIG_TARGET& s) { apply_choice(n, p, w, key, s.member, choices, reason); }, \
   [](const BRAS_CONFIG_TARGET& s) { return show_choice(s.member, choices); }},
#define BRAS_CONFIG_ROWS(list) list(BRAS_CONFIG_INTEGER, BRAS_CONFIG_DURATION, BRAS_CONFIG_FLAG, BRAS_CONFIG_TEXT, BRAS_CONFIG_CHOICE)

#define BRAS_CONFIG_TARGET settings
constexpr setting_row rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET local_gateway
constexpr basic_setting_row<local_gateway> gateway_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_GATEWAY_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET tunnel_group
constexpr basic_setting_row<tunnel_group> tunnel_group_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_TUNNEL_GROUP_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET lac_client
constexpr basic_setting_row<lac_client> client_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_CLIENT_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET lns_destination
constexpr basic_setting_row<lns_destination> destination_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_DESTINATION_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET subscriber
constexpr basic_setting_row<subscriber> subscriber_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_SUBSCRIBER_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET tunnel_profile
constexpr basic_setting_row<tunnel_profile> tunnel_profile_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_TUNNEL_PROFILE_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET access_interface
constexpr basic_setting_row<access_interface> access_interface_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_ACCESS_INTERFACE_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET pppoe_vlan
constexpr basic_setting_row<pppoe_vlan> pppoe_vlan_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_PPPOE_VLAN_SETTINGS)};
#undef BRAS_CONFIG_TARGET
#define BRAS_CONFIG_TARGET pado_delay_step
constexpr basic_setting_row<pado_delay_step> pado_delay_rows[] = {BRAS_CONFIG_ROWS(BRAS_CONFIG_PADO_DELAY_SETTINGS)};
#undef BRAS_CONFIG_TARGET

#undef BRAS_CONFIG_ROWS
#undef BRAS_CONFIG_INTEGER
#undef BRAS_CONFIG_DURATION
#undef BRAS_CONFIG_FLAG
#undef BRAS_CONFIG_TEXT
#undef BRAS_CONFIG_CHOICE
// clang-format on

}  // namespace

std::span<const setting_row> setting_rows() noexcept {
  return rows;
}

template <>
std::span<const basic_setting_row<local_gateway>> entry_rows() noexcept {
  return gateway_rows;
}
template <>
std::span<const basic_setting_row<tunnel_group>> entry_rows() noexcept {
  return tunnel_group_rows;
}
template <>
std::span<const basic_setting_row<lac_client>> entry_rows() noexcept {
  return client_rows;
}
template <>
std::span<const basic_setting_row<lns_destination>> entry_rows() noexcept {
  return destination_rows;
}
template <>
std::span<const basic_setting_row<subscriber>> entry_rows() noexcept {
  return subscriber_rows;
}

template <>
std::span<const basic_setting_row<tunnel_profile>> entry_rows() noexcept {
  return tunnel_profile_rows;
}
template <>
std::span<const basic_setting_row<access_interface>> entry_rows() noexcept {
  return access_interface_rows;
}
template <>
std::span<const basic_setting_row<pppoe_vlan>> entry_rows() noexcept {
  return pppoe_vlan_rows;
}
template <>
std::span<const basic_setting_row<pado_delay_step>> entry_rows() noexcept {
  return pado_delay_rows;
}

}  // namespace bras::config
