#include "io/udp.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "actors/messages.hpp"
#include "io/udp_socket.hpp"
#include "protocol/common/id_pool.hpp"

namespace bras::io {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

/// Datagrams per recvmmsg call.
constexpr int batch_size = 64;
/// Control batches read per turn (before and between data batches).
constexpr int control_batches = 4;
/// Data batches per wake-up; then the I/O thread's other work (tun, PPPoE) gets a turn.
constexpr int data_batches = 8;
/// Room for any UDP payload: nothing is truncated. Allocated, not touched: a slot's pages
/// become resident only as datagrams that long arrive.
constexpr std::size_t slot_size = 65536;

constexpr auto relaxed = std::memory_order_relaxed;

}  // namespace

/// One recvmmsg batch's buffers, made once per socket.
struct udp_service::ring {
  ring() : buffers(new std::byte[batch_size * slot_size]) {}

  /// Reads up to batch_size datagrams without waiting: how many, or -1 with errno.
  int receive(int fd) noexcept {
    for (int k = 0; k < batch_size; ++k) {
      iov[k] = {buffers.get() + static_cast<std::size_t>(k) * slot_size, slot_size};
      auto& h = msgs[k].msg_hdr;
      h.msg_name = &from[k];
      h.msg_namelen = sizeof from[k];
      h.msg_iov = &iov[k];
      h.msg_iovlen = 1;
      h.msg_control = cmsg[k].data();
      h.msg_controllen = cmsg[k].size();
      h.msg_flags = 0;
    }
    return ::recvmmsg(fd, msgs.data(), batch_size, MSG_DONTWAIT, nullptr);
  }

  std::span<std::byte> datagram(int k) noexcept {
    return {buffers.get() + static_cast<std::size_t>(k) * slot_size, msgs[k].msg_len};
  }

  /// New kernel drops on this socket, from SO_RXQ_OVFL of the newest datagram of the batch
  /// (the socket's running total; absent while it is 0).
  std::uint64_t new_drops(int n) noexcept {
    auto& h = msgs[n - 1].msg_hdr;
    for (auto* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
      std::uint32_t total = 0;
      std::memcpy(&total, CMSG_DATA(c), sizeof total);
      const std::uint32_t fresh = total - drops_seen;  // wraps like the kernel's counter
      drops_seen = total;
      return fresh;
    }
    return 0;
  }

  std::unique_ptr<std::byte[]> buffers;
  std::array<mmsghdr, batch_size> msgs{};
  std::array<iovec, batch_size> iov{};
  std::array<sockaddr_in, batch_size> from{};
  std::array<std::array<char, CMSG_SPACE(sizeof(std::uint32_t))>, batch_size> cmsg{};
  std::uint32_t drops_seen = 0;
};

struct udp_service::endpoint {
  endpoint(asio::io_context& io, gateway_sockets s) : data(io), info(std::move(s)) {
    data.assign(udp::v4(), info.data_fd);
    if (info.control_fd >= 0) {
      control.emplace(io);
      control->assign(udp::v4(), info.control_fd);
      control_ring = std::make_unique<ring>();
    }
    local = data.local_endpoint();
  }
  udp::socket data;
  std::optional<udp::socket> control;  ///< empty: not steered, `data` receives everything
  gateway_sockets info;
  udp::endpoint local;
  ring data_ring;
  std::unique_ptr<ring> control_ring;
  bool data_armed = false;
  bool control_armed = false;
  bool posted = false;  ///< a serve() is queued (a budget ran out with datagrams waiting)
  std::atomic<std::uint64_t> from_control{0};
  std::atomic<std::uint64_t> from_data{0};
};

udp_service::udp_service(asio::io_context& io, const config::l2tp_settings& cfg) {
  for (const auto& gw : cfg.local_gateways) {
    gateway_socket_options o;
    o.address = asio::ip::make_address_v4(gw.address).to_uint();
    o.port = gw.port;
    o.control_buffer = static_cast<int>(cfg.control_receive_buffer);
    o.data_buffer = static_cast<int>(cfg.data_receive_buffer);
    o.steering = cfg.receive_steering;
    try {
      endpoints_.push_back(std::make_unique<endpoint>(io, open_gateway(o)));
    } catch (const std::system_error& e) {
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
  std::int64_t steered = 0;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    const auto& e = *endpoints_[i];
    if (e.control) ++steered;
    if (hooks_.io_log && *hooks_.io_log) {
      if (e.control) {
        (*hooks_.io_log)
            ->info("gateway-receive gateway={} steering=on control-buffer={} data-buffer={}", i, e.info.control_buffer,
                   e.info.data_buffer);
      } else {
        (*hooks_.io_log)
            ->warn("gateway-receive gateway={} steering=off data-buffer={} reason=\"{}\"", i, e.info.data_buffer,
                   e.info.fallback);
      }
    }
    arm(i, false);
    if (e.control) arm(i, true);
  }
  if (hooks_.stats) hooks_.stats->rx_steered_gateways.store(steered, relaxed);
}

void udp_service::stop() {
  stopped_.store(true, relaxed);
  for (auto& e : endpoints_) {
    boost::system::error_code ignored;
    e->data.cancel(ignored);
    if (e->control) e->control->cancel(ignored);
  }
}

void udp_service::arm(std::size_t index, bool control) {
  auto& e = *endpoints_[index];
  auto& socket = control ? *e.control : e.data;
  (control ? e.control_armed : e.data_armed) = true;
  socket.async_wait(udp::socket::wait_read, [this, index, control](const boost::system::error_code& ec) {
    auto& ep = *endpoints_[index];
    (control ? ep.control_armed : ep.data_armed) = false;
    if (ec == asio::error::operation_aborted) return;
    serve(index);
  });
}

void udp_service::serve(std::size_t index) {
  if (stopped_.load(relaxed)) return;
  auto& e = *endpoints_[index];
  const int data_fd = e.data.native_handle();
  bool control_more = e.control && drain_control(index, control_batches);
  bool data_more = false;
  // A data socket waiting for readiness was read to EAGAIN and has had no edge since (or its
  // handler is queued and reads it next): no read for it on a control wake-up.
  for (int b = 0; b < data_batches && !e.data_armed; ++b) {
    const int n = e.data_ring.receive(data_fd);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        data_more = false;
        break;
      }
      receive_error(index, errno);
      data_more = true;  // the error is consumed: what follows it is read next
      continue;
    }
    e.from_data.fetch_add(static_cast<std::uint64_t>(n), relaxed);
    // Control messages still queued after a full control turn: this data waits for no one.
    deliver(index, e.data_ring, n, control_more);
    data_more = n == batch_size;
    if (e.control) control_more = drain_control(index, control_batches);
    if (!data_more) break;
  }
  if (e.control && !control_more && !e.control_armed) arm(index, true);
  if (!data_more && !e.data_armed) arm(index, false);
  if ((control_more || data_more) && !e.posted) {
    // Readiness is edge-triggered: what the budget left behind is read on a posted turn,
    // after the other handlers that are ready.
    e.posted = true;
    asio::post(e.data.get_executor(), [this, index] {
      endpoints_[index]->posted = false;
      serve(index);
    });
  }
}

bool udp_service::drain_control(std::size_t index, int batches) {
  auto& e = *endpoints_[index];
  const int fd = e.control->native_handle();
  for (int b = 0; b < batches; ++b) {
    const int n = e.control_ring->receive(fd);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      receive_error(index, errno);
      continue;
    }
    e.from_control.fetch_add(static_cast<std::uint64_t>(n), relaxed);
    deliver(index, *e.control_ring, n, false);
    if (n < batch_size) return false;
  }
  return true;
}

void udp_service::deliver(std::size_t index, ring& r, int n, bool shed) {
  if (n <= 0) return;
  auto& stats = *hooks_.stats;
  stats.rx_datagrams.fetch_add(static_cast<std::uint64_t>(n), relaxed);
  for (int k = 0; k < n; ++k) {
    const auto& from = r.from[k];
    if (from.sin_family != AF_INET || (r.msgs[k].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      stats.rx_malformed.fetch_add(1, relaxed);
      continue;
    }
    auto d = r.datagram(k);
    if (shed && !is_priority(d)) {
      stats.rx_shed.fetch_add(1, relaxed);
      continue;
    }
    route(index, {ntohl(from.sin_addr.s_addr), ntohs(from.sin_port)}, d);
  }
  if (const auto drops = r.new_drops(n); drops != 0) {
    auto& counter =
        &r == endpoints_[index]->control_ring.get() ? stats.rx_kernel_dropped_control : stats.rx_kernel_dropped_data;
    counter.fetch_add(drops, relaxed);
  }
}

void udp_service::route(std::size_t index, model::udp_peer peer, std::span<std::byte> dgram) {
  const std::size_t n = dgram.size();
  // Route on the header only: the T and L bits and the Tunnel ID.
  std::size_t at = (n > 0 && (std::to_integer<unsigned>(dgram[0]) & 0x40) != 0) ? 4 : 2;
  if (n < 6 || n < at + 2) {
    hooks_.stats->rx_malformed.fetch_add(1, relaxed);
    return;
  }
  const bool control = (std::to_integer<unsigned>(dgram[0]) & 0x80) != 0;
  // Data messages of known sessions never leave the I/O thread on the fast path.
  if (!control && data_path_ != nullptr && data_path_->from_l2tp(static_cast<std::uint16_t>(index), peer, dgram)) {
    return;
  }
  actors::datagram d;
  d.gateway = static_cast<std::uint16_t>(index);
  d.tunnel_id = wire::load_u16(dgram.data() + at);
  d.peer = peer;
  d.data.assign(dgram.begin(), dgram.end());
  if (d.tunnel_id != 0) {
    const auto shard = common::shard_of(d.tunnel_id, shards_.size());
    if (hooks_.shard_backlog != nullptr) hooks_.shard_backlog[shard].fetch_add(1, relaxed);
    caf::anon_send(shards_[shard], std::move(d));
  } else if (control) {
    caf::anon_send(acceptor_, std::move(d));
  } else {
    hooks_.stats->rx_malformed.fetch_add(1, relaxed);  // data for tunnel 0
  }
}

void udp_service::receive_error(std::size_t index, int error) {
  if (hooks_.io_log && *hooks_.io_log && hooks_.error_log && hooks_.error_log->allow()) {
    // e.g. ICMP port unreachable from a peer that went away: keep reading.
    (*hooks_.io_log)->warn("udp-receive-error gateway={} error=\"{}\"", index, std::strerror(error));
  }
}

int udp_service::send_fd(std::uint16_t gateway) const noexcept {
  return gateway < endpoints_.size() ? endpoints_[gateway]->data.native_handle() : -1;
}

bool udp_service::send(std::uint16_t gateway, model::udp_peer peer, wire::byte_span data) noexcept {
  const int fd = send_fd(gateway);
  if (fd < 0) return false;
  const sockaddr_in to = ipv4_sockaddr(peer.address, peer.port);
  auto n = ::sendto(fd, data.data(), data.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  return n == static_cast<ssize_t>(data.size());
}

model::udp_peer udp_service::local(std::uint16_t gateway) const noexcept {
  if (gateway >= endpoints_.size()) return {};
  const auto& l = endpoints_[gateway]->local;
  return {l.address().to_v4().to_uint(), l.port()};
}

udp_service::receive_counts udp_service::counts(std::uint16_t gateway) const noexcept {
  if (gateway >= endpoints_.size()) return {};
  const auto& e = *endpoints_[gateway];
  return {e.control.has_value(), e.from_control.load(relaxed), e.from_data.load(relaxed), e.info.control_buffer,
          e.info.data_buffer};
}

}  // namespace bras::io
