// Walking a YAML document with errors that name file, line and key path.
// Shared by the configuration and the subscriber file loaders. yaml-cpp
// throws; everything here is caught by load_yaml(), so nothing escapes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <exception>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "configs/config.hpp"

namespace bras::config {

/// Thrown only between a yaml_walker and load_yaml(), to unwind with the first error.
struct yaml_failure {
  load_error error;
};

class yaml_walker {
 public:
  explicit yaml_walker(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& reason) const {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    throw yaml_failure{{file_, line, path, reason}};
  }

  /// Rejects keys other than `allowed`, so typos fail instead of being
  /// ignored, and repeated keys (yaml-cpp would keep both).
  void only(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    only(map, path, std::vector<std::string_view>{allowed});
  }
  void only(const YAML::Node& map, const std::string& path, const std::vector<std::string_view>& allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping");
    std::set<std::string> seen;
    for (const auto& kv : map) {
      auto key = kv.first.as<std::string>();
      bool ok = false;
      for (auto a : allowed) ok = ok || a == key;
      if (!ok) fail(kv.first, join(path, key), "unknown key");
      if (!seen.insert(key).second) fail(kv.first, join(path, key), "repeated key");
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string{key} : path + "." + std::string{key};
  }

  /// The key node of `key` in `map`, for its line (yaml-cpp marks an empty
  /// value at the next token, which may be lines later).
  static YAML::Node key_node(const YAML::Node& map, std::string_view key) {
    for (const auto& kv : map) {
      if (kv.first.as<std::string>() == key) return kv.first;
    }
    return map;
  }

  template <class T>
  void number(const YAML::Node& map, const std::string& path, const char* key, T& out, long long min,
              long long max) const {
    auto n = map[key];
    if (!n) return;
    if (n.IsNull()) fail(key_node(map, key), join(path, key), "expected an integer");
    long long v = 0;
    try {
      v = n.as<long long>();
    } catch (const YAML::Exception&) {
      fail(n, join(path, key), "expected an integer");
    }
    if (v < min || v > max) {
      fail(n, join(path, key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<T>(v);
  }

  template <class T>
  void optional_number(const YAML::Node& map, const std::string& path, const char* key, std::optional<T>& out,
                       long long min, long long max) const {
    if (!map[key]) return;
    T v{};
    number(map, path, key, v, min, max);
    out = v;
  }

  template <class Duration>
  void span(const YAML::Node& map, const std::string& path, const char* key, Duration& out, long long min,
            long long max) const {
    long long v = out.count();
    number(map, path, key, v, min, max);
    out = Duration{v};
  }

  template <class Duration>
  void optional_span(const YAML::Node& map, const std::string& path, const char* key, std::optional<Duration>& out,
                     long long min, long long max) const {
    if (!map[key]) return;
    Duration d{};
    span(map, path, key, d, min, max);
    out = d;
  }

  /// An optional string: `out` keeps its value when the key is absent.
  void text(const YAML::Node& map, const std::string& path, const char* key, std::string& out) const {
    auto n = map[key];
    if (!n) return;
    if (n.IsNull()) fail(key_node(map, key), join(path, key), "expected a string");
    if (!n.IsScalar()) fail(n, join(path, key), "expected a string");
    out = n.as<std::string>();
  }

  /// A required, non-empty string.
  std::string required_text(const YAML::Node& map, const std::string& path, const char* key) const {
    if (!map[key]) fail(map, join(path, key), "required");
    std::string s;
    text(map, path, key, s);
    if (s.empty()) fail(map[key], join(path, key), "must not be empty");
    return s;
  }

  void flag(const YAML::Node& map, const std::string& path, const char* key, bool& out) const {
    auto n = map[key];
    if (!n) return;
    try {
      out = n.as<bool>();
    } catch (const YAML::Exception&) {
      fail(n, join(path, key), "expected true or false");
    }
  }

  void ipv4(const YAML::Node& map, const std::string& path, const char* key, std::string& out) const {
    text(map, path, key, out);
    if (map[key] && !parse_ipv4(out)) fail(map[key], join(path, key), "not an IPv4 address: " + out);
  }

  template <class F>
  void list(const YAML::Node& map, const std::string& path, const char* key, F&& each) const {
    auto n = map[key];
    if (!n || n.IsNull()) return;
    if (!n.IsSequence()) fail(n, join(path, key), "expected a list");
    for (std::size_t i = 0; i < n.size(); ++i) each(n[i], join(path, key) + "[" + std::to_string(i) + "]");
  }

 private:
  std::string file_;
};

/// One subscriber entry (user, password, address, timeouts, max-sessions), shared by the
/// inline `aaa.subscribers` list and the subscribers file. Duplicate checks are the caller's.
[[nodiscard]] subscriber parse_subscriber(const YAML::Node& n, const std::string& path, const yaml_walker& w);

/// Parses `yaml` and runs `parse(root, walker)`; any error becomes a load_error.
template <class T, class Parse>
std::variant<T, load_error> load_yaml(std::string_view yaml, std::string_view file_name, Parse&& parse) {
  yaml_walker w{std::string{file_name}};
  try {
    YAML::Node root = YAML::Load(std::string{yaml});
    return parse(root, w);
  } catch (const yaml_failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return load_error{std::string{file_name}, e.mark.line + 1, "", e.msg};
  } catch (const std::exception& e) {  // std::bad_alloc: nothing may escape
    return load_error{std::string{file_name}, 0, "", e.what()};
  }
}

}  // namespace bras::config
