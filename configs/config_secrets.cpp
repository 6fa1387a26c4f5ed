// How the configuration keeps its secrets (RFC 2661 tunnel secrets, RADIUS
// shared secrets, CoA client secrets, subscriber passwords): warnings for a
// file that holds secrets and that its group or others may read, and for a
// secret shorter than 16 bytes (RFC 2865 §3 asks for at least 16 octets; a
// short L2TP or RADIUS secret falls to an offline guess from one captured
// exchange). Warnings, not errors: a lab runs on "testing123".
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "configs/config.hpp"

namespace bras::config {

namespace {

constexpr std::size_t min_secret_bytes = 16;

struct secret_ref {
  std::string where;  ///< the setting's path, as errors name it
  const std::string* value = nullptr;
};

std::vector<secret_ref> secrets_of(const settings& s) {
  std::vector<secret_ref> out;
  for (std::size_t g = 0; g < s.l2tp.tunnel_groups.size(); ++g) {
    const auto& group = s.l2tp.tunnel_groups[g];
    for (std::size_t c = 0; c < group.clients.size(); ++c) {
      out.push_back({"l2tp.tunnel-groups[" + std::to_string(g) + "].clients[" + std::to_string(c) + "].secret",
                     &group.clients[c].secret});
    }
  }
  for (std::size_t d = 0; d < s.l2tp.destinations.size(); ++d) {
    out.push_back({"l2tp.destinations[" + std::to_string(d) + "].secret", &s.l2tp.destinations[d].secret});
  }
  const auto servers = [&](const radius_group_settings& group, const std::string& path) {
    for (std::size_t i = 0; i < group.servers.size(); ++i) {
      out.push_back({path + ".servers[" + std::to_string(i) + "].secret", &group.servers[i].secret});
    }
  };
  servers(s.radius.authentication, "radius.authentication");
  servers(s.radius.accounting, "radius.accounting");
  for (std::size_t i = 0; i < s.radius.coa_clients.size(); ++i) {
    out.push_back(
        {"radius.dynamic-authorization.clients[" + std::to_string(i) + "].secret", &s.radius.coa_clients[i].secret});
  }
  return out;
}

/// "<file> holds ... and is readable by ..." when its mode lets its group or others read it.
void check_mode(const std::string& file, const char* holds, std::vector<std::string>& out) {
  struct stat st {};
  if (file.empty() || ::stat(file.c_str(), &st) != 0) return;
  if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const char* who = (st.st_mode & S_IROTH) != 0 ? "everyone" : "its group";
  out.push_back(file + ": holds " + holds + " and is readable by " + who + " (mode " + mode +
                "); make it readable by its owner alone (chmod 600)");
}

}  // namespace

std::vector<std::string> secret_warnings(const settings& s, const std::string& config_file) {
  std::vector<std::string> out;
  bool any = false;
  for (const auto& ref : secrets_of(s)) {
    if (ref.value->empty()) continue;  // none: no tunnel authentication (its own choice)
    any = true;
    if (ref.value->size() < min_secret_bytes) {
      out.push_back(config_file + ": " + ref.where + " is " + std::to_string(ref.value->size()) +
                    " bytes; use at least " + std::to_string(min_secret_bytes) +
                    " random bytes (a short secret falls to an offline guess from one captured exchange)");
    }
  }
  // Inline subscribers' passwords are secrets of the file too (their length is the subscriber's).
  for (const auto& sub : s.aaa.subscribers) any = any || !sub.password.empty();
  if (any) check_mode(config_file, "secrets", out);
  check_mode(s.aaa.subscribers_file, "subscriber passwords", out);
  return out;
}

}  // namespace bras::config
