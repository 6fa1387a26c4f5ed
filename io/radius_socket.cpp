#include "io/radius_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>

#include "actors/messages.hpp"

namespace bras::io {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

/// One byte more than the largest RADIUS packet: a datagram that fills it is too big (UDP truncates
/// silently), and is dropped rather than decoded short.
constexpr std::size_t receive_buffer_size = radius::max_packet_size + 1;

}  // namespace

struct radius_sockets::port {
  port(asio::io_context& io, std::uint32_t at, actors::radius_receiver to)
      : udp_socket(io), index(at), receiver(std::move(to)) {}
  udp::socket udp_socket;
  std::uint32_t index;
  actors::radius_receiver receiver;
  model::udp_peer local;
  udp::endpoint sender;
  std::array<std::byte, receive_buffer_size> buffer{};
};

radius_sockets::radius_sockets(asio::io_context& io) : io_(io) {}

radius_sockets::~radius_sockets() = default;

std::variant<std::uint32_t, std::string> radius_sockets::open(model::udp_peer local, actors::radius_receiver to) {
  std::lock_guard lock{mutex_};
  if (stopped_.load()) return std::string{"radius sockets stopped"};
  const auto index = static_cast<std::uint32_t>(sockets_.size());
  auto s = std::make_unique<port>(io_, index, std::move(to));
  boost::system::error_code ec;
  const udp::endpoint at{asio::ip::address_v4{local.address}, local.port};
  s->udp_socket.open(udp::v4(), ec);
  if (!ec) s->udp_socket.bind(at, ec);
  if (ec) return "bind " + local.to_string() + ": " + ec.message();
  // Room for a burst of replies while the I/O thread is busy; failing to get it is not fatal.
  s->udp_socket.set_option(asio::socket_base::receive_buffer_size(1024 * 1024), ec);
  const auto bound = s->udp_socket.local_endpoint(ec);
  s->local = {bound.address().to_v4().to_uint(), bound.port()};
  auto* started = s.get();
  sockets_.push_back(std::move(s));
  // The socket belongs to the I/O thread from here: its first receive starts there.
  asio::post(io_, [this, started] { receive(*started); });
  return index;
}

void radius_sockets::receive(port& s) {
  if (stopped_.load(std::memory_order_relaxed)) return;
  s.udp_socket.async_receive_from(
      asio::buffer(s.buffer), s.sender, [this, &s](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) return;
        if (ec) {
          // e.g. an ICMP error queued on the socket: counted, and the socket keeps reading.
          dropped_.fetch_add(1, std::memory_order_relaxed);
        } else if (n >= s.buffer.size() || !s.sender.address().is_v4()) {
          dropped_.fetch_add(1, std::memory_order_relaxed);
        } else {
          actors::radius_datagram d;
          d.socket = s.index;
          d.from = {s.sender.address().to_v4().to_uint(), s.sender.port()};
          d.data.assign(s.buffer.begin(), s.buffer.begin() + static_cast<std::ptrdiff_t>(n));
          std::visit([&d](const auto& actor) { caf::anon_send(actor, std::move(d)); }, s.receiver);
        }
        receive(s);
      });
}

bool radius_sockets::send(std::uint32_t socket, model::udp_peer to, wire::byte_span data) noexcept {
  int fd = -1;
  {
    std::lock_guard lock{mutex_};
    if (socket >= sockets_.size()) return false;
    fd = sockets_[socket]->udp_socket.native_handle();
  }
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(to.port);
  peer.sin_addr.s_addr = htonl(to.address);
  const auto n =
      ::sendto(fd, data.data(), data.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&peer), sizeof peer);
  return n == static_cast<ssize_t>(data.size());
}

model::udp_peer radius_sockets::local(std::uint32_t socket) const noexcept {
  std::lock_guard lock{mutex_};
  if (socket >= sockets_.size()) return {};
  return sockets_[socket]->local;
}

void radius_sockets::stop() {
  std::lock_guard lock{mutex_};
  stopped_.store(true);
  for (auto& s : sockets_) {
    boost::system::error_code ignored;
    s->udp_socket.cancel(ignored);
  }
}

}  // namespace bras::io
