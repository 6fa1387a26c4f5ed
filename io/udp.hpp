// UDP endpoints for the local gateways (Boost.Asio), feeding actors.
//
// Each received datagram is routed by its L2TP header alone: Tunnel ID 0
// (control) goes to the acceptor, anything else to the shard owning the
// Tunnel ID. AVPs are never decoded on the I/O thread. Sending is a plain
// sendto() on the socket's descriptor, safe from any actor thread, from the
// address and port the peer talks to.
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/context.hpp"
#include "actors/transport.hpp"
#include "dataplane/data_path.hpp"
#include "io/asio.hpp"

namespace bras::io {

class udp_service final : public actors::transport {
 public:
  /// Binds every configured local gateway; throws std::system_error with
  /// the address when a bind fails (brasd reports it and exits 2).
  udp_service(boost::asio::io_context& io, const config::l2tp_settings& cfg);
  ~udp_service() override;

  /// What the receive path needs of the instance: the counters it increments, and the io logger (read
  /// on use: it may be replaced while running) with the limiter its errors go through.
  struct instance_hooks {
    model::counters* stats = nullptr;
    const std::shared_ptr<spdlog::logger>* io_log = nullptr;
    actors::log_limiter* error_log = nullptr;
  };

  /// Starts receiving; datagrams go to `acceptor` or `shards[tid % n]`.
  void start(instance_hooks hooks, actors::acceptor_actor acceptor, std::vector<actors::shard_actor> shards);
  void stop();

  /// Data messages of known sessions go here first (set before start()).
  void set_data_path(dataplane::data_path* dp) noexcept { data_path_ = dp; }

  bool send(std::uint16_t gateway, model::udp_peer peer, wire::byte_span data) noexcept override;
  /// sendmmsg (io/udp_batch.cpp).
  std::size_t send_batch(std::uint16_t gateway, std::span<dataplane::outgoing> burst) noexcept override;
  [[nodiscard]] model::udp_peer local(std::uint16_t gateway) const noexcept override;

 private:
  struct endpoint;
  /// Gateway `gateway`'s socket descriptor; -1 when there is no such gateway.
  [[nodiscard]] int descriptor(std::uint16_t gateway) const noexcept;
  void receive(std::size_t index);
  /// Reads the datagrams already queued on endpoint `index` without waiting.
  void drain(std::size_t index);
  /// Hands the datagram just received on endpoint `index` to its actor.
  void route(std::size_t index, std::size_t n);

  std::vector<std::unique_ptr<endpoint>> endpoints_;
  instance_hooks hooks_;
  actors::acceptor_actor acceptor_;
  std::vector<actors::shard_actor> shards_;
  dataplane::data_path* data_path_ = nullptr;
};

}  // namespace bras::io
