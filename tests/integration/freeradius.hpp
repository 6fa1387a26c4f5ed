// A real FreeRADIUS (Debian's, stock configuration) for in-process tests: a
// copy of /etc/freeradius/3.0 in a temporary directory with its listeners
// moved to free ports on 127.0.0.1 (so it never meets a server on 1812/1813),
// its logs and detail files kept in that directory, and the given users
// prepended to mods-config/files/authorize. Client localhost, secret
// testing123, as shipped. Runs `freeradius -X` until destroyed.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace bras::test {

class freeradius {
 public:
  static constexpr const char* binary = "/usr/sbin/freeradius";

  explicit freeradius(const std::string& users) {
    if (::access(binary, X_OK) != 0) return;
    available_ = true;
    char pattern[] = "/tmp/brasd-freeradius-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return;
    dir_ = pattern;
    ::chmod(dir_.c_str(), 0755);  // FreeRADIUS drops to the freerad user and reads its copy here
    const auto raddb = dir_ + "/raddb";
    if (std::system(("cp -a /etc/freeradius/3.0 " + raddb).c_str()) != 0) return;
    std::filesystem::create_directory(dir_ + "/log");
    ::chmod((dir_ + "/log").c_str(), 0777);
    auth_port_ = free_port();
    acct_port_ = free_port();
    const auto inner_port = free_port();

    auto site = read(raddb + "/sites-enabled/default");
    const std::uint16_t ports[] = {auth_port_, acct_port_, auth_port_, acct_port_};  // auth, acct, then IPv6
    std::size_t at = 0;
    for (auto port : ports) {
      at = site.find("\tport = 0\n", at);  // the listen sections' own lines, not the comments'
      if (at == std::string::npos) return;
      site.replace(at, 10, "\tport = " + std::to_string(port) + "\n");
    }
    replace_all(site, "ipaddr = *", "ipaddr = 127.0.0.1");
    replace_all(site, "ipv6addr = ::\t", "ipv6addr = ::1\t");
    replace_all(site, "ipv6addr = ::\n", "ipv6addr = ::1\n");
    write(raddb + "/sites-enabled/default", site);
    auto inner = read(raddb + "/sites-enabled/inner-tunnel");
    replace_all(inner, "port = 18120", "port = " + std::to_string(inner_port));
    write(raddb + "/sites-enabled/inner-tunnel", inner);
    auto conf = read(raddb + "/radiusd.conf");
    replace_all(conf, "logdir = /var/log/freeradius", "logdir = " + dir_ + "/log");
    write(raddb + "/radiusd.conf", conf);
    const auto authorize = raddb + "/mods-config/files/authorize";
    write(authorize, users + "\n" + read(authorize));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const auto log_path = dir_ + "/radius.log";
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string a0 = "freeradius", a1 = "-X", a2 = "-d", a3 = raddb;
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};
    if (posix_spawn(&pid_, binary, &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (pid_ > 0 && std::chrono::steady_clock::now() < until) {
      if (log().find("Ready to process requests") != std::string::npos) {
        ready_ = true;
        break;
      }
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;  // exited: the log says why
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }
  ~freeradius() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }
  freeradius(const freeradius&) = delete;
  freeradius& operator=(const freeradius&) = delete;

  [[nodiscard]] bool available() const { return available_; }
  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] std::uint16_t auth_port() const { return auth_port_; }
  [[nodiscard]] std::uint16_t acct_port() const { return acct_port_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string log() const { return dir_.empty() ? std::string{} : read(dir_ + "/radius.log"); }

 private:
  static std::string read(const std::string& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static void write(const std::string& path, const std::string& text) {
    // Through the existing file (a symlink in sites-enabled/): keeps its owner and mode.
    std::ofstream out{path, std::ios::trunc};
    out << text;
  }
  static void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  /// A UDP port free on 127.0.0.1 now (the kernel's pick).
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof at;
    ::bind(fd, reinterpret_cast<sockaddr*>(&at), len);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &len);
    ::close(fd);
    return ntohs(at.sin_port);
  }

  bool available_ = false;
  bool ready_ = false;
  std::string dir_;
  std::uint16_t auth_port_ = 0, acct_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bras::test
