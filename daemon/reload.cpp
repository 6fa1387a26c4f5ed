// SIGHUP's configuration reload (reload.hpp).
#include "daemon/reload.hpp"

#include <utility>
#include <variant>

#include "configs/config.hpp"
#include "configs/config_reload.hpp"
#include "daemon/daemon.hpp"

namespace bras::app {

namespace {

std::string joined(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

}  // namespace

config_reloader::config_reloader(daemon& d, std::shared_ptr<spdlog::logger> log, std::string file,
                                 std::string started_text)
    : d_{d}, log_{std::move(log)}, file_{std::move(file)}, started_{std::move(started_text)}, last_{started_} {}

void config_reloader::refuse(const std::string& reason) {
  ++figures_.refused;
  figures_.last_successful = false;
  d_.set_config_figures(figures_);
  log_->error("config-reload-failed reason=\"{}\" (nothing changed)", reason);
}

void config_reloader::reload() {
  if (file_.empty()) {
    ++figures_.skipped;
    d_.set_config_figures(figures_);
    log_->warn("config-reload-skipped reason=\"running on the embedded default: no file to re-read\"");
    return;
  }
  std::string text;
  std::string reason;
  if (!config::read_text_file(file_, text, reason)) {
    refuse(reason);
    return;
  }
  auto loaded = config::load(text, file_);
  if (auto* e = std::get_if<config::load_error>(&loaded)) {
    refuse(e->to_string());
    return;
  }
  const auto& fresh = std::get<config::settings>(loaded);
  const auto plan = config::plan_reload(started_, last_, text);
  d_.apply_reload(fresh);
  log_->set_level(spdlog::level::from_str(fresh.log_level));
  last_ = std::move(text);
  ++figures_.applied;
  figures_.last_successful = true;
  figures_.pending = plan.pending.size();
  d_.set_config_figures(figures_);
  if (plan.pending.empty()) {
    log_->warn("config-reloaded file={} applied={} restart-pending=none", file_, joined(plan.applied));
  } else {
    log_->warn("config-reloaded file={} applied={} restart-pending={} (changed in the file, in force after a restart)",
               file_, joined(plan.applied), joined(plan.pending));
  }
}

}  // namespace bras::app
