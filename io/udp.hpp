// UDP endpoints for the local gateways (Boost.Asio), feeding actors.
//
// Each gateway has two sockets in one SO_REUSEPORT group (io/udp_socket.hpp):
// a BPF program steers control messages and PPP control frames to the control
// socket, subscriber data to the data socket, each with its own receive
// buffer, so a data flood cannot crowd out set-ups in the kernel. One I/O
// thread reads both with recvmmsg into preallocated buffers (no allocation per
// datagram on the data path), the control socket first and again after each
// data batch; while control messages queue behind data, data is read and
// shed unprocessed (counted). Each received datagram is routed by its L2TP
// header alone: Tunnel ID 0 (control) goes to the acceptor, anything else to
// the shard owning the Tunnel ID, data of known sessions to the data path.
// AVPs are never decoded on the I/O thread. Sending is a plain sendto() on
// the data socket's descriptor, safe from any actor thread, from the address
// and port the peer talks to.
#pragma once

#include <caf/all.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
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
  udp_service(const udp_service&) = delete;
  udp_service& operator=(const udp_service&) = delete;
  ~udp_service() override;

  /// What the receive path needs of the instance: the counters it increments, and the io logger (read
  /// on use: it may be replaced while running) with the limiter its errors go through.
  struct instance_hooks {
    model::counters* stats = nullptr;
    const std::shared_ptr<spdlog::logger>* io_log = nullptr;
    actors::log_limiter* error_log = nullptr;
    /// Per shard: datagrams sent to it and not yet taken (the shard counts them down); may be null.
    std::atomic<std::int64_t>* shard_backlog = nullptr;
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

  /// What a gateway's receive path has seen (the tests' window on steering).
  struct receive_counts {
    bool steered = false;              ///< control has a socket of its own
    std::uint64_t control_socket = 0;  ///< datagrams read from the control socket
    std::uint64_t data_socket = 0;     ///< datagrams read from the data socket (all, when not steered)
    int control_buffer = 0;            ///< effective SO_RCVBUF
    int data_buffer = 0;
  };
  [[nodiscard]] receive_counts counts(std::uint16_t gateway) const noexcept;

 private:
  struct endpoint;
  struct ring;
  /// Waits for datagrams on one of endpoint `index`'s sockets.
  void arm(std::size_t index, bool control);
  /// One wake-up of endpoint `index`: control first, then bounded data batches.
  void serve(std::size_t index);
  /// Reads up to `batches` batches from the control socket; true when the budget ran out first.
  bool drain_control(std::size_t index, int batches);
  /// Routes the `n` datagrams of `r`; with `shed`, subscriber data is dropped unprocessed.
  void deliver(std::size_t index, ring& r, int n, bool shed);
  /// Hands one datagram to the data path or its actor.
  void route(std::size_t index, model::udp_peer peer, std::span<std::byte> datagram);
  /// A receive error other than EAGAIN (e.g. an ICMP port unreachable queued on the socket).
  void receive_error(std::size_t index, int error);
  /// The descriptor send() (and batched sends) write to.
  [[nodiscard]] int send_fd(std::uint16_t gateway) const noexcept;

  std::vector<std::unique_ptr<endpoint>> endpoints_;
  instance_hooks hooks_;
  actors::acceptor_actor acceptor_;
  std::vector<actors::shard_actor> shards_;
  dataplane::data_path* data_path_ = nullptr;
  std::atomic<bool> stopped_{false};  ///< set by stop(): posted turns still queued do nothing
};

}  // namespace bras::io
