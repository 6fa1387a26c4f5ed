// The plain AF_PACKET receive baseline for the LAC's access side: it reads
// an interface the way the LAC does (io/packet_socket.cpp: one SOCK_RAW
// socket, the same BPF filter letting only PPPoE through, PACKET_AUXDATA,
// PACKET_IGNORE_OUTGOING, a 4 MiB receive buffer, a wait for readability and
// then up to 8 recvmmsg calls of 32 frames without blocking), and only counts
// what it reads. bench/lac_pppoe.sh runs it where the LAC (or a subscriber)
// would read, with the same offered load, so the LAC's forwarding rate has a
// ceiling to be compared with.
//
//   bras_afpacket_rx IFACE SECONDS
//
// Counting starts at the first frame and lasts SECONDS (the sender may start
// later); it prints one line: frames, bytes, seconds, frames/s. Exits 1 if no
// frame came within 10 s.
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

// As in io/packet_socket.cpp (kept equal by hand: that one is private to the daemon's I/O layer).
constexpr std::size_t batch = 32;
constexpr int batches_per_wakeup = 8;
constexpr std::size_t frame_capacity = 9216;
constexpr std::size_t control_size = CMSG_SPACE(sizeof(tpacket_auxdata));
constexpr int receive_buffer_bytes = 4 * 1024 * 1024;

/// PPPoE (0x8863, 0x8864) untagged or behind one or two VLAN tags: the LAC's filter.
constexpr std::array<sock_filter, 17> pppoe_filter{{
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
    {BPF_JMP | BPF_JEQ | BPF_K, 14, 0, 0x8863},
    {BPF_JMP | BPF_JEQ | BPF_K, 13, 0, 0x8864},
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 9, 0x9100},
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 16},
    {BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 0x8863},
    {BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 0x8864},
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0x9100},
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 20},
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8863},
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x8864},
    {BPF_RET | BPF_K, 0, 0, 0},
    {BPF_RET | BPF_K, 0, 0, 0xffffffffU},
}};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bras_afpacket_rx: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

template <class T>
void set_option(int fd, int level, int name, const T& value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) die(what);
}

int open_port(const std::string& interface) {
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  const int ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex == 0) die(interface.c_str());
  const sock_fprog program{static_cast<unsigned short>(pppoe_filter.size()),
                           const_cast<sock_filter*>(pppoe_filter.data())};
  set_option(fd, SOL_SOCKET, SO_ATTACH_FILTER, program, "SO_ATTACH_FILTER");
  set_option(fd, SOL_PACKET, PACKET_AUXDATA, 1, "PACKET_AUXDATA");
  set_option(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes, sizeof receive_buffer_bytes) != 0)
    set_option(fd, SOL_SOCKET, SO_RCVBUF, receive_buffer_bytes, "SO_RCVBUF");
  sockaddr_ll at{};
  at.sll_family = AF_PACKET;
  at.sll_protocol = htons(ETH_P_ALL);
  at.sll_ifindex = ifindex;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) die("bind");
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bras_afpacket_rx IFACE SECONDS\n");
    return 2;
  }
  const std::string interface = argv[1];
  const double seconds = std::strtod(argv[2], nullptr);
  if (!(seconds > 0)) {
    std::fprintf(stderr, "bras_afpacket_rx: SECONDS must be positive\n");
    return 2;
  }
  const int fd = open_port(interface);

  std::vector<std::array<std::byte, frame_capacity>> slots(batch);
  std::vector<std::array<std::byte, control_size>> controls(batch);
  std::array<iovec, batch> iovecs{};
  std::array<mmsghdr, batch> messages{};
  for (std::size_t i = 0; i < batch; ++i) {
    iovecs[i] = iovec{slots[i].data(), frame_capacity};
    messages[i].msg_hdr.msg_iov = &iovecs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = controls[i].data();
  }

  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  const auto opened = steady::now();
  steady::time_point first{};
  const auto window = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
  for (;;) {
    const auto now = steady::now();
    if (frames == 0 && now - opened > std::chrono::seconds{10}) {
      std::fprintf(stderr, "bras_afpacket_rx: no frame on %s within 10 s\n", interface.c_str());
      return 1;
    }
    if (frames != 0 && now - first >= window) break;
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 50) < 0 && errno != EINTR) die("poll");
    for (int round = 0; round < batches_per_wakeup; ++round) {
      for (auto& m : messages) {
        m.msg_hdr.msg_controllen = control_size;
        m.msg_hdr.msg_flags = 0;
      }
      const int n = ::recvmmsg(fd, messages.data(), batch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      if (frames == 0) first = steady::now();
      frames += static_cast<std::uint64_t>(n);
      for (int i = 0; i < n; ++i) bytes += messages[static_cast<std::size_t>(i)].msg_len;
      if (static_cast<std::size_t>(n) < batch) break;
    }
  }
  const double elapsed = std::chrono::duration<double>(steady::now() - first).count();
  std::printf("afpacket-rx interface=%s frames=%llu bytes=%llu seconds=%.2f frames-per-second=%.0f\n",
              interface.c_str(), static_cast<unsigned long long>(frames), static_cast<unsigned long long>(bytes),
              elapsed, static_cast<double>(frames) / elapsed);
  ::close(fd);
  return 0;
}
