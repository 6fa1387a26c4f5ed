// One brasd instance: the actor system, the shards, the acceptor, the LAC
// controller, the data plane and the UDP endpoints, wired together (the
// composition root: io/ only adapts sockets, tun and the control socket). brasd's main() runs one;
// integration tests run several in one process (an LAC and an LNS).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"
#include "actors/pppoe_messages.hpp"
#include "actors/pppoe_sinks.hpp"
#include "configs/config.hpp"
#include "io/asio.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::metrics {
struct config_figures;
struct memory_figures;
}  // namespace bras::metrics

namespace bras::dataplane {
class data_path;
class pppoe_path;
}  // namespace bras::dataplane

namespace bras::io {
class udp_service;
class tun_device;
class control_server;
class metrics_http;
class access_ports;
class radius_sockets;
}  // namespace bras::io

namespace bras::app {

class scrape_collector;
class memory_trimmer;
using io::control_server;
using io::tun_device;
using io::udp_service;

class daemon {
 public:
  /// Builds everything, binds the sockets and creates the tun device; throws
  /// std::system_error when a local gateway or tun cannot be set up, and
  /// std::runtime_error for an unusable subscribers file or address pool.
  explicit daemon(config::settings cfg);
  ~daemon();
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  /// Runs the I/O loop on a background thread (tests) ...
  void start();
  /// ... or on the calling thread until stop() or a signal handler stops it (brasd).
  void run();

  /// SIGTERM: StopCCN to every peer, wait (bounded by shutdown-timeout) for
  /// the tunnels to close, stop the I/O loop. Returns true when every tunnel closed.
  bool shutdown();
  /// The same from a handler on the I/O thread: the loop keeps running (the
  /// StopCCN acks must still arrive) and stops when done.
  void async_shutdown();
  /// A reload's changes that apply to the running daemon (configs/config_reload.hpp's
  /// applied_on_reload): the log levels, the L2TP capacity limits and the tunnel set-up limits.
  /// Any thread; from the next admission decision on.
  void apply_reload(const config::settings& cfg);
  /// The configuration reloads' figures for /metrics (daemon/reload.hpp keeps them; any thread).
  void set_config_figures(const metrics::config_figures& f);
  [[nodiscard]] metrics::config_figures config_figures() const;
  /// Whether the last shutdown closed every tunnel in time.
  [[nodiscard]] bool clean_shutdown() const noexcept { return clean_shutdown_; }

  [[nodiscard]] actors::context& ctx() noexcept { return *ctx_; }
  [[nodiscard]] caf::actor_system& system() noexcept { return *system_; }
  [[nodiscard]] const actors::lac_actor& lac() const noexcept { return lac_; }
  [[nodiscard]] const actors::aaa_actor& aaa() const noexcept { return aaa_; }
  /// The query actor: (query_atom, query_request) -> query_snapshot, (clear_atom, clear_request) -> clear_report.
  [[nodiscard]] const actors::query_actor& query() const noexcept { return query_; }
  /// The PPPoE access actor (LAC with pppoe.interfaces), or none.
  [[nodiscard]] const actors::pppoe_access_actor& pppoe_access() const noexcept { return pppoe_access_; }
  /// The port /metrics listens on (0 without an exporter).
  [[nodiscard]] std::uint16_t metrics_port() const;
  /// Connections the CLI socket and the /metrics listener could not accept (out of descriptors, say).
  [[nodiscard]] std::uint64_t cli_accept_failures() const noexcept;
  [[nodiscard]] std::uint64_t metrics_accept_failures() const noexcept;
  /// PPPoE access interfaces (LAC): name and frames the kernel dropped on its socket so far.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> access_kernel_drops() const;
  /// The heap and what the memory trimmer gave back (for the scrape).
  [[nodiscard]] metrics::memory_figures memory_figures() const;
  /// The tun device, or null without a data plane.
  [[nodiscard]] tun_device* tun() noexcept { return tun_.get(); }
  [[nodiscard]] const std::vector<actors::shard_actor>& shards() const noexcept { return ctx_->shards; }
  [[nodiscard]] boost::asio::io_context& io() noexcept { return io_; }
  /// The bound address of local gateway `i` (port 0 in the config binds an ephemeral one).
  [[nodiscard]] model::udp_peer local(std::uint16_t i) const noexcept;
  /// Tunnel IDs allocated over all shards (asks each shard).
  [[nodiscard]] std::size_t tunnel_ids_in_use();

 private:
  /// Applies `cfg`'s log levels (log.level, log.components) to the running loggers (apply_reload's part).
  void set_log_levels(const config::settings& cfg);
  std::unique_ptr<caf::actor_system_config> system_cfg_;
  std::unique_ptr<caf::actor_system> system_;
  boost::asio::io_context io_;
  std::shared_ptr<udp_service> udp_;
  std::unique_ptr<tun_device> tun_;
  std::unique_ptr<dataplane::data_path> data_;
  // PPPoE access (LAC): the AF_PACKET ports, the Discovery sink and the PPPoE data path.
  std::unique_ptr<io::access_ports> access_ports_;
  std::unique_ptr<actors::access_discovery_sink> discovery_sink_;
  std::unique_ptr<dataplane::pppoe_path> pppoe_;
  std::shared_ptr<io::radius_sockets> radius_sockets_;  ///< RADIUS client ports and the CoA port
  actors::pppoe_access_actor pppoe_access_;
  std::shared_ptr<scrape_collector> collector_;
  struct config_status;  ///< the reloads' figures behind a mutex (daemon.cpp)
  std::unique_ptr<config_status> config_status_;
  std::unique_ptr<io::metrics_http> metrics_;  ///< /metrics (after collector_: it scrapes through it)
  std::unique_ptr<memory_trimmer> trimmer_;    ///< gives freed heap back after mass teardowns
  actors::aaa_actor aaa_;
  actors::context_ptr ctx_;
  actors::acceptor_actor acceptor_;
  actors::lac_actor lac_;
  actors::query_actor query_;
  std::unique_ptr<control_server> control_;
  std::thread io_thread_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<boost::asio::steady_timer> shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  bool clean_shutdown_ = false;
  void poll_shutdown();
  void build(config::settings cfg);
  /// PPPoE access: opens the interfaces (std::system_error naming the one that fails), spawns the access actor.
  void build_pppoe();
  /// One info line with the IPv6 settings in force and the DHCPv6 Server Identifier.
  void log_ipv6();
  /// RADIUS (daemon/radius.cpp): the clients, the spool and the accounting actor, before the shards;
  /// the CoA server, after the query actor; Accounting-Off on a clean stop (blocking, or on the I/O
  /// thread then `then`); ending and forgetting the actors.
  void build_radius_clients();
  void build_coa();
  [[nodiscard]] radius::nas_identity nas_identity() const;
  bool accounting_off();
  void async_accounting_off(std::function<void()> then);
  void stop_radius() noexcept;
  void forget_radius() noexcept;
  /// Whether SIGTERM's work is done: every tunnel closed and every PPPoE subscriber sent its PADT.
  [[nodiscard]] bool shutdown_done() const;
  /// SIGTERM's first step: PADT to the subscribers, StopCCN to the peers.
  void begin_shutdown();
  void stop_io();
  /// Stops the I/O thread and every actor; safe on a half-built daemon.
  void stop_everything() noexcept;
};

}  // namespace bras::app
