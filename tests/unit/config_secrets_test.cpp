// configs/config_secrets.cpp: a secret shorter than 16 bytes is named by its
// setting; a file that holds secrets and that its group or others may read is
// named with its mode; a file without secrets, or readable by its owner
// alone, draws nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "configs/config.hpp"

namespace bras::config {
namespace {

const std::string with_secrets =
    "l2tp:\n  tunnel-groups:\n    - name: g\n      clients:\n"
    "        - {host-name: a, secret: tiny5}\n"
    "        - {host-name: b, secret: 0123456789abcdef0123}\n"
    "        - {host-name: c}\n";

/// A file with `text` and `mode` in a directory of its own, removed at the end of the test.
struct temp_file {
  temp_file(const std::string& text, mode_t mode) {
    char dir[] = "/tmp/bras-secrets.XXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    path = std::string{dir} + "/brasd.yaml";
    std::ofstream{path} << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  }
  ~temp_file() {
    std::remove(path.c_str());
    ::rmdir(path.substr(0, path.rfind('/')).c_str());
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  std::string path;
};

settings loaded(const std::string& path) {
  auto r = load_file(path);
  EXPECT_TRUE(std::holds_alternative<settings>(r));
  return std::holds_alternative<settings>(r) ? std::get<settings>(r) : settings{};
}

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(text) != std::string::npos; });
}

TEST(ConfigSecrets, AShortSecretIsNamedByItsSetting) {
  temp_file f{with_secrets, 0600};
  const auto w = secret_warnings(loaded(f.path), f.path);
  ASSERT_EQ(w.size(), 1u) << (w.empty() ? "" : w[0]);
  EXPECT_TRUE(any_contains(w, "l2tp.tunnel-groups[0].clients[0].secret is 5 bytes; use at least 16")) << w[0];
  EXPECT_FALSE(any_contains(w, "clients[1]"));  // 20 bytes: enough
  EXPECT_FALSE(any_contains(w, "clients[2]"));  // none: no tunnel authentication
  EXPECT_FALSE(any_contains(w, "tiny5"));       // the secret itself is never repeated
}

TEST(ConfigSecrets, AFileOthersCanReadIsNamedWithItsMode) {
  temp_file world{with_secrets, 0644};
  const auto w = secret_warnings(loaded(world.path), world.path);
  EXPECT_TRUE(any_contains(w, world.path + ": holds secrets and is readable by everyone (mode 0644)"));
  temp_file group{with_secrets, 0640};
  EXPECT_TRUE(any_contains(secret_warnings(loaded(group.path), group.path), "readable by its group (mode 0640)"));
  temp_file owner{with_secrets, 0600};
  EXPECT_FALSE(any_contains(secret_warnings(loaded(owner.path), owner.path), "readable by"));
}

TEST(ConfigSecrets, InlineSubscriberPasswordsAreSecretsOfTheFile) {
  temp_file f{"aaa:\n  subscribers:\n    - {user: a, password: pw}\n", 0604};
  const auto w = secret_warnings(loaded(f.path), f.path);
  ASSERT_EQ(w.size(), 1u);  // the mode, not the length: a subscriber's password is the subscriber's
  EXPECT_TRUE(any_contains(w, "holds secrets and is readable by everyone (mode 0604)")) << w[0];
}

TEST(ConfigSecrets, AFileWithoutSecretsDrawsNothing) {
  temp_file f{"l2tp:\n  tunnel-groups:\n    - name: g\n      clients:\n        - {host-name: a}\n", 0644};
  EXPECT_TRUE(secret_warnings(loaded(f.path), f.path).empty());
}

}  // namespace
}  // namespace bras::config
