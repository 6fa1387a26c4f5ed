// A bare HTTP client over TCP on loopback for the tests that read /metrics: one request a
// connection, read until the server closes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace bras::test {

/// A TCP socket connected to 127.0.0.1:port (reads time out after 5 s), or -1.
inline int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};  // a test that waits longer has failed
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/// Sends `request` on `fd`, reads until the server closes, closes `fd`: the whole response, or "".
inline std::string http_exchange(int fd, const std::string& request) {
  if (fd < 0) return {};
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return {};
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// GET /metrics from 127.0.0.1:port: the body, or "".
inline std::string scrape_metrics(std::uint16_t port) {
  const auto out = http_exchange(connect_loopback(port), "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n");
  const auto body = out.find("\r\n\r\n");
  return body == std::string::npos ? std::string{} : out.substr(body + 4);
}

}  // namespace bras::test
