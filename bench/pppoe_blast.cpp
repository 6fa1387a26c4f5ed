// Traffic for the LAC benchmark (bench/lac_pppoe.sh), in three modes:
//
//   bras_pppoe_blast learn IFACE FILE
//     On the subscribers' interface while bras-loadgen brings its sessions
//     up: every IPCP Configure-Ack that arrives (the LNS accepting a
//     subscriber's address, relayed by the LAC) names a session: the
//     subscriber's MAC (destination), the AC's MAC (source), the PPPoE
//     SESSION_ID and the address. On SIGTERM or SIGINT it writes one line per
//     session to FILE: "SUBSCRIBER-MAC AC-MAC SESSION-ID ADDRESS". Sniffing
//     needs nothing from either daemon (no CLI, no per-session metrics), and
//     bras-loadgen's report does not list the sessions. Untagged frames only.
//   bras_pppoe_blast send IFACE FILE SECONDS [--down] [--size BYTES] [--peer ADDRESS]
//     Sends PPPoE session frames carrying IPv4 ICMP Echo Requests (BYTES of
//     IP, default 128) from each session's subscriber MAC and address to the
//     AC's MAC, round robin over the sessions, with sendmmsg as fast as the
//     kernel takes them, for SECONDS. The destination (default 198.18.0.1,
//     RFC 2544 benchmarking space) is blackholed behind the LNS, so nothing
//     comes back. --down: the mirror image, from the AC's MAC to each
//     subscriber (ICMP Echo Replies to its address): the frames a LAC sends
//     down, for the receive baseline on the subscribers' side.
//   bras_pppoe_blast udp FILE SECONDS [--size BYTES] [--port PORT]
//     Sends UDP datagrams (BYTES of IP) to each session's address round
//     robin with sendmmsg for SECONDS: run beside the LNS, they are routed
//     into its tun and come down through the L2TP tunnel and the LAC.
//
// send and udp print one line: frames (datagrams) sent, seconds, per second.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;
using mac_address = std::array<std::uint8_t, 6>;

constexpr std::size_t batch = 32;
constexpr std::uint16_t ethertype_session = 0x8864;
constexpr std::uint16_t ppp_ipv4 = 0x0021;
constexpr std::uint16_t ppp_ipcp = 0x8021;
constexpr std::uint8_t ipcp_configure_ack = 2;
constexpr std::uint8_t ipcp_option_address = 3;
constexpr std::size_t ethernet_header = 14;
constexpr std::size_t pppoe_header = 6;
constexpr std::size_t ppp_protocol = 2;

/// One subscriber session as the sessions file holds it.
struct session {
  mac_address subscriber{};
  mac_address concentrator{};
  std::uint16_t session_id = 0;
  std::uint32_t address = 0;  ///< host order
};

std::atomic<bool> stop_requested{false};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bras_pppoe_blast: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(2);
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bras_pppoe_blast learn IFACE FILE\n"
               "       bras_pppoe_blast send IFACE FILE SECONDS [--down] [--size BYTES] [--peer ADDRESS]\n"
               "       bras_pppoe_blast udp FILE SECONDS [--size BYTES] [--port PORT]\n");
  std::exit(2);
}

std::string format_mac(const mac_address& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return text;
}

bool parse_mac(const std::string& text, mac_address& mac) {
  unsigned octets[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &octets[0], &octets[1], &octets[2], &octets[3], &octets[4],
                  &octets[5]) != 6)
    return false;
  for (std::size_t i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(octets[i]);
  return true;
}

std::string format_ipv4(std::uint32_t address) {
  in_addr a{htonl(address)};
  char text[INET_ADDRSTRLEN];
  return ::inet_ntop(AF_INET, &a, text, sizeof text);
}

std::uint32_t parse_ipv4(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) {
    std::fprintf(stderr, "bras_pppoe_blast: not an IPv4 address: %s\n", text.c_str());
    std::exit(2);
  }
  return ntohl(a.s_addr);
}

std::uint16_t read16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void write16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v & 0xff);
}

void write32(std::uint8_t* p, std::uint32_t v) {
  write16(p, static_cast<std::uint16_t>(v >> 16));
  write16(p + 2, static_cast<std::uint16_t>(v & 0xffff));
}

/// The Internet checksum (RFC 1071) of `size` bytes.
std::uint16_t checksum(const std::uint8_t* p, std::size_t size) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < size; i += 2) sum += read16(p + i);
  if (size % 2 != 0) sum += static_cast<std::uint32_t>(p[size - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

/// An IPv4 header of `total` bytes from `source` to `destination` carrying `protocol`.
void write_ipv4_header(std::uint8_t* ip, std::size_t total, std::uint8_t protocol, std::uint32_t source,
                       std::uint32_t destination) {
  ip[0] = 0x45;
  write16(ip + 2, static_cast<std::uint16_t>(total));
  ip[8] = 64;
  ip[9] = protocol;
  write32(ip + 12, source);
  write32(ip + 16, destination);
  write16(ip + 10, checksum(ip, 20));
}

int packet_socket(const std::string& interface, std::uint16_t protocol) {
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(protocol));
  if (fd < 0) die("socket");
  sockaddr_ll at{};
  at.sll_family = AF_PACKET;
  at.sll_protocol = htons(protocol);
  at.sll_ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (at.sll_ifindex == 0) die(interface);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) die("bind " + interface);
  return fd;
}

std::vector<session> read_sessions(const std::string& path) {
  std::ifstream in{path};
  if (!in) die(path);
  std::vector<session> sessions;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    std::string subscriber, concentrator, address;
    unsigned id = 0;
    session s;
    if (!(fields >> subscriber >> concentrator >> id >> address) || !parse_mac(subscriber, s.subscriber) ||
        !parse_mac(concentrator, s.concentrator) || id == 0 || id > 0xffff) {
      std::fprintf(stderr, "bras_pppoe_blast: %s: bad line: %s\n", path.c_str(), line.c_str());
      std::exit(2);
    }
    s.session_id = static_cast<std::uint16_t>(id);
    s.address = parse_ipv4(address);
    sessions.push_back(s);
  }
  if (sessions.empty()) {
    std::fprintf(stderr, "bras_pppoe_blast: no sessions in %s\n", path.c_str());
    std::exit(1);
  }
  return sessions;
}

/// Notes the session an IPCP Configure-Ack toward a subscriber names (anything else is ignored).
void note_ipcp_ack(const std::uint8_t* frame, std::size_t size,
                   std::map<std::pair<mac_address, std::uint16_t>, session>& learnt) {
  std::size_t protocol_at = ethernet_header + pppoe_header;
  if (size < protocol_at + 2 + ppp_protocol + 4) return;
  if (read16(frame + 12) != ethertype_session || frame[14] != 0x11 || frame[15] != 0) return;
  // RFC 2516 forbids the address and control field; tolerate one all the same.
  if (frame[protocol_at] == 0xff && frame[protocol_at + 1] == 0x03) protocol_at += 2;
  const std::size_t ipcp_at = protocol_at + ppp_protocol;
  if (read16(frame + protocol_at) != ppp_ipcp || frame[ipcp_at] != ipcp_configure_ack) return;
  const std::size_t ipcp_end = std::min(size, ipcp_at + read16(frame + ipcp_at + 2));
  for (std::size_t at = ipcp_at + 4; at + 2 <= ipcp_end && frame[at + 1] >= 2; at += frame[at + 1]) {
    if (frame[at] != ipcp_option_address || frame[at + 1] != 6 || at + 6 > ipcp_end) continue;
    session s;
    std::memcpy(s.subscriber.data(), frame, 6);
    std::memcpy(s.concentrator.data(), frame + 6, 6);
    s.session_id = read16(frame + 16);
    s.address = (std::uint32_t{frame[at + 2]} << 24) | (std::uint32_t{frame[at + 3]} << 16) |
                (std::uint32_t{frame[at + 4]} << 8) | frame[at + 5];
    learnt[{s.subscriber, s.session_id}] = s;
  }
}

int learn(const std::string& interface, const std::string& path) {
  const int fd = packet_socket(interface, ethertype_session);
  int yes = 1;
  if (::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &yes, sizeof yes) != 0) die("PACKET_IGNORE_OUTGOING");
  // Every session frame toward the subscribers arrives here while thousands come up: a
  // large buffer, drained on each wake-up, so no Configure-Ack is lost to an overflow.
  const int buffer_bytes = 64 * 1024 * 1024;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0) die("SO_RCVBUFFORCE");
  // By subscriber MAC and SESSION_ID: a session renegotiating IPCP keeps one line.
  std::map<std::pair<mac_address, std::uint16_t>, session> learnt;
  std::array<std::uint8_t, 2048> frame{};
  while (!stop_requested.load()) {
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 100) <= 0) continue;
    for (;;) {
      const auto n = ::recv(fd, frame.data(), frame.size(), MSG_DONTWAIT);
      if (n < 0) break;
      note_ipcp_ack(frame.data(), static_cast<std::size_t>(n), learnt);
    }
  }
  std::ofstream out{path};
  for (const auto& [key, s] : learnt)
    out << format_mac(s.subscriber) << ' ' << format_mac(s.concentrator) << ' ' << s.session_id << ' '
        << format_ipv4(s.address) << '\n';
  std::printf("learnt sessions=%zu\n", learnt.size());
  return out ? 0 : 1;
}

/// Sends `messages` round robin in sendmmsg batches for `seconds`; prints and returns 0.
int blast(int fd, std::vector<mmsghdr>& messages, double seconds, const char* what) {
  const auto window = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
  const auto start = steady::now();
  std::uint64_t sent = 0;
  std::size_t next = 0;
  for (unsigned round = 0;; ++round) {
    if (round % 64 == 0 && (stop_requested.load() || steady::now() - start >= window)) break;
    const auto count = std::min(batch, messages.size() - next);
    const int n = ::sendmmsg(fd, messages.data() + next, static_cast<unsigned>(count), 0);
    if (n < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) continue;  // the queue is full: offer again
      die("sendmmsg");
    }
    sent += static_cast<std::uint64_t>(n);
    next = (next + static_cast<std::size_t>(n)) % messages.size();
  }
  const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
  std::printf("pppoe-blast %s sent=%llu seconds=%.2f per-second=%.0f\n", what, static_cast<unsigned long long>(sent),
              elapsed, static_cast<double>(sent) / elapsed);
  return 0;
}

int send_frames(const std::string& interface, const std::vector<session>& sessions, double seconds, bool down,
                std::size_t ip_size, std::uint32_t peer) {
  const int fd = packet_socket(interface, 0);  // protocol 0: this socket receives nothing
  const std::size_t frame_size = ethernet_header + pppoe_header + ppp_protocol + ip_size;
  std::vector<std::uint8_t> frames(frame_size * sessions.size());
  std::vector<iovec> iovecs(sessions.size());
  std::vector<mmsghdr> messages(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const session& s = sessions[i];
    std::uint8_t* f = frames.data() + i * frame_size;
    std::memcpy(f, (down ? s.subscriber : s.concentrator).data(), 6);
    std::memcpy(f + 6, (down ? s.concentrator : s.subscriber).data(), 6);
    write16(f + 12, ethertype_session);
    f[14] = 0x11;  // version 1, type 1; code 0: session data
    write16(f + 16, s.session_id);
    write16(f + 18, static_cast<std::uint16_t>(ppp_protocol + ip_size));
    write16(f + 20, ppp_ipv4);
    std::uint8_t* ip = f + 22;
    write_ipv4_header(ip, ip_size, IPPROTO_ICMP, down ? peer : s.address, down ? s.address : peer);
    std::uint8_t* icmp = ip + 20;
    icmp[0] = down ? 0 : 8;  // Echo Reply : Echo Request
    write16(icmp + 4, static_cast<std::uint16_t>(i));
    write16(icmp + 2, checksum(icmp, ip_size - 20));
    iovecs[i] = iovec{f, frame_size};
    messages[i].msg_hdr.msg_iov = &iovecs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  return blast(fd, messages, seconds, down ? "down" : "up");
}

int send_udp(const std::vector<session>& sessions, double seconds, std::size_t ip_size, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  std::vector<std::uint8_t> payload(ip_size - 28, 0x5a);
  iovec body{payload.data(), payload.size()};
  std::vector<sockaddr_in> destinations(sessions.size());
  std::vector<mmsghdr> messages(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    destinations[i].sin_family = AF_INET;
    destinations[i].sin_port = htons(port);
    destinations[i].sin_addr.s_addr = htonl(sessions[i].address);
    messages[i].msg_hdr.msg_name = &destinations[i];
    messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    messages[i].msg_hdr.msg_iov = &body;
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  return blast(fd, messages, seconds, "udp");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) usage();
  std::signal(SIGTERM, [](int) { stop_requested.store(true); });
  std::signal(SIGINT, [](int) { stop_requested.store(true); });
  const std::string mode = args[0];
  std::size_t ip_size = 128;
  std::uint32_t peer = parse_ipv4("198.18.0.1");
  std::uint16_t port = 9;
  bool down = false;
  // Options after the positional arguments.
  const std::size_t positional = mode == "learn" ? 3 : mode == "send" ? 4 : mode == "udp" ? 3 : 0;
  if (positional == 0 || args.size() < positional) usage();
  for (std::size_t i = positional; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--down") {
      down = true;
    } else if (args[i] == "--size" && has_value) {
      ip_size = std::strtoul(args[++i].c_str(), nullptr, 10);
    } else if (args[i] == "--peer" && has_value) {
      peer = parse_ipv4(args[++i]);
    } else if (args[i] == "--port" && has_value) {
      port = static_cast<std::uint16_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
    } else {
      usage();
    }
  }
  if (ip_size < 28 || ip_size > 1492) {
    std::fprintf(stderr, "bras_pppoe_blast: --size must be 28..1492\n");
    return 2;
  }
  if (mode == "learn") return learn(args[1], args[2]);
  if (mode == "send")
    return send_frames(args[1], read_sessions(args[2]), std::strtod(args[3].c_str(), nullptr), down, ip_size, peer);
  return send_udp(read_sessions(args[1]), std::strtod(args[2].c_str(), nullptr), ip_size, port);
}
