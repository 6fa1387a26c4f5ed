// One request over brasd's CLI socket: connect, send the line, read to EOF.
#include "cli/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "cli/wire.hpp"

namespace bras::cli {
namespace {

/// A daemon that accepts but never answers must not hang a script forever;
/// brasd's own query deadline is far shorter.
constexpr std::chrono::seconds reply_timeout{120};

/// Closes the socket on every path.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int e) {
  return std::strerror(e);
}

/// What the operator can do about the usual connect failures.
std::string hint(int e) {
  if (e == ENOENT || e == ECONNREFUSED) return " (is brasd running, with cli.socket set to this path?)";
  if (e == EACCES || e == EPERM) return " (is your user in brasd's operator group, cli.operator-group?)";
  return "";
}

}  // namespace

std::variant<reply, client_error> request(std::string_view socket_path, std::string_view line,
                                          const body_handler& on_body) {
  const std::string where = "brasd's CLI socket " + std::string(socket_path);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(address.sun_path)) {
    return client_error{"cannot connect to " + where + ": the path is empty or longer than " +
                        std::to_string(sizeof(address.sun_path) - 1) + " bytes"};
  }
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  fd_guard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return client_error{"cannot create a socket: " + errno_text(errno)};
  // sockaddr_un is a sockaddr by the socket API's own contract.
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int e = errno;
    return client_error{"cannot connect to " + where + ": " + errno_text(e) + hint(e)};
  }

  std::string out(line);
  out += '\n';
  for (std::size_t sent = 0; sent < out.size();) {
    // MSG_NOSIGNAL: a daemon that hangs up early is an error here, not SIGPIPE.
    const ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) return client_error{"interrupted", true};
      return client_error{"cannot send to " + where + ": " + errno_text(errno)};
    }
    sent += static_cast<std::size_t>(n);
  }

  // The status line first (it may come in pieces), then the body as it arrives.
  std::string head;
  std::optional<bool> ok;
  std::vector<char> buffer(std::size_t{256} << 10);
  auto deadline = std::chrono::steady_clock::now() + reply_timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return client_error{"no reply from " + where + " within " + std::to_string(reply_timeout.count()) + " s"};
    }
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) return client_error{"interrupted", true};
      return client_error{"cannot read from " + where + ": " + errno_text(errno)};
    }
    if (ready == 0) continue;
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) return client_error{"interrupted", true};
      return client_error{"cannot read from " + where + ": " + errno_text(errno)};
    }
    if (n == 0) break;
    // The wait is for brasd to be silent that long, not for the whole reply (a pager may be slow).
    deadline = std::chrono::steady_clock::now() + reply_timeout;
    std::string_view part(buffer.data(), static_cast<std::size_t>(n));
    if (!ok) {
      head.append(part);
      if (head.starts_with(wire::status_ok)) {
        ok = true;
        part = std::string_view(head).substr(wire::status_ok.size());
      } else if (head.starts_with(wire::status_error)) {
        ok = false;
        part = std::string_view(head).substr(wire::status_error.size());
      } else if (head.size() >= wire::status_error.size() || head.find('\n') != std::string::npos) {
        return client_error{where + ": unexpected reply (no status line)"};
      } else {
        continue;  // the status line is not complete yet
      }
    }
    if (!part.empty() && !on_body(*ok, part)) return reply{*ok};  // the rest is not wanted
    if (!head.empty()) std::string{}.swap(head);
  }
  if (ok) return reply{*ok};
  if (head.empty()) return client_error{where + ": brasd closed the connection without a reply"};
  return client_error{where + ": unexpected reply (no status line)"};
}

}  // namespace bras::cli
