#include "tools/emulator/tun_link.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::emulator {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// A socket of `family` for interface ioctls, closed on scope exit.
struct ioctl_socket {
  explicit ioctl_socket(int family) : fd{::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)} {}
  ~ioctl_socket() {
    if (fd >= 0) ::close(fd);
  }
  ioctl_socket(const ioctl_socket&) = delete;
  ioctl_socket& operator=(const ioctl_socket&) = delete;
  int fd;
};

/// The kernel's struct in6_ifreq (linux/ipv6.h, which clashes with netinet/in.h).
struct in6_ifreq {
  in6_addr ifr6_addr;
  std::uint32_t ifr6_prefixlen;
  int ifr6_ifindex;
};

void set_ipv4(sockaddr& field, std::uint32_t address) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  std::memcpy(&field, &a, sizeof a);
}

/// Writes `value` to /proc/sys/net/ipv6/conf/NAME/`key`.
void set_ipv6_conf(const std::string& name, const std::string& key, const std::string& value) {
  std::ofstream f{"/proc/sys/net/ipv6/conf/" + name + "/" + key};
  f << value << '\n';
  f.flush();
  if (!f) fail("tun " + name + ": cannot set net.ipv6.conf." + name + "." + key);
}

ifreq request_for(const std::string& name) {
  ifreq r{};
  std::strncpy(r.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return r;
}

}  // namespace

tun_link::tun_link(const std::string& name) : name_{name}, buffer_(65536) {
  fd_ = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) fail("tun " + name + ": cannot open /dev/net/tun");
  auto req = request_for(name);
  req.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(fd_, TUNSETIFF, &req) < 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    errno = e;
    fail("tun " + name + ": TUNSETIFF (are we root / CAP_NET_ADMIN?)");
  }
  name_ = req.ifr_name;
  // Before the interface goes up: no kernel-made link-local address, and ours usable at once.
  set_ipv6_conf(name_, "addr_gen_mode", "1");
  set_ipv6_conf(name_, "accept_dad", "0");
}

tun_link::~tun_link() {
  if (fd_ >= 0) ::close(fd_);  // the kernel removes the device with its addresses
}

void tun_link::add_link_local(std::uint64_t interface_id) {
  ioctl_socket s{AF_INET6};
  if (s.fd < 0) fail("tun " + name_ + ": AF_INET6 socket");
  in6_ifreq r{};
  const auto address = ip::link_local(interface_id);
  std::memcpy(&r.ifr6_addr, address.data(), address.size());
  r.ifr6_prefixlen = 64;
  r.ifr6_ifindex = static_cast<int>(::if_nametoindex(name_.c_str()));
  if (r.ifr6_ifindex == 0) fail("tun " + name_ + ": interface index");
  if (::ioctl(s.fd, SIOCSIFADDR, &r) < 0) fail("tun " + name_ + ": add " + ip::to_string(address) + "/64");
}

void tun_link::add_ipv4(std::uint32_t local, std::uint32_t peer) {
  ioctl_socket s{AF_INET};
  if (s.fd < 0) fail("tun " + name_ + ": socket");
  auto r = request_for(name_);
  set_ipv4(r.ifr_addr, local);
  if (::ioctl(s.fd, SIOCSIFADDR, &r) < 0) fail("tun " + name_ + ": set address");
  set_ipv4(r.ifr_netmask, 0xffffffffu);
  if (::ioctl(s.fd, SIOCSIFNETMASK, &r) < 0) fail("tun " + name_ + ": set netmask");
  if (peer != 0) {
    set_ipv4(r.ifr_dstaddr, peer);
    if (::ioctl(s.fd, SIOCSIFDSTADDR, &r) < 0) fail("tun " + name_ + ": set peer address");
  }
}

void tun_link::up() {
  ioctl_socket s{AF_INET};
  if (s.fd < 0) fail("tun " + name_ + ": socket");
  auto r = request_for(name_);
  if (::ioctl(s.fd, SIOCGIFFLAGS, &r) < 0) fail("tun " + name_ + ": get flags");
  r.ifr_flags = static_cast<short>(r.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(s.fd, SIOCSIFFLAGS, &r) < 0) fail("tun " + name_ + ": set up");
}

std::size_t tun_link::receive(const std::function<void(wire::byte_span)>& on_packet) {
  std::size_t n = 0;
  for (; n < 256; ++n) {  // bounded: the caller's loop has other work too
    const auto got = ::read(fd_, buffer_.data(), buffer_.size());
    if (got <= 0) break;
    on_packet(wire::byte_span{buffer_.data(), static_cast<std::size_t>(got)});
  }
  return n;
}

bool tun_link::write(wire::byte_span packet) noexcept {
  return ::write(fd_, packet.data(), packet.size()) == static_cast<ssize_t>(packet.size());
}

}  // namespace bras::emulator
