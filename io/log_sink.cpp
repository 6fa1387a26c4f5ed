// brasd's stderr log sink (log_sink.hpp).
#include "io/log_sink.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>

namespace bras::io {

namespace {

/// Lines lost since the start (log_lines_lost()).
std::atomic<std::uint64_t> lost_lines{0};

/// stderr, a line at a time (see the header).
class stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (lost_ != 0 && !write_gap(msg)) return lose();
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    if (!write_line(line)) lose();
  }
  void flush_() override {}  // nothing is buffered

 private:
  /// The line that says how many were lost, in the log's format; true once it is written.
  bool write_gap(const spdlog::details::log_msg& next) {
    const auto text = fmt::format("log-lines-lost count={} error=\"{}\" (stderr did not take them)", lost_,
                                  std::strerror(last_error_));
    const spdlog::details::log_msg gap{next.time, spdlog::source_loc{}, "io", spdlog::level::warn, text};
    spdlog::memory_buf_t line;
    if (cut_) line.push_back('\n');  // the last line out was cut short
    formatter_->format(gap, line);
    if (!write_line(line)) return false;
    lost_ = 0;
    return true;
  }
  /// write(2) until all of it is out; false (last_error_ set) when stderr refuses the rest.
  bool write_line(const spdlog::memory_buf_t& line) noexcept {
    const char* at = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const auto n = ::write(STDERR_FILENO, at, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        last_error_ = n < 0 ? errno : ENOSPC;
        cut_ = cut_ || left < line.size();
        return false;
      }
      at += n;
      left -= static_cast<std::size_t>(n);
    }
    cut_ = false;
    return true;
  }
  void lose() noexcept {
    ++lost_;
    lost_lines.fetch_add(1, std::memory_order_relaxed);
  }

  std::uint64_t lost_ = 0;  ///< lines lost since the last one written (all three: under the sink's mutex)
  int last_error_ = 0;      ///< why the last of them was
  bool cut_ = false;        ///< a line was written in part: the next starts on a line of its own
};

}  // namespace

std::shared_ptr<spdlog::sinks::sink> log_sink() {
  static const std::shared_ptr<spdlog::sinks::sink> sink =
      ::isatty(STDERR_FILENO) == 1
          ? std::shared_ptr<spdlog::sinks::sink>{std::make_shared<spdlog::sinks::stderr_color_sink_mt>()}
          : std::shared_ptr<spdlog::sinks::sink>{std::make_shared<stderr_sink>()};
  return sink;
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto log = std::make_shared<spdlog::logger>(name, log_sink());
  spdlog::initialize_logger(log);  // spdlog's defaults (level, pattern, error handler), then registered
  return log;
}

std::uint64_t log_lines_lost() noexcept {
  return lost_lines.load(std::memory_order_relaxed);
}

}  // namespace bras::io
