#include "actors/subscribers.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "protocol/common/bytes.hpp"
#include "protocol/ppp/auth.hpp"

namespace bras::actors {

bool subscriber_db::add(subscriber s) {
  auto name = s.user;
  return by_user_.try_emplace(std::move(name), std::move(s)).second;
}

const subscriber* subscriber_db::find(std::string_view user) const {
  auto it = by_user_.find(user);
  return it == by_user_.end() ? nullptr : &it->second;
}

verdict subscriber_db::check_pap(std::string_view user, std::string_view password) const {
  const subscriber* s = find(user);
  if (!s) return verdict::reject_unknown_user;
  return constant_time_equal(wire::as_bytes(s->password), wire::as_bytes(password)) ? verdict::accept
                                                                                    : verdict::reject_bad_password;
}

verdict subscriber_db::check_chap_md5(std::string_view user, std::uint8_t id, std::span<const std::byte> challenge,
                                      std::span<const std::byte> response) const {
  const subscriber* s = find(user);
  if (!s) return verdict::reject_unknown_user;
  auto expected = ppp::chap_md5_response(id, wire::as_bytes(s->password), challenge);
  // Fails closed: without MD5 nobody gets in.
  if (!expected) return verdict::reject_bad_password;
  return constant_time_equal(*expected, response) ? verdict::accept : verdict::reject_bad_password;
}

bool constant_time_equal(std::span<const std::byte> expected, std::span<const std::byte> supplied) noexcept {
  // Accumulates every difference instead of stopping at the first one.
  unsigned diff = expected.size() == supplied.size() ? 0u : 1u;
  for (std::size_t i = 0; i < supplied.size(); ++i) {
    const std::byte e = i < expected.size() ? expected[i] : std::byte{0};
    diff |= std::to_integer<unsigned>(e ^ supplied[i]);
  }
  return diff == 0;
}

namespace {

/// Thrown only inside this file, to unwind to load_subscribers() with the first error.
struct file_failure {
  config::load_error error;
};

/// Walks the YAML tree, failing with file, line and key path (as configs/config.cpp does).
class walker {
 public:
  explicit walker(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& reason) const {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    throw file_failure{{file_, line, path, reason}};
  }

  /// Rejects keys other than `allowed`, and repeated keys (yaml-cpp keeps both).
  void only(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) const {
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

  void optional_seconds(const YAML::Node& map, const std::string& path, const char* key,
                        std::optional<std::chrono::seconds>& out, long long min, long long max) const {
    if (!map[key]) return;
    long long v = 0;
    number(map, path, key, v, min, max);
    out = std::chrono::seconds{v};
  }

  /// A required, non-empty string.
  std::string text(const YAML::Node& map, const std::string& path, const char* key) const {
    auto n = map[key];
    if (!n) fail(map, join(path, key), "required");
    // yaml-cpp marks an empty value at the next token: point at its key instead.
    if (n.IsNull()) fail(key_node(map, key), join(path, key), "expected a string");
    if (!n.IsScalar()) fail(n, join(path, key), "expected a string");
    auto s = n.as<std::string>();
    if (s.empty()) fail(n, join(path, key), "must not be empty");
    return s;
  }

  /// The key node of `key` in `map` (which must hold it), for its line.
  static YAML::Node key_node(const YAML::Node& map, std::string_view key) {
    for (const auto& kv : map) {
      if (kv.first.as<std::string>() == key) return kv.first;
    }
    return map;
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

/// RADIUS carries timeouts as 32-bit seconds.
constexpr long long max_timeout = 4294967295LL;

subscriber_db parse(const YAML::Node& root, const walker& w) {
  subscriber_db db;
  if (!root || root.IsNull()) return db;
  w.only(root, "", {"subscribers"});
  std::unordered_map<std::uint32_t, std::string> address_owner;
  w.list(root, "", "subscribers", [&](const YAML::Node& n, const std::string& p) {
    w.only(n, p, {"user", "password", "address", "session-timeout", "idle-timeout", "max-sessions"});
    subscriber s;
    s.user = w.text(n, p, "user");
    s.password = w.text(n, p, "password");
    if (n["address"]) {
      auto text = w.text(n, p, "address");
      s.address = config::parse_ipv4(text);
      if (!s.address) w.fail(n["address"], p + ".address", "not an IPv4 address: " + text);
      auto [owner, fresh] = address_owner.try_emplace(*s.address, s.user);
      if (!fresh) w.fail(n["address"], p + ".address", "address " + text + " already belongs to " + owner->second);
    }
    w.optional_seconds(n, p, "session-timeout", s.session_timeout, 1, max_timeout);
    w.optional_seconds(n, p, "idle-timeout", s.idle_timeout, 1, max_timeout);
    w.number(n, p, "max-sessions", s.max_sessions, 0, 65535);
    const std::string user = s.user;
    if (!db.add(std::move(s))) w.fail(n["user"], p + ".user", "duplicate user " + user);
  });
  return db;
}

}  // namespace

subscribers_result load_subscribers(std::string_view yaml, std::string_view file_name) {
  walker w{std::string{file_name}};
  try {
    YAML::Node root = YAML::Load(std::string{yaml});
    return parse(root, w);
  } catch (const file_failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return config::load_error{std::string{file_name}, e.mark.line + 1, "", e.msg};
  } catch (const std::exception& e) {  // std::bad_alloc: nothing may escape
    return config::load_error{std::string{file_name}, 0, "", e.what()};
  }
}

subscribers_result load_subscribers_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return config::load_error{path, 0, "", "cannot read the file"};
  std::stringstream buf;
  buf << in.rdbuf();
  return load_subscribers(buf.str(), path);
}

}  // namespace bras::actors
