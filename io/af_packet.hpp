// AF_PACKET sockets that see only PPPoE, and the VLAN tag the kernel takes
// out of a received frame put back. One implementation for everything that
// reads an access interface: the LAC's access ports (io/packet_socket.cpp),
// bras-loadgen's PPPoE subscribers (tools/emulator/packet_link.cpp) and the
// benchmark's receive baseline (bench/afpacket_rx.cpp), so the baseline reads
// exactly as the LAC does.
#pragma once

#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cstddef>
#include <span>
#include <string>

#include "protocol/pppoe/ethernet.hpp"

namespace bras::io::af_packet {

/// Room a receive buffer leaves in front of each frame for the restored tag.
inline constexpr std::size_t tag_room = 4;
/// msg_control room for the PACKET_AUXDATA that says which tag was taken out.
inline constexpr std::size_t control_size = CMSG_SPACE(sizeof(tpacket_auxdata));

struct pppoe_socket {
  int fd = -1;
  int ifindex = 0;
};

/// A non-blocking SOCK_RAW socket bound to `interface` that receives only
/// PPPoE (0x8863/0x8864, untagged or behind one or two VLAN tags), with
/// PACKET_AUXDATA, PACKET_IGNORE_OUTGOING and a receive buffer of
/// `receive_buffer` bytes (past net.core.rmem_max as root). Throws
/// std::system_error "cannot open access interface NAME: what" (the socket
/// closed).
[[nodiscard]] pppoe_socket open_pppoe(const std::string& interface, int receive_buffer);

/// The interface's MAC address (SIOCGIFHWADDR); throws like open_pppoe.
[[nodiscard]] eth::mac_address mac_of(int fd, const std::string& interface);

/// The frame of `m` as it was on the wire: when the kernel took the outer
/// VLAN tag out (PACKET_AUXDATA), the MACs move `tag_room` bytes forward and
/// the tag goes back between them and the ethertype. `frame.data()` must have
/// `tag_room` writable bytes in front of it.
[[nodiscard]] std::span<std::byte> restore_vlan_tag(const msghdr& m, std::span<std::byte> frame) noexcept;

}  // namespace bras::io::af_packet
