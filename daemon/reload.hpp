// SIGHUP: brasd re-reads its configuration file. A file that does not load is
// refused with its file:line: reason and changes nothing. One that loads has
// its log levels and its L2TP limits applied at once (daemon::apply_reload:
// from the next tunnel or session on); every other setting it changes takes a
// restart, and the reload names each such setting (configs/config_reload.hpp)
// and keeps the count in brasd_config_restart_pending_settings until the file
// is back as brasd started on it. No tunnel or session ends for a reload.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "metrics/families.hpp"

namespace bras::app {

class daemon;

class config_reloader {
 public:
  /// `file` empty: brasd runs on the embedded default and a reload has nothing to read.
  /// `started_text`: the text brasd started on.
  config_reloader(daemon& d, std::shared_ptr<spdlog::logger> log, std::string file, std::string started_text);

  /// One SIGHUP's work, on the I/O thread: reads and loads the file, applies or refuses it, logs the
  /// outcome and leaves the figures with the daemon for /metrics.
  void reload();

 private:
  daemon& d_;
  std::shared_ptr<spdlog::logger> log_;
  std::string file_;
  std::string started_;
  std::string last_;
  metrics::config_figures figures_;
  void refuse(const std::string& reason);
};

}  // namespace bras::app
