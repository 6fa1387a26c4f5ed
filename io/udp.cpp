#include "io/udp.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <system_error>

#include "actors/messages.hpp"
#include "protocol/common/id_pool.hpp"

namespace bras::io {

namespace asio = boost::asio;
using udp = asio::ip::udp;

struct udp_service::endpoint {
  endpoint(asio::io_context& io, const udp::endpoint& at) : socket(io) {
    socket.open(at.protocol());
    socket.set_option(asio::socket_base::reuse_address(true));
    socket.set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024));
    socket.bind(at);
    local = socket.local_endpoint();
  }
  udp::socket socket;
  udp::endpoint local;
  udp::endpoint sender;
  std::array<std::byte, 65536> buffer{};
};

udp_service::udp_service(asio::io_context& io, const config::l2tp_settings& cfg) {
  for (const auto& gw : cfg.local_gateways) {
    udp::endpoint at{asio::ip::make_address_v4(gw.address), gw.port};
    try {
      endpoints_.push_back(std::make_unique<endpoint>(io, at));
    } catch (const boost::system::system_error& e) {
      throw std::system_error(
          e.code(), "cannot bind local gateway " + gw.name + " " + gw.address + ":" + std::to_string(gw.port));
    }
  }
}

udp_service::~udp_service() = default;

void udp_service::start(instance_hooks hooks, actors::acceptor_actor acceptor,
                        std::vector<actors::shard_actor> shards) {
  hooks_ = hooks;
  acceptor_ = std::move(acceptor);
  shards_ = std::move(shards);
  for (std::size_t i = 0; i < endpoints_.size(); ++i) receive(i);
}

void udp_service::stop() {
  for (auto& e : endpoints_) {
    boost::system::error_code ignored;
    e->socket.cancel(ignored);
  }
}

void udp_service::receive(std::size_t index) {
  auto& e = *endpoints_[index];
  e.socket.async_receive_from(
      asio::buffer(e.buffer), e.sender, [this, index](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          route(index, n);
          drain(index);
        } else if (hooks_.io_log && *hooks_.io_log && hooks_.error_log->allow()) {
          // e.g. ICMP port unreachable from a peer that went away: keep reading.
          (*hooks_.io_log)->warn("udp-receive-error gateway={} error=\"{}\"", index, ec.message());
        }
        receive(index);
      });
}

void udp_service::drain(std::size_t index) {
  // What else is queued is read before going back to epoll: one wake-up per burst.
  auto& e = *endpoints_[index];
  const int fd = e.socket.native_handle();
  for (int i = 0; i < 256; ++i) {
    socklen_t len = static_cast<socklen_t>(e.sender.capacity());
    const auto m = ::recvfrom(fd, e.buffer.data(), e.buffer.size(), MSG_DONTWAIT, e.sender.data(), &len);
    if (m < 0) return;
    e.sender.resize(len);
    route(index, static_cast<std::size_t>(m));
  }
}

void udp_service::route(std::size_t index, std::size_t n) {
  auto& ep = *endpoints_[index];
  if (!ep.sender.address().is_v4()) return;
  hooks_.stats->rx_datagrams.fetch_add(1, std::memory_order_relaxed);
  // Route on the header only: the T and L bits and the Tunnel ID.
  std::size_t at = (n > 0 && (std::to_integer<unsigned>(ep.buffer[0]) & 0x40) != 0) ? 4 : 2;
  if (n < 6 || n < at + 2) {
    hooks_.stats->rx_malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const bool control = (std::to_integer<unsigned>(ep.buffer[0]) & 0x80) != 0;
  const model::udp_peer peer{ep.sender.address().to_v4().to_uint(), ep.sender.port()};
  // Data messages of known sessions never leave the I/O thread on the fast path.
  if (!control && data_path_ != nullptr &&
      data_path_->from_l2tp(static_cast<std::uint16_t>(index), peer, std::span<std::byte>{ep.buffer.data(), n})) {
    return;
  }
  actors::datagram d;
  d.gateway = static_cast<std::uint16_t>(index);
  d.tunnel_id = wire::load_u16(ep.buffer.data() + at);
  d.peer = peer;
  d.data.assign(ep.buffer.begin(), ep.buffer.begin() + static_cast<std::ptrdiff_t>(n));
  if (d.tunnel_id != 0) {
    caf::anon_send(shards_[common::shard_of(d.tunnel_id, shards_.size())], std::move(d));
  } else if (control) {
    caf::anon_send(acceptor_, std::move(d));
  } else {
    hooks_.stats->rx_malformed.fetch_add(1, std::memory_order_relaxed);  // data for tunnel 0
  }
}

bool udp_service::send(std::uint16_t gateway, model::udp_peer peer, wire::byte_span data) noexcept {
  if (gateway >= endpoints_.size()) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(peer.port);
  to.sin_addr.s_addr = htonl(peer.address);
  auto fd = endpoints_[gateway]->socket.native_handle();
  auto n = ::sendto(fd, data.data(), data.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  return n == static_cast<ssize_t>(data.size());
}

int udp_service::descriptor(std::uint16_t gateway) const noexcept {
  return gateway < endpoints_.size() ? endpoints_[gateway]->socket.native_handle() : -1;
}

model::udp_peer udp_service::local(std::uint16_t gateway) const noexcept {
  if (gateway >= endpoints_.size()) return {};
  const auto& l = endpoints_[gateway]->local;
  return {l.address().to_v4().to_uint(), l.port()};
}

}  // namespace bras::io
