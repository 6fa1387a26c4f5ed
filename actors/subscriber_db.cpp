#include "actors/subscriber_db.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "configs/yaml_walker.hpp"
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

using walker = config::yaml_walker;

subscriber_db parse(const YAML::Node& root, const walker& w) {
  subscriber_db db;
  if (!root || root.IsNull()) return db;
  w.only(root, "", {"subscribers"});
  std::unordered_map<std::uint32_t, std::string> address_owner;
  std::unordered_map<std::string, std::string> prefix_owner;  ///< by prefix text
  w.list(root, "", "subscribers", [&](const YAML::Node& n, const std::string& p) {
    subscriber s = config::parse_subscriber(n, p, w);
    if (s.address) {
      auto [owner, fresh] = address_owner.try_emplace(*s.address, s.user);
      if (!fresh) {
        w.fail(n["address"], p + ".address",
               "address " + n["address"].as<std::string>() + " already belongs to " + owner->second);
      }
    }
    // A static prefix, like a static address, belongs to one subscriber.
    for (const auto& [key, prefix] :
         {std::pair{"ipv6-prefix", s.ipv6_prefix}, {"delegated-prefix", s.delegated_prefix}}) {
      if (!prefix) continue;
      auto [owner, fresh] = prefix_owner.try_emplace(ip::to_string(*prefix), s.user);
      if (!fresh) {
        w.fail(n[key], p + "." + key, "prefix " + ip::to_string(*prefix) + " already belongs to " + owner->second);
      }
    }
    const std::string user = s.user;
    if (!db.add(std::move(s))) w.fail(n["user"], p + ".user", "duplicate user " + user);
  });
  return db;
}

}  // namespace

subscribers_result load_subscribers(std::string_view yaml, std::string_view file_name) {
  return config::load_yaml<subscriber_db>(yaml, file_name,
                                          [](const YAML::Node& root, const walker& w) { return parse(root, w); });
}

subscribers_result load_subscribers_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return config::load_error{path, 0, "", "cannot read the file"};
  std::stringstream buf;
  buf << in.rdbuf();
  return load_subscribers(buf.str(), path);
}

}  // namespace bras::actors
