// The Prometheus endpoint's HTTP server (config `metrics.listen`): GET (or HEAD) /metrics over
// HTTP/1.0 or 1.1, one request per connection (the answer says Connection: close), served on a
// thread of its own so that a scrape neither waits for the I/O thread nor holds it. The caller's
// function renders each scrape, one at a time.
//
// It replaces prometheus-cpp's Exposer, whose civetweb master thread retries a failed accept() at
// once: out of file descriptors, with a scraper waiting in the listen backlog, it spins at 100 % of
// a core until a descriptor frees up. Here a failed accept is counted and retried 100 ms later, as
// the CLI's is (io/accept_loop.hpp).
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "io/accept_loop.hpp"
#include "io/asio.hpp"

namespace bras::io {

/// What one client may hold: a scraper that connects and says nothing, or stops reading, must not
/// keep a connection for good, nor may many of them.
struct metrics_http_limits {
  std::size_t connections = 16;                ///< open at once; more are closed unanswered
  std::chrono::milliseconds request{10'000};   ///< to send the request head
  std::chrono::milliseconds response{60'000};  ///< to read the answer
};

class metrics_http {
 public:
  /// One scrape's exposition text (Prometheus text format 0.0.4), rendered on the server's thread.
  using render_fn = std::function<std::string()>;
  using limits = metrics_http_limits;

  /// Listens on `listen` (IPv4-ADDRESS:PORT; port 0: one the kernel picks); throws
  /// (boost::system::system_error, std::system_error) when it cannot. Serving starts with start().
  metrics_http(const std::string& listen, render_fn render, std::shared_ptr<spdlog::logger> log, limits l = {});
  ~metrics_http();
  metrics_http(const metrics_http&) = delete;
  metrics_http& operator=(const metrics_http&) = delete;

  /// Starts accepting, on the server's thread.
  void start();
  /// The port it listens on (the kernel's pick for port 0).
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// Connections it could not accept since the start (any thread).
  [[nodiscard]] std::uint64_t accept_failures() const noexcept { return accepting_.failures(); }

 private:
  class connection;
  /// A connection accepted: served, or closed unanswered over limits::connections.
  void accepted(boost::asio::ip::tcp::socket socket);

  render_fn render_;
  std::shared_ptr<spdlog::logger> log_;
  limits limits_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  accept_loop<boost::asio::ip::tcp::acceptor> accepting_;  ///< with its back-off when accept fails
  std::uint16_t port_ = 0;
  std::set<std::shared_ptr<connection>> connections_;  ///< open ones (server thread only)
  std::thread thread_;
};

}  // namespace bras::io
