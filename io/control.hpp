// The operator interface's server: a Unix stream socket (config
// `cli.socket`, mode 0660, group `cli.operator-group`) that bras-cli talks
// to (protocol in cli/wire.hpp). It checks every caller with SO_PEERCRED,
// parses the command with the shared grammar, asks the query actor without
// blocking any actor, renders on its own thread and writes the reply part
// by part as the socket takes it (cli::reply_stream). Subscribers never wait
// for an operator: rendering a large listing costs this thread only.
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "actors/catalogue.hpp"
#include "configs/config.hpp"
#include "io/accept_loop.hpp"
#include "io/asio.hpp"

namespace bras::io {

/// Who may use the operator interface.
struct operator_policy {
  std::string group;  ///< the operator group's name
  bool group_exists = false;
  unsigned group_id = 0;  ///< its gid, when it exists
};

/// Whether a caller with these credentials may use the interface: root, the
/// daemon's own user, or a member of the operator group (primary or
/// supplementary). On refusal, `why` says so in words for the operator.
[[nodiscard]] bool caller_allowed(const operator_policy& policy, unsigned uid, unsigned gid, std::string& why);

class control_server {
 public:
  /// Creates the socket (its directory too, if missing). Throws
  /// std::system_error when the path cannot be bound (or another daemon is
  /// serving it). Serving starts with start(), once the daemon is complete.
  control_server(caf::actor_system& sys, actors::query_actor query, const config::settings& cfg,
                 std::shared_ptr<spdlog::logger> log);
  ~control_server();
  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  /// Starts accepting commands on the control thread.
  void start();

  /// The socket path.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Connections it could not accept since the start (any thread).
  [[nodiscard]] std::uint64_t accept_failures() const noexcept { return accepting_.failures(); }

 private:
  class connection;
  struct mailbox;

  caf::actor_system& system_;
  actors::query_actor query_;
  const config::settings& cfg_;
  std::shared_ptr<spdlog::logger> log_;
  std::string path_;
  operator_policy policy_;
  boost::asio::io_context io_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  accept_loop<boost::asio::local::stream_protocol::acceptor> accepting_;  ///< with its back-off when accept fails
  std::size_t in_flight_ = 0;                          ///< commands waiting for the query actor (control thread only)
  std::shared_ptr<mailbox> box_;                       ///< how CAF threads hand answers to the control thread
  std::set<std::shared_ptr<connection>> connections_;  ///< open ones (control thread only)
  std::thread thread_;
};

}  // namespace bras::io
