#include "io/tun.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace bras::io {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// A socket for interface ioctls, closed on scope exit.
struct ioctl_socket {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ~ioctl_socket() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in inet(std::uint32_t address) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  return a;
}

void set_address(ifreq& req, std::uint32_t address) {
  auto a = inet(address);
  std::memcpy(&req.ifr_addr, &a, sizeof a);
}

}  // namespace

tun_device::tun_device(boost::asio::io_context& io, const std::string& name, std::uint32_t local_address,
                       const std::vector<config::ipv4_prefix>& routes, std::uint16_t mtu)
    : name_{name}, stream_{io} {
  fd_ = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) fail("tun " + name + ": cannot open /dev/net/tun");
  ifreq req{};
  req.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd_, TUNSETIFF, &req) < 0) {
    const int e = errno;
    ::close(fd_);
    errno = e;
    fail("tun " + name + ": TUNSETIFF (is another brasd using it? are we root / CAP_NET_ADMIN?)");
  }
  name_ = req.ifr_name;
  ioctl_socket s;
  if (s.fd < 0) fail("tun " + name_ + ": socket");
  ifreq r{};
  std::strncpy(r.ifr_name, name_.c_str(), IFNAMSIZ - 1);
  r.ifr_mtu = mtu;
  if (::ioctl(s.fd, SIOCSIFMTU, &r) < 0) fail("tun " + name_ + ": set MTU");
  if (local_address != 0) {
    set_address(r, local_address);
    if (::ioctl(s.fd, SIOCSIFADDR, &r) < 0) fail("tun " + name_ + ": set address");
    set_address(r, 0xffffffffu);
    if (::ioctl(s.fd, SIOCSIFNETMASK, &r) < 0) fail("tun " + name_ + ": set netmask");
  }
  if (::ioctl(s.fd, SIOCGIFFLAGS, &r) < 0) fail("tun " + name_ + ": get flags");
  r.ifr_flags = static_cast<short>(r.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(s.fd, SIOCSIFFLAGS, &r) < 0) fail("tun " + name_ + ": set up");
  for (const auto& p : routes) {
    rtentry rt{};
    auto dst = inet(p.address);
    auto mask = inet(p.length == 0 ? 0 : ~std::uint32_t{0} << (32 - p.length));
    std::memcpy(&rt.rt_dst, &dst, sizeof dst);
    std::memcpy(&rt.rt_genmask, &mask, sizeof mask);
    rt.rt_flags = RTF_UP;
    rt.rt_dev = name_.data();
    if (::ioctl(s.fd, SIOCADDRT, &rt) < 0 && errno != EEXIST) fail("tun " + name_ + ": add route");
  }
  stream_.assign(fd_);
}

tun_device::~tun_device() {
  boost::system::error_code ignored;
  stream_.close(ignored);  // closes fd_: the kernel removes the device and its routes
}

void tun_device::start(std::function<void(dataplane::headroom_packet)> on_packet) {
  on_packet_ = std::move(on_packet);
  read();
}

void tun_device::stop() {
  boost::system::error_code ignored;
  stream_.cancel(ignored);
}

void tun_device::read() {
  auto packet_area = std::span<std::byte>{buffer_}.subspan(dataplane::encap_headroom);
  stream_.async_read_some(boost::asio::buffer(packet_area.data(), packet_area.size()),
                          [this](const boost::system::error_code& ec, std::size_t n) { on_read(ec, n); });
}

void tun_device::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor) return;
  if (!ec && n > 0 && on_packet_) {
    // Read behind the headroom, so the data plane writes its headers in front of the packet.
    on_packet_(dataplane::headroom_packet{buffer_, dataplane::encap_headroom, n});
    // Drain what else is queued before going back to epoll: one wake-up per burst, not per packet.
    auto packet_area = std::span<std::byte>{buffer_}.subspan(dataplane::encap_headroom);
    for (int i = 0; i < 256; ++i) {
      const auto more = ::read(fd_, packet_area.data(), packet_area.size());
      if (more <= 0) break;
      on_packet_(dataplane::headroom_packet{buffer_, dataplane::encap_headroom, static_cast<std::size_t>(more)});
    }
  }
  read();
}

bool tun_device::write(wire::byte_span packet) noexcept {
  return ::write(fd_, packet.data(), packet.size()) == static_cast<ssize_t>(packet.size());
}

}  // namespace bras::io
