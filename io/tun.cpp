#include "io/tun.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

namespace bras::io {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// A socket for interface ioctls, closed on scope exit.
struct ioctl_socket {
  explicit ioctl_socket(int family = AF_INET) : fd{::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)} {}
  ioctl_socket(const ioctl_socket&) = delete;
  ioctl_socket& operator=(const ioctl_socket&) = delete;
  int fd;
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

/// Writes a per-device IPv6 sysctl; false (errno set) if it cannot.
bool set_ipv6_sysctl(const std::string& device, const char* key, const char* value) {
  std::ofstream file{"/proc/sys/net/ipv6/conf/" + device + "/" + key};
  if (!file) {
    if (errno == 0) errno = ENOENT;
    return false;
  }
  file << value;
  file.flush();
  if (!file) {
    if (errno == 0) errno = EIO;
    return false;
  }
  return true;
}

/// Even without DAD the kernel finishes an address's set-up in a work queue: until then it is
/// tentative (no bind, packets to it dropped). Start returns once it is usable.
void wait_until_usable(const std::string& name, const ip::ipv6_address& address) {
  sockaddr_in6 at{};
  at.sin6_family = AF_INET6;
  std::memcpy(&at.sin6_addr, address.data(), sizeof at.sin6_addr);
  for (int attempt = 0; attempt < 300; ++attempt) {
    ioctl_socket probe{AF_INET6};
    if (probe.fd < 0) fail("tun " + name + ": IPv6 socket");
    if (::bind(probe.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) == 0) return;
    if (errno != EADDRNOTAVAIL) fail("tun " + name + ": IPv6 address not usable");
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  fail("tun " + name + ": IPv6 address still tentative after 3 s");
}

/// The LNS's IPv6 address and the prefix pools' routes on the device (up already: IPv6 routes
/// need a running device).
void configure_ipv6(const std::string& name, const tun_ipv6& ipv6) {
  if (!ipv6.local_address && ipv6.routes.empty()) return;
  // The link is point-to-point to brasd itself: no one else can hold the address, and
  // Duplicate Address Detection would only keep it tentative (unusable) for a second.
  if (!set_ipv6_sysctl(name, "disable_ipv6", "0")) fail("tun " + name + ": enable IPv6 (is IPv6 on in the kernel?)");
  if (!set_ipv6_sysctl(name, "accept_dad", "0")) fail("tun " + name + ": disable DAD");
  ioctl_socket s{AF_INET6};
  if (s.fd < 0) fail("tun " + name + ": IPv6 socket");
  const int index = static_cast<int>(::if_nametoindex(name.c_str()));
  if (index == 0) fail("tun " + name + ": interface index");
  if (ipv6.local_address) {
    in6_ifreq req{};
    std::memcpy(&req.ifr6_addr, ipv6.local_address->data(), sizeof req.ifr6_addr);
    req.ifr6_prefixlen = 128;
    req.ifr6_ifindex = index;
    if (::ioctl(s.fd, SIOCSIFADDR, &req) < 0 && errno != EEXIST) fail("tun " + name + ": set IPv6 address");
    wait_until_usable(name, *ipv6.local_address);
  }
  for (const auto& p : ipv6.routes) {
    in6_rtmsg rt{};
    std::memcpy(&rt.rtmsg_dst, p.address.data(), sizeof rt.rtmsg_dst);
    rt.rtmsg_dst_len = p.length;
    rt.rtmsg_flags = RTF_UP;
    rt.rtmsg_metric = 1;
    rt.rtmsg_ifindex = index;
    if (::ioctl(s.fd, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
      fail("tun " + name + ": add IPv6 route " + ip::to_string(p));
    }
  }
}

}  // namespace

tun_device::tun_device(boost::asio::io_context& io, const std::string& name, std::uint32_t local_address,
                       const std::vector<config::ipv4_prefix>& routes, const tun_ipv6& ipv6, std::uint16_t mtu)
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
  // Owned by the stream from here: a failing step below closes it (and the kernel drops the device).
  stream_.assign(fd_);
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
  configure_ipv6(name_, ipv6);
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
