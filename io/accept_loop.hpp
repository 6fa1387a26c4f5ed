// What brasd's two listeners (the CLI's Unix socket, io/control.hpp; /metrics over TCP,
// io/metrics_http.hpp) share: a thread of their own, and accepting connections for good, backing off
// when accept fails.
// Out of file descriptors, say, a connection waits in the kernel's backlog and accept fails at once
// every time it is asked: retrying at once would spin. A failure is counted, retried `retry` later,
// and warned about at most every `warning_interval` with how many failed since.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "io/asio.hpp"

namespace bras::io {

/// Runs `io` on a thread of its own until it is stopped. A handler that throws costs its connection
/// (a command, a scrape), not the daemon: logged as `event` with the reason, and the loop goes on.
inline std::thread serving_thread(boost::asio::io_context& io, std::shared_ptr<spdlog::logger> log, std::string event) {
  return std::thread{[&io, log = std::move(log), event = std::move(event)] {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        if (log) log->error("{} reason=\"{}\"", event, e.what());
      }
    }
  }};
}

template <class Acceptor>
class accept_loop {
 public:
  using socket = typename Acceptor::protocol_type::socket;
  static constexpr std::chrono::milliseconds retry{100};
  static constexpr std::chrono::seconds warning_interval{10};

  /// `event` names the warning (e.g. "cli-accept-failed"). The acceptor outlives this.
  accept_loop(Acceptor& acceptor, std::shared_ptr<spdlog::logger> log, std::string event)
      : acceptor_{acceptor}, timer_{acceptor.get_executor()}, log_{std::move(log)}, event_{std::move(event)} {}

  /// Hands each accepted connection to `on_socket` (on the acceptor's executor) until the acceptor
  /// closes or stop().
  void start(std::function<void(socket)> on_socket) {
    on_socket_ = std::move(on_socket);
    next();
  }
  /// Cancels a pending retry (on the acceptor's executor, with the acceptor's close).
  void stop() { timer_.cancel(); }
  /// Connections it could not accept since the start (any thread).
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_.load(std::memory_order_relaxed); }

 private:
  void next() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, socket s) {
      if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        failed(ec);
        timer_.expires_after(retry);
        timer_.async_wait([this](const boost::system::error_code& e) {
          if (!e) next();
        });
        return;
      }
      on_socket_(std::move(s));
      next();
    });
  }

  void failed(const boost::system::error_code& ec) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    ++unlogged_;
    const auto now = std::chrono::steady_clock::now();
    if (!log_ || now - last_warning_ < warning_interval) return;
    log_->warn("{} error=\"{}\" failures={} (retried every {} ms)", event_, ec.message(), unlogged_, retry.count());
    unlogged_ = 0;
    last_warning_ = now;
  }

  Acceptor& acceptor_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<spdlog::logger> log_;
  std::string event_;
  std::function<void(socket)> on_socket_;
  std::atomic<std::uint64_t> failures_{0};
  std::uint64_t unlogged_ = 0;  ///< failures since the last warning (the acceptor's executor only)
  std::chrono::steady_clock::time_point last_warning_{};
};

}  // namespace bras::io
