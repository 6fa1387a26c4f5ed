// brasd: the BRAS daemon's entry point. Parses the command line, loads the
// configuration (embedded default when no file is given), starts the actor
// system and waits for SIGTERM/SIGINT.
#include <caf/all.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "configs/default_config.hpp"
#include "io/asio.hpp"

namespace {

constexpr const char* version = "0.1.0";

struct runtime_options {
  std::size_t threads = 2;
  std::size_t shards = 2;
  std::string log_level = "info";
};

/// Reads the settings brasd needs today; reports "file:line: reason" on error.
bool load(const std::string& name, const std::string& text, runtime_options& out) {
  try {
    YAML::Node root = YAML::Load(text);
    if (auto rt = root["runtime"]) {
      if (rt["threads"]) out.threads = rt["threads"].as<std::size_t>();
      if (rt["shards"]) out.shards = rt["shards"].as<std::size_t>();
    }
    if (auto log = root["log"]; log && log["level"]) out.log_level = log["level"].as<std::string>();
    if (out.threads == 0 || out.threads > 256) {
      std::cerr << name << ":" << root["runtime"]["threads"].Mark().line + 1
                << ": runtime.threads must be between 1 and 256\n";
      return false;
    }
    return true;
  } catch (const YAML::Exception& e) {
    std::cerr << name << ":" << e.mark.line + 1 << ": " << e.msg << "\n";
    return false;
  }
}

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
  runtime_options opts;
  if (!check_file.empty()) {
    std::ifstream in{check_file};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    if (!in && !in.eof()) {
      std::cerr << check_file << ": cannot read\n";
      return 2;
    }
    return load(check_file, text, opts) ? 0 : 2;
  }
  std::string text{bras::config::default_yaml()};
  std::string name = "<embedded default>";
  if (!config_file.empty()) {
    std::ifstream in{config_file};
    if (!in) {
      std::cerr << config_file << ": cannot read\n";
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>{in}, {});
    name = config_file;
  }
  if (!load(name, text, opts)) return 2;

  auto log = spdlog::stderr_color_mt("brasd");
  log->set_level(spdlog::level::from_str(opts.log_level));

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", opts.threads);
  caf::actor_system system{cfg};

  boost::asio::io_context io;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    log->info("brasd-stopping signal={}", sig);
    io.stop();
  });
  log->info("brasd-started version={} config={} threads={} shards={}", version, name, opts.threads, opts.shards);
  io.run();
  log->info("brasd-stopped");
  return 0;
}
