// RADIUS's UDP sockets (Boost.Asio): the client's source ports and the CoA
// server's port. Each received datagram goes to the actor that opened the
// socket as a radius_datagram; sends are a plain sendto() on the socket's
// descriptor, safe from any actor thread.
#pragma once

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

 private:
  struct socket;
  boost::asio::io_context& io_;
  mutable std::mutex mutex_;  ///< guards sockets_ (open() runs on actor threads)
  std::vector<std::unique_ptr<socket>> sockets_;
};

}  // namespace bras::io
