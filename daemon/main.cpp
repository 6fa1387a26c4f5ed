// brasd: the BRAS daemon's entry point. Parses the command line, loads the
// configuration (the embedded default when no file is given), runs one
// daemon instance, and on SIGTERM/SIGINT closes every tunnel (StopCCN, acks
// awaited up to l2tp.shutdown-timeout) before exiting 0. SIGHUP re-reads the
// configuration file (daemon/reload.hpp): its log levels and L2TP limits
// apply at once, the other settings it changed are named as waiting for a
// restart; a file that does not load is reported (file:line: reason) and
// changes nothing.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <system_error>
#include <variant>

#include "actors/aaa.hpp"
#include "actors/messages.hpp"
#include "configs/config.hpp"
#include "configs/default_config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/reload.hpp"
#include "io/asio.hpp"
#include "io/log_sink.hpp"

namespace {

constexpr const char* version = BRAS_VERSION;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"brasd: L2TP LAC/LNS broadband remote access server"};
  std::string config_file;
  std::string check_file;
  bool print_default = false;
  bool show_version = false;
  app.add_option("-c,--config", config_file, "configuration file (YAML); the embedded default when absent");
  app.add_option("--check-config", check_file, "validate a configuration file and exit (0 ok, 2 invalid)");
  app.add_flag("--print-default-config", print_default, "print the embedded default configuration and exit");
  app.add_flag("-V,--version", show_version, "print the version and exit");
  CLI11_PARSE(app, argc, argv);

  if (show_version) {
    std::cout << "brasd " << version << "\n";
    return 0;
  }
  if (print_default) {
    std::cout << bras::config::default_yaml();
    return 0;
  }
  if (!check_file.empty()) {
    auto checked = bras::config::load_file(check_file);
    if (auto* e = std::get_if<bras::config::load_error>(&checked)) {
      std::cerr << e->to_string() << "\n";
      return 2;
    }
    // The subscribers file is part of the configuration: check it too.
    auto db = bras::actors::load_subscriber_db(std::get<bras::config::settings>(checked).aaa);
    if (auto* e = std::get_if<std::string>(&db)) {
      std::cerr << *e << "\n";
      return 2;
    }
    for (const auto& w : bras::config::secret_warnings(std::get<bras::config::settings>(checked), check_file)) {
      std::cerr << "warning: " << w << "\n";
    }
    std::cout << check_file << ": configuration OK\n";
    return 0;
  }
  // The file is read once: loaded now, and its text kept for SIGHUP (a reload names what changed since).
  std::string started_text;
  if (!config_file.empty()) {
    std::string reason;
    if (!bras::config::read_text_file(config_file, started_text, reason)) {
      std::cerr << reason << "\n";
      return 2;
    }
  }
  auto loaded = config_file.empty() ? bras::config::load_default() : bras::config::load(started_text, config_file);
  if (auto* e = std::get_if<bras::config::load_error>(&loaded)) {
    std::cerr << e->to_string() << "\n";
    return 2;
  }
  auto settings = std::get<bras::config::settings>(loaded);
  auto log = bras::io::make_logger("brasd");
  log->set_level(spdlog::level::from_str(settings.log_level));
  std::string name = config_file.empty() ? "<embedded default>" : config_file;
  if (!config_file.empty()) {
    for (const auto& w : bras::config::secret_warnings(settings, config_file)) log->warn("config-secrets {}", w);
  }

  std::unique_ptr<bras::app::daemon> d;
  try {
    d = std::make_unique<bras::app::daemon>(settings);
  } catch (const std::system_error& e) {
    log->critical("brasd-start-failed reason=\"{}\"", e.what());
    return 2;
  } catch (const std::exception& e) {
    log->critical("brasd-start-failed reason=\"{}\"", e.what());
    return 2;
  }
  boost::asio::signal_set signals{d->io(), SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log->info("brasd-stopping signal={} tunnels={}", sig, d->ctx().stats.tunnels_active.load());
    d->async_shutdown();
  });
  bras::app::config_reloader reloader{*d, log, config_file, std::move(started_text)};
  boost::asio::signal_set hangups{d->io(), SIGHUP};
  std::function<void()> await_hangup = [&] {
    hangups.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reloader.reload();
      await_hangup();
    });
  };
  await_hangup();
  for (unsigned i = 0; i < settings.l2tp.autodial_calls; ++i) {
    bras::actors::call_request c;
    c.call_id = i + 1;
    c.calling_number = "autodial-" + std::to_string(i + 1);
    caf::anon_send(d->lac(), std::move(c));
  }
  log->info("brasd-started version={} config={} threads={} shards={} gateways={}", version, name, settings.threads,
            settings.shards, settings.l2tp.local_gateways.size());
  d->run();
  log->info("brasd-stopped clean={} tunnels-left={}", d->clean_shutdown(), d->ctx().stats.tunnels_active.load());
  return 0;
}
