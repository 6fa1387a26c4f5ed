// Where brasd's log goes: stderr (the journal, a file, a terminal), one sink that every logger
// shares. Off a terminal each line is written whole with write(2) and never retried: a line that
// stderr does not take (the log's disk full, a closed pipe) is dropped and counted, so a broken log
// costs one failed system call a line, never a blocked or spinning thread, and the first line that
// gets through again says how many were lost (`log-lines-lost count=N`). On a terminal, spdlog's
// colour sink, as before.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <memory>
#include <string>

namespace bras::io {

/// The sink every brasd logger writes to (made on first use).
[[nodiscard]] std::shared_ptr<spdlog::sinks::sink> log_sink();

/// The logger `name`: the registered one, else a new one on log_sink(), registered with spdlog's
/// defaults (as spdlog::stderr_color_mt would).
[[nodiscard]] std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

/// Log lines stderr did not take since the process started (stderr is the process's: every daemon
/// instance in it shares the count), for brasd_io_log_lines_lost_total.
[[nodiscard]] std::uint64_t log_lines_lost() noexcept;

}  // namespace bras::io
