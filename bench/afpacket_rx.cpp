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
#include <exception>
#include <string>
#include <vector>

#include "io/af_packet.hpp"

namespace {

using steady = std::chrono::steady_clock;

// As in io/packet_socket.cpp; the socket itself is the LAC's (io/af_packet.hpp).
constexpr std::size_t batch = 32;
constexpr int batches_per_wakeup = 8;
constexpr std::size_t frame_capacity = 9216;
constexpr std::size_t control_size = bras::io::af_packet::control_size;
constexpr int receive_buffer_bytes = 4 * 1024 * 1024;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bras_afpacket_rx: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
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
  int fd = -1;
  try {
    fd = bras::io::af_packet::open_pppoe(interface, receive_buffer_bytes).fd;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bras_afpacket_rx: %s\n", e.what());
    return 2;
  }

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
