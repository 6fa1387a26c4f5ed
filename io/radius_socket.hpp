// RADIUS's UDP sockets (Boost.Asio): the client's source ports and the CoA
// server's port. Each received datagram goes to the actor that opened the
// socket as a radius_datagram; sends are a plain sendto() on the socket's
// descriptor, safe from any actor thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/radius_transport.hpp"
#include "io/asio.hpp"

namespace bras::io {

class radius_sockets final : public actors::radius_transport {
 public:
  explicit radius_sockets(boost::asio::io_context& io);
  ~radius_sockets() override;

  std::variant<std::uint32_t, std::string> open(model::udp_peer local, actors::radius_receiver to) override;
  bool send(std::uint32_t socket, model::udp_peer to, wire::byte_span data) noexcept override;
  [[nodiscard]] model::udp_peer local(std::uint32_t socket) const noexcept override;
  /// Closes every socket (the daemon, before the actors go).
  void stop();
  /// Datagrams dropped on receive (oversize, not IPv4) and receive errors, over every socket.
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct port;  ///< one bound socket (not `socket`: the methods' parameter has that name)
  void receive(port& s);

  boost::asio::io_context& io_;
  mutable std::mutex mutex_;  ///< guards sockets_ (open() runs on actor threads)
  std::vector<std::unique_ptr<port>> sockets_;
  std::atomic<bool> stopped_{false};  ///< no open() and no new receive after stop()
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace bras::io
