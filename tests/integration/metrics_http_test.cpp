// io::metrics_http, brasd's /metrics server, over real TCP on loopback: what it answers, and that a
// listener out of file descriptors backs off (counted, retried every 100 ms) instead of spinning, and
// serves again once a descriptor is free.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "io/metrics_http.hpp"

namespace {

using namespace std::chrono_literals;

/// A connected TCP socket to 127.0.0.1:port, or -1.
int connect_to(std::uint16_t port) {
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

/// Sends `request` on `fd` and reads until the server closes: the whole response, or "" on error.
std::string exchange(int fd, const std::string& request) {
  if (fd < 0 || ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    if (fd >= 0) ::close(fd);
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

std::string get(std::uint16_t port, const std::string& request) {
  return exchange(connect_to(port), request);
}

struct server {
  std::atomic<int> scrapes{0};
  bras::io::metrics_http http{"127.0.0.1:0",
                              [this] {
                                ++scrapes;
                                return std::string{"brasd_up 1\n"};
                              },
                              nullptr};
  server() { http.start(); }
};

TEST(MetricsHttp, AnswersAScrapeWithTheRenderedTextAndClosesTheConnection) {
  server s;
  ASSERT_NE(s.http.port(), 0);
  const auto r = get(s.http.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << r;
  EXPECT_NE(r.find("Content-Length: 11\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.substr(r.find("\r\n\r\n") + 4), "brasd_up 1\n");
  // A query string is no other target; HTTP/1.0 is served the same.
  EXPECT_EQ(get(s.http.port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(s.scrapes.load(), 2);
}

TEST(MetricsHttp, AnswersHeadWithoutABodyAndRefusesOtherTargetsAndMethodsWithoutRendering) {
  server s;
  const auto head = get(s.http.port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: 11\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
  EXPECT_EQ(get(s.http.port(), "GET / HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404 ", 0), 0u);
  EXPECT_EQ(get(s.http.port(), "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").rfind("HTTP/1.1 405 ", 0), 0u);
  EXPECT_EQ(s.scrapes.load(), 1);  // the HEAD only
}

TEST(MetricsHttp, ClosesARequestHeadOverTheLimitUnanswered) {
  server s;
  const auto r = get(s.http.port(), "GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r, "");
  EXPECT_EQ(s.scrapes.load(), 0);
  EXPECT_EQ(get(s.http.port(), "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);  // still serving
}

TEST(MetricsHttp, OutOfDescriptorsItBacksOffCountsAndServesAgainOnceOneIsFree) {
  server s;
  ASSERT_EQ(get(s.http.port(), "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);  // warmed up
  // A scraper connects (the kernel completes the handshake into the listen backlog), then the process
  // has no descriptor left for the server to accept it with.
  const int client = connect_to(s.http.port());
  ASSERT_GE(client, 0);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  std::vector<int> spare;  // every descriptor number below the lowered limit, taken
  rlimit lowered = saved;
  lowered.rlim_cur = static_cast<rlim_t>(client + 8);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  for (int fd; (fd = ::dup(0)) >= 0;) spare.push_back(fd);
  std::this_thread::sleep_for(1s);
  const auto failures = s.http.accept_failures();
  for (const int fd : spare) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  // Retried every 100 ms: some 10 failures in that second, not the millions of a spin.
  EXPECT_GE(failures, 3u);
  EXPECT_LE(failures, 20u);
  const auto r = exchange(client, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK", 0), 0u) << r;
  EXPECT_EQ(s.scrapes.load(), 2);
}

}  // namespace
