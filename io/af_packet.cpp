#include "io/af_packet.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace bras::io::af_packet {

namespace {

constexpr std::size_t mac_bytes_size = 12;

/// PPPoE (0x8863, 0x8864) at offset 12, or behind one or two VLAN tags
/// (0x8100, 0x88a8, 0x9100) at 16 or 20. The kernel has already taken an outer
/// 802.1Q/802.1ad tag out, so what is left is checked the same way.
constexpr std::array<sock_filter, 17> pppoe_filter{{
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},        // 0
    {BPF_JMP | BPF_JEQ | BPF_K, 14, 0, 0x8863},  // 1 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 13, 0, 0x8864},  // 2 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},   // 3 -> 6
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},   // 4 -> 6
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 9, 0x9100},   // 5 -> 6, else reject
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 16},        // 6
    {BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 0x8863},   // 7 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 0x8864},   // 8 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},   // 9 -> 12
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},   // 10 -> 12
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0x9100},   // 11 -> 12, else reject
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 20},        // 12
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8863},   // 13 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x8864},   // 14 -> accept, else reject
    {BPF_RET | BPF_K, 0, 0, 0},                  // 15 reject
    {BPF_RET | BPF_K, 0, 0, 0xffffffffU},        // 16 accept (whole frame)
}};

[[noreturn]] void fail(const std::string& interface, const char* what, int error) {
  throw std::system_error(error, std::system_category(), "cannot open access interface " + interface + ": " + what);
}

template <class T>
void set_option(int fd, int level, int name, const T& value, const std::string& interface, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) fail(interface, what, errno);
}

}  // namespace

pppoe_socket open_pppoe(const std::string& interface, int receive_buffer) {
  pppoe_socket s;
  s.ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (s.ifindex == 0) fail(interface, "no such interface", errno);
  s.fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);  // nothing arrives before bind
  if (s.fd < 0) fail(interface, "socket", errno);
  try {
    const sock_fprog program{static_cast<unsigned short>(pppoe_filter.size()),
                             const_cast<sock_filter*>(pppoe_filter.data())};
    set_option(s.fd, SOL_SOCKET, SO_ATTACH_FILTER, program, interface, "SO_ATTACH_FILTER");
    set_option(s.fd, SOL_PACKET, PACKET_AUXDATA, 1, interface, "PACKET_AUXDATA");
    set_option(s.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, interface, "PACKET_IGNORE_OUTGOING");
    // As root the buffer may exceed net.core.rmem_max; otherwise take what the kernel allows.
    if (::setsockopt(s.fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) != 0) {
      set_option(s.fd, SOL_SOCKET, SO_RCVBUF, receive_buffer, interface, "SO_RCVBUF");
    }
    sockaddr_ll at{};
    at.sll_family = AF_PACKET;
    at.sll_protocol = htons(ETH_P_ALL);
    at.sll_ifindex = s.ifindex;
    if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) fail(interface, "bind", errno);
  } catch (...) {
    ::close(s.fd);
    throw;
  }
  return s;
}

eth::mac_address mac_of(int fd, const std::string& interface) {
  ifreq request{};
  if (interface.size() >= sizeof request.ifr_name) fail(interface, "name too long", ENAMETOOLONG);
  std::memcpy(request.ifr_name, interface.data(), interface.size());
  if (::ioctl(fd, SIOCGIFHWADDR, &request) != 0) fail(interface, "SIOCGIFHWADDR", errno);
  eth::mac_address mac{};
  std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

std::span<std::byte> restore_vlan_tag(const msghdr& m, std::span<std::byte> frame) noexcept {
  if (frame.size() < mac_bytes_size) return frame;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&m), c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
        c->cmsg_len < CMSG_LEN(sizeof(tpacket_auxdata)))
      continue;
    tpacket_auxdata aux{};
    std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
    if ((aux.tp_status & TP_STATUS_VLAN_VALID) == 0) return frame;
    const std::uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux.tp_vlan_tpid : eth::tpid_8021q;
    // Back where it was on the wire: between the source MAC and the ethertype.
    std::byte* start = frame.data() - tag_room;
    std::memmove(start, frame.data(), mac_bytes_size);
    start[12] = std::byte{static_cast<std::uint8_t>(tpid >> 8)};
    start[13] = std::byte{static_cast<std::uint8_t>(tpid & 0xff)};
    start[14] = std::byte{static_cast<std::uint8_t>(aux.tp_vlan_tci >> 8)};
    start[15] = std::byte{static_cast<std::uint8_t>(aux.tp_vlan_tci & 0xff)};
    return {start, frame.size() + tag_room};
  }
  return frame;
}

}  // namespace bras::io::af_packet
