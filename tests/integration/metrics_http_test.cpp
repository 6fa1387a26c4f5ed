// io::metrics_http, brasd's /metrics server, over real TCP on loopback: what it answers, and that a
// listener out of file descriptors backs off (counted, retried every 100 ms) instead of spinning, and
// serves again once a descriptor is free.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "io/metrics_http.hpp"
#include "tests/integration/http_client.hpp"

namespace {

using namespace std::chrono_literals;

using bras::test::connect_loopback;
using bras::test::http_exchange;

std::string get(std::uint16_t port, const std::string& request) {
  return http_exchange(connect_loopback(port), request);
}

struct server {
  explicit server(bras::io::metrics_http::limits l = {}, std::size_t body = 0)
      : body_{body == 0 ? std::string{"brasd_up 1\n"} : std::string(body, 'x')},
        http{"127.0.0.1:0",
             [this] {
               ++scrapes;
               return body_;
             },
             nullptr, l} {
    http.start();
  }
  std::atomic<int> scrapes{0};
  std::string body_;
  bras::io::metrics_http http;
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
  const int client = connect_loopback(s.http.port());
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
  const auto r = http_exchange(client, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK", 0), 0u) << r;
  EXPECT_EQ(s.scrapes.load(), 2);
}

TEST(MetricsHttp, HoldsNoMoreConnectionsThanItsLimitAndClosesIdleOnes) {
  server s{{.connections = 4, .request = 300ms, .response = 60s}};
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_loopback(s.http.port()));
  std::this_thread::sleep_for(50ms);  // accepted: the server holds four
  // A fifth is closed unanswered; nothing was rendered.
  EXPECT_EQ(get(s.http.port(), "GET /metrics HTTP/1.1\r\n\r\n"), "");
  // The idle four are closed once their time for a request has passed: each read sees the end.
  const auto start = std::chrono::steady_clock::now();
  for (const int fd : idle) {
    char c = 0;
    EXPECT_EQ(::recv(fd, &c, 1, 0), 0);
    ::close(fd);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(get(s.http.port(), "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(s.scrapes.load(), 1);
}

TEST(MetricsHttp, DropsAScraperThatStopsReadingItsAnswer) {
  constexpr std::size_t body = 64u << 20;  // far more than the sockets' buffers hold
  server s{{.connections = 16, .request = 10s, .response = 300ms}, body};
  const int fd = connect_loopback(s.http.port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  std::this_thread::sleep_for(1500ms);  // not reading: the server's write stalls past its deadline
  const auto r = http_exchange(fd, "");
  EXPECT_EQ(s.scrapes.load(), 1);
  EXPECT_LT(r.size(), body) << "the whole answer arrived: nothing was cut off";
  EXPECT_EQ(get(s.http.port(), "HEAD /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);  // serving on
}

}  // namespace
