#include "io/tun.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

#include "dataplane/data_path.hpp"

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

/// Opens /dev/net/tun and attaches it to `name` with `flags`; the descriptor, or -1 with errno set.
int attach(const std::string& name, short flags, std::string& actual) {
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  ifreq req{};
  req.ifr_flags = flags;
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &req) < 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  actual = req.ifr_name;
  return fd;
}

/// Says once that a queue stopped reading (its reader does not re-arm): after the device is deleted
/// (`ip link del`) every queue is detached and each read fails at once with EBADFD, so reading on
/// would only spin. Writes fail from then on too, each counted as a tun-write drop.
void reading_stopped(const std::string& device, std::size_t queue, const std::string& error) {
  if (auto log = spdlog::get("io")) {
    log->error(
        "tun-read-stopped device={} queue={} error=\"{}\" (deleted or detached: packets to the subscribers are "
        "no longer read; restart brasd to create the device again)",
        device, queue, error);
  }
}

/// The queue a packet to the kernel is written on: by its source (the subscriber's IPv4 address, or
/// its IPv6 /64), so each subscriber's flows have one queue.
std::size_t queue_of(wire::byte_span packet, std::size_t queues) noexcept {
  std::uint64_t key = 0;
  const auto version = packet.empty() ? 0 : std::to_integer<unsigned>(packet[0]) >> 4;
  if (version == 4 && packet.size() >= 20) {
    key = wire::load_u32(packet.data() + 12);
  } else if (version == 6 && packet.size() >= 40) {
    key = (std::uint64_t{wire::load_u32(packet.data() + 8)} << 32) | wire::load_u32(packet.data() + 12);
  }
  return static_cast<std::size_t>(((key * 0x9e3779b97f4a7c15ULL) >> 32) % queues);
}

}  // namespace

/// One queue's descriptor and its ring of read buffers: tun_burst slots of headroom + 64 KiB (the
/// largest packet a tun device carries, so no read is ever cut short); allocated without being
/// written, so only the pages packets land in are backed.
struct tun_device::queue {
  static constexpr std::size_t slot = dataplane::encap_headroom + 65536;
  queue(int descriptor, bool closes)
      : fd{descriptor}, owns_fd{closes}, ring{new std::byte[dataplane::tun_burst * slot]} {
    packets.reserve(dataplane::tun_burst);
  }
  ~queue() {
    if (owns_fd) ::close(fd);
  }
  queue(const queue&) = delete;
  queue& operator=(const queue&) = delete;
  [[nodiscard]] std::span<std::byte> buffer(std::size_t i) const noexcept { return {ring.get() + i * slot, slot}; }
  int fd;
  bool owns_fd;  ///< queue 0's belongs to the Asio stream
  std::unique_ptr<std::byte[]> ring;
  std::vector<dataplane::headroom_packet> packets;  ///< the burst being handed over
};

void tun_device::open_queues(const std::string& name, unsigned count) {
  constexpr short single = IFF_TUN | IFF_NO_PI;
  constexpr short multi = IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE;
  // An existing device keeps the kind it was made with (EINVAL for the other): then take that one.
  short flags = count > 1 ? multi : single;
  int fd = attach(name, flags, name_);
  if (fd < 0 && errno == EINVAL) {
    flags = flags == multi ? single : multi;
    fd = attach(name, flags, name_);
  }
  if (fd < 0) fail("tun " + name + ": TUNSETIFF (is another brasd using it? are we root / CAP_NET_ADMIN?)");
  queues_.push_back(std::make_unique<queue>(fd, false));
  // Owned by the stream from here: a failing step below closes it (and the kernel drops the device).
  stream_.assign(fd);
  if (flags != multi) return;
  for (unsigned i = 1; i < count; ++i) {
    std::string same;
    const int more = attach(name_, flags, same);
    if (more < 0) break;  // the kernel's limit: fewer queues
    queues_.push_back(std::make_unique<queue>(more, true));
  }
}

tun_device::tun_device(boost::asio::io_context& io, const std::string& name, std::uint32_t local_address,
                       const std::vector<config::ipv4_prefix>& routes, const tun_ipv6& ipv6, std::uint16_t mtu,
                       unsigned queues)
    : name_{name}, stream_{io} {
  open_queues(name, queues == 0 ? 1 : queues);
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
  stop();
  if (stop_fd_ >= 0) ::close(stop_fd_);
  boost::system::error_code ignored;
  stream_.close(ignored);  // closes queue 0 (the other queues close with theirs): the kernel removes the device
}

void tun_device::start(burst_handler on_burst) {
  on_burst_ = std::move(on_burst);
  if (queues_.size() > 1) {
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) fail("tun " + name_ + ": eventfd");
    for (std::size_t i = 1; i < queues_.size(); ++i) readers_.emplace_back([this, i] { run_queue(i); });
  }
  read();
}

void tun_device::stop() {
  boost::system::error_code ignored;
  stream_.cancel(ignored);
  if (stopping_.exchange(true)) return;
  if (stop_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
  }
  for (auto& t : readers_) t.join();
  readers_.clear();
}

void tun_device::read() {
  auto slot = queues_[0]->buffer(0).subspan(dataplane::encap_headroom);
  stream_.async_read_some(boost::asio::buffer(slot.data(), slot.size()),
                          [this](const boost::system::error_code& ec, std::size_t n) { on_read(ec, n); });
}

std::size_t tun_device::fill(queue& q, std::size_t first) noexcept {
  std::size_t n = first;
  for (; n < dataplane::tun_burst; ++n) {
    const auto b = q.buffer(n);
    const auto got = ::read(q.fd, b.data() + dataplane::encap_headroom, b.size() - dataplane::encap_headroom);
    if (got <= 0) break;
    q.packets.emplace_back(b, dataplane::encap_headroom, static_cast<std::size_t>(got));
  }
  return n - first;
}

void tun_device::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor) return;
  if (ec && ec != boost::asio::error::interrupted && ec != boost::asio::error::would_block) {
    // EBADFD (the device deleted), or another error that the next read would return at once.
    if (!stopping_.load(std::memory_order_relaxed)) reading_stopped(name_, 0, ec.message());
    return;
  }
  if (!ec && n > 0 && on_burst_) {
    // Read behind the headroom, so the data plane writes its headers in front of the packet; then
    // what else is queued, up to a burst: one wake-up and one send per burst, not per packet. The
    // next burst waits for the next turn of the I/O thread, after the L2TP sockets'.
    auto& q = *queues_[0];
    q.packets.clear();
    q.packets.emplace_back(q.buffer(0), dataplane::encap_headroom, n);
    fill(q, 1);
    on_burst_(q.packets);
  }
  read();
}

void tun_device::run_queue(std::size_t index) noexcept {
  auto& q = *queues_[index];
  std::array<pollfd, 2> wait{pollfd{q.fd, POLLIN, 0}, pollfd{stop_fd_, POLLIN, 0}};
  while (!stopping_.load(std::memory_order_relaxed)) {
    q.packets.clear();
    errno = 0;
    if (fill(q, 0) > 0) {
      on_burst_(q.packets);
      continue;
    }
    if (const int error = errno; error != 0 && error != EAGAIN && error != EINTR) {
      // The queue was detached or the device deleted (EBADFD).
      if (!stopping_.load(std::memory_order_relaxed)) reading_stopped(name_, index, std::strerror(error));
      return;
    }
    if (::poll(wait.data(), wait.size(), -1) < 0 && errno != EINTR) return;
  }
}

bool tun_device::write(wire::byte_span packet) noexcept {
  const auto& q = queues_.size() == 1 ? *queues_[0] : *queues_[queue_of(packet, queues_.size())];
  return ::write(q.fd, packet.data(), packet.size()) == static_cast<ssize_t>(packet.size());
}

}  // namespace bras::io
